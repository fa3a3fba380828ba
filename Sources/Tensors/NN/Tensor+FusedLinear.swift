// `activation(x·Wᵀ + b + residual)` in one product: the transformer layers' projections with their bias, their
// activation (the feed-forward's first projection) or the residual add that follows them (the attention output
// and the feed-forward's second projection), done in the GEMM's epilogue on each block of the output while it is
// in cache, instead of a broadcast copy of the bias before the product and one more pass over the output after it.

extension Tensor {
    /// `activation(linear(self, weight, bias) + residual)`: the value of
    /// `linear(weight:bias:)`, then `.add(residual)`, then the activation, computed in one pass. `residual` must
    /// have the output's shape ([..., out]). Runs the fused packed-GEMM path on AVX2 + FMA CPUs for float32
    /// operands with at least 6 rows, and the separate operations otherwise (same values up to rounding).
    public func linear(weight: Tensor, bias: Tensor?, activation: GEMM.EpilogueActivation?, residual: Tensor? = nil) throws -> Tensor {
        if let fused = try fusedLinear(weight: weight, bias: bias, activation: activation, residual: residual) {
            return fused
        }
        var result = try linear(weight: weight, bias: bias)
        if let residual { result = try result.add(residual) }
        switch activation {
        case nil: return result
        case .geluErf: return result.gelu()
        case .geluTanh: return result.gelu(approximate: .tanh)
        case .silu: return result.silu()
        case .sigmoid: return result.sigmoid()
        case .tanh: return result.tanh()
        case .quickGelu: return try result.mul(result.mul(1.702).sigmoid())
        }
    }

    /// `linear(weight:bias:activation:residual:)` with the weight packed once (`PackedLinearWeight`) instead of on
    /// every product.
    public func linear(packed: PackedLinearWeight, bias: Tensor?, activation: GEMM.EpilogueActivation?, residual: Tensor? = nil) throws -> Tensor {
        if let fused = try fusedLinear(weight: packed.weight, bias: bias, activation: activation, residual: residual, packed: packed) {
            return fused
        }
        return try linear(weight: packed.weight, bias: bias, activation: activation, residual: residual)
    }

    /// The fused path, or nil where it does not apply (the caller then runs the separate operations, which also
    /// produce the shape errors).
    private func fusedLinear(weight: Tensor, bias: Tensor?, activation: GEMM.EpilogueActivation?, residual: Tensor?,
                             packed: PackedLinearWeight? = nil) throws -> Tensor? {
        guard GEMM.usesPackedAVX2, dtype == .float32, weight.dtype == .float32, weight.rank == 2, rank >= 2,
              bias?.dtype ?? .float32 == .float32, residual?.dtype ?? .float32 == .float32 else { return nil }
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let outShape = Array(shape.dropLast()) + [outFeatures]
        let rows = outShape.dropLast().reduce(1, *)
        guard shape[rank - 1] == inFeatures, inFeatures > 0, outFeatures > 0, rows >= 6,
              bias.map({ $0.shape == [outFeatures] }) ?? true, residual.map({ $0.shape == outShape }) ?? true,
              let flat = (try? view([rows, inFeatures])) ?? (try? contiguous().view([rows, inFeatures])) else { return nil }
        let denseBias = bias.map { $0.isContiguous ? $0 : $0.contiguous() }
        let denseResidual = residual.map { $0.isContiguous ? $0 : $0.contiguous() }
        let result = Tensor.uninitializedFloats(outShape)
        if let packed {
            let done = GEMM.prepackedAVX2Fused(
                m: rows, weight: packed, a: flat.floatPointer, rowStrideA: flat.strides[0], colStrideA: flat.strides[1],
                c: result.mutableFloatPointer, ldc: outFeatures,
                bias: denseBias?.floatPointer, residual: denseResidual?.floatPointer, ldr: outFeatures, activation: activation)
            if withExtendedLifetime((flat, denseBias, denseResidual), { done }) { return result }
        }
        let done = GEMM.packedAVX2Fused(
            m: rows, n: outFeatures, k: inFeatures,
            a: flat.floatPointer, rowStrideA: flat.strides[0], colStrideA: flat.strides[1],
            b: weight.floatPointer, rowStrideB: weight.strides[1], colStrideB: weight.strides[0],
            c: result.mutableFloatPointer, ldc: outFeatures,
            bias: denseBias?.floatPointer, residual: denseResidual?.floatPointer, ldr: outFeatures, activation: activation)
        return withExtendedLifetime((flat, weight, denseBias, denseResidual)) { done ? result : nil }
    }
}
