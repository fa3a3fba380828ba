// zero-shot-classification (reference transformers/pipelines/zero_shot_classification.py): each candidate label
// becomes an NLI hypothesis; the entailment logits rank the labels (softmax across labels, or per label against
// contradiction when multi_label).
import Foundation
import Hub
import Models
import Tokenizers

public struct ZeroShotClassificationPipeline: TextPipeline {
    public let task: String
    public let model: any PretrainedModel
    public let tokenizer: PreTrainedTokenizer

    init(components: PipelineComponents) {
        task = components.task
        model = components.model
        tokenizer = components.tokenizer
    }

    /// The first label (in label2id order) starting with "entail", or -1 as the reference.
    var entailmentId: Int {
        guard let object = model.config["label2id"]?.objectValue else { return -1 }
        for (label, value) in object {
            if label.lowercased().hasPrefix("entail"), let id = value.intValue { return id }
        }
        return -1
    }

    public func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["candidate_labels", "hypothesis_template", "multi_label", "multi_class"])
        var labels = try options.strings("candidate_labels") ?? []
        // A single string is a comma-separated list.
        if case .string(let joined)? = options.values["candidate_labels"] {
            labels = joined.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let template = try options.string("hypothesis_template") ?? "This example is {}."
        let multiLabel = try options.bool("multi_label") ?? options.bool("multi_class") ?? false
        let (items, isBatch) = inputs.pipelineItems
        guard !labels.isEmpty, !items.isEmpty else {
            throw PipelineError.invalidArgument("You must include at least one label and at least one sequence.")
        }
        guard template.replacingOccurrences(of: "{}", with: labels[0]) != template else {
            throw PipelineError.invalidArgument(
                "The provided hypothesis_template \"\(template)\" was not able to be formatted with the target labels. "
                    + "Make sure the passed template includes formatting syntax such as {} where the label should go.")
        }
        let sequences = try items.map { try $0.requireString("zero-shot-classification input") }
        var encodings: [Encoding] = []
        for sequence in sequences {
            for label in labels {
                encodings.append(try encodePair(sequence, template.replacingOccurrences(of: "{}", with: label)))
            }
        }
        let outputs = try ModelRunner(model: model, tokenizer: tokenizer)
            .run(encodings, batchSize: try options.batchSize(), fields: ["logits": false])
        var results: [PipelineValue] = []
        for (n, sequence) in sequences.enumerated() {
            let logits = try outputs[(n * labels.count)..<((n + 1) * labels.count)].map { output -> [Float] in
                guard let l = output["logits"] else { throw PipelineError.modelOutputMissing("logits") }
                return l.values
            }
            results.append(rank(sequence: sequence, labels: labels, logits: logits, multiLabel: multiLabel))
        }
        return isBatch ? .list(results) : results[0]
    }

    /// Premise + hypothesis, truncating only the premise; a premise too short to truncate goes in whole.
    private func encodePair(_ premise: String, _ hypothesis: String) throws -> Encoding {
        guard let limit = tokenizer.modelMaxLength else { return try tokenizer([premise], pairs: [hypothesis]).encodings[0] }
        do {
            return try tokenizer.encodeWindows(premise, pair: hypothesis, maxLength: limit, stride: 0, strategy: .onlyFirst)[0]
        } catch {
            return try tokenizer([premise], pairs: [hypothesis]).encodings[0]
        }
    }

    private func rank(sequence: String, labels: [String], logits: [[Float]], multiLabel: Bool) -> PipelineValue {
        let entail = entailmentId
        func at(_ row: [Float], _ i: Int) -> Float { i < 0 ? row[row.count + i] : row[i] }
        var scores: [Float]
        if multiLabel || labels.count == 1 {
            let contradiction = entail == 0 ? -1 : 0
            scores = logits.map { row in
                let c = Foundation.exp(at(row, contradiction)), e = Foundation.exp(at(row, entail))
                return e / (c + e)
            }
        } else {
            let exps = logits.map { Foundation.exp(at($0, entail)) }
            let sum = exps.reduce(0, +)
            scores = exps.map { $0 / sum }
        }
        // numpy argsort (stable for these sizes), reversed: equal scores put the later label first.
        let ascending = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let order = Array(ascending.reversed())
        return .dict([
            ("sequence", .string(sequence)),
            ("labels", .list(order.map { .string(labels[$0]) })),
            ("scores", .list(order.map { .double(Double(scores[$0])) })),
        ])
    }
}
