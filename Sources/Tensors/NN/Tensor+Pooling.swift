// max_pool2d, avg_pool2d, adaptive_avg_pool2d over [N, C, H, W] or [C, H, W] inputs, one plane per task.

extension Tensor {
    /// `torch.nn.functional.max_pool2d(input, kernel_size, stride=kernel_size, padding, dilation, ceil_mode)`.
    /// Padding counts as -inf; NaN propagates, as in PyTorch.
    public func maxPool2d(
        kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false
    ) throws -> Tensor {
        let op = "max_pool2d"
        let window = try PoolWindow(op: op, input: shape, kernel: kernelSize, stride: stride, padding: padding,
                                    dilation: dilation, ceilMode: ceilMode)
        return try poolPlanes(op: op, outH: window.outH, outW: window.outW) { source, target in
            for oh in 0..<window.outH {
                for ow in 0..<window.outW {
                    var best = -Float.infinity
                    for ki in 0..<window.kernelH {
                        let ih = oh * window.strideH - window.padH + ki * window.dilationH
                        guard ih >= 0, ih < window.height else { continue }
                        for kj in 0..<window.kernelW {
                            let iw = ow * window.strideW - window.padW + kj * window.dilationW
                            guard iw >= 0, iw < window.width else { continue }
                            let value = source[ih * window.width + iw]
                            if value > best || value.isNaN { best = value }
                            if best.isNaN { break }
                        }
                    }
                    target[oh * window.outW + ow] = best
                }
            }
        }
    }

    /// `torch.nn.functional.avg_pool2d(input, kernel_size, stride=kernel_size, padding, ceil_mode,
    /// count_include_pad=True, divisor_override=None)`.
    public func avgPool2d(
        kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
        countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) throws -> Tensor {
        let op = "avg_pool2d"
        if let divisorOverride, divisorOverride == 0 {
            throw TensorError.invalidArgument(op: op, detail: "divisor must be not zero")
        }
        let window = try PoolWindow(op: op, input: shape, kernel: kernelSize, stride: stride, padding: padding,
                                    dilation: [1], ceilMode: ceilMode)
        return try poolPlanes(op: op, outH: window.outH, outW: window.outW) { source, target in
            for oh in 0..<window.outH {
                for ow in 0..<window.outW {
                    // Window clipped to the padded input (its size is the count_include_pad divisor), then to the input.
                    var h0 = oh * window.strideH - window.padH, w0 = ow * window.strideW - window.padW
                    var h1 = min(h0 + window.kernelH, window.height + window.padH)
                    var w1 = min(w0 + window.kernelW, window.width + window.padW)
                    let paddedSize = (h1 - h0) * (w1 - w0)
                    h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, window.height); w1 = min(w1, window.width)
                    var sum: Float = 0
                    if h0 < h1 && w0 < w1 {
                        for ih in h0..<h1 {
                            for iw in w0..<w1 { sum += source[ih * window.width + iw] }
                        }
                    }
                    let divisor = divisorOverride ?? (countIncludePad ? paddedSize : max(0, h1 - h0) * max(0, w1 - w0))
                    target[oh * window.outW + ow] = sum / Float(divisor)
                }
            }
        }
    }

    /// `torch.nn.functional.adaptive_avg_pool2d(input, output_size)`: output cell i averages input
    /// rows floor(i·H/outH) ..< ceil((i+1)·H/outH) (and likewise for columns).
    public func adaptiveAvgPool2d(outputSize: [Int]) throws -> Tensor {
        let op = "adaptive_avg_pool2d"
        guard rank == 3 || rank == 4, shape.suffix(2).allSatisfy({ $0 > 0 }) else {
            throw TensorError.shapeMismatch(op: op, detail: "expected a non-empty 3-D or 4-D input, got \(shapeString(shape))")
        }
        let size = try nnTuple(outputSize, count: 2, op: op, name: "output_size")
        guard size.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: op, detail: "output_size \(size) must be non-negative")
        }
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        let (outH, outW) = (size[0], size[1])
        return try poolPlanes(op: op, outH: outH, outW: outW) { source, target in
            for oh in 0..<outH {
                let h0 = oh * height / outH, h1 = ((oh + 1) * height + outH - 1) / outH
                for ow in 0..<outW {
                    let w0 = ow * width / outW, w1 = ((ow + 1) * width + outW - 1) / outW
                    var sum: Float = 0
                    for ih in h0..<h1 {
                        for iw in w0..<w1 { sum += source[ih * width + iw] }
                    }
                    target[oh * outW + ow] = sum / Float((h1 - h0) * (w1 - w0))
                }
            }
        }
    }

    /// Runs `kernel(inputPlane, outputPlane)` for every [H, W] plane of a 3-D or 4-D input, in parallel.
    func poolPlanes(
        op: String, outH: Int, outW: Int,
        _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) throws -> Tensor {
        guard rank == 3 || rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 3-D or 4-D input, got \(shapeString(shape))")
        }
        let x = try denseFloat(op)
        let planes = shape.dropLast(2).reduce(1, *)
        let plane = shape[rank - 2] * shape[rank - 1]
        let result = Tensor.uninitializedFloats(Array(shape.dropLast(2)) + [outH, outW])
        let (source, target) = (x.floatPointer, result.mutableFloatPointer)
        let threads = planes * plane >= 1 << 15 ? min(GEMM.threadCount, planes) : 1
        WorkerPool.forEach(threads) { worker in
            for index in Swift.stride(from: worker, to: planes, by: threads) {
                kernel(source + index * plane, target + index * outH * outW)
            }
        }
        return result
    }
}

/// The validated geometry of a max/avg pooling window, with PyTorch's output-size rule (including
/// ceil_mode's "the last window must start inside the input or left padding").
struct PoolWindow {
    var height: Int, width: Int
    var kernelH: Int, kernelW: Int, strideH: Int, strideW: Int
    var padH: Int, padW: Int, dilationH: Int, dilationW: Int
    var outH: Int, outW: Int

    init(op: String, input: [Int], kernel: [Int], stride: [Int]?, padding: [Int], dilation: [Int], ceilMode: Bool) throws {
        guard input.count == 3 || input.count == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 3-D or 4-D input, got \(shapeString(input))")
        }
        let k = try nnTuple(kernel, count: 2, op: op, name: "kernel_size")
        let s = try nnTuple(stride ?? k, count: 2, op: op, name: "stride")
        let p = try nnTuple(padding, count: 2, op: op, name: "padding")
        let d = try nnTuple(dilation, count: 2, op: op, name: "dilation")
        guard k.allSatisfy({ $0 > 0 }), s.allSatisfy({ $0 > 0 }), d.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(op: op, detail: "kernel_size \(k), stride \(s) and dilation \(d) must be positive")
        }
        for axis in 0..<2 where p[axis] < 0 || p[axis] > k[axis] / 2 {
            throw TensorError.invalidArgument(
                op: op, detail: "pad should be at most half of effective kernel size, but got pad=\(p[axis]), kernel_size=\(k[axis])")
        }
        height = input[input.count - 2]
        width = input[input.count - 1]
        func outputSize(_ size: Int, _ axis: Int) -> Int {
            let span = size + 2 * p[axis] - d[axis] * (k[axis] - 1) - 1
            var out = (ceilMode ? (span + s[axis] - 1) : span) / s[axis] + 1
            if span < 0 { out = 0 }
            if ceilMode && out > 0 && (out - 1) * s[axis] >= size + p[axis] { out -= 1 }
            return out
        }
        (kernelH, kernelW, strideH, strideW) = (k[0], k[1], s[0], s[1])
        (padH, padW, dilationH, dilationW) = (p[0], p[1], d[0], d[1])
        outH = outputSize(height, 0)
        outW = outputSize(width, 1)
        guard outH > 0, outW > 0 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(input)) is too small for kernel \(k) (output size \(outH)×\(outW))")
        }
    }
}
