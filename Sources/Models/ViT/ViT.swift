import Hub
import Tensors

// transformers/models/vit/modeling_vit.py — `ViTModel` and `ViTForImageClassification`: patch + [CLS] + position
// embeddings, a pre-norm encoder (`layernorm_before` → attention → residual, `layernorm_after` → MLP → residual),
// a final LayerNorm, and either the tanh pooler over [CLS] or the classifier over [CLS].

struct ViTDimensions {
    let hidden: Int, heads: Int, layers: Int, intermediate: Int
    let imageSize: Int, patchSize: Int, channels: Int
    let eps: Double
    let activation: Activation
    let qkvBias: Bool
    let initializerRange: Double

    init(_ config: PretrainedConfig) throws {
        hidden = config.int("hidden_size") ?? 768
        heads = config.int("num_attention_heads") ?? 12
        layers = config.int("num_hidden_layers") ?? 12
        intermediate = config.int("intermediate_size") ?? 3072
        imageSize = config.int("image_size") ?? 224
        patchSize = config.int("patch_size") ?? 16
        channels = config.int("num_channels") ?? 3
        eps = config.double("layer_norm_eps") ?? 1e-12
        activation = try Activation(config: config.string("hidden_act") ?? "gelu")
        qkvBias = config.bool("qkv_bias") ?? true
        initializerRange = config.double("initializer_range") ?? 0.02
        guard hidden % heads == 0 else {
            throw ModelError.invalidConfig("hidden size \(hidden) is not a multiple of the number of attention heads \(heads)")
        }
    }

    var patchesPerSide: Int { imageSize / patchSize }
}

/// `ViTModel`'s body: embeddings, encoder, final LayerNorm, optional pooler.
struct ViTBackbone: Sendable {
    let dimensions: ViTDimensions
    let patches: PatchEmbedding
    let classToken: Tensor
    let positions: Tensor
    let layers: [PreNormEncoderLayer]
    let norm: LayerNorm
    let pooler: Linear?

    init(_ weights: Weights, config: PretrainedConfig, withPooler: Bool) throws {
        let d = try ViTDimensions(config)
        dimensions = d
        let vit = weights.scoped("vit")
        let embeddings = vit.scoped("embeddings")
        patches = try PatchEmbedding(embeddings.scoped("patch_embeddings"), "projection", channels: d.channels, hidden: d.hidden, patchSize: d.patchSize)
        classToken = try embeddings.tensor("cls_token", shape: [1, 1, d.hidden])
        let count = d.patchesPerSide * d.patchesPerSide + 1
        positions = try embeddings.tensor("position_embeddings", shape: [1, count, d.hidden])
        if embeddings.contains("mask_token") { embeddings.markUsed("mask_token") }  // only ViTForMaskedImageModeling uses it
        layers = try (0..<d.layers).map {
            try PreNormEncoderLayer.vit(vit.scoped("encoder.layer.\($0)"), hidden: d.hidden, intermediate: d.intermediate,
                                        heads: d.heads, eps: d.eps, qkvBias: d.qkvBias, activation: d.activation)
        }
        norm = try LayerNorm(vit, "layernorm", size: d.hidden, eps: d.eps)
        pooler = withPooler
            ? try Linear(initializingIfMissing: vit.scoped("pooler"), "dense", in: d.hidden, out: d.hidden, std: d.initializerRange)
            : nil
    }

    func callAsFunction(_ inputs: ModelInputs, into output: inout ModelOutput) throws -> Tensor {
        guard let pixels = inputs.pixelValues else { throw ModelError.invalidInput("You have to specify pixel_values") }
        let d = dimensions
        guard pixels.rank == 4, pixels.shape[2] == d.imageSize, pixels.shape[3] == d.imageSize else {
            throw ModelError.invalidInput(
                "Input image size (\(pixels.rank == 4 ? "\(pixels.shape[2])*\(pixels.shape[3])" : "\(pixels.shape)")) doesn't match model (\(d.imageSize)*\(d.imageSize)).")
        }
        let batch = pixels.shape[0]
        let tokens = try patches(pixels.to(.float32))
        var hidden = try Tensor.cat([classToken.expand([batch, 1, d.hidden]), tokens], dim: 1).add(positions)
        var allHidden = [hidden]
        var allAttentions: [Tensor] = []
        for layer in layers {
            let (next, probabilities) = try layer(hidden, wantProbabilities: inputs.outputAttentions)
            hidden = next
            allHidden.append(hidden)
            if let probabilities { allAttentions.append(probabilities) }
        }
        let sequence = try norm(hidden)
        output.set("last_hidden_state", sequence)
        if let pooler { output.set("pooler_output", try pooler(sequence.select(1, 0)).tanh()) }
        if inputs.outputHiddenStates { output.set("hidden_states", allHidden) }
        if inputs.outputAttentions { output.set("attentions", allAttentions) }
        return sequence
    }
}

/// `ViTModel` (task `.base`) and `ViTForImageClassification` (`.imageClassification`).
final class ViTModel: PretrainedModel {
    let config: PretrainedConfig
    let backbone: ViTBackbone
    let classifier: Linear?

    init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        self.config = config
        switch task {
        case .base:
            backbone = try ViTBackbone(weights, config: config, withPooler: true)
            classifier = nil
        case .imageClassification:
            backbone = try ViTBackbone(weights, config: config, withPooler: false)
            let d = backbone.dimensions
            classifier = try Linear(initializingIfMissing: weights, "classifier", in: d.hidden, out: config.numLabels, std: d.initializerRange)
        default:
            throw ModelError.invalidConfig("ViT has no \(task.rawValue) head (available: AutoModel, AutoModelForImageClassification)")
        }
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var output = ModelOutput(classifier == nil ? "BaseModelOutputWithPooling" : "ImageClassifierOutput")
        let sequence = try backbone(inputs, into: &output)
        if let classifier {
            output.set("logits", try classifier(sequence.select(1, 0)))
            output.remove(["last_hidden_state"])
        }
        return output
    }
}
