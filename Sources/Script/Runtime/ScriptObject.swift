// MARK: - The native object protocol
//
// Everything that is not a plain number, string or container is a `ScriptObject`: the built-in
// range, set, module, class and exception objects, and every library type (tensors, tokenizers,
// pipelines). A library type adopts the protocol and overrides only the hooks it needs; the
// defaults raise the same TypeError/AttributeError Python would.

/// Binary operators that reach a native object (`a + b`, `a @ b`, comparisons…).
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%"
    case power = "**", matmul = "@", leftShift = "<<", rightShift = ">>", bitAnd = "&", bitOr = "|"
    case bitXor = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
    /// The Python special-method name (for user classes).
    var dunder: String {
        switch self {
        case .add: return "add"
        case .subtract: return "sub"
        case .multiply: return "mul"
        case .divide: return "truediv"
        case .floorDivide: return "floordiv"
        case .modulo: return "mod"
        case .power: return "pow"
        case .matmul: return "matmul"
        case .leftShift: return "lshift"
        case .rightShift: return "rshift"
        case .bitAnd: return "and"
        case .bitOr: return "or"
        case .bitXor: return "xor"
        case .equal: return "eq"
        case .notEqual: return "ne"
        case .less: return "lt"
        case .lessEqual: return "le"
        case .greater: return "gt"
        case .greaterEqual: return "ge"
        }
    }
}

/// Unary operators that reach a native object.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", invert = "~"
}

/// One component of a subscript: `x[0, -1, :, None, ...]` arrives as
/// `[.value(0), .value(-1), .slice(nil, nil, nil), .newAxis, .ellipsis]`.
public enum IndexComponent {
    case value(Value)
    case slice(start: Int?, stop: Int?, step: Int?)
    case newAxis
    case ellipsis
}

/// A structured subscript. `isTuple` tells `x[(0, 1)]`/`x[0, 1]` from `x[0]`.
public struct Index {
    public var components: [IndexComponent]
    public var isTuple: Bool
    /// The original key value (for dict-like native objects).
    public var key: Value
}

/// An iterator over script values.
public protocol ScriptIterator: AnyObject {
    func next() throws -> Value?
}

/// The protocol library types adopt to become script values. All hooks have defaults.
public protocol ScriptObject: AnyObject {
    /// `type(x).__name__`.
    var typeName: String { get }
    /// `x.name`; return nil for "no such attribute" (the interpreter raises AttributeError).
    func attribute(_ name: String, in interp: Interpreter) throws -> Value?
    /// `x.name = value`.
    func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws
    /// Names listed by `dir(x)` and offered by REPL completion.
    func attributeNames() -> [String]
    /// `x(…)` with positional and keyword arguments.
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value
    /// `x[index]`.
    func item(_ index: Index, in interp: Interpreter) throws -> Value
    /// `x[index] = value`.
    func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws
    /// `del x[index]`.
    func deleteItem(_ index: Index, in interp: Interpreter) throws
    /// `for v in x`.
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator
    /// `x op other` (or `other op x` when `reflected`); nil means "not supported" (Python's NotImplemented).
    func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value?
    /// `-x`, `+x`, `~x`; nil means "not supported".
    func unaryOperation(_ op: UnaryOperator, in interp: Interpreter) throws -> Value?
    /// `v in x`; nil falls back to iteration.
    func contains(_ value: Value, in interp: Interpreter) throws -> Bool?
    /// `repr(x)`.
    func repr(in interp: Interpreter) throws -> String
    /// `str(x)` (defaults to `repr`).
    func str(in interp: Interpreter) throws -> String
    /// `len(x)`; nil means "has no len()".
    func length(in interp: Interpreter) throws -> Int?
    /// `bool(x)`, `if x:` (defaults to `len(x) != 0`, else true).
    func isTruthy(in interp: Interpreter) throws -> Bool
    /// `with x as v:` — the value bound to `v`.
    func enter(in interp: Interpreter) throws -> Value
    /// End of a `with` block; `error` is the exception leaving the block. Return true to suppress it.
    func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool
    /// Conversion hooks for `int(x)` and `float(x)` (nil: not convertible).
    func intValue(in interp: Interpreter) throws -> Int?
    func floatValue(in interp: Interpreter) throws -> Double?
    /// Hashing for dict keys and sets (identity by default).
    func hashInto(_ hasher: inout Hasher)
    func hashEquals(_ other: any ScriptObject) -> Bool
}

extension ScriptObject {
    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? { nil }
    public func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws {
        throw ScriptError.attributeError("'\(typeName)' object has no attribute '\(name)'")
    }
    public func attributeNames() -> [String] { [] }
    public func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        throw ScriptError.typeError("'\(typeName)' object is not callable")
    }
    public func item(_ index: Index, in interp: Interpreter) throws -> Value {
        throw ScriptError.typeError("'\(typeName)' object is not subscriptable")
    }
    public func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws {
        throw ScriptError.typeError("'\(typeName)' object does not support item assignment")
    }
    public func deleteItem(_ index: Index, in interp: Interpreter) throws {
        throw ScriptError.typeError("'\(typeName)' object does not support item deletion")
    }
    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator {
        throw ScriptError.typeError("'\(typeName)' object is not iterable")
    }
    public func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? { nil }
    public func unaryOperation(_ op: UnaryOperator, in interp: Interpreter) throws -> Value? { nil }
    public func contains(_ value: Value, in interp: Interpreter) throws -> Bool? { nil }
    public func repr(in interp: Interpreter) throws -> String {
        "<\(typeName) object at 0x\(String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16))>"
    }
    public func str(in interp: Interpreter) throws -> String { try repr(in: interp) }
    public func length(in interp: Interpreter) throws -> Int? { nil }
    public func isTruthy(in interp: Interpreter) throws -> Bool {
        if let n = try length(in: interp) { return n != 0 }
        return true
    }
    public func enter(in interp: Interpreter) throws -> Value {
        throw ScriptError.typeError("'\(typeName)' object does not support the context manager protocol")
    }
    public func exit(_ error: ScriptError?, in interp: Interpreter) throws -> Bool { false }
    public func intValue(in interp: Interpreter) throws -> Int? { nil }
    public func floatValue(in interp: Interpreter) throws -> Double? { nil }
    public func hashInto(_ hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public func hashEquals(_ other: any ScriptObject) -> Bool { false }
}

/// Iterates a Swift array (used by most native iterables).
public final class ArrayIterator: ScriptIterator {
    private let items: [Value]
    private var position = 0
    public init(_ items: [Value]) { self.items = items }
    public func next() throws -> Value? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}
