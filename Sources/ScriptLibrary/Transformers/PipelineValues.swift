import Pipelines
import Script

/// Conversions between script values and the pipelines' Python-shaped values (dict key order preserved).
enum PipelineValues {
    static func from(_ value: Value, _ interp: Interpreter) throws -> PipelineValue {
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .list, .tuple: return .list(try interp.iterate(value).map { try from($0, interp) })
        case .dict(let d):
            return .dict(try d.entries.map { entry in
                guard case .str(let key) = entry.key else { throw ScriptError.typeError("pipeline inputs: dict keys must be str") }
                return (key, try from(entry.value, interp))
            })
        default:
            if let image = VisionBindings.image(from: value) { return .image(image) }
            throw ScriptError.typeError("pipeline inputs cannot contain \(value.typeName) values")
        }
    }

    static func value(_ value: PipelineValue) -> Value {
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .double(let d): return .float(d)
        case .string(let s): return .str(s)
        case .list(let items): return .list(items.map(Self.value))
        case .dict(let pairs): return .dict(pairs.map { ($0.0, Self.value($0.1)) })
        case .image(let image): return VisionBindings.imageValue(image)
        case .tensor(let tensor): return VisionBindings.tensorValue(tensor)
        }
    }
}

/// `pipeline(task, model=…)`: callable with the task's inputs and keyword options, as in Python.
final class PipelineObject: ScriptObject {
    let pipeline: any TaskPipeline
    /// Options given at construction (`pipeline("fill-mask", model=…, top_k=3)`) apply to every call.
    let defaults: [String: PipelineValue]

    init(_ pipeline: any TaskPipeline, defaults: [String: PipelineValue]) {
        self.pipeline = pipeline
        self.defaults = defaults
    }

    var typeName: String { pipelineClassName }

    private var pipelineClassName: String {
        switch pipeline.task {
        case "fill-mask": "FillMaskPipeline"
        case "text-classification": "TextClassificationPipeline"
        case "token-classification": "TokenClassificationPipeline"
        case "question-answering": "QuestionAnsweringPipeline"
        case "zero-shot-classification": "ZeroShotClassificationPipeline"
        case "feature-extraction": "FeatureExtractionPipeline"
        case "image-classification": "ImageClassificationPipeline"
        case "zero-shot-image-classification": "ZeroShotImageClassificationPipeline"
        case "image-feature-extraction": "ImageFeatureExtractionPipeline"
        default: "Pipeline"
        }
    }

    func repr(in interp: Interpreter) throws -> String { "<transformers.pipelines.\(pipelineClassName) object>" }

    func call(_ args: Arguments, in interp: Interpreter) throws -> Value {
        var options = defaults
        var positional = args.positional
        for (name, value) in args.keywords {
            // The input may be given by name (`question=…, context=…` for QA, `sequences=` for zero-shot).
            options[name] = try PipelineValues.from(value, interp)
        }
        let inputs: PipelineValue
        if positional.isEmpty {
            if let question = options.removeValue(forKey: "question"), let context = options.removeValue(forKey: "context") {
                inputs = .dict([("question", question), ("context", context)])
            } else if let named = options.removeValue(forKey: "inputs") ?? options.removeValue(forKey: "sequences") {
                inputs = named
            } else {
                throw ScriptError.typeError("\(pipelineClassName).__call__() missing 1 required positional argument: 'inputs'")
            }
        } else {
            inputs = try PipelineValues.from(positional.removeFirst(), interp)
            // zero-shot: pipe(text, ["a", "b"]) passes the candidate labels positionally
            if let labels = positional.first { options["candidate_labels"] = try PipelineValues.from(labels, interp) }
        }
        return PipelineValues.value(try pipeline(inputs, options))
    }

    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "task": return .str(pipeline.task)
        case "model": return (pipeline as? any TextPipeline).map { .object(ModelObject($0.model)) } ?? .none
        case "tokenizer": return (pipeline as? any TextPipeline).map { .object(TokenizerObject($0.tokenizer)) } ?? .none
        default: return nil
        }
    }
}
