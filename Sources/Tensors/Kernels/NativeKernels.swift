import CKernels
import Foundation

/// The AVX2 + FMA kernels of the `CKernels` C target, and whether this process uses them.
///
/// Swift compiles the whole package for baseline x86-64 (SSE2), so the Swift SIMD kernels run as
/// 128-bit code without FMA. The C target compiles its kernels with `__attribute__((target("avx2,fma")))`
/// — per function, so nothing else in the binary needs AVX2 — and this switch picks them at run time
/// when the CPU has both features. Everything else (other CPUs, `SFS_KERNELS=portable`) keeps the
/// portable Swift kernels, which stay the reference the C kernels are tested against.
enum NativeKernels {
    /// True when the AVX2 kernels run: the CPU (and OS) support AVX2 and FMA, and the environment
    /// variable `SFS_KERNELS` is not `portable`. Fixed for the life of the process.
    static let isEnabled: Bool = {
        if ProcessInfo.processInfo.environment["SFS_KERNELS"] == "portable" { return false }
        return sfk_cpu_has_avx2_fma() != 0
    }()

    /// A one-line account for benchmark headers.
    static var summary: String {
        isEnabled ? "elementwise: AVX2+FMA C kernels" : "elementwise: portable Swift SIMD kernels"
    }
}

extension Tensor {
    /// Which elementwise kernels this process runs (`NativeKernels.summary`), for benchmark headers.
    public static var kernelSummary: String { NativeKernels.summary }
}
