import Foundation
import Hub
import Tensors

// transformers/models/clip/modeling_clip.py — `CLIPModel` (both towers, the two projections, `logit_scale`),
// `CLIPTextModel`, `CLIPVisionModel`, and the `get_text_features` / `get_image_features` entry points.

/// Which parts of CLIP a checkpoint is loaded as.
enum CLIPVariant: Sendable {
    /// `CLIPModel`: both towers and projections (`AutoModel`, `AutoModelForZeroShotImageClassification`).
    case full
    /// `CLIPTextModel` (a `clip_text_model` config, or `CLIPTextModel.from_pretrained` of a full checkpoint).
    case text
    /// `CLIPVisionModel`.
    case vision
}

final class CLIPModel: PretrainedModel {
    let config: PretrainedConfig
    let variant: CLIPVariant
    let text: CLIPTextTower?
    let vision: CLIPVisionTower?
    let textProjection: Linear?
    let visualProjection: Linear?
    /// exp(logit_scale), the temperature of the similarity logits.
    let logitScale: Float

    init(config: PretrainedConfig, weights: Weights, task: ModelTask, variant requested: CLIPVariant? = nil) throws {
        self.config = config
        let variant: CLIPVariant
        switch config.modelType {
        case "clip_text_model": variant = .text
        case "clip_vision_model": variant = .vision
        default: variant = requested ?? .full
        }
        guard task == .base || (task == .zeroShotImageClassification && variant == .full) else {
            throw ModelError.invalidConfig("CLIP has no \(task.rawValue) head (available: AutoModel, AutoModelForZeroShotImageClassification)")
        }
        self.variant = variant
        // A full config nests the towers; a tower config is the tower's own values.
        let textValues = variant == .text && config.modelType == "clip_text_model" ? config.values : (config["text_config"]?.objectValue ?? [:])
        let visionValues = variant == .vision && config.modelType == "clip_vision_model" ? config.values : (config["vision_config"]?.objectValue ?? [:])
        let textSizes = try CLIPTowerDimensions(textValues, vision: false)
        let visionSizes = try CLIPTowerDimensions(visionValues, vision: true)
        text = variant != .vision ? try CLIPTextTower(weights.scoped("text_model"), textSizes) : nil
        vision = variant != .text ? try CLIPVisionTower(weights.scoped("vision_model"), visionSizes) : nil
        if variant == .full {
            let projection = config.int("projection_dim") ?? 512
            textProjection = try Linear(weights, "text_projection", in: textSizes.hidden, out: projection, bias: false)
            visualProjection = try Linear(weights, "visual_projection", in: visionSizes.hidden, out: projection, bias: false)
            logitScale = try weights.tensor("logit_scale").exp().floats().first ?? 1
        } else {
            (textProjection, visualProjection, logitScale) = (nil, nil, 1)
        }
    }

    /// `get_text_features`: the projected pooled text vectors [batch, projection_dim] (not normalized).
    func textFeatures(_ inputs: ModelInputs) throws -> Tensor {
        guard let text, let textProjection else { throw ModelError.invalidInput("this CLIP model has no text projection (load CLIPModel)") }
        return try textProjection(text(inputs).pooled)
    }

    /// `get_image_features`: the projected pooled image vectors [batch, projection_dim] (not normalized).
    func imageFeatures(_ inputs: ModelInputs) throws -> Tensor {
        guard let vision, let visualProjection else { throw ModelError.invalidInput("this CLIP model has no visual projection (load CLIPModel)") }
        return try visualProjection(vision(inputs).pooled)
    }

    func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        switch variant {
        case .text:
            var output = ModelOutput("BaseModelOutputWithPooling")
            try text?(inputs).write(into: &output)
            return output
        case .vision:
            var output = ModelOutput("BaseModelOutputWithPooling")
            try vision?(inputs).write(into: &output)
            return output
        case .full:
            guard let text, let vision, let textProjection, let visualProjection else {
                throw ModelError.invalidInput("CLIP model is missing a tower")
            }
            guard inputs.inputIds != nil, inputs.pixelValues != nil else {
                throw ModelError.invalidInput(
                    "CLIPModel needs both input_ids and pixel_values; use get_text_features / get_image_features for one of them")
            }
            let imageEmbeds = try Self.normalized(visualProjection(vision(inputs).pooled))
            let textEmbeds = try Self.normalized(textProjection(text(inputs).pooled))
            let logitsPerText = try textEmbeds.matmul(imageEmbeds.transpose(0, 1)).mul(Scalar.float(Double(logitScale)))
            var output = ModelOutput("CLIPOutput")
            output.set("logits_per_image", try logitsPerText.transpose(0, 1).contiguous())
            output.set("logits_per_text", logitsPerText)
            output.set("text_embeds", textEmbeds)
            output.set("image_embeds", imageEmbeds)
            return output
        }
    }

    /// x / ‖x‖₂ over the last dimension (`x / x.norm(p=2, dim=-1, keepdim=True)`).
    static func normalized(_ x: Tensor) throws -> Tensor {
        try x.div(x.norm(p: 2, dims: [-1], keepdim: true))
    }
}

// MARK: - Feature entry points for callers outside the module

extension ModelFeatures {
    /// `model.get_text_features(**inputs)` of a CLIP-like model.
    public static func textFeatures(_ model: any PretrainedModel, _ inputs: ModelInputs) throws -> Tensor {
        guard let clip = model as? CLIPModel else {
            throw ModelError.invalidInput("get_text_features: \(model.config.className) has no text features")
        }
        return try clip.textFeatures(inputs)
    }

    /// `model.get_image_features(pixel_values=…)` of a CLIP-like model.
    public static func imageFeatures(_ model: any PretrainedModel, _ inputs: ModelInputs) throws -> Tensor {
        guard let clip = model as? CLIPModel else {
            throw ModelError.invalidInput("get_image_features: \(model.config.className) has no image features")
        }
        return try clip.imageFeatures(inputs)
    }
}

/// Model-specific entry points beyond `forward` (`get_text_features`, `get_image_features`).
public enum ModelFeatures {}

// MARK: - Loading one tower

extension AutoModel {
    /// `CLIPTextModel.from_pretrained` / `CLIPVisionModel.from_pretrained`: one tower of a CLIP checkpoint (or of a
    /// tower-only checkpoint); the other tower's tensors are reported as unexpected, as in the reference.
    public static func clipTower(_ reference: String, vision: Bool, revision: String? = nil,
                                 hub: Hub = Hub()) throws -> (model: any PretrainedModel, report: LoadReport) {
        let folder = try modelFolder(reference, revision: revision, hub: hub)
        let config = try PretrainedConfig(contentsOf: folder.appendingPathComponent("config.json"), nameOrPath: reference)
        let tensors = try CheckpointFiles.loadTensors(in: folder)
        let weights = Weights(tensors, source: reference, basePrefix: "clip")
        let model = try CLIPModel(config: config, weights: weights, task: .base, variant: vision ? .vision : .text)
        return (model, LoadReport(unexpected: weights.unexpectedNames, newlyInitialized: weights.newlyInitializedNames))
    }
}
