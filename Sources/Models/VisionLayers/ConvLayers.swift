import Tensors

// The convolutional modules of the vision architectures (DPT, GLPN, Swin2SR, ResNet, MobileNetV2), loaded from
// their checkpoint names and checked against the shapes the config implies, so a config/weights mismatch is an
// error naming the tensor instead of a wrong picture.

/// `nn.Conv2d` with its hyper-parameters fixed at load time.
public struct Conv2dLayer: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let groups: Int

    public init(_ weights: Weights, _ name: String, in inChannels: Int, out outChannels: Int, kernel: Int,
                stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [outChannels, inChannels / groups, kernel, kernel])
        self.bias = bias ? try scope.tensor("bias", shape: [outChannels]) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public var outChannels: Int { weight.shape[0] }
    public var kernel: Int { weight.shape[2] }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: [stride], padding: [padding], dilation: [dilation], groups: groups)
    }
}

/// `nn.ConvTranspose2d` (DPT's reassemble upsampling).
public struct ConvTranspose2dLayer: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int

    public init(_ weights: Weights, _ name: String, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [inChannels, outChannels, kernel, kernel])
        bias = try scope.tensor("bias", shape: [outChannels])
        self.stride = stride
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.convTranspose2d(weight: weight, bias: bias, stride: [stride])
    }
}

/// `nn.BatchNorm2d` in inference mode (running statistics).
public struct BatchNorm2dLayer: Sendable {
    public let weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor
    public let eps: Double

    public init(_ weights: Weights, _ name: String, channels: Int, eps: Double = 1e-5) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [channels])
        bias = try scope.tensor("bias", shape: [channels])
        runningMean = try scope.tensor("running_mean", shape: [channels])
        runningVar = try scope.tensor("running_var", shape: [channels])
        scope.markUsed("num_batches_tracked")
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, eps: eps)
    }
}

extension Tensor {
    /// `nn.LeakyReLU(negative_slope)`: max(x, slope·x) equals the reference for slopes below 1.
    func leakyRelu(_ slope: Float = 0.01) throws -> Tensor { try maximum(mul(.float(Double(slope)))) }

    /// [N, C, H, W] → [N, H·W, C], the token layout of the vision transformers.
    func flattenedTokens() throws -> Tensor { try flatten(startDim: 2).transpose(1, 2).contiguous() }

    /// [N, H·W, C] → [N, C, H, W].
    func spatialMap(height: Int, width: Int) throws -> Tensor {
        try transpose(1, 2).contiguous().reshape([shape[0], shape[2], height, width])
    }
}
