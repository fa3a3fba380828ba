import Hub
import Tensors

// Falcon, following transformers/models/falcon/modeling_falcon.py (4.55): one fused `query_key_value` projection in
// three layouts — the new decoder architecture (Falcon-40B/180B: `num_kv_heads` groups of [queries…, key, value]),
// the older multi-query one (Falcon-7B: all query heads, then one key and one value head) and plain multi-head
// ([q, k, v] per head) — rotary positions, and parallel attention (attention and MLP read the same normalized
// input) with one or two layer norms. ALiBi checkpoints (`alibi: true`, Falcon-RW) use position biases in the
// attention mask instead of rotary positions (FalconALiBi.swift).

/// Which fused-projection layout a checkpoint uses and how its heads group.
struct FalconLayout: Sendable {
    let heads, kvHeads, headDim: Int
    let newArchitecture, multiQuery: Bool

    var fusedWidth: Int {
        newArchitecture ? (heads + 2 * kvHeads) * headDim : multiQuery ? (heads + 2) * headDim : 3 * heads * headDim
    }

    /// The fused projection [batch, seq, fusedWidth] split into q [b, heads, seq, d] and k, v [b, kvHeads, seq, d].
    func split(_ fused: Tensor) throws -> (query: Tensor, key: Tensor, value: Tensor) {
        let (batch, length) = (fused.shape[0], fused.shape[1])
        if newArchitecture {
            // [b, s, groups, perGroup + 2, d]: each group's query heads, then its key, then its value.
            let perGroup = heads / kvHeads
            let grouped = try fused.view([batch, length, kvHeads, perGroup + 2, headDim])
            let query = try grouped.narrow(3, start: 0, length: perGroup).reshape([batch, length, heads, headDim])
            let key = try grouped.narrow(3, start: perGroup, length: 1).reshape([batch, length, kvHeads, headDim])
            let value = try grouped.narrow(3, start: perGroup + 1, length: 1).reshape([batch, length, kvHeads, headDim])
            return try (query.transpose(1, 2), key.transpose(1, 2), value.transpose(1, 2))
        }
        if multiQuery {
            let split = try fused.view([batch, length, heads + 2, headDim])
            return try (split.narrow(2, start: 0, length: heads).transpose(1, 2),
                        split.narrow(2, start: heads, length: 1).transpose(1, 2),
                        split.narrow(2, start: heads + 1, length: 1).transpose(1, 2))
        }
        let split = try fused.view([batch, length, heads, 3, headDim])
        return try (split.select(3, 0).transpose(1, 2), split.select(3, 1).transpose(1, 2), split.select(3, 2).transpose(1, 2))
    }
}

struct FalconBlock: Sendable {
    let queryKeyValue, dense, expand, contract: Linear
    /// `input_layernorm` (or `ln_attn` with two norms); `ln_mlp` with two norms; `post_attention_layernorm` when
    /// attention is sequential.
    let attentionNorm: LayerNorm
    let mlpNorm: LayerNorm?
    let postAttentionNorm: LayerNorm?
    let layout: FalconLayout
    let parallel: Bool
    let activation: Activation

    init(_ weights: Weights, hidden: Int, ffn: Int, layout: FalconLayout, eps: Double, bias: Bool, parallel: Bool,
         twoNorms: Bool, activation: Activation) throws {
        let attention = weights.scoped("self_attention")
        queryKeyValue = try Linear(attention, "query_key_value", in: hidden, out: layout.fusedWidth, bias: bias)
        dense = try Linear(attention, "dense", in: layout.heads * layout.headDim, out: hidden, bias: bias)
        expand = try Linear(weights.scoped("mlp"), "dense_h_to_4h", in: hidden, out: ffn, bias: bias)
        contract = try Linear(weights.scoped("mlp"), "dense_4h_to_h", in: ffn, out: hidden, bias: bias)
        if parallel && twoNorms {
            attentionNorm = try LayerNorm(weights, "ln_attn", size: hidden, eps: eps)
            mlpNorm = try LayerNorm(weights, "ln_mlp", size: hidden, eps: eps)
            postAttentionNorm = nil
        } else {
            attentionNorm = try LayerNorm(weights, "input_layernorm", size: hidden, eps: eps)
            mlpNorm = nil
            postAttentionNorm = parallel ? nil : try LayerNorm(weights, "post_attention_layernorm", size: hidden, eps: eps)
        }
        (self.layout, self.parallel, self.activation) = (layout, parallel, activation)
    }

    /// `rotary` is nil for ALiBi checkpoints, whose positions are in `mask`.
    func callAsFunction(_ x: Tensor, layer: Int, rotary: (cos: Tensor, sin: Tensor)?, mask: Tensor, cache: KVCache?) throws -> Tensor {
        let normalized = try attentionNorm(x)
        let (q, k, v) = try layout.split(queryKeyValue(normalized))
        var (query, key) = (q, k)
        if let rotary {
            query = try RotaryEmbedding.apply(q, cos: rotary.cos, sin: rotary.sin)
            key = try RotaryEmbedding.apply(k, cos: rotary.cos, sin: rotary.sin)
        }
        let context = try DecoderAttention.attend(query: query, key: key, value: v, layer: layer, cache: cache, mask: mask,
                                                  scale: 1 / Float(layout.headDim).squareRoot())
        let attention = try dense(context)
        if let postAttentionNorm {  // sequential: x + attn, then the MLP on its normalization
            let attended = try x.add(attention)
            return try attended.add(contract(activation(expand(postAttentionNorm(attended)))))
        }
        let mlp = try contract(activation(expand(mlpNorm.map { try $0(x) } ?? normalized)))
        return try x.add(mlp.add(attention))
    }
}

final class FalconModel: CausalLanguageModel, @unchecked Sendable {
    let config: PretrainedConfig
    let embeddings: Embedding
    let blocks: [FalconBlock]
    let finalNorm: LayerNorm
    let head: Linear?
    let rotary: RotaryEmbedding
    let usesALiBi: Bool
    let vocabSize: Int
    var maxPositions: Int? { nil }

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .causalLM || task == .base else {
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
        usesALiBi = config.bool("alibi") ?? false
        self.config = config
        let hidden = try config.requireInt("hidden_size")
        let heads = try config.int("num_attention_heads") ?? config.requireInt("n_head")
        let layers = try config.int("num_hidden_layers") ?? config.requireInt("n_layer")
        guard heads > 0, hidden % heads == 0 else {
            throw ModelError.invalidConfig("falcon: hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)")
        }
        let newArchitecture = config.bool("new_decoder_architecture") ?? false
        let multiQuery = config.bool("multi_query") ?? true
        let configuredKV = config.int("num_kv_heads") ?? config.int("n_head_kv") ?? heads
        let kvHeads = newArchitecture ? configuredKV : multiQuery ? 1 : heads
        guard kvHeads > 0, heads % kvHeads == 0 else {
            throw ModelError.invalidConfig("falcon: num_attention_heads (\(heads)) must be a multiple of num_kv_heads (\(kvHeads))")
        }
        let layout = FalconLayout(heads: heads, kvHeads: kvHeads, headDim: hidden / heads,
                                  newArchitecture: newArchitecture, multiQuery: multiQuery)
        vocabSize = try config.requireInt("vocab_size")
        let eps = config.double("layer_norm_epsilon") ?? 1e-5
        let ffn = config.int("ffn_hidden_size") ?? 4 * hidden
        let activation = try Activation(config: config.string("activation") ?? "gelu")
        let parallel = config.bool("parallel_attn") ?? true
        // The reference sets num_ln_in_parallel_attn = 2 for the new architecture when the config leaves it out.
        let twoNorms = (config.int("num_ln_in_parallel_attn") ?? (newArchitecture ? 2 : 1)) == 2 && newArchitecture
        let base = weights.scoped("transformer")
        embeddings = try Embedding(base, "word_embeddings", count: vocabSize, dim: hidden)
        blocks = try (0..<layers).map {
            try FalconBlock(base.scoped("h.\($0)"), hidden: hidden, ffn: ffn, layout: layout, eps: eps,
                            bias: config.bool("bias") ?? false, parallel: parallel, twoNorms: twoNorms, activation: activation)
        }
        finalNorm = try LayerNorm(base, "ln_f", size: hidden, eps: eps)
        rotary = try RotaryEmbedding(config: config, headDim: hidden / heads)
        head = try Linear.languageModelHead(
            weights, "lm_head", task: task, tied: config.bool("tie_word_embeddings") ?? true, embeddings: embeddings.weight,
            in: hidden, vocab: vocabSize)
    }

    func makeCache() -> KVCache { KVCache(layers: blocks.count) }

    func headLogits(_ hidden: Tensor) throws -> Tensor { try head.logits(hidden, modelType: config.modelType) }

    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        let (allowed, table) = try rotary.layerInputs(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        var mask = allowed
        if usesALiBi, let layout = blocks.first?.layout {
            mask = try FalconALiBi.mask(allowed: allowed, attentionMask: attentionMask, heads: layout.heads, headDim: layout.headDim)
        }
        var hidden = try embeddings(inputIds)
        for (index, block) in blocks.enumerated() {
            hidden = try block(hidden, layer: index, rotary: usesALiBi ? nil : table, mask: mask, cache: cache)
        }
        return try finalNorm(hidden)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        try decoderForward(inputs, hasHead: head != nil, baseOutput: "BaseModelOutputWithPast")
    }
}
