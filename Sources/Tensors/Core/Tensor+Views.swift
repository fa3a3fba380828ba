// MARK: - Views: new shape/strides/offset over the same storage, never a copy (except `reshape` when it must).

extension Tensor {
    /// Resolves a requested shape with at most one `-1` against `count`, as `view`/`reshape` do.
    func resolvedShape(_ requested: [Int], op: String) throws -> [Int] {
        let inferred = requested.indices.filter { requested[$0] == -1 }
        guard inferred.count <= 1 else { throw TensorError.invalidArgument(op: op, detail: "only one dimension can be inferred") }
        guard requested.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument(op: op, detail: "invalid shape dimension in \(shapeString(requested))")
        }
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        var shape = requested
        if let axis = inferred.first {
            guard known != 0, count % known == 0 else {
                throw TensorError.shapeMismatch(
                    op: op, detail: "shape '\(shapeString(requested))' is invalid for input of size \(count)")
            }
            shape[axis] = count / known
        }
        guard shape.reduce(1, *) == count else {
            throw TensorError.shapeMismatch(op: op, detail: "shape '\(shapeString(requested))' is invalid for input of size \(count)")
        }
        return shape
    }

    /// Strides that let the current layout be read with `newShape` without copying, if any exist
    /// (the chunk-matching algorithm of PyTorch's `computeStride`).
    func viewStrides(for newShape: [Int]) -> [Int]? {
        if isContiguous { return Tensor.contiguousStrides(for: newShape) }
        if count == 0 { return Tensor.contiguousStrides(for: newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewDim = newShape.count - 1
        var chunkBaseStride = strides.last ?? 1
        var tensorElements = 1
        var viewElements = 1
        for tensorDim in stride(from: rank - 1, through: 0, by: -1) {
            tensorElements *= shape[tensorDim]
            // At the start of a chunk, or where the layout breaks, close the chunk.
            if tensorDim == 0 || (shape[tensorDim - 1] != 1 && strides[tensorDim - 1] != tensorElements * chunkBaseStride) {
                while viewDim >= 0 && (viewElements < tensorElements || newShape[viewDim] == 1) {
                    newStrides[viewDim] = viewElements * chunkBaseStride
                    viewElements *= newShape[viewDim]
                    viewDim -= 1
                }
                if viewElements != tensorElements { return nil }
                if tensorDim > 0 {
                    chunkBaseStride = strides[tensorDim - 1]
                    tensorElements = 1
                    viewElements = 1
                }
            }
        }
        return viewDim == -1 ? newStrides : nil
    }

    /// `tensor.view(shape)`: fails when the layout cannot be viewed with that shape (use `reshape`).
    public func view(_ shape: [Int]) throws -> Tensor {
        let newShape = try resolvedShape(shape, op: "view")
        guard let newStrides = viewStrides(for: newShape) else {
            throw TensorError.invalidArgument(
                op: "view", detail: "view size is not compatible with input tensor's size and stride; use .reshape(...) instead")
        }
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset, dtype: dtype)
    }

    /// `tensor.reshape(shape)`: a view when possible, else a contiguous copy.
    public func reshape(_ shape: [Int]) throws -> Tensor {
        let newShape = try resolvedShape(shape, op: "reshape")
        if let newStrides = viewStrides(for: newShape) {
            return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset, dtype: dtype)
        }
        let dense = contiguous()
        return Tensor(storage: dense.storage, shape: newShape, strides: Tensor.contiguousStrides(for: newShape),
                      offset: dense.offset, dtype: dtype)
    }

    /// `torch.flatten(start_dim, end_dim)`.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let start = try normalizedDim(startDim, op: "flatten"), end = try normalizedDim(endDim, op: "flatten")
        guard start <= end else { throw TensorError.invalidArgument(op: "flatten", detail: "start_dim cannot come after end_dim") }
        let merged = shape[start...end].reduce(1, *)
        return try reshape(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// `tensor.permute(dims)`.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw TensorError.invalidArgument(
                op: "permute", detail: "number of dims don't match in permute (\(dims.count) given for rank \(rank))")
        }
        let normalized = try dims.map { try normalizedDim($0, op: "permute") }
        guard Set(normalized).count == rank else { throw TensorError.invalidArgument(op: "permute", detail: "repeated dim in permute") }
        return Tensor(storage: storage, shape: normalized.map { shape[$0] }, strides: normalized.map { strides[$0] },
                      offset: offset, dtype: dtype)
    }

    /// `tensor.transpose(dim0, dim1)`.
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        if rank == 0 { return self }
        let a = try normalizedDim(dim0, op: "transpose"), b = try normalizedDim(dim1, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permute(order)
    }

    /// `tensor.T`-style reversal of all dimensions (`.t()` for matrices).
    public var transposed: Tensor {
        Tensor(storage: storage, shape: shape.reversed(), strides: strides.reversed(), offset: offset, dtype: dtype)
    }

    /// `tensor.squeeze()` (every size-1 dimension) or `tensor.squeeze(dim)` (that one, if it has size 1).
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        var keep = Array(0..<rank)
        if let dim {
            let axis = try normalizedDim(dim, op: "squeeze")
            if rank > 0 && shape[axis] == 1 { keep.remove(at: axis) }
        } else {
            keep = keep.filter { shape[$0] != 1 }
        }
        return Tensor(storage: storage, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] },
                      offset: offset, dtype: dtype)
    }

    /// `tensor.unsqueeze(dim)`; `dim` may be in `-(rank+1)...rank`.
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "unsqueeze", rankOverride: rank + 1)
        var newShape = shape, newStrides = strides
        let newStride = axis < rank ? strides[axis] * shape[axis] : 1
        newShape.insert(1, at: axis)
        newStrides.insert(newStride, at: axis)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset, dtype: dtype)
    }

    /// `tensor.expand(sizes)`: broadcasts size-1 dimensions (and new leading ones) with stride 0; -1 keeps a size.
    public func expand(_ sizes: [Int]) throws -> Tensor {
        guard sizes.count >= rank else {
            throw TensorError.shapeMismatch(
                op: "expand", detail: "the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        }
        let lead = sizes.count - rank
        var newShape = [Int](repeating: 0, count: sizes.count), newStrides = [Int](repeating: 0, count: sizes.count)
        for axis in 0..<sizes.count {
            if axis < lead {
                guard sizes[axis] >= 0 else {
                    throw TensorError.invalidArgument(op: "expand", detail: "the expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension \(axis)")
                }
                newShape[axis] = sizes[axis]
                continue
            }
            let old = shape[axis - lead]
            let want = sizes[axis] == -1 ? old : sizes[axis]
            if want == old {
                newShape[axis] = old
                newStrides[axis] = strides[axis - lead]
            } else if old == 1 {
                newShape[axis] = want
            } else {
                throw TensorError.shapeMismatch(
                    op: "expand", detail: "the expanded size of the tensor (\(want)) must match the existing size (\(old)) at non-singleton dimension \(axis).  Target sizes: \(shapeString(sizes)).  Tensor sizes: \(shapeString(shape))")
            }
        }
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset, dtype: dtype)
    }

    /// The shape two operands broadcast to, with PyTorch's rules (align right; sizes equal or one of them 1).
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast") throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else {
                throw TensorError.shapeMismatch(
                    op: op, detail: "shapes \(shapeString(a)) and \(shapeString(b)) cannot be broadcast (size \(x) vs \(y) at dimension \(i))")
            }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// This tensor viewed at a broadcast shape (stride 0 along broadcast dimensions).
    public func broadcast(to target: [Int]) throws -> Tensor {
        if target == shape { return self }
        return try expand(target)
    }

    // MARK: Slicing along one dimension

    /// `tensor.narrow(dim, start, length)`.
    public func narrow(_ dim: Int, start: Int, length: Int) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "narrow")
        let size = shape[axis]
        let begin = start < 0 ? start + size : start
        guard begin >= 0, length >= 0, begin + length <= size else {
            throw TensorError.indexOutOfRange(op: "narrow", index: start + length, size: size)
        }
        var newShape = shape
        newShape[axis] = length
        return Tensor(storage: storage, shape: newShape, strides: strides, offset: offset + begin * strides[axis], dtype: dtype)
    }

    /// `tensor.select(dim, index)` — `tensor[i]` along `dim`, removing that dimension.
    public func select(_ dim: Int, _ index: Int) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "select")
        let size = shape[axis]
        let i = index < 0 ? index + size : index
        guard i >= 0 && i < size else { throw TensorError.indexOutOfRange(op: "select", index: index, size: size) }
        var newShape = shape, newStrides = strides
        newShape.remove(at: axis)
        newStrides.remove(at: axis)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + i * strides[axis], dtype: dtype)
    }

    /// `tensor[start:end:step]` along `dim`, with Python's clamping of out-of-range bounds. `step` must be positive,
    /// as in PyTorch.
    public func slice(_ dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let axis = try normalizedDim(dim, op: "slice")
        guard step > 0 else { throw TensorError.invalidArgument(op: "slice", detail: "slice step must be positive") }
        let size = shape[axis]
        func clamp(_ value: Int?, _ fallback: Int) -> Int {
            guard var v = value else { return fallback }
            if v < 0 { v += size }
            return Swift.min(Swift.max(v, 0), size)
        }
        let begin = clamp(start, 0), stop = Swift.max(clamp(end, size), begin)
        var newShape = shape, newStrides = strides
        newShape[axis] = (stop - begin + step - 1) / step
        newStrides[axis] = strides[axis] * step
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + begin * strides[axis], dtype: dtype)
    }
}
