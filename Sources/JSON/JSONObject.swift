// JSONObject — an insertion-ordered string-keyed map, the `dict` of a parsed JSON document.

import Foundation

/// Keys keep the order they were first inserted in; assigning an existing key keeps its position and
/// replaces the value, as Python's `dict` does (and as `json.loads` does for duplicate keys).
/// Lookup is by hash, iteration walks arrays: `tokenizer.json` vocabularies with 250k entries load fast.
///
/// Keys are compared by their UTF-8 bytes, as Python compares `str` by code points. Swift's `String ==`
/// treats canonically equivalent strings as equal ("é" and "e\u{301}"), which would merge distinct entries
/// of a multilingual vocabulary — and its hashing normalizes every non-ASCII key, which is slow.
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    /// Values in key order (parallel to `keys`), so iterating a 150k-entry vocabulary walks two arrays and
    /// hashes nothing.
    public private(set) var values: [JSONValue] = []
    /// Where each key sits. The parser leaves it out for very large objects (a tokenizer vocabulary, only ever
    /// iterated): lookups there scan the keys, and the first mutation builds the table.
    private var positions: [JSONKey: Int]? = [:]

    /// Objects with more members than this come from the parser without a position table.
    static let indexedLimit = 4096

    public init() {}

    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(minimumCapacity: Int) {
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
        positions?.reserveCapacity(minimumCapacity)
    }

    /// Members whose keys are known to be distinct (the parser checked them), in order.
    init(distinctKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        positions = keys.count > Self.indexedLimit ? nil : Self.table(keys)
    }

    static func table(_ keys: [String]) -> [JSONKey: Int] {
        var table = [JSONKey: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() { table[JSONKey(key)] = position }
        return table
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    private func position(of key: String) -> Int? {
        if let positions { return positions[JSONKey(key)] }
        let wanted = JSONKey(key)
        return keys.firstIndex { JSONKey($0) == wanted }
    }

    /// Read, insert (appended at the end), replace (position kept) or remove (`nil`).
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { values[$0] } }
        set {
            if positions == nil { positions = Self.table(keys) }
            let wrapped = JSONKey(key)
            if let newValue {
                if let index = positions?[wrapped] {
                    values[index] = newValue
                } else {
                    positions?[wrapped] = keys.count
                    keys.append(key)
                    values.append(newValue)
                }
            } else if let index = positions?.removeValue(forKey: wrapped) {
                keys.remove(at: index)
                values.remove(at: index)
                positions = Self.table(keys)
            }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// Merge `other` into this object: its keys overwrite ours in place, new keys are appended.
    public mutating func merge(_ other: JSONObject) {
        for (key, value) in other { self[key] = value }
    }

    /// Equality ignores key order, like Python's `dict ==`.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs.keys, lhs.values).allSatisfy { key, value in rhs[key] == value }
    }
}

// MARK: - Iteration

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        fileprivate var keyIterator: IndexingIterator<[String]>
        fileprivate var valueIterator: IndexingIterator<[JSONValue]>

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let key = keyIterator.next(), let value = valueIterator.next() else { return nil }
            return (key, value)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keyIterator: keys.makeIterator(), valueIterator: values.makeIterator())
    }

    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

// MARK: - Key

/// A dictionary key that hashes and compares the UTF-8 bytes (code points), not the Unicode canonical form:
/// JSON object keys here, and every vocabulary, cache and added-token table of the tokenizers (as `TokenKey`).
/// It is also faster: hashing a non-ASCII `String` normalizes it first.
public struct JSONKey: Hashable, Sendable {
    public let string: String

    public init(_ string: String) {
        var contiguous = string
        contiguous.makeContiguousUTF8()
        self.string = contiguous
    }

    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        var left = lhs.string
        var right = rhs.string
        return left.withUTF8 { a in
            right.withUTF8 { b in
                guard a.count == b.count else { return false }
                guard let first = a.baseAddress, let second = b.baseAddress else { return true }
                return memcmp(first, second, a.count) == 0
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
