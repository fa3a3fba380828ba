import Foundation
import Script
import Tensors

// The tensor methods the guides call, with PyTorch's parameter names and defaults.

extension TensorObject {
    typealias Method = NativeMethod<TensorObject>

    static func wrap(_ tensor: Tensor) -> Value { .object(TensorObject(tensor)) }

    /// `dim=None` reduces everything; an int or a tuple reduces those dims.
    static func reduction(_ body: @escaping (Tensor, [Int]?, Bool) throws -> Tensor) -> Method {
        Method([Parameter("dim", default: Value.none), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try body(this.tensor, try interp.optionalDims(a[0], function: "reduction"), try interp.bool(a[1])))
        }
    }

    /// `max()` / `max(dim)` / `max(other)`: a value, a (values, indices) named tuple, or the elementwise extreme.
    static func extreme(_ name: String, largest: Bool) -> Method {
        Method([Parameter("dim", default: Value.none), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            if case .object(let other as TensorObject) = a[0] {
                return wrap(largest ? try this.tensor.maximum(other.tensor) : try this.tensor.minimum(other.tensor))
            }
            guard let dim = try interp.optionalInt(a[0]) else {
                return wrap(largest ? try this.tensor.amax() : try this.tensor.amin())
            }
            let keep = try interp.bool(a[1])
            let (values, indices) = largest
                ? try this.tensor.maxWithIndices(dim: dim, keepdim: keep) : try this.tensor.minWithIndices(dim: dim, keepdim: keep)
            return .object(ReturnTuple(name, [("values", wrap(values)), ("indices", wrap(indices))]))
        }
    }

    static func unary(_ body: @escaping (Tensor) throws -> Tensor) -> Method {
        Method([]) { this, _, _ in wrap(try body(this.tensor)) }
    }

    static func binary(_ op: BinaryOperator) -> Method {
        Method([Parameter("other")]) { this, a, interp in
            guard let result = try this.binaryOperation(op, a[0], reflected: false, in: interp) else {
                throw ScriptError.typeError("\(op.rawValue): unsupported operand \(a[0].typeName)")
            }
            return result
        }
    }

    static func cast(_ dtype: DType) -> Method { Method([]) { this, _, _ in wrap(this.tensor.to(dtype)) } }

    /// `x.to(torch.float16)`, `x.to("cpu")`, `x.to(device)`, `x.to(other_tensor)`: dtypes convert, devices are ignored.
    static let toMethod = Method(raw: { this, args, interp in
        var result = this.tensor
        for value in args.positional + args.keywords.map(\.value) {
            switch value {
            case .object(let d as DTypeObject): result = result.to(d.dtype)
            case .object(let other as TensorObject): result = result.to(other.tensor.dtype)
            case .str(let device):
                guard device.hasPrefix("cpu") || device.hasPrefix("cuda") || device.hasPrefix("mps") else {
                    throw ScriptError.runtimeError("Expected one of cpu, cuda, mps device type at start of device string: \(device)")
                }
            default: continue
            }
        }
        return wrap(result)
    })

    static let methods: [String: Method] = [
        "size": Method([Parameter("dim", default: Value.none)]) { this, a, interp in
            guard let dim = try interp.optionalInt(a[0]) else { return .object(SizeObject(this.tensor.shape)) }
            return .int(this.tensor.shape[try this.tensor.normalizedDim(dim, op: "size")])
        },
        "dim": Method([]) { this, _, _ in .int(this.tensor.rank) },
        "numel": Method([]) { this, _, _ in .int(this.tensor.count) },
        "item": Method([]) { this, _, _ in TorchConversion.scalarValue(try this.tensor.item(), this.tensor.dtype) },
        "tolist": Method([]) { this, _, _ in TorchConversion.list(this.tensor) },
        "numpy": Method([]) { this, _, _ in .object(this.asArray()) },
        "cpu": Method([]) { this, _, _ in .object(this) },
        "cuda": Method(raw: { this, _, _ in .object(this) }),
        "detach": Method([]) { this, _, _ in .object(this) },
        "clone": unary { $0.copy() },
        "contiguous": unary { $0.contiguous() },
        "float": cast(.float32), "double": cast(.float32), "half": cast(.float16), "bfloat16": cast(.bfloat16),
        "long": cast(.int64), "int": cast(.int32), "bool": cast(.bool), "byte": cast(.uint8),
        "to": toMethod,
        "type_as": Method([Parameter("other")]) { this, a, interp in
            wrap(this.tensor.to(try TorchConversion.tensor(a[0], interp, "other").dtype))
        },
        "is_floating_point": Method([]) { this, _, _ in .bool(this.tensor.dtype.isFloatingPoint) },
        "is_contiguous": Method([]) { this, _, _ in .bool(this.tensor.isContiguous) },
        // Shapes
        "squeeze": Method([Parameter("dim", default: Value.none)]) { this, a, interp in wrap(try this.tensor.squeeze(try interp.optionalInt(a[0]))) },
        "unsqueeze": Method([Parameter("dim")]) { this, a, interp in wrap(try this.tensor.unsqueeze(try interp.toInt(a[0]))) },
        "permute": Method(raw: { this, args, interp in wrap(try this.tensor.permute(try interp.intList(args.positional, function: "permute"))) }),
        "transpose": Method([Parameter("dim0"), Parameter("dim1")]) { this, a, interp in
            wrap(try this.tensor.transpose(try interp.toInt(a[0]), try interp.toInt(a[1])))
        },
        "t": Method([]) { this, _, _ in wrap(this.tensor.rank < 2 ? this.tensor : try this.tensor.transpose(0, 1)) },
        "view": Method(raw: { this, args, interp in
            if case .object(let d as DTypeObject)? = args.positional.first { return wrap(this.tensor.to(d.dtype)) }
            return wrap(try this.tensor.view(try interp.intList(args.positional, function: "view")))
        }),
        "reshape": Method(raw: { this, args, interp in wrap(try this.tensor.reshape(try interp.intList(args.positional, function: "reshape"))) }),
        "expand": Method(raw: { this, args, interp in wrap(try this.tensor.expand(try interp.intList(args.positional, function: "expand"))) }),
        "repeat": Method(raw: { this, args, interp in wrap(try this.tensor.repeat(try interp.intList(args.positional, function: "repeat"))) }),
        "flatten": Method([Parameter("start_dim", default: .int(0)), Parameter("end_dim", default: .int(-1))]) { this, a, interp in
            wrap(try this.tensor.flatten(startDim: try interp.toInt(a[0]), endDim: try interp.toInt(a[1])))
        },
        "flip": Method(raw: { this, args, interp in wrap(try this.tensor.flip(try interp.intList(args.positional, function: "flip"))) }),
        "chunk": Method([Parameter("chunks"), Parameter("dim", default: .int(0))]) { this, a, interp in
            .tuple(try this.tensor.chunk(try interp.toInt(a[0]), dim: try interp.toInt(a[1])).map(wrap))
        },
        "split": Method([Parameter("split_size"), Parameter("dim", default: .int(0))]) { this, a, interp in
            let dim = try interp.toInt(a[1])
            if a[0].isIntegerLike { return .tuple(try this.tensor.split(try interp.toInt(a[0]), dim: dim).map(wrap)) }
            return .tuple(try this.tensor.split(sizes: try interp.intList(a[0], function: "split"), dim: dim).map(wrap))
        },
        "unbind": Method([Parameter("dim", default: .int(0))]) { this, a, interp in
            let dim = try this.tensor.normalizedDim(try interp.toInt(a[0]), op: "unbind")
            return .tuple(try (0..<this.tensor.shape[dim]).map { wrap(try this.tensor.select(dim, $0)) })
        },
        "tril": Method([Parameter("diagonal", default: .int(0))]) { this, a, interp in wrap(try this.tensor.tril(try interp.toInt(a[0]))) },
        "triu": Method([Parameter("diagonal", default: .int(0))]) { this, a, interp in wrap(try this.tensor.triu(try interp.toInt(a[0]))) },
        "gather": Method([Parameter("dim"), Parameter("index")]) { this, a, interp in
            wrap(try this.tensor.gather(dim: try interp.toInt(a[0]), index: try TorchConversion.tensor(a[1], interp, "index")))
        },
        "index_select": Method([Parameter("dim"), Parameter("index")]) { this, a, interp in
            wrap(try this.tensor.indexSelect(dim: try interp.toInt(a[0]), index: try TorchConversion.tensor(a[1], interp, "index")))
        },
        "masked_fill": Method([Parameter("mask"), Parameter("value")]) { this, a, interp in
            let mask = try TorchConversion.tensor(a[0], interp, "mask")
            switch try TorchConversion.operand(a[1], interp) {
            case .scalar(let s): return wrap(try this.tensor.maskedFill(mask, s))
            case .tensor(let t): return wrap(try this.tensor.maskedFill(mask, t))
            }
        },
        "nonzero": unary { $0.nonzero() },
        // Reductions
        "sum": reduction { try $0.sum(dims: $1, keepdim: $2) },
        "mean": reduction { try $0.mean(dims: $1, keepdim: $2) },
        "prod": reduction { try $0.prod(dims: $1, keepdim: $2) },
        "all": reduction { try $0.all(dims: $1, keepdim: $2) },
        "any": reduction { try $0.any(dims: $1, keepdim: $2) },
        "amax": reduction { try $0.amax(dims: $1, keepdim: $2) },
        "amin": reduction { try $0.amin(dims: $1, keepdim: $2) },
        "std": Method([Parameter("dim", default: Value.none), Parameter("unbiased", default: .bool(true)), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.std(dims: try interp.optionalDims(a[0], function: "std"), correction: try interp.bool(a[1]) ? 1 : 0, keepdim: try interp.bool(a[2])))
        },
        "var": Method([Parameter("dim", default: Value.none), Parameter("unbiased", default: .bool(true)), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.variance(dims: try interp.optionalDims(a[0], function: "var"), correction: try interp.bool(a[1]) ? 1 : 0, keepdim: try interp.bool(a[2])))
        },
        "norm": Method([Parameter("p", default: .float(2)), Parameter("dim", default: Value.none), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.norm(p: try interp.toFloat(a[0]), dims: try interp.optionalDims(a[1], function: "norm"), keepdim: try interp.bool(a[2])))
        },
        "max": extreme("max", largest: true),
        "min": extreme("min", largest: false),
        "argmax": Method([Parameter("dim", default: Value.none), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.argmax(dim: try interp.optionalInt(a[0]), keepdim: try interp.bool(a[1])))
        },
        "argmin": Method([Parameter("dim", default: Value.none), Parameter("keepdim", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.argmin(dim: try interp.optionalInt(a[0]), keepdim: try interp.bool(a[1])))
        },
        "softmax": Method([Parameter("dim")]) { this, a, interp in wrap(try this.tensor.softmax(dim: try interp.toInt(a[0]))) },
        "log_softmax": Method([Parameter("dim")]) { this, a, interp in wrap(try this.tensor.logSoftmax(dim: try interp.toInt(a[0]))) },
        "cumsum": Method([Parameter("dim")]) { this, a, interp in wrap(try this.tensor.cumsum(dim: try interp.toInt(a[0]))) },
        "topk": Method([Parameter("k"), Parameter("dim", default: .int(-1)), Parameter("largest", default: .bool(true)), Parameter("sorted", default: .bool(true))]) { this, a, interp in
            let (values, indices) = try this.tensor.topk(try interp.toInt(a[0]), dim: try interp.toInt(a[1]), largest: try interp.bool(a[2]))
            return .object(ReturnTuple("topk", [("values", wrap(values)), ("indices", wrap(indices))]))
        },
        "sort": Method([Parameter("dim", default: .int(-1)), Parameter("descending", default: .bool(false))]) { this, a, interp in
            let (values, indices) = try this.tensor.sort(dim: try interp.toInt(a[0]), descending: try interp.bool(a[1]))
            return .object(ReturnTuple("sort", [("values", wrap(values)), ("indices", wrap(indices))]))
        },
        "argsort": Method([Parameter("dim", default: .int(-1)), Parameter("descending", default: .bool(false))]) { this, a, interp in
            wrap(try this.tensor.argsort(dim: try interp.toInt(a[0]), descending: try interp.bool(a[1])))
        },
        // Elementwise
        "abs": unary { $0.absolute() }, "exp": unary { $0.exp() }, "log": unary { $0.log() }, "sqrt": unary { $0.sqrt() },
        "rsqrt": unary { $0.rsqrt() }, "sigmoid": unary { $0.sigmoid() }, "tanh": unary { $0.tanh() },
        "relu": unary { $0.relu() }, "neg": unary { try $0.neg() }, "floor": unary { $0.floor() }, "ceil": unary { $0.ceil() },
        "sin": unary { $0.sin() }, "cos": unary { $0.cos() }, "sign": unary { $0.sign() }, "isnan": unary { $0.isnan() },
        "square": unary { $0.square() }, "reciprocal": unary { $0.reciprocal() },
        "round": Method([Parameter("decimals", default: .int(0))]) { this, a, interp in
            let decimals = try interp.toInt(a[0])
            if decimals == 0 { return wrap(this.tensor.round()) }
            let scale = Scalar.float(Foundation.pow(10, Double(decimals)))
            return wrap(try this.tensor.mul(scale).round().div(scale))
        },
        "clamp": Method([Parameter("min", default: Value.none), Parameter("max", default: Value.none)]) { this, a, interp in
            func bound(_ v: Value) throws -> Scalar? {
                if v.isNone { return nil }
                guard case .scalar(let s) = try TorchConversion.operand(v, interp) else {
                    throw ScriptError.typeError("clamp(): min and max must be numbers")
                }
                return s
            }
            return wrap(try this.tensor.clamp(min: try bound(a[0]), max: try bound(a[1])))
        },
        // In place (`clamp_(0, 1)` in the image-to-image guide): the object now holds the clamped values.
        "clamp_": Method([Parameter("min", default: Value.none), Parameter("max", default: Value.none)]) { this, a, interp in
            guard let clamp = methods["clamp"], case .object(let bound) = clamp.bind(this, name: "clamp"),
                  case .object(let result as TensorObject) = try bound.call(Arguments([a[0], a[1]]), in: interp) else { return .none }
            this.tensor = result.tensor
            return .object(this)
        },
        "pow": binary(.power), "matmul": binary(.matmul), "mm": binary(.matmul), "bmm": binary(.matmul),
        "add": binary(.add), "sub": binary(.subtract), "mul": binary(.multiply), "div": binary(.divide),
        "eq": binary(.equal), "ne": binary(.notEqual), "lt": binary(.less), "le": binary(.lessEqual),
        "gt": binary(.greater), "ge": binary(.greaterEqual),
        "equal": Method([Parameter("other")]) { this, a, interp in
            let other = try TorchConversion.tensor(a[0], interp, "other")
            guard other.shape == this.tensor.shape else { return .bool(false) }
            return .bool(try this.tensor.eq(other).all().item() != 0)
        },
        // numpy-style spellings the guides use on arrays
        "astype": Method([Parameter("dtype")]) { this, a, interp in
            let result = TensorObject(this.tensor.to(try NumpyModule.dtype(a[0], interp)))
            result.arrayDType = NumpyModule.dtypeName(a[0]) ?? NumpyModule.name(of: result.tensor.dtype)
            return .object(result)
        },
    ]
}
