// JSONObject — an insertion-ordered string-keyed map, the `dict` of a parsed JSON document.

import Foundation

/// Keys keep the order they were first inserted in; assigning an existing key keeps its position and
/// replaces the value, as Python's `dict` does (and as `json.loads` does for duplicate keys).
/// Lookup is by hash, so `tokenizer.json` vocabularies with 250k entries stay fast.
///
/// Keys are compared by their UTF-8 bytes, as Python compares `str` by code points. Swift's `String ==`
/// treats canonically equivalent strings as equal ("é" and "e\u{301}"), which would merge distinct entries
/// of a multilingual vocabulary — and its hashing normalizes every non-ASCII key, which is slow.
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [JSONKey: JSONValue] = [:]

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
        get { storage[JSONKey(key)] }
        set {
            let wrapped = JSONKey(key)
            if let newValue {
                if storage.updateValue(newValue, forKey: wrapped) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: wrapped) != nil {
                keys.removeAll { JSONKey($0) == wrapped }
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[JSONKey(key)] != nil }

    /// Values in key order.
    public var values: [JSONValue] { keys.map { storage[JSONKey($0)] ?? .null } }

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
        fileprivate let storage: [JSONKey: JSONValue]

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let key = keyIterator.next() else { return nil }
            return (key, storage[JSONKey(key)] ?? .null)
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

// MARK: - Key

/// A dictionary key that hashes and compares the UTF-8 bytes (code points), not the Unicode canonical form.
struct JSONKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        var left = lhs.text
        var right = rhs.text
        return left.withUTF8 { a in
            right.withUTF8 { b in
                guard a.count == b.count else { return false }
                guard let first = a.baseAddress, let second = b.baseAddress else { return true }
                return memcmp(first, second, a.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
