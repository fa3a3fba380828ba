import Hub
import Tensors

// DistilBERT (Sanh et al. 2019), following transformers/models/distilbert/modeling_distilbert.py: BERT without
// token types or pooler, with its own key names (`transformer.layer.N.attention.q_lin`, `sa_layer_norm`, `ffn.lin1`…)
// and LayerNorm eps fixed at 1e-12.

/// One `TransformerBlock`: attention + residual LayerNorm, feed-forward + residual LayerNorm.
struct DistilBertBlock: Sendable {
    let q, k, v, out: Linear
    let attentionNorm: LayerNorm
    let lin1, lin2: Linear
    let outputNorm: LayerNorm
    let heads: Int
    let activation: Activation

    init(_ weights: Weights, dim: Int, hidden: Int, heads: Int, activation: Activation) throws {
        let attention = weights.scoped("attention")
        q = try Linear(attention, "q_lin", in: dim, out: dim)
        k = try Linear(attention, "k_lin", in: dim, out: dim)
        v = try Linear(attention, "v_lin", in: dim, out: dim)
        out = try Linear(attention, "out_lin", in: dim, out: dim)
        attentionNorm = try LayerNorm(weights, "sa_layer_norm", size: dim, eps: 1e-12)
        lin1 = try Linear(weights.scoped("ffn"), "lin1", in: dim, out: hidden)
        lin2 = try Linear(weights.scoped("ffn"), "lin2", in: hidden, out: dim)
        outputNorm = try LayerNorm(weights, "output_layer_norm", size: dim, eps: 1e-12)
        self.heads = heads
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor, mask: Tensor?, wantProbabilities: Bool) throws -> (Tensor, Tensor?) {
        let (context, probabilities) = try MultiHeadAttention.attend(
            query: MultiHeadAttention.splitHeads(q(x), heads: heads), key: MultiHeadAttention.splitHeads(k(x), heads: heads),
            value: MultiHeadAttention.splitHeads(v(x), heads: heads), additiveMask: mask, returnProbabilities: wantProbabilities)
        let attended = try attentionNorm(out(MultiHeadAttention.mergeHeads(context)).add(x))
        return (try outputNorm(lin2(activation(lin1(attended))).add(attended)), probabilities)
    }
}

final class DistilBertModel: PretrainedModel, @unchecked Sendable {
    enum Head {
        case none, maskedLM(transform: Linear, norm: LayerNorm, projector: Linear)
        case sequenceClassification(pre: Linear, classifier: Linear)
        case tokenClassification(Linear), questionAnswering(Linear)
        case multipleChoice(pre: Linear, classifier: Linear)
    }

    let config: PretrainedConfig
    let words, positions: Embedding
    let embeddingNorm: LayerNorm
    let blocks: [DistilBertBlock]
    let head: Head
    let activation: Activation

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        self.config = config
        let dim = try config.requireInt("dim"), hidden = try config.requireInt("hidden_dim")
        let heads = try config.requireInt("n_heads"), layers = try config.requireInt("n_layers")
        let vocab = try config.requireInt("vocab_size"), maxPositions = try config.requireInt("max_position_embeddings")
        let activation = try Activation(config: config.string("activation") ?? "gelu")
        self.activation = activation
        let std = config.double("initializer_range") ?? 0.02
        let labels = config.numLabels
        let base = weights.scoped("distilbert")
        words = try Embedding(base.scoped("embeddings"), "word_embeddings", count: vocab, dim: dim)
        positions = try Embedding(base.scoped("embeddings"), "position_embeddings", count: maxPositions, dim: dim)
        embeddingNorm = try LayerNorm(base.scoped("embeddings"), "LayerNorm", size: dim, eps: 1e-12)
        blocks = try (0..<layers).map {
            try DistilBertBlock(base.scoped("transformer.layer.\($0)"), dim: dim, hidden: hidden, heads: heads, activation: activation)
        }
        switch task {
        case .base: head = .none
        case .maskedLM:
            let projector: Linear
            if config.tieWordEmbeddings {
                weights.scoped("vocab_projector").markUsed("weight")
                projector = Linear(weight: words.weight, bias: try weights.scoped("vocab_projector").tensor("bias", shape: [vocab]))
            } else {
                projector = try Linear(weights, "vocab_projector", in: dim, out: vocab)
            }
            head = .maskedLM(transform: try Linear(weights, "vocab_transform", in: dim, out: dim),
                             norm: try LayerNorm(weights, "vocab_layer_norm", size: dim, eps: 1e-12), projector: projector)
        case .sequenceClassification:
            head = .sequenceClassification(
                pre: try Linear(initializingIfMissing: weights, "pre_classifier", in: dim, out: dim, std: std),
                classifier: try Linear(initializingIfMissing: weights, "classifier", in: dim, out: labels, std: std))
        case .tokenClassification:
            head = .tokenClassification(try Linear(initializingIfMissing: weights, "classifier", in: dim, out: labels, std: std))
        case .questionAnswering:
            head = .questionAnswering(try Linear(initializingIfMissing: weights, "qa_outputs", in: dim, out: 2, std: std))
        case .multipleChoice:
            head = .multipleChoice(
                pre: try Linear(initializingIfMissing: weights, "pre_classifier", in: dim, out: dim, std: std),
                classifier: try Linear(initializingIfMissing: weights, "classifier", in: dim, out: 1, std: std))
        case .causalLM, .imageClassification, .zeroShotImageClassification, .depthEstimation, .imageToImage:
            throw ModelError.unsupportedTask(modelType: "distilbert", task: task.rawValue)
        }
    }

    /// Embeddings and blocks; records last_hidden_state / hidden_states / attentions.
    private func encode(_ inputs: ModelInputs, into output: inout ModelOutput) throws -> Tensor {
        guard let ids = inputs.inputIds, ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence]") }
        let length = ids.shape[1]
        guard length <= positions.weight.shape[0] else {
            throw ModelError.invalidInput("sequence length \(length) exceeds max_position_embeddings (\(positions.weight.shape[0])); truncate the input (truncation=True)")
        }
        let positionIds = try inputs.positionIds ?? Tensor.arange(0, Scalar.int(Int64(length))).unsqueeze(0)
        var hidden = try embeddingNorm(words(ids).add(positions(positionIds)))
        let mask = try inputs.attentionMask.map(MultiHeadAttention.additiveMask)
        var all = [hidden], attentions: [Tensor] = []
        for block in blocks {
            let (next, probabilities) = try block(hidden, mask: mask, wantProbabilities: inputs.outputAttentions)
            hidden = next
            all.append(hidden)
            if let probabilities { attentions.append(probabilities) }
        }
        output.set("last_hidden_state", hidden)
        if inputs.outputHiddenStates { output.set("hidden_states", all) }
        if inputs.outputAttentions { output.set("attentions", attentions) }
        return hidden
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var output = ModelOutput("BaseModelOutput")
        var modelInputs = inputs
        var choiceShape: [Int]? = nil
        if case .multipleChoice = head { (modelInputs, choiceShape) = try inputs.flattenedChoices() }
        let hidden = try encode(modelInputs, into: &output)
        switch head {
        case .none: return output
        case .maskedLM(let transform, let norm, let projector):
            output.className = "MaskedLMOutput"
            output.set("logits", try projector(norm(activation(transform(hidden)))))
        case .sequenceClassification(let pre, let classifier):
            output.className = "SequenceClassifierOutput"
            output.set("logits", try classifier(pre(hidden.select(1, 0)).relu()))
        case .tokenClassification(let classifier):
            output.className = "TokenClassifierOutput"
            output.set("logits", try classifier(hidden))
        case .questionAnswering(let qa):
            output.className = "QuestionAnsweringModelOutput"
            let logits = try qa(hidden)
            try output.setSpanLogits(logits)
        case .multipleChoice(let pre, let classifier):
            output.className = "MultipleChoiceModelOutput"
            output.set("logits", try classifier(pre(hidden.select(1, 0)).relu()).reshape(choiceShape ?? [-1]))
        }
        output.remove(["last_hidden_state"])
        return output
    }
}
