import Foundation
import Generation
import Hub
import Models
import Pipelines
import Script
import Tensors
import Tokenizers

/// `from transformers import pipeline, AutoTokenizer, AutoModelForMaskedLM, …`.
enum TransformersModule {
    static func make(hub: Hub) -> ModuleObject {
        let m = ModuleObject("transformers", doc: "Hugging Face transformers' API over Swiftformers.")
        m.attributes["__version__"] = .str("4.55.4")
        let pipelineSignature = Signature([Parameter("task", default: Value.none), Parameter("model", default: Value.none),
                                           Parameter("tokenizer", default: Value.none), Parameter("revision", default: Value.none)], varKeyword: "kwargs")
        m.attributes["pipeline"] = .object(BuiltinFunction("pipeline", pipelineSignature) { a, interp in
            guard case .str(let task) = a[0] else { throw ScriptError.runtimeError("Impossible to instantiate a pipeline without either a task or a model being specified.") }
            var defaults: [String: PipelineValue] = [:]
            if case .dict(let kwargs) = a[4] {
                for entry in kwargs.entries {
                    guard case .str(let key) = entry.key else { continue }
                    if ["device", "framework", "torch_dtype", "device_map", "model_kwargs", "trust_remote_code"].contains(key) { continue }
                    defaults[key] = try PipelineValues.from(entry.value, interp)
                }
            }
            let revision = a[3].isNone ? nil : try interp.string(a[3], "revision")
            let pipe: any TaskPipeline
            switch (a[1], a[2]) {
            case (.object(let model as ModelObject), .object(let tokenizer as TokenizerObject)):
                pipe = try Pipeline.make(task: task, model: model.model, tokenizer: tokenizer.tokenizer)
            default:
                let model = a[1].isNone ? nil : try interp.string(a[1], "model")
                let tokenizer = a[2].isNone ? nil : try interp.string(a[2], "tokenizer")
                pipe = try Pipeline.makeAny(task: task, model: model, tokenizer: tokenizer, revision: revision, hub: hub)
            }
            return .object(PipelineObject(pipe, defaults: defaults))
        })
        m.attributes["AutoTokenizer"] = .object(AutoClass("AutoTokenizer") { reference, kwargs, interp in
            if let gguf = kwargs.first(where: { $0.name == "gguf_file" })?.value, !gguf.isNone {
                return .object(TokenizerObject(try AutoTokenizer.fromPretrained(reference, ggufFile: try interp.string(gguf, "gguf_file"), hub: hub)))
            }
            let folder = try AutoModel.modelFolder(reference, hub: hub)
            return .object(TokenizerObject(try AutoTokenizer.fromPretrained(folder)))
        })
        m.attributes["AutoConfig"] = .object(AutoClass("AutoConfig") { reference, _, _ in
            .object(ConfigObject(try AutoConfig.fromPretrained(reference, hub: hub)))
        })
        for task in ModelTask.allCases {
            m.attributes[task.rawValue] = .object(AutoClass(task.rawValue) { reference, kwargs, interp in
                let gguf = kwargs.first(where: { $0.name == "gguf_file" })?.value
                // GGUF weights are dequantized as transformers does unless `dequantize=False` keeps them in their
                // block formats (the integer kernels: faster, smaller, activations rounded to 8 bits).
                let dequantize = try kwargs.first(where: { $0.name == "dequantize" }).map { try interp.bool($0.value) } ?? true
                let (model, report) = try gguf.map { !$0.isNone } == true
                    ? AutoModel.fromPretrained(reference, ggufFile: try interp.string(gguf ?? .none, "gguf_file"), task: task,
                                               dequantize: dequantize, hub: hub)
                    : AutoModel.fromPretrained(reference, task: task, hub: hub)
                if !report.newlyInitialized.isEmpty {
                    interp.writeStderr("Some weights of \(model.config.architectures?.first ?? task.rawValue) were not initialized from the model checkpoint at \(reference) and are newly initialized: \(report.newlyInitialized)\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.\n")
                }
                return .object(ModelObject(model, report: report))
            })
        }
        VisionBindings.install(into: m, hub: hub)
        m.attributes["GenerationConfig"] = .object(GenerationConfigObject.makeClass())
        m.attributes["TextStreamer"] = .object(TextStreamerObject.makeClass())
        m.define("set_seed", [Parameter("seed")]) { a, interp in
            Tensor.manualSeed(UInt64(truncatingIfNeeded: try interp.toInt(a[0])))
            return .none
        }
        DenseVisionBindings.install(into: m, hub: hub)
        return m
    }
}

/// `AutoTokenizer`, `AutoModelForX`, `AutoConfig`: objects whose `from_pretrained(name_or_path, **kwargs)` loads.
final class AutoClass: ScriptObject {
    let name: String
    let load: (String, [(name: String, value: Value)], Interpreter) throws -> Value

    init(_ name: String, _ load: @escaping (String, [(name: String, value: Value)], Interpreter) throws -> Value) {
        self.name = name
        self.load = load
    }

    var typeName: String { "type" }
    func repr(in interp: Interpreter) throws -> String { "<class 'transformers.\(name)'>" }

    func attribute(_ attribute: String, in interp: Interpreter) throws -> Value? {
        guard attribute == "from_pretrained" else { return nil }
        return .object(BuiltinFunction("from_pretrained") { args, interp in
            guard let first = args.positional.first ?? args.keyword("pretrained_model_name_or_path") else {
                throw ScriptError.typeError("from_pretrained() missing 1 required positional argument: 'pretrained_model_name_or_path'")
            }
            return try self.load(try interp.string(first, "pretrained_model_name_or_path"), args.keywords, interp)
        })
    }

    func attributeNames() -> [String] { ["from_pretrained"] }
}
