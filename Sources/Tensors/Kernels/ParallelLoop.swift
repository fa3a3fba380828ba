import Foundation

/// Splits element-wise work across the machine's cores. Work below `grain` elements stays on the calling thread:
/// waking a second core costs a few microseconds, which only pays off on large buffers (PyTorch uses the same
/// 32768-element grain for its CPU kernels).
enum ParallelLoop {
    /// Worker count: `SFS_NUM_THREADS` when set, else the active processor count.
    static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["SFS_NUM_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    static let grain = 32768

    /// Calls `body` on disjoint sub-ranges covering `0..<count`, concurrently when there is enough work.
    /// Chunk boundaries are multiples of 64 so SIMD loops only see one ragged tail.
    static func chunks(count: Int, grain: Int = grain, _ body: (Range<Int>) -> Void) {
        let pieces = min(threadCount, count / max(grain, 1))
        if pieces <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        WorkerPool.forEach(pieces) { piece in
            let lower = piece == 0 ? 0 : (count * piece / pieces) & ~63
            let upper = piece == pieces - 1 ? count : (count * (piece + 1) / pieces) & ~63
            if upper > lower { body(lower..<upper) }
        }
    }
}

// MARK: - Parallel traversal of strided runs

extension StridedRuns {
    /// Like `forEachRun`, restricted to runs `range` (the odometer starts at `range.lowerBound`).
    func forEachRun(in range: Range<Int>, _ body: (UnsafeBufferPointer<Int>) -> Void) {
        let operands = strides.count
        let outerRank = shape.count - 1
        if range.isEmpty || shape.contains(0) { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + outerRank) { scratch in
            let offsets = UnsafeMutableBufferPointer(rebasing: scratch[0..<operands])
            let counter = UnsafeMutableBufferPointer(rebasing: scratch[operands..<(operands + outerRank)])
            offsets.initialize(repeating: 0)
            counter.initialize(repeating: 0)
            // Decompose the first run index into the outer multi-index.
            var remaining = range.lowerBound
            var axis = outerRank - 1
            while axis >= 0 {
                counter[axis] = remaining % shape[axis]
                remaining /= shape[axis]
                for k in 0..<operands { offsets[k] += counter[axis] * strides[k][axis] }
                axis -= 1
            }
            for _ in range {
                body(UnsafeBufferPointer(offsets))
                var axis = outerRank - 1
                while axis >= 0 {
                    counter[axis] += 1
                    for k in 0..<operands { offsets[k] += strides[k][axis] }
                    if counter[axis] < shape[axis] { break }
                    for k in 0..<operands { offsets[k] -= strides[k][axis] * shape[axis] }
                    counter[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Calls `body(offsets, length)` over every run — or piece of a run — covering all elements, spread over the
    /// cores when the total is large. `offsets[k]` is operand k's element offset at the start of the piece, which
    /// then continues `length` elements with stride `runStride(k)`.
    func parallelForEach(_ body: (UnsafeBufferPointer<Int>, Int) -> Void) {
        let length = runLength, runs = runCount
        let total = length * runs
        if total == 0 { return }
        let threads = ParallelLoop.threadCount
        if threads <= 1 || total < 2 * ParallelLoop.grain {
            forEachRun(in: 0..<runs) { body($0, length) }
            return
        }
        if runs >= threads * 4 || length < ParallelLoop.grain {
            // Enough runs: hand each core a contiguous range of whole runs.
            let pieces = min(threads, runs)
            WorkerPool.forEach(pieces) { piece in
                let lower = runs * piece / pieces, upper = runs * (piece + 1) / pieces
                forEachRun(in: lower..<upper) { body($0, length) }
            }
            return
        }
        // Few long runs: split each run into pieces.
        let operands = strides.count
        forEachRun(in: 0..<runs) { start in
            let base = Array(start)
            ParallelLoop.chunks(count: length) { range in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: operands) { offsets in
                    for k in 0..<operands { offsets[k] = base[k] + range.lowerBound * runStride(k) }
                    body(UnsafeBufferPointer(offsets), range.count)
                }
            }
        }
    }
}
