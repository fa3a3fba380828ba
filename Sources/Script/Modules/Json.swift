// MARK: - json (dumps/loads/dump/load with CPython's default formatting)

extension Interpreter {
    func makeJsonModule() -> ModuleObject {
        let m = ModuleObject("json", doc: "JSON encoding and decoding.")
        let dumpsParameters = [
            Parameter("obj"), Parameter("indent", default: Value.none), Parameter("sort_keys", default: .bool(false)),
            Parameter("ensure_ascii", default: .bool(true)), Parameter("separators", default: Value.none),
            Parameter("default", default: Value.none), Parameter("skipkeys", default: .bool(false)),
        ]
        m.define("dumps", dumpsParameters) { a, i in .str(try i.jsonDumps(a)) }
        m.define("dump", [Parameter("obj"), Parameter("fp")] + dumpsParameters.dropFirst()) { a, i in
            var rest = a
            let fp = rest.remove(at: 1)
            let text = try i.jsonDumps(rest)
            _ = try i.call(try i.getAttribute(fp, "write"), Arguments([.str(text)]))
            return Value.none
        }
        m.define("loads", [Parameter("s")]) { a, i in
            guard case .str(let s) = a[0] else { throw ScriptError.typeError("the JSON object must be str, not '\(a[0].typeName)'") }
            var parser = JSONParser(Array(s.unicodeScalars))
            return try parser.parseDocument()
        }
        m.define("load", [Parameter("fp")]) { a, i in
            guard case .str(let s) = try i.call(try i.getAttribute(a[0], "read"), Arguments()) else { return Value.none }
            var parser = JSONParser(Array(s.unicodeScalars))
            return try parser.parseDocument()
        }
        m.attributes["JSONDecodeError"] = exceptionClasses["ValueError"].map { .object($0) } ?? Value.none
        return m
    }

    fileprivate func jsonDumps(_ a: [Value]) throws -> String {
        var indent: String?
        switch a[1] {
        case .int(let n): indent = String(repeating: " ", count: max(0, n))
        case .str(let s): indent = s
        default: indent = nil
        }
        var itemSeparator = indent == nil ? ", " : ","
        var keySeparator = ": "
        if case .tuple(let seps) = a[4], seps.count == 2, case .str(let x) = seps[0], case .str(let y) = seps[1] {
            itemSeparator = x
            keySeparator = y
        }
        let options = JSONOptions(indent: indent, sortKeys: try truthy(a[2]), ensureASCII: try truthy(a[3]),
                                  itemSeparator: itemSeparator, keySeparator: keySeparator, defaultFunction: a[5].isNone ? nil : a[5])
        var out = ""
        try jsonEncode(a[0], options, level: 0, into: &out)
        return out
    }

    fileprivate struct JSONOptions {
        var indent: String?
        var sortKeys: Bool
        var ensureASCII: Bool
        var itemSeparator: String
        var keySeparator: String
        var defaultFunction: Value?
    }

    fileprivate func jsonString(_ s: String, ascii: Bool) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || (ascii && c.value > 0x7E) {
                    if c.value > 0xFFFF {
                        let v = c.value - 0x10000
                        out += "\\u" + String(0xD800 + (v >> 10), radix: 16).leftPadded(4) + "\\u" + String(0xDC00 + (v & 0x3FF), radix: 16).leftPadded(4)
                    } else {
                        out += "\\u" + String(c.value, radix: 16).leftPadded(4)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    fileprivate func jsonEncode(_ v: Value, _ o: JSONOptions, level: Int, into out: inout String) throws {
        func newline(_ l: Int) -> String { o.indent.map { "\n" + String(repeating: $0, count: l) } ?? "" }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let n): out += String(n)
        case .float(let d):
            out += d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : pythonFloatRepr(d)
        case .str(let s): out += jsonString(s, ascii: o.ensureASCII)
        case .list, .tuple:
            let items = try iterate(v)
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (k, item) in items.enumerated() {
                out += k == 0 ? newline(level + 1) : o.itemSeparator + newline(level + 1)
                try jsonEncode(item, o, level: level + 1, into: &out)
            }
            out += newline(level) + "]"
        case .dict(let d):
            var entries = d.entries
            if entries.isEmpty { out += "{}"; return }
            if o.sortKeys {
                entries = try entries.sorted { try lessThan($0.key, $1.key) }
            }
            out += "{"
            for (k, entry) in entries.enumerated() {
                out += k == 0 ? newline(level + 1) : o.itemSeparator + newline(level + 1)
                let key: String
                switch entry.key {
                case .str(let s): key = s
                case .int(let n): key = String(n)
                case .float(let f): key = pythonFloatRepr(f)
                case .bool(let b): key = b ? "true" : "false"
                case .none: key = "null"
                default: throw ScriptError.typeError("keys must be str, int, float, bool or None, not \(entry.key.typeName)")
                }
                out += jsonString(key, ascii: o.ensureASCII) + o.keySeparator
                try jsonEncode(entry.value, o, level: level + 1, into: &out)
            }
            out += newline(level) + "}"
        case .object(let obj):
            if let f = o.defaultFunction {
                try jsonEncode(try call(f, Arguments([v])), o, level: level, into: &out)
                return
            }
            if let dictLike = obj as? DictLikeObject {
                try jsonEncode(.dict(dictLike.storage), o, level: level, into: &out)
                return
            }
            if let nt = obj as? NamedTupleObject {
                try jsonEncode(.tuple(nt.values), o, level: level, into: &out)
                return
            }
            throw ScriptError.typeError("Object of type \(v.typeName) is not JSON serializable")
        default:
            throw ScriptError.typeError("Object of type \(v.typeName) is not JSON serializable")
        }
    }
}

/// A strict JSON parser producing script values (objects become dicts in document order).
struct JSONParser {
    let s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    func fail(_ message: String) -> ScriptError {
        var line = 1, column = 1
        for k in 0..<min(i, s.count) {
            if s[k] == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return ScriptError(type: "JSONDecodeError", "\(message): line \(line) column \(column) (char \(i))")
    }

    mutating func skipSpace() {
        while i < s.count && (s[i] == " " || s[i] == "\t" || s[i] == "\n" || s[i] == "\r") { i += 1 }
    }

    mutating func parseDocument() throws -> Value {
        skipSpace()
        let v = try parseValue()
        skipSpace()
        if i < s.count { throw fail("Extra data") }
        return v
    }

    mutating func literal(_ word: String, _ v: Value) throws -> Value {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= s.count, Array(s[i..<i + w.count]) == w else { throw fail("Expecting value") }
        i += w.count
        return v
    }

    mutating func parseValue() throws -> Value {
        guard i < s.count else { throw fail("Expecting value") }
        switch s[i] {
        case "{":
            i += 1
            let d = DictObject()
            skipSpace()
            if i < s.count && s[i] == "}" { i += 1; return .dict(d) }
            while true {
                skipSpace()
                guard i < s.count && s[i] == "\"" else { throw fail("Expecting property name enclosed in double quotes") }
                let k = try parseString()
                skipSpace()
                guard i < s.count && s[i] == ":" else { throw fail("Expecting ':' delimiter") }
                i += 1
                skipSpace()
                try d.set(.str(k), try parseValue())
                skipSpace()
                if i < s.count && s[i] == "," { i += 1; continue }
                if i < s.count && s[i] == "}" { i += 1; return .dict(d) }
                throw fail("Expecting ',' delimiter")
            }
        case "[":
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < s.count && s[i] == "]" { i += 1; return .list(ListObject(items)) }
            while true {
                skipSpace()
                items.append(try parseValue())
                skipSpace()
                if i < s.count && s[i] == "," { i += 1; continue }
                if i < s.count && s[i] == "]" { i += 1; return .list(ListObject(items)) }
                throw fail("Expecting ',' delimiter")
            }
        case "\"": return .str(try parseString())
        case "t": return try literal("true", .bool(true))
        case "f": return try literal("false", .bool(false))
        case "n": return try literal("null", .none)
        case "N": return try literal("NaN", .float(.nan))
        case "I": return try literal("Infinity", .float(.infinity))
        default:
            let start = i
            if s[i] == "-" {
                i += 1
                if i < s.count && s[i] == "I" { return try literal("Infinity", .float(-.infinity)) }
            }
            var isFloat = false
            while i < s.count, let c = Optional(s[i]), (c >= "0" && c <= "9") || c == "." || c == "e" || c == "E" || c == "+" || c == "-" {
                if c == "." || c == "e" || c == "E" { isFloat = true }
                i += 1
            }
            let text = String(String.UnicodeScalarView(s[start..<i]))
            if text.isEmpty || text == "-" { i = start; throw fail("Expecting value") }
            if !isFloat, let n = Int(text) { return .int(n) }
            guard let d = Double(text) else { i = start; throw fail("Expecting value") }
            return .float(d)
        }
    }

    mutating func parseString() throws -> String {
        i += 1
        var out = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            if c == "\"" { i += 1; return String(out) }
            if c == "\\" {
                i += 1
                guard i < s.count else { break }
                switch s[i] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "/": out.append("/")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                case "u":
                    guard i + 4 < s.count, var v = UInt32(String(String.UnicodeScalarView(s[(i + 1)...(i + 4)])), radix: 16) else {
                        throw fail("Invalid \\uXXXX escape")
                    }
                    i += 4
                    if v >= 0xD800 && v < 0xDC00 && i + 6 < s.count && s[i + 1] == "\\" && s[i + 2] == "u",
                       let low = UInt32(String(String.UnicodeScalarView(s[(i + 3)...(i + 6)])), radix: 16), low >= 0xDC00 && low < 0xE000 {
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                default: throw fail("Invalid \\escape")
                }
                i += 1
                continue
            }
            if c.value < 0x20 { throw fail("Invalid control character at") }
            out.append(c)
            i += 1
        }
        throw fail("Unterminated string starting at")
    }
}
