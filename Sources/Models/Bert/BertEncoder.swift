import Hub
import Tensors

// The encoder stack of transformers/models/bert/modeling_bert.py (`BertEncoder` and its `BertLayer`s), shared
// verbatim by RoBERTa, XLM-RoBERTa and ELECTRA, whose checkpoints use the same key tree under `encoder.layer.N`.

/// The sizes every BERT-style config carries, read once (with the reference's defaults already merged by
/// `PretrainedConfig`).
struct EncoderDimensions {
    let hidden: Int, heads: Int, layers: Int, intermediate: Int
    let vocab: Int, maxPositions: Int, typeVocab: Int, eps: Double
    let activation: Activation
    let initializerRange: Double
    let numLabels: Int

    init(_ config: PretrainedConfig, hidden: String = "hidden_size", heads: String = "num_attention_heads",
         layers: String = "num_hidden_layers", intermediate: String = "intermediate_size",
         activation: String = "hidden_act", eps: String = "layer_norm_eps") throws {
        func int(_ key: String) throws -> Int { try config.requireInt(key) }
        self.hidden = try int(hidden)
        self.heads = try int(heads)
        self.layers = try int(layers)
        self.intermediate = try int(intermediate)
        self.vocab = try int("vocab_size")
        self.maxPositions = try int("max_position_embeddings")
        self.typeVocab = config.int("type_vocab_size") ?? 0
        self.eps = config.double(eps) ?? 1e-12
        self.activation = try Activation(config: config.string(activation) ?? "gelu")
        self.initializerRange = config.double("initializer_range") ?? 0.02
        self.numLabels = config.numLabels
        guard self.hidden % self.heads == 0 else {
            throw ModelError.invalidConfig("hidden size \(self.hidden) is not a multiple of the number of attention heads \(self.heads)")
        }
    }
}

/// One `BertLayer`: self-attention with its output projection and residual LayerNorm, then the feed-forward
/// block with its residual LayerNorm (post-norm).
struct BertLayer: Sendable {
    let query, key, value, attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate, output: Linear
    let outputNorm: LayerNorm
    let heads: Int
    let activation: Activation

    init(_ weights: Weights, _ d: EncoderDimensions) throws {
        let attention = weights.scoped("attention")
        // Weights packed once for the GEMM (on the first forward), not on every product.
        query = try Linear(attention.scoped("self"), "query", in: d.hidden, out: d.hidden).prepacked()
        key = try Linear(attention.scoped("self"), "key", in: d.hidden, out: d.hidden).prepacked()
        value = try Linear(attention.scoped("self"), "value", in: d.hidden, out: d.hidden).prepacked()
        attentionOutput = try Linear(attention.scoped("output"), "dense", in: d.hidden, out: d.hidden).prepacked()
        attentionNorm = try LayerNorm(attention.scoped("output"), "LayerNorm", size: d.hidden, eps: d.eps)
        intermediate = try Linear(weights.scoped("intermediate"), "dense", in: d.hidden, out: d.intermediate).prepacked()
        output = try Linear(weights.scoped("output"), "dense", in: d.intermediate, out: d.hidden).prepacked()
        outputNorm = try LayerNorm(weights.scoped("output"), "LayerNorm", size: d.hidden, eps: d.eps)
        heads = d.heads
        activation = d.activation
    }

    func callAsFunction(_ x: Tensor, mask: Tensor?, wantProbabilities: Bool) throws -> (Tensor, Tensor?) {
        let q = try MultiHeadAttention.splitHeads(query(x), heads: heads)
        let k = try MultiHeadAttention.splitHeads(key(x), heads: heads)
        let v = try MultiHeadAttention.splitHeads(value(x), heads: heads)
        let (context, probabilities) = try MultiHeadAttention.attend(
            query: q, key: k, value: v, additiveMask: mask, returnProbabilities: wantProbabilities)
        // Bias, activation and residual adds run in the projections' GEMM epilogues (no extra passes).
        let attended = try attentionNorm(attentionOutput(MultiHeadAttention.mergeHeads(context), activation: nil, adding: x))
        let hidden = try outputNorm(output(intermediate(attended, activation: activation), activation: nil, adding: attended))
        return (hidden, probabilities)
    }
}

/// `BertEncoder`: the layers in order, collecting hidden states and attention maps when asked.
struct BertEncoder: Sendable {
    let layers: [BertLayer]

    init(_ weights: Weights, _ d: EncoderDimensions) throws {
        layers = try (0..<d.layers).map { try BertLayer(weights.scoped("layer.\($0)"), d) }
    }

    func callAsFunction(_ embeddings: Tensor, attentionMask: Tensor?, inputs: ModelInputs, into output: inout ModelOutput) throws -> Tensor {
        let mask = try attentionMask.flatMap(MultiHeadAttention.additiveMaskUnlessFull)
        var hidden = embeddings
        var allHidden = [embeddings]
        var allAttentions: [Tensor] = []
        for layer in layers {
            let (next, probabilities) = try layer(hidden, mask: mask, wantProbabilities: inputs.outputAttentions)
            hidden = next
            allHidden.append(hidden)
            if let probabilities { allAttentions.append(probabilities) }
        }
        output.set("last_hidden_state", hidden)
        if inputs.outputHiddenStates { output.set("hidden_states", allHidden) }
        if inputs.outputAttentions { output.set("attentions", allAttentions) }
        return hidden
    }
}
