import Script
import Tensors

/// A tensor as a script value: attributes, methods with PyTorch's names and keywords, operators, indexing and
/// slicing assignment, iteration over the first dimension, and PyTorch's printing.
public final class TensorObject: ScriptObject {
    public var tensor: Tensor
    /// Set on numpy arrays (`np.array`, `tensor.numpy()`, and what array operations return): the numpy dtype
    /// name they print with (`float64` for arrays numpy would hold in double precision). See TensorObject+Array.swift.
    public var arrayDType: String?
    /// A numpy scalar (`np.max(a)`, `a[0, 0]`): prints as `np.float32(4.0)` / `4.0`.
    var isNumpyScalar = false

    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { arrayDType == nil ? "Tensor" : isNumpyScalar ? arrayDType ?? "ndarray" : "ndarray" }

    public func repr(in interp: Interpreter) throws -> String { arrayRepr() ?? tensor.description }

    public func str(in interp: Interpreter) throws -> String { arrayStr() ?? tensor.description }

    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        if arrayDType != nil { return try arrayAttribute(name, in: interp) }
        return try tensorAttribute(name, in: interp)
    }

    func tensorAttribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "shape": return .object(SizeObject(tensor.shape))
        case "dtype": return .object(DTypeObject(tensor.dtype))
        case "ndim": return .int(tensor.rank)
        case "T", "mT" where tensor.rank == 2: return .object(TensorObject(tensor.transposed))
        case "T": return .object(TensorObject(tensor.transposed))
        case "device": return .object(DeviceObject("cpu"))
        case "is_cuda": return .bool(false)
        case "requires_grad": return .bool(false)
        case "grad": return .none
        case "data": return .object(self)
        default:
            guard let method = TensorObject.methods[name] else { return nil }
            return method.bind(self, name: name)
        }
    }

    public func attributeNames() -> [String] {
        (["shape", "dtype", "ndim", "T", "device", "is_cuda", "requires_grad", "grad", "data"] + TensorObject.methods.keys).sorted()
    }

    public func length(in interp: Interpreter) throws -> Int? {
        guard let first = tensor.shape.first else { throw ScriptError.typeError("len() of a 0-d tensor") }
        return first
    }

    public func isTruthy(in interp: Interpreter) throws -> Bool {
        guard tensor.count == 1 else {
            throw ScriptError.runtimeError("Boolean value of Tensor with more than one value is ambiguous")
        }
        return try tensor.item() != 0
    }

    public func intValue(in interp: Interpreter) throws -> Int? {
        guard tensor.count == 1 else { throw ScriptError.valueError("only one element tensors can be converted to Python scalars") }
        return saturatingInt(try tensor.item())
    }

    public func floatValue(in interp: Interpreter) throws -> Double? {
        guard tensor.count == 1 else { throw ScriptError.valueError("only one element tensors can be converted to Python scalars") }
        return try tensor.item()
    }

    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator {
        guard let first = tensor.shape.first else { throw ScriptError.typeError("iteration over a 0-d tensor") }
        return ArrayIterator(try (0..<first).map { asArrayResult(.object(TensorObject(try tensor.select(0, $0)))) })
    }

    public func contains(_ value: Value, in interp: Interpreter) throws -> Bool? {
        switch try TorchConversion.operand(value, interp) {
        case .scalar(let s): return try tensor.eq(s).any().item() != 0
        case .tensor(let t): return try tensor.eq(t).any().item() != 0
        }
    }

    // MARK: Indexing

    public func item(_ index: Index, in interp: Interpreter) throws -> Value {
        asArrayResult(.object(TensorObject(try tensor.index(try TorchConversion.indices(index, interp)))))
    }

    public func setItem(_ index: Index, to value: Value, in interp: Interpreter) throws {
        let indices = try TorchConversion.indices(index, interp)
        switch try TorchConversion.operand(value, interp) {
        case .scalar(let s): try tensor.indexPut(indices, s)
        case .tensor(let t): try tensor.indexPut(indices, t)
        }
    }

    // MARK: Operators

    public func binaryOperation(_ op: BinaryOperator, _ other: Value, reflected: Bool, in interp: Interpreter) throws -> Value? {
        guard let operand = try? TorchConversion.operand(other, interp) else { return nil }
        let result: Tensor
        switch (operand, reflected) {
        case (.tensor(let t), false): result = try Self.apply(op, tensor, t)
        case (.tensor(let t), true): result = try Self.apply(op, t, tensor)
        case (.scalar(let s), false): result = try Self.apply(op, tensor, s)
        case (.scalar(let s), true):
            result = try Self.apply(op, Tensor.full([], s, dtype: Self.scalarDType(s, joining: tensor.dtype)), tensor)
        }
        return asArrayResult(.object(TensorObject(result)))
    }

    /// The dtype a Python scalar takes when it is the left operand (`1 - x`, `2 ** x`): the tensor's, unless a float
    /// scalar meets an integer tensor.
    static func scalarDType(_ s: Scalar, joining dtype: DType) -> DType {
        DType.promote(tensor: dtype, scalarIsFloat: s.isFloat)
    }

    static func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch op {
        case .add: try a.add(b)
        case .subtract: try a.sub(b)
        case .multiply: try a.mul(b)
        case .divide: try a.div(b)
        case .floorDivide: try a.floorDivide(b)
        case .modulo: try a.remainder(b)
        case .power: try a.pow(b)
        case .matmul: try a.matmul(b)
        case .equal: try a.eq(b)
        case .notEqual: try a.ne(b)
        case .less: try a.lt(b)
        case .lessEqual: try a.le(b)
        case .greater: try a.gt(b)
        case .greaterEqual: try a.ge(b)
        case .bitAnd: try a.logicalAnd(b)
        case .bitOr: try a.logicalOr(b)
        case .bitXor: try a.logicalXor(b)
        case .leftShift, .rightShift:
            throw ScriptError.typeError("unsupported operand type(s) for \(op.rawValue): 'Tensor' and 'Tensor'")
        }
    }

    static func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Scalar) throws -> Tensor {
        switch op {
        case .add: try a.add(b)
        case .subtract: try a.sub(b)
        case .multiply: try a.mul(b)
        case .divide: try a.div(b)
        case .floorDivide: try a.floorDivide(b)
        case .modulo: try a.remainder(b)
        case .power: try a.pow(b)
        case .equal: try a.eq(b)
        case .notEqual: try a.ne(b)
        case .less: try a.lt(b)
        case .lessEqual: try a.le(b)
        case .greater: try a.gt(b)
        case .greaterEqual: try a.ge(b)
        default: try apply(op, a, Tensor.full([], b, dtype: scalarDType(b, joining: a.dtype)))
        }
    }

    public func unaryOperation(_ op: UnaryOperator, in interp: Interpreter) throws -> Value? {
        switch op {
        case .negate: return asArrayResult(.object(TensorObject(try tensor.neg())))
        case .plus: return .object(self)
        case .invert:
            guard tensor.dtype == .bool else { throw ScriptError.typeError("~ is only supported for bool tensors here") }
            return .object(TensorObject(tensor.logicalNot()))
        }
    }
}
