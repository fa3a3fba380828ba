// transformers/pipelines/image_feature_extraction.py (4.55.4): the model's first output (last_hidden_state), or
// its pooler_output with pool=True, as nested lists ([1, tokens, hidden] per image).
import Models
import Processors
import Tensors

struct ImageFeatureExtractionPipeline: TaskPipeline {
    let components: VisionPipelineComponents
    var task: String { components.task }

    init(components: VisionPipelineComponents) { self.components = components }

    func callAsFunction(_ inputs: PipelineValue, options: PipelineOptions) throws -> PipelineValue {
        try options.check(task: task, known: ["pool", "return_tensors", "timeout", "image_processor_kwargs"])
        let pool = try options.bool("pool") ?? false
        let returnTensors = try options.bool("return_tensors") ?? false
        let (images, isBatch) = try PipelineImages.items(inputs)
        let results: [PipelineValue] = try images.map { image in
            let output = try components.model.forward(PipelineImages.modelInputs(image, processor: components.imageProcessor))
            let features: Tensor
            if pool {
                guard let pooled = output.tensor("pooler_output") else {
                    throw PipelineError.invalidArgument("No pooled output was returned. Make sure the model has a `pooler` layer when using the `pool` option.")
                }
                features = pooled
            } else {
                guard case .tensor(let first)? = output.fields.first?.value else { throw PipelineError.modelOutputMissing("last_hidden_state") }
                features = first
            }
            return returnTensors ? .tensor(features) : Self.nestedList(features)
        }
        return isBatch ? .list(results) : results[0]
    }

    /// `tensor.tolist()`: nested Python lists of floats.
    static func nestedList(_ tensor: Tensor) -> PipelineValue {
        let values = tensor.contiguous().floats()
        func build(_ dim: Int, _ offset: Int) -> PipelineValue {
            if dim == tensor.rank { return .double(Double(values[offset])) }
            let stride = tensor.shape[(dim + 1)...].reduce(1, *)
            return .list((0..<tensor.shape[dim]).map { build(dim + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }
}
