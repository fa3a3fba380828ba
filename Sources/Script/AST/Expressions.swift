// MARK: - Expression nodes

final class ConstantExpr: Expr {
    let value: Value
    init(_ value: Value, _ loc: SourceLocation) {
        self.value = value
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value { value }
}

/// Where a name lives, decided by the resolver.
enum NameScope {
    case unresolved
    case local(Int)
    case cell(Int)
    case global(Int)
}

final class NameExpr: Expr {
    let name: String
    var scope: NameScope = .unresolved
    init(_ name: String, _ loc: SourceLocation) {
        self.name = name
        super.init(loc)
    }

    override func eval(_ i: Interpreter) throws -> Value {
        switch scope {
        case .local(let s):
            let v = i.stack[i.base &+ s]
            if case .unbound = v { throw unboundError() }
            return v
        case .global(let g):
            let v = i.globals.values[g]
            if case .unbound = v { throw located(.nameError(name)) }
            return v
        case .cell(let c):
            let v = i.cells[c].value
            if case .unbound = v { throw unboundError(free: true) }
            return v
        case .unresolved:
            throw located(.nameError(name))
        }
    }

    private func unboundError(free: Bool = false) -> ScriptError {
        located(ScriptError(type: free ? "NameError" : "UnboundLocalError",
            free ? "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope"
                : "cannot access local variable '\(name)' where it is not associated with a value"))
    }

    func located(_ e: ScriptError) -> ScriptError {
        var e = e
        e.location = location
        return e
    }

    override func assign(_ value: Value, _ i: Interpreter) throws {
        switch scope {
        case .local(let s): i.stack[i.base &+ s] = value
        case .global(let g): i.globals.values[g] = value
        case .cell(let c): i.cells[c].value = value
        case .unresolved: throw located(.nameError(name))
        }
    }

    override func delete(_ i: Interpreter) throws {
        _ = try eval(i)
        switch scope {
        case .local(let s): i.stack[i.base &+ s] = .unbound
        case .global(let g): i.globals.values[g] = i.builtins[name] ?? .unbound
        case .cell(let c): i.cells[c].value = .unbound
        case .unresolved: break
        }
    }

    /// Moves the value out of the variable (leaving it unbound) so an in-place update of a
    /// string or list does not copy it; the caller must store a value back.
    @inline(__always)
    func take(_ i: Interpreter) -> Value {
        switch scope {
        case .local(let s):
            let v = i.stack[i.base &+ s]
            i.stack[i.base &+ s] = .none
            return v
        case .global(let g):
            let v = i.globals.values[g]
            i.globals.values[g] = .none
            return v
        case .cell(let c):
            let v = i.cells[c].value
            i.cells[c].value = .none
            return v
        case .unresolved: return .unbound
        }
    }
}

final class BinaryExpr: Expr {
    let op: BinaryOperator
    let left: Expr
    let right: Expr
    /// The right operand when it is an int literal (`n - 1`, `i % 8`): no node to evaluate.
    let rightInt: Int?
    init(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ loc: SourceLocation) {
        self.op = op
        self.left = left
        self.right = right
        if let c = right as? ConstantExpr, case .int(let n) = c.value { rightInt = n } else { rightInt = nil }
        super.init(loc)
    }

    override func eval(_ i: Interpreter) throws -> Value {
        let a = try left.eval(i)
        if let y = rightInt, case .int(let x) = a, let r = BinaryExpr.intFastPath(op, x, y) { return r }
        let b = try right.eval(i)
        if case .int(let x) = a, case .int(let y) = b, let r = BinaryExpr.intFastPath(op, x, y) { return r }
        do {
            return try i.binary(op, a, b)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }

    /// `x op y` on ints when no overflow or sign rule needs the general path (nil otherwise).
    @inline(__always)
    static func intFastPath(_ op: BinaryOperator, _ x: Int, _ y: Int) -> Value? {
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            if !o { return .int(r) }
        case .subtract:
            let (r, o) = x.subtractingReportingOverflow(y)
            if !o { return .int(r) }
        case .multiply:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if !o { return .int(r) }
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        // Floor semantics for a positive divisor (`i % 8`, `n // 2`); other signs take the general path.
        case .modulo where y > 0:
            let r = x % y
            return .int(r < 0 ? r &+ y : r)
        case .floorDivide where y > 0:
            let q = x / y
            return .int(x % y < 0 ? q &- 1 : q)
        default: break
        }
        return nil
    }
}

final class UnaryExpr: Expr {
    enum Op { case negate, plus, invert, not }
    let op: Op
    let operand: Expr
    init(_ op: Op, _ operand: Expr, _ loc: SourceLocation) {
        self.op = op
        self.operand = operand
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let v = try operand.eval(i)
        do {
            switch op {
            case .not: return .bool(!(try i.truthy(v)))
            case .negate: return try i.unary(.negate, v)
            case .plus: return try i.unary(.plus, v)
            case .invert: return try i.unary(.invert, v)
            }
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
}

final class BoolOpExpr: Expr {
    let isAnd: Bool
    let values: [Expr]
    init(isAnd: Bool, _ values: [Expr], _ loc: SourceLocation) {
        self.isAnd = isAnd
        self.values = values
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        var v: Value = .none
        for (k, e) in values.enumerated() {
            v = try e.eval(i)
            if k == values.count - 1 { break }
            let t = try i.truthy(v)
            if isAnd ? !t : t { return v }
        }
        return v
    }
}

/// Comparison operators beyond the rich ones (`in`, `is`…).
enum CompareOp {
    case rich(BinaryOperator), isIn, notIn, isSame, isNot
}

final class CompareExpr: Expr {
    let first: Expr
    let rest: [(op: CompareOp, expr: Expr)]
    init(_ first: Expr, _ rest: [(CompareOp, Expr)], _ loc: SourceLocation) {
        self.first = first
        self.rest = rest.map { (op: $0.0, expr: $0.1) }
        if rest.count == 1, case .rich(let op) = rest[0].0, op.isComparison, let c = rest[0].1 as? ConstantExpr,
           case .int(let n) = c.value
        {
            intComparison = (op, n)
        } else {
            intComparison = nil
        }
        super.init(loc)
    }
    /// `x < 2`-style: one comparison against an int literal, evaluated without the literal's node.
    let intComparison: (op: BinaryOperator, value: Int)?

    override func eval(_ i: Interpreter) throws -> Value {
        var left = try first.eval(i)
        if let (op, y) = intComparison, case .int(let x) = left, let r = BinaryExpr.intFastPath(op, x, y) { return r }
        if rest.count == 1 {
            // One comparison (nearly all of them): ints compare inline, `k in d` probes the dict.
            let part = rest[0]
            let right = try part.expr.eval(i)
            switch part.op {
            case .rich(let op):
                if case .int(let x) = left, case .int(let y) = right {
                    switch op {
                    case .less: return .bool(x < y)
                    case .lessEqual: return .bool(x <= y)
                    case .greater: return .bool(x > y)
                    case .greaterEqual: return .bool(x >= y)
                    case .equal: return .bool(x == y)
                    case .notEqual: return .bool(x != y)
                    default: break
                    }
                }
            case .isIn, .notIn:
                if case .dict(let d) = right {
                    let hash = try located { try keyHash(left) }
                    let found = d.count != 0 && d.get(left, hash: hash) != nil
                    if case .isIn = part.op { return .bool(found) }
                    return .bool(!found)
                }
            default: break
            }
            return try located {
                switch part.op {
                case .rich(let op): return try i.binary(op, left, right)
                case .isIn: return .bool(try i.contains(right, left))
                case .notIn: return .bool(!(try i.contains(right, left)))
                case .isSame: return .bool(left.isIdentical(to: right))
                case .isNot: return .bool(!left.isIdentical(to: right))
                }
            }
        }
        do {
            var result: Value = .bool(true)
            for (k, part) in rest.enumerated() {
                let right = try part.expr.eval(i)
                switch part.op {
                case .rich(let op): result = try i.binary(op, left, right)
                case .isIn: result = .bool(try i.contains(right, left))
                case .notIn: result = .bool(!(try i.contains(right, left)))
                case .isSame: result = .bool(left.isIdentical(to: right))
                case .isNot: result = .bool(!left.isIdentical(to: right))
                }
                if k < rest.count - 1 {
                    if !(try i.truthy(result)) { return result }
                    left = right
                }
            }
            return result
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
}

final class IfExpr: Expr {
    let test: Expr, body: Expr, orElse: Expr
    init(_ test: Expr, _ body: Expr, _ orElse: Expr, _ loc: SourceLocation) {
        self.test = test
        self.body = body
        self.orElse = orElse
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        try i.truthy(try test.eval(i)) ? try body.eval(i) : try orElse.eval(i)
    }
}

final class AttributeExpr: Expr {
    let object: Expr
    let name: String
    init(_ object: Expr, _ name: String, _ loc: SourceLocation) {
        self.object = object
        self.name = name
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let o = try object.eval(i)
        do {
            return try i.getAttribute(o, name)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
    override func assign(_ value: Value, _ i: Interpreter) throws {
        let o = try object.eval(i)
        do {
            try i.setAttribute(o, name, value)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
    override func delete(_ i: Interpreter) throws {
        let o = try object.eval(i)
        guard case .object(let obj) = o, let inst = obj as? InstanceObject, inst.attributes.removeValue(forKey: name) != nil else {
            throw ScriptError.attributeError("'\(o.typeName)' object has no attribute '\(name)'")
        }
    }
}

final class SubscriptExpr: Expr {
    let object: Expr
    let index: Expr
    init(_ object: Expr, _ index: Expr, _ loc: SourceLocation) {
        self.object = object
        self.index = index
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let o = try object.eval(i)
        let k = try index.eval(i)
        switch o {
        case .list(let l):
            if case .int(var n) = k {
                if n < 0 { n += l.items.count }
                if n >= 0 && n < l.items.count { return l.items[n] }
            }
        case .dict(let d):
            if let v = try d.get(k) { return v }
        default: break
        }
        do {
            return try i.getItem(o, k)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
    override func assign(_ value: Value, _ i: Interpreter) throws {
        let o = try object.eval(i)
        let k = try index.eval(i)
        do {
            if case .dict(let d) = o {
                try d.set(k, value)
                return
            }
            try i.setItem(o, k, value)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
    override func delete(_ i: Interpreter) throws {
        let o = try object.eval(i)
        let k = try index.eval(i)
        do {
            try i.deleteItem(o, k)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
}

final class SliceExpr: Expr {
    let lower: Expr?, upper: Expr?, step: Expr?
    init(_ lower: Expr?, _ upper: Expr?, _ step: Expr?, _ loc: SourceLocation) {
        self.lower = lower
        self.upper = upper
        self.step = step
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        .object(SliceObject(start: try lower?.eval(i) ?? Value.none, stop: try upper?.eval(i) ?? Value.none, step: try step?.eval(i) ?? Value.none))
    }
}

final class StarredExpr: Expr {
    let value: Expr
    init(_ value: Expr, _ loc: SourceLocation) {
        self.value = value
        super.init(loc)
    }
}

/// Evaluates list/tuple/set elements, expanding `*x`.
@inline(__always)
func evalElements(_ elements: [Expr], _ hasStar: Bool, _ i: Interpreter) throws -> [Value] {
    var out: [Value] = []
    out.reserveCapacity(elements.count)
    for e in elements {
        if hasStar, let s = e as? StarredExpr {
            out.append(contentsOf: try i.iterate(try s.value.eval(i)))
        } else {
            out.append(try e.eval(i))
        }
    }
    return out
}

/// Unpacks a value into targets (`a, b = …`, `first, *rest = …`).
func unpack(_ value: Value, into targets: [Expr], _ i: Interpreter) throws {
    let items = try i.iterate(value)
    if let star = targets.firstIndex(where: { $0 is StarredExpr }) {
        let after = targets.count - star - 1
        guard items.count >= targets.count - 1 else {
            throw ScriptError.valueError("not enough values to unpack (expected at least \(targets.count - 1), got \(items.count))")
        }
        for k in 0..<star { try targets[k].assign(items[k], i) }
        let starValue = Value.list(ListObject(Array(items[star..<(items.count - after)])))
        try (targets[star] as! StarredExpr).value.assign(starValue, i)
        for k in 0..<after { try targets[star + 1 + k].assign(items[items.count - after + k], i) }
        return
    }
    if items.count != targets.count {
        if items.count > targets.count {
            throw ScriptError.valueError("too many values to unpack (expected \(targets.count))")
        }
        throw ScriptError.valueError("not enough values to unpack (expected \(targets.count), got \(items.count))")
    }
    for (t, v) in zip(targets, items) { try t.assign(v, i) }
}

final class TupleExpr: Expr {
    let elements: [Expr]
    let hasStar: Bool
    init(_ elements: [Expr], _ loc: SourceLocation) {
        self.elements = elements
        self.hasStar = elements.contains { $0 is StarredExpr }
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value { .tuple(try evalElements(elements, hasStar, i)) }
    override func assign(_ value: Value, _ i: Interpreter) throws {
        do {
            try unpack(value, into: elements, i)
        } catch var e as ScriptError {
            if e.location == nil { e.location = location }
            throw e
        }
    }
    override func delete(_ i: Interpreter) throws { for e in elements { try e.delete(i) } }
}

final class ListExpr: Expr {
    let elements: [Expr]
    let hasStar: Bool
    init(_ elements: [Expr], _ loc: SourceLocation) {
        self.elements = elements
        self.hasStar = elements.contains { $0 is StarredExpr }
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value { .list(ListObject(try evalElements(elements, hasStar, i))) }
    override func assign(_ value: Value, _ i: Interpreter) throws { try unpack(value, into: elements, i) }
    override func delete(_ i: Interpreter) throws { for e in elements { try e.delete(i) } }
}

final class SetExpr: Expr {
    let elements: [Expr]
    init(_ elements: [Expr], _ loc: SourceLocation) {
        self.elements = elements
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let s = SetObject()
        for v in try evalElements(elements, true, i) { try s.insert(v) }
        return .object(s)
    }
}

final class DictExpr: Expr {
    /// `key: value` entries; a nil key marks `**mapping`.
    let entries: [(key: Expr?, value: Expr)]
    init(_ entries: [(Expr?, Expr)], _ loc: SourceLocation) {
        self.entries = entries.map { (key: $0.0, value: $0.1) }
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        let d = DictObject()
        for entry in entries {
            if let k = entry.key {
                let key = try k.eval(i)
                try d.set(key, try entry.value.eval(i))
            } else {
                let m = try entry.value.eval(i)
                for (k, v) in try i.mappingItems(m, context: "'\(m.typeName)' object is not a mapping") { try d.set(k, v) }
            }
        }
        return .dict(d)
    }
}

/// One `for … in … if …` clause of a comprehension.
struct ComprehensionClause {
    var target: Expr
    var iterable: Expr
    var conditions: [Expr]
}

final class ComprehensionExpr: Expr {
    enum Kind { case list, set, dict, generator }
    let kind: Kind
    let element: Expr
    let valueElement: Expr?
    let clauses: [ComprehensionClause]
    /// A generator expression runs as this generator function (built by the resolver) called
    /// with an iterator over the first iterable.
    var generatorCode: CodeUnit?
    var captures: [Int] = []
    init(_ kind: Kind, _ element: Expr, value: Expr?, _ clauses: [ComprehensionClause], _ loc: SourceLocation) {
        self.kind = kind
        self.element = element
        self.valueElement = value
        self.clauses = clauses
        super.init(loc)
    }

    override func eval(_ i: Interpreter) throws -> Value {
        if let generatorCode {
            let iterable = try clauses[0].iterable.eval(i)
            let iterator = try i.makeIterator(iterable)
            let argument: Value
            if let object = iterator as? any ScriptObject {
                argument = .object(object)
            } else {
                argument = .object(IteratorObject(iterator, name: "\(iterable.typeName)_iterator"))
            }
            let f = FunctionObject(code: generatorCode, defaults: [nil], closure: captures.map { i.cells[$0] })
            return try i.callFunction(f, Arguments([argument]))
        }
        var items: [Value] = []
        let dict = kind == .dict ? DictObject() : nil
        try run(0, i) {
            if let dict, let valueElement {
                try dict.set(try element.eval(i), try valueElement.eval(i))
            } else {
                items.append(try element.eval(i))
            }
        }
        switch kind {
        case .list: return .list(ListObject(items))
        case .generator: return .list(ListObject(items))
        case .set:
            let s = SetObject()
            for v in items { try s.insert(v) }
            return .object(s)
        case .dict: return .dict(dict ?? DictObject())
        }
    }

    private func run(_ level: Int, _ i: Interpreter, _ body: () throws -> Void) throws {
        let clause = clauses[level]
        let iterable = try clause.iterable.eval(i)
        try i.forEach(iterable) { v in
            try clause.target.assign(v, i)
            for c in clause.conditions where !(try i.truthy(try c.eval(i))) { return true }
            if level + 1 < clauses.count { try run(level + 1, i, body) } else { try body() }
            return true
        }
    }
}

final class LambdaExpr: Expr {
    let code: CodeUnit
    let defaults: [Expr]
    /// Cells of the defining frame that the function captures (resolver output).
    var captures: [Int] = []
    init(_ code: CodeUnit, defaults: [Expr], _ loc: SourceLocation) {
        self.code = code
        self.defaults = defaults
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        .function(FunctionObject(code: code, defaults: try defaults.map { try $0.eval(i) }, closure: captures.map { i.cells[$0] }))
    }
}

/// An f-string: literal text and formatted fields.
final class FStringExpr: Expr {
    enum Part {
        case literal(String)
        case field(Expr, conversion: Character?, spec: FStringExpr?, debugText: String?)
    }
    let parts: [Part]
    init(_ parts: [Part], _ loc: SourceLocation) {
        self.parts = parts
        super.init(loc)
    }
    override func eval(_ i: Interpreter) throws -> Value {
        var out = ""
        for p in parts {
            switch p {
            case .literal(let s): out += s
            case .field(let e, nil, nil, nil):
                // A plain `{x}`: ints and strings need no format machinery.
                let v = try e.eval(i)
                switch v {
                case .int(let n): out += decimalText(n)
                case .str(let s): out += s
                default: out += try i.formatValue(v, "")
                }
            case .field(let e, let conv, let spec, let debug):
                let v = try e.eval(i)
                if let debug { out += debug }
                var specText = ""
                if let spec, case .str(let s) = try spec.eval(i) { specText = s }
                var conv = conv
                if debug != nil && conv == nil && specText.isEmpty { conv = "r" }
                switch conv {
                case "r": out += try i.formatValue(.str(try i.repr(v)), specText)
                case "s": out += try i.formatValue(.str(try i.str(v)), specText)
                case "a": out += try i.formatValue(.str(asciiEscaped(try i.repr(v))), specText)
                default: out += try i.formatValue(v, specText)
                }
            }
        }
        return .str(out)
    }
}
