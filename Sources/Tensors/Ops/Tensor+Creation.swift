import Foundation

// MARK: - Creation: arange, linspace, eye, *_like, nested Swift arrays

extension Tensor {
    /// `torch.arange(end)`.
    public static func arange(_ end: Scalar) throws -> Tensor { try arange(0, end, step: 1) }

    /// `torch.arange(start, end, step)`: int64 when all three are integers, else float32. The length is
    /// ceil((end − start) / step) computed in double, and element i is start + i·step computed in double, as
    /// PyTorch's CPU kernel does.
    public static func arange(_ start: Scalar, _ end: Scalar, step: Scalar = 1) throws -> Tensor {
        let isFloat = start.isFloat || end.isFloat || step.isFloat
        let s = start.doubleValue, e = end.doubleValue, d = step.doubleValue
        guard d != 0 else { throw TensorError.invalidArgument(op: "arange", detail: "step must be nonzero") }
        guard s.isFinite && e.isFinite else {
            throw TensorError.invalidArgument(op: "arange", detail: "unsupported range: \(start) -> \(end)")
        }
        guard (d > 0 && e >= s) || (d < 0 && e <= s) else {
            throw TensorError.invalidArgument(op: "arange", detail: "upper bound and larger bound inconsistent with step sign")
        }
        let length: Int
        if isFloat {
            length = Int(((e - s) / d).rounded(.up))
        } else {
            let (a, b, c) = (start.intValue, end.intValue, step.intValue)
            length = Int((b - a) / c + ((b - a) % c != 0 ? 1 : 0))
        }
        guard length >= 0 && length < 1 << 40 else {
            throw TensorError.invalidArgument(op: "arange", detail: "invalid number of elements \(length)")
        }
        if isFloat {
            var values = [Float](repeating: 0, count: length)
            for i in 0..<length { values[i] = Float(s + Double(i) * d) }
            return try Tensor(values, shape: [length])
        }
        let (a, c) = (start.intValue, step.intValue)
        return try Tensor((0..<length).map { a + Int64($0) * c }, shape: [length])
    }

    /// `torch.linspace(start, end, steps)` (float32), with PyTorch's symmetric formula: the first half counts up
    /// from `start`, the second half down from `end`, so both endpoints are exact.
    public static func linspace(_ start: Double, _ end: Double, steps: Int) throws -> Tensor {
        guard steps >= 0 else { throw TensorError.invalidArgument(op: "linspace", detail: "number of steps must be non-negative") }
        if steps == 0 { return Tensor.zeros([0]) }
        if steps == 1 { return try Tensor([Float(start)], shape: [1]) }
        let a = Float(start), b = Float(end)
        let step = (b - a) / Float(steps - 1)
        let halfway = steps / 2
        let values = (0..<steps).map { i in i < halfway ? a + step * Float(i) : b - step * Float(steps - i - 1) }
        return try Tensor(values, shape: [steps])
    }

    /// `torch.eye(n, m)`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = m ?? n
        guard n >= 0 && cols >= 0 else {
            throw TensorError.invalidArgument(op: "eye", detail: "n and m must be non-negative, got \(n) and \(cols)")
        }
        let out = Tensor.zeros([n, cols], dtype: dtype)
        for i in 0..<Swift.min(n, cols) { dtype.store(int: 1, out.storage.bytes, i * cols + i) }
        return out
    }

    /// `torch.full(shape, value)` with a checked shape; the dtype follows the value (bool, int64 or float32)
    /// unless given.
    public static func full(_ shape: [Int], _ value: Scalar, dtype: DType? = nil) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "full", detail: "Trying to create tensor with negative dimension in \(shapeString(shape))")
        }
        let type = dtype ?? { switch value { case .bool: .bool; case .int: .int64; case .float: .float32 } }()
        return try Tensor.filled(value, dtype: type).expand(shape).contiguous()
    }

    public static func zerosLike(_ other: Tensor, dtype: DType? = nil) -> Tensor { zeros(other.shape, dtype: dtype ?? other.dtype) }
    public static func onesLike(_ other: Tensor, dtype: DType? = nil) -> Tensor { ones(other.shape, dtype: dtype ?? other.dtype) }
    public static func fullLike(_ other: Tensor, _ value: Scalar, dtype: DType? = nil) throws -> Tensor {
        try full(other.shape, value, dtype: dtype ?? other.dtype)
    }

    // MARK: Nested arrays

    /// `torch.tensor(nested list)`: accepts Swift arrays nested to any depth whose leaves are Bool, integers,
    /// Float or Double. The dtype is bool if every leaf is Bool, int64 if every leaf is an integer or Bool, else
    /// float32 (unless `dtype` is given). Ragged nesting throws, naming the offending depth.
    public init(nested value: Any, dtype: DType? = nil) throws {
        var shape: [Int] = []
        var leaves: [Scalar] = []
        try Tensor.flatten(value, depth: 0, shape: &shape, leaves: &leaves)
        let inferred: DType = leaves.contains(where: \.isFloat) ? .float32
            : leaves.allSatisfy({ if case .bool = $0 { true } else { false } }) && !leaves.isEmpty ? .bool : (leaves.isEmpty ? .float32 : .int64)
        let type = dtype ?? inferred
        let out = Tensor.uninitialized(shape, dtype: type)
        for (i, leaf) in leaves.enumerated() {
            switch leaf {
            case .float(let v): type.store(double: v, out.storage.bytes, i)
            case .int(let v): type.store(int: v, out.storage.bytes, i)
            case .bool(let v): type.store(int: v ? 1 : 0, out.storage.bytes, i)
            }
        }
        self = out
    }

    private static func flatten(_ value: Any, depth: Int, shape: inout [Int], leaves: inout [Scalar]) throws {
        if let array = value as? [Any] {
            if depth == shape.count {
                shape.append(array.count)
            } else if depth > shape.count || shape[depth] != array.count {
                throw TensorError.invalidArgument(
                    op: "tensor", detail: "expected sequence of length \(depth < shape.count ? shape[depth] : 0) at dim \(depth) (got \(array.count))")
            }
            for element in array { try flatten(element, depth: depth + 1, shape: &shape, leaves: &leaves) }
            return
        }
        guard depth == shape.count else {
            throw TensorError.invalidArgument(op: "tensor", detail: "expected a sequence at dim \(depth), found a scalar")
        }
        switch value {
        case let v as Bool: leaves.append(.bool(v))
        case let v as Int: leaves.append(.int(Int64(v)))
        case let v as Int64: leaves.append(.int(v))
        case let v as Int32: leaves.append(.int(Int64(v)))
        case let v as UInt8: leaves.append(.int(Int64(v)))
        case let v as Float: leaves.append(.float(Double(v)))
        case let v as Double: leaves.append(.float(v))
        case let v as Scalar: leaves.append(v)
        default:
            throw TensorError.invalidArgument(op: "tensor", detail: "could not infer dtype of \(type(of: value))")
        }
    }
}
