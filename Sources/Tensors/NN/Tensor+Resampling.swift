// interpolate (nearest, nearest-exact, linear, bilinear, bicubic, area; align_corners; antialias),
// pixel_shuffle / pixel_unshuffle. Resampling is separable: each spatial axis gets a table of
// (source index, weight) taps computed exactly as PyTorch's CPU kernels compute them (in float),
// and the taps are applied one axis at a time.

/// The `mode` argument of `torch.nn.functional.interpolate`.
public enum InterpolationMode: String, Sendable, CaseIterable {
    case nearest
    case nearestExact = "nearest-exact"
    case linear, bilinear, bicubic, area
}

/// Per output position, `width` (source index, weight) pairs along one axis.
struct AxisTaps {
    var width: Int
    var indices: [Int]
    var weights: [Float]
}

extension Tensor {
    /// `torch.nn.functional.interpolate(input, size=, scale_factor=, mode=, align_corners=,
    /// recompute_scale_factor=, antialias=)` for 3-D [N, C, L] (nearest, linear, area) and 4-D
    /// [N, C, H, W] inputs (nearest, bilinear, bicubic, area).
    public func interpolate(
        size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: InterpolationMode = .nearest,
        alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil, antialias: Bool = false
    ) throws -> Tensor {
        let op = "interpolate"
        let spatial = rank - 2
        guard spatial == 1 || spatial == 2 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected a 3-D or 4-D input, got \(shapeString(shape))")
        }
        switch mode {
        case .linear where spatial != 1, .bilinear where spatial != 2, .bicubic where spatial != 2:
            throw TensorError.shapeMismatch(op: op, detail: "mode '\(mode.rawValue)' needs a \(mode == .linear ? 3 : 4)-D input, got \(shapeString(shape))")
        default: break
        }
        let interpolating = mode == .linear || mode == .bilinear || mode == .bicubic
        if alignCorners != nil && !interpolating {
            throw TensorError.invalidArgument(op: op, detail: "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        if antialias && !(mode == .bilinear || mode == .bicubic) {
            throw TensorError.invalidArgument(op: op, detail: "anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input")
        }
        let inSizes = Array(shape.suffix(spatial))
        var outSizes: [Int]
        var scales: [Double?] = Array(repeating: nil, count: spatial)
        switch (size, scaleFactor) {
        case (let size?, nil):
            outSizes = try nnTuple(size, count: spatial, op: op, name: "size")
        case (nil, let factors?):
            guard factors.count == 1 || factors.count == spatial else {
                throw TensorError.invalidArgument(op: op, detail: "scale_factor must have 1 or \(spatial) values, got \(factors.count)")
            }
            let perAxis = factors.count == 1 ? Array(repeating: factors[0], count: spatial) : factors
            guard zip(inSizes, perAxis).allSatisfy({ $1 > 0 && $1.isFinite && Double($0) * $1 < Double(1 << 40) }) else {
                throw TensorError.invalidArgument(op: op, detail: "scale_factor \(factors) must be positive and give a representable size")
            }
            outSizes = zip(inSizes, perAxis).map { Int((Double($0) * $1).rounded(.down)) }
            if recomputeScaleFactor != true { scales = perAxis.map { $0 } }
        default:
            throw TensorError.invalidArgument(op: op, detail: "exactly one of size or scale_factor must be given")
        }
        guard outSizes.allSatisfy({ $0 > 0 }), inSizes.allSatisfy({ $0 > 0 }) else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(shapeString(shape)) and output size \(outSizes) must be non-empty")
        }
        if mode == .area { return try adaptiveAvgPoolAnyRank(outSizes) }

        let taps = (0..<spatial).map { axis in
            Tensor.axisTaps(mode: mode, inSize: inSizes[axis], outSize: outSizes[axis], scale: scales[axis],
                            alignCorners: alignCorners ?? false, antialias: antialias)
        }
        let x = try denseFloat(op)
        let planes = shape.prefix(2).reduce(1, *)
        if spatial == 1 {
            return Tensor.resampleLastAxis(x, rows: planes, inSize: inSizes[0], taps: taps[0], outShape: Array(shape.prefix(2)) + outSizes)
        }
        // Width first (rows of the input), then height (whole rows of the intermediate at once).
        let widthPass = Tensor.resampleLastAxis(x, rows: planes * inSizes[0], inSize: inSizes[1], taps: taps[1],
                                                outShape: Array(shape.prefix(2)) + [inSizes[0], outSizes[1]])
        return Tensor.resampleRows(widthPass, planes: planes, inH: inSizes[0], width: outSizes[1], taps: taps[0],
                                   outShape: Array(shape.prefix(2)) + outSizes)
    }

    /// `area` mode: adaptive average pooling to the output size (1-D inputs gain a unit height).
    private func adaptiveAvgPoolAnyRank(_ outSizes: [Int]) throws -> Tensor {
        if rank == 3 { return try unsqueeze(2).adaptiveAvgPool2d(outputSize: [1] + outSizes).squeeze(2) }
        return try adaptiveAvgPool2d(outputSize: outSizes)
    }

    // MARK: Tap tables

    static func axisTaps(mode: InterpolationMode, inSize: Int, outSize: Int, scale: Double?, alignCorners: Bool, antialias: Bool) -> AxisTaps {
        switch mode {
        case .nearest, .nearestExact:
            // compute_scales_value: 1/scale_factor when given, else in/out, in float.
            let step: Float = scale.map { Float(1 / $0) } ?? Float(inSize) / Float(outSize)
            let indices = (0..<outSize).map { dst -> Int in
                let position = mode == .nearest ? Float(dst) * step : (Float(dst) + 0.5) * step
                return min(Int(position.rounded(.down)), inSize - 1)
            }
            return AxisTaps(width: 1, indices: indices, weights: Array(repeating: 1, count: outSize))
        case .linear, .bilinear, .bicubic:
            let step = areaPixelScale(inSize: inSize, outSize: outSize, alignCorners: alignCorners, scale: scale)
            if antialias { return antialiasTaps(cubic: mode == .bicubic, inSize: inSize, outSize: outSize, scale: step) }
            return mode == .bicubic
                ? cubicTaps(inSize: inSize, outSize: outSize, scale: step, alignCorners: alignCorners)
                : linearTaps(inSize: inSize, outSize: outSize, scale: step, alignCorners: alignCorners)
        case .area:
            return AxisTaps(width: 0, indices: [], weights: [])
        }
    }

    /// area_pixel_compute_scale: the source distance between neighbouring output positions.
    static func areaPixelScale(inSize: Int, outSize: Int, alignCorners: Bool, scale: Double?) -> Float {
        if alignCorners { return outSize > 1 ? Float(inSize - 1) / Float(outSize - 1) : 0 }
        if let scale, scale > 0 { return Float(1 / scale) }
        return Float(inSize) / Float(outSize)
    }

    /// area_pixel_compute_source_index: where output position `dst` samples the input.
    static func sourceIndex(_ dst: Int, scale: Float, alignCorners: Bool, cubic: Bool) -> Float {
        if alignCorners { return scale * Float(dst) }
        let source = scale * (Float(dst) + 0.5) - 0.5
        return !cubic && source < 0 ? 0 : source
    }

    static func linearTaps(inSize: Int, outSize: Int, scale: Float, alignCorners: Bool) -> AxisTaps {
        var taps = AxisTaps(width: 2, indices: [], weights: [])
        for dst in 0..<outSize {
            let source = sourceIndex(dst, scale: scale, alignCorners: alignCorners, cubic: false)
            let i0 = min(Int(source), inSize - 1)
            let lambda = min(max(source - Float(i0), 0), 1)
            let i1 = i0 + (i0 < inSize - 1 ? 1 : 0)
            taps.indices += [i0, i1]
            taps.weights += [1 - lambda, lambda]
        }
        return taps
    }

    static func cubicTaps(inSize: Int, outSize: Int, scale: Float, alignCorners: Bool) -> AxisTaps {
        let a: Float = -0.75
        func near(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func far(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        var taps = AxisTaps(width: 4, indices: [], weights: [])
        for dst in 0..<outSize {
            let source = sourceIndex(dst, scale: scale, alignCorners: alignCorners, cubic: true)
            let index = min(Int(source.rounded(.down)), inSize - 1)
            let t = min(max(source - Float(index), 0), 1)
            taps.weights += [far(t + 1), near(t), near(1 - t), far(2 - t)]
            taps.indices += (0..<4).map { min(max(index - 1 + $0, 0), inSize - 1) }
        }
        return taps
    }

    /// Antialiased taps (PyTorch's `_upsample_*_aa`, PIL's resampling): when downsampling, the filter
    /// (triangle, or cubic with a = -0.5) is stretched by the scale so every input pixel contributes;
    /// weights are normalized to sum to 1.
    static func antialiasTaps(cubic: Bool, inSize: Int, outSize: Int, scale: Float) -> AxisTaps {
        func filter(_ value: Float) -> Float {
            let x = Swift.abs(value)
            if !cubic { return x < 1 ? 1 - x : 0 }
            let a: Float = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
        let interpSize: Float = cubic ? 4 : 2
        let support = scale >= 1 ? interpSize * 0.5 * scale : interpSize * 0.5
        let inverse: Float = scale >= 1 ? 1 / scale : 1
        var rows: [(Int, [Float])] = []
        var width = 1
        for dst in 0..<outSize {
            let center = scale * (Float(dst) + 0.5)
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inSize) - first
            var weights = (0..<max(count, 0)).map { filter((Float($0 + first) - center + 0.5) * inverse) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            rows.append((first, weights))
            width = max(width, weights.count)
        }
        var taps = AxisTaps(width: width, indices: [], weights: [])
        for (first, weights) in rows {
            for j in 0..<width {
                taps.indices.append(min(first + j, inSize - 1))
                taps.weights.append(j < weights.count ? weights[j] : 0)
            }
        }
        return taps
    }

    // MARK: Applying taps

    /// out[row, o] = Σ_t weight[o, t] · in[row, index[o, t]] for a dense [rows, inSize] input.
    static func resampleLastAxis(_ x: Tensor, rows: Int, inSize: Int, taps: AxisTaps, outShape: [Int]) -> Tensor {
        let outSize = taps.indices.count / max(taps.width, 1)
        let result = Tensor.uninitializedFloats(outShape)
        let source = x.floatPointer, target = result.mutableFloatPointer
        let threads = rows * outSize >= 1 << 15 ? GEMM.threadCount : 1
        taps.indices.withUnsafeBufferPointer { indices in
            taps.weights.withUnsafeBufferPointer { weights in
                WorkerPool.forEach(threads) { worker in
                    for row in Swift.stride(from: worker, to: rows, by: threads) {
                        let input = source + row * inSize, output = target + row * outSize
                        for o in 0..<outSize {
                            var sum: Float = 0
                            for t in 0..<taps.width { sum += weights[o * taps.width + t] * input[indices[o * taps.width + t]] }
                            output[o] = sum
                        }
                    }
                }
            }
        }
        return result
    }

    /// Along the height of [planes, inH, width]: each output row is a weighted sum of whole input rows.
    static func resampleRows(_ x: Tensor, planes: Int, inH: Int, width: Int, taps: AxisTaps, outShape: [Int]) -> Tensor {
        let outH = taps.indices.count / max(taps.width, 1)
        let result = Tensor.uninitializedFloats(outShape)
        let source = x.floatPointer, target = result.mutableFloatPointer
        let threads = planes * outH * width >= 1 << 15 ? GEMM.threadCount : 1
        taps.indices.withUnsafeBufferPointer { indices in
            taps.weights.withUnsafeBufferPointer { weights in
                WorkerPool.forEach(threads) { worker in
                    for job in Swift.stride(from: worker, to: planes * outH, by: threads) {
                        let plane = job / outH, o = job % outH
                        let output = target + (plane * outH + o) * width
                        output.update(repeating: 0, count: width)
                        for t in 0..<taps.width {
                            let weight = weights[o * taps.width + t]
                            let input = source + (plane * inH + indices[o * taps.width + t]) * width
                            for c in 0..<width { output[c] += weight * input[c] }
                        }
                    }
                }
            }
        }
        return result
    }

    // MARK: pixel_shuffle

    /// `torch.nn.functional.pixel_shuffle`: [..., C·r², H, W] → [..., C, H·r, W·r].
    public func pixelShuffle(_ upscaleFactor: Int) throws -> Tensor {
        let op = "pixel_shuffle", r = upscaleFactor
        guard rank >= 3, r > 0, shape[rank - 3] % (r * r) == 0 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(shape)) needs ≥ 3 dimensions and channels divisible by upscale_factor² = \(r * r)")
        }
        let lead = Array(shape.dropLast(3)), (c, h, w) = (shape[rank - 3] / (r * r), shape[rank - 2], shape[rank - 1])
        let n = lead.count
        let split = try reshape(lead + [c, r, r, h, w])
        let order = Array(0..<n) + [n, n + 3, n + 1, n + 4, n + 2]
        return try split.permute(order).contiguous().reshape(lead + [c, h * r, w * r])
    }

    /// `torch.nn.functional.pixel_unshuffle`: [..., C, H·r, W·r] → [..., C·r², H, W].
    public func pixelUnshuffle(_ downscaleFactor: Int) throws -> Tensor {
        let op = "pixel_unshuffle", r = downscaleFactor
        guard rank >= 3, r > 0, shape[rank - 2] % r == 0, shape[rank - 1] % r == 0 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(shape)) needs ≥ 3 dimensions and height and width divisible by downscale_factor \(r)")
        }
        let lead = Array(shape.dropLast(3)), (c, h, w) = (shape[rank - 3], shape[rank - 2] / r, shape[rank - 1] / r)
        let n = lead.count
        let split = try reshape(lead + [c, h, r, w, r])
        let order = Array(0..<n) + [n, n + 2, n + 4, n + 1, n + 3]
        return try split.permute(order).contiguous().reshape(lead + [c * r * r, h, w])
    }
}
