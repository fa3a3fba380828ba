import Script
import Tensors

/// `import numpy as np`: the few array functions the guides apply to model outputs and images. Arrays are tensors
/// here (`tensor.numpy()` returns the tensor itself), so every tensor method also works on them.
enum NumpyModule {
    static func wrap(_ t: Tensor) -> Value { .object(TensorObject(t)) }

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
            m.attributes[name] = .object(DTypeObject(dtype))
        }
        m.attributes["pi"] = .float(Double.pi)
        m.define("array", [Parameter("object"), Parameter("dtype", default: Value.none)]) { a, interp in
            var result: Tensor
            if case .object(let t as TensorObject) = a[0] {
                result = t.tensor.copy()
            } else if case .object(let convertible as any ArrayConvertible) = a[0] {
                result = try convertible.arrayTensor()
            } else {
                result = try TorchConversion.tensor(from: a[0], dtype: nil, interp)
            }
            if !a[1].isNone { result = result.to(try dtype(a[1], interp)) }
            return wrap(result)
        }
        m.attributes["asarray"] = m.attributes["array"]
        for (name, reduce) in [("max", { (t: Tensor, d: [Int]?) in try t.amax(dims: d) }), ("min", { try $0.amin(dims: $1) }),
                               ("sum", { try $0.sum(dims: $1) }), ("mean", { try $0.mean(dims: $1) })] as [(String, (Tensor, [Int]?) throws -> Tensor)] {
            m.define(name, [Parameter("a"), Parameter("axis", default: Value.none)]) { a, interp in
                wrap(try reduce(try TorchConversion.tensor(a[0], interp, "a"), try interp.optionalDims(a[1], function: name)))
            }
        }
        m.define("argmax", [Parameter("a"), Parameter("axis", default: Value.none)]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp, "a").argmax(dim: try interp.optionalInt(a[1])))
        }
        m.define("exp", [Parameter("x")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp, "x").exp()) }
        m.define("round", [Parameter("a"), Parameter("decimals", default: .int(0))]) { a, interp in
            guard let round = TensorObject.methods["round"], case .object(let bound) = round.bind(TensorObject(try TorchConversion.tensor(a[0], interp, "a")), name: "round") else { return .none }
            return try bound.call(Arguments([a[1]]), in: interp)
        }
        m.define("clip", [Parameter("a"), Parameter("a_min"), Parameter("a_max")]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp, "a").clamp(min: .float(try interp.toFloat(a[1])), max: .float(try interp.toFloat(a[2]))))
        }
        m.define("moveaxis", [Parameter("a"), Parameter("source"), Parameter("destination")]) { a, interp in
            let x = try TorchConversion.tensor(a[0], interp, "a")
            let source = try x.normalizedDim(try interp.toInt(a[1]), op: "moveaxis")
            let destination = try x.normalizedDim(try interp.toInt(a[2]), op: "moveaxis")
            var order = Array(0..<x.rank)
            order.remove(at: source)
            order.insert(source, at: destination)
            return wrap(try x.permute(order))
        }
        m.define("transpose", [Parameter("a"), Parameter("axes", default: Value.none)]) { a, interp in
            let x = try TorchConversion.tensor(a[0], interp, "a")
            return wrap(a[1].isNone ? x.transposed : try x.permute(try interp.intList(a[1], function: "transpose")))
        }
        m.define("squeeze", [Parameter("a")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp, "a").squeeze()) }
        return m
    }
}

/// Library values that `np.array(value)` turns into an array (images: height × width × channels uint8).
public protocol ArrayConvertible: ScriptObject {
    func arrayTensor() throws -> Tensor
}
