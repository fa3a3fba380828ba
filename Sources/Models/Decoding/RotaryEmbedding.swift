import Foundation
import Hub
import Tensors

// Rotary position embeddings (RoPE), following transformers/modeling_rope_utils.py: the inverse frequencies of each
// `rope_scaling` type real configs use (default, linear, dynamic NTK, llama3, yarn) and the rotate-half application.

/// The cos/sin tables for a set of positions and their rotation of queries and keys.
public final class RotaryEmbedding: @unchecked Sendable {
    public enum Kind: String, Sendable { case `default`, linear, dynamic, llama3, yarn }

    let kind: Kind
    /// Rotated dimensions (head_dim × partial_rotary_factor).
    public let dimensions: Int
    let base: Double
    let factor: Double
    let maxPositions: Int
    /// Inverse frequencies of the configured type (for `dynamic`, those of the unscaled range).
    let baseInverseFrequencies: [Float]
    /// Multiplies cos and sin (yarn's attention factor; 1 otherwise).
    let attentionScaling: Float
    /// Longest sequence seen by dynamic scaling (the reference's `max_seq_len_cached`).
    private var dynamicLength: Int
    private let lock = NSLock()

    /// Reads `rope_theta`, `rope_scaling` (`rope_type` or the older `type`), `partial_rotary_factor`/`rotary_pct`
    /// and `head_dim` from `config`.
    public init(config: PretrainedConfig, headDim: Int, partialFactor: Double = 1, defaultBase: Double = 10000) throws {
        let base = config.double("rope_theta") ?? config.double("rotary_emb_base") ?? defaultBase
        self.base = base
        dimensions = Int(Double(headDim) * partialFactor)
        maxPositions = config.int("max_position_embeddings") ?? 2048
        let scaling = config["rope_scaling"]?.objectValue
        let typeName = scaling?["rope_type"]?.stringValue ?? scaling?["type"]?.stringValue ?? "default"
        guard let kind = Kind(rawValue: typeName) else {
            throw ModelError.invalidConfig("unsupported rope_scaling type '\(typeName)' (supported: default, linear, dynamic, llama3, yarn)")
        }
        self.kind = kind
        let factor = scaling?["factor"]?.doubleValue ?? 1
        self.factor = factor
        dynamicLength = config.int("max_position_embeddings") ?? 2048
        let dim = Int(Double(headDim) * partialFactor)
        let maxPositions = dynamicLength
        let plain: [Float] = stride(from: 0, to: dim, by: 2).map { i in
            1 / Float(pow(Float(base), Float(i) / Float(dim)))
        }
        var scale: Float = 1
        switch kind {
        case .default, .dynamic:
            baseInverseFrequencies = plain
        case .linear:
            baseInverseFrequencies = plain.map { $0 / Float(factor) }
        case .llama3:
            let low = scaling?["low_freq_factor"]?.doubleValue ?? 1, high = scaling?["high_freq_factor"]?.doubleValue ?? 4
            let original = Double(scaling?["original_max_position_embeddings"]?.intValue ?? 8192)
            let lowWavelength = original / low, highWavelength = original / high
            baseInverseFrequencies = plain.map { frequency in
                let wavelength = 2 * Double.pi / Double(frequency)
                let scaled = wavelength > lowWavelength ? frequency / Float(factor) : frequency
                guard wavelength >= highWavelength, wavelength <= lowWavelength else { return scaled }
                let smooth = Float((original / wavelength - low) / (high - low))
                return (1 - smooth) * scaled / Float(factor) + smooth * scaled
            }
        case .yarn:
            var yarnFactor = factor
            var original = Double(maxPositions)
            if let given = scaling?["original_max_position_embeddings"]?.intValue {
                original = Double(given)
                yarnFactor = Double(maxPositions) / original
            }
            func mscale(_ s: Double, _ m: Double = 1) -> Double { s <= 1 ? 1 : 0.1 * m * Foundation.log(s) + 1 }
            if let given = scaling?["attention_factor"]?.doubleValue {
                scale = Float(given)
            } else if let m = scaling?["mscale"]?.doubleValue, let all = scaling?["mscale_all_dim"]?.doubleValue, m != 0, all != 0 {
                scale = Float(mscale(yarnFactor, m) / mscale(yarnFactor, all))
            } else {
                scale = Float(mscale(yarnFactor))
            }
            let fast = scaling?["beta_fast"]?.doubleValue ?? 32, slow = scaling?["beta_slow"]?.doubleValue ?? 1
            func correction(_ rotations: Double) -> Double {
                Double(dim) * Foundation.log(original / (rotations * 2 * .pi)) / (2 * Foundation.log(base))
            }
            var lowBound = correction(fast), highBound = correction(slow)
            if scaling?["truncate"]?.boolValue ?? true { lowBound = lowBound.rounded(.down); highBound = highBound.rounded(.up) }
            lowBound = Swift.max(lowBound, 0)
            highBound = Swift.min(highBound, Double(dim - 1))
            if lowBound == highBound { highBound += 0.001 }
            baseInverseFrequencies = plain.enumerated().map { i, extrapolation in
                let positionFrequency = 1 / extrapolation
                let interpolation = 1 / (Float(yarnFactor) * positionFrequency)
                let ramp = Float(Swift.min(Swift.max((Double(i) - lowBound) / (highBound - lowBound), 0), 1))
                let extrapolationFactor = 1 - ramp
                return interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor
            }
        }
        attentionScaling = scale
    }

    /// Inverse frequencies for a forward whose largest position is `maxPosition` (dynamic NTK grows its base once
    /// the sequence passes `max_position_embeddings`, and returns to the plain table below it).
    private func inverseFrequencies(maxPosition: Int) -> [Float] {
        guard kind == .dynamic else { return baseInverseFrequencies }
        lock.lock()
        defer { lock.unlock() }
        let length = maxPosition + 1
        if length > dynamicLength { dynamicLength = length }
        if length < maxPositions && dynamicLength > maxPositions { dynamicLength = maxPositions }
        guard dynamicLength > maxPositions else { return baseInverseFrequencies }
        let dim = Double(dimensions)
        let scaledBase = base * pow(factor * Double(dynamicLength) / Double(maxPositions) - (factor - 1), dim / (dim - 2))
        return stride(from: 0, to: dimensions, by: 2).map { i in 1 / Float(pow(Float(scaledBase), Float(i) / Float(dimensions))) }
    }

    /// cos and sin [batch, 1, seq, dimensions] for position ids [batch, seq] (halves repeated, as `cat((freqs, freqs))`).
    public func table(positionIds: Tensor) throws -> (cos: Tensor, sin: Tensor) {
        let positions = positionIds.to(.int64).contiguous().int64s()
        let (batch, length) = (positionIds.shape[0], positionIds.shape[1])
        let frequencies = inverseFrequencies(maxPosition: Int(positions.max() ?? 0))
        let half = frequencies.count, dim = 2 * half
        var cosValues = [Float](repeating: 0, count: batch * length * dim), sinValues = cosValues
        for (p, position) in positions.enumerated() {
            for (i, frequency) in frequencies.enumerated() {
                let angle = Float(position) * frequency
                let (c, s) = (Foundation.cos(angle) * attentionScaling, Foundation.sin(angle) * attentionScaling)
                cosValues[p * dim + i] = c
                cosValues[p * dim + half + i] = c
                sinValues[p * dim + i] = s
                sinValues[p * dim + half + i] = s
            }
        }
        return (try Tensor(cosValues, shape: [batch, 1, length, dim]), try Tensor(sinValues, shape: [batch, 1, length, dim]))
    }

    /// x·cos + rotate_half(x)·sin on the first `dimensions` of the last axis of x [batch, heads, seq, head_dim];
    /// the remaining dimensions pass through (GPT-NeoX's partial rotary).
    public static func apply(_ x: Tensor, cos: Tensor, sin: Tensor) throws -> Tensor {
        let dim = cos.shape[3], full = x.shape[3]
        let rotated = dim == full ? x : try x.narrow(3, start: 0, length: dim)
        let half = dim / 2
        let first = try rotated.narrow(3, start: 0, length: half), second = try rotated.narrow(3, start: half, length: half)
        let rotatedHalf = try Tensor.cat([second.neg(), first], dim: 3)
        let result = try rotated.mul(cos).add(rotatedHalf.mul(sin))
        guard dim < full else { return result }
        return try Tensor.cat([result, x.narrow(3, start: dim, length: full - dim)], dim: 3)
    }
}

extension RotaryEmbedding {
    /// What every layer of a rotary decoder (Llama, GPT-NeoX, Falcon) needs for one forward call: the boolean
    /// causal + padding mask over past and new keys, and the cos/sin table at the new tokens' positions (the given
    /// ones, or those continuing after the cache).
    func layerInputs(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws
        -> (mask: Tensor, table: (cos: Tensor, sin: Tensor)) {
        let (batch, new) = (inputIds.shape[0], inputIds.shape[1])
        let past = cache?.length ?? 0
        let positions = try positionIds ?? CausalMask.sequentialPositions(batch: batch, past: past, new: new)
        let mask = try CausalMask.boolean(attentionMask: attentionMask, batch: batch, past: past, new: new)
        return (mask, try table(positionIds: positions))
    }
}
