// Our AVX2 + FMA sgemm (CKernels' sfk_sgemm_avx2) spread over the engine's thread pool.
import CKernels

extension GEMM {
    /// Below this many flops a product stays on the calling thread: waking a second core costs a few
    /// microseconds, as much as ~100 k multiply-adds.
    static let packedParallelFlops = 1 << 21

    /// `C = alpha · A · B + beta · C` with `sfk_sgemm_avx2`, for any strides (k ≥ 1). Large products are
    /// split into `threads` independent pieces of C: column ranges (multiples of 16) when n ≥ m — each
    /// thread then packs only its own columns of B and all of the smaller A — else row ranges (multiples
    /// of 6), which share B's columns and split A. No piece waits on another, so two threads never spin
    /// at a barrier inside one product (OpenBLAS's threads did, against ours: docs/GEMM.md).
    /// A piece whose packing buffers cannot be allocated runs the portable Swift kernel instead.
    static func packedAVX2(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let splitColumns = n >= m
        let units = splitColumns ? (n + 15) / 16 : (m + 5) / 6
        let pieces = 2 * m * n * k < packedParallelFlops ? 1 : max(1, min(threads, units))
        let one = { (m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) in
            if sfk_sgemm_avx2(m, n, k, alpha, a, rowStrideA, colStrideA, b, rowStrideB, colStrideB, beta, c, ldc) != 0 {
                NativeGEMM.portableSGEMM(
                    m: m, n: n, k: k, alpha: alpha, a: a, rowStrideA: rowStrideA, colStrideA: colStrideA,
                    b: b, rowStrideB: rowStrideB, colStrideB: colStrideB, beta: beta, c: c, ldc: ldc, threads: 1)
            }
        }
        if pieces == 1 {
            one(m, n, a, b, c)
            return
        }
        WorkerPool.forEach(pieces) { piece in
            let lower = units * piece / pieces, upper = units * (piece + 1) / pieces
            if splitColumns {
                let j0 = lower * 16, j1 = min(n, upper * 16)
                one(m, j1 - j0, a, b + j0 * colStrideB, c + j0)
            } else {
                let i0 = lower * 6, i1 = min(m, upper * 6)
                one(i1 - i0, n, a + i0 * rowStrideA, b, c + i0 * ldc)
            }
        }
    }
}
