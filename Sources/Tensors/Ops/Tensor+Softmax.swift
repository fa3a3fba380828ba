import CKernels
import Foundation

// MARK: - Ops along one dim: softmax, log_softmax, cumsum, cumprod
//
// These work on rows: the dim is moved innermost (free when it already is, the usual case), rows are processed
// in parallel, and the result is moved back.

/// One dim moved innermost: `rows` is a dense `[outer, n]` tensor; `restore` turns a dense `[outer, m]` result
/// back into the original dim order (with that dim now of size m).
struct RowLayout {
    let rows: Tensor
    let outer: Int
    let n: Int
    let permutedShape: [Int]
    let order: [Int]
    let axis: Int

    func restore(_ result: Tensor, length m: Int) throws -> Tensor {
        var shape = permutedShape
        if !shape.isEmpty { shape[shape.count - 1] = m }
        let permuted = try result.reshape(shape)
        var inverse = [Int](repeating: 0, count: order.count)
        for (position, axis) in order.enumerated() { inverse[axis] = position }
        return try permuted.permute(inverse).contiguous()
    }
}

extension Tensor {
    func rowLayout(_ dim: Int, op: String) throws -> RowLayout {
        let axis = try normalizedDim(dim, op: op)
        if rank == 0 {
            return RowLayout(rows: try reshape([1, 1]), outer: 1, n: 1, permutedShape: [], order: [], axis: 0)
        }
        let order = (0..<rank).filter { $0 != axis } + [axis]
        let permuted = try permute(order)
        let n = shape[axis], outer = count / Swift.max(n, 1)
        let dense = permuted.contiguous()
        let rows = Tensor(storage: dense.storage, shape: [n == 0 ? 0 : outer, n], strides: [n, 1], offset: dense.offset, dtype: dtype)
        return RowLayout(rows: rows, outer: n == 0 ? 0 : outer, n: n, permutedShape: permuted.shape, order: order, axis: axis)
    }

    /// Runs `body(input row, output row, n)` over every row, in parallel when large; returns the dense `[outer, n]` output.
    static func mapRows<T, O>(_ layout: RowLayout, as _: T.Type, output: DType, length m: Int? = nil,
                              _ body: (UnsafePointer<T>, UnsafeMutablePointer<O>, Int) -> Void) -> Tensor {
        let width = m ?? layout.n
        let out = Tensor.uninitialized([layout.outer, width], dtype: output)
        let p = UnsafePointer(layout.rows.basePointer(as: T.self)), o = out.basePointer(as: O.self)
        let n = layout.n
        ParallelLoop.chunks(count: layout.outer, grain: Swift.max(1, ParallelLoop.grain / Swift.max(n, 1))) { range in
            for r in range { body(p + r * n, o + r * width, n) }
        }
        return out
    }

    // MARK: softmax

    /// Row maximum, sixteen lanes at a time.
    @inline(__always)
    static func rowMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var m = -Float.infinity
        if n >= 16 {
            var v = loadVector(x)
            i = 16
            while i + 16 <= n {
                let w = loadVector(x + i)
                v = v.replacing(with: w, where: w .> v)
                i += 16
            }
            m = v.max()
        }
        while i < n {
            if x[i] > m { m = x[i] }
            i += 1
        }
        return m
    }

    /// Σ exp(x − shift), optionally storing each exp into `out`.
    @inline(__always)
    static func expSum(_ x: UnsafePointer<Float>, _ n: Int, shift: Float, store out: UnsafeMutablePointer<Float>?) -> Float {
        var acc = Float16x()
        let s = Float16x(repeating: shift)
        var i = 0
        while i + 16 <= n {
            let e = VectorMath.exp(loadVector(x + i) - s)
            if let out { storeVector(e, out + i) }
            acc += e
            i += 16
        }
        var total = acc.sum()
        while i < n {
            let e = Foundation.exp(x[i] - shift)
            out?[i] = e
            total += e
            i += 1
        }
        return total
    }

    static func softmaxRow(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        if NativeKernels.isEnabled {
            let m = sfk_row_max_avx2(x, n)
            let total = sfk_exp_shifted_sum_avx2(x, m, out, n)
            sfk_scale_avx2(out, 1 / total, n)
            if m.isNaN || total.isNaN { out.update(repeating: .nan, count: n) }
            return
        }
        softmaxRowPortable(x, out, n)
    }

    /// `softmaxRow` in Swift SIMD: the kernel on CPUs without AVX2, and the reference the C kernel is tested against.
    static func softmaxRowPortable(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        let m = rowMax(x, n)
        let total = expSum(x, n, shift: m, store: out)
        let scale = Float16x(repeating: 1 / total)
        var i = 0
        while i + 16 <= n {
            storeVector(loadVector(out + i) * scale, out + i)
            i += 16
        }
        while i < n {
            out[i] *= scale[0]
            i += 1
        }
        // A NaN anywhere poisons the whole row, as in PyTorch (the max scan skips NaN).
        if m.isNaN || total.isNaN { for j in 0..<n { out[j] = .nan } }
    }

    static func logSoftmaxRow(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        let m = NativeKernels.isEnabled ? sfk_row_max_avx2(x, n) : rowMax(x, n)
        let total = NativeKernels.isEnabled ? sfk_exp_shifted_sum_avx2(x, m, nil, n) : expSum(x, n, shift: m, store: nil)
        let shift = m + Foundation.log(total)
        let s = Float16x(repeating: shift)
        var i = 0
        while i + 16 <= n {
            storeVector(loadVector(x + i) - s, out + i)
            i += 16
        }
        while i < n {
            out[i] = x[i] - shift
            i += 1
        }
    }

    /// `torch.softmax(dim)`, numerically stable (max-shifted); float dtypes only.
    public func softmax(dim: Int) throws -> Tensor {
        try rowwiseFloat(dim, op: "softmax", Tensor.softmaxRow)
    }

    /// `torch.log_softmax(dim)`.
    public func logSoftmax(dim: Int) throws -> Tensor {
        try rowwiseFloat(dim, op: "log_softmax", Tensor.logSoftmaxRow)
    }

    private func rowwiseFloat(_ dim: Int, op: String,
                              _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: op, dtype: dtype) }
        let layout = try to(.float32).rowLayout(dim, op: op)
        let out = Tensor.mapRows(layout, as: Float.self, output: .float32, kernel)
        return try layout.restore(out, length: layout.n).to(dtype)
    }

    // MARK: cumulative ops

    /// `torch.cumsum(dim)`: accumulates in Double for floats (as PyTorch's CPU kernel does); integers give int64.
    public func cumsum(dim: Int) throws -> Tensor {
        if dtype.isFloatingPoint {
            let layout = try to(.float32).rowLayout(dim, op: "cumsum")
            let out = Tensor.mapRows(layout, as: Float.self, output: .float32) { x, o, n in
                var acc = 0.0
                for i in 0..<n { acc += Double(x[i]); o[i] = Float(acc) }
            }
            return try layout.restore(out, length: layout.n).to(dtype)
        }
        let layout = try to(.int64).rowLayout(dim, op: "cumsum")
        let out = Tensor.mapRows(layout, as: Int64.self, output: .int64) { x, o, n in
            var acc: Int64 = 0
            for i in 0..<n { acc = acc &+ x[i]; o[i] = acc }
        }
        return try layout.restore(out, length: layout.n)
    }

    /// `torch.cumprod(dim)`.
    public func cumprod(dim: Int) throws -> Tensor {
        if dtype.isFloatingPoint {
            let layout = try to(.float32).rowLayout(dim, op: "cumprod")
            let out = Tensor.mapRows(layout, as: Float.self, output: .float32) { x, o, n in
                var acc = 1.0
                for i in 0..<n { acc *= Double(x[i]); o[i] = Float(acc) }
            }
            return try layout.restore(out, length: layout.n).to(dtype)
        }
        let layout = try to(.int64).rowLayout(dim, op: "cumprod")
        let out = Tensor.mapRows(layout, as: Int64.self, output: .int64) { x, o, n in
            var acc: Int64 = 1
            for i in 0..<n { acc = acc &* x[i]; o[i] = acc }
        }
        return try layout.restore(out, length: layout.n)
    }
}
