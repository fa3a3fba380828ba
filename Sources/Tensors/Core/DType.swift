/// The element types a tensor can hold, with PyTorch's names and promotion rules.
///
/// float32 is the compute type: float16 and bfloat16 exist so that checkpoints can be stored compactly and are
/// converted to float32 by the kernels that read them (see `Tensor.to(_:)`).
public enum DType: String, Sendable, CaseIterable, Hashable {
    case float32, float16, bfloat16, int64, int32, uint8, bool

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32, .int32: 4
        case .float16, .bfloat16: 2
        case .int64: 8
        case .uint8, .bool: 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float16 || self == .bfloat16 }
    public var isIntegral: Bool { self == .int64 || self == .int32 || self == .uint8 }

    /// `torch.float32`, as PyTorch prints a dtype.
    public var torchName: String {
        switch self {
        case .float32: "torch.float32"
        case .float16: "torch.float16"
        case .bfloat16: "torch.bfloat16"
        case .int64: "torch.int64"
        case .int32: "torch.int32"
        case .uint8: "torch.uint8"
        case .bool: "torch.bool"
        }
    }

    /// The category order PyTorch promotes along: bool < integers < floating point.
    private var category: Int { self == .bool ? 0 : (isIntegral ? 1 : 2) }

    /// The result type of a binary operation between two tensors, following `torch.promote_types` for the
    /// dtypes we support: the higher category wins; within a category the wider type wins, and
    /// float16 with bfloat16 gives float32 (as PyTorch does).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a.category != b.category { return a.category > b.category ? a : b }
        switch (a, b) {
        case (.float16, .bfloat16), (.bfloat16, .float16): return .float32
        default: return a.itemSize >= b.itemSize ? a : b
        }
    }

    /// The dtype a Python scalar of this kind joins a tensor with: a scalar never widens a tensor of the same
    /// category (`int32_tensor + 1` stays int32, `float16_tensor * 0.5` stays float16), but a float scalar lifts an
    /// integer or bool tensor to the default float type.
    public static func promote(tensor: DType, scalarIsFloat: Bool) -> DType {
        if scalarIsFloat { return tensor.isFloatingPoint ? tensor : .float32 }
        return tensor == .bool ? .int64 : tensor
    }
}
