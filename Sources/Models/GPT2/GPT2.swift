import Hub
import Tensors

// GPT-2, following transformers/models/gpt2/modeling_gpt2.py: learned positions, pre-LayerNorm blocks, fused
// `c_attn` projection, GELU (tanh) MLP, LM head tied to the token embeddings. The checkpoints store `Conv1D`
// weights as [in, out]; `Linear` gets a transposed view of them (GEMM reads either layout), so loading copies no
// weight and the model's resident size stays the checkpoint's.

extension Linear {
    /// A GPT-2 `Conv1D` (`<name>.weight` [in, out], `<name>.bias` [out]) as a `Linear` whose weight is the [out, in]
    /// transposed view of the stored matrix (not a copy: a copy would double the weights' memory).
    init(conv1D weights: Weights, _ name: String, in inFeatures: Int, out outFeatures: Int) throws {
        let scope = weights.scoped(name)
        self.init(weight: try scope.tensor("weight", shape: [inFeatures, outFeatures]).transpose(0, 1),
                  bias: try scope.tensor("bias", shape: [outFeatures]))
    }
}

struct GPT2Block: Sendable {
    let attention, projection, expand, contract: Linear
    let norm1, norm2: LayerNorm
    let heads: Int
    let scale: Float
    let activation: Activation

    init(_ weights: Weights, hidden: Int, inner: Int, heads: Int, eps: Double, scale: Float, activation: Activation) throws {
        attention = try Linear(conv1D: weights.scoped("attn"), "c_attn", in: hidden, out: 3 * hidden)
        projection = try Linear(conv1D: weights.scoped("attn"), "c_proj", in: hidden, out: hidden)
        expand = try Linear(conv1D: weights.scoped("mlp"), "c_fc", in: hidden, out: inner)
        contract = try Linear(conv1D: weights.scoped("mlp"), "c_proj", in: inner, out: hidden)
        norm1 = try LayerNorm(weights, "ln_1", size: hidden, eps: eps)
        norm2 = try LayerNorm(weights, "ln_2", size: hidden, eps: eps)
        (self.heads, self.scale, self.activation) = (heads, scale, activation)
    }

    func callAsFunction(_ x: Tensor, layer: Int, mask: Tensor, cache: KVCache?) throws -> Tensor {
        let parts = try attention(norm1(x)).chunk(3, dim: 2)
        let context = try DecoderAttention.attend(
            query: MultiHeadAttention.splitHeads(parts[0], heads: heads), key: MultiHeadAttention.splitHeads(parts[1], heads: heads),
            value: MultiHeadAttention.splitHeads(parts[2], heads: heads), layer: layer, cache: cache, mask: mask, scale: scale)
        let attended = try x.add(projection(context))
        return try attended.add(contract(activation(expand(norm2(attended)))))
    }
}

final class GPT2Model: CausalLanguageModel, @unchecked Sendable {
    let config: PretrainedConfig
    let tokens, positions: Embedding
    let blocks: [GPT2Block]
    let finalNorm: LayerNorm
    let lmHead: Linear?
    /// The raw-buffer forward (float32 weights, no padding); nil where the Tensor path must run.
    let decoder: GPT2Decoder?
    let vocabSize: Int
    var maxPositions: Int? { positions.weight.shape[0] }

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .causalLM || task == .base else {
            throw ModelError.unsupportedTask(modelType: config.modelType, task: task.rawValue)
        }
        self.config = config
        let hidden = try config.requireInt("n_embd"), heads = try config.requireInt("n_head")
        let layers = try config.requireInt("n_layer"), maxPositions = try config.requireInt("n_positions")
        vocabSize = try config.requireInt("vocab_size")
        let inner = config.int("n_inner") ?? 4 * hidden
        let eps = config.double("layer_norm_epsilon") ?? 1e-5
        let activation = try Activation(config: config.string("activation_function") ?? "gelu_new")
        let scaleWeights = config.bool("scale_attn_weights") ?? true
        let byLayer = config.bool("scale_attn_by_inverse_layer_idx") ?? false
        let base = weights.scoped("transformer")
        tokens = try Embedding(base, "wte", count: vocabSize, dim: hidden)
        positions = try Embedding(base, "wpe", count: maxPositions, dim: hidden)
        blocks = try (0..<layers).map { index in
            var scale: Float = scaleWeights ? 1 / Float(hidden / heads).squareRoot() : 1
            if byLayer { scale /= Float(index + 1) }
            return try GPT2Block(base.scoped("h.\(index)"), hidden: hidden, inner: inner, heads: heads, eps: eps, scale: scale,
                                 activation: activation)
        }
        finalNorm = try LayerNorm(base, "ln_f", size: hidden, eps: eps)
        lmHead = try Linear.languageModelHead(
            weights, "lm_head", task: task, tied: config.bool("tie_word_embeddings") ?? true, embeddings: tokens.weight,
            in: hidden, vocab: vocabSize)
        decoder = GPT2Decoder(blocks: blocks, tokens: tokens, positions: positions, finalNorm: finalNorm, head: lmHead)
    }

    func makeCache() -> KVCache { KVCache(layers: blocks.count) }

    func headLogits(_ hidden: Tensor) throws -> Tensor { try lmHead.logits(hidden, modelType: config.modelType) }

    func logits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor {
        if let decoder, lmHead != nil, decoder.applies(inputIds: inputIds, attentionMask: attentionMask, cache: cache) {
            return try decoder.run(inputIds: inputIds, positionIds: positionIds, cache: cache, result: .logits(lastOnly: lastOnly))
        }
        var hidden = try tensorPathHiddenStates(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        if lastOnly { hidden = try hidden.narrow(1, start: hidden.shape[1] - 1, length: 1) }
        return try headLogits(hidden)
    }

    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        if let decoder, decoder.applies(inputIds: inputIds, attentionMask: attentionMask, cache: cache) {
            return try decoder.run(inputIds: inputIds, positionIds: positionIds, cache: cache, result: .hidden)
        }
        return try tensorPathHiddenStates(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
    }

    /// `hiddenStates` through the Tensor operations (any mask, padding included).
    func tensorPathHiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        let (batch, new) = (inputIds.shape[0], inputIds.shape[1])
        let past = cache?.length ?? 0
        guard past + new <= positions.weight.shape[0] else {
            throw ModelError.invalidInput("sequence length \(past + new) exceeds n_positions (\(positions.weight.shape[0]))")
        }
        let positionIds = try positionIds ?? CausalMask.sequentialPositions(batch: batch, past: past, new: new)
        let mask = try CausalMask.boolean(attentionMask: attentionMask, batch: batch, past: past, new: new)
        var hidden = try tokens(inputIds).add(positions(positionIds))
        for (index, block) in blocks.enumerated() { hidden = try block(hidden, layer: index, mask: mask, cache: cache) }
        return try finalNorm(hidden)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        try decoderForward(inputs, hasHead: lmHead != nil, baseOutput: "BaseModelOutputWithPastAndCrossAttentions")
    }
}
