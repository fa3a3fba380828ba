import Media
import Script
import Tensors

/// `from PIL import Image`: open, convert, resize, crop, rotate, save — equal to Pillow through the Media target.
final class ImageObject: ScriptObject, ArrayConvertible {
    var image: Image
    init(_ image: Image) { self.image = image }

    var typeName: String { "Image" }
    func repr(in interp: Interpreter) throws -> String {
        "<PIL.Image.Image image mode=\(image.mode.rawValue) size=\(image.width)x\(image.height)>"
    }

    /// `np.array(image)`: height × width (× channels) uint8.
    func arrayTensor() throws -> Tensor { try Tensor(image.pixels, shape: image.arrayShape) }

    static func resampling(_ value: Value, _ interp: Interpreter) throws -> Resampling {
        if value.isNone { return .bicubic }
        guard let filter = Resampling(rawValue: try interp.toInt(value)) else { throw ScriptError.valueError("unknown resampling filter (\(try interp.repr(value)))") }
        return filter
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "size": return .tuple([.int(image.width), .int(image.height)])
        case "width": return .int(image.width)
        case "height": return .int(image.height)
        case "mode": return .str(image.mode.rawValue)
        default: break
        }
        guard let method = Self.methods[name] else { return nil }
        return method.bind(self, name: name)
    }

    func attributeNames() -> [String] { ["size", "width", "height", "mode"] + Self.methods.keys.sorted() }

    static let methods: [String: NativeMethod<ImageObject>] = [
        "convert": NativeMethod([Parameter("mode")]) { this, a, interp in
            .object(ImageObject(try this.image.converted(to: try interp.string(a[0], "mode"))))
        },
        "resize": NativeMethod([Parameter("size"), Parameter("resample", default: Value.none)]) { this, a, interp in
            let size = try interp.intList(a[0], function: "resize")
            guard size.count == 2 else { throw ScriptError.valueError("resize: size must be a (width, height) tuple") }
            return .object(ImageObject(try this.image.resized(to: (size[0], size[1]), resample: try resampling(a[1], interp))))
        },
        "crop": NativeMethod([Parameter("box", default: Value.none)]) { this, a, interp in
            if a[0].isNone { return .object(ImageObject(this.image)) }
            let box = try interp.iterate(a[0]).map { try interp.toFloat($0) }
            guard box.count == 4 else { throw ScriptError.valueError("crop: box must be (left, upper, right, lower)") }
            return .object(ImageObject(try this.image.cropped(box: (box[0], box[1], box[2], box[3]))))
        },
        "transpose": NativeMethod([Parameter("method")]) { this, a, interp in
            guard let method = Transpose(rawValue: try interp.toInt(a[0])) else { throw ScriptError.valueError("unknown transpose method") }
            return .object(ImageObject(this.image.transposed(method)))
        },
        "copy": NativeMethod([]) { this, _, _ in .object(ImageObject(this.image)) },
        "save": NativeMethod([Parameter("fp"), Parameter("format", default: Value.none), Parameter("quality", default: .int(75))]) { this, a, interp in
            try this.image.save(try interp.string(a[0], "fp"), quality: try interp.toInt(a[2]))
            return .none
        },
    ]
}

enum ImageModule {
    static func make() -> ModuleObject {
        let m = ModuleObject("PIL.Image", doc: "Pillow's Image module over Swiftformers' Media target.")
        for filter in Resampling.allCases {
            m.attributes[filter.pillowConstantName] = .int(filter.rawValue)
        }
        let resamplingNamespace = ModuleObject("PIL.Image.Resampling")
        for filter in Resampling.allCases { resamplingNamespace.attributes[filter.pillowConstantName] = .int(filter.rawValue) }
        m.attributes["Resampling"] = .object(resamplingNamespace)
        for method in Transpose.allCases { m.attributes[method.pillowConstantName] = .int(method.rawValue) }
        m.define("open", [Parameter("fp"), Parameter("mode", default: .str("r"))]) { a, interp in
            .object(ImageObject(try Image.open(try interp.string(a[0], "fp"))))
        }
        m.define("fromarray", [Parameter("obj"), Parameter("mode", default: Value.none)]) { a, interp in
            let tensor = try TorchConversion.tensor(a[0], interp, "obj")
            guard tensor.dtype == .uint8 else {
                throw ScriptError.typeError("Cannot handle this data type: \(tensor.dtype.torchName); convert with .astype(\"uint8\") first")
            }
            let bytes = tensor.contiguous().int64s().map { UInt8(truncatingIfNeeded: $0) }
            return .object(ImageObject(try Image.fromArray(bytes, shape: tensor.shape)))
        }
        return m
    }

    static func makePackage() -> ModuleObject { ModuleObject("PIL", doc: "Pillow over Swiftformers' Media target.") }
}

extension Resampling {
    var pillowConstantName: String {
        switch self {
        case .nearest: "NEAREST"
        case .lanczos: "LANCZOS"
        case .bilinear: "BILINEAR"
        case .bicubic: "BICUBIC"
        case .box: "BOX"
        case .hamming: "HAMMING"
        }
    }
}

extension Transpose {
    var pillowConstantName: String {
        switch self {
        case .flipLeftRight: "FLIP_LEFT_RIGHT"
        case .flipTopBottom: "FLIP_TOP_BOTTOM"
        case .rotate90: "ROTATE_90"
        case .rotate180: "ROTATE_180"
        case .rotate270: "ROTATE_270"
        case .transpose: "TRANSPOSE"
        case .transverse: "TRANSVERSE"
        }
    }
}
