import Script
import Tensors

/// `import torch`: creation functions, the functional ops the guides call at module level, dtypes, `no_grad()`.
enum TorchModule {
    static func wrap(_ t: Tensor) -> Value { .object(TensorObject(t)) }

    /// A `dtype=` argument: None or a torch dtype.
    static func dtype(_ value: Value) throws -> DType? {
        switch value {
        case .none: return nil
        case .object(let d as DTypeObject): return d.dtype
        default: throw ScriptError.typeError("dtype must be a torch.dtype, not \(value.typeName)")
        }
    }

    static func make() -> ModuleObject {
        let m = ModuleObject("torch", doc: "Tensors on the Swiftformers engine, with PyTorch's names.")
        for (name, dtype) in DTypeObject.spellings { m.attributes[name] = .object(DTypeObject(dtype)) }
        m.attributes["__version__"] = .str("2.13.0+swiftformers")

        m.define("tensor", [Parameter("data"), Parameter("dtype", default: Value.none), Parameter("device", default: Value.none)]) { a, interp in
            if case .object(let t as TensorObject) = a[0] { return wrap(try dtype(a[1]).map { t.tensor.to($0) } ?? t.tensor.copy()) }
            return wrap(try TorchConversion.tensor(from: a[0], dtype: try dtype(a[1]), interp))
        }
        m.attributes["as_tensor"] = m.attributes["tensor"]
        m.attributes["from_numpy"] = .object(BuiltinFunction("from_numpy", Signature([Parameter("array")])) { a, _ in a[0] })
        for (name, fill) in [("zeros", 0.0), ("ones", 1.0)] {
            m.define(name) { args, interp in
                let shape = try interp.intList(args.positional, function: name)
                return wrap(Tensor.full(shape, value: fill, dtype: try dtype(args.keyword("dtype") ?? Value.none) ?? .float32))
            }
        }
        m.define("full", [Parameter("size"), Parameter("fill_value"), Parameter("dtype", default: Value.none)]) { a, interp in
            guard case .scalar(let value) = try TorchConversion.operand(a[1], interp) else { throw ScriptError.typeError("fill_value must be a number") }
            return wrap(try Tensor.full(try interp.intList(a[0], function: "full"), value, dtype: try dtype(a[2])))
        }
        for (name, fill) in [("zeros_like", 0.0), ("ones_like", 1.0)] {
            m.define(name, [Parameter("input"), Parameter("dtype", default: Value.none)]) { a, interp in
                let input = try TorchConversion.tensor(a[0], interp)
                return wrap(Tensor.full(input.shape, value: fill, dtype: try dtype(a[1]) ?? input.dtype))
            }
        }
        m.define("arange", [Parameter("start"), Parameter("end", default: Value.none), Parameter("step", default: .int(1)), Parameter("dtype", default: Value.none)]) { a, interp in
            func scalar(_ v: Value) throws -> Scalar {
                guard case .scalar(let s) = try TorchConversion.operand(v, interp) else { throw ScriptError.typeError("arange(): numbers expected") }
                return s
            }
            let result = a[1].isNone ? try Tensor.arange(try scalar(a[0])) : try Tensor.arange(try scalar(a[0]), try scalar(a[1]), step: try scalar(a[2]))
            return wrap(try dtype(a[3]).map { result.to($0) } ?? result)
        }
        m.define("linspace", [Parameter("start"), Parameter("end"), Parameter("steps")]) { a, interp in
            wrap(try Tensor.linspace(try interp.toFloat(a[0]), try interp.toFloat(a[1]), steps: try interp.toInt(a[2])))
        }
        m.define("eye", [Parameter("n"), Parameter("m", default: Value.none), Parameter("dtype", default: Value.none)]) { a, interp in
            wrap(try Tensor.eye(try interp.toInt(a[0]), try interp.optionalInt(a[1]), dtype: try dtype(a[2]) ?? .float32))
        }
        m.define("randn") { args, interp in wrap(try Tensor.randn(try interp.intList(args.positional, function: "randn"))) }
        m.define("rand") { args, interp in wrap(try Tensor.rand(try interp.intList(args.positional, function: "rand"))) }
        m.define("randint", [Parameter("low"), Parameter("high"), Parameter("size")]) { a, interp in
            wrap(try Tensor.randint(Int64(try interp.toInt(a[0])), Int64(try interp.toInt(a[1])), try interp.intList(a[2], function: "randint")))
        }
        m.define("manual_seed", [Parameter("seed")]) { a, interp in
            Tensor.manualSeed(UInt64(truncatingIfNeeded: try interp.toInt(a[0])))
            return .none
        }
        m.define("multinomial", [Parameter("input"), Parameter("num_samples"), Parameter("replacement", default: .bool(false))]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp).multinomial(try interp.toInt(a[1]), replacement: try interp.bool(a[2])))
        }
        m.define("no_grad", []) { _, _ in .object(NoGradObject("no_grad")) }
        m.define("inference_mode", [Parameter("mode", default: .bool(true))]) { _, _ in .object(NoGradObject("inference_mode")) }
        m.define("device", [Parameter("type")]) { a, interp in .object(DeviceObject(try interp.string(a[0], "device"))) }
        m.define("is_tensor", [Parameter("obj")]) { a, _ in
            if case .object(_ as TensorObject) = a[0] { return .bool(true) }
            return .bool(false)
        }
        m.define("cat", [Parameter("tensors"), Parameter("dim", default: .int(0))]) { a, interp in
            wrap(try Tensor.cat(try interp.iterate(a[0]).map { try TorchConversion.tensor($0, interp, "tensors") }, dim: try interp.toInt(a[1])))
        }
        m.attributes["concat"] = m.attributes["cat"]
        m.define("stack", [Parameter("tensors"), Parameter("dim", default: .int(0))]) { a, interp in
            wrap(try Tensor.stack(try interp.iterate(a[0]).map { try TorchConversion.tensor($0, interp, "tensors") }, dim: try interp.toInt(a[1])))
        }
        m.define("where", [Parameter("condition"), Parameter("input"), Parameter("other")]) { a, interp in
            let condition = try TorchConversion.tensor(a[0], interp, "condition")
            switch (try TorchConversion.operand(a[1], interp), try TorchConversion.operand(a[2], interp)) {
            case (.tensor(let x), .tensor(let y)): return wrap(try Tensor.where(condition, x, y))
            case (.tensor(let x), .scalar(let y)): return wrap(try Tensor.where(condition, x, y))
            case (.scalar(let x), .tensor(let y)): return wrap(try Tensor.where(condition, x, y))
            case (.scalar(let x), .scalar(let y)):
                return wrap(try Tensor.where(condition, Tensor.full([], x), y))
            }
        }
        m.define("allclose", [Parameter("input"), Parameter("other"), Parameter("rtol", default: .float(1e-5)), Parameter("atol", default: .float(1e-8))]) { a, interp in
            let x = try TorchConversion.tensor(a[0], interp), y = try TorchConversion.tensor(a[1], interp, "other")
            let (rtol, atol) = (try interp.toFloat(a[2]), try interp.toFloat(a[3]))
            let xs = x.floats(), ys = try y.broadcast(to: x.shape).floats()
            return .bool(zip(xs, ys).allSatisfy { abs(Double($0) - Double($1)) <= atol + rtol * abs(Double($1)) })
        }
        // Module-level spellings of tensor methods: torch.softmax(x, dim=-1), torch.argmax(x), torch.topk(x, 3)…
        for name in ["softmax", "log_softmax", "argmax", "argmin", "topk", "sort", "argsort", "max", "min", "sum", "mean",
                     "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "matmul", "bmm", "mm", "squeeze", "unsqueeze",
                     "flatten", "transpose", "permute", "reshape", "cumsum", "clamp", "round", "masked_fill", "gather",
                     "index_select", "tril", "triu", "norm", "std", "var", "prod", "all", "any", "nonzero", "flip", "chunk",
                     "split", "equal", "eq", "ne", "gt", "lt", "ge", "le", "add", "sub", "mul", "div", "pow", "isnan", "amax", "amin"] {
            guard let method = TensorObject.methods[name] else { continue }
            m.define(name) { args, interp in
                guard let first = args.positional.first else {
                    throw ScriptError.typeError("\(name)() missing required argument: 'input'")
                }
                let input = TensorObject(try TorchConversion.tensor(first, interp))
                let rest = Arguments(Array(args.positional.dropFirst()), keywords: args.keywords.filter { $0.name != "input" })
                guard case .object(let bound) = method.bind(input, name: name) else { return .none }
                return try bound.call(rest, in: interp)
            }
        }
        m.define("numel", [Parameter("input")]) { a, interp in .int(try TorchConversion.tensor(a[0], interp).count) }
        return m
    }

    static func makeCuda() -> ModuleObject {
        let m = ModuleObject("torch.cuda", doc: "No GPU here: Swiftformers computes on the CPU.")
        m.define("is_available", []) { _, _ in .bool(false) }
        m.define("device_count", []) { _, _ in .int(0) }
        return m
    }

    static func makeNN() -> ModuleObject { ModuleObject("torch.nn", doc: "torch.nn: see torch.nn.functional for the ops.") }
}
