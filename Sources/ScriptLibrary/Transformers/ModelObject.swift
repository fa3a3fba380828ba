import Foundation
import Hub
import Models
import Script
import Tensors

/// A loaded model: `model(**inputs)` runs the forward pass and returns the reference's output fields.
/// `model.config` is this object's own copy, so `model.config.id2label = {…}` sticks and `save_pretrained` writes it.
final class ModelObject: ScriptObject {
    let model: any PretrainedModel
    /// What the load recorded (the parameters by module name); nil for a pipeline's model.
    let report: LoadReport?
    var config: PretrainedConfig
    init(_ model: any PretrainedModel, report: LoadReport? = nil) {
        self.model = model
        self.report = report
        self.config = model.config
    }

    var className: String { model.config.architectures?.first ?? "PreTrainedModel" }
    var typeName: String { className }
    func repr(in interp: Interpreter) throws -> String { "\(className)(model_type='\(model.config.modelType)')" }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var named: [String: Tensor] = [:]
        var hidden = false, attentions = false
        let positionalNames = DenseVisionBindings.pixelModelTypes.contains(model.config.modelType)
            ? ["pixel_values"] : ["input_ids", "attention_mask", "token_type_ids", "position_ids"]
        for (i, value) in args.positional.enumerated() where i < positionalNames.count {
            named[positionalNames[i]] = try TorchConversion.tensor(value, interp, positionalNames[i])
        }
        for (name, value) in args.keywords {
            switch name {
            case "output_hidden_states": hidden = try interp.bool(value)
            case "output_attentions": attentions = try interp.bool(value)
            case "return_dict", "labels", "use_cache", "past_key_values": continue
            default:
                if value.isNone { continue }
                named[name] = try TorchConversion.tensor(value, interp, name)
            }
        }
        var inputs = try ModelInputs(named)
        inputs.outputHiddenStates = hidden
        inputs.outputAttentions = attentions
        return .object(ModelOutputObject(try model.forward(inputs)))
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "config": return .object(ConfigObject(config, owner: self))
        case "save_pretrained":
            return .object(BuiltinFunction("save_pretrained") { args, interp in
                guard let first = args.positional.first ?? args.keyword("save_directory") else {
                    throw ScriptError.typeError("save_pretrained() missing 1 required positional argument: 'save_directory'")
                }
                guard let report = self.report else {
                    throw ScriptError.valueError("save_pretrained: this model came from a pipeline; load it with AutoModel….from_pretrained to save it")
                }
                try AutoModel.savePretrained(config: self.config, report: report,
                                             to: URL(fileURLWithPath: try interp.string(first, "save_directory")))
                return .none
            })
        case "eval", "cpu", "to", "float", "half", "requires_grad_":
            return .object(BuiltinFunction(name) { _, _ in .object(self) })
        case "device": return .object(DeviceObject("cpu"))
        case "dtype": return .object(DTypeObject(.float32))
        case "name_or_path": return .str(model.config.nameOrPath)
        case "get_image_features", "get_text_features": return VisionBindings.featureMethod(name, model: model)
        case "generate": return .object(BuiltinFunction("generate") { args, interp in try ModelGeneration.generate(self.model, args, interp) })
        case "generation_config": return .object(GenerationConfigObject(ModelGeneration.baseConfig(model)))
        case "compute_transition_scores":
            return .object(BuiltinFunction("compute_transition_scores") { args, interp in try ModelGeneration.transitionScores(args, interp) })
        default: return nil
        }
    }

    func attributeNames() -> [String] { ["config", "eval", "to", "device", "dtype", "name_or_path", "save_pretrained"] }
}

/// `MaskedLMOutput(logits=…)` and friends: fields by attribute, by name and by position (`outputs[0]`).
final class ModelOutputObject: ScriptObject {
    let output: ModelOutput
    init(_ output: ModelOutput) { self.output = output }

    var typeName: String { output.className }

    func value(_ field: ModelOutput.Field) -> Value {
        switch field {
        case .tensor(let t): return .object(TensorObject(t))
        case .tensors(let list): return .tuple(list.map { .object(TensorObject($0)) })
        }
    }

    func repr(in interp: Interpreter) throws -> String {
        output.className + "(" + (try output.fields.map { "\($0.name)=\(try interp.repr(value($0.value)))" }.joined(separator: ", ")) + ")"
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let field = output[name] { return value(field) }
        switch name {
        case "loss", "past_key_values", "hidden_states", "attentions", "cross_attentions": return .none
        case "keys": return .object(BuiltinFunction("keys") { _, _ in .list(self.output.fields.map { .str($0.name) }) })
        case "to_tuple": return .object(BuiltinFunction("to_tuple") { _, _ in .tuple(self.output.fields.map { self.value($0.value) }) })
        default: return nil
        }
    }

    func attributeNames() -> [String] { output.fields.map(\.name) + ["keys", "to_tuple"] }

    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        switch index.key {
        case .str(let name):
            guard let field = output[name] else { throw ScriptError.keyError(index.key) }
            return value(field)
        default:
            return try interp.getItem(.tuple(output.fields.map { value($0.value) }), index.key)
        }
    }

    func length(in interp: Interpreter) throws -> Int? { output.fields.count }
    func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(output.fields.map { .str($0.name) }) }
}

/// `model.config` / `AutoConfig.from_pretrained(…)`: prints as `print(config)` does in Python; fields by attribute.
final class ConfigObject: ScriptObject {
    var config: PretrainedConfig {
        didSet { owner?.config = config }
    }
    /// The model whose `config` this is: edits go back to it (Python's `model.config` is one shared object).
    weak var owner: ModelObject?
    init(_ config: PretrainedConfig, owner: ModelObject? = nil) {
        self.config = config
        self.owner = owner
    }

    var typeName: String { config.className }
    func repr(in interp: Interpreter) throws -> String { config.description }

    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .double(let d): return .float(d)
        case .string(let s): return .str(s)
        case .array(let items): return .list(items.map(value))
        case .object(let object): return .dict(object.map { ($0.key, value($0.value)) })
        }
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if name == "id2label" {
            let d = DictObject()
            for (id, label) in config.id2label.sorted(by: { $0.key < $1.key }) { try d.set(.int(id), .str(label)) }
            return .dict(d)
        }
        if name == "num_labels" { return .int(config.numLabels) }
        if name == "to_dict" { return .object(BuiltinFunction("to_dict") { _, _ in ConfigObject.value(.object(self.config.values)) }) }
        if name == "save_pretrained" {
            return .object(BuiltinFunction("save_pretrained") { args, interp in
                guard let first = args.positional.first ?? args.keyword("save_directory") else {
                    throw ScriptError.typeError("save_pretrained() missing 1 required positional argument: 'save_directory'")
                }
                try self.config.save(to: URL(fileURLWithPath: try interp.string(first, "save_directory")))
                return .none
            })
        }
        return config[name].map(Self.value)
    }

    func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws {
        config[name] = try Self.json(value, interp)
    }

    static func json(_ value: Value, _ interp: Interpreter) throws -> JSONValue {
        switch value {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .list, .tuple: return .array(try interp.iterate(value).map { try json($0, interp) })
        case .dict(let d):
            var object = JSONObject()
            for entry in d.entries { object[try interp.str(entry.key)] = try json(entry.value, interp) }
            return .object(object)
        default: throw ScriptError.typeError("config values must be JSON-like, not \(value.typeName)")
        }
    }
}
