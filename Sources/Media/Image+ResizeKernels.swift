import CImageSupport
import Foundation

// MARK: - Native resize kernels

/// Whether the 8-bit resize passes run CImageSupport's AVX2 kernels (resample.c) instead of the Swift loops of
/// Image+Resize.swift. Both give Pillow's bytes exactly; the C kernels are ~5× faster on the horizontal pass, which
/// dominates CLIP-style preprocessing. `SFS_KERNELS=portable` (as for the tensor kernels) keeps the Swift loops;
/// tests compare the two with `ResampleKernels.$forcePortable.withValue(true) { … }`.
enum ResampleKernels {
    /// AVX2 present and not disabled by `SFS_KERNELS=portable`; fixed for the life of the process.
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["SFS_KERNELS"] == "portable" { return false }
        return cis_resample_has_avx2() == 1
    }()

    /// Set (task-locally) to run the Swift loops even where the C kernels are available.
    @TaskLocal static var forcePortable = false

    static var native: Bool { available && !forcePortable }
}

extension Image {
    /// The horizontal pass through `cis_resample_horizontal8_avx2` (3- and 4-channel images).
    func nativeHorizontal(_ coefficients: ResampleCoefficients, kernel: [Int32], outWidth: Int, rows: Range<Int>) -> Image {
        let channels = mode.channels
        let first = coefficients.first.map { Int32(truncatingIfNeeded: $0) }
        let count = coefficients.count.map { Int32(truncatingIfNeeded: $0) }
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * channels)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                cis_resample_horizontal8_avx2(
                    source.baseAddress! + rows.lowerBound * width * channels, width * channels, Int32(width),
                    Int32(channels), Int32(rows.count), target.baseAddress!, outWidth * channels, 0, Int32(outWidth),
                    first, count, kernel, Int32(coefficients.taps))
            }
        }
        return Image(unchecked: outWidth, rows.count, mode, out)
    }

    /// The vertical pass through `cis_resample_vertical8_avx2` (any 8-bit mode: rows are plain byte runs).
    func nativeVertical(_ coefficients: ResampleCoefficients, kernel: [Int32], outHeight: Int) -> Image {
        let rowLength = width * mode.channels
        let first = coefficients.first.map { Int32(truncatingIfNeeded: $0) }
        let count = coefficients.count.map { Int32(truncatingIfNeeded: $0) }
        var out = [UInt8](repeating: 0, count: rowLength * outHeight)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                cis_resample_vertical8_avx2(
                    source.baseAddress!, rowLength, rowLength, target.baseAddress!, rowLength, Int32(outHeight),
                    first, count, kernel, Int32(coefficients.taps))
            }
        }
        return Image(unchecked: width, outHeight, mode, out)
    }
}
