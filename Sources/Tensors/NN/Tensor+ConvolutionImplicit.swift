// conv2d as an implicit GEMM (CKernels' sfk_conv2d_avx2): the packed GEMM driver fills its B panels
// straight from the image, so no im2col matrix is written or read back. Threads take contiguous ranges
// of output pixels (whole 16-pixel panels) of each image and group; each packs the small weight block
// itself, so no thread waits on another.
import CKernels

extension Tensor {
    /// out[image, group·groupOut + o, pixel] (= beta · out + the convolution) for every image and group.
    /// Returns false when our kernel is not the one in use (OpenBLAS backend, no AVX2: nothing written) or
    /// its packing buffers could not be allocated (part written): the caller then starts again from a fresh
    /// output with im2col.
    static func implicitGEMMConvolution(
        _ x: UnsafePointer<Float>, images: Int, groups: Int, geometry g: Conv2DGeometry,
        weight: UnsafePointer<Float>, outChannels: Int, beta: Float, into out: UnsafeMutablePointer<Float>
    ) -> Bool {
        guard let threads = GEMM.ownKernelThreads() else { return false }
        let plane = g.outH * g.outW, panels = (plane + 15) / 16
        let groupOut = outChannels / groups, patch = g.patchSize
        let inputPlanes = g.channels * g.height * g.width  // one group's input
        var geometry = sfk_conv_geometry(
            channels: g.channels, height: g.height, width: g.width, kernel_h: g.kernelH, kernel_w: g.kernelW,
            stride_h: g.strideH, stride_w: g.strideW, pad_h: g.padH, pad_w: g.padW,
            dilation_h: g.dilationH, dilation_w: g.dilationW, out_h: g.outH, out_w: g.outW)
        // Enough pieces for every thread; a single small image stays on the calling thread.
        let products = images * groups
        let flops = 2 * products * groupOut * plane * patch
        let workers = flops < GEMM.packedParallelFlops ? 1 : min(threads, products * panels)
        let splits = products >= workers ? 1 : min(panels, (workers + products - 1) / products)
        let pieces = products * splits
        let failed = LockedState(false)
        withUnsafePointer(to: &geometry) { geometryPointer in
            let shared = UnsafeSendable(geometryPointer)
            WorkerPool.forEach(workers) { worker in
                for piece in Swift.stride(from: worker, to: pieces, by: workers) {
                    let product = piece / splits, split = piece % splits
                    let image = product / groups, group = product % groups
                    let first = min(plane, panels * split / splits * 16)
                    let last = min(plane, panels * (split + 1) / splits * 16)
                    guard last > first else { continue }
                    let input = x + (image * groups + group) * inputPlanes
                    let target = out + (image * outChannels + group * groupOut) * plane + first
                    if sfk_conv2d_avx2(shared.value, input, weight + group * groupOut * patch, groupOut, first,
                                       last - first, beta, target, plane) != 0 {
                        failed.withLock { $0 = true }
                    }
                }
            }
        }
        return !failed.withLock { $0 }
    }
}
