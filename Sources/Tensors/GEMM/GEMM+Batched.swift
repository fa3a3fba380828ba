// Many independent multiplies (attention heads, grouped convolutions, broadcast matmul).
import Foundation

extension GEMM {
    /// `C[i] = alpha · op(A[i]) · op(B[i]) + beta · C[i]` for i in 0..<batch, where matrix i of each
    /// operand starts `i * batchStride` floats after the base pointer (a stride of 0 broadcasts one
    /// matrix to the whole batch).
    ///
    /// Small matrices are spread over threads one whole matrix at a time, each multiply single-
    /// threaded: splitting a 128×128×64 product across two OpenBLAS threads costs more in
    /// synchronisation than it gains (measured in docs/GEMM.md), and PyTorch's bmm does the same.
    public static func sgemmBatched(
        batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, batchStrideA: Int,
        b: UnsafePointer<Float>, ldb: Int, batchStrideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, batchStrideC: Int
    ) {
        guard batch > 0, m > 0, n > 0 else { return }
        let threads = threadCount
        let flopsPerMatrix = 2 * m * n * k
        let spreadOverBatch = threads > 1 && batch >= threads && flopsPerMatrix < 1 << 24
        let one = { (index: Int) in
            sgemm(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                a: a + index * batchStrideA, lda: lda, b: b + index * batchStrideB, ldb: ldb,
                beta: beta, c: c + index * batchStrideC, ldc: ldc)
        }
        guard spreadOverBatch else {
            for index in 0..<batch { one(index) }
            return
        }
        withSingleThreadedMultiplies {
            WorkerPool.forEach(threads) { worker in
                let perWorker = (batch + threads - 1) / threads
                for index in (worker * perWorker)..<min(batch, (worker + 1) * perWorker) { one(index) }
            }
        }
    }
}
