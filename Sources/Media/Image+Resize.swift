import Foundation

// MARK: - Resize

extension Image {
    /// Resizes to (width, height) exactly as Pillow's `image.resize(size, resample, box)`: separable
    /// two-pass convolution (horizontal then vertical), kernels widened on downscale (antialiasing),
    /// 8-bit images in 22-bit fixed point, LA/RGBA resampled with premultiplied alpha, nearest by
    /// Pillow's affine scaling. `box` is the source region (left, upper, right, lower), default the whole image.
    public func resized(
        to size: (width: Int, height: Int), resample: Resampling = .bicubic,
        box: (Double, Double, Double, Double)? = nil
    ) throws(ImageError) -> Image {
        guard size.width > 0, size.height > 0 else {
            throw .invalidArgument("resize: height and width must be > 0, got \(size.width)x\(size.height)")
        }
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
            premultiplied = premultiplied.resizedCore(size, resample, region)
            Image.unpremultiply(&premultiplied.pixels, channels: mode.channels)
            return premultiplied
        }
        return resizedCore(size, resample, region)
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
    private func resizedConvolution(_ size: (width: Int, height: Int), _ filter: Resampling, _ box: [Float])
        -> Image
    {
        let needHorizontal = size.width != width || box[0] != 0 || box[2] != Float(size.width)
        let needVertical = size.height != height || box[1] != 0 || box[3] != Float(size.height)
        let horizontalFirst = !(Float(size.width) >= box[2] - box[0] && Float(size.height) < box[3] - box[1])
        var vertical = ResampleCoefficients(
            inSize: height, in0: box[1], in1: box[3], outSize: size.height, filter: filter)
        let horizontal = ResampleCoefficients(
            inSize: width, in0: box[0], in1: box[2], outSize: size.width, filter: filter)

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
    private static func clip8(_ value: Int) -> UInt8 {
        let shifted = value >> ResampleCoefficients.precisionBits
        return shifted <= 0 ? 0 : shifted >= 255 ? 255 : UInt8(shifted)
    }

    private func resample8Horizontal(_ coefficients: ResampleCoefficients, outWidth: Int, rows: Range<Int>) -> Image {
        let channels = mode.channels
        let kernel = coefficients.fixedPointWeights()
        let taps = coefficients.taps
        let half = 1 << (ResampleCoefficients.precisionBits - 1)
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * channels)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                kernel.withUnsafeBufferPointer { k in
                    for (outRow, row) in rows.enumerated() {
                        let sourceRow = row * width * channels
                        let targetRow = outRow * outWidth * channels
                        for x in 0..<outWidth {
                            let first = coefficients.first[x]
                            let n = coefficients.count[x]
                            let weights = x * taps
                            for channel in 0..<channels {
                                var sum = half
                                var index = sourceRow + first * channels + channel
                                for tap in 0..<n {
                                    sum += Int(source[index]) * k[weights + tap]
                                    index += channels
                                }
                                target[targetRow + x * channels + channel] = Image.clip8(sum)
                            }
                        }
                    }
                }
            }
        }
        return Image(unchecked: outWidth, rows.count, mode, out)
    }

    private func resample8Vertical(_ coefficients: ResampleCoefficients, outHeight: Int) -> Image {
        let rowLength = width * mode.channels
        let kernel = coefficients.fixedPointWeights()
        let taps = coefficients.taps
        let half = 1 << (ResampleCoefficients.precisionBits - 1)
        var out = [UInt8](repeating: 0, count: rowLength * outHeight)
        var sums = [Int](repeating: 0, count: rowLength)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sum in
                    for y in 0..<outHeight {
                        for i in 0..<rowLength { sum[i] = half }
                        let first = coefficients.first[y]
                        for tap in 0..<coefficients.count[y] {
                            let weight = kernel[y * taps + tap]
                            let sourceRow = (first + tap) * rowLength
                            for i in 0..<rowLength { sum[i] += Int(source[sourceRow + i]) * weight }
                        }
                        let targetRow = y * rowLength
                        for i in 0..<rowLength { target[targetRow + i] = Image.clip8(sum[i]) }
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
