// feature-extraction (reference transformers/pipelines/feature_extraction.py): the model's first output
// (last_hidden_state) as nested lists, shape [1][tokens][hidden] per input.
import Models
import Tokenizers

public struct FeatureExtractionPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    init(components: PipelineComponents) {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
    }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["truncation"])
        let truncate = try options.bool("truncation") ?? false
        let (items, isBatch) = inputs.pipelineItems
        let encodings = try items.map {
            try tokenizer([try $0.requireString("feature-extraction input")], truncation: truncate).encodings[0]
        }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(encodings, batchSize: try options.batchSize(), fields: ["last_hidden_state": true])
        let results = try outputs.map { output -> PipelineValue in
            guard let hidden = output["last_hidden_state"] else { throw PipelineError.modelOutputMissing("last_hidden_state") }
            let rows = (0..<hidden.rows).map { PipelineValue.list(hidden.row($0).map { .double(Double($0)) }) }
            return .list([.list(rows)])
        }
        return isBatch ? .list(results) : results[0]
    }
}
