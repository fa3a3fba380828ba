// Our own sgemm: the fallback when OpenBLAS is missing, and the kernel for operands whose strides
// BLAS cannot express (broadcast rows, doubly strided views). Goto-style blocking: B is packed into
// k×NR column panels, A into MR×k row panels, and a register-tiled micro-kernel multiplies them.
import Foundation

enum NativeGEMM {
    /// Micro-tile: MR rows × NR columns of C live in registers (4 × SIMD8 accumulators; with the
    /// baseline x86-64 build these are 8 SSE registers, with AVX 4 YMM registers).
    static let mr = 4
    static let nr = 8
    /// Cache blocking: a kc×nr panel of B (8 KiB) stays in L1, an mc×kc block of A in L2.
    static let kc = 256
    static let mc = 64
    static let nc = 2048

    /// `C = beta · C` (beta 0 writes zeros without reading C).
    static func scale(_ c: UnsafeMutablePointer<Float>, m: Int, n: Int, ldc: Int, beta: Float) {
        guard beta != 1 else { return }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    /// Our own kernel: the AVX2 + FMA C kernel (`GEMM.packedAVX2`) when this CPU runs it, else the
    /// portable Swift one below.
    static func sgemm(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        if NativeKernels.isEnabled {
            GEMM.packedAVX2(
                m: m, n: n, k: k, alpha: alpha, a: a, rowStrideA: rowStrideA, colStrideA: colStrideA,
                b: b, rowStrideB: rowStrideB, colStrideB: colStrideB, beta: beta, c: c, ldc: ldc, threads: threads)
        } else {
            portableSGEMM(
                m: m, n: n, k: k, alpha: alpha, a: a, rowStrideA: rowStrideA, colStrideA: colStrideA,
                b: b, rowStrideB: rowStrideB, colStrideB: colStrideB, beta: beta, c: c, ldc: ldc, threads: threads)
        }
    }

    /// The portable kernel (Swift SIMD, baseline ISA): CPUs without AVX2/FMA and `SFS_KERNELS=portable`.
    static func portableSGEMM(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        scale(c, m: m, n: n, ldc: ldc, beta: beta)
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * roundUp(min(n, nc), nr))
        defer { packedB.deallocate() }
        let flops = 2 * m * n * k
        for jc in stride(from: 0, to: n, by: nc) {
            let ncBlock = min(nc, n - jc)
            for pc in stride(from: 0, to: k, by: kc) {
                let kcBlock = min(kc, k - pc)
                packB(b + pc * rowStrideB + jc * colStrideB, rowStride: rowStrideB, colStride: colStrideB,
                      k: kcBlock, n: ncBlock, into: packedB)
                let blocks = (m + mc - 1) / mc
                let workers = flops < 1 << 21 ? 1 : min(threads, blocks)
                let sharedB = UnsafePointer(packedB)
                let run = { (worker: Int) in
                    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: roundUp(mc, mr) * kcBlock)
                    defer { packedA.deallocate() }
                    for block in stride(from: worker, to: blocks, by: workers) {
                        let ic = block * mc
                        let mcBlock = min(mc, m - ic)
                        packA(a + ic * rowStrideA + pc * colStrideA, rowStride: rowStrideA, colStride: colStrideA,
                              m: mcBlock, k: kcBlock, into: packedA)
                        macroKernel(m: mcBlock, n: ncBlock, k: kcBlock, alpha: alpha, packedA: packedA,
                                    packedB: sharedB, c: c + ic * ldc + jc, ldc: ldc)
                    }
                }
                WorkerPool.forEach(workers, run)
            }
        }
    }

    @inline(__always) static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    // MARK: Packing

    /// Packs a k×n block of B into ⌈n/NR⌉ panels, each k rows of NR contiguous floats (zero-padded).
    static func packB(
        _ b: UnsafePointer<Float>, rowStride: Int, colStride: Int, k: Int, n: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        var out = packed
        for j0 in stride(from: 0, to: n, by: nr) {
            let width = min(nr, n - j0)
            for p in 0..<k {
                let row = b + p * rowStride + j0 * colStride
                if width == nr && colStride == 1 {
                    UnsafeMutableRawPointer(out).storeBytes(
                        of: UnsafeRawPointer(row).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                } else {
                    for j in 0..<nr { out[j] = j < width ? row[j * colStride] : 0 }
                }
                out += nr
            }
        }
    }

    /// Packs an m×k block of A into ⌈m/MR⌉ panels, each k columns of MR contiguous floats.
    static func packA(
        _ a: UnsafePointer<Float>, rowStride: Int, colStride: Int, m: Int, k: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        var out = packed
        for i0 in stride(from: 0, to: m, by: mr) {
            let height = min(mr, m - i0)
            for p in 0..<k {
                let column = a + i0 * rowStride + p * colStride
                for i in 0..<mr { out[i] = i < height ? column[i * rowStride] : 0 }
                out += mr
            }
        }
    }

    // MARK: Kernels

    static func macroKernel(
        m: Int, n: Int, k: Int, alpha: Float, packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for j0 in stride(from: 0, to: n, by: nr) {
            let panelB = packedB + (j0 / nr) * k * nr
            for i0 in stride(from: 0, to: m, by: mr) {
                let panelA = packedA + (i0 / mr) * k * mr
                var acc = microKernel(k: k, a: panelA, b: panelB)
                acc.0 *= alpha; acc.1 *= alpha; acc.2 *= alpha; acc.3 *= alpha
                let rows = min(mr, m - i0)
                let cols = min(nr, n - j0)
                let tile = c + i0 * ldc + j0
                withUnsafeBytes(of: acc) { raw in
                    let values = raw.bindMemory(to: SIMD8<Float>.self)
                    for r in 0..<rows {
                        let out = tile + r * ldc
                        if cols == nr {
                            let raw = UnsafeMutableRawPointer(out)
                            raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + values[r], as: SIMD8<Float>.self)
                        } else {
                            for j in 0..<cols { out[j] += values[r][j] }
                        }
                    }
                }
            }
        }
    }

    /// The 4×8 register tile: per step one B row (8 floats) times four broadcast A values.
    @inline(__always)
    static func microKernel(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
    {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        let bRaw = UnsafeRawPointer(b)
        var pa = a
        for p in 0..<k {
            let row = bRaw.loadUnaligned(fromByteOffset: p * 32, as: SIMD8<Float>.self)
            c0 += row * pa[0]
            c1 += row * pa[1]
            c2 += row * pa[2]
            c3 += row * pa[3]
            pa += 4
        }
        return (c0, c1, c2, c3)
    }
}
