import Dispatch
import Foundation

/// How many threads an image processor spreads a batch of images over.
///
/// Each image's resize, crop and normalization is independent of the others, so `processor(images)` processes a
/// list on `threads` workers (`DispatchQueue.concurrentPerform`), writing each result into its own slot: the output
/// is the same, in the same order, as one at a time. The reference's Pillow-based processors run on one thread.
public enum ImageBatchParallelism {
    /// `SFS_NUM_THREADS` when set, else the machine's active processor count.
    public static let defaultThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["SFS_NUM_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Overrides `defaultThreads` for the current task (`ImageBatchParallelism.$threads.withValue(1) { … }`).
    @TaskLocal public static var threads: Int?

    /// `items.map(transform)`, spread over the worker threads; the first error (in item order) is rethrown.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ transform: @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let workers = min(max(threads ?? defaultThreads, 1), items.count)
        if workers <= 1 { return try items.map(transform) }
        let slots = ResultSlots<Result>(count: items.count)
        // Workers take the next unprocessed index, so unequal images (sizes, modes) still balance.
        let next = AtomicCounter()
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.increment()
                    guard index < items.count else { return }
                    slots.set(index, Swift.Result { try transform(items[index]) })
                }
            }
        }
        return try slots.values().map { try $0.get() }
    }
}

/// One slot per item, each written by exactly one worker before `concurrentPerform` returns (raw storage: a Swift
/// array property would see the workers' writes as overlapping accesses).
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Result<Value, any Error>?>
    private let count: Int
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    func set(_ index: Int, _ value: Result<Value, any Error>) { storage[index] = value }
    func values() -> [Result<Value, any Error>] {
        (0..<count).map { storage[$0] ?? .failure(ProcessorError.invalidArgument("image \($0) of the batch was not processed")) }
    }
}

/// A shared index handed out under a lock (a few per batch: cheap next to an image).
private final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
