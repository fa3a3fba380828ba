// Patch-embedding convolutions — kernel = stride, no padding, no dilation, one group: the first layer of
// ViT, CLIP, DPT and Swin — computed as what they are: a linear layer over flattened patches.
//
// Why a path of its own: through im2col the product is W[O, P] · col[P, pixels] with few pixels
// (196 for ViT-B/16) and a large weight; split over threads by pixel columns, every thread packs the
// whole weight for a sliver of work, and PyTorch was 1.4× faster. As patches[pixels, P] · Wᵀ it is the
// shape of `linear` (tokens × hidden), which our GEMM splits by output channels with no duplicated
// packing, and all images of a batch go through one product. The gather is a copy of kW-float runs
// (patches do not overlap), and the [pixels, O] result is transposed into NCHW once.

extension Conv2DGeometry {
    /// Non-overlapping patches that tile the input from its top-left corner: each input pixel is read
    /// at most once, so the patch matrix is a permutation of (part of) the input.
    var isPatchify: Bool {
        strideH == kernelH && strideW == kernelW && padH == 0 && padW == 0 && dilationH == 1 && dilationW == 1
    }
}

extension Tensor {
    /// out[n, O, outH, outW] = conv2d of `images` NCHW inputs with a patchify geometry, bias included.
    static func patchifyConvolution(
        _ x: UnsafePointer<Float>, images: Int, geometry g: Conv2DGeometry,
        weight: UnsafePointer<Float>, outChannels: Int, bias: UnsafePointer<Float>?,
        into out: UnsafeMutablePointer<Float>
    ) {
        let pixels = g.outH * g.outW, patch = g.patchSize
        let rows = images * pixels
        let patches = UnsafeMutablePointer<Float>.allocate(capacity: rows * patch)
        let product = UnsafeMutablePointer<Float>.allocate(capacity: rows * outChannels)
        defer {
            patches.deallocate()
            product.deallocate()
        }
        gatherPatches(x, images: images, geometry: g, into: patches)
        // product[rows, O] = patches[rows, P] · W[O, P]ᵀ
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outChannels, k: patch, alpha: 1,
                   a: patches, lda: patch, b: weight, ldb: patch, beta: 0, c: product, ldc: outChannels)
        transposeIntoChannels(product, images: images, pixels: pixels, channels: outChannels, bias: bias, into: out)
    }

    /// patches[(image·pixels + oh·outW + ow), (c·kH + ki)·kW + kj] = x[image, c, oh·kH + ki, ow·kW + kj].
    private static func gatherPatches(
        _ x: UnsafePointer<Float>, images: Int, geometry g: Conv2DGeometry, into patches: UnsafeMutablePointer<Float>
    ) {
        let patch = g.patchSize, imageSize = g.channels * g.height * g.width
        let patchRows = images * g.outH  // one unit of work: a row of patches of one image
        let copyRow = { (unit: Int) in
            let image = unit / g.outH, oh = unit % g.outH
            let source = x + image * imageSize + oh * g.kernelH * g.width
            let target = patches + (image * g.outH + oh) * g.outW * patch
            for ow in 0..<g.outW {
                let into = target + ow * patch
                for c in 0..<g.channels {
                    for ki in 0..<g.kernelH {
                        (into + (c * g.kernelH + ki) * g.kernelW).update(
                            from: source + c * g.height * g.width + ki * g.width + ow * g.kernelW, count: g.kernelW)
                    }
                }
            }
        }
        let threads = patchRows * g.outW * patch >= 1 << 17 ? min(GEMM.threadCount, patchRows) : 1
        WorkerPool.forEach(threads) { worker in
            for unit in Swift.stride(from: worker, to: patchRows, by: threads) { copyRow(unit) }
        }
    }

    /// out[image, o, p] = product[image·pixels + p, o] + bias[o], in 16×16 blocks so both sides are read
    /// and written a cache line at a time.
    private static func transposeIntoChannels(
        _ product: UnsafePointer<Float>, images: Int, pixels: Int, channels: Int, bias: UnsafePointer<Float>?,
        into out: UnsafeMutablePointer<Float>
    ) {
        let block = 16
        let channelBlocks = (channels + block - 1) / block
        let units = images * channelBlocks
        let transposeBlock = { (unit: Int) in
            let image = unit / channelBlocks, o0 = (unit % channelBlocks) * block, o1 = min(channels, o0 + block)
            let source = product + image * pixels * channels
            let target = out + image * channels * pixels
            var p0 = 0
            while p0 < pixels {
                let p1 = min(pixels, p0 + block)
                for o in o0..<o1 {
                    let shift = bias?[o] ?? 0
                    let line = target + o * pixels
                    for p in p0..<p1 { line[p] = source[p * channels + o] + shift }
                }
                p0 = p1
            }
        }
        let threads = units * block * pixels >= 1 << 17 ? min(GEMM.threadCount, units) : 1
        WorkerPool.forEach(threads) { worker in
            for unit in Swift.stride(from: worker, to: units, by: threads) { transposeBlock(unit) }
        }
    }
}
