/// Walks same-shaped strided layouts (one per operand) as a sequence of *runs*: stretches along the innermost
/// dimension after merging every dimension that can be merged. Kernels then loop over a run with fixed strides,
/// which is a plain contiguous loop in the common dense case, and pay the multi-index bookkeeping once per run.
struct StridedRuns {
    /// Shape after dropping size-1 dimensions and merging mergeable neighbours; never empty.
    let shape: [Int]
    /// Per operand, strides matching `shape`.
    let strides: [[Int]]

    init(shape originalShape: [Int], strides originalStrides: [[Int]]) {
        var shape: [Int] = []
        var strides: [[Int]] = Array(repeating: [], count: originalStrides.count)
        for axis in originalShape.indices where originalShape[axis] != 1 {
            shape.append(originalShape[axis])
            for operand in originalStrides.indices { strides[operand].append(originalStrides[operand][axis]) }
        }
        if originalShape.contains(0) {
            shape = [0]
            strides = Array(repeating: [1], count: originalStrides.count)
        }
        if shape.isEmpty {
            shape = [1]
            strides = Array(repeating: [1], count: originalStrides.count)
        }
        // Merge axis into its inner neighbour whenever every operand steps over it as one block.
        var axis = shape.count - 2
        while axis >= 0 {
            let mergeable = strides.allSatisfy { $0[axis] == $0[axis + 1] * shape[axis + 1] }
            if mergeable {
                shape[axis + 1] *= shape[axis]
                shape.remove(at: axis)
                for operand in strides.indices { strides[operand].remove(at: axis) }
            }
            axis -= 1
        }
        self.shape = shape
        self.strides = strides
    }

    var runLength: Int { shape[shape.count - 1] }
    func runStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }
    var runCount: Int { shape.dropLast().reduce(1, *) }

    /// Calls `body(runIndex, offsets)` for every run, `offsets[k]` being operand k's element offset at the run start.
    func forEachRun(_ body: (Int, UnsafeBufferPointer<Int>) -> Void) {
        let operands = strides.count
        let outerRank = shape.count - 1
        let total = runCount
        if shape.contains(0) { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + outerRank) { scratch in
            let offsets = UnsafeMutableBufferPointer(rebasing: scratch[0..<operands])
            let counter = UnsafeMutableBufferPointer(rebasing: scratch[operands..<(operands + outerRank)])
            offsets.initialize(repeating: 0)
            counter.initialize(repeating: 0)
            for run in 0..<total {
                body(run, UnsafeBufferPointer(offsets))
                // Advance the odometer over the outer dimensions.
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
}
