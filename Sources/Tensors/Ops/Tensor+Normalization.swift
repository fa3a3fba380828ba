import CKernels
import Foundation

// MARK: - Normalization layers (functional forms), embedding, pad
//
// layer_norm/rms_norm run a row kernel over the normalized trailing elements: statistics in SIMD float lanes summed
// in Double, then one fused SIMD pass for (x − mean)·rstd·w + b. Inputs of half dtypes compute in float32 and round
// back, as PyTorch's CPU kernels do.

extension Tensor {
    /// Checks that `normalizedShape` is this tensor's trailing shape and that weight/bias match it.
    private func checkNormalized(_ normalizedShape: [Int], weight: Tensor?, bias: Tensor?, op: String) throws -> Int {
        let k = normalizedShape.count
        guard k >= 1, k <= rank, Array(shape[(rank - k)...]) == normalizedShape else {
            throw TensorError.shapeMismatch(
                op: op, detail: "Given normalized_shape=\(shapeString(normalizedShape)), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size \(shapeString(shape))")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.shape != normalizedShape {
                throw TensorError.shapeMismatch(
                    op: op, detail: "Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(shapeString(t.shape)) and normalized_shape = \(shapeString(normalizedShape))")
            }
        }
        return normalizedShape.reduce(1, *)
    }

    /// Σ (x − mean)² over a row with SIMD lanes.
    @inline(__always)
    static func squaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, mean: Float) -> Double {
        if NativeKernels.isEnabled { return sfk_row_squared_deviations_avx2(x, n, mean) }
        var acc = Float16x()
        let m = Float16x(repeating: mean)
        var i = 0
        var total = 0.0
        while i + 16 <= n {
            let d = loadVector(x + i) - m
            acc += d * d
            i += 16
            if i & 1023 == 0 {
                for lane in 0..<16 { total += Double(acc[lane]) }
                acc = Float16x()
            }
        }
        for lane in 0..<16 { total += Double(acc[lane]) }
        while i < n {
            let d = x[i] - mean
            total += Double(d * d)
            i += 1
        }
        return total
    }

    /// out = (x − shift)·scale·w + b over one row (w, b optional, both of length n).
    @inline(__always)
    static func affineRow(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, shift: Float, scale: Float,
                          weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?) {
        if NativeKernels.isEnabled {
            sfk_affine_normalize_avx2(x, out, n, shift, scale, weight, bias)
            return
        }
        let s = Float16x(repeating: shift), c = Float16x(repeating: scale)
        var i = 0
        while i + 16 <= n {
            var v = (loadVector(x + i) - s) * c
            if let weight { v = v * loadVector(weight + i) }
            if let bias { v = v + loadVector(bias + i) }
            storeVector(v, out + i)
            i += 16
        }
        while i < n {
            var v = (x[i] - shift) * scale
            if let weight { v = v * weight[i] }
            if let bias { v = v + bias[i] }
            out[i] = v
            i += 1
        }
    }

    /// `torch.nn.functional.layer_norm(input, normalized_shape, weight, bias, eps)`.
    public func layerNorm(_ normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "layer_norm", dtype: dtype) }
        let n = try checkNormalized(normalizedShape, weight: weight, bias: bias, op: "layer_norm")
        let input = to(.float32).contiguous()
        let w = weight?.to(.float32).contiguous(), b = bias?.to(.float32).contiguous()
        let out = Tensor.uninitialized(shape, dtype: .float32)
        let rows = n == 0 ? 0 : count / n
        let x = UnsafePointer(input.basePointer(as: Float.self)), o = out.basePointer(as: Float.self)
        let pw = w.map { UnsafePointer($0.basePointer(as: Float.self)) }, pb = b.map { UnsafePointer($0.basePointer(as: Float.self)) }
        let epsilon = eps
        ParallelLoop.chunks(count: rows, grain: Swift.max(1, ParallelLoop.grain / Swift.max(n, 1))) { range in
            for r in range {
                let row = x + r * n
                let sum = NativeKernels.isEnabled ? sfk_row_sum_avx2(row, n) : Tensor.sumRow(row, n)
                let mean = Float(sum / Double(n))
                let variance = Tensor.squaredDeviations(row, n, mean: mean) / Double(n)
                let rstd = Float(1 / (variance + epsilon).squareRoot())
                Tensor.affineRow(row, o + r * n, n, shift: mean, scale: rstd, weight: pw, bias: pb)
            }
        }
        return out.to(dtype)
    }

    /// `torch.nn.functional.rms_norm(input, normalized_shape, weight, eps)`: x·rsqrt(mean(x²) + eps)·w. A nil `eps`
    /// is float32's machine epsilon, as in PyTorch.
    public func rmsNorm(_ normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "rms_norm", dtype: dtype) }
        let n = try checkNormalized(normalizedShape, weight: weight, bias: nil, op: "rms_norm")
        let input = to(.float32).contiguous(), w = weight?.to(.float32).contiguous()
        let out = Tensor.uninitialized(shape, dtype: .float32)
        let rows = n == 0 ? 0 : count / n
        let x = UnsafePointer(input.basePointer(as: Float.self)), o = out.basePointer(as: Float.self)
        let pw = w.map { UnsafePointer($0.basePointer(as: Float.self)) }
        let epsilon = eps ?? Double(Float.ulpOfOne)
        ParallelLoop.chunks(count: rows, grain: Swift.max(1, ParallelLoop.grain / Swift.max(n, 1))) { range in
            for r in range {
                let row = x + r * n
                let meanSquare = Tensor.squaredDeviations(row, n, mean: 0) / Double(n)
                let scale = Float(1 / (meanSquare + epsilon).squareRoot())
                Tensor.affineRow(row, o + r * n, n, shift: 0, scale: scale, weight: pw, bias: nil)
            }
        }
        return out.to(dtype)
    }

    /// `torch.nn.functional.group_norm(input [N, C, *], num_groups, weight [C], bias [C], eps)`.
    public func groupNorm(_ groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "group_norm", dtype: dtype) }
        guard rank >= 2 else {
            throw TensorError.shapeMismatch(op: "group_norm", detail: "Expected at least 2 dimensions for input tensor but received \(rank)")
        }
        let batch = shape[0], channels = shape[1]
        guard groups > 0, channels % groups == 0 else {
            throw TensorError.invalidArgument(
                op: "group_norm", detail: "Expected number of channels in input to be divisible by num_groups, but got input of shape \(shapeString(shape)) and num_groups=\(groups)")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.shape != [channels] {
                throw TensorError.shapeMismatch(
                    op: "group_norm", detail: "Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(shapeString(t.shape)) and input of shape \(shapeString(shape))")
            }
        }
        let spatial = shape[2...].reduce(1, *)
        let groupSize = channels / groups * spatial
        let input = to(.float32).contiguous()
        let out = Tensor.uninitialized(shape, dtype: .float32)
        let w = weight?.floats(), b = bias?.floats()
        let x = UnsafePointer(input.basePointer(as: Float.self)), o = out.basePointer(as: Float.self)
        for g in 0..<(batch * groups) where groupSize > 0 {
            let base = g * groupSize
            let mean = Float(Tensor.sumRow(x + base, groupSize) / Double(groupSize))
            let rstd = Float(1 / (Tensor.squaredDeviations(x + base, groupSize, mean: mean) / Double(groupSize) + eps).squareRoot())
            for c in 0..<(channels / groups) {
                let channel = (g % groups) * (channels / groups) + c
                let scale = rstd * (w?[channel] ?? 1), shift = b?[channel] ?? 0
                let start = base + c * spatial
                for i in 0..<spatial { o[start + i] = (x[start + i] - mean) * scale + shift }
            }
        }
        return out.to(dtype)
    }

    /// `torch.nn.functional.batch_norm(input [N, C, *], running_mean, running_var, weight, bias, training=False, eps)`.
    public func batchNorm(runningMean: Tensor, runningVar: Tensor, weight: Tensor? = nil, bias: Tensor? = nil,
                          eps: Double = 1e-5) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "batch_norm", dtype: dtype) }
        guard rank >= 2 else {
            throw TensorError.shapeMismatch(op: "batch_norm", detail: "Expected at least 2 dimensions for input tensor but received \(rank)")
        }
        let channels = shape[1]
        for (name, t) in [("running_mean", Optional(runningMean)), ("running_var", Optional(runningVar)), ("weight", weight), ("bias", bias)] {
            if let t, t.count != channels {
                throw TensorError.shapeMismatch(
                    op: "batch_norm", detail: "\(name) should contain \(channels) elements not \(t.count) (input shape \(shapeString(shape)))")
            }
        }
        let mean = runningMean.floats(), variance = runningVar.floats()
        let w = weight?.floats(), b = bias?.floats()
        // Per-channel scale and shift, broadcast as [C, 1, 1, …].
        var scale = [Float](repeating: 0, count: channels), shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let invStd = Float(1 / (Double(variance[c]) + eps).squareRoot())
            scale[c] = invStd * (w?[c] ?? 1)
            shift[c] = (b?[c] ?? 0) - mean[c] * scale[c]
        }
        let channelShape = [channels] + [Int](repeating: 1, count: rank - 2)
        return try mul(Tensor(scale, shape: channelShape)).add(Tensor(shift, shape: channelShape)).to(dtype)
    }

    /// `torch.nn.functional.embedding(input, weight)`: rows of `weight` ([num_embeddings, dim]) for each id;
    /// the result has shape ids.shape + [dim]. Ids out of range throw.
    public static func embedding(_ ids: Tensor, weight: Tensor) throws -> Tensor {
        guard weight.rank == 2 else {
            throw TensorError.shapeMismatch(op: "embedding", detail: "weight must be 2-D, got shape \(shapeString(weight.shape))")
        }
        guard !ids.dtype.isFloatingPoint && ids.dtype != .bool else {
            throw TensorError.invalidArgument(op: "embedding", detail: "Expected tensor for argument #1 'indices' to have an integer dtype; but got \(ids.dtype.torchName) instead")
        }
        let values = ids.int64s()
        if let bad = values.first(where: { $0 < 0 || $0 >= weight.shape[0] }) {
            throw TensorError.indexOutOfRange(op: "embedding", index: Int(bad), size: weight.shape[0])
        }
        return try weight.indexSelect(dim: 0, index: ids.reshape([-1])).reshape(ids.shape + [weight.shape[1]])
    }

    // MARK: pad

    public enum PadMode: String, Sendable { case constant, reflect, replicate, circular }

    /// `torch.nn.functional.pad(input, pad, mode, value)`: `pad` lists (left, right) pairs starting from the last
    /// dim. Constant padding accepts negative amounts (cropping); reflect needs each pad < the dim's size.
    public func pad(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        guard pad.count % 2 == 0, pad.count / 2 <= rank else {
            throw TensorError.invalidArgument(
                op: "pad", detail: "Padding length must be divisible by 2 and at most twice the number of dimensions (got \(pad.count) for input of shape \(shapeString(shape)))")
        }
        let padded = pad.count / 2
        if mode != .constant {
            guard padded <= 3, rank >= padded + 1 else {
                throw TensorError.invalidArgument(
                    op: "pad", detail: "\(mode.rawValue) padding of \(padded) dims needs a \(padded + 1)-D or \(padded + 2)-D input, got shape \(shapeString(shape))")
            }
        }
        if padded == 0 { return copy() }
        // Per dim: the source index of every output position (-1: filled with `value`).
        var maps: [[Int]] = shape.map { Array(0..<$0) }
        var outShape = shape
        for k in 0..<padded {
            let axis = rank - 1 - k
            let before = pad[2 * k], after = pad[2 * k + 1], n = shape[axis]
            let length = n + before + after
            guard length >= 0 else {
                throw TensorError.invalidArgument(
                    op: "pad", detail: "The input size \(n), plus negative padding \(before) and \(after) resulted in a negative output size")
            }
            switch mode {
            case .constant: break
            case .reflect:
                guard before < n && after < n, before >= 0, after >= 0 else {
                    throw TensorError.invalidArgument(
                        op: "pad", detail: "Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(axis) of input \(shapeString(shape))")
                }
            case .replicate, .circular:
                guard n > 0, before >= 0, after >= 0, mode != .circular || (before <= n && after <= n) else {
                    throw TensorError.invalidArgument(
                        op: "pad", detail: "\(mode.rawValue) padding (\(before), \(after)) is invalid for dimension \(axis) of size \(n) (input \(shapeString(shape)))")
                }
            }
            maps[axis] = (0..<length).map { j in
                let i = j - before
                switch mode {
                case .constant: return i >= 0 && i < n ? i : -1
                case .replicate: return Swift.min(Swift.max(i, 0), n - 1)
                case .circular: return ((i % n) + n) % n
                case .reflect:
                    if n == 1 { return 0 }
                    let period = 2 * (n - 1)
                    var r = ((i % period) + period) % period
                    if r >= n { r = period - r }
                    return r
                }
            }
            outShape[axis] = length
        }
        var fill = Tensor.uninitialized(outShape, dtype: dtype)
        fill.fill(with: value)
        let out = fill
        let total = outShape.reduce(1, *)
        if total == 0 || count == 0 { return out }
        let size = dtype.itemSize
        let last = rank - 1
        var counter = [Int](repeating: 0, count: rank)
        let width = outShape[last]
        var row = 0
        while row * width < total {
            // Source offset of this output row's outer coordinates (or none when any maps to padding).
            var base = offset, valid = true
            for d in 0..<last {
                let s = maps[d][counter[d]]
                if s < 0 { valid = false; break }
                base += s * strides[d]
            }
            if valid {
                let dst = out.storage.bytes.advanced(by: row * width * size)
                for j in 0..<width where maps[last][j] >= 0 {
                    dst.advanced(by: j * size).copyMemory(from: storage.bytes.advanced(by: (base + maps[last][j] * strides[last]) * size), byteCount: size)
                }
            }
            row += 1
            var d = last - 1
            while d >= 0 {
                counter[d] += 1
                if counter[d] < outShape[d] { break }
                counter[d] = 0
                d -= 1
            }
        }
        return out
    }
}
