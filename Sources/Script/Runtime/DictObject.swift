// MARK: - Dictionary and set storage
//
// Python dicts keep insertion order. Entries live in parallel arrays (with tombstones after
// deletion, compacted lazily) and a Swift hash table maps keys to entry positions.

/// A hashable wrapper that gives values Python's key semantics: `1`, `1.0` and `True` are the same key.
public struct HashKey: Hashable {
    public let value: Value

    /// Wraps a value after checking it is hashable (lists, dicts and sets are not).
    public init(checking value: Value) throws {
        try HashKey.checkHashable(value)
        self.value = value
    }
    init(unchecked value: Value) { self.value = value }

    static func checkHashable(_ value: Value) throws {
        switch value {
        case .list: throw ScriptError.typeError("unhashable type: 'list'")
        case .dict: throw ScriptError.typeError("unhashable type: 'dict'")
        case .tuple(let items): for item in items { try checkHashable(item) }
        case .object(let o) where o is SetObject: throw ScriptError.typeError("unhashable type: 'set'")
        default: break
        }
    }

    public static func == (lhs: HashKey, rhs: HashKey) -> Bool { keyEquals(lhs.value, rhs.value) }

    static func keyEquals(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.str(let x), .str(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { keyEquals($0, $1) }
        case (.object(let x), .object(let y)): return x === y || x.hashEquals(y)
        case (.function(let x), .function(let y)): return x === y
        default:
            if let x = a.numericValue, let y = b.numericValue { return x == y }
            return false
        }
    }

    public func hash(into hasher: inout Hasher) { HashKey.hashValue(value, into: &hasher) }

    static func hashValue(_ value: Value, into hasher: inout Hasher) {
        switch value {
        case .str(let s): hasher.combine(s)
        case .int(let i): hasher.combine(i)
        case .bool(let b): hasher.combine(b ? 1 : 0)
        case .float(let d):
            if d == d.rounded(), abs(d) < 9.2e18 { hasher.combine(Int(d)) } else { hasher.combine(d) }
        case .none: hasher.combine(-7)
        case .tuple(let items):
            hasher.combine(items.count)
            for item in items { hashValue(item, into: &hasher) }
        case .object(let o): o.hashInto(&hasher)
        case .function(let f): hasher.combine(ObjectIdentifier(f))
        default: hasher.combine(0)
        }
    }
}

/// A Python dict (insertion ordered).
public final class DictObject {
    private(set) var keys: [Value?] = []
    private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]
    public private(set) var count = 0

    public init() {}

    /// The live entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        var result: [(key: Value, value: Value)] = []
        result.reserveCapacity(count)
        for i in 0..<keys.count { if let k = keys[i] { result.append((k, values[i])) } }
        return result
    }
    public var keyList: [Value] { keys.compactMap { $0 } }
    public var valueList: [Value] { entries.map { $0.value } }

    public func get(_ key: Value) throws -> Value? {
        guard let i = index[try HashKey(checking: key)] else { return nil }
        return values[i]
    }
    /// Lookup by string key (for native code reading keyword-like dicts).
    public func get(_ key: String) -> Value? {
        guard let i = index[HashKey(unchecked: .str(key))] else { return nil }
        return values[i]
    }

    public func set(_ key: Value, _ value: Value) throws {
        let k = try HashKey(checking: key)
        if let i = index[k] { values[i] = value; return }
        index[k] = keys.count
        keys.append(key)
        values.append(value)
        count += 1
    }
    func setUnchecked(_ key: Value, _ value: Value) {
        let k = HashKey(unchecked: key)
        if let i = index[k] { values[i] = value; return }
        index[k] = keys.count
        keys.append(key)
        values.append(value)
        count += 1
    }

    /// Removes a key, returning its value (nil when absent).
    @discardableResult
    public func remove(_ key: Value) throws -> Value? {
        let k = try HashKey(checking: key)
        guard let i = index.removeValue(forKey: k) else { return nil }
        let v = values[i]
        keys[i] = nil
        values[i] = .none
        count -= 1
        if keys.count > 32 && count * 2 < keys.count { compact() }
        return v
    }

    public func removeAll() { keys = []; values = []; index = [:]; count = 0 }

    private func compact() {
        let live = entries
        removeAll()
        for (k, v) in live { setUnchecked(k, v) }
    }

    /// A shallow copy.
    public func copy() -> DictObject {
        let d = DictObject()
        for (k, v) in entries { d.setUnchecked(k, v) }
        return d
    }
}

/// A Python set (insertion ordered for deterministic printing; CPython's order is by hash, so
/// scripts that print sets of strings may differ — sets of small ints print sorted as in CPython).
public final class SetObject: ScriptObject {
    let storage = DictObject()
    public let frozen: Bool
    public init(frozen: Bool = false) { self.frozen = frozen }
    public var typeName: String { frozen ? "frozenset" : "set" }
    public var items: [Value] { storage.keyList }
    public func insert(_ v: Value) throws { try storage.set(v, .none) }
    public func contains(_ v: Value) throws -> Bool { try storage.get(v) != nil }
}
