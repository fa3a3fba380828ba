import Foundation
import Hub
import Media
import Tensors

// The image processors of the dense-prediction guides (depth estimation, super-resolution): DPT, GLPN and Swin2SR.
// Each reads its `preprocessor_config.json` and turns images into `pixel_values` equal to the reference's (Pillow
// resize on the 8-bit image, then rescale in double precision and normalize in float, as numpy does).

/// An image processor that makes `pixel_values` and post-processes dense outputs.
public protocol DenseImageProcessor: Sendable {
    /// The Python class name (`DPTImageProcessor`…), shown in reprs.
    var className: String { get }
    /// [batch, 3, height, width] float32 for RGB images; every image must come out the same size to batch.
    func pixelValues(_ images: [Image]) throws -> Tensor
}

public enum DenseImageProcessorError: Error, CustomStringConvertible, Equatable {
    case missingConfig(String)
    case unsupportedType(String)
    case invalidConfig(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .missingConfig(let path): "no preprocessor_config.json in \(path)"
        case .unsupportedType(let name): "image processor '\(name)' is not one of DPTImageProcessor, GLPNImageProcessor, Swin2SRImageProcessor"
        case .invalidConfig(let detail), .invalidInput(let detail): detail
        }
    }
}

/// Loads the processor a `preprocessor_config.json` names (by `image_processor_type` or the older
/// `feature_extractor_type`), or the one a model type implies when the file names none.
public enum DenseImageProcessors {
    public static func load(folder: URL, modelType: String? = nil) throws -> any DenseImageProcessor {
        let url = folder.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { throw DenseImageProcessorError.missingConfig(folder.path) }
        let value = try JSONValue(contentsOf: url)
        guard let config = value.objectValue else { throw DenseImageProcessorError.invalidConfig("\(url.path) is not a JSON object") }
        return try make(config: config, modelType: modelType)
    }

    public static func make(config: JSONObject, modelType: String? = nil) throws -> any DenseImageProcessor {
        var name = config["image_processor_type"]?.stringValue ?? config["feature_extractor_type"]?.stringValue ?? ""
        name = name.replacingOccurrences(of: "FeatureExtractor", with: "ImageProcessor").replacingOccurrences(of: "Fast", with: "")
        if name.isEmpty, let modelType {
            name = ["dpt": "DPTImageProcessor", "glpn": "GLPNImageProcessor", "swin2sr": "Swin2SRImageProcessor"][modelType] ?? modelType
        }
        switch name {
        case "DPTImageProcessor": return try DPTImageProcessor(config: config)
        case "GLPNImageProcessor": return try GLPNImageProcessor(config: config)
        case "Swin2SRImageProcessor": return try Swin2SRImageProcessor(config: config)
        default: throw DenseImageProcessorError.unsupportedType(name)
        }
    }
}

// MARK: - Shared steps

/// The numeric steps after resizing, on an 8-bit RGB image, channel-first.
struct PixelSteps: Sendable {
    var rescaleFactor: Double?
    var mean: [Float]?
    var std: [Float]?

    /// [3, height, width]: `Float(Double(p) · factor)` (numpy rescales in float64, then casts), then (x − mean) / std.
    func planes(_ image: Image) -> [Float] {
        let rgb = image.mode == .rgb ? image : image.converted(to: .rgb)
        let (w, h) = (rgb.width, rgb.height)
        var out = [Float](repeating: 0, count: 3 * w * h)
        rgb.withUnsafeBytes { bytes in
            for c in 0..<3 {
                let m = mean?[c] ?? 0, s = std?[c] ?? 1
                for i in 0..<(w * h) {
                    var x = rescaleFactor.map { Float(Double(bytes[i * 3 + c]) * $0) } ?? Float(bytes[i * 3 + c])
                    if mean != nil { x = (x - m) / s }
                    out[c * w * h + i] = x
                }
            }
        }
        return out
    }
}

extension JSONObject {
    /// A processor field that is a bool, with the class default.
    func flag(_ key: String, _ fallback: Bool) -> Bool { self[key]?.boolValue ?? fallback }

    /// `image_mean` / `image_std`: three numbers (one is repeated).
    func triple(_ key: String, _ fallback: [Float]) throws -> [Float] {
        guard let value = self[key], !value.isNull else { return fallback }
        if let number = value.doubleValue { return Array(repeating: Float(number), count: 3) }
        guard let items = value.arrayValue?.compactMap(\.doubleValue), items.count == 3 else {
            throw DenseImageProcessorError.invalidConfig("\(key) must be 3 numbers, found \(value)")
        }
        return items.map(Float.init)
    }

    /// `resample` as Pillow's integer code.
    func resampling(_ fallback: Resampling) throws -> Resampling {
        guard let value = self["resample"], !value.isNull else { return fallback }
        guard let code = value.intValue, let resampling = Resampling(rawValue: code) else {
            throw DenseImageProcessorError.invalidConfig("resample must be a Pillow resampling code 0–5, found \(value)")
        }
        return resampling
    }
}

/// Stacks [3, h, w] planes of equal size into [batch, 3, h, w].
func stackPlanes(_ planes: [[Float]], height: Int, width: Int, sizes: [(Int, Int)]) throws -> Tensor {
    guard sizes.allSatisfy({ $0 == (height, width) }) else {
        throw DenseImageProcessorError.invalidInput(
            "images come out of the processor at different sizes \(sizes.map { "\($0.0)×\($0.1)" }); process them one at a time")
    }
    return try Tensor(planes.flatMap { $0 }, shape: [planes.count, 3, height, width])
}
