// Swift entry to the engine's persistent worker pool (CKernels' WorkerPool.c).
import CKernels

enum WorkerPool {
    /// Runs `body(item)` for every item in `0..<count` on the calling thread and the pool's hot workers, at most
    /// `threads` threads in all. Items must write disjoint memory. Nested calls (from inside a `body`) and calls
    /// made while another thread's loop runs execute inline, in order.
    static func forEach(_ count: Int, threads: Int = ParallelLoop.threadCount, _ body: (Int) -> Void) {
        if count <= 1 || threads <= 1 {
            for item in 0..<count { body(item) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var task = escapable
            withUnsafeMutablePointer(to: &task) { pointer in
                sfk_parallel_for(count, { context, item in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(item)
                }, pointer, Int32(clamping: min(threads, count)))
            }
        }
    }
}
