import Foundation
import Hub
import Tensors

// Follows transformers/models/swin2sr/modeling_swin2sr.py (`Swin2SRSelfAttention`, `Swin2SRLayer`): Swin V2
// windowed attention — cosine similarity scaled by a learned, clamped per-head temperature, a continuous relative
// position bias produced by a small MLP from log-spaced offsets, shifted windows on odd layers with a −100 mask
// between regions that the shift made adjacent, and post-norm residuals.

/// One Swin V2 layer; the position bias (fixed after loading) and the temperature are precomputed.
struct Swin2SRLayer: Sendable {
    let query: Linear, key: Linear, value: Linear, output: Linear
    let intermediate: Linear, down: Linear
    let normBefore: LayerNorm, normAfter: LayerNorm
    /// exp(min(logit_scale, log 100)) as [heads, 1, 1].
    let temperature: Tensor
    /// 16·sigmoid(cpb_mlp(table)[index]) as [heads, window², window²].
    let positionBias: Tensor
    let heads: Int, window: Int, shift: Int
    let activation: Activation

    init(_ weights: Weights, dim: Int, heads: Int, window: Int, shift: Int, mlpRatio: Double, eps: Double,
         qkvBias: Bool, activation: Activation) throws {
        let attention = weights.scoped("attention.self")
        query = try Linear(attention, "query", in: dim, out: dim, bias: qkvBias)
        key = try Linear(attention, "key", in: dim, out: dim, bias: false)
        value = try Linear(attention, "value", in: dim, out: dim, bias: qkvBias)
        output = try Linear(weights.scoped("attention.output"), "dense", in: dim, out: dim)
        let inner = Int(mlpRatio * Double(dim))
        intermediate = try Linear(weights.scoped("intermediate"), "dense", in: dim, out: inner)
        down = try Linear(weights.scoped("output"), "dense", in: inner, out: dim)
        normBefore = try LayerNorm(weights, "layernorm_before", size: dim, eps: eps)
        normAfter = try LayerNorm(weights, "layernorm_after", size: dim, eps: eps)
        temperature = try attention.tensor("logit_scale", shape: [heads, 1, 1]).clamp(max: .float(Foundation.log(100.0))).exp()
        let mlp = attention.scoped("continuous_position_bias_mlp")
        let hiddenLayer = try Linear(mlp, "0", in: 2, out: 512)
        let projection = try Linear(mlp, "2", in: 512, out: heads, bias: false)
        let table = try Self.relativeCoordinatesTable(window: window)
        let biasTable = try projection(hiddenLayer(table).relu())  // [(2w-1)², heads]
        let index = try Tensor(Self.relativePositionIndex(window: window), shape: [window * window * window * window])
        positionBias = try biasTable.indexSelect(dim: 0, index: index)
            .reshape([window * window, window * window, heads]).permute([2, 0, 1]).contiguous().sigmoid().mul(16)
        (self.heads, self.window, self.shift, self.activation) = (heads, window, shift, activation)
    }

    /// Offsets −(w−1)…(w−1) per axis, scaled to ±8 and log-spaced: sign(x)·log2(|x|+1)/log2(8), as [(2w−1)², 2].
    static func relativeCoordinatesTable(window: Int) throws -> Tensor {
        var values: [Float] = []
        let span = (-(window - 1))...(window - 1)
        for h in span {
            for w in span {
                for offset in [h, w] {
                    var x = Float(offset)
                    if window > 1 { x /= Float(window - 1) }
                    x *= 8
                    let sign: Float = x > 0 ? 1 : (x < 0 ? -1 : 0)
                    values.append(sign * Foundation.log2(Swift.abs(x) + 1) / Float(Foundation.log2(8.0)))
                }
            }
        }
        return try Tensor(values, shape: [span.count * span.count, 2])
    }

    /// For each (query, key) pair of a window, the row of the bias table holding their relative offset.
    static func relativePositionIndex(window: Int) -> [Int64] {
        let count = window * window
        var index = [Int64](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in 0..<count {
                let dh = i / window - j / window + window - 1, dw = i % window - j % window + window - 1
                index[i * count + j] = Int64(dh * (2 * window - 1) + dw)
            }
        }
        return index
    }

    /// [B, H·W, C] → [B, H·W, C] for an `height × width` map (multiples of the window size); `windows` is the
    /// layout for this layer's shift.
    func callAsFunction(_ x: Tensor, height: Int, width: Int, windows layout: Swin2SRWindows) throws -> Tensor {
        let (batch, channels) = (x.shape[0], x.shape[2])
        let count = layout.windowsPerImage
        let windows = try layout.partition(x)  // [B, windows, w², C]
        let headDim = channels / heads
        func split(_ t: Tensor) throws -> Tensor {
            try t.reshape([batch, count, window * window, heads, headDim]).transpose(2, 3)
        }
        /// F.normalize(t, dim=-1) times `factor` ([heads, 1, 1] or nil): the factor is applied to the small norm
        /// tensor, so the big one is touched by one multiply.
        func normalized(_ t: Tensor, times factor: Tensor?) throws -> Tensor {
            let norm = try t.square().sum(dim: -1, keepdim: true).sqrt().clamp(min: 1e-12)
            return try t.mul(factor.map { try $0.div(norm) } ?? norm.reciprocal())
        }
        let q = try normalized(split(query(windows)), times: temperature)
        let k = try normalized(split(key(windows)), times: nil)
        let v = try split(value(windows))
        func attend(_ start: Int, _ length: Int, _ bias: Tensor) throws -> Tensor {
            let part = { (t: Tensor) throws -> Tensor in length == count ? t : try t.narrow(1, start: start, length: length) }
            return try Tensor.scaledDotProductAttention(query: part(q), key: part(k), value: part(v), attnMask: bias, scale: 1)
                .transpose(2, 3)  // [B, n, w², heads, d]
        }
        var context: Tensor
        if let mask = layout.boundaryMask {
            let interior = try attend(0, layout.interior, positionBias)
            let boundary = try attend(layout.interior, count - layout.interior, positionBias.add(mask))
            context = try Tensor.cat([interior, boundary], dim: 1)
        } else {
            context = try attend(0, count, positionBias).contiguous()
        }
        let attended = try output(context.reshape([batch, count, window * window, channels]))
        let merged = try layout.merge(attended)
        let hidden = try normBefore(merged).add(x)
        return try normAfter(down(activation(intermediate(hidden)))).add(hidden)
    }
}
