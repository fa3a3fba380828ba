import Foundation

// MARK: - Transpose

/// Pillow's `Image.Transpose` methods (raw values are Pillow's constants).
public enum Transpose: Int, Sendable, CaseIterable {
    case flipLeftRight = 0
    case flipTopBottom = 1
    /// 90° counter-clockwise.
    case rotate90 = 2
    case rotate180 = 3
    /// 270° counter-clockwise (90° clockwise).
    case rotate270 = 4
    /// Mirror over the main diagonal.
    case transpose = 5
    /// Mirror over the anti-diagonal.
    case transverse = 6

    /// Parses Pillow's names ("FLIP_LEFT_RIGHT", "ROTATE_90", ...).
    public init?(pillowName: String) {
        let names: [String: Transpose] = [
            "FLIP_LEFT_RIGHT": .flipLeftRight, "FLIP_TOP_BOTTOM": .flipTopBottom, "ROTATE_90": .rotate90,
            "ROTATE_180": .rotate180, "ROTATE_270": .rotate270, "TRANSPOSE": .transpose, "TRANSVERSE": .transverse,
        ]
        guard let value = names[pillowName] else { return nil }
        self = value
    }

    /// Whether width and height swap.
    var swapsAxes: Bool { self == .rotate90 || self == .rotate270 || self == .transpose || self == .transverse }
}

extension Image {
    /// Flips or rotates by multiples of 90°, exactly (Pillow's `image.transpose(method)`).
    public func transposed(_ method: Transpose) -> Image {
        let (outWidth, outHeight) = method.swapsAxes ? (height, width) : (width, height)
        let pixelBytes = mode.bytesPerPixel
        var out = [UInt8](repeating: 0, count: pixels.count)
        let (w, h) = (width, height)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for outY in 0..<outHeight {
                    for outX in 0..<outWidth {
                        // Where the output pixel comes from, as Geometry.c's loops define it.
                        let (inX, inY): (Int, Int)
                        switch method {
                        case .flipLeftRight: (inX, inY) = (w - 1 - outX, outY)
                        case .flipTopBottom: (inX, inY) = (outX, h - 1 - outY)
                        case .rotate90: (inX, inY) = (w - 1 - outY, outX)
                        case .rotate180: (inX, inY) = (w - 1 - outX, h - 1 - outY)
                        case .rotate270: (inX, inY) = (outY, h - 1 - outX)
                        case .transpose: (inX, inY) = (outY, outX)
                        case .transverse: (inX, inY) = (w - 1 - outY, h - 1 - outX)
                        }
                        let from = (inY * w + inX) * pixelBytes
                        let to = (outY * outWidth + outX) * pixelBytes
                        for byte in 0..<pixelBytes { target[to + byte] = source[from + byte] }
                    }
                }
            }
        }
        var result = Image(unchecked: outWidth, outHeight, mode, out)
        result.format = format
        return result
    }

    /// Applies the EXIF orientation and clears it, as `ImageOps.exif_transpose(image)`; an image
    /// without orientation (or orientation 1) comes back unchanged.
    public func exifTranspose() -> Image {
        let methods: [Int: Transpose] = [
            2: .flipLeftRight, 3: .rotate180, 4: .flipTopBottom, 5: .transpose, 6: .rotate270, 7: .transverse,
            8: .rotate90,
        ]
        var result = orientation.flatMap { methods[$0] }.map { transposed($0) } ?? self
        result.orientation = nil
        return result
    }

    // MARK: - Crop

    /// The region (left, upper, right, lower) of the image; parts outside are filled with zeros, as
    /// Pillow's `image.crop(box)` does.
    public func cropped(left: Int, upper: Int, right: Int, lower: Int) throws(ImageError) -> Image {
        guard right > left, lower > upper else {
            throw .invalidArgument(
                "crop: box (\(left), \(upper), \(right), \(lower)) is empty (right must exceed left, lower must exceed upper)")
        }
        guard [left, upper, right, lower].allSatisfy({ abs($0) <= 1 << 30 }) else {
            throw .invalidArgument("crop: box (\(left), \(upper), \(right), \(lower)) is out of range")
        }
        let (outWidth, outHeight) = (right - left, lower - upper)
        try Image.checkSize(outWidth, outHeight, operation: "crop")
        let pixelBytes = mode.bytesPerPixel
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * pixelBytes)
        let firstX = max(left, 0)
        let lastX = min(right, width)
        if firstX < lastX {
            let rowLength = (lastX - firstX) * pixelBytes
            for y in max(upper, 0)..<max(min(lower, height), max(upper, 0)) {
                let from = (y * width + firstX) * pixelBytes
                let to = ((y - upper) * outWidth + (firstX - left)) * pixelBytes
                out.replaceSubrange(to..<(to + rowLength), with: pixels[from..<(from + rowLength)])
            }
        }
        return Image(unchecked: outWidth, outHeight, mode, out)
    }

    /// `crop` with a float box, rounded half-to-even like Python's `round` in Pillow's `_crop`.
    public func cropped(box: (Double, Double, Double, Double)) throws(ImageError) -> Image {
        guard [box.0, box.1, box.2, box.3].allSatisfy({ abs($0) <= Double(1 << 30) }) else {
            throw .invalidArgument("crop: box \(box) is out of range")
        }
        func round(_ value: Double) -> Int { Int(value.rounded(.toNearestOrEven)) }
        return try cropped(left: round(box.0), upper: round(box.1), right: round(box.2), lower: round(box.3))
    }
}
