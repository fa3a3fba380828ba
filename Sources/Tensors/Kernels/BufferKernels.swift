// Row kernels over raw float32 buffers, for decoders that run a step over preallocated scratch instead of Tensor
// operations (GPT-2's decode path, the quantized Llama path): at batch 1 and one token, a Tensor op's own cost —
// allocating its result, resolving broadcasts and strides, handing work to threads — is larger than the arithmetic.

import CKernels

/// Normalization, activation and single-query attention on contiguous float32 buffers, computed exactly as the
/// corresponding Tensor operations compute them (`layerNorm`, `gelu`, `scaledDotProductAttention`), on the calling
/// thread.
public enum BufferKernels {
    /// `layer_norm` over the last dimension of `rows` rows of `size`: (x − mean)·rsqrt(var + eps)·w + b.
    /// `out` may be `x`.
    public static func layerNorm(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, size: Int,
                                 weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Double) {
        guard size > 0 else { return }
        for r in 0..<rows {
            let row = x + r * size
            let sum = NativeKernels.isEnabled ? sfk_row_sum_avx2(row, size) : Tensor.sumRow(row, size)
            let mean = Float(sum / Double(size))
            let variance = Tensor.squaredDeviations(row, size, mean: mean) / Double(size)
            let rstd = Float(1 / (variance + eps).squareRoot())
            Tensor.affineRow(row, out + r * size, size, shift: mean, scale: rstd, weight: weight, bias: bias)
        }
    }

    /// `gelu(x, approximate:)` of `count` values, in place.
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int, approximate: Tensor.GeluApproximation) {
        if approximate == .none {
            floatUnaryRun(GeluKernel.self, UnsafePointer(x), 1, x, count)
        } else {
            floatUnaryRun(GeluTanhKernel.self, UnsafePointer(x), 1, x, count)
        }
    }

    /// SwiGLU, silu(gate)·up, for `tokens` rows laid out [gate (size) | up (size)], into rows of `size`.
    public static func swiGLU(_ gateUp: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, tokens: Int, size: Int) {
        for t in 0..<tokens {
            let gate = gateUp + t * 2 * size, up = gate + size, target = out + t * size
            floatUnaryRun(SiluKernel.self, gate, 1, target, size)
            if NativeKernels.isEnabled {
                sfk_binary_f32_avx2(SFK_BINARY_MUL, UnsafePointer(target), 1, up, 1, target, size)
            } else {
                for i in 0..<size { target[i] *= up[i] }
            }
        }
    }

    /// `target[i] += source[i]` for i < count.
    public static func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        if NativeKernels.isEnabled {
            sfk_binary_f32_avx2(SFK_BINARY_ADD, UnsafePointer(target), 1, source, 1, target, count)
        } else {
            for i in 0..<count { target[i] += source[i] }
        }
    }

    /// One query row attending to the first `length` keys/values of one head (rows of `dim` floats, `keys[j·dim]`):
    /// softmax(scale · q·Kᵀ)·V into `out` (`dim` floats). `scores` holds at least `length` floats. No mask: the
    /// caller passes only the keys the query sees (a causal prefix).
    public static func attend(query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                              length: Int, dim: Int, scale: Float, scores: UnsafeMutablePointer<Float>,
                              into out: UnsafeMutablePointer<Float>) {
        guard length > 0 else {
            out.update(repeating: 0, count: dim)
            return
        }
        guard NativeKernels.isEnabled else {
            var largest = -Float.infinity
            for j in 0..<length {
                var dot: Float = 0
                for c in 0..<dim { dot += query[c] * keys[j * dim + c] }
                scores[j] = dot * scale
                largest = Swift.max(largest, scores[j])
            }
            var total: Float = 0
            for j in 0..<length { scores[j] = ExpKernel.scalar(scores[j] - largest); total += scores[j] }
            out.update(repeating: 0, count: dim)
            for j in 0..<length { for c in 0..<dim { out[c] += scores[j] * values[j * dim + c] } }
            for c in 0..<dim { out[c] /= total }
            return
        }
        sfk_gemv_rows_avx2(keys, dim, query, dim, scores, length, scale, 0)
        let largest = sfk_row_max_avx2(scores, length)
        let total = sfk_exp_shifted_sum_avx2(scores, largest, scores, length)
        sfk_gemv_columns_avx2(values, dim, scores, length, out, dim, 1 / total, 0)
    }
}
