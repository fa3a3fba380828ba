import Media
import Tensors

/// A processed image: float32 samples, channels first ([channels, height, width]), the layout of one row of
/// `pixel_values`. Made from an 8-bit `Image` after the Pillow-side steps (resize, crop) by rescaling and
/// normalizing, in float32 arithmetic as the reference's numpy code does it.
public struct PixelArray: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    /// Channel planes one after another, each row-major.
    public var values: [Float]

    public init(channels: Int, height: Int, width: Int, values: [Float]) throws {
        guard values.count == channels * height * width else {
            throw ProcessorError.invalidArgument(
                "pixel array of \(channels)×\(height)×\(width) needs \(channels * height * width) values, got \(values.count)")
        }
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    public var shape: [Int] { [channels, height, width] }

    /// An 8-bit image's samples as floats, optionally rescaled and normalized in one pass.
    ///
    /// Every output value depends only on the input byte and the channel, so each channel gets a 256-entry table
    /// computed with the reference's exact formulas: rescale is `float32(float64(v) * scale)` (`rescale` multiplies
    /// in float64 then casts), normalize is `(x - float32(mean)) / float32(std)` in float32.
    public init(_ image: Image, rescale scale: Double?, mean: [Double]?, std: [Double]?) throws {
        let c = image.mode.bytesPerPixel
        guard image.mode != .i16 else {
            throw ProcessorError.invalidArgument("image processors take 8-bit images; convert the I;16 image to 'L' or 'RGB' first")
        }
        if let mean, let std {
            guard mean.count == c || mean.count == 1 else {
                throw ProcessorError.invalidArgument("mean must have \(c) elements if it is an iterable, got \(mean.count)")
            }
            guard std.count == c || std.count == 1 else {
                throw ProcessorError.invalidArgument("std must have \(c) elements if it is an iterable, got \(std.count)")
            }
        }
        var tables = [Float](repeating: 0, count: 256 * c)
        for channel in 0..<c {
            for v in 0..<256 {
                var x = scale.map { Float(Double(v) * $0) } ?? Float(v)
                if let mean, let std {
                    let m = Float(mean.count == 1 ? mean[0] : mean[channel])
                    let s = Float(std.count == 1 ? std[0] : std[channel])
                    x = (x - m) / s
                }
                tables[channel * 256 + v] = x
            }
        }
        let plane = image.width * image.height
        var values = [Float](repeating: 0, count: plane * c)
        image.pixels.withUnsafeBufferPointer { source in
            tables.withUnsafeBufferPointer { table in
                values.withUnsafeMutableBufferPointer { out in
                    for channel in 0..<c {
                        let lookup = table.baseAddress! + channel * 256
                        let destination = out.baseAddress! + channel * plane
                        var s = source.baseAddress! + channel
                        for i in 0..<plane {
                            destination[i] = lookup[Int(s.pointee)]
                            s += c
                        }
                    }
                }
            }
        }
        try self.init(channels: c, height: image.height, width: image.width, values: values)
    }

    // MARK: Float-side steps

    /// `rescale(image, factor)`: float32(float64(x) · factor).
    public func rescaled(by factor: Double) -> PixelArray {
        var copy = self
        for i in copy.values.indices { copy.values[i] = Float(Double(copy.values[i]) * factor) }
        return copy
    }

    /// `normalize(image, mean, std)`: (x − mean) / std per channel, float32.
    public func normalized(mean: [Double], std: [Double]) throws -> PixelArray {
        guard mean.count == channels || mean.count == 1, std.count == channels || std.count == 1 else {
            throw ProcessorError.invalidArgument(
                "mean and std must have \(channels) elements (one per channel), got \(mean.count) and \(std.count)")
        }
        var copy = self
        let plane = height * width
        for channel in 0..<channels {
            let m = Float(mean.count == 1 ? mean[0] : mean[channel])
            let s = Float(std.count == 1 ? std[0] : std[channel])
            for i in channel * plane..<(channel + 1) * plane { copy.values[i] = (copy.values[i] - m) / s }
        }
        return copy
    }

    /// How `padded` fills the new border (the reference's `PaddingMode`).
    public enum PaddingMode: String, Sendable {
        case constant, reflect, replicate, symmetric
    }

    /// `pad(image, ((top, bottom), (left, right)), mode)` of transformers/image_transforms.py (numpy's `np.pad`).
    public func padded(top: Int, bottom: Int, left: Int, right: Int, mode: PaddingMode = .constant, value: Float = 0) throws -> PixelArray {
        guard top >= 0, bottom >= 0, left >= 0, right >= 0 else {
            throw ProcessorError.invalidArgument("pad: padding must not be negative, got top \(top) bottom \(bottom) left \(left) right \(right)")
        }
        if mode == .reflect, (top >= height || bottom >= height || left >= width || right >= width) && (top + bottom + left + right > 0) {
            throw ProcessorError.invalidArgument("pad: reflect padding must be smaller than the image (\(height)×\(width))")
        }
        let newHeight = height + top + bottom, newWidth = width + left + right
        var out = [Float](repeating: value, count: channels * newHeight * newWidth)
        /// numpy's index mapping for one axis: where output coordinate `i` reads from.
        func source(_ i: Int, before: Int, size: Int) -> Int? {
            let j = i - before
            if j >= 0 && j < size { return j }
            switch mode {
            case .constant: return nil
            case .replicate: return min(max(j, 0), size - 1)
            case .reflect:
                if size == 1 { return 0 }
                let period = 2 * (size - 1)
                var k = j % period
                if k < 0 { k += period }
                return k < size ? k : period - k
            case .symmetric:
                let period = 2 * size
                var k = j % period
                if k < 0 { k += period }
                return k < size ? k : period - 1 - k
            }
        }
        let rows = (0..<newHeight).map { source($0, before: top, size: height) }
        let cols = (0..<newWidth).map { source($0, before: left, size: width) }
        for channel in 0..<channels {
            let inBase = channel * height * width, outBase = channel * newHeight * newWidth
            for (y, sy) in rows.enumerated() {
                guard let sy else { continue }
                for (x, sx) in cols.enumerated() {
                    guard let sx else { continue }
                    out[outBase + y * newWidth + x] = values[inBase + sy * width + sx]
                }
            }
        }
        return try PixelArray(channels: channels, height: newHeight, width: newWidth, values: out)
    }

    /// The array as a [channels, height, width] tensor, or [height, width, channels] when `channelsLast`.
    public func tensor(channelsLast: Bool = false) throws -> Tensor {
        let planar = try Tensor(values, shape: shape)
        return channelsLast ? try planar.permute([1, 2, 0]).contiguous() : planar
    }
}
