import Tensors

/// The activations configs name in `hidden_act` (transformers' ACT2FN), resolved once at load time so a typo in a
/// config is an error naming the value rather than a silent fallback.
public enum Activation: String, Sendable {
    case gelu, geluNew = "gelu_new", geluPytorchTanh = "gelu_pytorch_tanh", geluFast = "gelu_fast"
    case relu, silu, swish, tanh, sigmoid, quickGelu = "quick_gelu"

    public init(config name: String) throws {
        guard let activation = Activation(rawValue: name) else {
            throw ModelError.invalidConfig("unsupported hidden_act '\(name)'")
        }
        self = activation
    }

    /// The same function as the engine's fused GEMM epilogue runs it, or nil for those it does not (ReLU).
    public var epilogue: GEMM.EpilogueActivation? {
        switch self {
        case .gelu: .geluErf
        case .geluNew, .geluPytorchTanh, .geluFast: .geluTanh
        case .silu, .swish: .silu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .quickGelu: .quickGelu
        case .relu: nil
        }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        switch self {
        case .gelu: try x.gelu()
        case .geluNew, .geluPytorchTanh, .geluFast: try x.gelu(approximate: .tanh)
        case .relu: try x.relu()
        case .silu, .swish: try x.silu()
        case .tanh: try x.tanh()
        case .sigmoid: try x.sigmoid()
        case .quickGelu: try x.mul(x.mul(1.702).sigmoid())
        }
    }
}
