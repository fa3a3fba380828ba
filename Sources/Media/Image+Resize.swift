import CImageSupport
import Foundation

// MARK: - Resize

extension Image {
    /// Resizes to (width, height) exactly as Pillow's `image.resize(size, resample, box)`: separable
    /// two-pass convolution (pass order as Pillow 13 picks it), kernels widened on downscale (antialiasing),
    /// 8-bit images in 22-bit fixed point, LA/RGBA resampled with premultiplied alpha, nearest by
    /// Pillow's affine scaling. `box` is the source region (left, upper, right, lower), default the whole image.
    /// `reducingGap` (Pillow's `reducing_gap`) first shrinks by whole factors with `reduced(by:)` while
    /// the remaining step stays at least that ratio: faster, nearly the same picture.
    public func resized(
        to size: (width: Int, height: Int), resample: Resampling = .bicubic,
        box: (Double, Double, Double, Double)? = nil, reducingGap: Double? = nil
    ) throws(ImageError) -> Image {
        if let reducingGap, reducingGap < 1 {
            throw .invalidArgument("resize: reducing_gap must be 1.0 or greater, got \(reducingGap)")
        }
        try Image.checkSize(size.width, size.height, operation: "resize")
        // Pillow passes the box to C as `float box[4]`.
        let region: [Float]
        if let box {
            region = [Float(box.0), Float(box.1), Float(box.2), Float(box.3)]
        } else {
            region = [0, 0, Float(width), Float(height)]
        }
        guard region[0] >= 0, region[1] >= 0 else {
            throw .invalidArgument("resize: box offset can't be negative, got \(region)")
        }
        guard region[2] <= Float(width), region[3] <= Float(height) else {
            throw .invalidArgument("resize: box \(region) can't exceed the \(width)x\(height) image")
        }
        guard region[2] - region[0] >= 0, region[3] - region[1] >= 0 else {
            throw .invalidArgument("resize: box \(region) can't be empty")
        }
        if size.width == width, size.height == height, region == [0, 0, Float(width), Float(height)] {
            return self
        }
        if mode.hasAlpha, resample != .nearest {
            var premultiplied = Image(unchecked: width, height, mode, premultipliedSamples())
            premultiplied = try premultiplied.reducedThenResized(size, resample, region, box, reducingGap)
            Image.unpremultiply(&premultiplied.pixels, channels: mode.channels)
            return premultiplied
        }
        return try reducedThenResized(size, resample, region, box, reducingGap)
    }

    /// The `reducing_gap` step of `Image.resize`, then the C resize.
    private func reducedThenResized(
        _ size: (width: Int, height: Int), _ resample: Resampling, _ region: [Float],
        _ requestedBox: (Double, Double, Double, Double)?, _ reducingGap: Double?
    ) throws(ImageError) -> Image {
        guard let reducingGap, resample != .nearest else { return resizedCore(size, resample, region) }
        // Python computes with the box as given (doubles); C later receives it as floats.
        let box = requestedBox ?? (0, 0, Double(width), Double(height))
        let factorX = max(Int((box.2 - box.0) / Double(size.width) / reducingGap), 1)
        let factorY = max(Int((box.3 - box.1) / Double(size.height) / reducingGap), 1)
        guard factorX > 1 || factorY > 1 else { return resizedCore(size, resample, region) }
        let reduceBox = safeBox(size: size, resample: resample, box: box)
        let reduced = try reducedCore((factorX, factorY), reduceBox)
        let shifted: [Float] = [
            Float((box.0 - Double(reduceBox.0)) / Double(factorX)), Float((box.1 - Double(reduceBox.1)) / Double(factorY)),
            Float((box.2 - Double(reduceBox.0)) / Double(factorX)), Float((box.3 - Double(reduceBox.1)) / Double(factorY)),
        ]
        return reduced.resizedCore(size, resample, shifted)
    }

    /// `resize` without Pillow's Python-level steps (`_resize` in _imaging.c onwards).
    private func resizedCore(_ size: (width: Int, height: Int), _ resample: Resampling, _ box: [Float]) -> Image {
        if box[0] - Float(Int(box[0])) == 0, box[2] - box[0] == Float(size.width),
            box[1] - Float(Int(box[1])) == 0, box[3] - box[1] == Float(size.height)
        {
            // An integral box of exactly the output size is a crop.
            return (try? cropped(left: Int(box[0]), upper: Int(box[1]), right: Int(box[2]), lower: Int(box[3])))
                ?? self
        }
        if resample == .nearest { return resizedNearest(size, box) }
        return resizedConvolution(size, resample, box)
    }

    // MARK: Nearest

    /// Geometry.c's `ImagingScaleAffine`: source coordinate of output pixel x is
    /// box.left + scale·(x + 0.5), accumulated in double exactly as Pillow does; outside → 0.
    private func resizedNearest(_ size: (width: Int, height: Int), _ box: [Float]) -> Image {
        let scaleX = Double(box[2] - box[0]) / Double(size.width)
        let scaleY = Double(box[3] - box[1]) / Double(size.height)
        func coordinate(_ value: Double) -> Int { value < 0 ? -1 : Int(value) }
        var columns = [Int](repeating: -1, count: size.width)
        var position = Double(box[0]) + scaleX * 0.5
        for x in 0..<size.width {
            let source = coordinate(position)
            if source >= 0, source < width { columns[x] = source }
            position += scaleX
        }
        let pixelBytes = mode.bytesPerPixel
        var out = [UInt8](repeating: 0, count: size.width * size.height * pixelBytes)
        var rowPosition = Double(box[1]) + scaleY * 0.5
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<size.height {
                    let sourceY = coordinate(rowPosition)
                    rowPosition += scaleY
                    guard sourceY >= 0, sourceY < height else { continue }
                    for x in 0..<size.width where columns[x] >= 0 {
                        let from = (sourceY * width + columns[x]) * pixelBytes
                        let to = (y * size.width + x) * pixelBytes
                        for byte in 0..<pixelBytes { target[to + byte] = source[from + byte] }
                    }
                }
            }
        }
        return Image(unchecked: size.width, size.height, mode, out)
    }

    // MARK: Convolution

    /// Resample.c's `ImagingResampleInner` (Pillow ≥ 13): each pass runs only when its axis changes;
    /// horizontal first (computing only the rows the vertical pass reads) unless the height shrinks
    /// while the width does not, then vertical first. The order matters: the intermediate image is
    /// rounded to 8 bits.
    ///
    /// `window` (output columns and rows, default all) computes only that part of the output: each output pixel
    /// depends only on its own coefficients, so this equals resizing fully and cropping. Callers pass a window only
    /// when both passes run (`needsBothPasses`).
    func resizedConvolution(
        _ size: (width: Int, height: Int), _ filter: Resampling, _ box: [Float],
        window: (columns: Range<Int>, rows: Range<Int>)? = nil
    ) -> Image {
        let needHorizontal = size.width != width || box[0] != 0 || box[2] != Float(size.width)
        let needVertical = size.height != height || box[1] != 0 || box[3] != Float(size.height)
        let horizontalFirst = !(Float(size.width) >= box[2] - box[0] && Float(size.height) < box[3] - box[1])
        var vertical = ResampleCoefficients(
            inSize: height, in0: box[1], in1: box[3], outSize: size.height, filter: filter)
        var horizontal = ResampleCoefficients(
            inSize: width, in0: box[0], in1: box[2], outSize: size.width, filter: filter)
        var size = size
        if let window {
            vertical = vertical.sliced(window.rows)
            horizontal = horizontal.sliced(window.columns)
            size = (window.columns.count, window.rows.count)
        }

        var current = self
        if horizontalFirst {
            if needHorizontal {
                let firstRow = vertical.first[0]
                let lastRow = vertical.first[size.height - 1] + vertical.count[size.height - 1]
                for index in vertical.first.indices { vertical.first[index] -= firstRow }
                current = current.resampleHorizontal(horizontal, outWidth: size.width, rows: firstRow..<lastRow)
            }
            if needVertical { current = current.resampleVertical(vertical, outHeight: size.height) }
        } else {
            if needVertical { current = current.resampleVertical(vertical, outHeight: size.height) }
            if needHorizontal {
                current = current.resampleHorizontal(horizontal, outWidth: size.width, rows: 0..<current.height)
            }
        }
        return current
    }

    private func resampleHorizontal(_ coefficients: ResampleCoefficients, outWidth: Int, rows: Range<Int>) -> Image {
        mode == .i16
            ? resample16Horizontal(coefficients, outWidth: outWidth, rows: rows)
            : resample8Horizontal(coefficients, outWidth: outWidth, rows: rows)
    }

    private func resampleVertical(_ coefficients: ResampleCoefficients, outHeight: Int) -> Image {
        mode == .i16
            ? resample16Vertical(coefficients, outHeight: outHeight)
            : resample8Vertical(coefficients, outHeight: outHeight)
    }

    /// Resample.c clips 8-bit results through a table indexed by `value >> PRECISION_BITS`.
    @inline(__always)
    private static func clip8(_ value: Int32) -> UInt8 {
        let shifted = value >> Int32(ResampleCoefficients.precisionBits)
        return shifted <= 0 ? 0 : shifted >= 255 ? 255 : UInt8(truncatingIfNeeded: shifted)
    }

    /// 8-bit horizontal pass. Sums are 32-bit with wrapping arithmetic, exactly as Resample.c's `int`
    /// accumulators; 1-, 3- and 4-channel images get unrolled loops (they dominate real use).
    private func resample8Horizontal(_ coefficients: ResampleCoefficients, outWidth: Int, rows: Range<Int>) -> Image {
        let channels = mode.channels
        let kernel = coefficients.fixedPointWeights().map { Int32(truncatingIfNeeded: $0) }
        if ResampleKernels.native, channels == 3 || channels == 4 {
            return nativeHorizontal(coefficients, kernel: kernel, outWidth: outWidth, rows: rows)
        }
        let taps = coefficients.taps
        let half = Int32(1 << (ResampleCoefficients.precisionBits - 1))
        let sourceWidth = width
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * channels)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                kernel.withUnsafeBufferPointer { k in
                    coefficients.first.withUnsafeBufferPointer { firsts in
                        coefficients.count.withUnsafeBufferPointer { counts in
                            for (outRow, row) in rows.enumerated() {
                                let sourceRow = source.baseAddress! + row * sourceWidth * channels
                                let targetRow = target.baseAddress! + outRow * outWidth * channels
                                for x in 0..<outWidth {
                                    let n = counts[x]
                                    let weights = k.baseAddress! + x * taps
                                    var input = sourceRow + firsts[x] * channels
                                    let output = targetRow + x * channels
                                    switch channels {
                                    case 1:
                                        var s0 = half
                                        for tap in 0..<n { s0 &+= Int32(input[tap]) &* weights[tap] }
                                        output[0] = Image.clip8(s0)
                                    case 3:
                                        var (s0, s1, s2) = (half, half, half)
                                        for tap in 0..<n {
                                            let w = weights[tap]
                                            s0 &+= Int32(input[0]) &* w
                                            s1 &+= Int32(input[1]) &* w
                                            s2 &+= Int32(input[2]) &* w
                                            input += 3
                                        }
                                        (output[0], output[1], output[2]) = (Image.clip8(s0), Image.clip8(s1), Image.clip8(s2))
                                    case 4:
                                        var (s0, s1, s2, s3) = (half, half, half, half)
                                        for tap in 0..<n {
                                            let w = weights[tap]
                                            s0 &+= Int32(input[0]) &* w
                                            s1 &+= Int32(input[1]) &* w
                                            s2 &+= Int32(input[2]) &* w
                                            s3 &+= Int32(input[3]) &* w
                                            input += 4
                                        }
                                        (output[0], output[1]) = (Image.clip8(s0), Image.clip8(s1))
                                        (output[2], output[3]) = (Image.clip8(s2), Image.clip8(s3))
                                    default:
                                        for channel in 0..<channels {
                                            var sum = half
                                            for tap in 0..<n { sum &+= Int32(input[tap * channels + channel]) &* weights[tap] }
                                            output[channel] = Image.clip8(sum)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Image(unchecked: outWidth, rows.count, mode, out)
    }

    /// 8-bit vertical pass: whole rows at a time so the inner loop is contiguous (and vectorizes).
    private func resample8Vertical(_ coefficients: ResampleCoefficients, outHeight: Int) -> Image {
        let rowLength = width * mode.channels
        let kernel = coefficients.fixedPointWeights().map { Int32(truncatingIfNeeded: $0) }
        if ResampleKernels.native { return nativeVertical(coefficients, kernel: kernel, outHeight: outHeight) }
        let taps = coefficients.taps
        let half = Int32(1 << (ResampleCoefficients.precisionBits - 1))
        var out = [UInt8](repeating: 0, count: rowLength * outHeight)
        var sums = [Int32](repeating: 0, count: rowLength)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sum in
                    for y in 0..<outHeight {
                        for i in 0..<rowLength { sum[i] = half }
                        let first = coefficients.first[y]
                        for tap in 0..<coefficients.count[y] {
                            let weight = kernel[y * taps + tap]
                            let sourceRow = source.baseAddress! + (first + tap) * rowLength
                            for i in 0..<rowLength { sum[i] &+= Int32(sourceRow[i]) &* weight }
                        }
                        let targetRow = target.baseAddress! + y * rowLength
                        for i in 0..<rowLength { targetRow[i] = Image.clip8(sum[i]) }
                    }
                }
            }
        }
        return Image(unchecked: width, outHeight, mode, out)
    }

    // MARK: 16-bit (I;16)

    /// Resample.c's 16bpc path: double sums, ROUND_UP (half away from zero), clipped to 0…65535
    /// (Pillow 13; older versions clipped each byte separately).
    @inline(__always)
    private static func store16(_ sum: Double, into target: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let rounded = Int(sum >= 0 ? sum + 0.5 : sum - 0.5)
        let value = min(max(rounded, 0), 65535)
        target[offset] = UInt8(value & 0xFF)
        target[offset + 1] = UInt8(value >> 8)
    }

    private func resample16Horizontal(_ coefficients: ResampleCoefficients, outWidth: Int, rows: Range<Int>) -> Image {
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * 2)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for (outRow, row) in rows.enumerated() {
                    for x in 0..<outWidth {
                        var sum = 0.0
                        for tap in 0..<coefficients.count[x] {
                            let at = (row * width + coefficients.first[x] + tap) * 2
                            let value = Int(source[at]) | Int(source[at + 1]) << 8
                            sum += Double(value) * coefficients.weights[x * coefficients.taps + tap]
                        }
                        Image.store16(sum, into: target, at: (outRow * outWidth + x) * 2)
                    }
                }
            }
        }
        return Image(unchecked: outWidth, rows.count, .i16, out)
    }

    private func resample16Vertical(_ coefficients: ResampleCoefficients, outHeight: Int) -> Image {
        var out = [UInt8](repeating: 0, count: width * outHeight * 2)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<outHeight {
                    for x in 0..<width {
                        var sum = 0.0
                        for tap in 0..<coefficients.count[y] {
                            let at = ((coefficients.first[y] + tap) * width + x) * 2
                            let value = Int(source[at]) | Int(source[at + 1]) << 8
                            sum += Double(value) * coefficients.weights[y * coefficients.taps + tap]
                        }
                        Image.store16(sum, into: target, at: (y * width + x) * 2)
                    }
                }
            }
        }
        return Image(unchecked: width, outHeight, .i16, out)
    }
}
