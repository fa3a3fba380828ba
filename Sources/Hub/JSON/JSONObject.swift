// JSONObject — an insertion-ordered string-keyed map, the `dict` of a parsed JSON document.

/// Keys keep the order they were first inserted in; assigning an existing key keeps its position and
/// replaces the value, as Python's `dict` does (and as `json.loads` does for duplicate keys).
/// Lookup is by hash, so `tokenizer.json` vocabularies with 250k entries stay fast.
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: JSONValue] = [:]

    public init() {}

    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(minimumCapacity: Int) {
        keys.reserveCapacity(minimumCapacity)
        storage.reserveCapacity(minimumCapacity)
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Read, insert (appended at the end), replace (position kept) or remove (`nil`).
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[key] != nil }

    /// Values in key order.
    public var values: [JSONValue] { keys.map { storage[$0] ?? .null } }

    /// Merge `other` into this object: its keys overwrite ours in place, new keys are appended.
    public mutating func merge(_ other: JSONObject) {
        for (key, value) in other { self[key] = value }
    }

    /// Equality ignores key order, like Python's `dict ==`.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storage == rhs.storage
    }
}

// MARK: - Iteration

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        fileprivate var keyIterator: IndexingIterator<[String]>
        fileprivate let storage: [String: JSONValue]

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let key = keyIterator.next() else { return nil }
            return (key, storage[key] ?? .null)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keyIterator: keys.makeIterator(), storage: storage)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
