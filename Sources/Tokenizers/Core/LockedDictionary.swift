// A small thread-safe cache (BPE word cache, decomposition cache): encode runs on several threads
// in batch mode, and these caches are shared by all of them.
import Foundation

final class LockedDictionary<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private var storage: [Key: Value] = [:]
    private let lock = NSLock()
    /// Beyond this many entries the cache is cleared rather than grown (hostile inputs).
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    subscript(key: Key) -> Value? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return storage[key]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            if storage.count >= capacity { storage.removeAll(keepingCapacity: true) }
            storage[key] = newValue
        }
    }
}
