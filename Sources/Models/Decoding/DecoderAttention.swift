import Tensors

/// Attention of decoder blocks: heads split, optional rotary, cache append, grouped-query broadcast, one fused
/// scaled-dot-product call. Shared by the decoder architectures so each only says how it projects.
enum DecoderAttention {
    /// q [batch, heads, new, dim], k/v [batch, kvHeads, new, dim] (after any rotary) → context [batch, new, heads·dim].
    /// Key/value heads serve `heads / kvHeads` consecutive query heads (the reference's `repeat_kv`), done here by
    /// broadcasting rather than copying.
    static func attend(query: Tensor, key: Tensor, value: Tensor, layer: Int, cache: KVCache?, mask: Tensor,
                       scale: Float) throws -> Tensor {
        var (keys, values) = (key, value)
        if let cache { (keys, values) = try cache.append(layer: layer, keys: key, values: value) }
        let (batch, heads, length, dim) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
        let kvHeads = keys.shape[1]
        let context: Tensor
        if kvHeads == heads {
            context = try Tensor.scaledDotProductAttention(query: query, key: keys, value: values, attnMask: mask, scale: scale)
        } else {
            guard kvHeads > 0, heads % kvHeads == 0 else {
                throw ModelError.invalidConfig("num_attention_heads (\(heads)) must be a multiple of num_key_value_heads (\(kvHeads))")
            }
            let grouped = try query.reshape([batch, kvHeads, heads / kvHeads, length, dim])
            // A per-head mask (ALiBi) groups like the queries; a mask shared by the heads broadcasts.
            let groupedMask = mask.rank == 4 && mask.shape[1] == heads && heads > 1
                ? try mask.reshape([mask.shape[0], kvHeads, heads / kvHeads, mask.shape[2], mask.shape[3]])
                : try mask.unsqueeze(1)
            context = try Tensor.scaledDotProductAttention(
                query: grouped, key: keys.unsqueeze(2), value: values.unsqueeze(2), attnMask: groupedMask, scale: scale
            ).reshape([batch, heads, length, values.shape[3]])
        }
        return try MultiHeadAttention.mergeHeads(context)
    }
}
