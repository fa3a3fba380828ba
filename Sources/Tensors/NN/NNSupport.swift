// Small helpers shared by the NN kernels (matmul, convolution, pooling, attention, resampling).
// Kept private to these files so the core's API stays the lead's.

extension Tensor {
    /// This tensor as float32 for a float kernel: float16/bfloat16 are widened (the compute type is
    /// float32), integer and bool tensors are rejected as PyTorch rejects them for these ops.
    func floatOperand(_ op: String) throws -> Tensor {
        switch dtype {
        case .float32: return self
        case .float16, .bfloat16: return to(.float32)
        default: throw TensorError.unsupportedDType(op: op, dtype: dtype)
        }
    }

    /// A dense float32 tensor for kernels that walk memory linearly.
    func denseFloat(_ op: String) throws -> Tensor {
        try floatOperand(op).contiguous()
    }

    /// Pointer to element 0 of a float32 view (read-only use).
    var floatPointer: UnsafePointer<Float> { UnsafePointer(basePointer(as: Float.self)) }
    /// Pointer to element 0 of a float32 tensor this kernel has just allocated.
    var mutableFloatPointer: UnsafeMutablePointer<Float> { basePointer(as: Float.self) }

    /// A new dense float32 tensor the kernel fills completely.
    static func uninitializedFloats(_ shape: [Int]) -> Tensor { uninitialized(shape, dtype: .float32) }
}

/// Expands an `Int` or pair argument (`kernel_size=3` or `(3, 5)`) to `count` values.
func nnTuple(_ values: [Int], count: Int, op: String, name: String) throws -> [Int] {
    if values.count == count { return values }
    if values.count == 1 { return Array(repeating: values[0], count: count) }
    throw TensorError.invalidArgument(op: op, detail: "\(name) must have 1 or \(count) values, got \(values.count)")
}
