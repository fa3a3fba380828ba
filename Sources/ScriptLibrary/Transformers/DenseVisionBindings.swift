import Foundation
import Hub
import Media
import Models
import Pipelines
import Processors
import Script
import Tensors

// The script spellings of the monocular depth estimation and image-to-image guides: `pipeline("depth-estimation")`,
// `pipeline(task="image-to-image")`, `AutoImageProcessor.from_pretrained`, `Swin2SRImageProcessor(...)`,
// `image_processor(image, return_tensors="pt").pixel_values`, `post_process_depth_estimation`, and the model classes
// the guide names (`Swin2SRForImageSuperResolution.from_pretrained`).

enum DenseVisionBindings {
    /// Model types whose forward takes `pixel_values` first (`model(pixel_values)` in the guides).
    static let pixelModelTypes: Set<String> = ["vit", "dpt", "glpn", "swin2sr", "resnet", "mobilenet_v2"]

    /// Adds the bindings to `transformers`, wrapping its `pipeline` so the dense tasks are handled here.
    static func install(into m: ModuleObject, hub: Hub) {
        if case .object(let original)? = m.attributes["pipeline"] {
            let signature = Signature([Parameter("task", default: Value.none), Parameter("model", default: Value.none)],
                                      varKeyword: "kwargs")
            m.attributes["pipeline"] = .object(BuiltinFunction("pipeline", signature) { a, interp in
                if case .str(let task) = a[0], DensePredictionTasks.handles(task) {
                    return .object(try DensePipelineObject(task: task, model: a[1], hub: hub, interp: interp))
                }
                var keywords: [(name: String, value: Value)] = [("task", a[0]), ("model", a[1])]
                if case .dict(let kwargs) = a[2] {
                    for entry in kwargs.entries { if case .str(let key) = entry.key { keywords.append((key, entry.value)) } }
                }
                return try original.call(Arguments([], keywords: keywords), in: interp)
            })
        }
        // Dense processors here; every other class goes to the processor core's AutoImageProcessor (helper vision's).
        let coreAutoImageProcessor = m.attributes["AutoImageProcessor"]
        m.attributes["AutoImageProcessor"] = .object(AutoClass("AutoImageProcessor") { reference, kwargs, interp in
            let folder = try AutoModel.modelFolder(reference, hub: hub)
            let modelType = try? PretrainedConfig(contentsOf: folder.appendingPathComponent("config.json")).modelType
            do {
                return .object(DenseImageProcessorObject(try DenseImageProcessors.load(folder: folder, modelType: modelType)))
            } catch DenseImageProcessorError.unsupportedType(let name) {
                guard case .object(let core)? = coreAutoImageProcessor,
                      case .object(let load)? = try core.attribute("from_pretrained", in: interp) else {
                    throw DenseImageProcessorError.unsupportedType(name)
                }
                return try load.call(Arguments([.str(reference)], keywords: kwargs), in: interp)
            }
        })
        for (name, type) in [("DPTImageProcessor", "dpt"), ("GLPNImageProcessor", "glpn"), ("Swin2SRImageProcessor", "swin2sr")] {
            m.attributes[name] = .object(ProcessorClass(name, modelType: type, hub: hub))
        }
        for (name, task) in [("DPTForDepthEstimation", ModelTask.depthEstimation), ("GLPNForDepthEstimation", .depthEstimation),
                             ("Swin2SRForImageSuperResolution", .imageToImage), ("ResNetForImageClassification", .imageClassification),
                             ("MobileNetV2ForImageClassification", .imageClassification)] {
            m.attributes[name] = .object(AutoClass(name) { reference, _, _ in
                .object(ModelObject(try AutoModel.fromPretrained(reference, task: task, hub: hub).model))
            })
        }
    }

    /// A pipeline input: an Image object, or a path (http(s) URLs fail clearly offline through `Image.open`).
    static func image(_ value: Value, _ interp: Interpreter) throws -> Image {
        if case .object(let object as ImageObject) = value { return object.image }
        if case .str(let path) = value { return try Image.open(path) }
        throw ScriptError.typeError("expected a PIL image or a path, got \(try interp.repr(value))")
    }
}

/// `pipeline("depth-estimation" | "image-to-image", model=…)`.
final class DensePipelineObject: ScriptObject {
    enum Kind { case depth(DepthEstimationPipeline), imageToImage(ImageToImagePipeline) }
    let kind: Kind

    init(task: String, model: Value, hub: Hub, interp: Interpreter) throws {
        let reference: String
        if case .object(let object as ModelObject) = model {
            reference = object.model.config.nameOrPath
        } else {
            reference = model.isNone ? DensePredictionTasks.defaultModels[task] ?? "" : try interp.string(model, "model")
        }
        kind = task == "depth-estimation" ? .depth(try DepthEstimationPipeline(model: reference, hub: hub))
                                          : .imageToImage(try ImageToImagePipeline(model: reference, hub: hub))
    }

    var typeName: String {
        if case .depth = kind { return "DepthEstimationPipeline" }
        return "ImageToImagePipeline"
    }
    func repr(in interp: Interpreter) throws -> String { "<transformers.pipelines.\(typeName) object>" }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        guard let input = args.positional.first ?? args.keyword("images") ?? args.keyword("inputs") else {
            throw ScriptError.typeError("\(typeName).__call__() missing 1 required positional argument: 'images'")
        }
        var isList = false
        let items: [Value]
        switch input {
        case .list(let list): items = list.items; isList = true
        default: items = [input]
        }
        let images = try items.map { try DenseVisionBindings.image($0, interp) }
        let results: [Value]
        switch kind {
        case .depth(let pipeline):
            results = try pipeline(images).map {
                .dict([("predicted_depth", .object(TensorObject($0.predictedDepth))), ("depth", .object(ImageObject($0.depth)))])
            }
        case .imageToImage(let pipeline):
            results = try pipeline(images).map { .object(ImageObject($0)) }
        }
        return isList ? .list(results) : results[0]
    }
}

/// `AutoImageProcessor.from_pretrained(...)` result: callable on images, with the depth post-processing.
final class DenseImageProcessorObject: ScriptObject {
    let processor: any DenseImageProcessor
    init(_ processor: any DenseImageProcessor) { self.processor = processor }

    var typeName: String { processor.className }
    func repr(in interp: Interpreter) throws -> String { "\(processor.className)()" }

    /// `processor(images, return_tensors="pt")` → `{"pixel_values": tensor}` (attribute access works on it too).
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        guard let input = args.positional.first ?? args.keyword("images") else {
            throw ScriptError.typeError("\(processor.className).__call__() missing 1 required positional argument: 'images'")
        }
        let items: [Value]
        if case .list(let list) = input { items = list.items } else { items = [input] }
        let pixels = try processor.pixelValues(try items.map { try DenseVisionBindings.image($0, interp) })
        return .object(BatchEncodingObject(fields: [("pixel_values", .object(TensorObject(pixels)))]))
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        guard name == "post_process_depth_estimation" else { return nil }
        return .object(BuiltinFunction(name) { args, interp in
            guard let outputs = args.positional.first, case .object(let object as ModelOutputObject) = outputs,
                  let depth = object.output.tensor("predicted_depth") else {
                throw ScriptError.typeError("post_process_depth_estimation: expected the model's outputs (with predicted_depth)")
            }
            var targets: [(height: Int, width: Int)?] = Array(repeating: nil, count: depth.shape.first ?? 0)
            if let given = args.positional.dropFirst().first ?? args.keyword("target_sizes"), !given.isNone {
                targets = try interp.iterate(given).map { size in
                    let pair = try interp.intList(size, function: "post_process_depth_estimation")
                    guard pair.count == 2 else { throw ScriptError.valueError("target_sizes: each size must be (height, width)") }
                    return (pair[0], pair[1])
                }
            }
            let maps = try DensePostProcessing.depth(depth, targetSizes: targets)
            return .list(maps.map { .dict([("predicted_depth", .object(TensorObject($0)))]) })
        })
    }

    func attributeNames() -> [String] { ["post_process_depth_estimation"] }
}

/// `Swin2SRImageProcessor(...)` (class defaults, as the guide calls it) and `.from_pretrained(...)`.
final class ProcessorClass: ScriptObject {
    let name: String, modelType: String, hub: Hub
    init(_ name: String, modelType: String, hub: Hub) { (self.name, self.modelType, self.hub) = (name, modelType, hub) }

    var typeName: String { "type" }
    func repr(in interp: Interpreter) throws -> String { "<class 'transformers.\(name)'>" }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var config = JSONObject()
        config["image_processor_type"] = .string(name)
        for (key, value) in args.keywords {
            switch value {
            case .bool(let b): config[key] = .bool(b)
            case .int(let i): config[key] = .int(i)
            case .float(let d): config[key] = .double(d)
            default: continue
            }
        }
        return .object(DenseImageProcessorObject(try DenseImageProcessors.make(config: config)))
    }

    func attribute(_ attribute: String, in interp: Interpreter) throws -> Value? {
        guard attribute == "from_pretrained" else { return nil }
        return .object(BuiltinFunction("from_pretrained") { args, interp in
            guard let first = args.positional.first else { throw ScriptError.typeError("from_pretrained() missing 1 required positional argument") }
            let folder = try AutoModel.modelFolder(try interp.string(first, "pretrained_model_name_or_path"), hub: self.hub)
            return .object(DenseImageProcessorObject(try DenseImageProcessors.load(folder: folder, modelType: self.modelType)))
        })
    }
    func attributeNames() -> [String] { ["from_pretrained"] }
}
