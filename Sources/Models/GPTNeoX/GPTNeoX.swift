import Hub
import Tensors

// GPT-NeoX (Pythia), following transformers/models/gpt_neox/modeling_gpt_neox.py: fused per-head
// query_key_value, partial rotary (`rotary_pct`), parallel residual (attention and MLP both read the block input).

struct GPTNeoXBlock: Sendable {
    let queryKeyValue, dense, expand, contract: Linear
    let inputNorm, postAttentionNorm: LayerNorm
    let heads, headDim: Int
    let parallelResidual: Bool
    let activation: Activation

    init(_ weights: Weights, hidden: Int, intermediate: Int, heads: Int, eps: Double, parallelResidual: Bool,
         bias: Bool, activation: Activation) throws {
        let attention = weights.scoped("attention")
        queryKeyValue = try Linear(attention, "query_key_value", in: hidden, out: 3 * hidden, bias: bias)
        dense = try Linear(attention, "dense", in: hidden, out: hidden, bias: bias)
        expand = try Linear(weights.scoped("mlp"), "dense_h_to_4h", in: hidden, out: intermediate)
        contract = try Linear(weights.scoped("mlp"), "dense_4h_to_h", in: intermediate, out: hidden)
        inputNorm = try LayerNorm(weights, "input_layernorm", size: hidden, eps: eps)
        postAttentionNorm = try LayerNorm(weights, "post_attention_layernorm", size: hidden, eps: eps)
        (self.heads, self.headDim, self.parallelResidual, self.activation) = (heads, hidden / heads, parallelResidual, activation)
    }

    func callAsFunction(_ x: Tensor, layer: Int, rotary: (cos: Tensor, sin: Tensor), mask: Tensor, cache: KVCache?) throws -> Tensor {
        let (batch, length) = (x.shape[0], x.shape[1])
        // [batch, seq, heads, 3·dim] → [batch, heads, seq, 3·dim], then q | k | v along the last axis.
        let fused = try queryKeyValue(inputNorm(x)).view([batch, length, heads, 3 * headDim]).permute([0, 2, 1, 3])
        let query = try RotaryEmbedding.apply(fused.narrow(3, start: 0, length: headDim), cos: rotary.cos, sin: rotary.sin)
        let key = try RotaryEmbedding.apply(fused.narrow(3, start: headDim, length: headDim), cos: rotary.cos, sin: rotary.sin)
        let value = try fused.narrow(3, start: 2 * headDim, length: headDim)
        let context = try DecoderAttention.attend(query: query, key: key, value: value, layer: layer, cache: cache, mask: mask,
                                                  scale: 1 / Float(headDim).squareRoot())
        let attention = try dense(context)
        if parallelResidual {
            return try x.add(attention).add(contract(activation(expand(postAttentionNorm(x)))))
        }
        let attended = try x.add(attention)
        return try attended.add(contract(activation(expand(postAttentionNorm(attended)))))
    }
}

final class GPTNeoXModel: CausalLanguageModel, @unchecked Sendable {
    let config: PretrainedConfig
    let embedIn: Embedding
    let blocks: [GPTNeoXBlock]
    let finalNorm: LayerNorm
    let embedOut: Linear?
    let rotary: RotaryEmbedding
    let vocabSize: Int
    var maxPositions: Int? { nil }

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .causalLM || task == .base else {
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
        self.config = config
        let hidden = try config.requireInt("hidden_size"), heads = try config.requireInt("num_attention_heads")
        let layers = try config.requireInt("num_hidden_layers"), intermediate = try config.requireInt("intermediate_size")
        vocabSize = try config.requireInt("vocab_size")
        let eps = config.double("layer_norm_eps") ?? 1e-5
        let activation = try Activation(config: config.string("hidden_act") ?? "gelu")
        let base = weights.scoped("gpt_neox")
        embedIn = try Embedding(base, "embed_in", count: vocabSize, dim: hidden)
        blocks = try (0..<layers).map {
            try GPTNeoXBlock(base.scoped("layers.\($0)"), hidden: hidden, intermediate: intermediate, heads: heads, eps: eps,
                             parallelResidual: config.bool("use_parallel_residual") ?? true,
                             bias: config.bool("attention_bias") ?? true, activation: activation)
        }
        finalNorm = try LayerNorm(base, "final_layer_norm", size: hidden, eps: eps)
        let partial = config.double("partial_rotary_factor") ?? config.double("rotary_pct") ?? 0.25
        rotary = try RotaryEmbedding(config: config, headDim: hidden / heads, partialFactor: partial)
        embedOut = try Linear.languageModelHead(
            weights, "embed_out", task: task, tied: config.bool("tie_word_embeddings") ?? false, embeddings: embedIn.weight,
            in: hidden, vocab: vocabSize)
    }

    func makeCache() -> KVCache { KVCache(layers: blocks.count) }

    func headLogits(_ hidden: Tensor) throws -> Tensor { try embedOut.logits(hidden, modelType: config.modelType) }

    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        let (mask, table) = try rotary.layerInputs(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        var hidden = try embedIn(inputIds)
        for (index, block) in blocks.enumerated() { hidden = try block(hidden, layer: index, rotary: table, mask: mask, cache: cache) }
        return try finalNorm(hidden)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        try decoderForward(inputs, hasHead: embedOut != nil, baseOutput: "BaseModelOutputWithPast")
    }
}
