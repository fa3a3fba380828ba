// MARK: - sort, argsort, topk
//
// Sorting is stable: equal values keep their original order, in both directions (PyTorch's CPU sort is stable).
// NaN sorts as the largest value (last ascending, first descending), as in PyTorch. `topk` returns its k results in
// sorted order with the same tie rule (lower index first) — PyTorch leaves the order of tied elements in topk
// unspecified, so parity tests use inputs without ties.

extension Tensor {
    /// Stable order of one row, by a key that treats NaN as larger than everything.
    static func sortedOrder<T: Comparable>(_ row: UnsafePointer<T>, _ n: Int, descending: Bool, isNaN: (T) -> Bool) -> [Int] {
        var order = Array(0..<n)
        order.sort { i, j in
            let a = row[i], b = row[j]
            let nanA = isNaN(a), nanB = isNaN(b)
            if nanA || nanB {
                if nanA && nanB { return i < j }
                return descending ? nanA : nanB
            }
            if a == b { return i < j }
            return descending ? a > b : a < b
        }
        return order
    }

    /// Row-wise sort keeping the first `k` entries of each row (k = n for a full sort).
    private func sortRows(dim: Int, descending: Bool, k: Int?, op: String) throws -> (values: Tensor, indices: Tensor) {
        let source: Tensor = dtype.isFloatingPoint ? to(.float32) : to(.int64)
        let layout = try source.rowLayout(dim, op: op)
        let m = k ?? layout.n
        guard m >= 0 && m <= layout.n else {
            throw TensorError.invalidArgument(op: op, detail: "selected index k (\(m)) out of range for dimension of size \(layout.n)")
        }
        let indices: Tensor
        if source.dtype == .float32 {
            indices = Tensor.mapRows(layout, as: Float.self, output: .int64, length: m) { x, o, n in
                let order = Tensor.sortedOrder(x, n, descending: descending, isNaN: { $0.isNaN })
                for i in 0..<m { o[i] = Int64(order[i]) }
            }
        } else {
            indices = Tensor.mapRows(layout, as: Int64.self, output: .int64, length: m) { x, o, n in
                let order = Tensor.sortedOrder(x, n, descending: descending, isNaN: { _ in false })
                for i in 0..<m { o[i] = Int64(order[i]) }
            }
        }
        // Gather the values through the indices, row by row.
        let values = Tensor.uninitialized([layout.outer, m], dtype: source.dtype)
        let size = source.dtype.itemSize
        let src = layout.rows.storage.bytes.advanced(by: layout.rows.offset * size)
        let idx = indices.basePointer(as: Int64.self)
        for r in 0..<layout.outer {
            for i in 0..<m {
                values.storage.bytes.advanced(by: (r * m + i) * size)
                    .copyMemory(from: src.advanced(by: (r * layout.n + Int(idx[r * m + i])) * size), byteCount: size)
            }
        }
        return (try layout.restore(values, length: m).to(dtype), try layout.restore(indices, length: m))
    }

    /// `torch.sort(dim, descending, stable=True)` → (values, indices).
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try sortRows(dim: dim, descending: descending, k: nil, op: "sort")
    }

    /// `torch.argsort(dim, descending, stable=True)`.
    public func argsort(dim: Int = -1, descending: Bool = false) throws -> Tensor {
        try sortRows(dim: dim, descending: descending, k: nil, op: "argsort").indices
    }

    /// `torch.topk(k, dim, largest, sorted=True)` → (values, indices).
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        try sortRows(dim: dim, descending: largest, k: k, op: "topk")
    }
}
