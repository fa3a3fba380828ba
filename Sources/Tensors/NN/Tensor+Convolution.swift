// conv1d, conv2d (im2col + GEMM; 1×1 stride-1 convolutions multiply the input directly) and
// conv_transpose2d (GEMM + col2im), with stride, padding, dilation and groups as in PyTorch.

/// Geometry of one 2-D convolution, validated once and shared by the kernels.
struct Conv2DGeometry {
    var channels: Int, height: Int, width: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var padH: Int, padW: Int
    var dilationH: Int, dilationW: Int
    var outH: Int, outW: Int

    var patchSize: Int { channels * kernelH * kernelW }
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }
}

extension Tensor {
    // MARK: conv2d

    /// `torch.nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups)`.
    /// input [N, C, H, W] or [C, H, W]; weight [O, C/groups, kH, kW]; bias [O]. `stride`, `padding`
    /// and `dilation` take one value or (height, width).
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
        groups: Int = 1
    ) throws -> Tensor {
        let op = "conv2d"
        guard rank == 3 || rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 3-D or 4-D input, got \(shapeString(shape))")
        }
        if rank == 3 {
            return try unsqueeze(0).conv2d(weight: weight, bias: bias, stride: stride, padding: padding,
                                           dilation: dilation, groups: groups).squeeze(0)
        }
        guard weight.rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 4-D weight [out, in/groups, kH, kW], got \(shapeString(weight.shape))")
        }
        let (outChannels, n) = (weight.shape[0], shape[0])
        let geometry = try Tensor.convGeometry(
            op: op, input: shape, weight: weight.shape, stride: stride, padding: padding, dilation: dilation, groups: groups)
        try Tensor.checkBias(bias, channels: outChannels, op: op)
        let x = try denseFloat(op), w = try weight.denseFloat(op)
        if geometry.isPatchify, !geometry.isPointwise, groups == 1 {
            let result = Tensor.uninitializedFloats([n, outChannels, geometry.outH, geometry.outW])
            let biasValues = try bias.map { try $0.floatOperand(op).contiguous() }
            Tensor.patchifyConvolution(
                x.floatPointer, images: n, geometry: geometry, weight: w.floatPointer, outChannels: outChannels,
                bias: biasValues?.floatPointer, into: result.mutableFloatPointer)
            return result
        }
        let outShape = [n, outChannels, geometry.outH, geometry.outW]
        let beta: Float = bias == nil ? 0 : 1
        if !geometry.isPointwise, GEMM.ownKernelThreads() != nil {
            let result = try Tensor.filledWithBias(bias, shape: outShape, op: op)
            if Tensor.implicitGEMMConvolution(
                x.floatPointer, images: n, groups: groups, geometry: geometry, weight: w.floatPointer,
                outChannels: outChannels, beta: beta, into: result.mutableFloatPointer)
            {
                return result
            }
        }
        let result = try Tensor.filledWithBias(bias, shape: outShape, op: op)
        let outPlane = geometry.outH * geometry.outW
        let groupIn = geometry.channels, groupOut = outChannels / groups
        let xp = x.floatPointer, wp = w.floatPointer, out = result.mutableFloatPointer
        if geometry.isPointwise {
            // 1×1, stride 1, no padding: the input planes already are the patch matrix.
            for image in 0..<n {
                for group in 0..<groups {
                    GEMM.sgemm(transA: false, transB: false, m: groupOut, n: outPlane, k: groupIn, alpha: 1,
                               a: wp + group * groupOut * groupIn, lda: groupIn,
                               b: xp + (image * shape[1] + group * groupIn) * outPlane, ldb: outPlane, beta: beta,
                               c: out + (image * outChannels + group * groupOut) * outPlane, ldc: outPlane)
                }
            }
            return result
        }
        // im2col in tiles of output pixels small enough that the tile's patch matrix (≤ 512 KiB) stays in
        // cache between being written and being multiplied; threads take whole tiles, each multiply
        // single-threaded (the tiles are independent and this avoids OpenBLAS synchronisation).
        let widest = max(16, min(outPlane, (1 << 17) / max(geometry.patchSize, 1)))
        let tilesPerPlane = (outPlane + widest - 1) / widest
        let tile = (outPlane + tilesPerPlane - 1) / tilesPerPlane  // balanced: no thin last tile
        let tasks = n * groups * tilesPerPlane
        let threads = min(GEMM.threadCount, tasks)
        let work = { (worker: Int) in
            let col = UnsafeMutablePointer<Float>.allocate(capacity: geometry.patchSize * tile)
            defer { col.deallocate() }
            for task in Swift.stride(from: worker, to: tasks, by: threads) {
                let image = task / (groups * tilesPerPlane), group = (task / tilesPerPlane) % groups
                let first = (task % tilesPerPlane) * tile, count = min(tile, outPlane - first)
                let input = xp + (image * shape[1] + group * groupIn) * shape[2] * shape[3]
                Tensor.im2colTile(input, geometry, firstPixel: first, pixelCount: count, into: col)
                GEMM.sgemm(transA: false, transB: false, m: groupOut, n: count, k: geometry.patchSize, alpha: 1,
                           a: wp + group * groupOut * geometry.patchSize, lda: geometry.patchSize,
                           b: col, ldb: count, beta: beta,
                           c: out + (image * outChannels + group * groupOut) * outPlane + first, ldc: outPlane)
            }
        }
        if threads > 1 {
            GEMM.withSingleThreadedMultiplies { WorkerPool.forEach(threads, work) }
        } else {
            work(0)
        }
        return result
    }

    /// `torch.nn.functional.conv1d`: input [N, C, L] or [C, L], weight [O, C/groups, k]; computed as a
    /// conv2d of height 1.
    public func conv1d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        guard rank == 2 || rank == 3 else {
            throw TensorError.shapeMismatch(op: "conv1d", detail: "expected 2-D or 3-D input, got \(shapeString(shape))")
        }
        guard weight.rank == 3 else {
            throw TensorError.shapeMismatch(op: "conv1d", detail: "expected 3-D weight [out, in/groups, k], got \(shapeString(weight.shape))")
        }
        let result = try unsqueeze(-2).conv2d(
            weight: weight.unsqueeze(2), bias: bias, stride: [1, stride], padding: [0, padding],
            dilation: [1, dilation], groups: groups)
        return try result.squeeze(-2)
    }

    // MARK: conv_transpose2d

    /// `torch.nn.functional.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)`.
    /// input [N, Cin, H, W] or [Cin, H, W]; weight [Cin, Cout/groups, kH, kW].
    public func convTranspose2d(
        weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0], outputPadding: [Int] = [0],
        groups: Int = 1, dilation: [Int] = [1]
    ) throws -> Tensor {
        let op = "conv_transpose2d"
        guard rank == 3 || rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 3-D or 4-D input, got \(shapeString(shape))")
        }
        if rank == 3 {
            return try unsqueeze(0).convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding,
                                                    outputPadding: outputPadding, groups: groups, dilation: dilation).squeeze(0)
        }
        guard weight.rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 4-D weight [in, out/groups, kH, kW], got \(shapeString(weight.shape))")
        }
        guard groups >= 1, shape[1] == weight.shape[0], shape[1] % groups == 0 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(shape)) and weight \(shapeString(weight.shape)) with groups=\(groups): input channels must equal weight.shape[0] and divide by groups")
        }
        let s = try nnTuple(stride, count: 2, op: op, name: "stride"), p = try nnTuple(padding, count: 2, op: op, name: "padding")
        let d = try nnTuple(dilation, count: 2, op: op, name: "dilation")
        let o = try nnTuple(outputPadding, count: 2, op: op, name: "output_padding")
        guard s.allSatisfy({ $0 > 0 }), d.allSatisfy({ $0 > 0 }), p.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: op, detail: "stride and dilation must be positive and padding non-negative")
        }
        for axis in 0..<2 where o[axis] < 0 || (o[axis] >= s[axis] && o[axis] >= d[axis]) {
            throw TensorError.invalidArgument(op: op, detail: "output padding must be smaller than either stride or dilation, got output_padding \(o)")
        }
        let (n, inChannels, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let groupIn = inChannels / groups, groupOut = weight.shape[1], outChannels = groupOut * groups
        let outH = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + o[0] + 1
        let outW = (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + o[1] + 1
        guard outH > 0, outW > 0 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(shapeString(shape)) gives a non-positive output size \(outH)×\(outW)")
        }
        try Tensor.checkBias(bias, channels: outChannels, op: op)
        let x = try denseFloat(op), wt = try weight.denseFloat(op)
        let result = try Tensor.filledWithBias(bias, shape: [n, outChannels, outH, outW], op: op)
        let rows = groupOut * kh * kw, plane = h * w
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: rows * plane)
        defer { cols.deallocate() }
        let out = result.mutableFloatPointer
        for image in 0..<n {
            for group in 0..<groups {
                // cols [Cout/g·kH·kW, H·W] = W_gᵀ · x_g
                GEMM.sgemm(transA: true, transB: false, m: rows, n: plane, k: groupIn, alpha: 1,
                           a: wt.floatPointer + group * groupIn * rows, lda: rows,
                           b: x.floatPointer + (image * inChannels + group * groupIn) * plane, ldb: plane,
                           beta: 0, c: cols, ldc: plane)
                // col2im: scatter-add every column entry to the output pixel it lands on.
                let target = out + (image * outChannels + group * groupOut) * outH * outW
                for row in 0..<rows {
                    let channel = row / (kh * kw), ki = (row / kw) % kh, kj = row % kw
                    let planeOut = target + channel * outH * outW
                    let source = cols + row * plane
                    for ih in 0..<h {
                        let oh = ih * s[0] - p[0] + ki * d[0]
                        guard oh >= 0, oh < outH else { continue }
                        for iw in 0..<w {
                            let ow = iw * s[1] - p[1] + kj * d[1]
                            if ow >= 0 && ow < outW { planeOut[oh * outW + ow] += source[ih * w + iw] }
                        }
                    }
                }
            }
        }
        return result
    }

    // MARK: unfold (im2col as an op)

    /// `torch.nn.functional.unfold(input, kernel_size, dilation, padding, stride)`: input [N, C, H, W]
    /// (or [C, H, W]) to [N, C·kH·kW, L] sliding-window columns.
    public func unfold(kernelSize: [Int], dilation: [Int] = [1], padding: [Int] = [0], stride: [Int] = [1]) throws -> Tensor {
        let op = "unfold"
        guard rank == 3 || rank == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "expected 3-D or 4-D input, got \(shapeString(shape))")
        }
        if rank == 3 {
            return try unsqueeze(0).unfold(kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride).squeeze(0)
        }
        let k = try nnTuple(kernelSize, count: 2, op: op, name: "kernel_size")
        let geometry = try Tensor.convGeometry(
            op: op, input: shape, weight: [1, shape[1], k[0], k[1]], stride: stride, padding: padding, dilation: dilation, groups: 1)
        let x = try denseFloat(op)
        let plane = geometry.outH * geometry.outW
        let result = Tensor.uninitializedFloats([shape[0], geometry.patchSize, plane])
        for image in 0..<shape[0] {
            Tensor.im2col(x.floatPointer + image * shape[1] * shape[2] * shape[3], geometry,
                          into: result.mutableFloatPointer + image * geometry.patchSize * plane)
        }
        return result
    }

    // MARK: Kernels and validation

    /// Writes the [C·kH·kW, outH·outW] patch matrix of one image (channels contiguous) into `col`.
    static func im2col(_ input: UnsafePointer<Float>, _ g: Conv2DGeometry, into col: UnsafeMutablePointer<Float>) {
        let plane = g.outH * g.outW
        let rows = g.patchSize
        let fill = { (row: Int) in
            let channel = row / (g.kernelH * g.kernelW), ki = (row / g.kernelW) % g.kernelH, kj = row % g.kernelW
            let source = input + channel * g.height * g.width
            let target = col + row * plane
            for oh in 0..<g.outH {
                let ih = oh * g.strideH - g.padH + ki * g.dilationH
                let line = target + oh * g.outW
                guard ih >= 0, ih < g.height else {
                    line.update(repeating: 0, count: g.outW)
                    continue
                }
                let sourceLine = source + ih * g.width
                let shift = kj * g.dilationW - g.padW
                if g.strideW == 1 {
                    // Contiguous stretch [first, last) of valid columns, zeros either side.
                    let first = min(max(0, -shift), g.outW), last = max(first, min(g.outW, g.width - shift))
                    line.update(repeating: 0, count: first)
                    (line + first).update(from: sourceLine + first + shift, count: last - first)
                    (line + last).update(repeating: 0, count: g.outW - last)
                } else {
                    for ow in 0..<g.outW {
                        let iw = ow * g.strideW + shift
                        line[ow] = iw >= 0 && iw < g.width ? sourceLine[iw] : 0
                    }
                }
            }
        }
        let threads = rows * plane >= 1 << 16 ? min(GEMM.threadCount, rows) : 1
        WorkerPool.forEach(threads) { worker in
            for row in Swift.stride(from: worker, to: rows, by: threads) { fill(row) }
        }
    }

    /// The columns [firstPixel, firstPixel + pixelCount) of one image's patch matrix, written densely
    /// (row stride `pixelCount`) into `col`.
    static func im2colTile(
        _ input: UnsafePointer<Float>, _ g: Conv2DGeometry, firstPixel: Int, pixelCount: Int,
        into col: UnsafeMutablePointer<Float>
    ) {
        let lastPixel = firstPixel + pixelCount
        for row in 0..<g.patchSize {
            let channel = row / (g.kernelH * g.kernelW), ki = (row / g.kernelW) % g.kernelH, kj = row % g.kernelW
            let source = input + channel * g.height * g.width
            let target = col + row * pixelCount - firstPixel  // indexed by absolute pixel
            let shift = kj * g.dilationW - g.padW
            var pixel = firstPixel
            while pixel < lastPixel {
                let oh = pixel / g.outW, ow0 = pixel % g.outW
                let ow1 = min(g.outW, ow0 + (lastPixel - pixel))
                let line = target + oh * g.outW
                let ih = oh * g.strideH - g.padH + ki * g.dilationH
                if ih < 0 || ih >= g.height {
                    (line + ow0).update(repeating: 0, count: ow1 - ow0)
                } else {
                    let sourceLine = source + ih * g.width
                    if g.strideW == 1 {
                        let first = min(max(ow0, -shift), ow1), last = max(first, min(ow1, g.width - shift))
                        (line + ow0).update(repeating: 0, count: first - ow0)
                        (line + first).update(from: sourceLine + first + shift, count: last - first)
                        (line + last).update(repeating: 0, count: ow1 - last)
                    } else {
                        for ow in ow0..<ow1 {
                            let iw = ow * g.strideW + shift
                            line[ow] = iw >= 0 && iw < g.width ? sourceLine[iw] : 0
                        }
                    }
                }
                pixel += ow1 - ow0
            }
        }
    }

    static func convGeometry(
        op: String, input: [Int], weight: [Int], stride: [Int], padding: [Int], dilation: [Int], groups: Int
    ) throws -> Conv2DGeometry {
        let s = try nnTuple(stride, count: 2, op: op, name: "stride"), p = try nnTuple(padding, count: 2, op: op, name: "padding")
        let d = try nnTuple(dilation, count: 2, op: op, name: "dilation")
        guard s.allSatisfy({ $0 > 0 }), d.allSatisfy({ $0 > 0 }), p.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(
                op: op, detail: "stride \(s) and dilation \(d) must be positive and padding \(p) non-negative")
        }
        guard groups >= 1, input[1] % groups == 0, weight[0] % groups == 0, weight[1] * groups == input[1] else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(input)) and weight \(shapeString(weight)) with groups=\(groups): expected input channels = weight.shape[1] × groups and out channels divisible by groups")
        }
        let outH = (input[2] + 2 * p[0] - d[0] * (weight[2] - 1) - 1) / s[0] + 1
        let outW = (input[3] + 2 * p[1] - d[1] * (weight[3] - 1) - 1) / s[1] + 1
        guard input[2] + 2 * p[0] >= d[0] * (weight[2] - 1) + 1, input[3] + 2 * p[1] >= d[1] * (weight[3] - 1) + 1 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(input)) (padded by \(p)) is smaller than the kernel \(weight[2])×\(weight[3]) (dilation \(d))")
        }
        return Conv2DGeometry(
            channels: weight[1], height: input[2], width: input[3], kernelH: weight[2], kernelW: weight[3],
            strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], dilationH: d[0], dilationW: d[1], outH: outH, outW: outW)
    }

    static func checkBias(_ bias: Tensor?, channels: Int, op: String) throws {
        if let bias, bias.shape != [channels] {
            throw TensorError.shapeMismatch(op: op, detail: "bias \(shapeString(bias.shape)) must be [\(channels)]")
        }
    }

    /// A dense [N, C, ...] float tensor with bias[c] in every element of channel c (zeros without bias).
    static func filledWithBias(_ bias: Tensor?, shape: [Int], op: String) throws -> Tensor {
        guard let bias else { return Tensor(zeros: shape) }
        let result = Tensor.uninitializedFloats(shape)
        let values = try bias.floatOperand(op).contiguous()
        let plane = shape.dropFirst(2).reduce(1, *)
        let out = result.mutableFloatPointer
        for image in 0..<shape[0] {
            for channel in 0..<shape[1] {
                (out + (image * shape[1] + channel) * plane).update(repeating: values.floatPointer[channel], count: plane)
            }
        }
        return result
    }
}
