// JSONValue+Serialization — printing JSON exactly as Python's `json.dumps` does.
//
// `transformers` writes config.json and prints configs with `json.dumps(d, indent=2, sort_keys=True)`;
// matching it byte for byte lets a config saved here be diffed against one saved by Python.

// MARK: - Options

/// The `json.dumps` arguments we honour.
public struct JSONFormatting: Sendable {
    /// `indent=`: nil writes one line with `", "` and `": "` separators (Python's default).
    public var indent: Int?
    /// `sort_keys=True`: keys sorted by code point.
    public var sortKeys: Bool
    /// `ensure_ascii=True` (Python's default): non-ASCII escaped as `\uXXXX`.
    public var ensureASCII: Bool
    /// Objects stored under these keys had integer keys in Python (`id2label`, `pruned_heads`):
    /// `sort_keys` orders them numerically (`"2"` before `"10"`), as Python sorts the ints before
    /// turning them into strings.
    public var integerKeyedMembers: Set<String>

    public init(indent: Int? = nil, sortKeys: Bool = false, ensureASCII: Bool = true,
                integerKeyedMembers: Set<String> = [])
    {
        self.indent = indent
        self.sortKeys = sortKeys
        self.ensureASCII = ensureASCII
        self.integerKeyedMembers = integerKeyedMembers
    }

    /// `json.dumps(value)`.
    public static let compact = JSONFormatting()
    /// `json.dumps(value, indent=2, sort_keys=True)`, the format of `PretrainedConfig.to_json_string()`.
    public static let pretty = JSONFormatting(indent: 2, sortKeys: true)
}

// MARK: - Printing

extension JSONValue {
    /// The JSON text of this value (`json.dumps` with the given options, no trailing newline).
    public func serialized(_ formatting: JSONFormatting = .compact) -> String {
        var output = ""
        JSONWriter(formatting: formatting).write(self, into: &output, level: 0, integerKeys: false)
        return output
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}

struct JSONWriter {
    let formatting: JSONFormatting

    func write(_ value: JSONValue, into output: inout String, level: Int, integerKeys: Bool) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += PythonFloat.repr(number)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += itemSeparator }
                newline(into: &output, level: level + 1)
                write(element, into: &output, level: level + 1, integerKeys: false)
            }
            newline(into: &output, level: level)
            output += "]"
        case .object(let object):
            if object.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            for (index, key) in orderedKeys(object, integerKeys: integerKeys).enumerated() {
                if index > 0 { output += itemSeparator }
                newline(into: &output, level: level + 1)
                writeString(key, into: &output)
                output += ": "
                write(object[key] ?? .null, into: &output, level: level + 1,
                      integerKeys: formatting.integerKeyedMembers.contains(key))
            }
            newline(into: &output, level: level)
            output += "}"
        }
    }

    private var itemSeparator: String { formatting.indent == nil ? ", " : "," }

    private func newline(into output: inout String, level: Int) {
        guard let indent = formatting.indent else { return }
        output += "\n"
        output += String(repeating: " ", count: indent * level)
    }

    private func orderedKeys(_ object: JSONObject, integerKeys: Bool) -> [String] {
        guard formatting.sortKeys else { return object.keys }
        if integerKeys, object.keys.allSatisfy({ Int($0) != nil }) {
            return object.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        }
        // Python compares str by code point; Swift's String `<` compares by Unicode canonical order,
        // so compare the scalars explicitly.
        return object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// Python's `json.encoder` escaping: `"` `\` and control characters always, everything outside
    /// printable ASCII too when `ensure_ascii` (as UTF-16 `\uXXXX`, surrogate pairs above U+FFFF).
    func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || (formatting.ensureASCII && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 { output += hexEscape(unit) }
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private func hexEscape(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
