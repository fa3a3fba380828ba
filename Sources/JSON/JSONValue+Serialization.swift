// JSONValue+Serialization — printing JSON exactly as Python's `json.dumps` does.
//
// `transformers` writes config.json and prints configs with `json.dumps(d, indent=2, sort_keys=True)`;
// matching it byte for byte lets a config saved here be diffed against one saved by Python.

import Foundation

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
        var output: [UInt8] = []
        output.reserveCapacity(256)
        JSONWriter(formatting: formatting).write(self, into: &output, level: 0, integerKeys: false)
        return String(decoding: output, as: UTF8.self)
    }
}

extension JSONValue {
    /// Write the JSON text to a file (UTF-8, atomically), e.g. `.pretty` for a config.
    public func write(to url: URL, formatting: JSONFormatting = .pretty) throws {
        try Data(serialized(formatting).utf8).write(to: url, options: .atomic)
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}

/// Writes UTF-8 bytes: appending to a byte array is several times faster than growing a `String`
/// scalar by scalar, which matters for 2 MB `tokenizer.json` files.
struct JSONWriter {
    let formatting: JSONFormatting

    func write(_ value: JSONValue, into output: inout [UInt8], level: Int, integerKeys: Bool) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): output.append(contentsOf: PythonFloat.repr(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { writeItemSeparator(into: &output) }
                newline(into: &output, level: level + 1)
                write(element, into: &output, level: level + 1, integerKeys: false)
            }
            newline(into: &output, level: level)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (index, key) in orderedKeys(object, integerKeys: integerKeys).enumerated() {
                if index > 0 { writeItemSeparator(into: &output) }
                newline(into: &output, level: level + 1)
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                write(object[key] ?? .null, into: &output, level: level + 1,
                      integerKeys: formatting.integerKeyedMembers.contains(key))
            }
            newline(into: &output, level: level)
            output.append(UInt8(ascii: "}"))
        }
    }

    private func writeItemSeparator(into output: inout [UInt8]) {
        output.append(UInt8(ascii: ","))
        if formatting.indent == nil { output.append(UInt8(ascii: " ")) }
    }

    private func newline(into output: inout [UInt8], level: Int) {
        guard let indent = formatting.indent else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private func orderedKeys(_ object: JSONObject, integerKeys: Bool) -> [String] {
        guard formatting.sortKeys else { return object.keys }
        if integerKeys, object.keys.allSatisfy({ Int($0) != nil }) {
            return object.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        }
        // Python compares str by code point; for UTF-8 that is plain byte order.
        return object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Python's `json.encoder` escaping: `"` `\` and control characters always, everything outside
    /// printable ASCII too when `ensure_ascii` (as UTF-16 `\uXXXX`, surrogate pairs above U+FFFF).
    func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 < 0x7F }
        if plain {
            output.append(contentsOf: text.utf8)
        } else {
            for scalar in text.unicodeScalars { writeScalar(scalar, into: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    private func writeScalar(_ scalar: Unicode.Scalar, into output: inout [UInt8]) {
        switch scalar {
        case "\"": output.append(contentsOf: #"\""#.utf8)
        case "\\": output.append(contentsOf: #"\\"#.utf8)
        case "\n": output.append(contentsOf: #"\n"#.utf8)
        case "\r": output.append(contentsOf: #"\r"#.utf8)
        case "\t": output.append(contentsOf: #"\t"#.utf8)
        case "\u{08}": output.append(contentsOf: #"\b"#.utf8)
        case "\u{0C}": output.append(contentsOf: #"\f"#.utf8)
        default:
            let value = scalar.value
            if value < 0x20 || (formatting.ensureASCII && value > 0x7E) {
                if value >= 0x10000 {
                    let offset = value - 0x10000
                    hexEscape(UInt16(0xD800 + (offset >> 10)), into: &output)
                    hexEscape(UInt16(0xDC00 + (offset & 0x3FF)), into: &output)
                } else {
                    hexEscape(UInt16(value), into: &output)
                }
            } else {
                appendUTF8(value, into: &output)
            }
        }
    }

    private func appendUTF8(_ value: UInt32, into output: inout [UInt8]) {
        switch value {
        case ..<0x80:
            output.append(UInt8(value))
        case ..<0x800:
            output.append(UInt8(0xC0 | (value >> 6)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        case ..<0x10000:
            output.append(UInt8(0xE0 | (value >> 12)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (value >> 18)))
            output.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    private func hexEscape(_ unit: UInt16, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        output.append(UInt8(ascii: "u"))
        for shift: UInt16 in [12, 8, 4, 0] {
            let digit = UInt8((unit >> shift) & 0xF)
            output.append(digit < 10 ? 0x30 + digit : 0x57 + digit)  // 0-9, a-f
        }
    }
}
