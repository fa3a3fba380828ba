import Script
import Tensors

/// Conversions between script values and tensors, with `torch.tensor`'s inference rules.
enum TorchConversion {
    enum Operand {
        case scalar(Scalar)
        case tensor(Tensor)
    }

    /// The right-hand side of `x + 1`, `x * y`, `x[m] = 0.5`: a Python number stays a scalar (PyTorch's "wrapped
    /// number" promotion), a tensor is itself, a list becomes a tensor.
    static func operand(_ value: Value, _ interp: Interpreter) throws -> Operand {
        switch value {
        case .int(let n): return .scalar(.int(Int64(n)))
        case .float(let d): return .scalar(.float(d))
        case .bool(let b): return .scalar(.bool(b))
        case .object(let o as TensorObject): return .tensor(o.tensor)
        case .list, .tuple: return .tensor(try tensor(from: value, dtype: nil, interp))
        default: throw ScriptError.typeError("expected a Tensor or a number, got \(value.typeName)")
        }
    }

    /// A tensor argument (`torch.softmax(x, …)`), accepting nested lists too.
    static func tensor(_ value: Value, _ interp: Interpreter, _ what: String = "input") throws -> Tensor {
        switch value {
        case .object(let o as TensorObject): return o.tensor
        case .list, .tuple, .int, .float, .bool: return try tensor(from: value, dtype: nil, interp)
        default: throw ScriptError.typeError("\(what) must be a Tensor, not \(value.typeName)")
        }
    }

    /// `torch.tensor(data, dtype=…)`: nested lists of numbers; bools → bool, ints → int64, any float → float32.
    static func tensor(from value: Value, dtype: DType?, _ interp: Interpreter) throws -> Tensor {
        var shape: [Int] = []
        var flat: [Value] = []
        try flatten(value, depth: 0, shape: &shape, into: &flat, interp)
        var inferred: DType = .bool
        for item in flat {
            switch item {
            case .float: inferred = .float32
            case .int where inferred == .bool: inferred = .int64
            default: break
            }
        }
        if flat.isEmpty { inferred = .float32 }
        let target = dtype ?? inferred
        let result: Tensor
        switch inferred {
        case .bool: result = try Tensor(flat.map { $0.intLikeValue != 0 }, shape: shape)
        case .int64: result = try Tensor(flat.map { Int64($0.intLikeValue ?? 0) }, shape: shape)
        default:
            let doubles = try flat.map { try interp.toFloat($0) }
            if target.isFloatingPoint { return try Tensor(doubles.map { Float($0) }, shape: shape).to(target) }
            return try Tensor(doubles.map { Int64(saturatingInt($0)) }, shape: shape).to(target)
        }
        return result.to(target)
    }

    private static func flatten(_ value: Value, depth: Int, shape: inout [Int], into flat: inout [Value], _ interp: Interpreter) throws {
        switch value {
        case .list, .tuple:
            let items = try interp.iterate(value)
            if depth == shape.count {
                shape.append(items.count)
            } else if shape[depth] != items.count {
                throw ScriptError.valueError("expected sequence of length \(shape[depth]) at dim \(depth) (got \(items.count))")
            }
            for item in items { try flatten(item, depth: depth + 1, shape: &shape, into: &flat, interp) }
        case .int, .float, .bool:
            guard depth == shape.count else { throw ScriptError.typeError("ragged nested sequence: a number where a list was expected") }
            flat.append(value)
        case .object(let o as TensorObject):
            guard o.tensor.count == 1 else {
                throw ScriptError.valueError("only one element tensors can be converted to Python scalars")
            }
            let v = try o.tensor.item()
            try flatten(o.tensor.dtype.isFloatingPoint ? .float(v) : .int(Int(v)), depth: depth, shape: &shape, into: &flat, interp)
        default:
            throw ScriptError.typeError("new(): invalid data type '\(value.typeName)'")
        }
    }

    /// `x.item()`: a Python float, int or bool by dtype.
    static func scalarValue(_ value: Double, _ dtype: DType) -> Value {
        if dtype == .bool { return .bool(value != 0) }
        if dtype.isFloatingPoint { return .float(value) }
        return .int(saturatingInt(value))
    }

    /// `x.tolist()`: nested lists in row-major order.
    static func list(_ tensor: Tensor) -> Value {
        let dense = tensor.contiguous()
        let values: [Value]
        switch tensor.dtype {
        case .bool: values = dense.bools().map { .bool($0) }
        case .int64, .int32, .uint8: values = dense.int64s().map { .int(Int($0)) }
        default: values = dense.floats().map { .float(Double($0)) }
        }
        if tensor.rank == 0 { return values.first ?? Value.none }
        func build(_ axis: Int, _ start: Int) -> Value {
            let stride = tensor.shape[(axis + 1)...].reduce(1, *)
            if axis == tensor.rank - 1 { return .list(Array(values[start..<(start + tensor.shape[axis])])) }
            return .list((0..<tensor.shape[axis]).map { build(axis + 1, start + $0 * stride) })
        }
        return build(0, 0)
    }

    /// `x[0, -1, :]`, `x[..., None]`, `x[mask]`, `x[[0, 2]]` → the engine's index list.
    static func indices(_ index: Index, _ interp: Interpreter) throws -> [TensorIndex] {
        try index.components.map { component in
            switch component {
            case .newAxis: return .newAxis
            case .ellipsis: return .ellipsis
            case .slice(let start, let stop, let step):
                guard (step ?? 1) > 0 else { throw ScriptError.valueError("step must be greater than zero") }
                return .slice(start: start, end: stop, step: step ?? 1)
            case .value(let value):
                switch value {
                case .int(let n): return .index(n)
                case .bool(let b): return .tensor(try Tensor([b], shape: []))
                case .object(let o as TensorObject):
                    if o.tensor.rank == 0 && o.tensor.dtype != .bool && !o.tensor.dtype.isFloatingPoint {
                        return .index(Int(try o.tensor.item()))
                    }
                    return .tensor(o.tensor)
                case .list, .tuple: return .tensor(try tensor(from: value, dtype: nil, interp))
                case .none: return .newAxis
                default:
                    throw ScriptError.indexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got \(value.typeName))")
                }
            }
        }
    }
}
