import Foundation
import Tensors

// ALiBi position biases for Falcon-RW, following `build_alibi_tensor` and `_update_causal_mask` in
// transformers/models/falcon/modeling_falcon.py (4.55). Instead of rotating queries and keys, every head adds
// slope_h · position_j to its attention scores, where position_j counts the real (unpadded) keys before j. The
// reference computes the products in bfloat16 (the slopes are cast to bfloat16, the product rounded to it), divides
// by √head_dim and writes the result into the additive attention mask, where masked places hold the float minimum;
// we round the same way so the logits agree to float32 precision.

enum FalconALiBi {
    /// The slopes of `heads` heads: 2^(−8k/n) for the largest power of two n ≤ heads, then every other slope of 2n
    /// for the remaining heads.
    static func slopes(heads: Int) -> [Float] {
        var power = 1
        while power * 2 <= heads { power *= 2 }
        func geometric(_ n: Int, _ exponents: StrideTo<Int>) -> [Float] {
            let base = Float(pow(2, -pow(2, -(log2(Double(n)) - 3))))
            return exponents.map { powf(base, Float($0)) }
        }
        var result = geometric(power, stride(from: 1, to: power + 1, by: 1))
        if power != heads {
            let remaining = min(power, heads - power)
            result += geometric(2 * power, stride(from: 1, to: 1 + 2 * remaining, by: 2))
        }
        return result
    }

    /// Rounds to the nearest bfloat16 (ties to even), as PyTorch's `.bfloat16()` does.
    static func bfloat16(_ x: Float) -> Float {
        guard x.isFinite else { return x }
        let bits = x.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: rounded & 0xFFFF_0000)
    }

    /// The additive mask [batch, heads, new, total]: the bias where `allowed` (a boolean [batch, 1, new, total]
    /// causal-and-padding mask) is true, the float minimum elsewhere.
    static func mask(allowed: Tensor, attentionMask: Tensor?, heads: Int, headDim: Int) throws -> Tensor {
        let (batch, new, total) = (allowed.shape[0], allowed.shape[2], allowed.shape[3])
        let keep = attentionMask.map { $0.to(.int64).contiguous().int64s() } ?? [Int64](repeating: 1, count: batch * total)
        let permitted = allowed.contiguous().bools()
        let slopes = slopes(heads: heads).map(bfloat16)
        let divisor = Float(Double(headDim).squareRoot())
        var values = [Float](repeating: -Float.greatestFiniteMagnitude, count: batch * heads * new * total)
        for b in 0..<batch {
            // (cumsum(mask) − 1) · mask per key.
            var positions = [Float](repeating: 0, count: total)
            var running: Int64 = 0
            for j in 0..<total {
                running += keep[b * total + j]
                positions[j] = Float((running - 1) * keep[b * total + j])
            }
            for h in 0..<heads {
                let bias = positions.map { bfloat16(slopes[h] * $0) / divisor }
                for i in 0..<new {
                    let source = (b * new + i) * total, target = ((b * heads + h) * new + i) * total
                    for j in 0..<total where permitted[source + j] { values[target + j] = bias[j] }
                }
            }
        }
        return try Tensor(values, shape: [batch, heads, new, total])
    }
}
