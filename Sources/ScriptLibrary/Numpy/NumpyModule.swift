import Script
import Tensors

/// `import numpy as np`: the few array functions the guides apply to model outputs and images. Arrays are tensors
/// here (`tensor.numpy()` returns the tensor itself), so every tensor method also works on them.
enum NumpyModule {
    /// An array result of a numpy function; `like` is the dtype name of its input (float64 stays float64).
    static func wrap(_ t: Tensor, like source: String? = nil) -> Value {
        let result = TensorObject(t)
        result.arrayDType = resultName(source: source, result: t.dtype)
        result.isNumpyScalar = t.rank == 0
        return .object(result)
    }

    /// numpy's name of an engine dtype.
    static func name(of dtype: DType) -> String { dtype == .float32 ? "float32" : dtype.rawValue }

    /// The dtype name of a result computed from an array of dtype `source`: arrays numpy holds as float64 are
    /// float32 in the engine, and stay "float64" through float operations.
    static func resultName(source: String?, result: DType) -> String {
        source == "float64" && result == .float32 ? "float64" : name(of: result)
    }

    /// The numpy dtype name a `dtype=` / `astype` argument asks for (nil when it is not one).
    static func dtypeName(_ value: Value) -> String? {
        switch value {
        case .str(let s):
            switch s {
            case "float", "float64", "double": return "float64"
            case "half": return "float16"
            case "int", "long": return "int64"
            default: return s
            }
        case .object(let d as DTypeObject): return d.numpyName ?? name(of: d.dtype)
        default: return nil
        }
    }

    /// The tensor of an argument and the dtype name it carries (an array's own, else the engine dtype's).
    static func operand(_ value: Value, _ interp: Interpreter, _ name: String) throws -> (Tensor, String) {
        if case .object(let t as TensorObject) = value { return (t.tensor, t.arrayDType ?? Self.name(of: t.tensor.dtype)) }
        let t = try TorchConversion.tensor(value, interp, name)
        return (t, t.dtype == .float32 ? "float64" : Self.name(of: t.dtype))
    }

    /// `astype("uint8")`, `astype(np.uint8)`, `dtype=np.float32`.
    static func dtype(_ value: Value, _ interp: Interpreter) throws -> DType {
        let name: String
        switch value {
        case .str(let s): name = s
        case .object(let d as DTypeObject): return d.dtype
        default: throw ScriptError.typeError("data type not understood: \(value.typeName)")
        }
        switch name {
        case "uint8": return .uint8
        case "float32", "float", "float64", "double": return .float32
        case "float16", "half": return .float16
        case "int64", "int", "long": return .int64
        case "int32": return .int32
        case "bool": return .bool
        default: throw ScriptError.typeError("data type '\(name)' not understood")
        }
    }

    static func make() -> ModuleObject {
        let m = ModuleObject("numpy", doc: "A numpy subset over Swiftformers tensors.")
        for (name, dtype) in [("uint8", DType.uint8), ("float32", .float32), ("float16", .float16), ("int64", .int64),
                              ("int32", .int32), ("bool_", .bool), ("float64", .float32)] {
            m.attributes[name] = .object(DTypeObject(dtype, numpyName: name == "bool_" ? "bool" : name))
        }
        m.attributes["pi"] = .float(Double.pi)
        m.define("array", [Parameter("object"), Parameter("dtype", default: Value.none)]) { a, interp in
            var result: Tensor
            var name: String
            if case .object(let t as TensorObject) = a[0] {
                result = t.tensor.copy()
                name = t.arrayDType ?? Self.name(of: result.dtype)
            } else if case .object(let convertible as any ArrayConvertible) = a[0] {
                result = try convertible.arrayTensor()
                name = Self.name(of: result.dtype)
            } else {
                // Python floats make float64 arrays in numpy (float32 storage here).
                result = try TorchConversion.tensor(from: a[0], dtype: nil, interp)
                name = result.dtype == .float32 ? "float64" : Self.name(of: result.dtype)
            }
            if !a[1].isNone {
                result = result.to(try dtype(a[1], interp))
                name = dtypeName(a[1]) ?? Self.name(of: result.dtype)
            }
            let array = TensorObject(result)
            array.arrayDType = name
            return .object(array)
        }
        m.attributes["asarray"] = m.attributes["array"]
        for (name, reduce) in [("max", { (t: Tensor, d: [Int]?) in try t.amax(dims: d) }), ("min", { try $0.amin(dims: $1) }),
                               ("sum", { try $0.sum(dims: $1) }), ("mean", { try $0.mean(dims: $1) })] as [(String, (Tensor, [Int]?) throws -> Tensor)] {
            m.define(name, [Parameter("a"), Parameter("axis", default: Value.none)]) { a, interp in
                let (x, source) = try operand(a[0], interp, "a")
                return wrap(try reduce(x, try interp.optionalDims(a[1], function: name)), like: source)
            }
        }
        m.define("argmax", [Parameter("a"), Parameter("axis", default: Value.none)]) { a, interp in
            wrap(try operand(a[0], interp, "a").0.argmax(dim: try interp.optionalInt(a[1])))
        }
        m.define("exp", [Parameter("x")]) { a, interp in
            let (x, source) = try operand(a[0], interp, "x")
            return wrap(try x.exp(), like: source)
        }
        m.define("round", [Parameter("a"), Parameter("decimals", default: .int(0))]) { a, interp in
            let (x, source) = try operand(a[0], interp, "a")
            let array = TensorObject(x)
            array.arrayDType = source
            guard let round = TensorObject.methods["round"], case .object(let bound) = round.bind(array, name: "round") else { return .none }
            return array.asArrayResult(try bound.call(Arguments([a[1]]), in: interp))
        }
        m.define("clip", [Parameter("a"), Parameter("a_min"), Parameter("a_max")]) { a, interp in
            let (x, source) = try operand(a[0], interp, "a")
            return wrap(try x.clamp(min: .float(try interp.toFloat(a[1])), max: .float(try interp.toFloat(a[2]))), like: source)
        }
        m.define("moveaxis", [Parameter("a"), Parameter("source"), Parameter("destination")]) { a, interp in
            let (x, name) = try operand(a[0], interp, "a")
            let source = try x.normalizedDim(try interp.toInt(a[1]), op: "moveaxis")
            let destination = try x.normalizedDim(try interp.toInt(a[2]), op: "moveaxis")
            var order = Array(0..<x.rank)
            order.remove(at: source)
            order.insert(source, at: destination)
            return wrap(try x.permute(order), like: name)
        }
        m.define("transpose", [Parameter("a"), Parameter("axes", default: Value.none)]) { a, interp in
            let (x, name) = try operand(a[0], interp, "a")
            return wrap(a[1].isNone ? x.transposed : try x.permute(try interp.intList(a[1], function: "transpose")), like: name)
        }
        m.define("squeeze", [Parameter("a")]) { a, interp in
            let (x, name) = try operand(a[0], interp, "a")
            return wrap(try x.squeeze(), like: name)
        }
        return m
    }
}

/// Library values that `np.array(value)` turns into an array (images: height × width × channels uint8).
public protocol ArrayConvertible: ScriptObject {
    func arrayTensor() throws -> Tensor
}
