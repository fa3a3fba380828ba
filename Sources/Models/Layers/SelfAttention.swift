import Tensors

/// Multi-head attention as the BERT family computes it: per-head scaled dot products with an additive mask
/// (`(1 - mask) * finfo(float32).min`, the reference's `get_extended_attention_mask`), softmax, then the values.
/// Runs through the engine's fused `scaledDotProductAttention` unless the caller asked for the probabilities
/// (`output_attentions=True`), which that kernel never materializes.
public enum MultiHeadAttention {
    /// [batch, seq, heads·dim] → [batch, heads, seq, dim]
    public static func splitHeads(_ x: Tensor, heads: Int) throws -> Tensor {
        let (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2])
        return try x.view([batch, length, heads, width / heads]).permute([0, 2, 1, 3])
    }

    /// [batch, heads, seq, dim] → [batch, seq, heads·dim]
    public static func mergeHeads(_ x: Tensor) throws -> Tensor {
        let (batch, heads, length, dim) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        return try x.permute([0, 2, 1, 3]).reshape([batch, length, heads * dim])
    }

    /// The additive mask [batch, 1, 1, keys] from a 0/1 attention mask [batch, keys].
    public static func additiveMask(_ attentionMask: Tensor) throws -> Tensor {
        let mask = try attentionMask.to(.float32).unsqueeze(1).unsqueeze(1)
        return try Tensor.ones([1]).sub(mask).mul(Scalar.float(-Double(Float.greatestFiniteMagnitude)))
    }

    /// `additiveMask`, or nil when every entry of the 0/1 mask is 1: adding zeros changes no score, and a batch of
    /// equal-length rows (sentence embeddings sort by length, so most batches are) then skips the mask pass.
    public static func additiveMaskUnlessFull(_ attentionMask: Tensor) throws -> Tensor? {
        let values = attentionMask.int64s()
        if !attentionMask.dtype.isFloatingPoint, values.allSatisfy({ $0 == 1 }) { return nil }
        return try additiveMask(attentionMask)
    }

    /// softmax(q·kᵀ·scale + mask)·v for q, k, v in [batch, heads, seq, dim]; also returns the probabilities
    /// when `returnProbabilities`.
    public static func attend(query: Tensor, key: Tensor, value: Tensor, additiveMask: Tensor?, scale: Float? = nil,
                              returnProbabilities: Bool) throws -> (context: Tensor, probabilities: Tensor?) {
        let scale = scale ?? 1 / Float(query.shape[3]).squareRoot()
        guard returnProbabilities else {
            let context = try Tensor.scaledDotProductAttention(query: query, key: key, value: value, attnMask: additiveMask, scale: scale)
            return (context, nil)
        }
        var scores = try query.matmul(key.transpose(-1, -2)).mul(Scalar.float(Double(scale)))
        if let additiveMask { scores = try scores.add(additiveMask) }
        let probabilities = try scores.softmax(dim: -1)
        return (try probabilities.matmul(value), probabilities)
    }
}
