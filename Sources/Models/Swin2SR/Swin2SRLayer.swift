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

    /// The shifted-window mask for a `height × width` map: [windows, 1, w², w²], −100 between different regions.
    /// The reference adds it twice (once in the view, once after), so it is returned doubled.
    func shiftMask(height: Int, width: Int) throws -> Tensor? {
        guard shift > 0 else { return nil }
        func region(_ i: Int, _ size: Int) -> Int { i < size - window ? 0 : (i < size - shift ? 1 : 2) }
        let (rows, columns) = (height / window, width / window), count = window * window
        var mask = [Float](repeating: 0, count: rows * columns * count * count)
        for r in 0..<rows {
            for c in 0..<columns {
                let base = (r * columns + c) * count * count
                let labels = (0..<count).map { p in
                    region(r * window + p / window, height) * 3 + region(c * window + p % window, width)
                }
                for i in 0..<count where true {
                    for j in 0..<count where labels[i] != labels[j] { mask[base + i * count + j] = -200 }
                }
            }
        }
        return try Tensor(mask, shape: [rows * columns, 1, count, count])
    }

    /// [B, H·W, C] → [B, H·W, C] for an `height × width` map (multiples of the window size).
    func callAsFunction(_ x: Tensor, height: Int, width: Int, mask: Tensor?) throws -> Tensor {
        let (batch, channels) = (x.shape[0], x.shape[2])
        let (rows, columns) = (height / window, width / window)
        var map = try x.reshape([batch, height, width, channels])
        if shift > 0 { map = try map.roll([-shift, -shift], dims: [1, 2]) }
        // Window partition: [B, rows, w, columns, w, C] → [B, rows·columns, w², C].
        let windows = try map.reshape([batch, rows, window, columns, window, channels]).permute([0, 1, 3, 2, 4, 5])
            .contiguous().reshape([batch, rows * columns, window * window, channels])
        let headDim = channels / heads
        func split(_ t: Tensor) throws -> Tensor {
            try t.reshape([batch, rows * columns, window * window, heads, headDim]).transpose(2, 3)
        }
        func normalized(_ t: Tensor) throws -> Tensor {
            try t.div(t.square().sum(dim: -1, keepdim: true).sqrt().clamp(min: 1e-12))
        }
        let q = try normalized(split(query(windows))).mul(temperature)
        let k = try normalized(split(key(windows)))
        let bias = try mask.map { try positionBias.add($0) } ?? positionBias
        let context = try Tensor.scaledDotProductAttention(query: q, key: k, value: split(value(windows)), attnMask: bias, scale: 1)
        let attended = try output(context.transpose(2, 3).contiguous().reshape([batch, rows * columns, window * window, channels]))
        // Window reverse.
        var merged = try attended.reshape([batch, rows, columns, window, window, channels]).permute([0, 1, 3, 2, 4, 5])
            .contiguous().reshape([batch, height, width, channels])
        if shift > 0 { merged = try merged.roll([shift, shift], dims: [1, 2]) }
        let hidden = try normBefore(merged.reshape([batch, height * width, channels])).add(x)
        return try normAfter(down(activation(intermediate(hidden)))).add(hidden)
    }
}
