import Hub
import Tensors

// OPT, following transformers/models/opt/modeling_opt.py: learned positions offset by 2, optional projection
// between the word-embedding width and the hidden width, pre- or post-LayerNorm blocks (`do_layer_norm_before`).

struct OPTBlock: Sendable {
    let q, k, v, out, fc1, fc2: Linear
    let attentionNorm, finalNorm: LayerNorm
    let heads: Int
    let normBefore: Bool
    let activation: Activation

    init(_ weights: Weights, hidden: Int, ffn: Int, heads: Int, bias: Bool, normBefore: Bool, elementwiseAffine: Bool,
         activation: Activation) throws {
        let attention = weights.scoped("self_attn")
        q = try Linear(attention, "q_proj", in: hidden, out: hidden, bias: bias)
        k = try Linear(attention, "k_proj", in: hidden, out: hidden, bias: bias)
        v = try Linear(attention, "v_proj", in: hidden, out: hidden, bias: bias)
        out = try Linear(attention, "out_proj", in: hidden, out: hidden, bias: bias)
        fc1 = try Linear(weights, "fc1", in: hidden, out: ffn, bias: bias)
        fc2 = try Linear(weights, "fc2", in: ffn, out: hidden, bias: bias)
        attentionNorm = try LayerNorm(weights, "self_attn_layer_norm", size: hidden, eps: 1e-5, bias: elementwiseAffine)
        finalNorm = try LayerNorm(weights, "final_layer_norm", size: hidden, eps: 1e-5, bias: elementwiseAffine)
        (self.heads, self.normBefore, self.activation) = (heads, normBefore, activation)
    }

    func callAsFunction(_ x: Tensor, layer: Int, mask: Tensor, cache: KVCache?) throws -> Tensor {
        let input = normBefore ? try attentionNorm(x) : x
        let context = try DecoderAttention.attend(
            query: MultiHeadAttention.splitHeads(q(input), heads: heads), key: MultiHeadAttention.splitHeads(k(input), heads: heads),
            value: MultiHeadAttention.splitHeads(v(input), heads: heads), layer: layer, cache: cache, mask: mask,
            scale: 1 / Float(x.shape[2] / heads).squareRoot())
        var hidden = try x.add(out(context))
        if !normBefore { hidden = try attentionNorm(hidden) }
        let feedInput = normBefore ? try finalNorm(hidden) : hidden
        hidden = try hidden.add(fc2(activation(fc1(feedInput))))
        return normBefore ? hidden : try finalNorm(hidden)
    }
}

final class OPTModel: CausalLanguageModel, @unchecked Sendable {
    /// OPT's learned position table starts 2 rows in (rows 0 and 1 were reserved by fairseq).
    static let positionOffset = 2

    let config: PretrainedConfig
    let tokens, positions: Embedding
    let projectIn, projectOut: Linear?
    let blocks: [OPTBlock]
    let finalNorm: LayerNorm?
    let lmHead: Linear?
    let vocabSize: Int
    var maxPositions: Int? { positions.weight.shape[0] - Self.positionOffset }

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .causalLM || task == .base else {
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
        self.config = config
        let hidden = try config.requireInt("hidden_size"), heads = try config.requireInt("num_attention_heads")
        let layers = try config.requireInt("num_hidden_layers"), ffn = try config.requireInt("ffn_dim")
        let maxPositions = try config.requireInt("max_position_embeddings")
        vocabSize = try config.requireInt("vocab_size")
        let wordDim = config.int("word_embed_proj_dim") ?? hidden
        let normBefore = config.bool("do_layer_norm_before") ?? true
        let affine = config.bool("layer_norm_elementwise_affine") ?? true
        let activation = try Activation(config: config.string("activation_function") ?? "relu")
        let base = weights.scoped("model.decoder")
        tokens = try Embedding(base, "embed_tokens", count: vocabSize, dim: wordDim)
        positions = try Embedding(base, "embed_positions", count: maxPositions + Self.positionOffset, dim: hidden)
        projectIn = wordDim == hidden ? nil : try Linear(base, "project_in", in: wordDim, out: hidden, bias: false)
        projectOut = wordDim == hidden ? nil : try Linear(base, "project_out", in: hidden, out: wordDim, bias: false)
        blocks = try (0..<layers).map {
            try OPTBlock(base.scoped("layers.\($0)"), hidden: hidden, ffn: ffn, heads: heads, bias: config.bool("enable_bias") ?? true,
                         normBefore: normBefore, elementwiseAffine: affine, activation: activation)
        }
        let removeFinal = config.bool("_remove_final_layer_norm") ?? false
        finalNorm = normBefore && !removeFinal ? try LayerNorm(base, "final_layer_norm", size: hidden, eps: 1e-5, bias: affine) : nil
        lmHead = try Linear.languageModelHead(
            weights, "lm_head", task: task, tied: config.bool("tie_word_embeddings") ?? true, embeddings: tokens.weight,
            in: wordDim, vocab: vocabSize)
    }

    func makeCache() -> KVCache { KVCache(layers: blocks.count) }

    func headLogits(_ hidden: Tensor) throws -> Tensor { try lmHead.logits(hidden, modelType: config.modelType) }

    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        let (batch, new) = (inputIds.shape[0], inputIds.shape[1])
        let past = cache?.length ?? 0
        guard past + new <= positions.weight.shape[0] - Self.positionOffset else {
            throw ModelError.invalidInput("sequence length \(past + new) exceeds max_position_embeddings (\(positions.weight.shape[0] - Self.positionOffset))")
        }
        // Without explicit positions, OPT counts only attended tokens (cumsum of the mask), as its decoder does.
        let positionIds = try positionIds
            ?? attentionMask.map { try CausalMask.positionIds(attentionMask: $0, new: new) }
            ?? CausalMask.sequentialPositions(batch: batch, past: past, new: new)
        let mask = try CausalMask.boolean(attentionMask: attentionMask, batch: batch, past: past, new: new)
        var hidden = try tokens(inputIds)
        if let projectIn { hidden = try projectIn(hidden) }
        hidden = try hidden.add(positions(positionIds.add(Scalar.int(Int64(Self.positionOffset)))))
        for (index, block) in blocks.enumerated() { hidden = try block(hidden, layer: index, mask: mask, cache: cache) }
        if let finalNorm { hidden = try finalNorm(hidden) }
        if let projectOut { hidden = try projectOut(hidden) }
        return hidden
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        try decoderForward(inputs, hasHead: lmHead != nil, baseOutput: "BaseModelOutputWithPast")
    }
}
