/// An n-dimensional array: a value type over reference-counted `TensorStorage`, described by `shape`,
/// `strides` (in elements, may be 0 for broadcast dimensions or negative-free views), `offset` (in elements)
/// and `dtype`, exactly the layout model PyTorch uses. Views share storage; `contiguous()` copies only when
/// the layout is not already dense row-major.
///
/// Kernels never trap on user input: operations validate shapes and throw `TensorError`.
public struct Tensor: Sendable {
    public let storage: TensorStorage
    public let shape: [Int]
    public let strides: [Int]
    public let offset: Int
    public let dtype: DType

    /// Wraps existing storage. The caller guarantees that every element the layout reaches lies inside `storage`.
    public init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int = 0, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
    }

    /// A fresh dense tensor, zero-filled.
    public init(zeros shape: [Int], dtype: DType = .float32) {
        let count = shape.reduce(1, *)
        self.init(storage: TensorStorage(byteCount: count * dtype.itemSize), shape: shape,
                  strides: Tensor.contiguousStrides(for: shape), dtype: dtype)
    }

    /// A fresh dense tensor whose every element the caller will write before reading.
    static func uninitialized(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(storage: TensorStorage(uninitializedByteCount: count * dtype.itemSize), shape: shape,
                      strides: Tensor.contiguousStrides(for: shape), dtype: dtype)
    }

    // MARK: Geometry

    /// Number of dimensions (`dim()` in PyTorch).
    public var rank: Int { shape.count }
    /// Number of elements (`numel()` in PyTorch).
    public var count: Int { shape.reduce(1, *) }
    public var isScalar: Bool { shape.isEmpty }

    /// Row-major strides for a dense tensor of this shape.
    public static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= max(shape[axis], 1)
        }
        return strides
    }

    /// Dense row-major layout (size-1 dimensions may have any stride, as in PyTorch's `is_contiguous`).
    public var isContiguous: Bool {
        if shape.contains(0) { return true }  // PyTorch: an empty tensor is contiguous whatever its strides
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Normalizes a possibly negative dimension index, throwing a PyTorch-style message when out of range.
    public func normalizedDim(_ dim: Int, op: String, rankOverride: Int? = nil) throws -> Int {
        let r = rankOverride ?? rank
        let bound = max(r, 1)
        guard dim >= -bound && dim < bound else { throw TensorError.invalidDimension(op: op, dim: dim, rank: r) }
        return dim < 0 ? dim + bound : dim
    }

    // MARK: Raw access

    /// Typed pointer to element (0, 0, …) of this view. Only meaningful when `T` matches `dtype`'s layout.
    @inlinable
    public func basePointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        storage.bytes.advanced(by: offset * dtype.itemSize).assumingMemoryBound(to: T.self)
    }

    /// Calls `body` with the elements of a contiguous float32 tensor; copies first if the layout or dtype differ.
    public func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let dense = (dtype == .float32 && isContiguous) ? self : self.to(.float32).contiguous()
        return try body(UnsafeBufferPointer(start: dense.basePointer(as: Float.self), count: dense.count))
    }
}

// MARK: - Construction from Swift values

extension Tensor {
    /// Builds a dense tensor from a flat array of any supported element type.
    init<T>(copying values: [T], shape: [Int], dtype: DType) throws {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "tensor", detail: "negative dimension in shape \(shapeString(shape))")
        }
        guard values.count == expected else {
            throw TensorError.shapeMismatch(
                op: "tensor", detail: "\(values.count) values cannot fill shape \(shapeString(shape)) (\(expected) elements)")
        }
        self = Tensor.uninitialized(shape, dtype: dtype)
        let destination = basePointer(as: T.self)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base, count: values.count) }
        }
    }

    public init(_ values: [Float], shape: [Int]) throws { try self.init(copying: values, shape: shape, dtype: .float32) }
    public init(_ values: [Int64], shape: [Int]) throws { try self.init(copying: values, shape: shape, dtype: .int64) }
    public init(_ values: [Int32], shape: [Int]) throws { try self.init(copying: values, shape: shape, dtype: .int32) }
    public init(_ values: [UInt8], shape: [Int]) throws { try self.init(copying: values, shape: shape, dtype: .uint8) }
    public init(_ values: [Bool], shape: [Int]) throws { try self.init(copying: values, shape: shape, dtype: .bool) }

    /// A one-dimensional float32 tensor.
    public init(_ values: [Float]) { self = (try? Tensor(values, shape: [values.count])) ?? Tensor(zeros: [0]) }
    /// A one-dimensional int64 tensor.
    public init(_ values: [Int64]) { self = (try? Tensor(values, shape: [values.count])) ?? Tensor(zeros: [0], dtype: .int64) }

    /// A zero-dimensional tensor.
    public init(scalar value: Float) { self = (try? Tensor([value], shape: [])) ?? Tensor(zeros: []) }
    public init(scalar value: Int64) { self = (try? Tensor([value], shape: [])) ?? Tensor(zeros: [], dtype: .int64) }
    public init(scalar value: Bool) { self = (try? Tensor([value], shape: [])) ?? Tensor(zeros: [], dtype: .bool) }

    /// `torch.zeros`, `torch.ones`, `torch.full`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor { Tensor(zeros: shape, dtype: dtype) }
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, value: 1, dtype: dtype) }
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        var result = Tensor.uninitialized(shape, dtype: dtype)
        result.fill(with: value)
        return result
    }

    /// Writes `value` into every element of this dense tensor (used by the creation functions).
    mutating func fill(with value: Double) {
        let n = count
        switch dtype {
        case .float32: basePointer(as: Float.self).update(repeating: Float(value), count: n)
        case .float16: basePointer(as: UInt16.self).update(repeating: Float(value).float16Bits, count: n)
        case .bfloat16: basePointer(as: UInt16.self).update(repeating: Float(value).bfloat16Bits, count: n)
        case .int64: basePointer(as: Int64.self).update(repeating: Int64(exactly: value.rounded(.towardZero)) ?? 0, count: n)
        case .int32: basePointer(as: Int32.self).update(repeating: Int32(truncatingIfNeeded: Int64(value)), count: n)
        case .uint8: basePointer(as: UInt8.self).update(repeating: UInt8(truncatingIfNeeded: Int64(value)), count: n)
        case .bool: basePointer(as: Bool.self).update(repeating: value != 0, count: n)
        }
    }
}
