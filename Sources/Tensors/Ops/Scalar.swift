/// A Python number used as an operand (`x * 2`, `x + 0.5`, `x.masked_fill(m, -inf)`).
///
/// Scalars follow PyTorch's "wrapped number" promotion: they never widen a tensor of the same category
/// (`int32_tensor + 1` stays int32), but a float scalar lifts an integer or bool tensor to float32
/// (`DType.promote(tensor:scalarIsFloat:)`).
public enum Scalar: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, CustomStringConvertible
{
    case int(Int64)
    case float(Double)
    case bool(Bool)

    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public var isFloat: Bool { if case .float = self { true } else { false } }

    public var doubleValue: Double {
        switch self {
        case .int(let v): Double(v)
        case .float(let v): v
        case .bool(let v): v ? 1 : 0
        }
    }

    /// The value as an integer (floats truncate toward zero, saturating).
    public var intValue: Int64 {
        switch self {
        case .int(let v): v
        case .float(let v): Int64(saturating: v)
        case .bool(let v): v ? 1 : 0
        }
    }

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .float(let v): String(v)
        case .bool(let v): v ? "True" : "False"
        }
    }

    /// The dtype of `tensor ∘ scalar` in PyTorch.
    func promoted(with tensor: DType) -> DType {
        if case .bool = self { return tensor }
        return DType.promote(tensor: tensor, scalarIsFloat: isFloat)
    }
}

extension Tensor {
    /// A zero-dimensional tensor of `dtype` holding `value` (the form scalars take inside binary kernels).
    static func filled(_ value: Scalar, dtype: DType) -> Tensor {
        var result = Tensor.uninitialized([], dtype: dtype)
        switch value {
        case .float(let v): result.fill(with: v)
        case .int(let v): dtype.store(int: v, result.storage.bytes, 0)
        case .bool(let v): dtype.store(int: v ? 1 : 0, result.storage.bytes, 0)
        }
        return result
    }
}
