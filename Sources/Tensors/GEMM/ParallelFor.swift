// A parallel loop for kernels that write disjoint parts of one output buffer.
import Foundation

/// Wraps a value that is shared across threads where the caller guarantees no data race (kernels
/// whose iterations write disjoint memory).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

enum NNParallel {
    /// Runs `body(0..<count)` on up to `count` threads; iterations must touch disjoint outputs.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(value: escapable)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
    }
}
