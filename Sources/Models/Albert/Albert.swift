import Hub
import Tensors

// ALBERT (Lan et al. 2019), following transformers/models/albert/modeling_albert.py: factorized embeddings
// (`embedding_size`, mapped into the hidden size by `encoder.embedding_hidden_mapping_in`) and layers shared across
// depth (`albert_layer_groups.G.albert_layers.I`, reused `num_hidden_layers / num_hidden_groups` times each).

struct AlbertLayer: Sendable {
    let query, key, value, dense: Linear
    let attentionNorm: LayerNorm
    let ffn, ffnOutput: Linear
    let fullNorm: LayerNorm
    let heads: Int
    let activation: Activation

    init(_ weights: Weights, _ d: EncoderDimensions) throws {
        let attention = weights.scoped("attention")
        query = try Linear(attention, "query", in: d.hidden, out: d.hidden)
        key = try Linear(attention, "key", in: d.hidden, out: d.hidden)
        value = try Linear(attention, "value", in: d.hidden, out: d.hidden)
        dense = try Linear(attention, "dense", in: d.hidden, out: d.hidden)
        attentionNorm = try LayerNorm(attention, "LayerNorm", size: d.hidden, eps: d.eps)
        ffn = try Linear(weights, "ffn", in: d.hidden, out: d.intermediate)
        ffnOutput = try Linear(weights, "ffn_output", in: d.intermediate, out: d.hidden)
        fullNorm = try LayerNorm(weights, "full_layer_layer_norm", size: d.hidden, eps: d.eps)
        heads = d.heads
        activation = d.activation
    }

    func callAsFunction(_ x: Tensor, mask: Tensor?, wantProbabilities: Bool) throws -> (Tensor, Tensor?) {
        let (context, probabilities) = try MultiHeadAttention.attend(
            query: MultiHeadAttention.splitHeads(query(x), heads: heads), key: MultiHeadAttention.splitHeads(key(x), heads: heads),
            value: MultiHeadAttention.splitHeads(value(x), heads: heads), additiveMask: mask, returnProbabilities: wantProbabilities)
        let attended = try attentionNorm(x.add(dense(MultiHeadAttention.mergeHeads(context))))
        return (try fullNorm(ffnOutput(activation(ffn(attended))).add(attended)), probabilities)
    }
}

final class AlbertModel: PretrainedModel, @unchecked Sendable {
    enum Head {
        case none, maskedLM(dense: Linear, norm: LayerNorm, decoder: Linear)
        case sequenceClassification(Linear), tokenClassification(Linear), questionAnswering(Linear), multipleChoice(Linear)
    }

    let config: PretrainedConfig
    let dimensions: EncoderDimensions
    let embeddings: BertEmbeddings
    let mappingIn: Linear
    let groups: [[AlbertLayer]]
    let pooler: Linear?
    let head: Head

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        self.config = config
        let d = try EncoderDimensions(config)
        dimensions = d
        let embeddingSize = try config.requireInt("embedding_size")
        let base = weights.scoped("albert")
        embeddings = try BertEmbeddings(base.scoped("embeddings"), d, family: .albert, config: config)
        mappingIn = try Linear(base.scoped("encoder"), "embedding_hidden_mapping_in", in: embeddingSize, out: d.hidden)
        let groupCount = config.int("num_hidden_groups") ?? 1, inner = config.int("inner_group_num") ?? 1
        guard groupCount > 0, d.layers % groupCount == 0 || groupCount <= d.layers else {
            throw ModelError.invalidConfig("num_hidden_groups \(groupCount) does not fit num_hidden_layers \(d.layers)")
        }
        groups = try (0..<groupCount).map { g in
            try (0..<inner).map { i in try AlbertLayer(base.scoped("encoder.albert_layer_groups.\(g).albert_layers.\(i)"), d) }
        }
        let usesPooler = [.base, .sequenceClassification, .multipleChoice].contains(task)
        pooler = usesPooler ? try Linear(initializingIfMissing: base, "pooler", in: d.hidden, out: d.hidden, std: d.initializerRange) : nil
        let std = d.initializerRange
        switch task {
        case .base: head = .none
        case .maskedLM:
            let predictions = weights.scoped("predictions")
            let decoder: Linear
            let bias = try predictions.tensor("bias", shape: [d.vocab])
            predictions.scoped("decoder").markUsed("bias")
            if config.tieWordEmbeddings {
                predictions.scoped("decoder").markUsed("weight")
                decoder = Linear(weight: embeddings.words.weight, bias: bias)
            } else {
                decoder = Linear(weight: try predictions.scoped("decoder").tensor("weight", shape: [d.vocab, embeddingSize]), bias: bias)
            }
            head = .maskedLM(dense: try Linear(predictions, "dense", in: d.hidden, out: embeddingSize),
                             norm: try LayerNorm(predictions, "LayerNorm", size: embeddingSize, eps: d.eps), decoder: decoder)
        case .sequenceClassification:
            head = .sequenceClassification(try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: d.numLabels, std: std))
        case .tokenClassification:
            head = .tokenClassification(try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: d.numLabels, std: std))
        case .questionAnswering:
            head = .questionAnswering(try Linear(initializingIfMissing: weights, "qa_outputs", in: d.hidden, out: 2, std: std))
        case .multipleChoice:
            head = .multipleChoice(try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: 1, std: std))
        case .causalLM, .imageClassification, .zeroShotImageClassification, .depthEstimation, .imageToImage:
            throw ModelError.unsupportedTask(modelType: "albert", task: task.rawValue)
        }
    }

    private func encode(_ inputs: ModelInputs, into output: inout ModelOutput) throws -> (Tensor, Tensor?) {
        guard let ids = inputs.inputIds, ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence]") }
        var hidden = try mappingIn(embeddings(inputs, ids: ids))
        let mask = try inputs.attentionMask.map(MultiHeadAttention.additiveMask)
        var all = [hidden], attentions: [Tensor] = []
        let layersPerGroup = max(dimensions.layers / groups.count, 1)
        for layerIndex in 0..<dimensions.layers {
            for layer in groups[min(layerIndex / layersPerGroup, groups.count - 1)] {
                let (next, probabilities) = try layer(hidden, mask: mask, wantProbabilities: inputs.outputAttentions)
                hidden = next
                if let probabilities { attentions.append(probabilities) }
            }
            all.append(hidden)
        }
        output.set("last_hidden_state", hidden)
        var pooled: Tensor? = nil
        if let pooler {
            let first = try pooler(hidden.select(1, 0)).tanh()
            output.set("pooler_output", first)
            pooled = first
        }
        if inputs.outputHiddenStates { output.set("hidden_states", all) }
        if inputs.outputAttentions { output.set("attentions", attentions) }
        return (hidden, pooled)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var output = ModelOutput("BaseModelOutputWithPooling")
        var modelInputs = inputs
        var choiceShape: [Int]? = nil
        if case .multipleChoice = head { (modelInputs, choiceShape) = try inputs.flattenedChoices() }
        let (hidden, pooled) = try encode(modelInputs, into: &output)
        switch head {
        case .none: return output
        case .maskedLM(let dense, let norm, let decoder):
            output.className = "MaskedLMOutput"
            output.set("logits", try decoder(norm(dimensions.activation(dense(hidden)))))
        case .sequenceClassification(let classifier):
            output.className = "SequenceClassifierOutput"
            output.set("logits", try classifier(pooled ?? hidden.select(1, 0)))
        case .tokenClassification(let classifier):
            output.className = "TokenClassifierOutput"
            output.set("logits", try classifier(hidden))
        case .questionAnswering(let qa):
            output.className = "QuestionAnsweringModelOutput"
            let logits = try qa(hidden)
            try output.setSpanLogits(logits)
        case .multipleChoice(let classifier):
            output.className = "MultipleChoiceModelOutput"
            output.set("logits", try classifier(pooled ?? hidden.select(1, 0)).reshape(choiceShape ?? [-1]))
        }
        output.remove(["last_hidden_state", "pooler_output"])
        return output
    }
}
