#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Arithmetic and comparison, with Python's semantics
//
// Ints are 64-bit: an overflow raises OverflowError instead of growing into a bignum. Mixed
// int/float arithmetic promotes to float; `//` and `%` floor toward negative infinity.

extension Value {
    /// The numeric value of bool/int/float (nil for everything else).
    var numericValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    /// The integer value of bool/int.
    var intLike: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}
func floorModulo(_ a: Int, _ b: Int) -> Int {
    let r = a % b
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
}
/// CPython's float divmod (exact floor division and a remainder with the divisor's sign).
func floatDivmod(_ a: Double, _ b: Double) -> (Double, Double) {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
        if (b < 0) != (mod < 0) {
            mod += b
            div -= 1
        }
    } else {
        mod = copysign(0, b)
    }
    var floordiv: Double
    if div != 0 {
        floordiv = floor(div)
        if div - floordiv > 0.5 { floordiv += 1 }
    } else {
        floordiv = copysign(0, a / b)
    }
    return (floordiv, mod)
}

func intPower(_ base: Int, _ exp: Int) throws -> Int {
    var result = 1
    var b = base
    var e = exp
    while e > 0 {
        if e & 1 == 1 {
            let (r, o) = result.multipliedReportingOverflow(by: b)
            if o { throw ScriptError.overflow("integer overflow in \(base) ** \(exp) (ints are 64-bit)") }
            result = r
        }
        e >>= 1
        if e > 0 {
            let (sq, o) = b.multipliedReportingOverflow(by: b)
            if o { throw ScriptError.overflow("integer overflow in \(base) ** \(exp) (ints are 64-bit)") }
            b = sq
        }
    }
    return result
}

extension Interpreter {
    // MARK: Binary operators

    public func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        // Numbers first (bool counts as int).
        if let x = a.intLike, let y = b.intLike {
            if case .bool(let p) = a, case .bool(let q) = b {
                switch op {
                case .bitAnd: return .bool(p && q)
                case .bitOr: return .bool(p || q)
                case .bitXor: return .bool(p != q)
                default: break
                }
            }
            return try intBinary(op, x, y)
        }
        if let x = a.numericValue, let y = b.numericValue {
            if let r = try floatBinary(op, x, y) { return r }
        }
        if op == .equal || op == .notEqual {
            // A native object's `==` returns what its `__eq__` returns (a tensor compares elementwise), as in Python.
            if case .object(let o) = a, let r = try o.binaryOperation(op, b, reflected: false, in: self) { return r }
            if case .object(let o) = b, let r = try o.binaryOperation(op, a, reflected: true, in: self) { return r }
            let same = try equals(a, b)
            return .bool(op == .equal ? same : !same)
        }
        if let r = try sequenceBinary(op, a, b) { return r }
        if case .object(let o) = a, let r = try o.binaryOperation(op, b, reflected: false, in: self) { return r }
        if case .object(let o) = b, let r = try o.binaryOperation(op, a, reflected: true, in: self) { return r }
        if op.isComparison {
            throw ScriptError.typeError("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
        if op == .add, case .str = a {
            throw ScriptError.typeError("can only concatenate str (not \"\(b.typeName)\") to str")
        }
        if op == .add, case .list = a {
            throw ScriptError.typeError("can only concatenate list (not \"\(b.typeName)\") to list")
        }
        if op == .add, case .tuple = a {
            throw ScriptError.typeError("can only concatenate tuple (not \"\(b.typeName)\") to tuple")
        }
        if op == .multiply {
            switch (a, b) {
            case (.str, _), (.list, _), (.tuple, _), (_, .str), (_, .list), (_, .tuple):
                let other = (a.intLike == nil && a.numericValue == nil) ? b : a
                throw ScriptError.typeError("can't multiply sequence by non-int of type '\(other.typeName)'")
            default: break
            }
        }
        let symbol = op == .power ? "** or pow()" : op.rawValue
        throw ScriptError.typeError("unsupported operand type(s) for \(symbol): '\(a.typeName)' and '\(b.typeName)'")
    }

    private func intBinary(_ op: BinaryOperator, _ x: Int, _ y: Int) throws -> Value {
        func overflow() -> ScriptError { .overflow("integer overflow in \(x) \(op.rawValue) \(y) (ints are 64-bit)") }
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow() }
            return .int(r)
        case .subtract:
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw overflow() }
            return .int(r)
        case .multiply:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw overflow() }
            return .int(r)
        case .divide:
            if y == 0 { throw ScriptError.zeroDivision("division by zero") }
            if abs(x) < 1 << 53 && abs(y) < 1 << 53 { return .float(Double(x) / Double(y)) }
            return .float(Double(x) / Double(y))
        case .floorDivide:
            if y == 0 { throw ScriptError.zeroDivision("integer division or modulo by zero") }
            if x == Int.min && y == -1 { throw overflow() }
            return .int(floorDivide(x, y))
        case .modulo:
            if y == 0 { throw ScriptError.zeroDivision("integer division or modulo by zero") }
            if y == -1 { return .int(0) }
            return .int(floorModulo(x, y))
        case .power:
            if y < 0 {
                if x == 0 { throw ScriptError.zeroDivision("0.0 cannot be raised to a negative power") }
                return .float(pow(Double(x), Double(y)))
            }
            return .int(try intPower(x, y))
        case .leftShift:
            if y < 0 { throw ScriptError.valueError("negative shift count") }
            if y >= 64 || (x != 0 && (x << y) >> y != x) {
                if x == 0 { return .int(0) }
                throw overflow()
            }
            return .int(x << y)
        case .rightShift:
            if y < 0 { throw ScriptError.valueError("negative shift count") }
            return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .matmul:
            throw ScriptError.typeError("unsupported operand type(s) for @: 'int' and 'int'")
        }
    }

    private func floatBinary(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value? {
        switch op {
        case .add: return .float(x + y)
        case .subtract: return .float(x - y)
        case .multiply: return .float(x * y)
        case .divide:
            if y == 0 { throw ScriptError.zeroDivision("float division by zero") }
            return .float(x / y)
        case .floorDivide:
            if y == 0 { throw ScriptError.zeroDivision("float floor division by zero") }
            return .float(floatDivmod(x, y).0)
        case .modulo:
            if y == 0 { throw ScriptError.zeroDivision("float modulo") }
            return .float(floatDivmod(x, y).1)
        case .power:
            if x == 0 && y < 0 { throw ScriptError.zeroDivision("0.0 cannot be raised to a negative power") }
            if x < 0 && y != y.rounded() { throw ScriptError.valueError("math domain error (complex results are not supported)") }
            let r = pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw ScriptError.overflow("(34, 'Numerical result out of range')") }
            return .float(r)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        default: return nil
        }
    }

    private func sequenceBinary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value? {
        switch (op, a, b) {
        case (.add, .str(let x), .str(let y)): return .str(x + y)
        case (.add, .list(let x), .list(let y)): return .list(ListObject(x.items + y.items))
        case (.add, .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case (.multiply, .str(let s), _) where b.intLike != nil: return .str(String(repeating: s, count: max(0, b.intLike ?? 0)))
        case (.multiply, _, .str(let s)) where a.intLike != nil: return .str(String(repeating: s, count: max(0, a.intLike ?? 0)))
        case (.multiply, .list(let l), _) where b.intLike != nil: return .list(ListObject(repeated(l.items, b.intLike ?? 0)))
        case (.multiply, _, .list(let l)) where a.intLike != nil: return .list(ListObject(repeated(l.items, a.intLike ?? 0)))
        case (.multiply, .tuple(let t), _) where b.intLike != nil: return .tuple(repeated(t, b.intLike ?? 0))
        case (.multiply, _, .tuple(let t)) where a.intLike != nil: return .tuple(repeated(t, a.intLike ?? 0))
        case (.modulo, .str(let s), _): return .str(try percentFormat(s, b))
        case (.bitOr, .dict(let x), .dict(let y)):
            let d = x.copy()
            for (k, v) in y.entries { d.setUnchecked(k, v) }
            return .dict(d)
        case (.less, _, _), (.lessEqual, _, _), (.greater, _, _), (.greaterEqual, _, _):
            if let c = try orderCompare(a, b) {
                switch op {
                case .less: return .bool(c < 0)
                case .lessEqual: return .bool(c <= 0)
                case .greater: return .bool(c > 0)
                default: return .bool(c >= 0)
                }
            }
            if case .object(let x) = a, let s = x as? SetObject, case .object(let y) = b, let t = y as? SetObject {
                let sub = try s.items.allSatisfy { try t.contains($0) }
                let sup = try t.items.allSatisfy { try s.contains($0) }
                switch op {
                case .less: return .bool(sub && s.items.count < t.items.count)
                case .lessEqual: return .bool(sub)
                case .greater: return .bool(sup && s.items.count > t.items.count)
                default: return .bool(sup)
                }
            }
            return nil
        default:
            if case .object(let x) = a, let s = x as? SetObject, case .object(let y) = b, let t = y as? SetObject {
                return try setBinary(op, s, t)
            }
            return nil
        }
    }

    private func setBinary(_ op: BinaryOperator, _ s: SetObject, _ t: SetObject) throws -> Value? {
        let r = SetObject()
        switch op {
        case .bitOr:
            for v in s.items { try r.insert(v) }
            for v in t.items { try r.insert(v) }
        case .bitAnd: for v in s.items where try t.contains(v) { try r.insert(v) }
        case .subtract: for v in s.items where !(try t.contains(v)) { try r.insert(v) }
        case .bitXor:
            for v in s.items where !(try t.contains(v)) { try r.insert(v) }
            for v in t.items where !(try s.contains(v)) { try r.insert(v) }
        default: return nil
        }
        return .object(r)
    }

    private func repeated(_ items: [Value], _ n: Int) -> [Value] {
        guard n > 0 else { return [] }
        var out: [Value] = []
        out.reserveCapacity(items.count * n)
        for _ in 0..<n { out.append(contentsOf: items) }
        return out
    }

    /// Three-way comparison for orderable built-ins (nil when the pair is not orderable).
    func orderCompare(_ a: Value, _ b: Value) throws -> Int? {
        switch (a, b) {
        case (.str(let x), .str(let y)):
            // Python orders strings by code point.
            if x == y { return 0 }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) { $0.value < $1.value } ? -1 : 1
        case (.list(let x), .list(let y)): return try sequenceCompare(x.items, y.items)
        case (.tuple(let x), .tuple(let y)): return try sequenceCompare(x, y)
        default:
            if let x = a.intLike, let y = b.intLike { return x < y ? -1 : x > y ? 1 : 0 }
            if let x = a.numericValue, let y = b.numericValue { return x < y ? -1 : x > y ? 1 : 0 }
            return nil
        }
    }

    private func sequenceCompare(_ x: [Value], _ y: [Value]) throws -> Int? {
        for (p, q) in zip(x, y) {
            if try equals(p, q) { continue }
            if let c = try orderCompare(p, q) { return c }
            if try truthy(try binary(.less, p, q)) { return -1 }
            return 1
        }
        return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
    }

    /// `<` for sorting (raises TypeError on unorderable pairs, as Python does).
    func lessThan(_ a: Value, _ b: Value) throws -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x < y }
        if let c = try orderCompare(a, b) { return c < 0 }
        return try truthy(try binary(.less, a, b))
    }

    // MARK: Equality

    /// `a == b` with Python's semantics (numbers across types, containers elementwise).
    public func equals(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.str(let x), .str(let y)): return x == y
        case (.none, .none): return true
        case (.list(let x), .list(let y)):
            if x === y { return true }
            return try x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { try equals($0, $1) }
        case (.tuple(let x), .tuple(let y)):
            return try x.count == y.count && zip(x, y).allSatisfy { try equals($0, $1) }
        case (.dict(let x), .dict(let y)):
            if x.count != y.count { return false }
            for (k, v) in x.entries {
                guard let w = try y.get(k), try equals(v, w) else { return false }
            }
            return true
        case (.function(let x), .function(let y)): return x === y
        case (.object(let x), .object(let y)):
            if x === y { return true }
            if let s = x as? SetObject, let t = y as? SetObject {
                return try s.items.count == t.items.count && s.items.allSatisfy { try t.contains($0) }
            }
            if let r = try x.binaryOperation(.equal, b, reflected: false, in: self) { return try truthy(r) }
            if let r = try y.binaryOperation(.equal, a, reflected: true, in: self) { return try truthy(r) }
            return x.hashEquals(y)
        case (.object(let x), _):
            if let r = try x.binaryOperation(.equal, b, reflected: false, in: self) { return try truthy(r) }
            return false
        case (_, .object(let y)):
            if let r = try y.binaryOperation(.equal, a, reflected: true, in: self) { return try truthy(r) }
            return false
        default:
            if let x = a.numericValue, let y = b.numericValue { return x == y }
            return false
        }
    }

    // MARK: Unary operators and truth

    public func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.negate, .int(let i)):
            if i == Int.min { throw ScriptError.overflow("integer overflow in -(\(i)) (ints are 64-bit)") }
            return .int(-i)
        case (.negate, .float(let d)): return .float(-d)
        case (.negate, .bool(let b)): return .int(b ? -1 : 0)
        case (.plus, .int), (.plus, .float): return v
        case (.plus, .bool(let b)): return .int(b ? 1 : 0)
        case (.invert, .int(let i)): return .int(~i)
        case (.invert, .bool(let b)): return .int(~(b ? 1 : 0))
        case (_, .object(let o)):
            if let r = try o.unaryOperation(op, in: self) { return r }
        default: break
        }
        throw ScriptError.typeError("bad operand type for unary \(op.rawValue): '\(v.typeName)'")
    }

    /// Python truthiness.
    public func truthy(_ v: Value) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .none: return false
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count != 0
        case .function: return true
        case .object(let o): return try o.isTruthy(in: self)
        case .unbound: return false
        }
    }

    /// `needle in container`.
    public func contains(_ container: Value, _ needle: Value) throws -> Bool {
        switch container {
        case .str(let s):
            guard case .str(let n) = needle else {
                throw ScriptError.typeError("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.isEmpty || s.contains(n)
        case .list(let l): return try l.items.contains { try equals($0, needle) }
        case .tuple(let t): return try t.contains { try equals($0, needle) }
        case .dict(let d): return try d.get(needle) != nil
        case .object(let o):
            if let s = o as? SetObject { return try s.contains(needle) }
            if let r = try o.contains(needle, in: self) { return r }
            var found = false
            try forEach(container) { v in
                if try equals(v, needle) { found = true; return false }
                return true
            }
            return found
        default:
            throw ScriptError.typeError("argument of type '\(container.typeName)' is not iterable")
        }
    }
}
