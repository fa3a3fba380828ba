import Hub
import Tensors

// Follows transformers/models/glpn/modeling_glpn.py: a SegFormer-style hierarchical encoder (overlapping patch
// embeddings, attention whose keys/values are spatially reduced by `sr_ratios`, Mix-FFN with a depthwise 3×3 conv),
// a decoder that fuses each scale with the coarser one through a learned two-way gate (selective feature fusion)
// and upsamples ×2 per stage, and a head whose sigmoid output is scaled to `max_depth`. Every LayerNorm uses
// PyTorch's default eps (1e-5): the reference builds them without `layer_norm_eps`.

/// `GLPNLayer`: pre-norm efficient self-attention + Mix-FFN.
struct GLPNLayer: Sendable {
    let norm1: LayerNorm, norm2: LayerNorm
    let query: Linear, key: Linear, value: Linear, output: Linear
    let reduction: (conv: Conv2dLayer, norm: LayerNorm)?
    let dense1: Linear, depthwise: Conv2dLayer, dense2: Linear
    let heads: Int
    let activation: Activation

    init(_ weights: Weights, hidden: Int, heads: Int, srRatio: Int, mlpRatio: Double, activation: Activation) throws {
        norm1 = try LayerNorm(weights, "layer_norm_1", size: hidden, eps: 1e-5)
        norm2 = try LayerNorm(weights, "layer_norm_2", size: hidden, eps: 1e-5)
        let attention = weights.scoped("attention.self")
        query = try Linear(attention, "query", in: hidden, out: hidden)
        key = try Linear(attention, "key", in: hidden, out: hidden)
        value = try Linear(attention, "value", in: hidden, out: hidden)
        output = try Linear(weights.scoped("attention.output"), "dense", in: hidden, out: hidden)
        reduction = srRatio > 1
            ? (try Conv2dLayer(attention, "sr", in: hidden, out: hidden, kernel: srRatio, stride: srRatio),
               try LayerNorm(attention, "layer_norm", size: hidden, eps: 1e-5))
            : nil
        let inner = Int(Double(hidden) * mlpRatio)
        let mlp = weights.scoped("mlp")
        dense1 = try Linear(mlp, "dense1", in: hidden, out: inner)
        depthwise = try Conv2dLayer(mlp.scoped("dwconv"), "dwconv", in: inner, out: inner, kernel: 3, padding: 1, groups: inner)
        dense2 = try Linear(mlp, "dense2", in: inner, out: hidden)
        self.heads = heads
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor, height: Int, width: Int) throws -> Tensor {
        let (batch, length, hidden) = (x.shape[0], x.shape[1], x.shape[2])
        let normed = try norm1(x)
        var source = normed
        if let reduction {
            source = try reduction.norm(reduction.conv(normed.spatialMap(height: height, width: width)).flattenedTokens())
        }
        func split(_ t: Tensor) throws -> Tensor { try t.reshape([batch, -1, heads, hidden / heads]).transpose(1, 2) }
        let context = try Tensor.scaledDotProductAttention(query: split(query(normed)), key: split(key(source)),
                                                           value: split(value(source)))
        let attended = try output(context.transpose(1, 2).contiguous().reshape([batch, length, hidden])).add(x)
        let expanded = try dense1(norm2(attended))
        let mixed = try depthwise(expanded.spatialMap(height: height, width: width)).flattenedTokens()
        return try dense2(activation(mixed)).add(attended)
    }
}

/// One encoder block: overlapping patch embedding, layers, final norm; returns [B, C, H, W].
struct GLPNEncoderBlock: Sendable {
    let embedding: Conv2dLayer, embeddingNorm: LayerNorm
    let layers: [GLPNLayer]
    let norm: LayerNorm

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let map = try embedding(x)
        let (height, width) = (map.shape[2], map.shape[3])
        var hidden = try embeddingNorm(map.flattenedTokens())
        for layer in layers { hidden = try layer(hidden, height: height, width: width) }
        return try norm(hidden).spatialMap(height: height, width: width)
    }
}

/// `GLPNSelectiveFeatureFusion`.
struct GLPNFusion: Sendable {
    let conv1: Conv2dLayer, norm1: BatchNorm2dLayer
    let conv2: Conv2dLayer, norm2: BatchNorm2dLayer
    let conv3: Conv2dLayer

    init(_ weights: Weights, channels: Int) throws {
        conv1 = try Conv2dLayer(weights.scoped("convolutional_layer1"), "0", in: 2 * channels, out: channels, kernel: 3, padding: 1)
        norm1 = try BatchNorm2dLayer(weights.scoped("convolutional_layer1"), "1", channels: channels)
        conv2 = try Conv2dLayer(weights.scoped("convolutional_layer2"), "0", in: channels, out: channels / 2, kernel: 3, padding: 1)
        norm2 = try BatchNorm2dLayer(weights.scoped("convolutional_layer2"), "1", channels: channels / 2)
        conv3 = try Conv2dLayer(weights, "convolutional_layer3", in: channels / 2, out: 2, kernel: 3, padding: 1)
    }

    func callAsFunction(local: Tensor, global: Tensor) throws -> Tensor {
        let features = try Tensor.cat([local, global], dim: 1)
        let gate = try conv3(norm2(conv2(norm1(conv1(features)).relu())).relu()).sigmoid()
        return try local.mul(gate.narrow(1, start: 0, length: 1)).add(global.mul(gate.narrow(1, start: 1, length: 1)))
    }
}

/// `GLPNForDepthEstimation`.
public final class GLPNModel: PretrainedModel {
    public let config: PretrainedConfig
    let blocks: [GLPNEncoderBlock]
    let stages: [(conv: Conv2dLayer?, fusion: GLPNFusion?)]
    let head: (Conv2dLayer, Conv2dLayer)
    let maxDepth: Double
    let headIndex: Int
    let channels: Int

    public init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .depthEstimation else { throw ModelError.unsupportedTask(modelType: "glpn", task: task.rawValue) }
        self.config = config
        let count = config.intValue("num_encoder_blocks", default: 4)
        let depths = try config.intList("depths", default: [2, 2, 2, 2])
        let srRatios = try config.intList("sr_ratios", default: [8, 4, 2, 1])
        let sizes = try config.intList("hidden_sizes", default: [32, 64, 160, 256])
        let patchSizes = try config.intList("patch_sizes", default: [7, 3, 3, 3])
        let strides = try config.intList("strides", default: [4, 2, 2, 2])
        let heads = try config.intList("num_attention_heads", default: [1, 2, 5, 8])
        let mlpRatios = try config.doubleList("mlp_ratios", default: [4, 4, 4, 4])
        guard [depths, srRatios, sizes, patchSizes, strides, heads].allSatisfy({ $0.count >= count }), mlpRatios.count >= count else {
            throw ModelError.invalidConfig("glpn: the per-block lists must have num_encoder_blocks (\(count)) entries")
        }
        for i in 0..<count where sizes[i] % heads[i] != 0 {
            throw ModelError.invalidConfig("glpn: hidden size \(sizes[i]) is not a multiple of \(heads[i]) attention heads")
        }
        let activation = try Activation(config: config.stringValue("hidden_act", default: "gelu"))
        let channels = config.intValue("num_channels", default: 3)
        self.channels = channels
        let encoder = weights.scoped("glpn.encoder")
        blocks = try (0..<count).map { i in
            let embedding = encoder.scoped("patch_embeddings.\(i)")
            return GLPNEncoderBlock(
                embedding: try Conv2dLayer(embedding, "proj", in: i == 0 ? channels : sizes[i - 1], out: sizes[i],
                                           kernel: patchSizes[i], stride: strides[i], padding: patchSizes[i] / 2),
                embeddingNorm: try LayerNorm(embedding, "layer_norm", size: sizes[i], eps: 1e-5),
                layers: try (0..<depths[i]).map {
                    try GLPNLayer(encoder.scoped("block.\(i).\($0)"), hidden: sizes[i], heads: heads[i], srRatio: srRatios[i],
                                  mlpRatio: mlpRatios[i], activation: activation)
                },
                norm: try LayerNorm(encoder.scoped("layer_norm"), "\(i)", size: sizes[i], eps: 1e-5))
        }
        let decoderSize = config.intValue("decoder_hidden_size", default: 64)
        stages = try Array(sizes.prefix(count).reversed()).enumerated().map { index, size in
            let scope = weights.scoped("decoder.stages.\(index)")
            return (conv: size == decoderSize ? nil : try Conv2dLayer(scope, "convolution", in: size, out: decoderSize, kernel: 1),
                    fusion: index == 0 ? nil : try GLPNFusion(scope.scoped("fusion"), channels: decoderSize))
        }
        head = (try Conv2dLayer(weights.scoped("head.head"), "0", in: decoderSize, out: decoderSize, kernel: 3, padding: 1),
                try Conv2dLayer(weights.scoped("head.head"), "2", in: decoderSize, out: 1, kernel: 3, padding: 1))
        maxDepth = config.doubleValue("max_depth", default: 10)
        headIndex = config.intValue("head_in_index", default: -1)
    }

    public func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var hidden = try inputs.requirePixelValues(channels: channels, model: "GLPN")
        var features: [Tensor] = []
        for block in blocks {
            hidden = try block(hidden)
            features.append(hidden)
        }
        var outputs: [Tensor] = []
        var previous: Tensor?
        for (feature, stage) in zip(features.reversed(), stages) {
            var state = try stage.conv.map { try $0(feature) } ?? feature
            if let fusion = stage.fusion, let previous { state = try fusion(local: state, global: previous) }
            state = try state.interpolate(scaleFactor: [2, 2], mode: .bilinear, alignCorners: false)
            outputs.append(state)
            previous = state
        }
        if let last = outputs.last {
            outputs[outputs.count - 1] = try last.interpolate(scaleFactor: [2, 2], mode: .bilinear, alignCorners: false)
        }
        let index = headIndex < 0 ? outputs.count + headIndex : headIndex
        guard outputs.indices.contains(index) else { throw ModelError.invalidConfig("glpn: head_in_index \(headIndex) out of range") }
        let depth = try head.1(head.0(outputs[index]).relu()).sigmoid().mul(.float(maxDepth)).squeeze(1)
        var output = ModelOutput("DepthEstimatorOutput")
        output.set("predicted_depth", depth)
        if inputs.outputHiddenStates { output.set("hidden_states", features) }
        return output
    }
}
