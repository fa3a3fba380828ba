import Hub
import Tensors

// Follows transformers/models/resnet/modeling_resnet.py: a 7×7 stride-2 stem + max pool, stages of basic or
// bottleneck residual layers (1×1 projection shortcut when the shape changes), global average pooling and a linear
// classifier (`classifier.1`, after `nn.Flatten`).

/// `ResNetConvLayer`: conv (padding k/2, no bias) → batch norm → optional activation.
struct ResNetConvLayer: Sendable {
    let convolution: Conv2dLayer
    let normalization: BatchNorm2dLayer
    let activation: Activation?

    init(_ weights: Weights, in inChannels: Int, out outChannels: Int, kernel: Int = 3, stride: Int = 1,
         activation: Activation?) throws {
        convolution = try Conv2dLayer(weights, "convolution", in: inChannels, out: outChannels, kernel: kernel,
                                      stride: stride, padding: kernel / 2, bias: false)
        normalization = try BatchNorm2dLayer(weights, "normalization", channels: outChannels)
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y = try normalization(convolution(x))
        return try activation.map { try $0(y) } ?? y
    }
}

/// One residual layer: `layer.N` convolutions plus the shortcut, then the activation.
struct ResNetResidualLayer: Sendable {
    let convs: [ResNetConvLayer]
    let shortcut: (convolution: Conv2dLayer, normalization: BatchNorm2dLayer)?
    let activation: Activation

    init(_ weights: Weights, in inChannels: Int, out outChannels: Int, stride: Int, bottleneck: Bool,
         downsampleInBottleneck: Bool, activation: Activation) throws {
        if inChannels != outChannels || stride != 1 {
            let scope = weights.scoped("shortcut")
            shortcut = (try Conv2dLayer(scope, "convolution", in: inChannels, out: outChannels, kernel: 1, stride: stride, bias: false),
                        try BatchNorm2dLayer(scope, "normalization", channels: outChannels))
        } else {
            shortcut = nil
        }
        let layer = weights.scoped("layer")
        if bottleneck {
            let reduced = outChannels / 4
            convs = [
                try ResNetConvLayer(layer.scoped("0"), in: inChannels, out: reduced, kernel: 1,
                                    stride: downsampleInBottleneck ? stride : 1, activation: activation),
                try ResNetConvLayer(layer.scoped("1"), in: reduced, out: reduced, stride: downsampleInBottleneck ? 1 : stride,
                                    activation: activation),
                try ResNetConvLayer(layer.scoped("2"), in: reduced, out: outChannels, kernel: 1, activation: nil),
            ]
        } else {
            convs = [
                try ResNetConvLayer(layer.scoped("0"), in: inChannels, out: outChannels, stride: stride, activation: activation),
                try ResNetConvLayer(layer.scoped("1"), in: outChannels, out: outChannels, activation: nil),
            ]
        }
        self.activation = activation
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = x
        for conv in convs { y = try conv(y) }
        let residual = try shortcut.map { try $0.normalization($0.convolution(x)) } ?? x
        return try activation(y.add(residual))
    }
}

/// `ResNetModel` / `ResNetForImageClassification`.
public final class ResNetModel: PretrainedModel {
    public let config: PretrainedConfig
    let stem: ResNetConvLayer
    let stages: [[ResNetResidualLayer]]
    let classifier: Linear?

    public init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .base || task == .imageClassification else {
            throw ModelError.unsupportedTask(modelType: "resnet", task: task.rawValue)
        }
        self.config = config
        let channels = config.intValue("num_channels", default: 3)
        let embedding = config.intValue("embedding_size", default: 64)
        let sizes = try config.intList("hidden_sizes", default: [256, 512, 1024, 2048])
        let depths = try config.intList("depths", default: [3, 4, 6, 3])
        guard sizes.count == depths.count, !sizes.isEmpty else {
            throw ModelError.invalidConfig("resnet: hidden_sizes \(sizes) and depths \(depths) must have the same length")
        }
        let bottleneck = config.stringValue("layer_type", default: "bottleneck") == "bottleneck"
        let activation = try Activation(config: config.stringValue("hidden_act", default: "relu"))
        let downsampleFirst = config.boolValue("downsample_in_first_stage", default: false)
        let downsampleInBottleneck = config.boolValue("downsample_in_bottleneck", default: false)

        let base = weights.scoped("resnet")
        stem = try ResNetConvLayer(base.scoped("embedder").scoped("embedder"), in: channels, out: embedding, kernel: 7,
                                   stride: 2, activation: activation)
        var stages: [[ResNetResidualLayer]] = []
        for (index, (size, depth)) in zip(sizes, depths).enumerated() {
            let scope = base.scoped("encoder.stages.\(index).layers")
            let inChannels = index == 0 ? embedding : sizes[index - 1]
            let stride = index == 0 ? (downsampleFirst ? 2 : 1) : 2
            stages.append(try (0..<depth).map { layer in
                try ResNetResidualLayer(scope.scoped("\(layer)"), in: layer == 0 ? inChannels : size, out: size,
                                        stride: layer == 0 ? stride : 1, bottleneck: bottleneck,
                                        downsampleInBottleneck: downsampleInBottleneck, activation: activation)
            })
        }
        self.stages = stages
        classifier = task == .imageClassification
            ? try Linear(initializingIfMissing: weights.scoped("classifier"), "1", in: sizes[sizes.count - 1],
                         out: config.numLabels, std: config.initializerRange ?? 0.02)
            : nil
    }

    public func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        let pixels = try inputs.requirePixelValues(channels: stem.convolution.weight.shape[1], model: "ResNet")
        var hidden = try stem(pixels).maxPool2d(kernelSize: [3], stride: [2], padding: [1])
        var hiddenStates: [Tensor] = []
        for stage in stages {
            if inputs.outputHiddenStates { hiddenStates.append(hidden) }
            for layer in stage { hidden = try layer(hidden) }
        }
        if inputs.outputHiddenStates { hiddenStates.append(hidden) }
        let pooled = try hidden.adaptiveAvgPool2d(outputSize: [1, 1])
        var output: ModelOutput
        if let classifier {
            output = ModelOutput("ImageClassifierOutputWithNoAttention")
            output.set("logits", try classifier(pooled.flatten(startDim: 1)))
        } else {
            output = ModelOutput("BaseModelOutputWithPoolingAndNoAttention")
            output.set("last_hidden_state", hidden)
            output.set("pooler_output", pooled)
        }
        if inputs.outputHiddenStates { output.set("hidden_states", hiddenStates) }
        return output
    }
}
