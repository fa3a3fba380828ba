import Hub
import Media
import Tensors

/// `Swin2SRImageProcessor` (transformers/models/swin2sr/image_processing_swin2sr.py): rescale to [0, 1], then pad
/// bottom and right with numpy's "symmetric" mirror to the next multiple of `pad_size` — always at least one row
/// and column, as the reference computes `(size // pad + 1) · pad − size`.
public struct Swin2SRImageProcessor: DenseImageProcessor {
    public var className: String { "Swin2SRImageProcessor" }
    public var doPad: Bool
    public var padSize: Int
    var steps: PixelSteps

    public init(config: JSONObject) throws {
        doPad = config.flag("do_pad", true)
        padSize = config["pad_size"]?.intValue ?? config["size_divisor"]?.intValue ?? 8
        guard padSize > 0 else { throw DenseImageProcessorError.invalidConfig("pad_size must be positive") }
        steps = PixelSteps(rescaleFactor: config.flag("do_rescale", true) ? config["rescale_factor"]?.doubleValue ?? 1 / 255 : nil)
    }

    public func pixelValues(_ images: [Image]) throws -> Tensor {
        var planes: [[Float]] = [], sizes: [(Int, Int)] = []
        for image in images {
            var plane = steps.planes(image)
            var (h, w) = (image.height, image.width)
            if doPad { (plane, h, w) = try symmetricPadded(plane, height: h, width: w) }
            planes.append(plane)
            sizes.append((h, w))
        }
        guard let first = sizes.first else { throw DenseImageProcessorError.invalidInput("no images given") }
        return try stackPlanes(planes, height: first.0, width: first.1, sizes: sizes)
    }

    func symmetricPadded(_ plane: [Float], height: Int, width: Int) throws -> ([Float], Int, Int) {
        let newH = (height / padSize + 1) * padSize, newW = (width / padSize + 1) * padSize
        guard newH - height <= height, newW - width <= width else {
            throw DenseImageProcessorError.invalidInput("Swin2SRImageProcessor: a \(width)×\(height) image is too small to mirror-pad to \(newW)×\(newH)")
        }
        func source(_ i: Int, _ n: Int) -> Int { i < n ? i : 2 * n - 1 - i }
        var out = [Float](repeating: 0, count: 3 * newH * newW)
        for c in 0..<3 {
            for y in 0..<newH {
                let row = (c * height + source(y, height)) * width
                for x in 0..<newW { out[(c * newH + y) * newW + x] = plane[row + source(x, width)] }
            }
        }
        return (out, newH, newW)
    }
}
