import Foundation
@testable import Tensors

/// Which test family an op name of ops.py belongs to.
enum OpFamilies {
    static func family(of op: String) -> String {
        switch op {
        case "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "minimum", "rsub_scalar", "rdiv_scalar":
            "elementwise"
        case "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not", "where",
            "where_scalar", "masked_fill", "clamp", "clamp_tensor":
            "compare"
        case "sum", "mean", "prod", "amax", "amin", "logsumexp", "var", "std", "norm", "max_dim", "min_dim", "argmax",
            "argmin", "all", "any":
            "reduce"
        case "softmax", "log_softmax", "cumsum", "cumprod", "topk", "sort", "argsort": "softmax"
        case "index", "index_put": "index"
        case "cat", "stack", "split", "split_sizes", "chunk", "gather", "scatter", "scatter_value", "index_select", "repeat",
            "flip", "roll", "tril", "triu", "masked_select", "nonzero":
            "shape"
        case "arange", "linspace", "eye", "full": "creation"
        case "layer_norm", "layer_norm_plain", "group_norm", "rms_norm", "batch_norm", "embedding", "pad": "norm"
        default: "unary"
        }
    }
}

/// Replays one fixture case through the public API.
enum OpRunner {
    struct Missing: Error { let what: String }

    static func scalar(_ value: Any?) throws -> Scalar {
        guard let dict = value as? [String: Any] else { throw Missing(what: "scalar") }
        if let v = dict["int"] as? Int { return .int(Int64(v)) }
        if let v = dict["bool"] as? Bool { return .bool(v) }
        if let text = dict["float"] as? String {
            return .float(text == "nan" ? .nan : (text == "inf" ? .infinity : -.infinity))
        }
        if let v = dict["float"] as? NSNumber { return .float(v.doubleValue) }
        throw Missing(what: "scalar \(dict)")
    }

    static func int(_ args: [String: Any], _ key: String) throws -> Int {
        guard let v = args[key] as? Int else { throw Missing(what: key) }
        return v
    }

    static func double(_ args: [String: Any], _ key: String) throws -> Double {
        guard let v = args[key] as? NSNumber else { throw Missing(what: key) }
        return v.doubleValue
    }

    static func dims(_ args: [String: Any]) -> [Int]? { args["dims"] as? [Int] }
    static func keepdim(_ args: [String: Any]) -> Bool { args["keepdim"] as? Bool ?? false }

    static func indices(_ args: [String: Any], _ inputs: [Tensor]) throws -> [TensorIndex] {
        guard let spec = args["index"] as? [[String: Any]] else { throw Missing(what: "index") }
        return try spec.map { entry in
            if let i = entry["i"] as? Int { return .index(i) }
            if let s = entry["s"] as? [Any] { return .slice(start: s[0] as? Int, end: s[1] as? Int, step: s[2] as? Int ?? 1) }
            if entry["n"] != nil { return .newAxis }
            if entry["e"] != nil { return .ellipsis }
            if let t = entry["t"] as? Int { return .tensor(inputs[t]) }
            throw Missing(what: "index entry \(entry)")
        }
    }

    static func run(_ op: String, _ x: [Tensor], _ args: [String: Any]) throws -> [Tensor] {
        let a = x.first ?? Tensor.zeros([])
        switch op {
        // Binary arithmetic: tensor ∘ tensor or tensor ∘ scalar.
        case "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "minimum":
            let table: [String: Tensor.ArithmeticOp] = [
                "add": .add, "sub": .sub, "mul": .mul, "div": .div, "floor_divide": .floorDivide, "remainder": .remainder,
                "pow": .pow, "maximum": .maximum, "minimum": .minimum,
            ]
            let kind = table[op]!
            if args["scalar"] != nil {
                let s = try scalar(args["scalar"])
                switch kind {
                case .add: return [try a + s]
                case .sub: return [try a - s]
                case .mul: return [try a * s]
                case .div: return [try a / s]
                case .remainder: return [try a % s]
                case .floorDivide: return [try a.floorDivide(s)]
                case .pow: return [try a.pow(s)]
                default: return [try Tensor.arithmetic(kind, a, s)]
                }
            }
            switch kind {
            case .add: return [try a + x[1]]
            case .sub: return [try a - x[1]]
            case .mul: return [try a * x[1]]
            case .div: return [try a / x[1]]
            case .remainder: return [try a % x[1]]
            case .floorDivide: return [try a.floorDivide(x[1])]
            case .pow: return [try a.pow(x[1])]
            case .maximum: return [try a.maximum(x[1])]
            case .minimum: return [try a.minimum(x[1])]
            }
        case "rsub_scalar": return [try scalar(args["scalar"]) - a]
        case "rdiv_scalar": return [try scalar(args["scalar"]) / a]

        // Unary.
        case "neg": return [try -a]
        case "abs": return [a.abs()]
        case "exp": return [a.exp()]
        case "log": return [a.log()]
        case "sqrt": return [a.sqrt()]
        case "rsqrt": return [a.rsqrt()]
        case "sin": return [a.sin()]
        case "cos": return [a.cos()]
        case "tanh": return [a.tanh()]
        case "sigmoid": return [a.sigmoid()]
        case "relu": return [a.relu()]
        case "gelu": return [a.gelu()]
        case "gelu_tanh": return [a.gelu(approximate: .tanh)]
        case "silu": return [a.silu()]
        case "erf": return [a.erf()]
        case "floor": return [a.floor()]
        case "ceil": return [a.ceil()]
        case "round": return [a.round()]
        case "trunc": return [a.trunc()]
        case "sign": return [a.sign()]
        case "square": return [a.square()]
        case "reciprocal": return [a.reciprocal()]
        case "log1p": return [a.log1p()]
        case "expm1": return [a.expm1()]
        case "clamp":
            return [try a.clamp(min: args["min"] == nil ? nil : scalar(args["min"]), max: args["max"] == nil ? nil : scalar(args["max"]))]
        case "clamp_tensor": return [try a.clamp(min: x[1], max: x[2])]

        // Comparisons, logical, where.
        case "eq", "ne", "lt", "le", "gt", "ge":
            if args["scalar"] != nil {
                let s = try scalar(args["scalar"])
                switch op {
                case "eq": return [try a.eq(s)]
                case "ne": return [try a.ne(s)]
                case "lt": return [try a.lt(s)]
                case "le": return [try a.le(s)]
                case "gt": return [try a.gt(s)]
                default: return [try a.ge(s)]
                }
            }
            switch op {
            case "eq": return [try a.eq(x[1])]
            case "ne": return [try a.ne(x[1])]
            case "lt": return [try a.lt(x[1])]
            case "le": return [try a.le(x[1])]
            case "gt": return [try a.gt(x[1])]
            default: return [try a.ge(x[1])]
            }
        case "logical_and": return [try a.logicalAnd(x[1])]
        case "logical_or": return [try a.logicalOr(x[1])]
        case "logical_xor": return [try a.logicalXor(x[1])]
        case "logical_not": return [a.logicalNot()]
        case "where": return [try Tensor.where(a, x[1], x[2])]
        case "where_scalar": return [try Tensor.where(a, x[1], scalar(args["scalar"]))]
        case "masked_fill": return [try a.maskedFill(x[1], scalar(args["value"]))]

        // Reductions.
        case "sum": return [try a.sum(dims: dims(args), keepdim: keepdim(args))]
        case "mean": return [try a.mean(dims: dims(args), keepdim: keepdim(args))]
        case "prod": return [try a.prod(dims: dims(args), keepdim: keepdim(args))]
        case "amax": return [try a.amax(dims: dims(args), keepdim: keepdim(args))]
        case "amin": return [try a.amin(dims: dims(args), keepdim: keepdim(args))]
        case "logsumexp": return [try a.logsumexp(dims: dims(args) ?? [], keepdim: keepdim(args))]
        case "var": return [try a.variance(dims: dims(args), correction: args["correction"] as? Int ?? 1, keepdim: keepdim(args))]
        case "std": return [try a.std(dims: dims(args), correction: args["correction"] as? Int ?? 1, keepdim: keepdim(args))]
        case "norm": return [try a.norm(p: scalar(args["p"]).doubleValue, dims: dims(args), keepdim: keepdim(args))]
        case "max_dim":
            let r = try a.maxWithIndices(dim: int(args, "dim"), keepdim: keepdim(args))
            return [r.values, r.indices]
        case "min_dim":
            let r = try a.minWithIndices(dim: int(args, "dim"), keepdim: keepdim(args))
            return [r.values, r.indices]
        case "argmax": return [try a.argmax(dim: args["dim"] as? Int, keepdim: keepdim(args))]
        case "argmin": return [try a.argmin(dim: args["dim"] as? Int, keepdim: keepdim(args))]
        case "all": return [try a.all(dims: dims(args), keepdim: keepdim(args))]
        case "any": return [try a.any(dims: dims(args), keepdim: keepdim(args))]

        // Along one dim.
        case "softmax": return [try a.softmax(dim: int(args, "dim"))]
        case "log_softmax": return [try a.logSoftmax(dim: int(args, "dim"))]
        case "cumsum": return [try a.cumsum(dim: int(args, "dim"))]
        case "cumprod": return [try a.cumprod(dim: int(args, "dim"))]
        case "topk":
            let r = try a.topk(int(args, "k"), dim: int(args, "dim"), largest: args["largest"] as? Bool ?? true)
            return [r.values, r.indices]
        case "sort":
            let r = try a.sort(dim: int(args, "dim"), descending: args["descending"] as? Bool ?? false)
            return [r.values, r.indices]
        case "argsort": return [try a.argsort(dim: int(args, "dim"), descending: args["descending"] as? Bool ?? false)]

        // Indexing.
        case "index": return [try a.index(indices(args, x))]
        case "index_put":
            let target = a.copy()
            try target.indexPut(indices(args, x), x[1])
            return [target]

        // Shape ops.
        case "cat": return [try Tensor.cat(x, dim: int(args, "dim"))]
        case "stack": return [try Tensor.stack(x, dim: int(args, "dim"))]
        case "split": return try a.split(int(args, "size"), dim: int(args, "dim"))
        case "split_sizes": return try a.split(sizes: args["sizes"] as? [Int] ?? [], dim: int(args, "dim"))
        case "chunk": return try a.chunk(int(args, "chunks"), dim: int(args, "dim"))
        case "gather": return [try a.gather(dim: int(args, "dim"), index: x[1])]
        case "scatter": return [try a.scatter(dim: int(args, "dim"), index: x[1], source: x[2])]
        case "scatter_value": return [try a.scatter(dim: int(args, "dim"), index: x[1], value: scalar(args["value"]))]
        case "index_select": return [try a.indexSelect(dim: int(args, "dim"), index: x[1])]
        case "repeat": return [try a.repeat(args["repeats"] as? [Int] ?? [])]
        case "flip": return [try a.flip(args["dims"] as? [Int] ?? [])]
        case "roll": return [try a.roll(args["shifts"] as? [Int] ?? [], dims: args["dims"] as? [Int] ?? [])]
        case "tril": return [try a.tril(int(args, "diagonal"))]
        case "triu": return [try a.triu(int(args, "diagonal"))]
        case "masked_select": return [try a.maskedSelect(x[1])]
        case "nonzero": return [a.nonzero()]

        // Creation.
        case "arange": return [try Tensor.arange(scalar(args["start"]), scalar(args["end"]), step: scalar(args["step"]))]
        case "linspace": return [try Tensor.linspace(double(args, "start"), double(args, "end"), steps: int(args, "steps"))]
        case "eye":
            return [try Tensor.eye(int(args, "n"), args["m"] as? Int, dtype: DType(rawValue: args["dtype"] as? String ?? "") ?? .float32)]
        case "full": return [try Tensor.full(args["shape"] as? [Int] ?? [], scalar(args["value"]))]

        // Normalization.
        case "layer_norm":
            return [try a.layerNorm(args["shape"] as? [Int] ?? [], weight: x[1], bias: x[2], eps: double(args, "eps"))]
        case "layer_norm_plain": return [try a.layerNorm(args["shape"] as? [Int] ?? [], eps: double(args, "eps"))]
        case "group_norm": return [try a.groupNorm(int(args, "groups"), weight: x[1], bias: x[2], eps: double(args, "eps"))]
        case "rms_norm":
            return [try a.rmsNorm(args["shape"] as? [Int] ?? [], weight: x[1], eps: (args["eps"] as? NSNumber)?.doubleValue)]
        case "batch_norm":
            return [try a.batchNorm(runningMean: x[1], runningVar: x[2], weight: x[3], bias: x[4], eps: double(args, "eps"))]
        case "embedding": return [try Tensor.embedding(a, weight: x[1])]
        case "pad":
            let mode = Tensor.PadMode(rawValue: args["mode"] as? String ?? "") ?? .constant
            return [try a.pad(args["pad"] as? [Int] ?? [], mode: mode, value: double(args, "value"))]
        default:
            throw Missing(what: "op \(op)")
        }
    }
}
