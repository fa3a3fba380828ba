import Foundation
import Generation
import Models
import Pipelines
import Script
import Tensors
import Tokenizers

// `model.generate(**inputs, …)`, `GenerationConfig`, `TextStreamer`, `compute_transition_scores` for scripts
// (transformers/generation/utils.py, configuration_utils.py, streamers.py).

// MARK: - Value conversions

enum GenerationValues {
    /// A script value as the Foundation value `GenerationConfig(dictionary:)` reads.
    static func foundation(_ value: Value, _ interp: Interpreter) throws -> Any {
        switch value {
        case .none: return NSNull()
        case .bool(let b): return NSNumber(value: b)
        case .int(let i): return NSNumber(value: i)
        case .float(let d): return NSNumber(value: d)
        case .str(let s): return s
        case .object(let t as TensorObject): return t.tensor.to(.int64).contiguous().int64s().map { NSNumber(value: $0) }
        case .list, .tuple: return try interp.iterate(value).map { try foundation($0, interp) }
        default: throw ScriptError.typeError("generation parameters cannot be \(value.typeName) values")
        }
    }

    static func script(_ value: AnyHashableJSON) -> Value {
        switch value {
        case .int(let v): return .int(v)
        case .double(let v): return .float(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .str(v)
        case .array(let items): return .list(items.map(script))
        case .object(let members): return .dict(members.sorted { $0.key < $1.key }.map { ($0.key, script($0.value)) })
        }
    }

    /// Rows of ids from a [batch, length] (or [length]) tensor or nested lists.
    static func rows(_ value: Value, _ interp: Interpreter, _ what: String) throws -> [[Int]] {
        let tensor = try TorchConversion.tensor(value, interp, what)
        let flat = tensor.to(.int64).contiguous().int64s().map { Int($0) }
        if tensor.rank == 1 { return [flat] }
        guard tensor.rank == 2 else { throw ScriptError.valueError("\(what) must be [batch, sequence], got shape \(tensor.shape)") }
        let width = tensor.shape[1]
        return (0..<tensor.shape[0]).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
    }

    static func idsTensor(_ rows: [[Int]]) throws -> Value {
        let width = rows.map(\.count).max() ?? 0
        let flat = rows.flatMap { row in row.map(Int64.init) + [Int64](repeating: 0, count: width - row.count) }
        return .object(TensorObject(try Tensor(flat, shape: [rows.count, width])))
    }

    static func floatsTensor(_ rows: [[Float]]) throws -> Value {
        let width = rows.first?.count ?? 0
        return .object(TensorObject(try Tensor(rows.flatMap { $0 }, shape: [rows.count, width])))
    }
}

// MARK: - GenerationConfig

final class GenerationConfigObject: ScriptObject {
    var config: GenerationConfig
    init(_ config: GenerationConfig) { self.config = config }

    var typeName: String { "GenerationConfig" }
    // The reference's __repr__ keeps to_json_string's trailing newline, so print() leaves a blank line.
    func repr(in interp: Interpreter) throws -> String { config.description }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "to_dict", "to_diff_dict":
            return .object(BuiltinFunction(name) { _, _ in
                GenerationValues.script(.object(self.config.toDiffDict()))
            })
        case "to_json_string": return .object(BuiltinFunction(name) { _, _ in .str(self.config.toJSONString()) })
        case "save_pretrained":
            return .object(BuiltinFunction(name) { args, interp in
                guard let folder = args.positional.first else { throw ScriptError.typeError("save_pretrained() missing 'save_directory'") }
                let fileName = try args.keyword("config_file_name").map { try interp.string($0, "config_file_name") } ?? "generation_config.json"
                try self.config.save(to: URL(fileURLWithPath: try interp.string(folder, "save_directory")), fileName: fileName)
                return .none
            })
        case "update":
            return .object(BuiltinFunction(name) { args, interp in
                var kwargs: [String: Any] = [:]
                for (key, value) in args.keywords { kwargs[key] = try GenerationValues.foundation(value, interp) }
                self.config = try self.config.updated(with: kwargs)
                return .none
            })
        default:
            guard GenerationConfig.knownKeys.contains(name) else { return nil }
            if let value = config.toDiffDict()[name] ?? GenerationConfig.defaultDictionary[name] { return GenerationValues.script(value) }
            return Value.none
        }
    }

    func setAttribute(_ name: String, to value: Value, in interp: Interpreter) throws {
        guard GenerationConfig.knownKeys.contains(name) else {
            throw ScriptError.attributeError("'GenerationConfig' object has no attribute '\(name)'")
        }
        config = try config.updated(with: [name: try GenerationValues.foundation(value, interp)])
    }

    func attributeNames() -> [String] { GenerationConfig.knownKeys.sorted() + ["to_dict", "to_json_string", "save_pretrained", "update"] }

    /// `GenerationConfig(**kwargs)` and `GenerationConfig.from_pretrained(folder, config_file_name=…)`.
    static func makeClass() -> ScriptObject {
        GenerationConfigClass()
    }
}

extension GenerationConfig {
    /// The defaults of the keys `toDiffDict` leaves out, for attribute reads.
    static let defaultDictionary: [String: AnyHashableJSON] = [
        "max_length": .int(20), "min_length": .int(0), "do_sample": .bool(false), "num_beams": .int(1),
        "num_beam_groups": .int(1), "use_cache": .bool(true), "temperature": .double(1), "top_k": .int(50),
        "top_p": .double(1), "typical_p": .double(1), "epsilon_cutoff": .double(0), "eta_cutoff": .double(0),
        "diversity_penalty": .double(0), "repetition_penalty": .double(1), "length_penalty": .double(1),
        "no_repeat_ngram_size": .int(0), "renormalize_logits": .bool(false), "num_return_sequences": .int(1),
        "output_scores": .bool(false), "output_logits": .bool(false), "return_dict_in_generate": .bool(false),
        "early_stopping": .bool(false),
    ]
}

final class GenerationConfigClass: ScriptObject {
    var typeName: String { "type" }
    func repr(in interp: Interpreter) throws -> String { "<class 'transformers.generation.configuration_utils.GenerationConfig'>" }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var kwargs: [String: Any] = [:]
        for (key, value) in args.keywords { kwargs[key] = try GenerationValues.foundation(value, interp) }
        return .object(GenerationConfigObject(try GenerationConfig(dictionary: kwargs)))
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        guard name == "from_pretrained" else { return nil }
        return .object(BuiltinFunction(name) { args, interp in
            guard let first = args.positional.first else { throw ScriptError.typeError("from_pretrained() missing 'pretrained_model_name'") }
            let reference = try interp.string(first, "pretrained_model_name")
            let fileName = try args.keyword("config_file_name").map { try interp.string($0, "config_file_name") } ?? "generation_config.json"
            var isDirectory: ObjCBool = false
            let folder: URL
            if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), isDirectory.boolValue {
                folder = URL(fileURLWithPath: reference)
            } else {
                folder = try AutoModel.modelFolder(reference)
            }
            return .object(GenerationConfigObject(try GenerationConfig.fromPretrained(folder, fileName: fileName)))
        })
    }

    func attributeNames() -> [String] { ["from_pretrained"] }
}

// MARK: - TextStreamer

/// The tokenizer's decode as the streamer's text source.
struct TokenizerTextDecoder: TokenTextDecoder {
    let tokenizer: PreTrainedTokenizer
    let skipSpecialTokens: Bool
    func decode(_ ids: [Int]) -> String { (try? tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)) ?? "" }
}

/// `TextStreamer(tokenizer, skip_prompt=False, **decode_kwargs)`: prints through the interpreter's standard output,
/// flushed at each piece so the text appears as it is generated.
final class TextStreamerObject: ScriptObject {
    let tokenizer: PreTrainedTokenizer
    let skipPrompt: Bool
    let skipSpecialTokens: Bool

    init(tokenizer: PreTrainedTokenizer, skipPrompt: Bool, skipSpecialTokens: Bool) {
        self.tokenizer = tokenizer
        self.skipPrompt = skipPrompt
        self.skipSpecialTokens = skipSpecialTokens
    }

    var typeName: String { "TextStreamer" }
    func repr(in interp: Interpreter) throws -> String { "<transformers.generation.streamers.TextStreamer object>" }

    /// A fresh streamer for one `generate` call, writing to `interp`.
    func makeStreamer(_ interp: Interpreter) -> TextStreamer {
        TextStreamer(decoder: TokenizerTextDecoder(tokenizer: tokenizer, skipSpecialTokens: skipSpecialTokens), skipPrompt: skipPrompt) {
            text, end in
            interp.flush()
            interp.writeStdout(text + (end ? "\n" : ""))
        }
    }

    static func makeClass() -> ScriptObject {
        BuiltinFunction("TextStreamer", Signature([Parameter("tokenizer"), Parameter("skip_prompt", default: .bool(false))], varKeyword: "decode_kwargs")) { a, interp in
            guard case .object(let tokenizer as TokenizerObject) = a[0] else {
                throw ScriptError.typeError("TextStreamer expects a tokenizer, got \(a[0].typeName)")
            }
            var skipSpecial = false
            if case .dict(let kwargs) = a[2] {
                for entry in kwargs.entries {
                    if case .str("skip_special_tokens") = entry.key { skipSpecial = try interp.bool(entry.value) }
                }
            }
            return .object(TextStreamerObject(tokenizer: tokenizer.tokenizer, skipPrompt: try interp.bool(a[1]), skipSpecialTokens: skipSpecial))
        }
    }
}

// MARK: - generate

enum ModelGeneration {
    /// The model's generation defaults (its folder's generation_config.json, else its config's ids).
    static func baseConfig(_ model: any PretrainedModel) -> GenerationConfig {
        (try? GenerationConfig.forModel(folder: TextGenerationPipeline.modelFolder(model), config: model.config))
            ?? GenerationConfig(modelConfig: model.config)
    }

    /// `model.generate(input_ids, attention_mask=…, generation_config=…, streamer=…, **kwargs)`.
    static func generate(_ model: any PretrainedModel, _ args: Arguments, _ interp: Interpreter) throws -> Value {
        guard let decoder = model as? any CausalLanguageModel else {
            throw ScriptError.typeError("\(model.config.modelType) cannot generate: it is not a causal language model")
        }
        var inputIds: [[Int]]? = try args.positional.first.map { try GenerationValues.rows($0, interp, "input_ids") }
        var mask: [[Int]]?
        var config = baseConfig(model)
        var streamer: TextStreamerObject?
        var assistant: (any CausalLanguageModel)?
        var assistantTokens = 20
        var schedule = AssistantSchedule.constant
        var kwargs: [String: Any] = [:]
        for (key, value) in args.keywords {
            switch key {
            case "input_ids", "inputs": inputIds = try GenerationValues.rows(value, interp, key)
            case "attention_mask": mask = value.isNone ? nil : try GenerationValues.rows(value, interp, key)
            case "generation_config":
                guard case .object(let object as GenerationConfigObject) = value else {
                    throw ScriptError.typeError("generation_config must be a GenerationConfig")
                }
                config = object.config
            case "streamer":
                if value.isNone { continue }
                guard case .object(let object as TextStreamerObject) = value else { throw ScriptError.typeError("streamer must be a TextStreamer") }
                streamer = object
            case "assistant_model":
                if value.isNone { continue }
                guard case .object(let object as ModelObject) = value, let decoder = object.model as? any CausalLanguageModel else {
                    throw ScriptError.typeError("assistant_model must be a causal language model (AutoModelForCausalLM.from_pretrained(...))")
                }
                assistant = decoder
            case "num_assistant_tokens": assistantTokens = try interp.toInt(value)
            case "num_assistant_tokens_schedule":
                let name = try interp.string(value, key)
                switch name {
                case "constant": schedule = .constant
                case "heuristic", "heuristic_transient": schedule = .heuristic
                default: throw ScriptError.valueError("num_assistant_tokens_schedule must be 'constant', 'heuristic' or 'heuristic_transient', got '\(name)'")
                }
            // The confidence threshold only changes how many proposals are tried, never the result.
            case "assistant_confidence_threshold": continue
            case "token_type_ids", "position_ids", "use_cache", "past_key_values", "tokenizer": continue
            default:
                guard GenerationConfig.knownKeys.contains(key) else {
                    throw ScriptError.valueError("The following `model_kwargs` are not used by the model: ['\(key)'] (note: typos in the generate arguments will also show up in this list)")
                }
                kwargs[key] = try GenerationValues.foundation(value, interp)
            }
        }
        guard let inputIds else { throw ScriptError.valueError("generate() needs input_ids (pass **inputs from the tokenizer)") }
        config = try config.updated(with: kwargs)
        let flag = interp.interruptFlag
        let request = GenerationRequest(inputIds: inputIds, attentionMask: mask, config: config, streamer: streamer?.makeStreamer(interp),
                                        shouldStop: { flag.isSet }, seed: try TextGenerationPipeline.drawSeed())
        let output: GenerateOutput
        if let assistant {
            guard !config.returnDictInGenerate else {
                throw ScriptError.valueError("assistant_model with return_dict_in_generate is not supported here: generate the ids, then score them")
            }
            output = try Generation.assistedGenerate(model: decoder, assistant: assistant, request, candidates: assistantTokens, schedule: schedule)
        } else {
            output = try Generation.generate(model: decoder, request)
        }
        if output.stoppedBy == "cancelled" {
            flag.clear()
            interp.flush()
            interp.writeStderr("\n[generation interrupted: keeping the \(output.sequences.first.map { $0.count - inputIds[0].count } ?? 0) tokens generated so far]\n")
        }
        guard config.returnDictInGenerate else { return try GenerationValues.idsTensor(output.sequences) }
        return .object(try GenerateOutputObject(output, beams: config.numBeams > 1))
    }

    /// `model.compute_transition_scores(sequences, scores, beam_indices=None, normalize_logits=False)`.
    static func transitionScores(_ args: Arguments, _ interp: Interpreter) throws -> Value {
        func argument(_ index: Int, _ name: String) -> Value? { args.keyword(name) ?? (index < args.positional.count ? args.positional[index] : nil) }
        guard let sequencesValue = argument(0, "sequences"), let scoresValue = argument(1, "scores") else {
            throw ScriptError.typeError("compute_transition_scores() needs sequences and scores")
        }
        let sequences = try GenerationValues.rows(sequencesValue, interp, "sequences")
        let scores: [[[Float]]] = try interp.iterate(scoresValue).map { step in
            let t = try TorchConversion.tensor(step, interp, "scores").contiguous()
            let vocab = t.shape.last ?? 0, flat = t.floats()
            return (0..<(t.count / Swift.max(vocab, 1))).map { Array(flat[($0 * vocab)..<(($0 + 1) * vocab)]) }
        }
        var beamIndices: [[Int]]?
        if let beams = argument(2, "beam_indices"), !beams.isNone { beamIndices = try GenerationValues.rows(beams, interp, "beam_indices") }
        let normalize = try argument(3, "normalize_logits").map { try interp.bool($0) } ?? false
        var output = GenerateOutput(sequences: sequences)
        output.scores = scores
        output.beamIndices = beamIndices
        return try GenerationValues.floatsTensor(try output.transitionScores(normalizeLogits: normalize))
    }
}

/// `GenerateDecoderOnlyOutput` / `GenerateBeamDecoderOnlyOutput`: `sequences`, `scores`, `logits`,
/// `sequences_scores`, `beam_indices` by attribute and by key.
final class GenerateOutputObject: ScriptObject {
    let fields: [(String, Value)]
    let className: String

    init(_ output: GenerateOutput, beams: Bool) throws {
        className = beams ? "GenerateBeamDecoderOnlyOutput" : "GenerateDecoderOnlyOutput"
        var fields: [(String, Value)] = [("sequences", try GenerationValues.idsTensor(output.sequences))]
        if let v = output.sequencesScores { fields.append(("sequences_scores", .object(TensorObject(try Tensor(v, shape: [v.count]))))) }
        if let v = output.scores { fields.append(("scores", .tuple(try v.map(GenerationValues.floatsTensor)))) }
        if let v = output.logits { fields.append(("logits", .tuple(try v.map(GenerationValues.floatsTensor)))) }
        if let v = output.beamIndices { fields.append(("beam_indices", try GenerationValues.idsTensor(v))) }
        self.fields = fields
    }

    var typeName: String { className }
    func repr(in interp: Interpreter) throws -> String {
        "\(className)(" + (try fields.map { "\($0.0)=\(try interp.repr($0.1))" }.joined(separator: ", ")) + ")"
    }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if let field = fields.first(where: { $0.0 == name }) { return field.1 }
        switch name {
        case "scores", "logits", "sequences_scores", "beam_indices", "attentions", "hidden_states", "past_key_values": return Value.none
        case "keys": return .object(BuiltinFunction("keys") { _, _ in .list(self.fields.map { .str($0.0) }) })
        default: return nil
        }
    }
    func item(_ index: Index, in interp: Interpreter) throws -> Value {
        if case .str(let key) = index.key, let field = fields.first(where: { $0.0 == key }) { return field.1 }
        if case .int(let i) = index.key, fields.indices.contains(i) { return fields[i].1 }
        throw ScriptError.keyError(index.key)
    }
    func attributeNames() -> [String] { fields.map(\.0) + ["keys"] }
}
