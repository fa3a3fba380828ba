// Python's `str()`, `repr()`, `==` and ordering for template values: what `{{ x }}` prints and how
// comparisons behave must match the reference, which runs on Python objects.

import Foundation

extension JinjaValue {
    // MARK: - str() and repr()

    /// Python `str(value)`; Undefined renders as the empty string (Jinja's default Undefined).
    public var pythonString: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return pythonRepr
        }
    }

    /// Python `repr(value)`, used when a list or dict is printed.
    var pythonRepr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return JinjaValue.pythonFloatRepr(d)
        case .string(let s): return JinjaValue.pythonStringRepr(s)
        case .array(let a): return "[" + a.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let a): return "(" + a.map(\.pythonRepr).joined(separator: ", ") + (a.count == 1 ? ",)" : ")")
        case .object(let o):
            return "{" + o.pairs.map { JinjaValue.pythonStringRepr($0.key) + ": " + $0.value.pythonRepr }
                .joined(separator: ", ") + "}"
        case .namespace(let o):
            return "<Namespace " + JinjaValue.object(o).pythonRepr + ">"
        case .function(let f): return "<function \(f.name)>"
        }
    }

    /// `repr(float)`: shortest round-trip digits, `inf`/`nan`, exponent from 1e16 and below 1e-4.
    static func pythonFloatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        // Swift's description is also shortest round-trip; only the exponent form differs.
        var text = "\(d)"
        if let e = text.firstIndex(of: "e") {
            var mantissa = String(text[..<e])
            var exponent = String(text[text.index(after: e)...])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var sign = "+"
            if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() } else if exponent.hasPrefix("+") { exponent.removeFirst() }
            if exponent.count < 2 { exponent = "0" + exponent }
            text = mantissa + "e" + sign + exponent
        }
        return text
    }

    /// `repr(str)`: single quotes unless the text has a single quote and no double quote.
    static func pythonStringRepr(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    // MARK: - Equality and ordering

    /// Python `==`: numbers compare across int/float/bool, dicts ignore order, Undefined equals only Undefined.
    func pythonEquals(_ other: JinjaValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        case (.object(let a), .object(let b)), (.namespace(let a), .namespace(let b)): return a == b
        default:
            if let x = asDouble, let y = other.asDouble {
                if let i = asInt, let j = other.asInt { return i == j }
                return x == y
            }
            return false
        }
    }

    /// Python `<`-style ordering; throws for types Python refuses to order.
    func pythonCompare(_ other: JinjaValue) throws -> Int {
        switch (self, other) {
        case (.string(let a), .string(let b)):
            if a.unicodeScalars.elementsEqual(b.unicodeScalars) { return 0 }
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars, by: { $0.value < $1.value }) ? -1 : 1
        case (.array(let a), .array(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) {
                let c = try x.pythonCompare(y)
                if c != 0 { return c }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        default:
            if let i = asInt, let j = other.asInt { return i == j ? 0 : (i < j ? -1 : 1) }
            if let x = asDouble, let y = other.asDouble { return x == y ? 0 : (x < y ? -1 : 1) }
            throw JinjaError(.type, "'<' not supported between instances of '\(typeName)' and '\(other.typeName)'")
        }
    }
}

// MARK: - Foundation bridging

extension JinjaValue {
    static func fromAny(_ value: Any?) -> JinjaValue {
        guard let value else { return .none }
        switch value {
        case let v as JinjaValue: return v
        case is NSNull: return .none
        case let s as String: return .string(s)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "f", "d": return .double(n.doubleValue)
            default: return .int(n.intValue)
            }
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(i)
        case let d as Double: return .double(d)
        case let a as [Any]: return .array(a.map { fromAny($0) })
        case let d as [String: Any]:
            return .object(JinjaObject(d.keys.sorted().map { ($0, fromAny(d[$0])) }))
        default: return .string("\(value)")
        }
    }
}
