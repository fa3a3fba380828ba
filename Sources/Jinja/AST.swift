// The syntax tree: expressions and statements as indirect enums, each statement with its template line.

/// An argument at a call site: `f(x)` or `f(name=x)`.
enum Argument: Sendable {
    case positional(Expression)
    case keyword(String, Expression)
    /// `f(*items)`: the items become positional arguments.
    case unpackPositional(Expression)
    /// `f(**mapping)`: the pairs become keyword arguments.
    case unpackKeywords(Expression)
}

indirect enum Expression: Sendable {
    case literal(JinjaValue)
    case name(String)
    case list([Expression])
    case tuple([Expression])
    case dict([(Expression, Expression)])
    /// `a.b`: attribute first, then item (Jinja's `getattr`).
    case attribute(Expression, String)
    /// `a[b]`: item first, then attribute (Jinja's `getitem`).
    case item(Expression, Expression)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    case call(Expression, [Argument])
    case filter(Expression, name: String, [Argument])
    case test(Expression, name: String, [Argument], negated: Bool)
    case not(Expression)
    case negate(Expression)
    case plus(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    /// A chain such as `a < b <= c`, evaluated pairwise as in Python.
    case compare(Expression, [(CompareOperator, Expression)])
    /// `a if condition else b` (`b` absent renders Undefined).
    case conditional(then: Expression, condition: Expression, otherwise: Expression?)
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
    case concat = "~"
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case inside = "in", notInside = "not in"
}

/// Where `{% set %}` and `{% for %}` store values.
enum AssignTarget: Sendable {
    case name(String)
    case tuple([String])
    /// `{% set ns.attr = … %}` on a `namespace()` object.
    case attribute(String, String)

    var names: [String] {
        switch self {
        case .name(let n): return [n]
        case .tuple(let ns): return ns
        case .attribute(let n, _): return [n]
        }
    }
}

struct Statement: Sendable {
    indirect enum Kind: Sendable {
        case text(String)
        case output(Expression)
        case ifChain([(condition: Expression, body: [Statement])], otherwise: [Statement])
        case forLoop(target: AssignTarget, iterable: Expression, filter: Expression?, body: [Statement], otherwise: [Statement], recursive: Bool)
        case set(AssignTarget, Expression)
        case setBlock(AssignTarget, filters: [(String, [Argument])], body: [Statement])
        case macro(name: String, parameters: [(name: String, defaultValue: Expression?)], body: [Statement])
        case callBlock(call: Expression, parameters: [(name: String, defaultValue: Expression?)], body: [Statement])
        case filterBlock(filters: [(String, [Argument])], body: [Statement])
        case breakLoop
        case continueLoop
        /// transformers' `{% generation %}` marks assistant text for masks; rendering just emits the body.
        case generation([Statement])
    }

    let kind: Kind
    let line: Int
}
