import Hub
import Tensors

// Follows transformers/models/dpt/modeling_dpt.py (`DPTReassembleStage`, `DPTFeatureFusionStage`,
// `DPTDepthEstimationHead`, `DPTForDepthEstimation`): the ViT states of `backbone_out_indices` are reassembled into
// feature maps at 4×, 2×, 1× and ½× the patch grid, fused coarse-to-fine with residual conv units and bilinear ×2
// upsampling, and the finest map becomes a one-channel depth map at twice its resolution.

/// `DPTReassembleLayer` plus its readout projection.
struct DPTReassembleLayer: Sendable {
    enum Resize: Sendable {
        case identity
        case up(ConvTranspose2dLayer)
        case down(Conv2dLayer)
    }
    let readout: Linear?
    let projection: Conv2dLayer
    let resize: Resize
}

/// `DPTPreActResidualLayer`: relu → conv → [bn] → relu → conv → [bn], plus the input.
struct DPTResidualUnit: Sendable {
    let conv1: Conv2dLayer, conv2: Conv2dLayer
    let norm1: BatchNorm2dLayer?, norm2: BatchNorm2dLayer?

    init(_ weights: Weights, features: Int, batchNorm: Bool, bias: Bool) throws {
        conv1 = try Conv2dLayer(weights, "convolution1", in: features, out: features, kernel: 3, padding: 1, bias: bias)
        conv2 = try Conv2dLayer(weights, "convolution2", in: features, out: features, kernel: 3, padding: 1, bias: bias)
        norm1 = batchNorm ? try BatchNorm2dLayer(weights, "batch_norm1", channels: features) : nil
        norm2 = batchNorm ? try BatchNorm2dLayer(weights, "batch_norm2", channels: features) : nil
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try conv1(x.relu())
        if let norm1 { y = try norm1(y) }
        y = try conv2(y.relu())
        if let norm2 { y = try norm2(y) }
        return try y.add(x)
    }
}

/// `DPTFeatureFusionLayer`.
struct DPTFusionLayer: Sendable {
    let projection: Conv2dLayer
    let residual1: DPTResidualUnit, residual2: DPTResidualUnit

    func callAsFunction(_ x: Tensor, residual: Tensor?) throws -> Tensor {
        var hidden = x
        if var residual {
            if residual.shape != hidden.shape {
                residual = try residual.interpolate(size: [hidden.shape[2], hidden.shape[3]], mode: .bilinear, alignCorners: false)
            }
            hidden = try hidden.add(residual1(residual))
        }
        hidden = try residual2(hidden).interpolate(scaleFactor: [2, 2], mode: .bilinear, alignCorners: true)
        return try projection(hidden)
    }
}

/// `DPTForDepthEstimation` with the plain ViT backbone.
public final class DPTModel: PretrainedModel {
    public let config: PretrainedConfig
    let backbone: DPTViTBackbone
    let outIndices: [Int]
    let readoutType: String
    let reassemble: [DPTReassembleLayer]
    let neckConvs: [Conv2dLayer]
    let fusion: [DPTFusionLayer]
    let headProjection: Conv2dLayer?
    let head: (Conv2dLayer, Conv2dLayer, Conv2dLayer)
    let headIndex: Int
    let activation: Activation

    public init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .depthEstimation else { throw ModelError.unsupportedTask(modelType: "dpt", task: task.rawValue) }
        guard !config.boolValue("is_hybrid", default: false), config["backbone_config"]?.isNull ?? true else {
            throw ModelError.invalidConfig("dpt: only the plain ViT backbone (is_hybrid false, no backbone_config) is supported")
        }
        self.config = config
        let backbone = try DPTViTBackbone(weights.scoped("dpt"), config: config)
        self.backbone = backbone
        let hidden = try config.requireInt("hidden_size")
        let outIndices = try config.intList("backbone_out_indices", default: [2, 5, 8, 11])
        self.outIndices = outIndices
        let neckSizes = try config.intList("neck_hidden_sizes", default: [96, 192, 384, 768])
        let factors = try config.doubleList("reassemble_factors", default: [4, 2, 1, 0.5])
        let fusionSize = config.intValue("fusion_hidden_size", default: 256)
        let readoutType = config.stringValue("readout_type", default: "project")
        self.readoutType = readoutType
        activation = try Activation(config: config.stringValue("hidden_act", default: "gelu"))
        guard outIndices.count == neckSizes.count, factors.count == neckSizes.count,
              outIndices.allSatisfy({ $0 >= 0 && $0 < backbone.layers.count }) else {
            throw ModelError.invalidConfig(
                "dpt: backbone_out_indices \(outIndices), neck_hidden_sizes \(neckSizes) and reassemble_factors \(factors) must match in length and index existing layers")
        }
        guard ["project", "add", "ignore"].contains(readoutType) else {
            throw ModelError.invalidConfig("dpt: unknown readout_type '\(readoutType)'")
        }

        let neck = weights.scoped("neck")
        let stage = neck.scoped("reassemble_stage")
        reassemble = try neckSizes.indices.map { i in
            let scope = stage.scoped("layers.\(i)"), channels = neckSizes[i], factor = factors[i]
            let resize: DPTReassembleLayer.Resize
            if factor > 1 {
                resize = .up(try ConvTranspose2dLayer(scope, "resize", in: channels, out: channels, kernel: Int(factor), stride: Int(factor)))
            } else if factor == 1 {
                resize = .identity
            } else {
                resize = .down(try Conv2dLayer(scope, "resize", in: channels, out: channels, kernel: 3, stride: Int(1 / factor), padding: 1))
            }
            return DPTReassembleLayer(
                readout: readoutType == "project"
                    ? try Linear(stage.scoped("readout_projects.\(i)"), "0", in: 2 * hidden, out: hidden) : nil,
                projection: try Conv2dLayer(scope, "projection", in: hidden, out: channels, kernel: 1),
                resize: resize)
        }
        neckConvs = try neckSizes.indices.map {
            try Conv2dLayer(neck.scoped("convs"), "\($0)", in: neckSizes[$0], out: fusionSize, kernel: 3, padding: 1, bias: false)
        }
        let batchNorm = config.boolValue("use_batch_norm_in_fusion_residual", default: false)
        let residualBias = config.bool("use_bias_in_fusion_residual") ?? !batchNorm
        fusion = try neckSizes.indices.map {
            let scope = neck.scoped("fusion_stage.layers.\($0)")
            return DPTFusionLayer(
                projection: try Conv2dLayer(scope, "projection", in: fusionSize, out: fusionSize, kernel: 1),
                residual1: try DPTResidualUnit(scope.scoped("residual_layer1"), features: fusionSize, batchNorm: batchNorm, bias: residualBias),
                residual2: try DPTResidualUnit(scope.scoped("residual_layer2"), features: fusionSize, batchNorm: batchNorm, bias: residualBias))
        }
        let headScope = weights.scoped("head")
        headProjection = config.boolValue("add_projection", default: false)
            ? try Conv2dLayer(headScope, "projection", in: 256, out: 256, kernel: 3, padding: 1) : nil
        head = (try Conv2dLayer(headScope.scoped("head"), "0", in: fusionSize, out: fusionSize / 2, kernel: 3, padding: 1),
                try Conv2dLayer(headScope.scoped("head"), "2", in: fusionSize / 2, out: 32, kernel: 3, padding: 1),
                try Conv2dLayer(headScope.scoped("head"), "4", in: 32, out: 1, kernel: 1))
        headIndex = config.intValue("head_in_index", default: -1)
    }

    /// `DPTReassembleStage.forward` for one state: tokens → [B, C, rows, columns] with the CLS readout applied.
    func reassembled(_ state: Tensor, layer: DPTReassembleLayer, rows: Int, columns: Int) throws -> Tensor {
        let (batch, length, hidden) = (state.shape[0], state.shape[1], state.shape[2])
        let cls = try state.select(1, 0)
        var tokens = try state.narrow(1, start: 1, length: length - 1)
        switch readoutType {
        case "project":
            if let readout = layer.readout {
                let expanded = try cls.unsqueeze(1).expand(tokens.shape)
                tokens = try activation(readout(Tensor.cat([tokens, expanded], dim: -1)))
            }
        case "add": tokens = try tokens.add(cls.unsqueeze(1))
        default: break
        }
        let map = try tokens.transpose(1, 2).contiguous().reshape([batch, hidden, rows, columns])
        let projected = try layer.projection(map)
        switch layer.resize {
        case .identity: return projected
        case .up(let conv): return try conv(projected)
        case .down(let conv): return try conv(projected)
        }
    }

    public func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        let pixels = try inputs.requirePixelValues(channels: backbone.patchWeight.shape[1], model: "DPT")
        guard pixels.shape[2] % backbone.patchSize == 0, pixels.shape[3] % backbone.patchSize == 0 else {
            throw ModelError.invalidInput("DPT: image size \(pixels.shape[2])×\(pixels.shape[3]) is not a multiple of the patch size \(backbone.patchSize)")
        }
        let (states, rows, columns) = try backbone(pixels)
        let features = try outIndices.enumerated().map { i, index in
            try neckConvs[i](reassembled(states[index], layer: reassemble[i], rows: rows, columns: columns))
        }
        var fused: [Tensor] = []
        var current: Tensor?
        for (feature, layer) in zip(features.reversed(), fusion) {
            current = try current.map { try layer($0, residual: feature) } ?? layer(feature, residual: nil)
            if let current { fused.append(current) }
        }
        let index = headIndex < 0 ? fused.count + headIndex : headIndex
        guard fused.indices.contains(index) else { throw ModelError.invalidConfig("dpt: head_in_index \(headIndex) out of range") }
        var hidden = fused[index]
        if let headProjection { hidden = try headProjection(hidden).relu() }
        hidden = try head.0(hidden).interpolate(scaleFactor: [2, 2], mode: .bilinear, alignCorners: true)
        let depth = try head.2(head.1(hidden).relu()).relu().squeeze(1)
        var output = ModelOutput("DepthEstimatorOutput")
        output.set("predicted_depth", depth)
        return output
    }
}
