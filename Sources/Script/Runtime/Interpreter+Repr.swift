// MARK: - repr and str, exactly as CPython prints them

/// Python's `repr(float)`: the shortest digits that round-trip, fixed notation for exponents in
/// [-4, 16), scientific (`1e-05`, `1e+16`) otherwise, always a `.0` on integral values.
public func pythonFloatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    let (negative, digits, exponent) = shortestDigits(d)
    var out = negative ? "-" : ""
    if exponent >= -4 && exponent < 16 {
        if exponent < 0 {
            out += "0." + String(repeating: "0", count: -exponent - 1) + digits
        } else if digits.count <= exponent + 1 {
            out += digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        } else {
            let cut = digits.index(digits.startIndex, offsetBy: exponent + 1)
            out += digits[..<cut] + "." + digits[cut...]
        }
    } else {
        out += String(digits.first ?? "0")
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += (exponent < 0 ? "e-" : "e+") + String(abs(exponent)).leftPadded(2)
    }
    return out
}

/// The shortest round-trip decimal digits of a finite non-zero double and the decimal exponent of
/// the first digit (Swift's `description` computes the digits; we only re-layout them).
func shortestDigits(_ d: Double) -> (negative: Bool, digits: String, exponent: Int) {
    var text = d.magnitude.description
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    var intPart = text
    var fracPart = ""
    if let dot = text.firstIndex(of: ".") {
        intPart = String(text[..<dot])
        fracPart = String(text[text.index(after: dot)...])
    }
    var digits = intPart + fracPart
    var pointPosition = intPart.count + exponent
    while digits.first == "0" && digits.count > 1 {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.last == "0" && digits.count > 1 { digits.removeLast() }
    return (d.sign == .minus, digits, pointPosition - 1)
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
public func pythonStringRepr(_ s: String) -> String {
    let useDouble = s.contains("'") && !s.contains("\"")
    let quote: Character = useDouble ? "\"" : "'"
    var out = String(quote)
    for c in s.unicodeScalars {
        switch c {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "'" where !useDouble: out += "\\'"
        default:
            if isPrintable(c) {
                out.unicodeScalars.append(c)
            } else if c.value < 0x100 {
                out += "\\x" + String(c.value, radix: 16).leftPadded(2)
            } else if c.value < 0x10000 {
                out += "\\u" + String(c.value, radix: 16).leftPadded(4)
            } else {
                out += "\\U" + String(c.value, radix: 16).leftPadded(8)
            }
        }
    }
    out.append(quote)
    return out
}

/// Python's `str.isprintable` for one character.
func isPrintable(_ c: Unicode.Scalar) -> Bool {
    if c.value < 0x7F { return c.value >= 0x20 }
    switch c.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
        return false
    default: return true
    }
}

func asciiEscaped(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
        if c.value < 0x80 { out.unicodeScalars.append(c) } else if c.value < 0x100 {
            out += "\\x" + String(c.value, radix: 16).leftPadded(2)
        } else if c.value < 0x10000 {
            out += "\\u" + String(c.value, radix: 16).leftPadded(4)
        } else {
            out += "\\U" + String(c.value, radix: 16).leftPadded(8)
        }
    }
    return out
}

extension Interpreter {
    /// `repr(v)`.
    public func repr(_ v: Value) throws -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return pythonFloatRepr(d)
        case .str(let s): return pythonStringRepr(s)
        case .list(let l):
            if reprInProgress.contains(ObjectIdentifier(l)) { return "[...]" }
            reprInProgress.insert(ObjectIdentifier(l))
            defer { reprInProgress.remove(ObjectIdentifier(l)) }
            return "[" + (try l.items.map { try repr($0) }.joined(separator: ", ")) + "]"
        case .tuple(let t):
            if t.count == 1 { return "(" + (try repr(t[0])) + ",)" }
            return "(" + (try t.map { try repr($0) }.joined(separator: ", ")) + ")"
        case .dict(let d):
            if reprInProgress.contains(ObjectIdentifier(d)) { return "{...}" }
            reprInProgress.insert(ObjectIdentifier(d))
            defer { reprInProgress.remove(ObjectIdentifier(d)) }
            return "{" + (try d.entries.map { try repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ")) + "}"
        case .function(let f):
            return "<function \(f.code.name) at 0x\(String(UInt(bitPattern: ObjectIdentifier(f).hashValue), radix: 16))>"
        case .object(let o):
            if let s = o as? SetObject {
                let items = try s.items.map { try repr($0) }.joined(separator: ", ")
                if s.frozen { return s.items.isEmpty ? "frozenset()" : "frozenset({\(items)})" }
                return s.items.isEmpty ? "set()" : "{\(items)}"
            }
            return try o.repr(in: self)
        case .unbound: return "<unbound>"
        }
    }

    /// `str(v)`.
    public func str(_ v: Value) throws -> String {
        switch v {
        case .str(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return pythonFloatRepr(d)
        case .object(let o) where !(o is SetObject): return try o.str(in: self)
        default: return try repr(v)
        }
    }
}
