import Foundation

// MARK: - Rotation and affine transforms

extension Image {
    /// Rotates counter-clockwise by `angle` degrees about the centre, as Pillow's
    /// `image.rotate(angle, resample, expand, center, translate, fillcolor)`: multiples of 90° are exact
    /// transposes (when the size allows), other angles use `transformedAffine`; `expand` grows the
    /// canvas to hold the whole rotated image. Uncovered pixels are zero, or `fillColor`.
    public func rotated(
        _ angle: Double, resample: Resampling = .nearest, expand: Bool = false, center: (Double, Double)? = nil,
        translate: (Double, Double)? = nil, fillColor: [Int]? = nil
    ) throws(ImageError) -> Image {
        let finite = angle.isFinite && (center.map { $0.0.isFinite && $0.1.isFinite } ?? true)
            && (translate.map { $0.0.isFinite && $0.1.isFinite } ?? true)
        guard finite else { throw .invalidArgument("rotate: angle, center and translate must be finite") }
        let degrees = angle - 360 * (angle / 360).rounded(.down)  // Python's `angle % 360.0`
        if center == nil, translate == nil {
            if degrees == 0 { return self }
            if degrees == 180 { return transposed(.rotate180) }
            if degrees == 90 || degrees == 270, expand || width == height {
                return transposed(degrees == 90 ? .rotate90 : .rotate270)
            }
        }
        let radians = -degrees * Double.pi / 180
        let cosine = Image.pythonRound(cos(radians), digits: 15)
        let sine = Image.pythonRound(sin(radians), digits: 15)
        var matrix = [cosine, sine, 0.0, Image.pythonRound(-sin(radians), digits: 15), cosine, 0.0]
        func apply(_ x: Double, _ y: Double) -> (Double, Double) {
            (matrix[0] * x + matrix[1] * y + matrix[2], matrix[3] * x + matrix[4] * y + matrix[5])
        }
        let pivot = center ?? (Double(width) / 2, Double(height) / 2)
        let shift = translate ?? (0, 0)
        (matrix[2], matrix[5]) = apply(-pivot.0 - shift.0, -pivot.1 - shift.1)
        matrix[2] += pivot.0
        matrix[5] += pivot.1
        var outSize = (width: width, height: height)
        if expand {
            let corners = [(0.0, 0.0), (Double(width), 0), (Double(width), Double(height)), (0, Double(height))]
                .map { apply($0.0, $0.1) }
            let xs = corners.map(\.0)
            let ys = corners.map(\.1)
            let spanX = ceil(xs.max() ?? 0) - floor(xs.min() ?? 0)
            let spanY = ceil(ys.max() ?? 0) - floor(ys.min() ?? 0)
            guard spanX < 1e9, spanY < 1e9 else {
                throw .invalidArgument("rotate: expanded size \(spanX)x\(spanY) is too large")
            }
            let newWidth = Int(spanX)
            let newHeight = Int(spanY)
            (matrix[2], matrix[5]) = apply(-Double(newWidth - width) / 2, -Double(newHeight - height) / 2)
            outSize = (newWidth, newHeight)
        }
        return try transformedAffine(size: outSize, matrix: matrix, resample: resample, fillColor: fillColor)
    }

    /// Python's `round(value, digits)`: correctly rounded through the exact decimal expansion
    /// (what `%.*f` does), so the rotation matrix matches Pillow's to the last bit.
    static func pythonRound(_ value: Double, digits: Int) -> Double {
        Double(String(format: "%.\(digits)f", value)) ?? value
    }

    /// Pillow's `image.transform(size, Image.AFFINE, matrix, resample)`: each output pixel centre
    /// (x + 0.5, y + 0.5) maps to source (a·x + b·y + c, d·x + e·y + f). Nearest, bilinear and bicubic
    /// follow Geometry.c (nearest in 16.16 fixed point, interpolation truncated to 8 bits).
    public func transformedAffine(
        size: (width: Int, height: Int), matrix: [Double], resample: Resampling = .nearest, fillColor: [Int]? = nil
    ) throws(ImageError) -> Image {
        guard matrix.count >= 6 else {
            throw .invalidArgument("transform: an affine matrix needs 6 values, got \(matrix.count)")
        }
        try Image.checkSize(size.width, size.height, operation: "transform")
        guard matrix.prefix(6).allSatisfy(\.isFinite) else {
            throw .invalidArgument("transform: matrix values must be finite, got \(Array(matrix.prefix(6)))")
        }
        guard resample == .nearest || resample == .bilinear || resample == .bicubic else {
            throw .invalidArgument(
                "transform: resample must be nearest, bilinear or bicubic (Pillow's rule), got \(resample)")
        }
        if mode == .i16 && resample != .nearest {
            throw .unsupportedMode(mode.rawValue, operation: "transform with \(resample) resampling")
        }
        if mode.hasAlpha, resample != .nearest {
            // Pillow converts to "RGBa"/"La" (premultiplied, fill colour included) and back.
            let premultiplied = Image(unchecked: width, height, mode, premultipliedSamples())
            var out = try premultiplied.transformedAffineCore(
                size: size, matrix: matrix, resample: resample, fillColor: fillColor)
            Image.unpremultiply(&out.pixels, channels: mode.channels)
            return out
        }
        return try transformedAffineCore(size: size, matrix: matrix, resample: resample, fillColor: fillColor)
    }

    /// `Image.transform` after the premultiplication step: `__transformer` / `ImagingTransformAffine`.
    private func transformedAffineCore(
        size: (width: Int, height: Int), matrix: [Double], resample: Resampling, fillColor: [Int]?
    ) throws(ImageError) -> Image {
        var out = try Image(mode: mode, size: size, color: fillColor ?? [0])
        let a = Array(matrix.prefix(6))
        let fillsUncovered = fillColor == nil
        switch resample {
        case .nearest where a[1] == 0 && a[3] == 0:
            affineScaleNearest(into: &out, a, fillsUncovered: fillsUncovered)
        case .nearest:
            affineNearest(into: &out, a)
        default:
            affineInterpolated(into: &out, a, bicubic: resample == .bicubic, fillsUncovered: fillsUncovered)
        }
        return out
    }

    // MARK: Nearest

    /// Geometry.c's COORD: −1 for negative positions, else truncation; positions beyond any image
    /// saturate instead of overflowing.
    static func coordinate(_ value: Double) -> Int {
        value < 0 ? -1 : value >= 2_147_483_647 ? 2_147_483_647 : Int(value)
    }

    /// Geometry.c `ImagingScaleAffine` (no rotation): pretabulated columns, positions accumulated in double.
    private func affineScaleNearest(into out: inout Image, _ a: [Double], fillsUncovered: Bool) {
        func coordinate(_ value: Double) -> Int { Image.coordinate(value) }
        let pixelBytes = mode.bytesPerPixel
        var columns = [Int](repeating: -1, count: out.width)
        var xPosition = a[2] + a[0] * 0.5
        for x in 0..<out.width {
            let source = coordinate(xPosition)
            if source >= 0, source < width { columns[x] = source }
            xPosition += a[0]
        }
        var yPosition = a[5] + a[4] * 0.5
        for y in 0..<out.height {
            let sourceY = coordinate(yPosition)
            yPosition += a[4]
            for x in 0..<out.width {
                let to = (y * out.width + x) * pixelBytes
                if sourceY >= 0, sourceY < height, columns[x] >= 0 {
                    let from = (sourceY * width + columns[x]) * pixelBytes
                    for byte in 0..<pixelBytes { out.pixels[to + byte] = pixels[from + byte] }
                } else if fillsUncovered {
                    for byte in 0..<pixelBytes { out.pixels[to + byte] = 0 }
                }
            }
        }
    }

    /// Geometry.c `affine_fixed` (16.16 fixed point) when every corner maps inside ±32768, else the
    /// double-precision loop. Uncovered pixels keep the canvas colour.
    private func affineNearest(into out: inout Image, _ a: [Double]) {
        let pixelBytes = mode.bytesPerPixel
        func fits(_ x: Double, _ y: Double) -> Bool {
            abs(x * a[0] + y * a[1] + a[2]) < 32768 && abs(x * a[3] + y * a[4] + a[5]) < 32768
        }
        let (w, h) = (Double(out.width), Double(out.height))
        func copy(_ sourceX: Int, _ sourceY: Int, _ x: Int, _ y: Int) {
            guard sourceX >= 0, sourceX < width, sourceY >= 0, sourceY < height else { return }
            let from = (sourceY * width + sourceX) * pixelBytes
            let to = (y * out.width + x) * pixelBytes
            for byte in 0..<pixelBytes { out.pixels[to + byte] = pixels[from + byte] }
        }
        if fits(0, 0) && fits(w, h) && fits(0, h) && fits(w, 0) {
            func fixed(_ v: Double) -> Int {
                let scaled = v * 65536 + 0.5
                return scaled < 0 ? Int(floor(scaled)) : Int(scaled)
            }
            let (a0, a1, a3, a4) = (fixed(a[0]), fixed(a[1]), fixed(a[3]), fixed(a[4]))
            var rowX = fixed(a[2] + a[0] * 0.5 + a[1] * 0.5)
            var rowY = fixed(a[5] + a[3] * 0.5 + a[4] * 0.5)
            for y in 0..<out.height {
                var xx = rowX
                var yy = rowY
                for x in 0..<out.width {
                    copy(xx >> 16, yy >> 16, x, y)
                    xx += a0
                    yy += a3
                }
                rowX += a1
                rowY += a4
            }
        } else {
            func coordinate(_ value: Double) -> Int { Image.coordinate(value) }
            var rowX = a[2] + a[1] * 0.5 + a[0] * 0.5
            var rowY = a[5] + a[4] * 0.5 + a[3] * 0.5
            for y in 0..<out.height {
                var xx = rowX
                var yy = rowY
                for x in 0..<out.width {
                    copy(coordinate(xx), coordinate(yy), x, y)
                    xx += a[0]
                    yy += a[3]
                }
                rowX += a[1]
                rowY += a[4]
            }
        }
    }

    // MARK: Bilinear / bicubic

    /// Geometry.c's generic transform with `bilinear_filter*` / `bicubic_filter*`: edge pixels are
    /// clamped, rows past the edge repeat the previous row's value, results truncated to 8 bits.
    private func affineInterpolated(into out: inout Image, _ a: [Double], bicubic: Bool, fillsUncovered: Bool) {
        let channels = mode.channels
        let source = pixels
        func sample(_ x: Int, _ y: Int, _ channel: Int) -> Double {
            Double(source[(y * width + x) * channels + channel])
        }
        func clampX(_ x: Int) -> Int { x < 0 ? 0 : x < width ? x : width - 1 }
        func clampY(_ y: Int) -> Int { y < 0 ? 0 : y < height ? y : height - 1 }
        func floorInt(_ v: Double) -> Int { v < 0 ? Int(floor(v)) : Int(v) }
        func cubic(_ v1: Double, _ v2: Double, _ v3: Double, _ v4: Double, _ d: Double) -> Double {
            let p1 = v2
            let p2 = -v1 + v3
            let p3 = 2 * (v1 - v2) + v3 - v4
            let p4 = -v1 + v2 - v3 + v4
            return p1 + d * (p2 + d * (p3 + d * p4))
        }
        for y in 0..<out.height {
            for x in 0..<out.width {
                let inX = a[0] * (Double(x) + 0.5) + a[1] * (Double(y) + 0.5) + a[2]
                let inY = a[3] * (Double(x) + 0.5) + a[4] * (Double(y) + 0.5) + a[5]
                let to = (y * out.width + x) * channels
                guard inX >= 0, inX < Double(width), inY >= 0, inY < Double(height) else {
                    if fillsUncovered { for c in 0..<channels { out.pixels[to + c] = 0 } }
                    continue
                }
                let shiftedX = inX - 0.5
                let shiftedY = inY - 0.5
                let column = floorInt(shiftedX)
                let row = floorInt(shiftedY)
                let dx = shiftedX - Double(column)
                let dy = shiftedY - Double(row)
                for c in 0..<channels {
                    if bicubic {
                        let x0 = clampX(column - 1)
                        let x1 = clampX(column)
                        let x2 = clampX(column + 1)
                        let x3 = clampX(column + 2)
                        func line(_ r: Int) -> Double {
                            cubic(sample(x0, r, c), sample(x1, r, c), sample(x2, r, c), sample(x3, r, c), dx)
                        }
                        let top = row - 1
                        let v1 = line(clampY(top))
                        let v2 = top + 1 >= 0 && top + 1 < height ? line(top + 1) : v1
                        let v3 = top + 2 >= 0 && top + 2 < height ? line(top + 2) : v2
                        let v4 = top + 3 >= 0 && top + 3 < height ? line(top + 3) : v3
                        let v = cubic(v1, v2, v3, v4, dy)
                        out.pixels[to + c] = v <= 0 ? 0 : v >= 255 ? 255 : UInt8(v)
                    } else {
                        let x0 = clampX(column)
                        let x1 = clampX(column + 1)
                        let top = clampY(row)
                        let a0 = sample(x0, top, c)
                        var v1 = a0 + (sample(x1, top, c) - a0) * dx
                        var v2 = v1
                        if row + 1 >= 0, row + 1 < height {
                            let b0 = sample(x0, row + 1, c)
                            v2 = b0 + (sample(x1, row + 1, c) - b0) * dx
                        }
                        v1 = v1 + (v2 - v1) * dy
                        out.pixels[to + c] = UInt8(v1)
                    }
                }
            }
        }
    }
}
