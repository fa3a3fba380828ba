import Foundation

// MARK: - Reductions along any dims (keepdim), softmax, cumulative sums
//
// Every reduction lays the input out as `outer` rows of `inner` contiguous elements — the reduced dims moved
// innermost — and runs a row kernel, in parallel over rows when the tensor is large. When the reduced dims already
// are the trailing dims of a contiguous tensor (the common case: softmax, layer statistics) no copy is made.
// Float sums accumulate 1024-element SIMD blocks in float and the blocks in Double, which keeps large sums within
// ~1e-7 relative of the exact value (PyTorch's cascade sum has the same order of error).

/// Reduced rows: `rows` is a dense `[outer, inner]` tensor, `outShape` the reduction's result shape.
struct ReductionPlan {
    let rows: Tensor
    let outer: Int
    let inner: Int
    let outShape: [Int]
}

extension Tensor {
    /// Normalizes `dims` (nil or empty = all) against the rank, rejecting duplicates.
    func reducedAxes(_ dims: [Int]?, op: String) throws -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<rank) }
        let axes = try dims.map { try normalizedDim($0, op: op) }
        if let duplicate = axes.first(where: { axis in axes.filter { $0 == axis }.count > 1 }) {
            throw TensorError.invalidArgument(op: op, detail: "dim \(duplicate) appears multiple times in the list of dims")
        }
        return rank == 0 ? [] : axes.sorted()
    }

    func reductionPlan(_ dims: [Int]?, keepdim: Bool, op: String) throws -> ReductionPlan {
        let axes = try reducedAxes(dims, op: op)
        let kept = (0..<rank).filter { !axes.contains($0) }
        let permuted = try permute(kept + axes)
        let outer = kept.map { shape[$0] }.reduce(1, *), inner = axes.map { shape[$0] }.reduce(1, *)
        let outShape = keepdim ? (0..<rank).map { axes.contains($0) ? 1 : shape[$0] } : kept.map { shape[$0] }
        let dense = permuted.contiguous()
        let rows = Tensor(storage: dense.storage, shape: [outer, inner], strides: [inner, 1], offset: dense.offset, dtype: dtype)
        return ReductionPlan(rows: rows, outer: outer, inner: inner, outShape: outShape)
    }

    /// `out[r] = f(row r)` for every row of `plan`, rows read as `T`.
    static func reduceRows<T, O>(_ plan: ReductionPlan, as _: T.Type, output: DType, _ f: (UnsafePointer<T>, Int) -> O) -> Tensor {
        let out = Tensor.uninitialized(plan.outShape, dtype: output)
        let o = out.basePointer(as: O.self), p = UnsafePointer(plan.rows.basePointer(as: T.self))
        let inner = plan.inner
        ParallelLoop.chunks(count: plan.outer, grain: Swift.max(1, ParallelLoop.grain / Swift.max(inner, 1))) { range in
            for r in range { o[r] = f(p + r * inner, inner) }
        }
        return out
    }

    /// Float rows of this reduction, or a dtype error for integer inputs where PyTorch refuses them.
    private func floatPlan(_ dims: [Int]?, keepdim: Bool, op: String) throws -> ReductionPlan {
        guard dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: op, dtype: dtype)
        }
        return try to(.float32).reductionPlan(dims, keepdim: keepdim, op: op)
    }

    /// Float result in the input's float dtype (half types round back).
    private func restoring(_ result: Tensor) -> Tensor { dtype.isFloatingPoint ? result.to(dtype) : result }

    // MARK: Sums

    @inline(__always)
    static func sumRow(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < n {
            let end = Swift.min(n, i + 1024)
            var a0 = Float16x(), a1 = Float16x()
            while i + 32 <= end {
                a0 += loadVector(p + i)
                a1 += loadVector(p + i + 16)
                i += 32
            }
            while i + 16 <= end {
                a0 += loadVector(p + i)
                i += 16
            }
            let lanes = a0 + a1
            var block = 0.0
            for lane in 0..<16 { block += Double(lanes[lane]) }
            while i < end {
                block += Double(p[i])
                i += 1
            }
            total += block
        }
        return total
    }

    /// `tensor.sum(dims, keepdim)`: integers and bool sum to int64, floats keep their dtype.
    public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        if dtype.isFloatingPoint {
            let plan = try to(.float32).reductionPlan(dims, keepdim: keepdim, op: "sum")
            return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { Float(Tensor.sumRow($0, $1)) })
        }
        let plan = try to(.int64).reductionPlan(dims, keepdim: keepdim, op: "sum")
        return Tensor.reduceRows(plan, as: Int64.self, output: .int64) { p, n in
            var s: Int64 = 0
            for i in 0..<n { s = s &+ p[i] }
            return s
        }
    }

    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepdim: keepdim) }

    /// `tensor.mean(dims, keepdim)`; floating dtypes only, as in PyTorch. An empty reduction gives NaN.
    public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let plan = try floatPlan(dims, keepdim: keepdim, op: "mean")
        return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { Float(Tensor.sumRow($0, $1) / Double($1)) })
    }

    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// `tensor.prod(dims, keepdim)`: integers and bool give int64.
    public func prod(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        if dtype.isFloatingPoint {
            let plan = try to(.float32).reductionPlan(dims, keepdim: keepdim, op: "prod")
            return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { p, n in
                var product = 1.0
                for i in 0..<n { product *= Double(p[i]) }
                return Float(product)
            })
        }
        let plan = try to(.int64).reductionPlan(dims, keepdim: keepdim, op: "prod")
        return Tensor.reduceRows(plan, as: Int64.self, output: .int64) { p, n in
            var product: Int64 = 1
            for i in 0..<n { product = product &* p[i] }
            return product
        }
    }

    /// `tensor.var(dims, correction, keepdim)` (`unbiased=True` is `correction: 1`). Divides by
    /// max(0, N − correction), so a single element with correction 1 gives NaN, as PyTorch does.
    public func variance(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        let plan = try floatPlan(dims, keepdim: keepdim, op: "var")
        return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { p, n in
            Float(Tensor.centeredSquares(p, n) / Double(Swift.max(0, n - correction)))
        })
    }

    /// `tensor.std(dims, correction, keepdim)`.
    public func std(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        let plan = try floatPlan(dims, keepdim: keepdim, op: "std")
        return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { p, n in
            Float((Tensor.centeredSquares(p, n) / Double(Swift.max(0, n - correction))).squareRoot())
        })
    }

    /// Σ (x − mean)², two passes in Double.
    static func centeredSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        if n == 0 { return .nan }
        let mean = sumRow(p, n) / Double(n)
        var total = 0.0
        for i in 0..<n {
            let d = Double(p[i]) - mean
            total += d * d
        }
        return total
    }

    /// `torch.logsumexp(dims, keepdim)`: max-shifted; an all −inf row gives −inf, an +inf gives +inf.
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        let source = dtype.isFloatingPoint ? self : to(.float32)
        let plan = try source.to(.float32).reductionPlan(dims, keepdim: keepdim, op: "logsumexp")
        return source.restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { p, n -> Float in
            var m = -Float.infinity
            for i in 0..<n where p[i] > m || p[i].isNaN { m = p[i]; if m.isNaN { break } }
            if m.isNaN { return Float.nan }
            let shift = m.isInfinite ? 0 : m
            var s = 0.0
            for i in 0..<n { s += Foundation.exp(Double(p[i] - shift)) }
            return Float(Foundation.log(s) + Double(shift))
        })
    }

    /// `torch.linalg.vector_norm`-style `tensor.norm(p, dims, keepdim)`: p = 2, 1, .infinity, -.infinity, 0 or any p.
    public func norm(p: Double = 2, dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let plan = try floatPlan(dims, keepdim: keepdim, op: "norm")
        return restoring(Tensor.reduceRows(plan, as: Float.self, output: .float32) { x, n in
            var acc = 0.0
            switch p {
            case 2:
                for i in 0..<n { acc += Double(x[i]) * Double(x[i]) }
                return Float(acc.squareRoot())
            case 1:
                for i in 0..<n { acc += Double(Swift.abs(x[i])) }
                return Float(acc)
            case .infinity:
                var m: Float = n == 0 ? 0 : -.infinity
                for i in 0..<n { let a = Swift.abs(x[i]); if a.isNaN { return .nan }; m = Swift.max(m, a) }
                return m
            case -.infinity:
                var m = Float.infinity
                for i in 0..<n { let a = Swift.abs(x[i]); if a.isNaN { return .nan }; m = Swift.min(m, a) }
                return m
            case 0:
                for i in 0..<n where x[i] != 0 { acc += 1 }
                return Float(acc)
            default:
                for i in 0..<n { acc += Foundation.pow(Double(Swift.abs(x[i])), p) }
                return Float(Foundation.pow(acc, 1 / p))
            }
        })
    }

    // MARK: Boolean reductions

    /// `tensor.all(dims)` / `tensor.any(dims)` → bool.
    public func all(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let plan = try to(.bool).reductionPlan(dims, keepdim: keepdim, op: "all")
        return Tensor.reduceRows(plan, as: Bool.self, output: .bool) { p, n in !(0..<n).contains { !p[$0] } }
    }

    public func any(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let plan = try to(.bool).reductionPlan(dims, keepdim: keepdim, op: "any")
        return Tensor.reduceRows(plan, as: Bool.self, output: .bool) { p, n in (0..<n).contains { p[$0] } }
    }

    // MARK: max / min / argmax / argmin

    /// Index of the first maximum (or minimum) of a row; a NaN counts as the extreme, the first NaN wins.
    @inline(__always)
    static func extremeIndex<T: Comparable>(_ p: UnsafePointer<T>, _ n: Int, largest: Bool, isNaN: (T) -> Bool) -> Int64 {
        var best = 0
        if isNaN(p[0]) { return 0 }
        for i in 1..<n {
            let v = p[i]
            if isNaN(v) { return Int64(i) }
            if largest ? v > p[best] : v < p[best] { best = i }
        }
        return Int64(best)
    }

    private func extremeIndices(_ dims: [Int]?, keepdim: Bool, largest: Bool, op: String) throws -> (plan: ReductionPlan, indices: Tensor) {
        let source: Tensor = dtype.isFloatingPoint ? to(.float32) : to(.int64)
        let plan = try source.reductionPlan(dims, keepdim: keepdim, op: op)
        guard plan.inner > 0 else {
            throw TensorError.invalidArgument(
                op: op, detail: "Expected reduction dim to have non-zero size (input shape \(shapeString(shape)))")
        }
        let indices = source.dtype == .float32
            ? Tensor.reduceRows(plan, as: Float.self, output: .int64) { Tensor.extremeIndex($0, $1, largest: largest, isNaN: { $0.isNaN }) }
            : Tensor.reduceRows(plan, as: Int64.self, output: .int64) { Tensor.extremeIndex($0, $1, largest: largest, isNaN: { _ in false }) }
        return (plan, indices)
    }

    /// Reads row r's element `indices[r]` back out of the plan, in this tensor's dtype.
    private func valuesAt(_ plan: ReductionPlan, _ indices: Tensor) -> Tensor {
        let out = Tensor.uninitialized(indices.shape, dtype: plan.rows.dtype)
        let size = plan.rows.dtype.itemSize
        let idx = indices.basePointer(as: Int64.self)
        let src = plan.rows.storage.bytes.advanced(by: plan.rows.offset * size)
        for r in 0..<plan.outer {
            out.storage.bytes.advanced(by: r * size).copyMemory(from: src.advanced(by: (r * plan.inner + Int(idx[r])) * size), byteCount: size)
        }
        return out.to(dtype)
    }

    /// `torch.max(tensor, dim, keepdim)` → (values, indices). (Not named `max`: a `max` member on `Tensor` would
    /// shadow `Swift.max` inside every `extension Tensor` of the module.)
    public func maxWithIndices(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (plan, indices) = try extremeIndices([dim], keepdim: keepdim, largest: true, op: "max")
        return (valuesAt(plan, indices), indices)
    }

    /// `torch.min(tensor, dim, keepdim)` → (values, indices).
    public func minWithIndices(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (plan, indices) = try extremeIndices([dim], keepdim: keepdim, largest: false, op: "min")
        return (valuesAt(plan, indices), indices)
    }

    /// `torch.amax(dims, keepdim)` / `torch.amin`; `dims: nil` is `torch.max(tensor)`, the largest element as a
    /// 0-d tensor (NaN if any element is NaN).
    public func amax(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let (plan, indices) = try extremeIndices(dims, keepdim: keepdim, largest: true, op: "amax")
        return valuesAt(plan, indices)
    }

    public func amin(dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        let (plan, indices) = try extremeIndices(dims, keepdim: keepdim, largest: false, op: "amin")
        return valuesAt(plan, indices)
    }

    /// `torch.argmax(dim, keepdim)`; `dim: nil` is over the flattened tensor (first occurrence of the maximum).
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        if let dim { return try extremeIndices([dim], keepdim: keepdim, largest: true, op: "argmax").indices }
        let flat = try reshape([-1]).extremeIndices(nil, keepdim: false, largest: true, op: "argmax").indices
        return keepdim ? try flat.reshape([Int](repeating: 1, count: rank)) : flat
    }

    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        if let dim { return try extremeIndices([dim], keepdim: keepdim, largest: false, op: "argmin").indices }
        let flat = try reshape([-1]).extremeIndices(nil, keepdim: false, largest: false, op: "argmin").indices
        return keepdim ? try flat.reshape([Int](repeating: 1, count: rank)) : flat
    }
}
