import Hub
import Media
import Models
import Pipelines
import Processors
import Script
import Tensors
import Tokenizers

// Script spellings of the vision guides: `AutoImageProcessor` / `AutoProcessor.from_pretrained`,
// `processor(images=image, text=labels, return_tensors="pt", padding=True)`, `CLIPModel.get_image_features`, …

enum VisionBindings {
    static func imageValue(_ image: Image) -> Value { .object(ImageObject(image)) }
    static func tensorValue(_ tensor: Tensor) -> Value { .object(TensorObject(tensor)) }

    /// A script image (`Image.open(…)`) as a Media image, or nil for other values.
    static func image(from value: Value) -> Image? {
        if case .object(let object) = value, let image = object as? ImageObject { return image.image }
        return nil
    }

    /// `images=`: one image or a list of them; numpy/torch uint8 arrays [H, W, C] become images too.
    static func images(_ value: Value, _ interp: Interpreter) throws -> [Image] {
        if let image = image(from: value) { return [image] }
        if case .object(let object) = value, object is TensorObject { return [try arrayImage(value, interp)] }
        switch value {
        case .list, .tuple:
            return try interp.iterate(value).map { item in
                if let image = image(from: item) { return image }
                return try arrayImage(item, interp)
            }
        default:
            throw ScriptError.valueError(
                "Invalid image type. Must be of type PIL.Image.Image, numpy.ndarray or torch.Tensor, got \(value.typeName)")
        }
    }

    static func arrayImage(_ value: Value, _ interp: Interpreter) throws -> Image {
        let tensor = try TorchConversion.tensor(value, interp, "images")
        guard tensor.dtype == .uint8, tensor.rank == 3, [1, 3, 4].contains(tensor.shape[2]) else {
            throw ScriptError.valueError("images given as arrays must be uint8 [height, width, channels], got \(tensor.dtype) \(tensor.shape)")
        }
        let mode: ImageMode = tensor.shape[2] == 1 ? .l : (tensor.shape[2] == 3 ? .rgb : .rgba)
        let bytes = tensor.contiguous().int64s().map { UInt8(truncatingIfNeeded: $0) }
        return try Image(width: tensor.shape[1], height: tensor.shape[0], mode: mode, pixels: bytes)
    }

    /// Call keyword arguments as processor overrides (`size={"height": 32, "width": 32}`, `do_center_crop=False`).
    static func overrides(_ keywords: [(name: String, value: Value)], _ interp: Interpreter, skipping: Set<String>) throws -> JSONObjectOverrides {
        var object = JSONObjectOverrides()
        for (name, value) in keywords where !skipping.contains(name) { object[name] = try ConfigObject.json(value, interp) }
        return object
    }

    /// A `BatchFeature` as the script's dict-like `BatchEncoding`: tensors with `return_tensors`, else lists.
    static func featureObject(_ features: BatchFeature, returnTensors: Value, _ interp: Interpreter) throws -> Value {
        var fields: [(String, Value)] = []
        let wantsTensors = !returnTensors.isNone
        if wantsTensors, case .str(let kind) = returnTensors, kind != "pt" && kind != "np" {
            throw ScriptError.valueError("return_tensors='\(kind)': only 'pt' (and 'np') tensors exist here")
        }
        for (name, field) in features.fields {
            if wantsTensors {
                fields.append((name, .object(TensorObject(try features.tensor(name)))))
                continue
            }
            switch field {
            case .images(let arrays): fields.append((name, .list(try arrays.map { .object(TensorObject(try $0.tensor(channelsLast: features.channelsLast))) })))
            case .integers(let rows): fields.append((name, .list(rows.map { .list($0.map { .int($0) }) })))
            case .tensor(let t): fields.append((name, .object(TensorObject(t))))
            }
        }
        return .object(BatchEncodingObject(fields: fields))
    }

    /// Adds the vision classes to the `transformers` module.
    static func install(into m: ModuleObject, hub: Hub) {
        let imageProcessorClass = AutoClass("AutoImageProcessor") { reference, kwargs, interp in
            let overrides = try overrides(kwargs, interp, skipping: ["use_fast", "revision", "trust_remote_code", "cache_dir"])
            return .object(ImageProcessorObject(try AutoImageProcessor.fromPretrained(reference, overrides: overrides, hub: hub)))
        }
        m.attributes["AutoImageProcessor"] = .object(imageProcessorClass)
        for name in ["CLIPImageProcessor", "ViTImageProcessor"] { m.attributes[name] = .object(imageProcessorClass) }
        let processorClass = AutoClass("AutoProcessor") { reference, _, _ in
            switch try AutoProcessor.fromPretrained(reference, hub: hub) {
            case .imageText(let processor): return .object(ImageTextProcessorObject(processor))
            case .image(let processor): return .object(ImageProcessorObject(processor))
            case .tokenizer(let tokenizer): return .object(TokenizerObject(tokenizer))
            }
        }
        m.attributes["AutoProcessor"] = .object(processorClass)
        m.attributes["CLIPProcessor"] = .object(processorClass)
        let classes: [(String, ModelTask)] = [("ViTModel", .base), ("ViTForImageClassification", .imageClassification), ("CLIPModel", .base)]
        for (name, task) in classes {
            m.attributes[name] = .object(AutoClass(name) { reference, _, _ in
                .object(ModelObject(try AutoModel.fromPretrained(reference, task: task, hub: hub).model))
            })
        }
        for (name, vision) in [("CLIPTextModel", false), ("CLIPVisionModel", true)] {
            m.attributes[name] = .object(AutoClass(name) { reference, _, _ in
                .object(ModelObject(try AutoModel.clipTower(reference, vision: vision, hub: hub).model))
            })
        }
    }

    /// `model.get_image_features(pixel_values=…)` / `model.get_text_features(input_ids=…, attention_mask=…)`.
    static func featureMethod(_ name: String, model: any PretrainedModel) -> Value {
        .object(BuiltinFunction(name) { args, interp in
            var named: [String: Tensor] = [:]
            for (key, value) in args.keywords where !value.isNone && !["return_dict", "output_hidden_states", "output_attentions"].contains(key) {
                named[key] = try TorchConversion.tensor(value, interp, key)
            }
            if let first = args.positional.first {
                named[name == "get_image_features" ? "pixel_values" : "input_ids"] = try TorchConversion.tensor(first, interp, "input")
            }
            let inputs = try ModelInputs(named)
            let features = name == "get_image_features"
                ? try ModelFeatures.imageFeatures(model, inputs) : try ModelFeatures.textFeatures(model, inputs)
            return .object(TensorObject(features))
        })
    }
}

/// An image processor: `image_processor(images, return_tensors="pt", **overrides)`.
final class ImageProcessorObject: ScriptObject {
    let processor: any ImageProcessor
    init(_ processor: any ImageProcessor) { self.processor = processor }

    var typeName: String { processor.className }
    func repr(in interp: Interpreter) throws -> String {
        "\(processor.className) \(try interp.repr(ConfigObject.value(.object(processor.config.values))))"
    }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        guard let images = args.positional.first ?? args.keyword("images") else {
            throw ScriptError.typeError("\(processor.className).__call__() missing 1 required positional argument: 'images'")
        }
        let returnTensors = args.keyword("return_tensors") ?? .none
        let overrides = try VisionBindings.overrides(args.keywords, interp, skipping: ["images", "return_tensors"])
        let features = try processor.preprocess(try VisionBindings.images(images, interp), overrides: overrides)
        return try VisionBindings.featureObject(features, returnTensors: returnTensors, interp)
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if name == "preprocess" { return .object(BuiltinFunction("preprocess") { args, interp in try self.call(args, in: interp) }) }
        if let value = processor.config[name] { return ConfigObject.value(value) }
        return nil
    }

    func attributeNames() -> [String] { ["preprocess"] + processor.config.values.keys }
}

/// `CLIPProcessor`: `processor(text=…, images=…, return_tensors="pt", padding=True)`.
final class ImageTextProcessorObject: ScriptObject {
    let processor: ImageTextProcessor
    init(_ processor: ImageTextProcessor) { self.processor = processor }

    var typeName: String { processor.className }
    func repr(in interp: Interpreter) throws -> String { "\(processor.className):\n- image_processor: \(processor.imageProcessor.className)\n- tokenizer: \(TokenizerObject(processor.tokenizer).className)" }

    static let textKeys: Set<String> = ["padding", "truncation", "max_length", "return_tensors", "text", "images", "add_special_tokens"]

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        // CLIPProcessor.__call__(text=None, images=None, …): positionals in that order.
        let text = args.keyword("text") ?? (args.positional.count > 0 ? args.positional[0] : .none)
        let images = args.keyword("images") ?? (args.positional.count > 1 ? args.positional[1] : .none)
        var texts: [String]? = nil
        switch text {
        case .none: break
        case .str(let s): texts = [s]
        default: texts = try interp.iterate(text).map { try interp.string($0, "text") }
        }
        var options = ImageTextProcessor.TextOptions()
        switch args.keyword("padding") ?? .bool(false) {
        case .bool(true), .str("longest"): options.padding = .longest
        case .str("max_length"): options.padding = .maxLength
        case .bool(false), .none, .str("do_not_pad"): options.padding = .doNotPad
        default: throw ScriptError.valueError("padding must be True, False, 'longest', 'max_length' or 'do_not_pad'")
        }
        if let truncation = args.keyword("truncation") { options.truncation = try interp.bool(truncation) }
        if let maxLength = args.keyword("max_length") { options.maxLength = try interp.optionalInt(maxLength) }
        let overrides = try VisionBindings.overrides(args.keywords, interp, skipping: Self.textKeys)
        let features = try processor(text: texts, images: images.isNone ? nil : try VisionBindings.images(images, interp),
                                     textOptions: options, imageOverrides: overrides)
        return try VisionBindings.featureObject(features, returnTensors: args.keyword("return_tensors") ?? .none, interp)
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "tokenizer": return .object(TokenizerObject(processor.tokenizer))
        case "image_processor": return .object(ImageProcessorObject(processor.imageProcessor))
        case "batch_decode", "decode": return try TokenizerObject(processor.tokenizer).attribute(name, in: interp)
        default: return nil
        }
    }

    func attributeNames() -> [String] { ["tokenizer", "image_processor", "batch_decode", "decode"] }
}
