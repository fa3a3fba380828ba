// text-classification / sentiment-analysis (reference transformers/pipelines/text_classification.py): label and
// score per text or text pair, with the reference's legacy shapes (`[{'label':…, 'score':…}]` for a string
// when top_k is not given) and its choice of sigmoid/softmax from the config.
import Hub
import Models
import Tokenizers

public struct TextClassificationPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    init(components: PipelineComponents) {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
    }

    enum ScoreFunction: String { case sigmoid, softmax, none }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["top_k", "function_to_apply"])
        // Passing top_k at all (even None) switches off the legacy single-dict result.
        let legacy = !options.has("top_k")
        let topK = legacy ? 1 : try options.int("top_k")
        let function = try scoreFunction(try options.string("function_to_apply"))

        let (items, isBatch) = inputs.pipelineItems
        var encodings: [Encoding] = []
        for item in items { encodings.append(try encode(item)) }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(encodings, batchSize: try options.batchSize(), fields: ["logits": false])
        let results = try outputs.map { output -> PipelineValue in
            guard let logits = output["logits"] else { throw PipelineError.modelOutputMissing("logits") }
            return postprocess(logits.values, function: function, topK: topK, legacy: legacy)
        }
        if isBatch { return .list(results) }
        // A plain string with no top_k comes back wrapped in a list; a pair dict does not.
        if case .string = inputs, legacy { return .list(results) }
        return results[0]
    }

    private func encode(_ item: PipelineValue) throws -> Encoding {
        switch item {
        case .string(let text):
            return try tokenizer([text]).encodings[0]
        case .dict:
            guard let text = item["text"]?.string else {
                throw PipelineError.invalidInput("text-classification: a dict input needs a 'text' string (and optionally 'text_pair')")
            }
            let pair = item["text_pair"]?.string
            return try tokenizer([text], pairs: pair.map { [$0] }).encodings[0]
        default:
            throw PipelineError.invalidInput(
                "The pipeline received invalid inputs, if you are trying to send text pairs, you can try to send a "
                    + "dictionary `{\"text\": \"My text\", \"text_pair\": \"My pair\"}` in order to send a text pair.")
        }
    }

    /// The config decides when `function_to_apply` is not given: regression → none, one label or multi-label →
    /// sigmoid, several labels → softmax.
    private func scoreFunction(_ requested: String?) throws -> ScoreFunction {
        if let requested {
            guard let function = ScoreFunction(rawValue: requested.lowercased()) else {
                throw PipelineError.invalidArgument(
                    "function_to_apply must be 'sigmoid', 'softmax' or 'none', got '\(requested)'")
            }
            return function
        }
        let config = model.config
        if config.problemType == "regression" { return .none }
        if config.problemType == "multi_label_classification" || config.numLabels == 1 { return .sigmoid }
        if config.problemType == "single_label_classification" || config.numLabels > 1 { return .softmax }
        return .none
    }

    private func postprocess(_ logits: [Float], function: ScoreFunction, topK: Int?, legacy: Bool) -> PipelineValue {
        let scores: [Float]
        switch function {
        case .sigmoid: scores = ScoreMath.sigmoid(logits)
        case .softmax: scores = ScoreMath.softmax(logits)
        case .none: scores = logits
        }
        let labels = model.config.id2label
        func label(_ i: Int) -> String { labels[i] ?? "LABEL_\(i)" }
        if legacy {
            let best = ScoreMath.argmax(scores)
            return .dict([("label", .string(label(best))), ("score", .double(Double(scores[best])))])
        }
        // Python's sort is stable: equal scores keep label order.
        var order = Array(scores.indices)
        order = order.enumerated().sorted { a, b in
            scores[a.element] > scores[b.element] || (scores[a.element] == scores[b.element] && a.offset < b.offset)
        }.map(\.element)
        if let topK { order = Array(order.prefix(max(topK, 0))) }
        return .list(order.map { .dict([("label", .string(label($0))), ("score", .double(Double(scores[$0])))]) })
    }
}
