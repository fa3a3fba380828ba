import Hub
import Tensors

/// A decoder-only language model that generation can drive: one forward over new tokens with a cache of the past.
public protocol CausalLanguageModel: PretrainedModel {
    /// Logits [batch, new, vocab] for `inputIds` [batch, new], given the mask over past + new tokens ([batch,
    /// past + new], 1 = attend) and position ids [batch, new]; appends this step's keys/values to `cache`.
    /// With `lastOnly`, only the last position's logits are computed ([batch, 1, vocab]), as generate's
    /// `logits_to_keep=1` does.
    func logits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor
    /// The final (normalized) hidden states [batch, new, hidden] — `hidden_states[-1]` — appending to `cache`.
    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor
    /// The LM head applied to hidden states from `hiddenStates`.
    func headLogits(_ hidden: Tensor) throws -> Tensor
    /// An empty cache shaped for this model.
    func makeCache() -> KVCache
    /// The longest sequence the position embeddings allow, when the architecture has such a limit (learned tables).
    var maxPositions: Int? { get }
    var vocabSize: Int { get }
}

extension CausalLanguageModel {
    /// `model(input_ids, attention_mask=…)` as a `CausalLMOutputWithPast` without a cache.
    public func causalForward(_ inputs: ModelInputs) throws -> ModelOutput {
        guard let ids = inputs.inputIds, ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence]") }
        var output = ModelOutput("CausalLMOutputWithPast")
        output.set("logits", try logits(inputIds: ids, attentionMask: inputs.attentionMask, positionIds: inputs.positionIds, cache: nil, lastOnly: false))
        return output
    }
}

/// Masks and positions shared by every decoder (the reference's `create_causal_mask` and generate's position ids).
public enum CausalMask {
    /// The boolean mask [batch, 1, new, past + new] (true = attend): query i (absolute position past + i) sees key j
    /// when j ≤ past + i and the attention mask keeps j. A query row with no visible key (left padding) attends to
    /// nothing and its attention output is zero, as PyTorch's SDPA gives the reference (so pad positions' hidden
    /// states match too — contrastive search reads them).
    public static func boolean(attentionMask: Tensor?, batch: Int, past: Int, new: Int) throws -> Tensor {
        let total = past + new
        var keep: [Int64]? = nil
        if let attentionMask {
            guard attentionMask.rank == 2, attentionMask.shape[0] == batch, attentionMask.shape[1] == total else {
                throw ModelError.invalidInput("attention_mask has shape \(attentionMask.shape); expected [\(batch), \(total)] (past \(past) + new \(new) tokens)")
            }
            keep = attentionMask.to(.int64).contiguous().int64s()
        }
        var values = [Bool](repeating: true, count: batch * new * total)
        for b in 0..<batch {
            for i in 0..<new {
                let row = (b * new + i) * total
                for j in 0..<total where j > past + i || (keep.map { $0[b * total + j] == 0 } ?? false) {
                    values[row + j] = false
                }
            }
        }
        return try Tensor(values, shape: [batch, 1, new, total])
    }

    /// Position ids from a 0/1 mask as generate computes them: `cumsum(mask) - 1`, with padded places set to 1;
    /// the last `new` columns.
    public static func positionIds(attentionMask: Tensor, new: Int) throws -> Tensor {
        let (batch, total) = (attentionMask.shape[0], attentionMask.shape[1])
        let mask = attentionMask.to(.int64).contiguous().int64s()
        var ids = [Int64](repeating: 0, count: batch * new)
        for b in 0..<batch {
            var running: Int64 = 0
            for j in 0..<total {
                running += mask[b * total + j]
                if j >= total - new { ids[b * new + j - (total - new)] = mask[b * total + j] == 0 ? 1 : running - 1 }
            }
        }
        return try Tensor(ids, shape: [batch, new])
    }

    /// `arange(past, past + new)` for every row: positions when no mask is given.
    public static func sequentialPositions(batch: Int, past: Int, new: Int) throws -> Tensor {
        try Tensor((0..<batch).flatMap { _ in (past..<(past + new)).map(Int64.init) }, shape: [batch, new])
    }
}

// MARK: - The output projection shared by the decoder architectures

extension Linear {
    /// The causal-LM head: for `.causalLM`, the input embeddings when the config ties them (the file's copy of the
    /// head, if saved, is marked used), else the checkpoint's `name` (bias-free); nil for a base model.
    static func languageModelHead(_ weights: Weights, _ name: String, task: ModelTask, tied: Bool, embeddings: Tensor,
                                  quantizedEmbeddings: QuantizedMatrix? = nil, in inFeatures: Int, vocab: Int) throws -> Linear? {
        guard task == .causalLM else { return nil }
        if tied {
            weights.markUsed(name + ".weight")
            if let quantizedEmbeddings { return Linear(quantized: quantizedEmbeddings, bias: nil) }
            return Linear(weight: embeddings, bias: nil)
        }
        return try Linear(weights, name, in: inFeatures, out: vocab, bias: false)
    }
}

extension Optional where Wrapped == Linear {
    /// `headLogits` of every decoder: the head's logits, or the error a base model gives when asked for them.
    func logits(_ hidden: Tensor, modelType: String) throws -> Tensor {
        guard let head = self else { throw ModelError.unsupportedTask(modelType: modelType, task: "logits of a base model") }
        return try head(hidden)
    }
}

// MARK: - The forward passes every decoder shares

extension CausalLanguageModel {
    /// `hiddenStates` then the LM head; with `lastOnly`, only the last position goes through the head.
    public func logits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor {
        var hidden = try hiddenStates(inputIds: inputIds, attentionMask: attentionMask, positionIds: positionIds, cache: cache)
        if lastOnly { hidden = try hidden.narrow(1, start: hidden.shape[1] - 1, length: 1) }
        return try headLogits(hidden)
    }

    /// `model(**inputs)`: logits for a causal-LM head, else the base model's `last_hidden_state`.
    func decoderForward(_ inputs: ModelInputs, hasHead: Bool, baseOutput: String) throws -> ModelOutput {
        if hasHead { return try causalForward(inputs) }
        guard let ids = inputs.inputIds, ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence]") }
        var output = ModelOutput(baseOutput)
        output.set("last_hidden_state", try hiddenStates(inputIds: ids, attentionMask: inputs.attentionMask, positionIds: inputs.positionIds, cache: nil))
        return output
    }
}
