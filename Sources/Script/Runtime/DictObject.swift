// MARK: - Dictionary and set storage
//
// Python dicts keep insertion order. Entries (hash, key, value) live in insertion order (with
// tombstones after deletion, compacted lazily) and an open-addressing index maps hashes to entry
// positions, as in CPython.

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
    // Ints hash to themselves, as in CPython: consecutive keys land in consecutive index slots and
    // consecutive entries, so a loop over `range` keys walks memory in order instead of missing the
    // cache on every probe. The perturbed probing of `DictObject.find` keeps patterned keys
    // (multiples of the table size) from piling up in one run.
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .float(let d):
        if d == d.rounded(), abs(d) < 9.2e18 { return Int(d) }
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
///
/// Entries (hash, key, value) live together in one manually managed buffer: a lookup reads the
/// stored hash and key of one entry without copying the entry or going through `Array`'s
/// uniqueness and bounds checks, which dominated the dict-heavy benchmark.
public final class DictObject {
    struct Entry {
        var hash: Int
        var key: Value
        var value: Value
    }
    /// Entries `0..<used` are initialized (holes included).
    private var store: UnsafeMutablePointer<Entry>?
    private var capacity = 0
    private var used = 0
    /// Entry positions; -1 is an empty slot.
    private var table: UnsafeMutablePointer<Int32>?
    private var mask = -1
    public private(set) var count = 0

    public init() {}

    deinit {
        if let store { store.deinitialize(count: used); store.deallocate() }
        table?.deallocate()
    }

    /// The live entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        var result: [(key: Value, value: Value)] = []
        result.reserveCapacity(count)
        guard let store else { return result }
        for i in 0..<used {
            if case .unbound = store[i].key { continue }
            result.append((store[i].key, store[i].value))
        }
        return result
    }
    public var keyList: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        guard let store else { return result }
        for i in 0..<used {
            if case .unbound = store[i].key { continue }
            result.append(store[i].key)
        }
        return result
    }
    public var valueList: [Value] { entries.map { $0.value } }

    /// Whether entry `e` holds `key` (its stored hash already matched).
    @inline(__always)
    private func keyMatches(_ e: UnsafeMutablePointer<Entry>, _ key: Value) -> Bool {
        switch key {
        case .int(let b):
            if case .int(let a) = e.pointee.key { return a == b }
        case .str(let b):
            if case .str(let a) = e.pointee.key { return a == b }
        default: break
        }
        if case .unbound = e.pointee.key { return false }
        return HashKey.keyEquals(e.pointee.key, key)
    }

    /// The slot in `table` holding `key`, or the empty slot where it would go (entry -1).
    /// Probing follows CPython: the next slot mixes in the hash's higher bits (`perturb`), so keys that
    /// agree in their low bits (ints hash to themselves) still spread over the table.
    @inline(__always)
    private func find(_ key: Value, _ hash: Int) -> (slot: Int, entry: Int) {
        guard let table else { return (0, -1) }
        var slot = hash & mask
        var perturb = UInt(bitPattern: hash)
        while true {
            let e = Int(table[slot])
            if e < 0 { return (slot, -1) }
            // A table slot that names an entry implies the store exists.
            guard let store else { return (slot, -1) }
            let entry = store + e
            if entry.pointee.hash == hash && keyMatches(entry, key) { return (slot, e) }
            perturb >>= 5
            slot = (slot &* 5 &+ Int(bitPattern: perturb) &+ 1) & mask
        }
    }

    public func get(_ key: Value) throws -> Value? {
        let hash = try keyHash(key)
        if count == 0 { return nil }
        return get(key, hash: hash)
    }
    /// Lookup with the key's hash already computed (``keyHash(_:)``), so an update such as
    /// `d[k] = d.get(k, 0) + 1` hashes its key once.
    @inline(__always)
    func get(_ key: Value, hash: Int) -> Value? {
        let (_, e) = find(key, hash)
        guard e >= 0, let store else { return nil }
        return store[e].value
    }
    /// Lookup by string key (for native code reading keyword-like dicts).
    public func get(_ key: String) -> Value? { try? get(.str(key)) }

    public func set(_ key: Value, _ value: Value) throws {
        set(key, value, hash: try keyHash(key))
    }
    func setUnchecked(_ key: Value, _ value: Value) {
        set(key, value, hash: (try? keyHash(key)) ?? 0)
    }

    /// Stores with the key's hash already computed (``keyHash(_:)``).
    func set(_ key: Value, _ value: Value, hash: Int) {
        if (used + 1) * 3 >= (mask + 1) * 2 { rebuild() }
        let (slot, e) = find(key, hash)
        if e >= 0, let store {
            store[e].value = value
            return
        }
        if used == capacity { growStore() }
        guard let store, let table else { return }
        (store + used).initialize(to: Entry(hash: hash, key: key, value: value))
        table[slot] = Int32(used)
        used += 1
        count += 1
    }

    private func growStore() {
        let newCapacity = Swift.max(8, capacity * 2)
        let grown = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity)
        if let store {
            grown.moveInitialize(from: store, count: used)
            store.deallocate()
        }
        store = grown
        capacity = newCapacity
    }

    /// Compacts the entries and sizes the index for them (load factor ≤ 1/3 after rebuilding).
    private func rebuild() {
        if count < used, let store {
            var kept = 0
            for i in 0..<used {
                if case .unbound = store[i].key {
                    (store + i).deinitialize(count: 1)
                    continue
                }
                if kept != i { (store + kept).moveInitialize(from: store + i, count: 1) }
                kept += 1
            }
            used = kept
        }
        var size = 8
        while size < (count + 1) * 3 { size <<= 1 }
        table?.deallocate()
        let newTable = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        newTable.initialize(repeating: -1, count: size)
        table = newTable
        mask = size - 1
        guard let store else { return }
        for e in 0..<used {
            var slot = store[e].hash & mask
            var perturb = UInt(bitPattern: store[e].hash)
            while newTable[slot] >= 0 {
                perturb >>= 5
                slot = (slot &* 5 &+ Int(bitPattern: perturb) &+ 1) & mask
            }
            newTable[slot] = Int32(e)
        }
    }

    /// Removes a key, returning its value (nil when absent).
    @discardableResult
    public func remove(_ key: Value) throws -> Value? {
        let hash = try keyHash(key)
        if count == 0 { return nil }
        let (_, e) = find(key, hash)
        guard e >= 0, let store else { return nil }
        let v = store[e].value
        store[e].key = .unbound
        store[e].value = .none
        count -= 1
        if count == 0 { removeAll() }
        return v
    }

    public func removeAll() {
        if let store {
            store.deinitialize(count: used)
            store.deallocate()
        }
        table?.deallocate()
        store = nil
        table = nil
        capacity = 0
        used = 0
        mask = -1
        count = 0
    }

    /// A shallow copy.
    public func copy() -> DictObject {
        let d = DictObject()
        guard let store else { return d }
        for i in 0..<used {
            if case .unbound = store[i].key { continue }
            d.set(store[i].key, store[i].value, hash: store[i].hash)
        }
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
