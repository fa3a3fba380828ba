// MARK: - Unary math and activations
//
// Float tensors compute in float32 (half types widened, result rounded back); integer and bool inputs of the
// transcendental ops give float32, as PyTorch's "int to float" unary ops do. Sign-preserving ops (neg, abs, relu,
// sign, rounding) keep integer dtypes.

extension Tensor {
    /// Which GELU `gelu(approximate:)` computes, as `torch.nn.functional.gelu`'s `approximate` argument.
    public enum GeluApproximation: String, Sendable {
        /// 0.5·x·(1 + erf(x/√2)) — BERT, ViT, most encoders.
        case none
        /// 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) — GPT-2's `gelu_new`.
        case tanh
    }

    /// Runs a float kernel, keeping float16/bfloat16 dtypes and lifting integers to float32.
    func floatUnary<K: FloatUnaryKernel>(_ kernel: K.Type) -> Tensor {
        let out = Tensor.mapFloat(kernel, self)
        return dtype.isFloatingPoint ? out.to(dtype) : out
    }

    public func exp() -> Tensor { floatUnary(ExpKernel.self) }
    public func log() -> Tensor { floatUnary(LogKernel.self) }
    public func sqrt() -> Tensor { floatUnary(SqrtKernel.self) }
    public func rsqrt() -> Tensor { floatUnary(RsqrtKernel.self) }
    public func sin() -> Tensor { floatUnary(SinKernel.self) }
    public func cos() -> Tensor { floatUnary(CosKernel.self) }
    public func tanh() -> Tensor { floatUnary(TanhKernel.self) }
    public func sigmoid() -> Tensor { floatUnary(SigmoidKernel.self) }
    public func silu() -> Tensor { floatUnary(SiluKernel.self) }
    public func erf() -> Tensor { floatUnary(ErfKernel.self) }
    public func log1p() -> Tensor { floatUnary(Log1pKernel.self) }
    public func expm1() -> Tensor { floatUnary(Expm1Kernel.self) }
    public func reciprocal() -> Tensor { floatUnary(ReciprocalKernel.self) }

    public func gelu(approximate: GeluApproximation = .none) -> Tensor {
        approximate == .none ? floatUnary(GeluKernel.self) : floatUnary(GeluTanhKernel.self)
    }

    /// `-x`. PyTorch refuses to negate bool tensors (use `logicalNot`).
    public func neg() throws -> Tensor {
        if dtype == .bool {
            throw TensorError.invalidArgument(
                op: "neg", detail: "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        if dtype.isFloatingPoint { return floatUnary(NegKernel.self) }
        return Tensor.mapElements(to(.int64), as: Int64.self, output: .int64) { 0 &- $0 }.to(dtype)
    }

    public func abs() -> Tensor {
        if dtype.isFloatingPoint { return floatUnary(AbsKernel.self) }
        if dtype == .bool || dtype == .uint8 { return contiguous() }
        return Tensor.mapElements(to(.int64), as: Int64.self, output: .int64) { $0 < 0 ? 0 &- $0 : $0 }.to(dtype)
    }

    public func relu() -> Tensor {
        if dtype.isFloatingPoint { return floatUnary(ReluKernel.self) }
        return Tensor.mapElements(to(.int64), as: Int64.self, output: .int64) { Swift.max($0, 0) }.to(dtype)
    }

    public func square() -> Tensor {
        if dtype.isFloatingPoint { return floatUnary(SquareKernel.self) }
        return Tensor.mapElements(to(.int64), as: Int64.self, output: .int64) { $0 &* $0 }.to(dtype == .bool ? .int64 : dtype)
    }

    public func sign() -> Tensor {
        if dtype.isFloatingPoint { return floatUnary(SignKernel.self) }
        return Tensor.mapElements(to(.int64), as: Int64.self, output: .int64) { $0.signum() }.to(dtype)
    }

    /// Rounding keeps integer tensors unchanged (as PyTorch does).
    public func floor() -> Tensor { dtype.isFloatingPoint ? floatUnary(FloorKernel.self) : contiguous() }
    public func ceil() -> Tensor { dtype.isFloatingPoint ? floatUnary(CeilKernel.self) : contiguous() }
    /// Half to even, as `torch.round`.
    public func round() -> Tensor { dtype.isFloatingPoint ? floatUnary(RoundKernel.self) : contiguous() }
    public func trunc() -> Tensor { dtype.isFloatingPoint ? floatUnary(TruncKernel.self) : contiguous() }

    /// `torch.isnan` / `torch.isinf` / `torch.isfinite`.
    public func isnan() -> Tensor {
        dtype.isFloatingPoint ? Tensor.mapElements(to(.float32), as: Float.self, output: .bool) { $0.isNaN } : Tensor.zeros(shape, dtype: .bool)
    }
    public func isinf() -> Tensor {
        dtype.isFloatingPoint ? Tensor.mapElements(to(.float32), as: Float.self, output: .bool) { $0.isInfinite } : Tensor.zeros(shape, dtype: .bool)
    }
    public func isfinite() -> Tensor {
        dtype.isFloatingPoint ? Tensor.mapElements(to(.float32), as: Float.self, output: .bool) { $0.isFinite } : Tensor.ones(shape, dtype: .bool)
    }
}
