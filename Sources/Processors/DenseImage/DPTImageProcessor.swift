import Hub
import Media
import Tensors

/// `DPTImageProcessor` (transformers/models/dpt/image_processing_dpt.py): resize to `size` (optionally keeping the
/// aspect ratio by scaling as little as possible, and rounding each side to `ensure_multiple_of`), rescale,
/// normalize, and optionally center-pad to `size_divisor`.
public struct DPTImageProcessor: DenseImageProcessor {
    public var className: String { "DPTImageProcessor" }
    public var doResize: Bool
    public var size: (height: Int, width: Int)
    public var keepAspectRatio: Bool
    public var ensureMultipleOf: Int
    public var resample: Resampling
    public var doPad: Bool
    public var sizeDivisor: Int?
    var steps: PixelSteps

    public init(config: JSONObject) throws {
        doResize = config.flag("do_resize", true)
        if let side = config["size"]?.intValue {
            size = (side, side)
        } else if let object = config["size"]?.objectValue, let h = object["height"]?.intValue, let w = object["width"]?.intValue {
            size = (h, w)
        } else if config["size"] == nil || config["size"]?.isNull == true {
            size = (384, 384)
        } else {
            throw DenseImageProcessorError.invalidConfig("DPTImageProcessor: size must be an int or {height, width}")
        }
        keepAspectRatio = config.flag("keep_aspect_ratio", false)
        ensureMultipleOf = config["ensure_multiple_of"]?.intValue ?? 1
        guard ensureMultipleOf > 0 else { throw DenseImageProcessorError.invalidConfig("ensure_multiple_of must be positive") }
        resample = try config.resampling(.bicubic)
        doPad = config.flag("do_pad", false)
        sizeDivisor = config["size_divisor"]?.intValue
        steps = PixelSteps(
            rescaleFactor: config.flag("do_rescale", true) ? config["rescale_factor"]?.doubleValue ?? 1 / 255 : nil,
            mean: config.flag("do_normalize", true) ? try config.triple("image_mean", [0.5, 0.5, 0.5]) : nil,
            std: config.flag("do_normalize", true) ? try config.triple("image_std", [0.5, 0.5, 0.5]) : nil)
    }

    /// `get_resize_output_image_size`: (height, width).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        var scaleHeight = Double(size.height) / Double(height)
        var scaleWidth = Double(size.width) / Double(width)
        if keepAspectRatio {
            if Swift.abs(1 - scaleWidth) < Swift.abs(1 - scaleHeight) { scaleHeight = scaleWidth } else { scaleWidth = scaleHeight }
        }
        func constrained(_ value: Double) -> Int {
            let multiple = Double(ensureMultipleOf)
            var x = (value / multiple).rounded(.toNearestOrEven) * multiple  // Python's round()
            if x < 0 { x = (value / multiple).rounded(.up) * multiple }
            return Int(x)
        }
        return (constrained(scaleHeight * Double(height)), constrained(scaleWidth * Double(width)))
    }

    public func pixelValues(_ images: [Image]) throws -> Tensor {
        var planes: [[Float]] = [], sizes: [(Int, Int)] = []
        for image in images {
            var resized = image
            if doResize {
                let (h, w) = outputSize(height: image.height, width: image.width)
                resized = try image.resized(to: (w, h), resample: resample)
            }
            var plane = steps.planes(resized)
            var (h, w) = (resized.height, resized.width)
            if doPad, let divisor = sizeDivisor, divisor > 0 {
                (plane, h, w) = Self.centerPadded(plane, height: h, width: w, divisor: divisor)
            }
            planes.append(plane)
            sizes.append((h, w))
        }
        guard let first = sizes.first else { throw DenseImageProcessorError.invalidInput("no images given") }
        return try stackPlanes(planes, height: first.0, width: first.1, sizes: sizes)
    }

    /// `pad_image`: zeros split evenly before/after (the odd one after) up to the next multiple of `divisor`.
    static func centerPadded(_ plane: [Float], height: Int, width: Int, divisor: Int) -> ([Float], Int, Int) {
        let newH = (height + divisor - 1) / divisor * divisor, newW = (width + divisor - 1) / divisor * divisor
        let top = (newH - height) / 2, left = (newW - width) / 2
        var out = [Float](repeating: 0, count: 3 * newH * newW)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width { out[(c * newH + y + top) * newW + x + left] = plane[(c * height + y) * width + x] }
            }
        }
        return (out, newH, newW)
    }
}
