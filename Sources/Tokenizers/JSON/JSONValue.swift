// A JSON value as tokenizer files use it. We parse tokenizer.json ourselves (JSONParser.swift):
// Foundation's JSONSerialization builds NSDictionary/NSNumber trees that are slow to walk on Linux,
// and a 150k-entry vocabulary must load faster than the reference.

/// A parsed JSON document node.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    // MARK: Typed access (nil when the node has another kind)

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var double: Double? { if case .number(let d) = self { return d } else { return nil } }
    public var int: Int? {
        if case .number(let d) = self, d.rounded() == d, abs(d) < 9.0e15 { return Int(d) }
        return nil
    }
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var object: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// A short name of the node's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A JSON object in file order. Keys stay byte-exact (a `[String: …]` dictionary would merge keys that
/// are canonically equivalent, such as precomposed and decomposed "é", which vocabularies may hold both).
public struct JSONObject: Sendable, Equatable, Sequence {
    public var entries: [(key: String, value: JSONValue)]

    public init(_ entries: [(key: String, value: JSONValue)] = []) { self.entries = entries }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The last value under a key (JSON parsers keep the last duplicate), compared byte for byte.
    public subscript(key: String) -> JSONValue? {
        for entry in entries.reversed() where entry.key.utf8.elementsEqual(key.utf8) { return entry.value }
        return nil
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { entries.makeIterator() }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value == $1.value }
    }
}
