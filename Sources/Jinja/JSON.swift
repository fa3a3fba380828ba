// JSON in and out, with dict key order preserved: `tojson` must print a tool schema's keys in the
// order the JSON (or the Python dict) had them, and Foundation's JSONSerialization forgets that order.

extension JinjaValue {
    /// Parses JSON text, keeping object keys in document order. Integers stay `int`, other numbers `double`.
    public init(json text: String) throws {
        var parser = JSONReader(scalars: Array(text.unicodeScalars))
        self = try parser.parseDocument()
    }

    /// Parses UTF-8 JSON bytes, keeping object keys in document order.
    public init<Bytes: Sequence>(jsonBytes bytes: Bytes) throws where Bytes.Element == UInt8 {
        try self.init(json: String(decoding: Array(bytes), as: UTF8.self))
    }
}

/// A small recursive-descent JSON reader (RFC 8259) producing ordered ``JinjaValue``s.
struct JSONReader {
    let scalars: [Unicode.Scalar]
    var position = 0
    var depth = 0

    init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    mutating func parseDocument() throws -> JinjaValue {
        let value = try parseValue()
        skipWhitespace()
        if position != scalars.count { throw error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ message: String) -> JinjaError {
        JinjaError(.syntax, "JSON: \(message) at character \(position)")
    }

    private mutating func skipWhitespace() {
        while position < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[position]) { position += 1 }
    }

    private mutating func parseValue() throws -> JinjaValue {
        skipWhitespace()
        guard position < scalars.count else { throw error("unexpected end of input") }
        depth += 1
        defer { depth -= 1 }
        if depth > 512 { throw error("nesting deeper than 512") }
        switch scalars[position] {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t": try expect("true"); return .bool(true)
        case "f": try expect("false"); return .bool(false)
        case "n": try expect("null"); return .none
        default: return try parseNumber()
        }
    }

    private mutating func expect(_ word: String) throws {
        for scalar in word.unicodeScalars {
            guard position < scalars.count, scalars[position] == scalar else { throw error("invalid literal") }
            position += 1
        }
    }

    private mutating func parseObject() throws -> JinjaValue {
        position += 1
        var object = JinjaObject()
        skipWhitespace()
        if position < scalars.count, scalars[position] == "}" { position += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard position < scalars.count, scalars[position] == "\"" else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard position < scalars.count, scalars[position] == ":" else { throw error("expected ':'") }
            position += 1
            object[key] = try parseValue()
            skipWhitespace()
            guard position < scalars.count else { throw error("unterminated object") }
            if scalars[position] == "," { position += 1; continue }
            if scalars[position] == "}" { position += 1; return .object(object) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> JinjaValue {
        position += 1
        var items: [JinjaValue] = []
        skipWhitespace()
        if position < scalars.count, scalars[position] == "]" { position += 1; return .array(items) }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard position < scalars.count else { throw error("unterminated array") }
            if scalars[position] == "," { position += 1; continue }
            if scalars[position] == "]" { position += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= scalars.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Int(String(scalars[position]), radix: 16) else { throw error("bad \\u escape") }
            value = value * 16 + UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func parseString() throws -> String {
        position += 1
        var out = String.UnicodeScalarView()
        while position < scalars.count {
            let c = scalars[position]
            position += 1
            if c == "\"" { return String(out) }
            if c != "\\" { out.append(c); continue }
            guard position < scalars.count else { break }
            let e = scalars[position]
            position += 1
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{c}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code), position + 1 < scalars.count, scalars[position] == "\\",
                    scalars[position + 1] == "u"
                {
                    position += 2
                    let low = try parseHex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
                }
                out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: throw error("bad escape \\\(e)")
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseNumber() throws -> JinjaValue {
        let start = position
        var isFloat = false
        while position < scalars.count {
            let c = scalars[position]
            if ("0"..."9").contains(c) || c == "-" || c == "+" {
                position += 1
            } else if c == "." || c == "e" || c == "E" {
                isFloat = true
                position += 1
            } else {
                break
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        if text.isEmpty { throw error("unexpected character '\(scalars[start])'") }
        if !isFloat, let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        throw error("bad number '\(text)'")
    }
}

// MARK: - Writing (Python's json.dumps)

/// Options of transformers' `tojson` filter, which calls `json.dumps(x, ensure_ascii=False, indent=…,
/// separators=…, sort_keys=…)` instead of Jinja's HTML-escaping built-in.
struct JSONDumpOptions {
    var indent: String? = nil
    var itemSeparator: String? = nil
    var keySeparator: String? = nil
    var sortKeys = false
    var ensureASCII = false
}

extension JinjaValue {
    func jsonDumps(_ options: JSONDumpOptions = JSONDumpOptions()) throws -> String {
        var out = ""
        try writeJSON(into: &out, options, level: 0)
        return out
    }

    private func writeJSON(into out: inout String, _ options: JSONDumpOptions, level: Int) throws {
        // json.dumps defaults: ", " between items without indent, "," with indent; ": " after keys.
        let itemSeparator = options.itemSeparator ?? (options.indent == nil ? ", " : ",")
        let keySeparator = options.keySeparator ?? ": "
        switch self {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
                out += JinjaValue.pythonFloatRepr(d)
            }
        case .string(let s): JinjaValue.writeJSONString(s, into: &out, ensureASCII: options.ensureASCII)
        case .array(let items), .tuple(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += itemSeparator }
                if let indent = options.indent { out += "\n" + String(repeating: indent, count: level + 1) }
                try item.writeJSON(into: &out, options, level: level + 1)
            }
            if let indent = options.indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case .object(let object), .namespace(let object):
            if object.isEmpty { out += "{}"; return }
            var pairs = object.pairs
            if options.sortKeys { pairs.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } }
            out += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out += itemSeparator }
                if let indent = options.indent { out += "\n" + String(repeating: indent, count: level + 1) }
                JinjaValue.writeJSONString(pair.key, into: &out, ensureASCII: options.ensureASCII)
                out += keySeparator
                try pair.value.writeJSON(into: &out, options, level: level + 1)
            }
            if let indent = options.indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        case .undefined:
            throw JinjaError(.type, "Object of type Undefined is not JSON serializable")
        case .function(let f):
            throw JinjaError(.type, "Object of type function (\(f.name)) is not JSON serializable")
        }
    }

    /// Python's JSON string escaping: `\"`, `\\`, `\n` `\r` `\t` `\b` `\f`, other controls as `\u00XX`;
    /// with `ensure_ascii`, non-ASCII as `\uXXXX` (surrogate pairs above the BMP).
    static func writeJSONString(_ s: String, into out: inout String, ensureASCII: Bool) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            default:
                if scalar.value < 0x20 || (ensureASCII && scalar.value > 0x7e) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
