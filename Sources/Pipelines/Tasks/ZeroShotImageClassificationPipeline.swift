// transformers/pipelines/zero_shot_image_classification.py (4.55.4): one hypothesis per candidate label
// (`hypothesis_template.format(label)`), tokenized with padding=True, scored against the image by the CLIP-like
// model's `logits_per_image`, softmax over the labels, labels sorted by score.
import Models
import Processors
import Tensors
import Tokenizers

struct ZeroShotImageClassificationPipeline: TaskPipeline {
    let components: VisionPipelineComponents
    let tokenizer: PreTrainedTokenizer
    var task: String { components.task }

    init(components: VisionPipelineComponents) throws {
        guard let tokenizer = components.tokenizer else {
            throw PipelineError.invalidArgument("zero-shot-image-classification needs a tokenizer for its candidate labels")
        }
        self.components = components
        self.tokenizer = tokenizer
    }

    func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["candidate_labels", "hypothesis_template", "timeout", "tokenizer_kwargs"])
        guard let labels = try options.strings("candidate_labels"), !labels.isEmpty else {
            throw PipelineError.invalidArgument("zero-shot-image-classification needs candidate_labels (a list of label strings)")
        }
        let template = try options.string("hypothesis_template") ?? "This is a photo of {}."
        let sequences = labels.map { ZeroShotTemplate.format(template, $0) }
        // The text side is the same for every image: tokenize once.
        let encoding = try tokenizer(sequences, padding: .longest)
        let length = encoding.inputIds.first?.count ?? 0
        let ids = try Tensor(encoding.inputIds.flatMap { $0.map(Int64.init) }, shape: [sequences.count, length])
        let mask = try Tensor(encoding.attentionMask.flatMap { $0.map(Int64.init) }, shape: [sequences.count, length])
        let (images, isBatch) = try PipelineImages.items(inputs)
        let results: [PipelineValue] = try images.map { image in
            var modelInputs = try PipelineImages.modelInputs(image, processor: components.imageProcessor)
            modelInputs.inputIds = ids
            modelInputs.attentionMask = mask
            let output = try components.model.forward(modelInputs)
            guard let logits = output.tensor("logits_per_image") else { throw PipelineError.modelOutputMissing("logits_per_image") }
            let scores = ScoreMath.softmax(try logits.select(0, 0).contiguous().floats())
            // sorted(zip(scores, labels), key=lambda x: -x[0]): stable, so ties keep label order.
            let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            return .list(order.map { .dict([("score", .double(Double(scores[$0]))), ("label", .string(labels[$0]))]) })
        }
        return isBatch ? .list(results) : results[0]
    }
}

/// The hypothesis template of zero-shot pipelines.
public enum ZeroShotTemplate {
    /// Python's `str.format` with one positional field (`{}` or `{0}`); `{{`/`}}` are literal braces.
    public static func format(_ template: String, _ value: String) -> String {
        var out = ""
        var characters = Array(template)[...]
        while let c = characters.popFirst() {
            if c == "{" {
                if characters.first == "{" { characters.removeFirst(); out.append("{"); continue }
                while let d = characters.popFirst(), d != "}" {}
                out += value
            } else if c == "}" {
                if characters.first == "}" { characters.removeFirst() }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
