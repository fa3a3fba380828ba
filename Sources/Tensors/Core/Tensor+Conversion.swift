// MARK: - Layout and dtype conversion, and reading elements back into Swift.

extension Tensor {
    /// A dense row-major tensor with the same values: `self` when already contiguous, else one copy.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        var result = Tensor.uninitialized(shape, dtype: dtype)
        result.copyElements(from: self)
        return result
    }

    /// Copies `source`'s elements (same shape and dtype) into this tensor's layout, whatever both strides are.
    mutating func copyElements(from source: Tensor) {
        let runs = StridedRuns(shape: shape, strides: [strides, source.strides])
        let size = dtype.itemSize
        let dst = storage.bytes.advanced(by: offset * size)
        let src = UnsafeRawPointer(source.storage.bytes.advanced(by: source.offset * size))
        let length = runs.runLength, dStride = runs.runStride(0), sStride = runs.runStride(1)
        runs.forEachRun { _, offsets in
            let d = dst.advanced(by: offsets[0] * size), s = src.advanced(by: offsets[1] * size)
            if dStride == 1 && sStride == 1 {
                d.copyMemory(from: s, byteCount: length * size)
                return
            }
            switch size {
            case 1: Self.stridedCopy(UInt8.self, d, s, length, dStride, sStride)
            case 2: Self.stridedCopy(UInt16.self, d, s, length, dStride, sStride)
            case 4: Self.stridedCopy(UInt32.self, d, s, length, dStride, sStride)
            default: Self.stridedCopy(UInt64.self, d, s, length, dStride, sStride)
            }
        }
    }

    @inline(__always)
    private static func stridedCopy<T>(_: T.Type, _ d: UnsafeMutableRawPointer, _ s: UnsafeRawPointer,
                                       _ n: Int, _ ds: Int, _ ss: Int) {
        let dp = d.assumingMemoryBound(to: T.self), sp = s.assumingMemoryBound(to: T.self)
        for i in 0..<n { dp[i * ds] = sp[i * ss] }
    }

    /// `tensor.to(dtype)`: a converted dense copy (or `self` when the dtype already matches). Float to integer
    /// truncates toward zero as PyTorch does; out-of-range and NaN values saturate instead of trapping.
    public func to(_ target: DType) -> Tensor {
        if target == dtype { return self }
        let source = contiguous()
        return withExtendedLifetime(source) { convert(source, to: target) }
    }

    /// `to(_:)`'s loops; `source` is dense and kept alive by the caller while its raw pointer is in use.
    private func convert(_ source: Tensor, to target: DType) -> Tensor {
        let result = Tensor.uninitialized(shape, dtype: target)
        let n = count
        let raw = UnsafeRawPointer(source.basePointer(as: UInt8.self))
        let out = result.storage.bytes
        switch (dtype, target) {
        case (.float16, .float32):
            let s = raw.assumingMemoryBound(to: UInt16.self), d = out.assumingMemoryBound(to: Float.self)
            for i in 0..<n { d[i] = Float(float16Bits: s[i]) }
        case (.bfloat16, .float32):
            let s = raw.assumingMemoryBound(to: UInt16.self), d = out.assumingMemoryBound(to: UInt32.self)
            for i in 0..<n { d[i] = UInt32(s[i]) << 16 }
        case (.float32, .float16):
            let s = raw.assumingMemoryBound(to: Float.self), d = out.assumingMemoryBound(to: UInt16.self)
            for i in 0..<n { d[i] = s[i].float16Bits }
        case (.float32, .bfloat16):
            let s = raw.assumingMemoryBound(to: Float.self), d = out.assumingMemoryBound(to: UInt16.self)
            for i in 0..<n { d[i] = s[i].bfloat16Bits }
        case (.int64, .float32):
            let s = raw.assumingMemoryBound(to: Int64.self), d = out.assumingMemoryBound(to: Float.self)
            for i in 0..<n { d[i] = Float(s[i]) }
        case (_, _) where dtype.isFloatingPoint || target.isFloatingPoint:
            for i in 0..<n { target.store(double: dtype.loadDouble(raw, i), out, i) }
        default:
            for i in 0..<n { target.store(int: dtype.loadInt(raw, i), out, i) }
        }
        return result
    }

    /// The elements in row-major order, converted to Float.
    public func floats() -> [Float] {
        let dense = to(.float32).contiguous()
        // The storage must outlive the pointer: ARC may release `dense` right after its last use.
        return withExtendedLifetime(dense) { Array(UnsafeBufferPointer(start: dense.basePointer(as: Float.self), count: dense.count)) }
    }

    /// The elements in row-major order, converted to Int64 (floats truncate toward zero).
    public func int64s() -> [Int64] {
        let dense = to(.int64).contiguous()
        // The storage must outlive the pointer: ARC may release `dense` right after its last use.
        return withExtendedLifetime(dense) { Array(UnsafeBufferPointer(start: dense.basePointer(as: Int64.self), count: dense.count)) }
    }

    /// The elements in row-major order as Bool (nonzero is true).
    public func bools() -> [Bool] {
        let dense = to(.bool).contiguous()
        // The storage must outlive the pointer: ARC may release `dense` right after its last use.
        return withExtendedLifetime(dense) { Array(UnsafeBufferPointer(start: dense.basePointer(as: Bool.self), count: dense.count)) }
    }

    /// The element at a full multi-index, as Double (`tensor[i, j].item()`).
    public func double(at index: [Int]) throws -> Double {
        guard index.count == rank else {
            throw TensorError.invalidArgument(op: "item", detail: "expected \(rank) indices, got \(index.count)")
        }
        var position = offset
        for axis in 0..<rank {
            var i = index[axis]
            if i < 0 { i += shape[axis] }
            guard i >= 0 && i < shape[axis] else {
                throw TensorError.indexOutOfRange(op: "index", index: index[axis], size: shape[axis])
            }
            position += i * strides[axis]
        }
        return dtype.loadDouble(UnsafeRawPointer(storage.bytes), position)
    }

    /// `tensor.item()`: the value of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError.invalidArgument(
                op: "item", detail: "a Tensor with \(count) elements cannot be converted to Scalar")
        }
        return try double(at: [Int](repeating: 0, count: rank))
    }
}

extension DType {
    /// Element `index` of a buffer of this dtype, as Double.
    @inline(__always)
    func loadDouble(_ base: UnsafeRawPointer, _ index: Int) -> Double {
        switch self {
        case .float32: Double(base.assumingMemoryBound(to: Float.self)[index])
        case .float16: Double(Float(float16Bits: base.assumingMemoryBound(to: UInt16.self)[index]))
        case .bfloat16: Double(Float(bfloat16Bits: base.assumingMemoryBound(to: UInt16.self)[index]))
        case .int64: Double(base.assumingMemoryBound(to: Int64.self)[index])
        case .int32: Double(base.assumingMemoryBound(to: Int32.self)[index])
        case .uint8: Double(base.assumingMemoryBound(to: UInt8.self)[index])
        case .bool: base.assumingMemoryBound(to: Bool.self)[index] ? 1 : 0
        }
    }

    /// Element `index` of an integer or bool buffer, exactly.
    @inline(__always)
    func loadInt(_ base: UnsafeRawPointer, _ index: Int) -> Int64 {
        switch self {
        case .int64: base.assumingMemoryBound(to: Int64.self)[index]
        case .int32: Int64(base.assumingMemoryBound(to: Int32.self)[index])
        case .uint8: Int64(base.assumingMemoryBound(to: UInt8.self)[index])
        case .bool: base.assumingMemoryBound(to: Bool.self)[index] ? 1 : 0
        default: Int64(saturating: loadDouble(base, index))
        }
    }

    @inline(__always)
    func store(double value: Double, _ base: UnsafeMutableRawPointer, _ index: Int) {
        switch self {
        case .float32: base.assumingMemoryBound(to: Float.self)[index] = Float(value)
        case .float16: base.assumingMemoryBound(to: UInt16.self)[index] = Float(value).float16Bits
        case .bfloat16: base.assumingMemoryBound(to: UInt16.self)[index] = Float(value).bfloat16Bits
        case .bool: base.assumingMemoryBound(to: Bool.self)[index] = value != 0
        default: store(int: Int64(saturating: value), base, index)
        }
    }

    @inline(__always)
    func store(int value: Int64, _ base: UnsafeMutableRawPointer, _ index: Int) {
        switch self {
        case .int64: base.assumingMemoryBound(to: Int64.self)[index] = value
        case .int32: base.assumingMemoryBound(to: Int32.self)[index] = Int32(truncatingIfNeeded: value)
        case .uint8: base.assumingMemoryBound(to: UInt8.self)[index] = UInt8(truncatingIfNeeded: value)
        case .bool: base.assumingMemoryBound(to: Bool.self)[index] = value != 0
        default: store(double: Double(value), base, index)
        }
    }
}

extension Int64 {
    /// Truncation toward zero that saturates (and maps NaN to Int64.min, as x86 conversions do) instead of trapping.
    @inline(__always)
    init(saturating value: Double) {
        if value.isNaN { self = .min; return }
        if value >= 9.223372036854775807e18 { self = .max; return }
        if value <= -9.223372036854775808e18 { self = .min; return }
        self = Int64(value.rounded(.towardZero))
    }
}
