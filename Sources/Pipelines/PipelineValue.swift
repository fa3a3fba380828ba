// Pipeline results as plain values that print the way Python prints the reference's results.
import Media
import Tensors

/// A pipeline result: the JSON-like values the reference returns (dicts keep their key order, floats are
/// Python floats). The script layer maps these onto its own values; `description` is Python's `repr`.
public enum PipelineValue: Sendable, Equatable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([PipelineValue])
    /// Ordered keys: `{'score': …, 'token': …, 'token_str': …, 'sequence': …}` prints in that order.
    case dict([(String, PipelineValue)])
    /// A PIL-style image (vision pipeline inputs, and image outputs such as depth maps).
    case image(Image)
    /// A tensor result (`predicted_depth`, `return_tensors=True`).
    case tensor(Tensor)

    public static func == (a: PipelineValue, b: PipelineValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.image(let x), .image(let y)): return x == y
        case (.tensor(let x), .tensor(let y)): return x.shape == y.shape && x.contiguous().floats() == y.contiguous().floats()
        default: return false
        }
    }

    // MARK: Access

    public subscript(key: String) -> PipelineValue? {
        if case .dict(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int? { if case .int(let i) = self { return i }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var list: [PipelineValue]? { if case .list(let l) = self { return l }; return nil }
    /// A number as a Double (ints included), as Python accepts an int where a float is expected.
    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    // MARK: Python repr

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Self.pythonFloat(d)
        case .string(let s): return Self.pythonString(s)
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dict(let pairs):
            return "{" + pairs.map { Self.pythonString($0.0) + ": " + $0.1.description }.joined(separator: ", ") + "}"
        case .image(let image): return "<PIL.Image.Image image mode=\(image.mode.rawValue) size=\(image.width)x\(image.height)>"
        case .tensor(let tensor): return tensor.description
        }
    }

    /// Python's `repr(float)`: the shortest round-tripping digits, scientific below 1e-4 and from 1e16.
    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description is also shortest round-trip; only the exponent style differs.
        let magnitude = abs(d)
        var text = "\(d)"
        if magnitude >= 1e-4 && magnitude < 1e16 {
            if text.contains("e") { text = Self.expandExponent(d) }
            if !text.contains(".") { text += ".0" }
            return text
        }
        // Scientific: Python writes 1e-05, 1.5e+16 (two-digit exponent at least, explicit sign).
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        var mantissa = String(text[..<e])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        var exponent = Int(text[text.index(after: e)...]) ?? 0
        if !text.contains("e") { exponent = 0 }
        let sign = exponent < 0 ? "-" : "+"
        exponent = abs(exponent)
        return mantissa + "e" + sign + (exponent < 10 ? "0" : "") + String(exponent)
    }

    /// Swift may print 0.0001 as 1e-04; Python writes positional digits in [1e-4, 1e16).
    private static func expandExponent(_ d: Double) -> String {
        let text = "\(d)"
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: -point + 1) + digits
            point = 1
        }
        if point >= digits.count { digits += String(repeating: "0", count: point - digits.count + 1) }
        let head = digits.prefix(point)
        var tail = String(digits.dropFirst(point))
        while tail.count > 1 && tail.hasSuffix("0") { tail.removeLast() }
        return (negative ? "-" : "") + head + "." + (tail.isEmpty ? "0" : tail)
    }

    /// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
    static func pythonString(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
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
                    out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }
}
