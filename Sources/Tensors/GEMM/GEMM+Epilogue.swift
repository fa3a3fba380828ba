// Products whose epilogue (bias, activation, residual add) runs inside CKernels' packed sgemm, on each block
// of C while it is still in cache: a linear layer then writes its output once instead of three times
// (bias broadcast, product, activation or residual add), and allocates no intermediate tensors.
import CKernels

extension GEMM {
    /// The activations the fused epilogue runs (CKernels' vector kernels, the same ones `Tensor.gelu` etc. use).
    public enum EpilogueActivation: Sendable {
        case geluErf, geluTanh, silu, sigmoid, tanh, quickGelu

        var op: sfk_unary_op {
            switch self {
            case .geluErf: SFK_UNARY_GELU_ERF
            case .geluTanh: SFK_UNARY_GELU_TANH
            case .silu: SFK_UNARY_SILU
            case .sigmoid: SFK_UNARY_SIGMOID
            case .tanh: SFK_UNARY_TANH
            case .quickGelu: SFK_UNARY_QUICK_GELU
            }
        }
    }

    /// `C = activation(A · Wᵀ + bias + residual)` for a pre-packed weight (`sfk_sgemm_avx2_prepacked`), split over
    /// the threads as `packedAVX2Fused` splits a product (column ranges on panel boundaries when n ≥ m, else row
    /// ranges). Returns false when a piece's packing buffer for A could not be allocated.
    static func prepackedAVX2Fused(
        m: Int, weight: PackedLinearWeight,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, ldr: Int, activation: EpilogueActivation?
    ) -> Bool {
        let (n, k) = (weight.outFeatures, weight.inFeatures)
        let panels = weight.panels()
        let packed = UnsafePointer(panels.bytes.assumingMemoryBound(to: Float.self))
        let act = activation.map { Int32($0.op.rawValue) } ?? -1
        let failures = LockedState(0)
        splitFusedProduct(m: m, n: n, k: k) { i0, i1, j0, j1 in
            var epilogue = sfk_gemm_epilogue(
                bias: bias.map { $0 + j0 }, residual: residual.map { $0 + i0 * ldr + j0 }, ldr: ldr, activation: act)
            let status = sfk_sgemm_avx2_prepacked(
                i1 - i0, j1 - j0, k, a + i0 * rowStrideA, rowStrideA, colStrideA, packed + (j0 / 16) * k * 16,
                c + i0 * ldc + j0, ldc, &epilogue)
            if status != 0 { failures.withLock { $0 += 1 } }
        }
        return withExtendedLifetime(panels) { failures.withLock { $0 } == 0 }
    }

    /// `C = activation(A · B + bias + residual)` with `sfk_sgemm_avx2_fused` (k ≥ 1), split over the threads as
    /// `packedAVX2` splits a product (column ranges when n ≥ m, else row ranges). `bias` has n values,
    /// `residual` m rows of n (row stride `ldr`). Returns false (C untouched or partly written, to be recomputed)
    /// when a piece's packing buffers could not be allocated.
    static func packedAVX2Fused(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, ldr: Int, activation: EpilogueActivation?
    ) -> Bool {
        let act = activation.map { Int32($0.op.rawValue) } ?? -1
        let failures = LockedState(0)
        splitFusedProduct(m: m, n: n, k: k) { i0, i1, j0, j1 in
            var epilogue = sfk_gemm_epilogue(
                bias: bias.map { $0 + j0 }, residual: residual.map { $0 + i0 * ldr + j0 }, ldr: ldr, activation: act)
            let status = sfk_sgemm_avx2_fused(
                i1 - i0, j1 - j0, k, 1, a + i0 * rowStrideA, rowStrideA, colStrideA, b + j0 * colStrideB, rowStrideB,
                colStrideB, 0, c + i0 * ldc + j0, ldc, &epilogue)
            if status != 0 { failures.withLock { $0 += 1 } }
        }
        return failures.withLock { $0 } == 0
    }

    /// Runs `one(i0, i1, j0, j1)` on the pieces of C that `packedAVX2` would give the threads: column ranges on
    /// 16-column panel boundaries when n ≥ m, else row ranges on 6-row tiles; one piece below
    /// `packedParallelFlops`.
    private static func splitFusedProduct(m: Int, n: Int, k: Int, _ one: (Int, Int, Int, Int) -> Void) {
        let splitColumns = n >= m
        let units = splitColumns ? (n + 15) / 16 : (m + 5) / 6
        let pieces = 2 * m * n * k < packedParallelFlops ? 1 : max(1, min(multiplyThreads, units))
        if pieces == 1 {
            one(0, m, 0, n)
        } else {
            WorkerPool.forEach(pieces) { piece in
                let lower = units * piece / pieces, upper = units * (piece + 1) / pieces
                if splitColumns {
                    one(0, m, lower * 16, min(n, upper * 16))
                } else {
                    one(lower * 6, min(m, upper * 6), 0, n)
                }
            }
        }
    }
}
