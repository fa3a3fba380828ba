// `pipeline(task, model=…)`: the task registry picks the implementation, the model and tokenizer load from the
// same reference (a folder or a hub repo id in the HF cache), and calls take Python-shaped inputs and options.
import Foundation
import Hub
import Models
import Tokenizers

/// A text pipeline: tokenizer + model + the task's pre- and post-processing.
public protocol TextPipeline: TaskPipeline {
    /// The canonical task name (`"text-classification"` for `"sentiment-analysis"`).
    var task: String { get }
    var model: any PretrainedModel { get }
    var tokenizer: PreTrainedTokenizer { get }
    /// Python `pipe(inputs, **options)`: a string, a list of them, or the task's dict inputs.
    func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue
}

extension TaskPipeline {
    public func callAsFunction(_ inputs: PipelineValue, _ options: [String: PipelineValue] = [:]) throws -> PipelineValue {
        try callAsFunction(inputs, options: PipelineOptions(options))
    }
}

/// The pieces every task implementation is built from.
public struct PipelineComponents: Sendable {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    public init(task: String, model: any PretrainedModel, tokenizer: PreTrainedTokenizer) {
        self.task = task
        self.model = model
        self.tokenizer = tokenizer
    }

    var runner: ModelRunner { ModelRunner(model: model, tokenizer: tokenizer) }
}

public enum Pipeline {
    /// Python `pipeline(task, model=…, tokenizer=…)`. Without `model`, the task's default checkpoint is used
    /// (it must be in the HF cache or downloadable); without `tokenizer`, the model's folder provides it.
    public static func make(task: String, model: String? = nil, tokenizer: String? = nil, revision: String? = nil,
                            hub: Hub = Hub()) throws -> any TextPipeline {
        let entry = try TaskRegistry.entry(for: task)
        let reference = model ?? entry.defaultModel
        let (loaded, _) = try AutoModel.fromPretrained(reference, task: entry.modelTask, revision: revision, hub: hub)
        let tokenizerFolder = try AutoModel.modelFolder(tokenizer ?? reference, revision: tokenizer == nil ? revision : nil, hub: hub)
        let loadedTokenizer = try AutoTokenizer.fromPretrained(tokenizerFolder)
        return try entry.build(PipelineComponents(task: entry.name, model: loaded, tokenizer: loadedTokenizer))
    }

    /// A pipeline from an already loaded model and tokenizer (Python `pipeline(task, model=model, tokenizer=tok)`).
    public static func make(task: String, model: any PretrainedModel, tokenizer: PreTrainedTokenizer) throws -> any TextPipeline {
        let entry = try TaskRegistry.entry(for: task)
        return try entry.build(PipelineComponents(task: entry.name, model: model, tokenizer: tokenizer))
    }
}

// MARK: Shared input handling

extension PipelineValue {
    /// The items of a call: a list is many inputs, anything else one. `isBatch` says which, since the reference
    /// returns a list of results only for a list input.
    var pipelineItems: (items: [PipelineValue], isBatch: Bool) {
        if case .list(let items) = self { return (items, true) }
        return ([self], false)
    }

    func requireString(_ what: String) throws -> String {
        guard let s = string else { throw PipelineError.invalidInput("\(what): expected a string, got \(self)") }
        return s
    }
}
