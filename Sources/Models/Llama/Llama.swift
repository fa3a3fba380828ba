import Hub
import Tensors

// Llama, following transformers/models/llama/modeling_llama.py (also Mistral without sliding window and Qwen2,
// modeling_qwen2.py, whose only difference at inference is a bias on q/k/v): pre-RMSNorm blocks, rotary positions,
// grouped-query attention, SwiGLU MLP, optionally tied LM head.

/// `LlamaRMSNorm`: x·rsqrt(mean(x²) + eps)·w.
public struct RMSNorm: Sendable {
    public let weight: Tensor
    public let eps: Double

    public init(_ weights: Weights, _ name: String, size: Int, eps: Double) throws {
        weight = try weights.scoped(name).tensor("weight", shape: [size])
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.rmsNorm([weight.count], weight: weight, eps: eps) }
}

struct LlamaBlock: Sendable {
    let q, k, v, o: Linear
    let gate, up, down: Linear
    let inputNorm, postAttentionNorm: RMSNorm
    let heads, kvHeads, headDim: Int
    let activation: Activation

    init(_ weights: Weights, hidden: Int, intermediate: Int, heads: Int, kvHeads: Int, headDim: Int, eps: Double,
         qkvBias: Bool, outputBias: Bool, mlpBias: Bool, activation: Activation) throws {
        let attention = weights.scoped("self_attn")
        q = try Linear(attention, "q_proj", in: hidden, out: heads * headDim, bias: qkvBias)
        k = try Linear(attention, "k_proj", in: hidden, out: kvHeads * headDim, bias: qkvBias)
        v = try Linear(attention, "v_proj", in: hidden, out: kvHeads * headDim, bias: qkvBias)
        o = try Linear(attention, "o_proj", in: heads * headDim, out: hidden, bias: outputBias)
        let mlp = weights.scoped("mlp")
        gate = try Linear(mlp, "gate_proj", in: hidden, out: intermediate, bias: mlpBias)
        up = try Linear(mlp, "up_proj", in: hidden, out: intermediate, bias: mlpBias)
        down = try Linear(mlp, "down_proj", in: intermediate, out: hidden, bias: mlpBias)
        inputNorm = try RMSNorm(weights, "input_layernorm", size: hidden, eps: eps)
        postAttentionNorm = try RMSNorm(weights, "post_attention_layernorm", size: hidden, eps: eps)
        (self.heads, self.kvHeads, self.headDim, self.activation) = (heads, kvHeads, headDim, activation)
    }

    func callAsFunction(_ x: Tensor, layer: Int, rotary: (cos: Tensor, sin: Tensor), mask: Tensor, cache: KVCache?) throws -> Tensor {
        let normed = try inputNorm(x)
        let query = try RotaryEmbedding.apply(MultiHeadAttention.splitHeads(q(normed), heads: heads), cos: rotary.cos, sin: rotary.sin)
        let key = try RotaryEmbedding.apply(MultiHeadAttention.splitHeads(k(normed), heads: kvHeads), cos: rotary.cos, sin: rotary.sin)
        let value = try MultiHeadAttention.splitHeads(v(normed), heads: kvHeads)
        let context = try DecoderAttention.attend(query: query, key: key, value: value, layer: layer, cache: cache, mask: mask,
                                                  scale: 1 / Float(headDim).squareRoot())
        let attended = try x.add(o(context))
        let normed2 = try postAttentionNorm(attended)
        return try attended.add(down(activation(gate(normed2)).mul(up(normed2))))
    }
}

final class LlamaModel: CausalLanguageModel, @unchecked Sendable {
    let config: PretrainedConfig
    let embedTokens: Embedding
    let blocks: [LlamaBlock]
    let norm: RMSNorm
    let lmHead: Linear?
    let rotary: RotaryEmbedding
    let vocabSize: Int
    var maxPositions: Int? { nil }
    /// The raw-buffer forward when every projection is quantized (a GGUF checkpoint kept in its block formats).
    let quantizedDecoder: LlamaQuantizedDecoder?

    init(config: PretrainedConfig, weights: Weights, task: ModelTask, qkvBias: Bool? = nil) throws {
        guard task == .causalLM || task == .base else {
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
        self.config = config
        let hidden = try config.requireInt("hidden_size"), heads = try config.requireInt("num_attention_heads")
        let layers = try config.requireInt("num_hidden_layers"), intermediate = try config.requireInt("intermediate_size")
        vocabSize = try config.requireInt("vocab_size")
        let kvHeads = config.int("num_key_value_heads") ?? heads
        let headDim = config.int("head_dim") ?? hidden / heads
        let eps = config.double("rms_norm_eps") ?? 1e-6
        let activation = try Activation(config: config.string("hidden_act") ?? "silu")
        let attentionBias = qkvBias ?? (config.bool("attention_bias") ?? false)
        let base = weights.scoped("model")
        embedTokens = try Embedding(base, "embed_tokens", count: vocabSize, dim: hidden)
        blocks = try (0..<layers).map {
            try LlamaBlock(base.scoped("layers.\($0)"), hidden: hidden, intermediate: intermediate, heads: heads, kvHeads: kvHeads,
                           headDim: headDim, eps: eps, qkvBias: attentionBias, outputBias: qkvBias == nil && attentionBias,
                           mlpBias: config.bool("mlp_bias") ?? false, activation: activation)
        }
        norm = try RMSNorm(base, "norm", size: hidden, eps: eps)
        rotary = try RotaryEmbedding(config: config, headDim: headDim, partialFactor: config.double("partial_rotary_factor") ?? 1)
        lmHead = try Linear.languageModelHead(
            weights, "lm_head", task: task, tied: config.bool("tie_word_embeddings") ?? false, embeddings: embedTokens.weight,
            quantizedEmbeddings: embedTokens.quantized, in: hidden, vocab: vocabSize)
        quantizedDecoder = LlamaQuantizedDecoder(blocks: blocks, embedding: embedTokens, norm: norm, head: lmHead, rotary: rotary)
    }

    func makeCache() -> KVCache { KVCache(layers: blocks.count) }

    func headLogits(_ hidden: Tensor) throws -> Tensor { try lmHead.logits(hidden, modelType: config.modelType) }

    func logits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor {
        if let fast = quantizedDecoder, lmHead != nil, fast.applies(inputIds: inputIds, attentionMask: attentionMask, cache: cache) {
            return try fast.run(inputIds: inputIds, positionIds: positionIds, cache: cache, layerCount: blocks.count,
                                result: .logits(lastOnly: lastOnly))
        }
        return try tensorPathLogits(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache, lastOnly: lastOnly)
    }

    /// `logits` through the Tensor operations (any weights, padding, batches), bypassing the quantized decoder.
    func tensorPathLogits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor {
        var hidden = try tensorPathHiddenStates(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        if lastOnly { hidden = try hidden.narrow(1, start: hidden.shape[1] - 1, length: 1) }
        return try headLogits(hidden)
    }

    /// The final normalized hidden states [batch, new, hidden].
    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        if let fast = quantizedDecoder, fast.applies(inputIds: inputIds, attentionMask: attentionMask, cache: cache) {
            return try fast.run(inputIds: inputIds, positionIds: positionIds, cache: cache, layerCount: blocks.count, result: .hidden)
        }
        return try tensorPathHiddenStates(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
    }

    func tensorPathHiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        let (mask, table) = try rotary.layerInputs(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        var hidden = try embedTokens(inputIds)
        for (index, block) in blocks.enumerated() {
            hidden = try block(hidden, layer: index, rotary: table, mask: mask, cache: cache)
        }
        return try norm(hidden)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        try decoderForward(inputs, hasHead: lmHead != nil, baseOutput: "BaseModelOutputWithPast")
    }
}
