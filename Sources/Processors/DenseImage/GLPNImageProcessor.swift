import Hub
import Media
import Tensors

/// `GLPNImageProcessor` (transformers/models/glpn/image_processing_glpn.py): each side rounded *down* to a multiple
/// of `size_divisor` (32) by a Pillow resize, then rescaled to [0, 1]; no normalization.
public struct GLPNImageProcessor: DenseImageProcessor {
    public var className: String { "GLPNImageProcessor" }
    public var doResize: Bool
    public var sizeDivisor: Int
    public var resample: Resampling
    var steps: PixelSteps

    public init(config: JSONObject) throws {
        doResize = config.flag("do_resize", true)
        sizeDivisor = config["size_divisor"]?.intValue ?? 32
        guard sizeDivisor > 0 else { throw DenseImageProcessorError.invalidConfig("size_divisor must be positive") }
        resample = try config.resampling(.bilinear)
        steps = PixelSteps(rescaleFactor: config.flag("do_rescale", true) ? config["rescale_factor"]?.doubleValue ?? 1 / 255 : nil)
    }

    public func pixelValues(_ images: [Image]) throws -> Tensor {
        var planes: [[Float]] = [], sizes: [(Int, Int)] = []
        for image in images {
            var resized = image
            if doResize {
                let (h, w) = (image.height / sizeDivisor * sizeDivisor, image.width / sizeDivisor * sizeDivisor)
                guard h > 0, w > 0 else {
                    throw DenseImageProcessorError.invalidInput(
                        "GLPNImageProcessor: a \(image.width)×\(image.height) image is smaller than size_divisor \(sizeDivisor)")
                }
                resized = try image.resized(to: (w, h), resample: resample)
            }
            planes.append(steps.planes(resized))
            sizes.append((resized.height, resized.width))
        }
        guard let first = sizes.first else { throw DenseImageProcessorError.invalidInput("no images given") }
        return try stackPlanes(planes, height: first.0, width: first.1, sizes: sizes)
    }
}
