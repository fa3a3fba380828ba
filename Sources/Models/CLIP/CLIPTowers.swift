import Hub
import Tensors

// transformers/models/clip/modeling_clip.py — the two towers of CLIP: `CLIPTextTransformer` (token + position
// embeddings, causal pre-norm encoder, final LayerNorm, pooled at the end-of-text token) and
// `CLIPVisionTransformer` (patch + class + position embeddings, `pre_layrnorm`, encoder, `post_layernorm` on the
// class token). Both use `CLIPEncoderLayer`: layer_norm1 → self_attn → residual, layer_norm2 → mlp → residual.

/// One tower's sizes from its sub-config (`text_config` / `vision_config`), with CLIPTextConfig's /
/// CLIPVisionConfig's defaults for keys the file leaves out.
struct CLIPTowerDimensions {
    let hidden: Int, heads: Int, layers: Int, intermediate: Int
    let eps: Double
    let activation: Activation
    // text
    let vocab: Int, maxPositions: Int, eosTokenId: Int
    // vision
    let imageSize: Int, patchSize: Int, channels: Int

    init(_ values: JSONObject, vision: Bool) throws {
        func int(_ key: String, _ fallback: Int) -> Int { values[key]?.intValue ?? fallback }
        hidden = int("hidden_size", vision ? 768 : 512)
        heads = int("num_attention_heads", vision ? 12 : 8)
        layers = int("num_hidden_layers", 12)
        intermediate = int("intermediate_size", vision ? 3072 : 2048)
        eps = values["layer_norm_eps"]?.doubleValue ?? 1e-5
        activation = try Activation(config: values["hidden_act"]?.stringValue ?? "quick_gelu")
        vocab = int("vocab_size", 49408)
        maxPositions = int("max_position_embeddings", 77)
        eosTokenId = int("eos_token_id", 49407)
        imageSize = int("image_size", 224)
        patchSize = int("patch_size", 32)
        channels = int("num_channels", 3)
        guard hidden % heads == 0 else {
            throw ModelError.invalidConfig("embed_dim must be divisible by num_heads (got `embed_dim`: \(hidden) and `num_heads`: \(heads))")
        }
    }
}

/// `CLIPEncoderLayer`.
enum CLIPEncoderLayer {
    static func make(_ weights: Weights, _ d: CLIPTowerDimensions) throws -> PreNormEncoderLayer {
        try PreNormEncoderLayer.clip(weights, hidden: d.hidden, intermediate: d.intermediate, heads: d.heads, eps: d.eps,
                                     activation: d.activation)
    }
}

/// `CLIPEncoder`: the layers, collecting hidden states and attention maps when asked.
struct CLIPEncoder: Sendable {
    let layers: [PreNormEncoderLayer]

    init(_ weights: Weights, _ d: CLIPTowerDimensions) throws {
        layers = try (0..<d.layers).map { try CLIPEncoderLayer.make(weights.scoped("layers.\($0)"), d) }
    }

    func callAsFunction(_ embeddings: Tensor, mask: Tensor?, inputs: ModelInputs) throws -> (Tensor, [Tensor], [Tensor]) {
        var hidden = embeddings
        var allHidden = [embeddings]
        var allAttentions: [Tensor] = []
        for layer in layers {
            let (next, probabilities) = try layer(hidden, mask: mask, wantProbabilities: inputs.outputAttentions)
            hidden = next
            if inputs.outputHiddenStates { allHidden.append(hidden) }
            if let probabilities { allAttentions.append(probabilities) }
        }
        return (hidden, allHidden, allAttentions)
    }
}

/// What a tower returns: the sequence, the pooled vector, and per-layer tensors when asked.
struct CLIPTowerOutput {
    let lastHiddenState: Tensor
    let pooled: Tensor
    let hiddenStates: [Tensor]?
    let attentions: [Tensor]?

    func write(into output: inout ModelOutput) {
        output.set("last_hidden_state", lastHiddenState)
        output.set("pooler_output", pooled)
        if let hiddenStates { output.set("hidden_states", hiddenStates) }
        if let attentions { output.set("attentions", attentions) }
    }
}

/// `CLIPTextTransformer` (weights under `text_model.`).
struct CLIPTextTower: Sendable {
    let dimensions: CLIPTowerDimensions
    let tokens: Embedding
    let positions: Embedding
    let encoder: CLIPEncoder
    let finalNorm: LayerNorm

    init(_ weights: Weights, _ d: CLIPTowerDimensions) throws {
        dimensions = d
        tokens = try Embedding(weights.scoped("embeddings"), "token_embedding", count: d.vocab, dim: d.hidden)
        positions = try Embedding(weights.scoped("embeddings"), "position_embedding", count: d.maxPositions, dim: d.hidden)
        if weights.contains("embeddings.position_ids") { weights.markUsed("embeddings.position_ids") }
        encoder = try CLIPEncoder(weights.scoped("encoder"), d)
        finalNorm = try LayerNorm(weights, "final_layer_norm", size: d.hidden, eps: d.eps)
    }

    func callAsFunction(_ inputs: ModelInputs) throws -> CLIPTowerOutput {
        guard let ids = inputs.inputIds else { throw ModelError.invalidInput("You have to specify input_ids") }
        guard ids.rank == 2 else { throw ModelError.invalidInput("input_ids must be [batch, sequence], got \(ids.shape)") }
        let (batch, length) = (ids.shape[0], ids.shape[1])
        guard length <= dimensions.maxPositions else {
            throw ModelError.invalidInput(
                "Sequence length must be less than max_position_embeddings (got `sequence length`: \(length) and max_position_embeddings: \(dimensions.maxPositions)); truncate the texts (truncation=True)")
        }
        let positionIds = try inputs.positionIds ?? Tensor.arange(0, Scalar.int(Int64(length))).unsqueeze(0)
        let embedded = try tokens(ids).add(positions(positionIds))
        // Causal mask plus the padding mask, both additive with finfo(float32).min as the reference builds them.
        var causal = [Float](repeating: 0, count: length * length)
        for i in 0..<length { for j in (i + 1)..<max(i + 1, length) { causal[i * length + j] = -Float.greatestFiniteMagnitude } }
        var mask = try Tensor(causal, shape: [1, 1, length, length])
        if let attention = inputs.attentionMask {
            mask = try mask.add(MultiHeadAttention.additiveMask(attention)).clamp(min: Scalar.float(-Double(Float.greatestFiniteMagnitude)))
        }
        let (hidden, allHidden, attentions) = try encoder(embedded, mask: mask, inputs: inputs)
        let sequence = try finalNorm(hidden)
        // The end-of-text token: the highest id in legacy configs (eos_token_id == 2), else the first eos.
        let rows = ids.int64s()
        let eos = Int64(dimensions.eosTokenId)
        var picks: [Int64] = []
        for b in 0..<batch {
            let row = rows[(b * length)..<((b + 1) * length)]
            if dimensions.eosTokenId == 2 {
                let best = row.max() ?? 0
                picks.append(Int64((row.firstIndex(of: best) ?? b * length) - b * length))
            } else {
                picks.append(Int64((row.firstIndex(of: eos) ?? b * length) - b * length))
            }
        }
        let index = try Tensor(picks, shape: [batch, 1, 1]).expand([batch, 1, dimensions.hidden])
        let pooled = try sequence.gather(dim: 1, index: index).squeeze(1)
        return CLIPTowerOutput(lastHiddenState: sequence, pooled: pooled,
                               hiddenStates: inputs.outputHiddenStates ? allHidden : nil,
                               attentions: inputs.outputAttentions ? attentions : nil)
    }
}

/// `CLIPVisionTransformer` (weights under `vision_model.`).
struct CLIPVisionTower: Sendable {
    let dimensions: CLIPTowerDimensions
    let patches: PatchEmbedding
    let classEmbedding: Tensor
    let positions: Tensor
    let preNorm: LayerNorm
    let encoder: CLIPEncoder
    let postNorm: LayerNorm

    init(_ weights: Weights, _ d: CLIPTowerDimensions) throws {
        dimensions = d
        let embeddings = weights.scoped("embeddings")
        patches = try PatchEmbedding(embeddings, "patch_embedding", channels: d.channels, hidden: d.hidden, patchSize: d.patchSize, bias: false)
        classEmbedding = try embeddings.tensor("class_embedding", shape: [d.hidden])
        let count = (d.imageSize / d.patchSize) * (d.imageSize / d.patchSize) + 1
        positions = try embeddings.scoped("position_embedding").tensor("weight", shape: [count, d.hidden])
        if embeddings.contains("position_ids") { embeddings.markUsed("position_ids") }
        preNorm = try LayerNorm(weights, "pre_layrnorm", size: d.hidden, eps: d.eps)
        encoder = try CLIPEncoder(weights.scoped("encoder"), d)
        postNorm = try LayerNorm(weights, "post_layernorm", size: d.hidden, eps: d.eps)
    }

    func callAsFunction(_ inputs: ModelInputs) throws -> CLIPTowerOutput {
        guard let pixels = inputs.pixelValues else { throw ModelError.invalidInput("You have to specify pixel_values") }
        let d = dimensions
        guard pixels.rank == 4, pixels.shape[2] == d.imageSize, pixels.shape[3] == d.imageSize else {
            throw ModelError.invalidInput(
                "Input image size (\(pixels.rank == 4 ? "\(pixels.shape[2])*\(pixels.shape[3])" : "\(pixels.shape)")) doesn't match model (\(d.imageSize)*\(d.imageSize)).")
        }
        let batch = pixels.shape[0]
        let tokens = try patches(pixels.to(.float32))
        let cls = try classEmbedding.reshape([1, 1, d.hidden]).expand([batch, 1, d.hidden])
        let embedded = try Tensor.cat([cls, tokens], dim: 1).add(positions.unsqueeze(0))
        let (hidden, allHidden, attentions) = try encoder(preNorm(embedded), mask: nil, inputs: inputs)
        let pooled = try postNorm(hidden.select(1, 0))
        return CLIPTowerOutput(lastHiddenState: hidden, pooled: pooled,
                               hiddenStates: inputs.outputHiddenStates ? allHidden : nil,
                               attentions: inputs.outputAttentions ? attentions : nil)
    }
}
