import Hub
import Tensors

// Follows transformers/models/mobilenet_v2/modeling_mobilenet_v2.py: the stem, 16 inverted residual blocks with
// depthwise 3×3 convolutions, the final 1×1 conv, average pooling and a linear classifier. Channel counts come from
// `depth_multiplier` through `make_divisible`; `tf_padding` pads each convolution as TensorFlow's "SAME" does
// (asymmetric, computed from the input size) instead of symmetric zero padding.

/// `make_divisible` of the reference (the TF MobileNet rounding rule).
func mobileNetMakeDivisible(_ value: Int, divisor: Int, minValue: Int?) -> Int {
    let minimum = minValue ?? divisor
    var result = max(minimum, Int(Double(value) + Double(divisor) / 2) / divisor * divisor)
    if Double(result) < 0.9 * Double(value) { result += divisor }
    return result
}

/// `MobileNetV2ConvLayer`: [TF padding] → conv (no bias) → batch norm → ReLU6 (or none).
struct MobileNetV2ConvLayer: Sendable {
    let convolution: Conv2dLayer
    let normalization: BatchNorm2dLayer
    let activate: Bool
    let tfPadding: Bool

    init(_ weights: Weights, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
         dilation: Int = 1, activate: Bool = true, tfPadding: Bool, eps: Double) throws {
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw ModelError.invalidConfig("mobilenet_v2: channels \(inChannels)→\(outChannels) are not divisible by \(groups) groups")
        }
        convolution = try Conv2dLayer(weights, "convolution", in: inChannels, out: outChannels, kernel: kernel, stride: stride,
                                      padding: tfPadding ? 0 : (kernel - 1) / 2 * dilation, dilation: dilation,
                                      groups: groups, bias: false)
        normalization = try BatchNorm2dLayer(weights, "normalization", channels: outChannels, eps: eps)
        self.activate = activate
        self.tfPadding = tfPadding
    }

    /// `apply_tf_padding`: the total padding that makes the output ceil(size / stride), the odd pixel at the end.
    func tfPadded(_ x: Tensor) throws -> Tensor {
        let (k, s, d) = (convolution.kernel, convolution.stride, convolution.dilation)
        func along(_ size: Int) -> (Int, Int) {
            let total = size % s == 0 ? max(k - s, 0) : max(k - size % s, 0)
            return (total / 2 * d, (total - total / 2) * d)
        }
        let (top, bottom) = along(x.shape[2]), (left, right) = along(x.shape[3])
        if top == 0 && bottom == 0 && left == 0 && right == 0 { return x }
        return try x.pad([left, right, top, bottom])
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y = try normalization(convolution(tfPadding ? tfPadded(x) : x))
        return activate ? try y.clamp(min: 0, max: 6) : y
    }
}

/// One inverted residual block (or the stem, which has the same three-part shape plus a first conv).
struct MobileNetV2Block: Sendable {
    let first: MobileNetV2ConvLayer?
    let expand: MobileNetV2ConvLayer?
    let depthwise: MobileNetV2ConvLayer
    let reduce: MobileNetV2ConvLayer
    let residual: Bool

    init(first: MobileNetV2ConvLayer?, expand: MobileNetV2ConvLayer?, depthwise: MobileNetV2ConvLayer,
         reduce: MobileNetV2ConvLayer, residual: Bool) {
        (self.first, self.expand, self.depthwise, self.reduce, self.residual) = (first, expand, depthwise, reduce, residual)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var y = try first.map { try $0(x) } ?? x
        if let expand { y = try expand(y) }
        y = try reduce(depthwise(y))
        return residual ? try x.add(y) : y
    }
}

/// `MobileNetV2Model` / `MobileNetV2ForImageClassification`.
public final class MobileNetV2Model: PretrainedModel {
    public let config: PretrainedConfig
    let stem: MobileNetV2Block
    let layers: [MobileNetV2Block]
    let head: MobileNetV2ConvLayer
    let classifier: Linear?
    let channels: Int

    public init(config: PretrainedConfig, weights: Weights, task: ModelTask) throws {
        guard task == .base || task == .imageClassification else {
            throw ModelError.unsupportedTask(modelType: "mobilenet_v2", task: task.rawValue)
        }
        self.config = config
        let multiplier = config.doubleValue("depth_multiplier", default: 1)
        let divisor = config.intValue("depth_divisible_by", default: 8)
        let minDepth = config.intValue("min_depth", default: 8)
        let expandRatio = config.doubleValue("expand_ratio", default: 6)
        let outputStride = config.intValue("output_stride", default: 32)
        let tf = config.boolValue("tf_padding", default: true)
        let eps = config.doubleValue("layer_norm_eps", default: 0.001)
        guard config.stringValue("hidden_act", default: "relu6") == "relu6" else {
            throw ModelError.invalidConfig("mobilenet_v2: only hidden_act 'relu6' is supported")
        }
        func scaled(_ c: Int) -> Int {
            mobileNetMakeDivisible(Int((Double(c) * multiplier).rounded(.toNearestOrEven)), divisor: divisor, minValue: minDepth)
        }
        channels = config.intValue("num_channels", default: 3)
        let sizes = [16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320].map(scaled)
        let strides = [2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1]
        let base = weights.scoped("mobilenet_v2")

        func conv(_ scope: Weights, _ name: String, _ i: Int, _ o: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
                  dilation: Int = 1, activate: Bool = true) throws -> MobileNetV2ConvLayer {
            try MobileNetV2ConvLayer(scope.scoped(name), in: i, out: o, kernel: kernel, stride: stride, groups: groups,
                                     dilation: dilation, activate: activate, tfPadding: tf, eps: eps)
        }
        let stemScope = base.scoped("conv_stem"), stemWidth = scaled(32)
        stem = MobileNetV2Block(
            first: try conv(stemScope, "first_conv", channels, stemWidth, kernel: 3, stride: 2),
            expand: config.boolValue("first_layer_is_expansion", default: true)
                ? nil : try conv(stemScope, "expand_1x1", stemWidth, stemWidth, kernel: 1),
            depthwise: try conv(stemScope, "conv_3x3", stemWidth, stemWidth, kernel: 3, groups: stemWidth),
            reduce: try conv(stemScope, "reduce_1x1", stemWidth, sizes[0], kernel: 1, activate: false), residual: false)

        var currentStride = 2, dilation = 1
        var layers: [MobileNetV2Block] = []
        for i in 0..<16 {
            let stride: Int, layerDilation: Int
            if currentStride == outputStride {
                (stride, layerDilation) = (1, dilation)
                dilation *= strides[i]
            } else {
                (stride, layerDilation) = (strides[i], 1)
                currentStride *= stride
            }
            let (inC, outC) = (sizes[i], sizes[i + 1])
            let expanded = mobileNetMakeDivisible(Int((Double(inC) * expandRatio).rounded(.toNearestOrEven)),
                                                  divisor: divisor, minValue: minDepth)
            let scope = base.scoped("layer.\(i)")
            layers.append(MobileNetV2Block(
                first: nil, expand: try conv(scope, "expand_1x1", inC, expanded, kernel: 1),
                depthwise: try conv(scope, "conv_3x3", expanded, expanded, kernel: 3, stride: stride, groups: expanded,
                                    dilation: layerDilation),
                reduce: try conv(scope, "reduce_1x1", expanded, outC, kernel: 1, activate: false),
                residual: stride == 1 && inC == outC))
        }
        self.layers = layers
        let finegrained = config.boolValue("finegrained_output", default: true) && multiplier < 1
        let outputChannels = finegrained ? 1280 : scaled(1280)
        head = try conv(base, "conv_1x1", sizes[16], outputChannels, kernel: 1)
        classifier = task == .imageClassification
            ? try Linear(initializingIfMissing: weights, "classifier", in: outputChannels, out: config.numLabels,
                         std: config.initializerRange ?? 0.02)
            : nil
    }

    public func forward(_ inputs: ModelInputs) throws -> ModelOutput {
        var hidden = try stem(inputs.requirePixelValues(channels: channels, model: "MobileNetV2"))
        var hiddenStates: [Tensor] = []
        for layer in layers {
            hidden = try layer(hidden)
            if inputs.outputHiddenStates { hiddenStates.append(hidden) }
        }
        let last = try head(hidden)
        let pooled = try last.adaptiveAvgPool2d(outputSize: [1, 1]).flatten(startDim: 1)
        var output: ModelOutput
        if let classifier {
            output = ModelOutput("ImageClassifierOutputWithNoAttention")
            output.set("logits", try classifier(pooled))  // dropout is the identity at inference
        } else {
            output = ModelOutput("BaseModelOutputWithPoolingAndNoAttention")
            output.set("last_hidden_state", last)
            output.set("pooler_output", pooled)
        }
        if inputs.outputHiddenStates { output.set("hidden_states", hiddenStates) }
        return output
    }
}
