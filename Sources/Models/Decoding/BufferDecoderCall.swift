// What the raw-buffer decoders (GPT2Decoder, LlamaQuantizedDecoder) share: which calls they take, and what a
// call returns. They skip masks entirely, so they take only calls without padding; padded batches keep the
// tensor path.
import Tensors

/// What a raw-buffer decoder call returns.
enum BufferDecoderResult {
    /// Normalized hidden states [batch, new, hidden].
    case hidden
    /// Logits [batch, new or 1, vocab].
    case logits(lastOnly: Bool)
}

/// Whether a call has no padding: no mask, or a mask of all ones over the cached and the new positions.
func isUnpaddedCall(inputIds: Tensor, attentionMask: Tensor?, cache: KVCache?) -> Bool {
    guard inputIds.rank == 2, inputIds.shape[1] > 0 else { return false }
    guard let attentionMask else { return true }
    let total = (cache?.length ?? 0) + inputIds.shape[1]
    guard attentionMask.rank == 2, attentionMask.shape == [inputIds.shape[0], total] else { return false }
    return attentionMask.to(.int64).contiguous().int64s().allSatisfy { $0 != 0 }
}
