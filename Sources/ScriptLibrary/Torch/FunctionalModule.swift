import Script
import Tensors

/// `torch.nn.functional` (imported as `F` in the guides): the functional ops with PyTorch's keywords.
enum FunctionalModule {
    static func wrap(_ t: Tensor) -> Value { .object(TensorObject(t)) }

    static func make() -> ModuleObject {
        let m = ModuleObject("torch.nn.functional", doc: "Functional neural-network ops.")
        m.define("softmax", [Parameter("input"), Parameter("dim", default: Value.none)]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp).softmax(dim: try interp.optionalInt(a[1]) ?? -1))
        }
        m.define("log_softmax", [Parameter("input"), Parameter("dim", default: Value.none)]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp).logSoftmax(dim: try interp.optionalInt(a[1]) ?? -1))
        }
        m.define("relu", [Parameter("input")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp).relu()) }
        m.define("silu", [Parameter("input")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp).silu()) }
        m.define("sigmoid", [Parameter("input")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp).sigmoid()) }
        m.define("tanh", [Parameter("input")]) { a, interp in wrap(try TorchConversion.tensor(a[0], interp).tanh()) }
        m.define("gelu", [Parameter("input"), Parameter("approximate", default: .str("none"))]) { a, interp in
            let approximate = try interp.string(a[1], "approximate")
            guard let mode = Tensor.GeluApproximation(rawValue: approximate) else {
                throw ScriptError.runtimeError("approximate argument must be either none or tanh.")
            }
            return wrap(try TorchConversion.tensor(a[0], interp).gelu(approximate: mode))
        }
        m.define("normalize", [Parameter("input"), Parameter("p", default: .float(2)), Parameter("dim", default: .int(1)), Parameter("eps", default: .float(1e-12))]) { a, interp in
            // x / max(‖x‖_p, eps), as torch.nn.functional.normalize
            let x = try TorchConversion.tensor(a[0], interp)
            let norm = try x.norm(p: try interp.toFloat(a[1]), dims: [try interp.toInt(a[2])], keepdim: true)
            return wrap(try x.div(norm.clamp(min: .float(try interp.toFloat(a[3])))))
        }
        m.define("cosine_similarity", [Parameter("x1"), Parameter("x2"), Parameter("dim", default: .int(1)), Parameter("eps", default: .float(1e-8))]) { a, interp in
            let x = try TorchConversion.tensor(a[0], interp), y = try TorchConversion.tensor(a[1], interp, "x2")
            let dim = try interp.toInt(a[2]), eps = Scalar.float(try interp.toFloat(a[3]))
            let dot = try x.mul(y).sum(dims: [dim])
            let denominator = try x.norm(p: 2, dims: [dim]).clamp(min: eps).mul(y.norm(p: 2, dims: [dim]).clamp(min: eps))
            return wrap(try dot.div(denominator))
        }
        m.define("interpolate", [Parameter("input"), Parameter("size", default: Value.none), Parameter("scale_factor", default: Value.none),
                                 Parameter("mode", default: .str("nearest")), Parameter("align_corners", default: Value.none),
                                 Parameter("recompute_scale_factor", default: Value.none), Parameter("antialias", default: .bool(false))]) { a, interp in
            let x = try TorchConversion.tensor(a[0], interp)
            let modeName = try interp.string(a[3], "mode")
            guard let mode = InterpolationMode(rawValue: modeName) else {
                throw ScriptError.notImplemented("interpolate: mode '\(modeName)' is not supported")
            }
            let spatial = max(x.rank - 2, 1)
            let size = try a[1].isNone ? nil : (a[1].isIntegerLike ? Array(repeating: try interp.toInt(a[1]), count: spatial) : try interp.intList(a[1], function: "interpolate"))
            var scale: [Double]? = nil
            if !a[2].isNone {
                scale = try (a[2].isIntegerLike || { if case .float = a[2] { return true } else { return false } }())
                    ? Array(repeating: try interp.toFloat(a[2]), count: spatial) : try interp.iterate(a[2]).map { try interp.toFloat($0) }
            }
            return wrap(try x.interpolate(size: size, scaleFactor: scale, mode: mode,
                                          alignCorners: a[4].isNone ? nil : try interp.bool(a[4]),
                                          recomputeScaleFactor: a[5].isNone ? nil : try interp.bool(a[5]),
                                          antialias: try interp.bool(a[6])))
        }
        m.define("pad", [Parameter("input"), Parameter("pad"), Parameter("mode", default: .str("constant")), Parameter("value", default: Value.none)]) { a, interp in
            let modeName = try interp.string(a[2], "mode")
            guard let mode = Tensor.PadMode(rawValue: modeName) else { throw ScriptError.notImplemented("pad: mode '\(modeName)'") }
            return wrap(try TorchConversion.tensor(a[0], interp).pad(try interp.intList(a[1], function: "pad"), mode: mode,
                                                                     value: a[3].isNone ? 0 : try interp.toFloat(a[3])))
        }
        m.define("layer_norm", [Parameter("input"), Parameter("normalized_shape"), Parameter("weight", default: Value.none), Parameter("bias", default: Value.none), Parameter("eps", default: .float(1e-5))]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp).layerNorm(
                try interp.intList(a[1], function: "layer_norm"),
                weight: a[2].isNone ? nil : try TorchConversion.tensor(a[2], interp, "weight"),
                bias: a[3].isNone ? nil : try TorchConversion.tensor(a[3], interp, "bias"), eps: try interp.toFloat(a[4])))
        }
        m.define("linear", [Parameter("input"), Parameter("weight"), Parameter("bias", default: Value.none)]) { a, interp in
            wrap(try TorchConversion.tensor(a[0], interp).linear(
                weight: try TorchConversion.tensor(a[1], interp, "weight"), bias: a[2].isNone ? nil : try TorchConversion.tensor(a[2], interp, "bias")))
        }
        m.define("embedding", [Parameter("input"), Parameter("weight")]) { a, interp in
            wrap(try Tensor.embedding(try TorchConversion.tensor(a[0], interp), weight: try TorchConversion.tensor(a[1], interp, "weight")))
        }
        m.define("scaled_dot_product_attention", [Parameter("query"), Parameter("key"), Parameter("value"), Parameter("attn_mask", default: Value.none),
                                                  Parameter("dropout_p", default: .float(0)), Parameter("is_causal", default: .bool(false)), Parameter("scale", default: Value.none)]) { a, interp in
            wrap(try Tensor.scaledDotProductAttention(
                query: try TorchConversion.tensor(a[0], interp, "query"), key: try TorchConversion.tensor(a[1], interp, "key"),
                value: try TorchConversion.tensor(a[2], interp, "value"),
                attnMask: a[3].isNone ? nil : try TorchConversion.tensor(a[3], interp, "attn_mask"),
                isCausal: try interp.bool(a[5]), scale: a[6].isNone ? nil : Float(try interp.toFloat(a[6]))))
        }
        m.define("dropout", [Parameter("input"), Parameter("p", default: .float(0.5)), Parameter("training", default: .bool(true))]) { a, _ in a[0] }
        return m
    }
}
