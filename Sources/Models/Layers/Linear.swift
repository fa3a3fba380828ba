import Tensors

/// `nn.Linear`: y = x·Wᵀ + b with W stored [out, in], as checkpoints store it (passed to GEMM as a transpose,
/// never copied).
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<name>.weight` and, when `bias`, `<name>.bias` from `weights`, checking shapes.
    public init(_ weights: Weights, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try scope.tensor("bias", shape: [outFeatures]) : nil
    }

    /// A freshly initialized head layer when the checkpoint lacks it (base checkpoint loaded with a head).
    public init(initializingIfMissing weights: Weights, _ name: String, in inFeatures: Int, out outFeatures: Int, std: Double) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensorOrInitialized("weight", shape: [outFeatures, inFeatures], std: std)
        bias = try scope.tensorOrInitialized("bias", shape: [outFeatures], std: 0, zero: true)
    }

    public var outFeatures: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight: weight, bias: bias) }
}

/// `nn.LayerNorm` over the last dimension.
public struct LayerNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let eps: Float

    public init(_ weights: Weights, _ name: String, size: Int, eps: Double, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [size])
        self.bias = bias ? try scope.tensor("bias", shape: [size]) : nil
        self.eps = Float(eps)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm([weight.count], weight: weight, bias: bias, eps: Double(eps))
    }
}

/// `nn.Embedding`: rows of a [vocab, dim] table gathered by integer ids.
public struct Embedding: Sendable {
    public let weight: Tensor

    public init(_ weights: Weights, _ name: String, count: Int, dim: Int) throws {
        weight = try weights.scoped(name).tensor("weight", shape: [count, dim])
    }

    public func callAsFunction(_ ids: Tensor) throws -> Tensor { try Tensor.embedding(ids, weight: weight) }
}
