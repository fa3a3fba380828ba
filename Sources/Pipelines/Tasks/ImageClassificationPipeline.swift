// transformers/pipelines/image_classification.py (4.55.4): load the image (RGB, EXIF orientation), run the image
// processor and the classifier, then sigmoid/softmax/none over the logits and the top_k labels.
import Models
import Processors

struct ImageClassificationPipeline: TaskPipeline {
    let components: VisionPipelineComponents
    var task: String { components.task }

    init(components: VisionPipelineComponents) { self.components = components }

    /// The default of `function_to_apply`: sigmoid for multi-label or single-logit models, softmax otherwise.
    var defaultFunction: String {
        let config = components.model.config
        if config.problemType == "multi_label_classification" || config.numLabels == 1 { return "sigmoid" }
        if config.problemType == "single_label_classification" || config.numLabels > 1 { return "softmax" }
        return "none"
    }

    func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["top_k", "function_to_apply", "timeout"])
        let labels = components.model.config.numLabels
        var topK = try options.int("top_k") ?? 5
        if topK > labels { topK = labels }
        let function = (try options.string("function_to_apply") ?? defaultFunction).lowercased()
        guard ["sigmoid", "softmax", "none"].contains(function) else {
            throw PipelineError.invalidArgument("function_to_apply must be 'sigmoid', 'softmax' or 'none', got '\(function)'")
        }
        let (images, isBatch) = try PipelineImages.items(inputs)
        let results: [PipelineValue] = try images.map { image in
            let output = try components.model.forward(PipelineImages.modelInputs(image, processor: components.imageProcessor))
            guard let logits = output.logits else { throw PipelineError.modelOutputMissing("logits") }
            let row = try logits.select(0, 0).contiguous().floats()
            let scores: [Float] = switch function {
            case "sigmoid": ScoreMath.sigmoid(row)
            case "softmax": ScoreMath.softmax(row)
            default: row
            }
            let names = components.model.config.id2label
            // Python's sort(reverse=True) is stable: equal scores keep label order.
            let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            return .list(order.prefix(max(topK, 0)).map { index in
                .dict([("label", .string(names[index] ?? "LABEL_\(index)")), ("score", .double(Double(scores[index])))])
            })
        }
        return isBatch ? .list(results) : results[0]
    }
}
