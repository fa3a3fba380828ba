import Script
import Tensors

// MARK: - numpy arrays
//
// Arrays are tensors here (every tensor method works on them), but they print, name their type and
// report their shape and dtype as numpy does. An array is a TensorObject with `arrayDType` set; what
// an array's operators, indexing, iteration and methods return is an array too.

extension TensorObject {
    /// This tensor as a numpy array (`tensor.numpy()`): the same storage, printed as numpy prints.
    func asArray() -> TensorObject {
        if arrayDType != nil { return self }
        let array = TensorObject(tensor)
        array.arrayDType = NumpyModule.name(of: tensor.dtype)
        return array
    }

    /// Marks a fresh tensor result of an operation on this array as an array (a 0-d one as a numpy scalar).
    func asArrayResult(_ value: Value) -> Value {
        guard let source = arrayDType, case .object(let result as TensorObject) = value, result !== self,
              result.arrayDType == nil else { return value }
        result.arrayDType = NumpyModule.resultName(source: source, result: result.tensor.dtype)
        result.isNumpyScalar = result.tensor.rank == 0
        return value
    }

    /// `repr(arr)`: `array([1., 2.], dtype=float32)`; a numpy scalar: `np.float32(4.0)`.
    func arrayRepr() -> String? {
        guard let name = arrayDType else { return nil }
        if isNumpyScalar {
            let text = NumpyFormat.scalarString(tensor, dtypeName: name)
            if tensor.dtype == .bool { return text == "True" ? "np.True_" : "np.False_" }
            return "np.\(name)(\(text))"
        }
        return NumpyFormat.repr(tensor, dtypeName: name)
    }

    /// `print(arr)`: `[[1. 2.]\n [3. 4.]]`.
    func arrayStr() -> String? {
        guard let name = arrayDType else { return nil }
        return NumpyFormat.str(tensor, dtypeName: name)
    }

    /// numpy's `shape` (a tuple), `dtype`, `size`; everything else as on tensors, with array results.
    func arrayAttribute(_ name: String, in interp: Interpreter) throws -> Value? {
        switch name {
        case "shape": return .tuple(tensor.shape.map { .int($0) })
        case "dtype": return .object(DTypeObject(tensor.dtype, numpyName: arrayDType))
        case "size": return .int(tensor.count)
        default:
            guard let value = try tensorAttribute(name, in: interp) else { return nil }
            guard case .object(let method as BuiltinFunction) = value else { return asArrayResult(value) }
            return .object(BuiltinFunction(name) { [self] args, interp in
                self.asArrayResult(try interp.call(.object(method), args))
            })
        }
    }
}
