import Foundation

// MARK: - Reduce, reducing gap, thumbnail

extension Image {
    /// Pillow's `image.reduce(factor, box)`: averages factor.x × factor.y blocks (partial blocks at the
    /// right/bottom edges average what they hold), rounding as Reduce.c does. LA/RGBA are averaged premultiplied.
    public func reduced(by factor: (x: Int, y: Int), box: (Int, Int, Int, Int)? = nil) throws(ImageError) -> Image {
        let region = box ?? (0, 0, width, height)
        if factor == (1, 1), region == (0, 0, width, height) { return self }
        if mode.hasAlpha {
            var premultiplied = Image(unchecked: width, height, mode, premultipliedSamples())
            premultiplied = try premultiplied.reducedCore(factor, region)
            Image.unpremultiply(&premultiplied.pixels, channels: mode.channels)
            return premultiplied
        }
        return try reducedCore(factor, region)
    }

    /// `_reduce` in _imaging.c and `ImagingReduce`.
    func reducedCore(_ factor: (x: Int, y: Int), _ box: (Int, Int, Int, Int)) throws(ImageError) -> Image {
        guard factor.x >= 1, factor.y >= 1 else {
            throw .invalidArgument("reduce: scale must be > 0, got \(factor)")
        }
        guard box.0 >= 0, box.1 >= 0 else { throw .invalidArgument("reduce: box offset can't be negative") }
        guard box.2 <= width, box.3 <= height else {
            throw .invalidArgument("reduce: box \(box) can't exceed the \(width)x\(height) image")
        }
        guard box.2 > box.0, box.3 > box.1 else { throw .invalidArgument("reduce: box \(box) can't be empty") }
        if factor == (1, 1) { return try cropped(left: box.0, upper: box.1, right: box.2, lower: box.3) }
        guard mode != .i16 else { throw .unsupportedMode(mode.rawValue, operation: "reduce") }
        let (left, top) = (box.0, box.1)
        let (boxWidth, boxHeight) = (box.2 - box.0, box.3 - box.1)
        let outWidth = (boxWidth - 1) / factor.x + 1  // ⌈boxWidth / factor⌉ without overflow
        let outHeight = (boxHeight - 1) / factor.y + 1
        let channels = mode.channels
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
        for y in 0..<outHeight {
            let rowStart = top + y * factor.y
            let rows = min(factor.y, boxHeight - y * factor.y)
            for x in 0..<outWidth {
                let columnStart = left + x * factor.x
                let columns = min(factor.x, boxWidth - x * factor.x)
                // Reduce.c: (sum + n/2) · multiplier >> 24, multiplier = 2^32 / (256 · n) in float.
                let count = rows * columns
                let multiplier = UInt32(Float(4_294_967_296) / Float(256 * count))
                let amend = UInt32(count / 2)
                for channel in 0..<channels {
                    var sum = amend
                    for row in rowStart..<(rowStart + rows) {
                        var index = (row * width + columnStart) * channels + channel
                        for _ in 0..<columns {
                            sum &+= UInt32(pixels[index])
                            index += channels
                        }
                    }
                    out[(y * outWidth + x) * channels + channel] = UInt8(truncatingIfNeeded: (sum &* multiplier) >> 24)
                }
            }
        }
        return Image(unchecked: outWidth, outHeight, mode, out)
    }

    /// Pillow's `_get_safe_box`: the source box widened by the filter's reach, in whole pixels.
    func safeBox(size: (width: Int, height: Int), resample: Resampling, box: (Double, Double, Double, Double))
        -> (Int, Int, Int, Int)
    {
        let support = resample.support - 0.5
        let supportX = support * (box.2 - box.0) / Double(size.width)
        let supportY = support * (box.3 - box.1) / Double(size.height)
        return (
            max(0, Int(box.0 - supportX)), max(0, Int(box.1 - supportY)),
            min(width, Int(ceil(box.2 + supportX))), min(height, Int(ceil(box.3 + supportY)))
        )
    }

    /// The size `thumbnail` would give (Pillow's `preserve_aspect_ratio`), or nil when the image
    /// already fits.
    public func thumbnailSize(fitting size: (width: Int, height: Int)) -> (width: Int, height: Int)? {
        var (x, y) = size
        if x >= width, y >= height { return nil }
        let aspect = Double(width) / Double(height)
        /// `max(min(floor(n), ceil(n), key=key), 1)`: the closer of floor/ceil (floor on ties).
        func roundAspect(_ number: Double, _ key: (Double) -> Double) -> Int {
            let low = floor(number)
            let high = ceil(number)
            return max(Int(key(high) < key(low) ? high : low), 1)
        }
        if Double(x) / Double(y) >= aspect {
            x = roundAspect(Double(y) * aspect) { abs(aspect - $0 / Double(y)) }
        } else {
            y = roundAspect(Double(x) / aspect) { $0 == 0 ? 0 : abs(aspect - Double(x) / $0) }
        }
        return (x, y)
    }

    /// Pillow's `image.thumbnail(size, resample, reducing_gap)` on a decoded image (no JPEG draft):
    /// keeps the aspect ratio, never enlarges, reduces by whole factors first when `reducingGap` allows.
    /// Returns the new image (Pillow changes the image in place).
    public func thumbnail(
        _ size: (width: Int, height: Int), resample: Resampling = .bicubic, reducingGap: Double? = 2.0
    ) throws(ImageError) -> Image {
        guard size.width > 0, size.height > 0 else {
            throw .invalidArgument("thumbnail: size must be positive, got \(size.width)x\(size.height)")
        }
        guard let target = thumbnailSize(fitting: size) else { return self }
        if target == (width, height) { return self }
        return try resized(to: target, resample: resample, reducingGap: reducingGap)
    }
}
