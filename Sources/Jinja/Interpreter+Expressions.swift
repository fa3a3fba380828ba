// Expression evaluation with Python semantics: `and`/`or` return an operand, `/` is true division,
// `//` and `%` floor, `+` joins strings and lists, `~` stringifies both sides, comparisons chain.

import Foundation

extension Interpreter {
    func evaluate(_ expression: Expression, _ scope: Scope) throws -> JinjaValue {
        switch expression {
        case .literal(let value):
            return value
        case .name(let name):
            return scope.lookup(name) ?? .undefined
        case .list(let items):
            return .array(try items.map { try evaluate($0, scope) })
        case .tuple(let items):
            return .tuple(try items.map { try evaluate($0, scope) })
        case .dict(let pairs):
            var object = JinjaObject()
            for (key, value) in pairs {
                object[try evaluate(key, scope).pythonString] = try evaluate(value, scope)
            }
            return .object(object)
        case .attribute(let base, let name):
            let value = try evaluate(base, scope)
            if case .undefined = value {
                throw JinjaError(.undefined, "'\(describe(base))' is undefined (reading attribute '\(name)')")
            }
            return attribute(of: value, name)
        case .item(let base, let key):
            let value = try evaluate(base, scope)
            let index = try evaluate(key, scope)
            if case .undefined = value {
                throw JinjaError(.undefined, "'\(describe(base))' is undefined (reading item \(index.pythonRepr))")
            }
            return item(of: value, index)
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base, scope)
            if case .undefined = value { throw JinjaError(.undefined, "'\(describe(base))' is undefined (slicing it)") }
            return try slice(value, start: try start.map { try evaluate($0, scope) }, stop: try stop.map { try evaluate($0, scope) }, step: try step.map { try evaluate($0, scope) })
        case .call(let callee, let arguments):
            let function = try evaluate(callee, scope)
            return try call(function, try evaluateArguments(arguments, scope), description: describe(callee))
        case .filter(let base, let name, let arguments):
            return try applyFilter(name, to: try evaluate(base, scope), arguments, scope)
        case .test(let base, let name, let arguments, let negated):
            let result = try applyTest(name, to: try evaluate(base, scope), try evaluateArguments(arguments, scope).positional)
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand, scope).isTruthy))
        case .negate(let operand):
            switch try evaluate(operand, scope) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case .bool(let b): return .int(b ? -1 : 0)
            case let other: throw JinjaError(.type, "bad operand type for unary -: '\(other.typeName)'")
            }
        case .plus(let operand):
            let value = try evaluate(operand, scope)
            guard value.asDouble != nil else { throw JinjaError(.type, "bad operand type for unary +: '\(value.typeName)'") }
            return value
        case .and(let left, let right):
            let l = try evaluate(left, scope)
            return l.isTruthy ? try evaluate(right, scope) : l
        case .or(let left, let right):
            let l = try evaluate(left, scope)
            return l.isTruthy ? l : try evaluate(right, scope)
        case .binary(let op, let left, let right):
            return try binary(op, try evaluate(left, scope), try evaluate(right, scope))
        case .compare(let first, let operations):
            var left = try evaluate(first, scope)
            for (op, rightExpression) in operations {
                let right = try evaluate(rightExpression, scope)
                if !(try compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let then, let condition, let otherwise):
            if try evaluate(condition, scope).isTruthy { return try evaluate(then, scope) }
            return try otherwise.map { try evaluate($0, scope) } ?? .undefined
        }
    }

    /// Source-like text of an expression for error messages.
    func describe(_ expression: Expression) -> String {
        switch expression {
        case .name(let n): return n
        case .attribute(let base, let name): return describe(base) + "." + name
        case .item(let base, let key):
            if case .literal(let v) = key { return describe(base) + "[" + v.pythonRepr + "]" }
            return describe(base) + "[…]"
        case .call(let callee, _): return describe(callee) + "()"
        case .literal(let v): return v.pythonRepr
        default: return "expression"
        }
    }

    // MARK: - Attribute and item access

    /// `value.name`: methods of str/list/dict, then dict keys; missing gives Undefined (as Jinja's getattr).
    func attribute(of value: JinjaValue, _ name: String) -> JinjaValue {
        if let method = boundMethod(value, name) { return method }
        switch value {
        case .object(let object), .namespace(let object): return object[name] ?? .undefined
        default: return .undefined
        }
    }

    /// `value[key]`: dict key or list/string index first, then attribute (Jinja's getitem).
    func item(of value: JinjaValue, _ key: JinjaValue) -> JinjaValue {
        switch (value, key) {
        case (.object(let object), .string(let k)), (.namespace(let object), .string(let k)):
            if let found = object[k] { return found }
            return boundMethod(value, k) ?? .undefined
        case (.object(let object), _):
            return object[key.pythonString] ?? .undefined
        case (.array(let items), _), (.tuple(let items), _):
            guard let i = key.asInt else { return .undefined }
            let index = i < 0 ? items.count + i : i
            return items.indices.contains(index) ? items[index] : .undefined
        case (.string(let s), _):
            guard let i = key.asInt else {
                if case .string(let name) = key { return boundMethod(value, name) ?? .undefined }
                return .undefined
            }
            let scalars = Array(s.unicodeScalars)
            let index = i < 0 ? scalars.count + i : i
            return scalars.indices.contains(index) ? .string(String(scalars[index])) : .undefined
        case (_, .string(let name)):
            return attribute(of: value, name)
        default:
            return .undefined
        }
    }

    /// Python slicing `value[start:stop:step]` of lists and strings (by code point).
    func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws -> JinjaValue {
        func bound(_ v: JinjaValue?) throws -> Int? {
            guard let v, !v.isNone else { return nil }
            guard let i = v.asInt else { throw JinjaError(.type, "slice indices must be integers or None, not \(v.typeName)") }
            return i
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw JinjaError(.type, "slice step cannot be zero") }
        func indices(_ count: Int) throws -> [Int] {
            func clamp(_ i: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
                guard var i else { return defaultValue }
                if i < 0 { i += count }
                return min(max(i, low), high)
            }
            if stepValue > 0 {
                let s = clamp(try bound(start), 0, low: 0, high: count)
                let e = clamp(try bound(stop), count, low: 0, high: count)
                return s < e ? Array(stride(from: s, to: e, by: stepValue)) : []
            }
            let s = clamp(try bound(start), count - 1, low: -1, high: count - 1)
            let e = clamp(try bound(stop), -1, low: -1, high: count - 1)
            return s > e ? Array(stride(from: s, to: e, by: stepValue)) : []
        }
        switch value {
        case .array(let items):
            return .array(try indices(items.count).map { items[$0] })
        case .tuple(let items):
            return .tuple(try indices(items.count).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in try indices(scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        default:
            throw JinjaError(.type, "'\(value.typeName)' object is not subscriptable")
        }
    }

    // MARK: - Operators

    func binary(_ op: BinaryOperator, _ left: JinjaValue, _ right: JinjaValue) throws -> JinjaValue {
        if op == .concat { return .string(left.pythonString + right.pythonString) }
        if left.isUndefined || right.isUndefined {
            throw JinjaError(.undefined, "an undefined value was used with '\(op.rawValue)'")
        }
        func unsupported() -> JinjaError {
            JinjaError(.type, "unsupported operand type(s) for \(op.rawValue): '\(left.typeName)' and '\(right.typeName)'")
        }
        switch op {
        case .add:
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.array(let a), .array(let b)): return .array(a + b)
            case (.tuple(let a), .tuple(let b)): return .tuple(a + b)
            case (.string, _): throw JinjaError(.type, "can only concatenate str (not \"\(right.typeName)\") to str")
            case (.array, _): throw JinjaError(.type, "can only concatenate list (not \"\(right.typeName)\") to list")
            default: return try arithmetic(left, right, unsupported(), { $0.addingReportingOverflow($1) }, +)
            }
        case .subtract:
            return try arithmetic(left, right, unsupported(), { $0.subtractingReportingOverflow($1) }, -)
        case .multiply:
            switch (left, right) {
            case (.string(let s), _) where right.asInt != nil:
                return .string(String(repeating: s, count: max(0, right.asInt ?? 0)))
            case (_, .string(let s)) where left.asInt != nil:
                return .string(String(repeating: s, count: max(0, left.asInt ?? 0)))
            case (.array(let a), _) where right.asInt != nil:
                return .array(Array([[JinjaValue]](repeating: a, count: max(0, right.asInt ?? 0)).joined()))
            default:
                return try arithmetic(left, right, unsupported(), { $0.multipliedReportingOverflow(by: $1) }, *)
            }
        case .divide:
            guard let a = left.asDouble, let b = right.asDouble else { throw unsupported() }
            guard b != 0 else { throw JinjaError(.type, "division by zero") }
            return .double(a / b)
        case .floorDivide:
            if let a = left.asInt, let b = right.asInt {
                guard b != 0 else { throw JinjaError(.type, "integer division or modulo by zero") }
                let q = a / b
                return .int((a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q)
            }
            guard let a = left.asDouble, let b = right.asDouble else { throw unsupported() }
            guard b != 0 else { throw JinjaError(.type, "float floor division by zero") }
            return .double((a / b).rounded(.down))
        case .modulo:
            if case .string(let format) = left { return .string(try percentFormat(format, right)) }
            if let a = left.asInt, let b = right.asInt {
                guard b != 0 else { throw JinjaError(.type, "integer division or modulo by zero") }
                let r = a % b
                return .int(r != 0 && (r < 0) != (b < 0) ? r + b : r)
            }
            guard let a = left.asDouble, let b = right.asDouble else { throw unsupported() }
            guard b != 0 else { throw JinjaError(.type, "float modulo") }
            let r = a.truncatingRemainder(dividingBy: b)
            return .double(r != 0 && (r < 0) != (b < 0) ? r + b : r)
        case .power:
            if let a = left.asInt, let b = right.asInt, b >= 0 {
                var result = 1
                for _ in 0..<b {
                    let (r, overflow) = result.multipliedReportingOverflow(by: a)
                    if overflow { throw JinjaError(.type, "integer overflow in \(a) ** \(b)") }
                    result = r
                }
                return .int(result)
            }
            guard let a = left.asDouble, let b = right.asDouble else { throw unsupported() }
            return .double(pow(a, b))
        case .concat:
            return .string(left.pythonString + right.pythonString)
        }
    }

    private func arithmetic(_ left: JinjaValue, _ right: JinjaValue, _ failure: JinjaError, _ intOp: (Int, Int) -> (partialValue: Int, overflow: Bool), _ doubleOp: (Double, Double) -> Double) throws -> JinjaValue {
        if let a = left.asInt, let b = right.asInt {
            let (value, overflow) = intOp(a, b)
            if overflow { throw JinjaError(.type, "integer overflow") }
            return .int(value)
        }
        guard let a = left.asDouble, let b = right.asDouble else { throw failure }
        return .double(doubleOp(a, b))
    }

    func compare(_ op: CompareOperator, _ left: JinjaValue, _ right: JinjaValue) throws -> Bool {
        switch op {
        case .equal: return left.pythonEquals(right)
        case .notEqual: return !left.pythonEquals(right)
        case .less: return try orderable(left, right).pythonCompare(right) < 0
        case .lessEqual: return try orderable(left, right).pythonCompare(right) <= 0
        case .greater: return try orderable(left, right).pythonCompare(right) > 0
        case .greaterEqual: return try orderable(left, right).pythonCompare(right) >= 0
        case .inside: return try contains(right, left)
        case .notInside: return !(try contains(right, left))
        }
    }

    private func orderable(_ left: JinjaValue, _ right: JinjaValue) throws -> JinjaValue {
        if left.isUndefined || right.isUndefined { throw JinjaError(.undefined, "an undefined value was compared") }
        return left
    }

    /// Python's `needle in container`.
    func contains(_ container: JinjaValue, _ needle: JinjaValue) throws -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let n) = needle else {
                throw JinjaError(.type, "'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.isEmpty || s.contains(n)
        case .array(let items), .tuple(let items): return items.contains { $0.pythonEquals(needle) }
        case .object(let object), .namespace(let object):
            guard case .string(let key) = needle else { return false }
            return object[key] != nil
        case .undefined: return false
        default: throw JinjaError(.type, "argument of type '\(container.typeName)' is not iterable")
        }
    }

    /// Python's `format % values` for the common conversions (`%s %r %d %i %f %x %%`, with `%(name)s`).
    func percentFormat(_ format: String, _ values: JinjaValue) throws -> String {
        var positional: [JinjaValue]
        var mapping: JinjaObject?
        switch values {
        case .tuple(let items): positional = items
        case .object(let o): positional = [values]; mapping = o
        default: positional = [values]
        }
        var out = ""
        var scalars = Array(format.unicodeScalars)[...]
        var next = 0
        while let c = scalars.first {
            scalars = scalars.dropFirst()
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            var key: String?
            if scalars.first == "(" {
                guard let close = scalars.firstIndex(of: ")") else { throw JinjaError(.type, "incomplete format key") }
                key = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                scalars = scalars[scalars.index(after: close)...]
            }
            var spec = ""
            while let s = scalars.first, "-+ #0123456789.".unicodeScalars.contains(s) {
                spec.unicodeScalars.append(s)
                scalars = scalars.dropFirst()
            }
            guard let conversion = scalars.first else { throw JinjaError(.type, "incomplete format") }
            scalars = scalars.dropFirst()
            if conversion == "%" { out += "%"; continue }
            let value: JinjaValue
            if let key {
                guard let v = mapping?[key] else { throw JinjaError(.type, "format requires a mapping with key '\(key)'") }
                value = v
            } else {
                guard next < positional.count else { throw JinjaError(.type, "not enough arguments for format string") }
                value = positional[next]
                next += 1
            }
            switch conversion {
            case "s", "r":
                var text = conversion == "s" ? value.pythonString : value.pythonRepr
                let digits = spec.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                if digits.count == 2, let precision = Int(digits[1]) { text = String(text.prefix(precision)) }
                let width = Int(String(digits.first ?? "").filter(\.isNumber)) ?? 0
                let padding = String(repeating: " ", count: max(0, width - text.count))
                out += spec.hasPrefix("-") ? text + padding : padding + text
            case "d", "i":
                guard let d = value.asDouble else { throw JinjaError(.type, "%d format: a real number is required, not \(value.typeName)") }
                out += String(format: "%" + spec + "ld", Int(d.rounded(.towardZero)))
            case "f", "F", "e", "E", "g", "G":
                guard let d = value.asDouble else { throw JinjaError(.type, "must be real number, not \(value.typeName)") }
                out += String(format: "%" + spec + String(conversion), d)
            case "x", "X", "o":
                guard let i = value.asInt else { throw JinjaError(.type, "%\(conversion) format: an integer is required") }
                out += String(format: "%" + spec + "l" + String(conversion), i)
            default:
                throw JinjaError(.type, "unsupported format character '\(conversion)'")
            }
        }
        if mapping == nil && next < positional.count && !(positional.count == 1 && next == 0) {
            throw JinjaError(.type, "not all arguments converted during string formatting")
        }
        return out
    }
}
