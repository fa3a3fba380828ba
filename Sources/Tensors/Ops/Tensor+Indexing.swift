// MARK: - Basic and advanced indexing: `x[0, -1, :]`, `x[..., None]`, `x[mask]`, `x[idx]`, and assignment
//
// Semantics follow PyTorch (which follows NumPy with one difference): integers and slices are applied first as
// views (`select`/`slice`), then the remaining tensor indices are *advanced* indices: their shapes broadcast
// together, and the broadcast dims replace the indexed dims in place when all advanced indices are adjacent,
// or go first when they are separated by a slice. Integers never count as advanced indices (PyTorch applies them
// as `select`; NumPy would treat `x[0, :, idx]` as separated). A bool mask indexes like its `nonzero()`
// coordinates, one integer index per mask dim.

/// One entry of a subscript.
public enum TensorIndex: Sendable {
    /// `x[i]` (negative counts from the end).
    case index(Int)
    /// `x[start:end:step]`; nil bounds are open; `step` must be positive.
    case slice(start: Int?, end: Int?, step: Int)
    /// `None`: a new size-1 axis.
    case newAxis
    /// `...`: as many full slices as needed.
    case ellipsis
    /// An integer tensor (gathers along the dim) or a bool mask (selects where true).
    case tensor(Tensor)

    /// `:`.
    public static let all = TensorIndex.slice(start: nil, end: nil, step: 1)

    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        .slice(start: start, end: end, step: step)
    }
}

/// The result of applying the basic part of an index: a view plus the advanced indices still to apply.
private struct IndexPlan {
    var view: Tensor
    /// (dim of `view`, int64 index tensor) in order of appearance.
    var advanced: [(dim: Int, index: Tensor)] = []
}

extension Tensor {
    /// `tensor[indices]`: a view when only ints, slices, None and ellipsis are used, else a fresh tensor.
    public func index(_ indices: [TensorIndex]) throws -> Tensor {
        let plan = try indexPlan(indices)
        guard !plan.advanced.isEmpty else { return plan.view }
        let geometry = try AdvancedGeometry(plan)
        let out = Tensor.uninitialized(geometry.gatheredShape, dtype: dtype)
        geometry.forEachBlock(plan.view) { block, source in
            // Copy the `rest` block at `source` into row `block` of `out`.
            geometry.copy(from: plan.view.storage, at: source, to: out.storage.bytes, row: block, itemSize: dtype.itemSize, toStorage: true)
        }
        return try geometry.arranged(out)
    }

    /// `tensor[i, j, ...]` for literal indices; throws like `index(_:)`.
    public subscript(_ indices: TensorIndex...) -> Tensor {
        get throws { try index(indices) }
    }

    /// `tensor[indices] = value`: writes through to this tensor's storage (and so to every view sharing it), as
    /// PyTorch's in-place `__setitem__` does. `value` must broadcast to the indexed shape; it is converted to this
    /// tensor's dtype. With repeated advanced indices the last write wins.
    public func indexPut(_ indices: [TensorIndex], _ value: Tensor) throws {
        try checkWritable(op: "index_put")
        let plan = try indexPlan(indices)
        let source = value.to(dtype)
        if plan.advanced.isEmpty {
            let target = plan.view
            guard let expanded = try? source.broadcast(to: target.shape) else {
                throw TensorError.shapeMismatch(
                    op: "index_put", detail: "shape mismatch: value tensor of shape \(shapeString(value.shape)) cannot be broadcast to indexing result of shape \(shapeString(target.shape))")
            }
            // Copy via a dense temporary: `value` may alias the target.
            target.assign(from: expanded.copy())
            return
        }
        let geometry = try AdvancedGeometry(plan)
        guard let expanded = try? source.broadcast(to: geometry.resultShape) else {
            throw TensorError.shapeMismatch(
                op: "index_put", detail: "shape mismatch: value tensor of shape \(shapeString(value.shape)) cannot be broadcast to indexing result of shape \(shapeString(geometry.resultShape))")
        }
        let gathered = try geometry.gatheredOrder(expanded).copy()
        geometry.forEachBlock(plan.view) { block, target in
            geometry.copy(from: gathered.storage, at: target, to: storage.bytes, row: block, itemSize: dtype.itemSize, toStorage: false)
        }
    }

    /// `tensor[indices] = scalar`.
    public func indexPut(_ indices: [TensorIndex], _ value: Scalar) throws {
        try indexPut(indices, Tensor.filled(value, dtype: dtype))
    }

    /// `tensor[mask] = value` as `masked_fill_`: in place.
    public func maskedFillInPlace(_ mask: Tensor, _ value: Scalar) throws {
        try indexPut([.tensor(mask)], value)
    }

    /// Throws instead of faulting when the storage is a read-only file mapping.
    func checkWritable(op: String) throws {
        if let mapping = storage.owner as? MappedFile, !mapping.isWritable {
            throw TensorError.invalidArgument(
                op: op, detail: "tensor memory is a read-only file mapping (\(mapping.path)); write to a copy (`.copy()`) instead")
        }
    }

    // MARK: Basic part

    private func indexPlan(_ indices: [TensorIndex]) throws -> IndexPlan {
        var consumed = 0, ellipses = 0
        for entry in indices {
            switch entry {
            case .index, .slice: consumed += 1
            case .newAxis: break
            case .ellipsis: ellipses += 1
            case .tensor(let t): consumed += t.dtype == .bool ? t.rank : 1
            }
        }
        guard ellipses <= 1 else { throw TensorError.invalidArgument(op: "index", detail: "an index can only have a single ellipsis ('...')") }
        guard consumed <= rank else {
            throw TensorError.invalidArgument(
                op: "index", detail: "too many indices for tensor of dimension \(rank) (got \(consumed) for shape \(shapeString(shape)))")
        }
        var plan = IndexPlan(view: self)
        var dim = 0
        for (position, entry) in indices.enumerated() {
            switch entry {
            case .index(let i):
                let size = plan.view.shape[dim]
                guard i >= -size && i < size else {
                    throw TensorError.indexOutOfRange(op: "index", index: i, size: size)
                }
                plan.view = try plan.view.select(dim, i)
                // Advanced indices recorded after this dim shift down by one.
            case .slice(let start, let end, let step):
                guard step > 0 else { throw TensorError.invalidArgument(op: "index", detail: "step must be greater than zero (got \(step))") }
                plan.view = try plan.view.slice(dim, start: start, end: end, step: step)
                dim += 1
            case .newAxis:
                plan.view = try plan.view.unsqueeze(dim)
                dim += 1
            case .ellipsis:
                dim += rank - consumed
            case .tensor(let t) where t.dtype == .bool:
                if t.rank == 0 {
                    plan.view = try plan.view.unsqueeze(dim)
                    plan.advanced.append((dim, Tensor.zeros([t.bools()[0] ? 1 : 0], dtype: .int64)))
                    dim += 1
                    continue
                }
                let covered = Array(plan.view.shape[dim..<(dim + t.rank)])
                guard covered == t.shape else {
                    throw TensorError.shapeMismatch(
                        op: "index", detail: "The shape of the mask \(shapeString(t.shape)) at index \(position) does not match the shape of the indexed tensor \(shapeString(covered)) at index \(dim)")
                }
                let coordinates = t.nonzero()
                for k in 0..<t.rank { plan.advanced.append((dim + k, try coordinates.select(1, k).contiguous())) }
                dim += t.rank
            case .tensor(let t):
                guard t.dtype == .int64 || t.dtype == .int32 || t.dtype == .uint8 else {
                    throw TensorError.invalidArgument(
                        op: "index", detail: "tensors used as indices must be long, int, byte or bool tensors (got \(t.dtype.torchName))")
                }
                plan.advanced.append((dim, t.to(.int64)))
                dim += 1
            }
        }
        return plan
    }
}

// MARK: - Advanced part

/// Where the advanced indices of a plan read from, and how the gathered blocks are arranged in the result.
private struct AdvancedGeometry {
    let broadcastShape: [Int]
    let restShape: [Int]
    let restStrides: [Int]
    /// Flat element offsets (in the view's storage) of each broadcast position, before the view offset.
    let sourceOffsets: [Int]
    /// The result moves the broadcast dims to `insertAt` (adjacent advanced indices), else keeps them first.
    let insertAt: Int
    let restRuns: StridedRuns
    var gatheredShape: [Int] { broadcastShape + restShape }
    var resultShape: [Int] {
        Array(restShape[..<insertAt]) + broadcastShape + Array(restShape[insertAt...])
    }

    init(_ plan: IndexPlan) throws {
        let view = plan.view
        var shape: [Int] = []
        for (_, index) in plan.advanced { shape = try Tensor.broadcastShape(shape, index.shape, op: "index") }
        broadcastShape = shape
        let dims = plan.advanced.map(\.dim)
        let rest = (0..<view.rank).filter { !dims.contains($0) }
        restShape = rest.map { view.shape[$0] }
        restStrides = rest.map { view.strides[$0] }
        let adjacent = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
        insertAt = adjacent ? rest.filter { $0 < dims[0] }.count : 0
        let positions = shape.reduce(1, *)
        var offsets = [Int](repeating: view.offset, count: positions)
        for (dim, index) in plan.advanced {
            let values = try index.broadcast(to: shape).int64s()
            let size = view.shape[dim]
            for p in 0..<positions {
                var i = Int(values[p])
                if i < 0 { i += size }
                guard i >= 0 && i < size else {
                    throw TensorError.indexOutOfRange(op: "index", index: Int(values[p]), size: size)
                }
                offsets[p] += i * view.strides[dim]
            }
        }
        sourceOffsets = offsets
        restRuns = StridedRuns(shape: restShape, strides: [Tensor.contiguousStrides(for: restShape), restStrides])
    }

    func forEachBlock(_ view: Tensor, _ body: (Int, Int) -> Void) {
        for (block, offset) in sourceOffsets.enumerated() { body(block, offset) }
    }

    /// Copies one rest-shaped block between the strided view (at element `offset`) and dense row `row`.
    /// `toStorage` true: view → dense `destination`; false: dense `source` → view inside `destination`.
    func copy(from source: TensorStorage, at offset: Int, to destination: UnsafeMutableRawPointer, row: Int, itemSize: Int, toStorage: Bool) {
        let restCount = restShape.reduce(1, *)
        if restCount == 0 { return }
        let length = restRuns.runLength, denseStride = restRuns.runStride(0), viewStride = restRuns.runStride(1)
        let rowBase = row * restCount
        restRuns.forEachRun { _, offsets in
            let dense = rowBase + offsets[0], strided = offset + offsets[1]
            if denseStride == 1 && viewStride == 1 {
                let (to, from) = toStorage ? (dense, strided) : (strided, dense)
                destination.advanced(by: to * itemSize).copyMemory(from: source.bytes.advanced(by: from * itemSize), byteCount: length * itemSize)
                return
            }
            for i in 0..<length {
                let dense = rowBase + offsets[0] + i * denseStride
                let strided = offset + offsets[1] + i * viewStride
                if toStorage {
                    destination.advanced(by: dense * itemSize).copyMemory(from: source.bytes.advanced(by: strided * itemSize), byteCount: itemSize)
                } else {
                    destination.advanced(by: strided * itemSize).copyMemory(
                        from: source.bytes.advanced(by: dense * itemSize), byteCount: itemSize)
                }
            }
        }
    }

    /// The gathered `[broadcast…, rest…]` tensor in result order.
    func arranged(_ gathered: Tensor) throws -> Tensor {
        if insertAt == 0 { return gathered }
        let b = broadcastShape.count
        let order = Array(b..<(b + insertAt)) + Array(0..<b) + Array((b + insertAt)..<(b + restShape.count))
        return try gathered.permute(order).contiguous()
    }

    /// A result-shaped tensor (the value of an assignment) viewed in gathered order.
    func gatheredOrder(_ result: Tensor) throws -> Tensor {
        if insertAt == 0 { return result }
        let b = broadcastShape.count
        let order = Array(insertAt..<(insertAt + b)) + Array(0..<insertAt) + Array((insertAt + b)..<(b + restShape.count))
        return try result.permute(order)
    }
}
