// MARK: - Shape ops: cat, stack, split, chunk, gather, scatter, index_select, repeat, flip, roll, tril/triu,
// masked_select, nonzero. Results are fresh dense tensors except split/chunk, which return views.

extension Tensor {
    /// Copies `source` (converted to this view's dtype) into this view's elements.
    func assign(from source: Tensor) {
        var target = self
        target.copyElements(from: source.to(dtype))
    }

    /// `torch.cat(tensors, dim)`: dtypes promote; 1-D empty tensors are skipped (PyTorch's legacy rule).
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "cat", detail: "expected a non-empty list of Tensors")
        }
        let dtype = tensors.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let parts = tensors.filter { !($0.rank == 1 && $0.shape[0] == 0) }
        guard let reference = parts.first else { return Tensor.zeros([0], dtype: dtype) }
        let axis = try reference.normalizedDim(dim, op: "cat")
        guard reference.rank > 0 else {
            throw TensorError.invalidArgument(op: "cat", detail: "zero-dimensional tensor cannot be concatenated")
        }
        var total = 0
        for (i, part) in parts.enumerated() {
            guard part.rank == reference.rank else {
                throw TensorError.shapeMismatch(
                    op: "cat", detail: "Tensors must have same number of dimensions: got \(reference.rank) and \(part.rank)")
            }
            for d in 0..<part.rank where d != axis && part.shape[d] != reference.shape[d] {
                throw TensorError.shapeMismatch(
                    op: "cat", detail: "Sizes of tensors must match except in dimension \(axis). Expected size \(reference.shape[d]) but got size \(part.shape[d]) for tensor number \(i) in the list (shapes \(shapeString(reference.shape)) and \(shapeString(part.shape)))")
            }
            total += part.shape[axis]
        }
        var shape = reference.shape
        shape[axis] = total
        let out = Tensor.uninitialized(shape, dtype: dtype)
        var start = 0
        for part in parts {
            let length = part.shape[axis]
            try out.narrow(axis, start: start, length: length).assign(from: part)
            start += length
        }
        return out
    }

    /// `torch.stack(tensors, dim)`: all shapes equal; a new dim is inserted at `dim`.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "stack", detail: "expects a non-empty TensorList")
        }
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw TensorError.shapeMismatch(
                op: "stack", detail: "stack expects each tensor to be equal size, but got \(shapeString(first.shape)) at entry 0 and \(shapeString(t.shape)) at entry \(i)")
        }
        let axis = try first.normalizedDim(dim, op: "stack", rankOverride: first.rank + 1)
        return try cat(tensors.map { try $0.unsqueeze(axis) }, dim: axis)
    }

    /// `tensor.split(size, dim)`: views of `size` elements along `dim` (the last may be shorter).
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] {
        let axis = try normalizedDim(dim, op: "split")
        guard rank > 0 else { throw TensorError.invalidArgument(op: "split", detail: "expected at least a 1-dimensional tensor") }
        guard size > 0 || (size == 0 && shape[axis] == 0) else {
            throw TensorError.invalidArgument(op: "split", detail: "split_size can only be 0 if dimension size is 0, but got split_size \(size)")
        }
        let n = shape[axis]
        if n == 0 { return [self] }
        return try stride(from: 0, to: n, by: size).map { try narrow(axis, start: $0, length: Swift.min(size, n - $0)) }
    }

    /// `tensor.split([sizes], dim)`: the sizes must add up to the dim's size.
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let axis = try normalizedDim(dim, op: "split")
        guard rank > 0 else { throw TensorError.invalidArgument(op: "split", detail: "expected at least a 1-dimensional tensor") }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[axis] else {
            throw TensorError.invalidArgument(
                op: "split_with_sizes", detail: "expects split_sizes to sum exactly to \(shape[axis]) (input tensor's size at dimension \(axis)), but got split_sizes=\(shapeString(sizes))")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try narrow(axis, start: start, length: size)
        }
    }

    /// `tensor.chunk(chunks, dim)`: pieces of ceil(n / chunks) (so possibly fewer than `chunks` pieces).
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw TensorError.invalidArgument(op: "chunk", detail: "chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        let axis = try normalizedDim(dim, op: "chunk")
        guard rank > 0 else { throw TensorError.invalidArgument(op: "chunk", detail: "chunk expects at least a 1-dimensional tensor") }
        let n = shape[axis]
        let size = (n + chunks - 1) / chunks
        if size == 0 { return try (0..<chunks).map { _ in try narrow(axis, start: 0, length: 0) } }
        return try split(size, dim: axis)
    }

    // MARK: gather / scatter / index_select

    /// Checks an index tensor's dtype and returns its values as Int64 in row-major order.
    func indexValues(op: String) throws -> [Int64] {
        guard dtype == .int64 || dtype == .int32 || dtype == .uint8 else {
            throw TensorError.invalidArgument(op: op, detail: "expected an integer index tensor, got dtype \(dtype.torchName)")
        }
        return int64s()
    }

    /// Validates `gather`/`scatter` index geometry: same rank, index.size(d) ≤ size(d) for d ≠ dim.
    private func checkGatherShape(_ index: Tensor, axis: Int, op: String, other: Tensor? = nil) throws {
        guard index.rank == rank || (rank == 0 && index.rank <= 1) else {
            throw TensorError.shapeMismatch(
                op: op, detail: "Index tensor must have the same number of dimensions as input tensor (index \(shapeString(index.shape)), input \(shapeString(shape)))")
        }
        for d in 0..<index.rank where d != axis && index.shape[d] > shape[d] {
            throw TensorError.shapeMismatch(
                op: op, detail: "Size does not match at dimension \(d) expected index \(shapeString(index.shape)) to be no larger than self \(shapeString(shape)) apart from dimension \(axis)")
        }
        if let other {
            for d in 0..<index.rank where index.shape[d] > (d < other.rank ? other.shape[d] : 1) {
                throw TensorError.shapeMismatch(
                    op: op, detail: "Expected index \(shapeString(index.shape)) to be no larger than src \(shapeString(other.shape))")
            }
        }
    }

    /// Element offsets (into this tensor's storage) for every position of `index` with the `dim` coordinate
    /// replaced by the index value: the common core of gather and scatter.
    private func gatherOffsets(_ index: Tensor, axis: Int, op: String) throws -> [Int] {
        let values = try index.indexValues(op: op)
        let size = rank == 0 ? 1 : shape[axis]
        var offsets = [Int](repeating: 0, count: values.count)
        var counter = [Int](repeating: 0, count: index.rank)
        for flat in 0..<values.count {
            var i = Int(values[flat])
            if i < 0 { i += size }
            guard i >= 0 && i < size else { throw TensorError.indexOutOfRange(op: op, index: Int(values[flat]), size: size) }
            var position = offset
            for d in 0..<index.rank { position += (d == axis ? i : counter[d]) * (rank == 0 ? 0 : strides[d]) }
            offsets[flat] = position
            var d = index.rank - 1
            while d >= 0 {
                counter[d] += 1
                if counter[d] < index.shape[d] { break }
                counter[d] = 0
                d -= 1
            }
        }
        return offsets
    }

    /// `torch.gather(input, dim, index)`: `out[i][j][k] = input[i][index[i][j][k]][k]` (for dim 1).
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "gather")
        try checkGatherShape(index, axis: axis, op: "gather")
        let offsets = try gatherOffsets(index, axis: axis, op: "gather")
        let out = Tensor.uninitialized(index.shape, dtype: dtype)
        let size = dtype.itemSize
        for (flat, position) in offsets.enumerated() {
            out.storage.bytes.advanced(by: flat * size).copyMemory(from: storage.bytes.advanced(by: position * size), byteCount: size)
        }
        return out
    }

    /// `tensor.scatter(dim, index, src)` (out of place): `out[i][index[i][j]] = src[i][j]`. With duplicate indices
    /// the last write wins.
    public func scatter(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "scatter")
        guard source.rank == index.rank else {
            throw TensorError.shapeMismatch(
                op: "scatter", detail: "Index tensor must have the same number of dimensions as src tensor (index \(shapeString(index.shape)), src \(shapeString(source.shape)))")
        }
        try checkGatherShape(index, axis: axis, op: "scatter", other: source)
        let out = copy()
        let offsets = try out.gatherOffsets(index, axis: axis, op: "scatter")
        // The source elements at the index's positions (src may be larger than index).
        var sourceView = source.to(dtype)
        for d in 0..<index.rank { sourceView = try sourceView.narrow(d, start: 0, length: index.shape[d]) }
        let values = sourceView.contiguous()
        let size = dtype.itemSize
        for (flat, position) in offsets.enumerated() {
            out.storage.bytes.advanced(by: position * size).copyMemory(from: values.storage.bytes.advanced(by: (values.offset + flat) * size), byteCount: size)
        }
        return out
    }

    /// `scatter` with a scalar value.
    public func scatter(dim: Int, index: Tensor, value: Scalar) throws -> Tensor {
        try scatter(dim: dim, index: index, source: Tensor.filled(value, dtype: dtype).expand(index.shape))
    }

    /// A fresh dense copy (never shares storage with `self`).
    public func copy() -> Tensor {
        var result = Tensor.uninitialized(shape, dtype: dtype)
        result.copyElements(from: self)
        return result
    }

    /// `torch.index_select(dim, index)`: `index` is 0-d or 1-D; out-of-range entries throw.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "index_select")
        guard index.rank <= 1 else {
            throw TensorError.invalidArgument(op: "index_select", detail: "Index is supposed to be a vector, got shape \(shapeString(index.shape))")
        }
        let values = try index.indexValues(op: "index_select")
        let size = rank == 0 ? 1 : shape[axis]
        var outShape = shape
        if rank > 0 { outShape[axis] = values.count }
        let out = Tensor.uninitialized(outShape, dtype: dtype)
        let itemSize = dtype.itemSize
        // Fast path: rows of a contiguous matrix-like tensor (embedding lookups).
        let rowElements = rank == 0 ? 1 : shape[(axis + 1)...].reduce(1, *)
        let dense = axis == 0 && isContiguous
        for (k, raw) in values.enumerated() {
            var i = Int(raw)
            if i < 0 { i += size }
            guard i >= 0 && i < size else { throw TensorError.indexOutOfRange(op: "index_select", index: Int(raw), size: size) }
            if rank == 0 { out.assign(from: self); continue }
            if dense {
                out.storage.bytes.advanced(by: k * rowElements * itemSize)
                    .copyMemory(from: storage.bytes.advanced(by: (offset + i * rowElements) * itemSize), byteCount: rowElements * itemSize)
            } else {
                try out.select(axis, k).assign(from: select(axis, i))
            }
        }
        return out
    }

    // MARK: repeat / flip / roll

    /// `tensor.repeat(repeats)`: tiles the tensor; `repeats` may have more entries than the rank.
    public func `repeat`(_ repeats: [Int]) throws -> Tensor {
        guard repeats.count >= rank else {
            throw TensorError.invalidArgument(
                op: "repeat", detail: "Number of dimensions of repeat dims (\(repeats.count)) can not be smaller than number of dimensions of tensor (\(rank))")
        }
        guard repeats.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "repeat", detail: "Trying to create tensor with negative dimension in \(shapeString(repeats))")
        }
        let padded = [Int](repeating: 1, count: repeats.count - rank) + shape
        let base = try reshape(padded)
        // View as [1, s0, 1, s1, …], expand to [r0, s0, r1, s1, …], then merge pairs.
        var interleavedShape: [Int] = [], interleavedStrides: [Int] = [], expanded: [Int] = []
        for d in 0..<padded.count {
            interleavedShape += [1, padded[d]]
            interleavedStrides += [0, base.strides[d]]
            expanded += [repeats[d], padded[d]]
        }
        let view = Tensor(storage: base.storage, shape: interleavedShape, strides: interleavedStrides, offset: base.offset, dtype: dtype)
        return try view.expand(expanded).contiguous().reshape(zip(repeats, padded).map { $0 * $1 })
    }

    /// `torch.flip(dims)`: a reversed copy along each of `dims`.
    public func flip(_ dims: [Int]) throws -> Tensor {
        let axes = try reducedAxes(dims.isEmpty ? [] : dims, op: "flip")
        if dims.isEmpty { return copy() }
        var newStrides = strides, newOffset = offset
        for axis in axes where shape[axis] > 0 {
            newOffset += (shape[axis] - 1) * strides[axis]
            newStrides[axis] = -strides[axis]
        }
        // A negative-stride view used only as a copy source.
        return Tensor(storage: storage, shape: shape, strides: newStrides, offset: newOffset, dtype: dtype).copy()
    }

    /// `torch.roll(shifts, dims)`; with no dims the flattened tensor is rolled and reshaped back.
    public func roll(_ shifts: [Int], dims: [Int] = []) throws -> Tensor {
        if dims.isEmpty {
            guard shifts.count == 1 else {
                throw TensorError.invalidArgument(op: "roll", detail: "shifts and dimensions must align. shifts: \(shifts.count), dims: 0")
            }
            return try reshape([-1]).roll(shifts, dims: [0]).reshape(shape)
        }
        guard shifts.count == dims.count else {
            throw TensorError.invalidArgument(op: "roll", detail: "shifts and dimensions must align. shifts: \(shifts.count), dims: \(dims.count)")
        }
        var result = self
        for (shift, dim) in zip(shifts, dims) {
            let axis = try normalizedDim(dim, op: "roll")
            let n = result.shape[axis]
            if n == 0 { continue }
            let s = ((shift % n) + n) % n
            if s == 0 { continue }
            result = try Tensor.cat([result.narrow(axis, start: n - s, length: s), result.narrow(axis, start: 0, length: n - s)], dim: axis)
        }
        return result.copyIfShared(with: self)
    }

    /// `self` unless it still shares storage with `other`, in which case a copy (ops return fresh tensors).
    private func copyIfShared(with other: Tensor) -> Tensor { storage === other.storage ? copy() : self }

    // MARK: triangles

    /// `torch.tril(diagonal)`: keeps elements with j − i ≤ diagonal over the last two dims.
    public func tril(_ diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, lower: true) }
    /// `torch.triu(diagonal)`: keeps elements with j − i ≥ diagonal.
    public func triu(_ diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, lower: false) }

    private func triangle(_ k: Int, lower: Bool) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(op: lower ? "tril" : "triu", detail: "input tensor must have at least 2 dimensions (got shape \(shapeString(shape)))")
        }
        let out = copy()
        let rows = shape[rank - 2], cols = shape[rank - 1]
        let matrices = count / Swift.max(rows * cols, 1)
        let size = dtype.itemSize
        if rows * cols == 0 { return out }
        for m in 0..<matrices {
            for i in 0..<rows {
                let base = out.storage.bytes.advanced(by: ((m * rows + i) * cols) * size)
                // Columns to clear: tril clears j > i + k; triu clears j < i + k.
                let range = lower ? Swift.max(0, Swift.min(cols, i + k + 1))..<cols : 0..<Swift.max(0, Swift.min(cols, i + k))
                if !range.isEmpty { base.advanced(by: range.lowerBound * size).initializeMemory(as: UInt8.self, repeating: 0, count: range.count * size) }
            }
        }
        return out
    }

    // MARK: masks

    /// `torch.nonzero(tensor)`: `[n, rank]` int64 coordinates of the nonzero elements in row-major order.
    public func nonzero() -> Tensor {
        let flags = bools()
        let hits = flags.indices.filter { flags[$0] }
        var coordinates = [Int64](repeating: 0, count: hits.count * rank)
        for (row, flat) in hits.enumerated() {
            var rest = flat
            for d in stride(from: rank - 1, through: 0, by: -1) {
                coordinates[row * rank + d] = Int64(rest % shape[d])
                rest /= shape[d]
            }
        }
        return (try? Tensor(coordinates, shape: [hits.count, rank])) ?? Tensor.zeros([0, rank], dtype: .int64)
    }

    /// `torch.masked_select(mask)`: the elements where the (broadcast) bool mask is true, as a 1-D tensor.
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError.invalidArgument(op: "masked_select", detail: "expected a bool mask, got dtype \(mask.dtype.torchName)")
        }
        let shape = try Tensor.broadcastShape(self.shape, mask.shape, op: "masked_select")
        let values = try broadcast(to: shape).contiguous(), flags = try mask.broadcast(to: shape).bools()
        let hits = flags.indices.filter { flags[$0] }
        let out = Tensor.uninitialized([hits.count], dtype: dtype)
        let size = dtype.itemSize
        for (k, flat) in hits.enumerated() {
            out.storage.bytes.advanced(by: k * size).copyMemory(from: values.storage.bytes.advanced(by: (values.offset + flat) * size), byteCount: size)
        }
        return out
    }
}
