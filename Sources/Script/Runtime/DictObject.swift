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

/// A fast hash of a key with Python's equalities (`1`, `1.0`, `True` collide on purpose).
/// Strings use FNV-1a over their UTF-8 bytes: much cheaper than SipHash for the short keys
/// scripts use, and dictionaries are probed with it on every `d[k]`.
@inline(__always)
func keyHash(_ v: Value) throws -> Int {
    switch v {
    case .str(let s):
        var s = s
        return s.withUTF8 { buffer in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in buffer {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            return Int(bitPattern: UInt(h ^ (h >> 29)))
        }
    case .int(let i): return mixInt(i)
    case .bool(let b): return mixInt(b ? 1 : 0)
    case .float(let d):
        if d == d.rounded(), abs(d) < 9.2e18 { return mixInt(Int(d)) }
        return mixInt(Int(bitPattern: UInt(d.bitPattern)))
    case .none: return 0x5bd1e995
    case .tuple(let items):
        var h = 0x345678
        for item in items { h = (h ^ (try keyHash(item))) &* 1_000_003 }
        return h ^ items.count
    case .list: throw ScriptError.typeError("unhashable type: 'list'")
    case .dict: throw ScriptError.typeError("unhashable type: 'dict'")
    case .object(let o):
        if o is SetObject { throw ScriptError.typeError("unhashable type: 'set'") }
        var hasher = Hasher()
        o.hashInto(&hasher)
        return hasher.finalize()
    case .function(let f): return mixInt(ObjectIdentifier(f).hashValue)
    case .unbound: return 0
    }
}

@inline(__always)
func mixInt(_ i: Int) -> Int {
    var x = UInt64(bitPattern: Int64(i))
    x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
    x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
    return Int(bitPattern: UInt(x ^ (x >> 31)))
}

/// A Python dict: insertion-ordered entries plus an open-addressing index (CPython's layout).
/// Deleted entries become holes (`.unbound` keys) until the next resize compacts them.
public final class DictObject {
    private var keys: [Value] = []
    private var values: [Value] = []
    private var hashes: [Int] = []
    /// Entry positions; -1 is an empty slot.
    private var table: [Int32] = []
    private var mask = -1
    public private(set) var count = 0

    public init() {}

    /// The live entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        var result: [(key: Value, value: Value)] = []
        result.reserveCapacity(count)
        for i in 0..<keys.count {
            if case .unbound = keys[i] { continue }
            result.append((keys[i], values[i]))
        }
        return result
    }
    public var keyList: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for k in keys {
            if case .unbound = k { continue }
            result.append(k)
        }
        return result
    }
    public var valueList: [Value] { entries.map { $0.value } }

    /// The slot in `table` holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: Value, _ hash: Int) -> (slot: Int, entry: Int) {
        var slot = hash & mask
        while true {
            let e = Int(table[slot])
            if e < 0 { return (slot, -1) }
            if hashes[e] == hash {
                let k = keys[e]
                switch (k, key) {
                case (.str(let a), .str(let b)): if a == b { return (slot, e) }
                case (.int(let a), .int(let b)): if a == b { return (slot, e) }
                case (.unbound, _): break
                default: if HashKey.keyEquals(k, key) { return (slot, e) }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    public func get(_ key: Value) throws -> Value? {
        if count == 0 {
            _ = try keyHash(key)
            return nil
        }
        let (_, e) = find(key, try keyHash(key))
        return e < 0 ? nil : values[e]
    }
    /// Lookup by string key (for native code reading keyword-like dicts).
    public func get(_ key: String) -> Value? { try? get(.str(key)) }

    public func set(_ key: Value, _ value: Value) throws {
        insert(key, value, try keyHash(key))
    }
    func setUnchecked(_ key: Value, _ value: Value) {
        insert(key, value, (try? keyHash(key)) ?? 0)
    }

    private func insert(_ key: Value, _ value: Value, _ hash: Int) {
        if (keys.count + 1) * 3 >= table.count * 2 { rebuild() }
        let (slot, e) = find(key, hash)
        if e >= 0 {
            values[e] = value
            return
        }
        table[slot] = Int32(keys.count)
        keys.append(key)
        values.append(value)
        hashes.append(hash)
        count += 1
    }

    /// Compacts the entries and sizes the index for them (load factor ≤ 1/3 after rebuilding).
    private func rebuild() {
        if count < keys.count {
            var k2: [Value] = [], v2: [Value] = [], h2: [Int] = []
            k2.reserveCapacity(count)
            v2.reserveCapacity(count)
            h2.reserveCapacity(count)
            for i in 0..<keys.count {
                if case .unbound = keys[i] { continue }
                k2.append(keys[i])
                v2.append(values[i])
                h2.append(hashes[i])
            }
            keys = k2
            values = v2
            hashes = h2
        }
        var size = 8
        while size < (count + 1) * 3 { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
        for e in 0..<keys.count {
            var slot = hashes[e] & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(e)
        }
    }

    /// Removes a key, returning its value (nil when absent).
    @discardableResult
    public func remove(_ key: Value) throws -> Value? {
        let hash = try keyHash(key)
        if count == 0 { return nil }
        let (_, e) = find(key, hash)
        guard e >= 0 else { return nil }
        let v = values[e]
        keys[e] = .unbound
        values[e] = .none
        count -= 1
        if count == 0 { removeAll() }
        return v
    }

    public func removeAll() {
        keys = []
        values = []
        hashes = []
        table = []
        mask = -1
        count = 0
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
    /// The elements in iteration order. CPython iterates a set in hash-table order, which for
    /// small non-negative ints is ascending; sets of ints are therefore iterated sorted so they
    /// print as CPython prints them. Other sets keep insertion order.
    public var items: [Value] {
        let keys = storage.keyList
        var ints: [Int] = []
        ints.reserveCapacity(keys.count)
        for k in keys {
            guard case .int(let n) = k, n >= 0 else { return keys }
            ints.append(n)
        }
        return ints.sorted().map { .int($0) }
    }
    public func insert(_ v: Value) throws { try storage.set(v, .none) }
    public func contains(_ v: Value) throws -> Bool { try storage.get(v) != nil }
}
