import Hub
import Tensors

// Follows transformers/models/dpt/modeling_dpt.py (`DPTViTEmbeddings`, `DPTViTLayer`): the plain ViT backbone of
// Intel/dpt-large (is_hybrid false). Position embeddings are resized bilinearly to the input's patch grid, so any
// image size that is a multiple of the patch size works.

/// `DPTViTEmbeddings` + `DPTViTEncoder`: returns the hidden state after every layer.
struct DPTViTBackbone: Sendable {
    let patchWeight: Tensor, patchBias: Tensor
    let clsToken: Tensor, positionEmbeddings: Tensor
    let layers: [PreNormEncoderLayer]  // `DPTViTLayer` is ViT's layer
    let patchSize: Int

    init(_ weights: Weights, config: PretrainedConfig) throws {
        let hidden = try config.requireInt("hidden_size")
        let channels = config.intValue("num_channels", default: 3)
        patchSize = config.intValue("patch_size", default: 16)
        let imageSize = config.intValue("image_size", default: 384)
        let grid = imageSize / patchSize
        let embeddings = weights.scoped("embeddings")
        let projection = embeddings.scoped("patch_embeddings.projection")
        patchWeight = try projection.tensor("weight", shape: [hidden, channels, patchSize, patchSize])
        patchBias = try projection.tensor("bias", shape: [hidden])
        clsToken = try embeddings.tensor("cls_token", shape: [1, 1, hidden])
        positionEmbeddings = try embeddings.tensor("position_embeddings", shape: [1, grid * grid + 1, hidden])
        let activation = try Activation(config: config.stringValue("hidden_act", default: "gelu"))
        let eps = config.doubleValue("layer_norm_eps", default: 1e-12)
        let heads = try config.requireInt("num_attention_heads")
        guard hidden % heads == 0 else {
            throw ModelError.invalidConfig("dpt: hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)")
        }
        layers = try (0..<config.requireInt("num_hidden_layers")).map {
            try PreNormEncoderLayer.vit(weights.scoped("encoder.layer.\($0)"), hidden: hidden,
                                        intermediate: config.requireInt("intermediate_size"), heads: heads, eps: eps,
                                        qkvBias: config.boolValue("qkv_bias", default: true), activation: activation)
        }
        // The final layernorm belongs to DPTModel but the depth head reads the per-layer states before it.
        _ = try LayerNorm(weights, "layernorm", size: hidden, eps: eps)
    }

    /// `_resize_pos_embed`: the grid part of the position table interpolated (bilinear) to `rows × columns`.
    func positions(rows: Int, columns: Int) throws -> Tensor {
        let hidden = positionEmbeddings.shape[2]
        let gridCount = positionEmbeddings.shape[1] - 1
        let old = Int(Double(gridCount).squareRoot())
        guard old * old == gridCount else {
            throw ModelError.invalidConfig("dpt: position_embeddings hold \(gridCount) patches, not a square grid")
        }
        if old == rows && old == columns { return positionEmbeddings }
        let grid = try positionEmbeddings.narrow(1, start: 1, length: gridCount)
            .reshape([1, old, old, hidden]).permute([0, 3, 1, 2])
            .interpolate(size: [rows, columns], mode: .bilinear, alignCorners: false)
            .permute([0, 2, 3, 1]).reshape([1, rows * columns, hidden])
        return try Tensor.cat([positionEmbeddings.narrow(1, start: 0, length: 1), grid], dim: 1)
    }

    /// The hidden states after each layer, and the patch grid size.
    func callAsFunction(_ pixels: Tensor) throws -> (states: [Tensor], rows: Int, columns: Int) {
        let (batch, height, width) = (pixels.shape[0], pixels.shape[2], pixels.shape[3])
        let (rows, columns) = (height / patchSize, width / patchSize)
        let patches = try pixels.conv2d(weight: patchWeight, bias: patchBias, stride: [patchSize]).flattenedTokens()
        let cls = try clsToken.expand([batch, 1, clsToken.shape[2]])
        var hidden = try Tensor.cat([cls, patches], dim: 1).add(positions(rows: rows, columns: columns))
        var states: [Tensor] = []
        for layer in layers {
            hidden = try layer(hidden).0
            states.append(hidden)
        }
        return (states, rows, columns)
    }
}
