// A parallel loop for kernels that write disjoint parts of one output buffer.

enum NNParallel {
    /// Runs `body(0..<count)` on up to `count` threads of the worker pool; iterations must touch disjoint outputs.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        WorkerPool.forEach(count, body)
    }
}
