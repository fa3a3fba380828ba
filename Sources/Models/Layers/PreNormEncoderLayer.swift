import Tensors

/// A pre-norm transformer encoder layer as ViT (`ViTLayer`), DPT's plain-ViT backbone (`DPTViTLayer`) and CLIP
/// (`CLIPEncoderLayer`) write it: h = x + out(attention(norm1(x))), y = h + down(act(up(norm2(h)))). The three differ
/// only in their checkpoint names, so each builds this layer with its own names and they share one forward.
struct PreNormEncoderLayer: Sendable {
    let query, key, value, output: Linear
    let attentionNorm, mlpNorm: LayerNorm
    let up, down: Linear
    let heads: Int
    let activation: Activation

    /// The layer with its six projections packed once for the GEMM (on the first forward), not on every product.
    init(query: Linear, key: Linear, value: Linear, output: Linear, attentionNorm: LayerNorm, mlpNorm: LayerNorm,
         up: Linear, down: Linear, heads: Int, activation: Activation) {
        self.query = query.prepacked()
        self.key = key.prepacked()
        self.value = value.prepacked()
        self.output = output.prepacked()
        self.attentionNorm = attentionNorm
        self.mlpNorm = mlpNorm
        self.up = up.prepacked()
        self.down = down.prepacked()
        self.heads = heads
        self.activation = activation
    }

    /// ViT's names (`modeling_vit.py`, also DPT's `DPTViTLayer`): `attention.attention.{query,key,value}`,
    /// `attention.output.dense`, `layernorm_before`/`layernorm_after`, `intermediate.dense`, `output.dense`.
    static func vit(_ weights: Weights, hidden: Int, intermediate: Int, heads: Int, eps: Double, qkvBias: Bool,
                    activation: Activation) throws -> PreNormEncoderLayer {
        let attention = weights.scoped("attention.attention")
        return PreNormEncoderLayer(
            query: try Linear(attention, "query", in: hidden, out: hidden, bias: qkvBias),
            key: try Linear(attention, "key", in: hidden, out: hidden, bias: qkvBias),
            value: try Linear(attention, "value", in: hidden, out: hidden, bias: qkvBias),
            output: try Linear(weights.scoped("attention.output"), "dense", in: hidden, out: hidden),
            attentionNorm: try LayerNorm(weights, "layernorm_before", size: hidden, eps: eps),
            mlpNorm: try LayerNorm(weights, "layernorm_after", size: hidden, eps: eps),
            up: try Linear(weights.scoped("intermediate"), "dense", in: hidden, out: intermediate),
            down: try Linear(weights.scoped("output"), "dense", in: intermediate, out: hidden),
            heads: heads, activation: activation)
    }

    /// CLIP's names (`modeling_clip.py`): `self_attn.{q,k,v,out}_proj`, `layer_norm1`/`layer_norm2`, `mlp.fc1`/`mlp.fc2`.
    static func clip(_ weights: Weights, hidden: Int, intermediate: Int, heads: Int, eps: Double,
                     activation: Activation) throws -> PreNormEncoderLayer {
        let attention = weights.scoped("self_attn")
        return PreNormEncoderLayer(
            query: try Linear(attention, "q_proj", in: hidden, out: hidden),
            key: try Linear(attention, "k_proj", in: hidden, out: hidden),
            value: try Linear(attention, "v_proj", in: hidden, out: hidden),
            output: try Linear(attention, "out_proj", in: hidden, out: hidden),
            attentionNorm: try LayerNorm(weights, "layer_norm1", size: hidden, eps: eps),
            mlpNorm: try LayerNorm(weights, "layer_norm2", size: hidden, eps: eps),
            up: try Linear(weights.scoped("mlp"), "fc1", in: hidden, out: intermediate),
            down: try Linear(weights.scoped("mlp"), "fc2", in: intermediate, out: hidden),
            heads: heads, activation: activation)
    }

    /// The layer's output and, when asked, the attention probabilities. `mask` is additive (CLIP's causal text mask).
    func callAsFunction(_ x: Tensor, mask: Tensor? = nil, wantProbabilities: Bool = false) throws -> (Tensor, Tensor?) {
        let normed = try attentionNorm(x)
        let q = try MultiHeadAttention.splitHeads(query(normed), heads: heads)
        let k = try MultiHeadAttention.splitHeads(key(normed), heads: heads)
        let v = try MultiHeadAttention.splitHeads(value(normed), heads: heads)
        let (context, probabilities) = try MultiHeadAttention.attend(
            query: q, key: k, value: v, additiveMask: mask, returnProbabilities: wantProbabilities)
        // Bias, activation and residual adds run in the projections' GEMM epilogues (no extra passes).
        let attended = try output(MultiHeadAttention.mergeHeads(context), activation: nil, adding: x)
        let hidden = try down(up(mlpNorm(attended), activation: activation), activation: nil, adding: attended)
        return (hidden, probabilities)
    }
}
