// matmul, linear, bmm, baddbmm — all through GEMM, with views passed by strides instead of copied.

extension Tensor {
    // MARK: matmul

    /// `torch.matmul`: 1-D·1-D is a dot product, 2-D·2-D a matrix product, a 1-D operand gains (and
    /// then loses) a unit dimension, and leading batch dimensions broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let op = "matmul"
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "both arguments need at least 1 dimension, got \(shapeString(shape)) × \(shapeString(other.shape))")
        }
        let a = try floatOperand(op), b = try other.floatOperand(op)
        let left = rank == 1 ? try a.unsqueeze(0) : a
        let right = other.rank == 1 ? try b.unsqueeze(1) : b
        let k = left.shape[left.rank - 1]
        guard right.shape[right.rank - 2] == k else {
            throw TensorError.shapeMismatch(
                op: op, detail: "\(shapeString(shape)) × \(shapeString(other.shape)) — inner dimensions \(k) and \(right.shape[right.rank - 2]) differ")
        }
        let batchA = Array(left.shape.dropLast(2)), batchB = Array(right.shape.dropLast(2))
        let batch = try Tensor.broadcastShape(batchA, batchB, op: op)
        let m = left.shape[left.rank - 2], n = right.shape[right.rank - 1]
        var result = try Tensor.batchedProduct(left, right, batch: batch, m: m, n: n, k: k)
        // Drop the unit dimensions a 1-D operand was given.
        var outShape = batch
        if rank > 1 { outShape.append(m) }
        if other.rank > 1 { outShape.append(n) }
        if outShape != result.shape { result = try result.reshape(outShape) }
        return result
    }

    /// `torch.mm`: strictly 2-D × 2-D.
    public func mm(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2 else {
            throw TensorError.shapeMismatch(op: "mm", detail: "expected 2-D tensors, got \(shapeString(shape)) × \(shapeString(other.shape))")
        }
        return try matmul(other)
    }

    /// `torch.bmm`: [b, n, m] × [b, m, p] → [b, n, p], no broadcasting.
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard rank == 3, other.rank == 3 else {
            throw TensorError.shapeMismatch(op: "bmm", detail: "expected 3-D tensors, got \(shapeString(shape)) × \(shapeString(other.shape))")
        }
        guard shape[0] == other.shape[0] else {
            throw TensorError.shapeMismatch(
                op: "bmm", detail: "\(shapeString(shape)) × \(shapeString(other.shape)) — batch sizes \(shape[0]) and \(other.shape[0]) differ")
        }
        guard shape[2] == other.shape[1] else {
            throw TensorError.shapeMismatch(
                op: "bmm", detail: "\(shapeString(shape)) × \(shapeString(other.shape)) — inner dimensions \(shape[2]) and \(other.shape[1]) differ")
        }
        return try Tensor.batchedProduct(floatOperand("bmm"), other.floatOperand("bmm"), batch: [shape[0]],
                                         m: shape[1], n: other.shape[2], k: shape[2])
    }

    /// `torch.baddbmm(self, batch1, batch2, beta=, alpha=)`: `beta · self + alpha · batch1 @ batch2`,
    /// `self` broadcast to the product's shape. With beta 0, `self` is ignored (NaNs included), as in PyTorch.
    public func baddbmm(_ batch1: Tensor, _ batch2: Tensor, beta: Float = 1, alpha: Float = 1) throws -> Tensor {
        let op = "baddbmm"
        guard batch1.rank == 3, batch2.rank == 3, batch1.shape[0] == batch2.shape[0], batch1.shape[2] == batch2.shape[1] else {
            throw TensorError.shapeMismatch(
                op: op, detail: "batch1 \(shapeString(batch1.shape)) and batch2 \(shapeString(batch2.shape)) must be [b, n, m] and [b, m, p]")
        }
        let outShape = [batch1.shape[0], batch1.shape[1], batch2.shape[2]]
        let broadcastOK = (try? Tensor.broadcastShape(shape, outShape)) == outShape
        guard broadcastOK else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(shape)) cannot be broadcast to the product's shape \(shapeString(outShape))")
        }
        let initial: Tensor? = beta == 0 ? nil : try floatOperand(op).broadcast(to: outShape)
        return try Tensor.batchedProduct(
            batch1.floatOperand(op), batch2.floatOperand(op), batch: [outShape[0]], m: outShape[1], n: outShape[2],
            k: batch1.shape[2], alpha: alpha, initial: initial, beta: beta)
    }

    // MARK: linear

    /// `torch.nn.functional.linear`: `x · Wᵀ + b` with weight [out, in] and bias [out]; x is [..., in].
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let op = "linear"
        guard weight.rank == 2 || weight.rank == 1, rank >= 1 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(shapeString(shape)), weight \(shapeString(weight.shape)): weight must be [out, in]")
        }
        let inFeatures = weight.shape[weight.rank - 1]
        guard shape[rank - 1] == inFeatures else {
            throw TensorError.shapeMismatch(
                op: op, detail: "input \(shapeString(shape)) × weight \(shapeString(weight.shape))ᵀ — in_features \(shape[rank - 1]) and \(inFeatures) differ")
        }
        if weight.rank == 1 {
            var result = try matmul(weight)
            if let bias { result = try Tensor.addBroadcast(result, bias.floatOperand(op), op: op) }
            return result
        }
        let outFeatures = weight.shape[0]
        let outShape = Array(shape.dropLast()) + [outFeatures]
        var initial: Tensor? = nil
        if let bias {
            let biasOK = (try? Tensor.broadcastShape(bias.shape, outShape)) == outShape
            guard biasOK else {
                throw TensorError.shapeMismatch(op: op, detail: "bias \(shapeString(bias.shape)) does not broadcast to output \(shapeString(outShape))")
            }
            initial = try bias.floatOperand(op).broadcast(to: outShape)
        }
        // Fold all leading dimensions into the rows of one GEMM (x as [rows, in]) when the layout allows.
        let x = try floatOperand(op)
        let rows = outShape.dropLast().reduce(1, *)
        let flat = (try? x.view([rows, inFeatures])) ?? x.contiguous().reshapedDense([rows, inFeatures])
        let product = try Tensor.batchedProduct(
            flat, weight.floatOperand(op).transposed, batch: [], m: rows, n: outFeatures, k: inFeatures,
            initial: try initial?.reshape([rows, outFeatures]), beta: 1)
        return try product.reshape(outShape)
    }

    /// A dense tensor viewed with a new shape of the same element count (internal; the count is known to match).
    func reshapedDense(_ newShape: [Int]) -> Tensor {
        Tensor(storage: storage, shape: newShape, strides: Tensor.contiguousStrides(for: newShape), offset: offset, dtype: dtype)
    }

    // MARK: Batched product kernel

    /// `alpha · A[b] · B[b] (+ beta · initial[b])` for every index b of the broadcast `batch` shape.
    /// `a` is [..., m, k] and `b` is [..., k, n] with batch dims broadcastable to `batch`; any strides.
    static func batchedProduct(
        _ a: Tensor, _ b: Tensor, batch: [Int], m: Int, n: Int, k: Int,
        alpha: Float = 1, initial: Tensor? = nil, beta: Float = 0
    ) throws -> Tensor {
        let outShape = batch + [m, n]
        var result: Tensor
        if let initial {
            result = initial.contiguous()
            if result.storage === initial.storage { result = initial.copyDense() }
        } else {
            result = Tensor.uninitializedFloats(outShape)
        }
        let count = batch.reduce(1, *)
        guard count > 0, m > 0, n > 0 else { return result.reshapedDense(outShape) }
        let effectiveBeta: Float = initial == nil ? 0 : beta
        let aView = try a.broadcast(to: batch + [m, k]), bView = try b.broadcast(to: batch + [k, n])
        let offsetsA = batchOffsets(aView, batchRank: batch.count)
        let offsetsB = batchOffsets(bView, batchRank: batch.count)
        let r = batch.count
        let (rsA, csA) = (aView.strides[r], aView.strides[r + 1])
        let (rsB, csB) = (bView.strides[r], bView.strides[r + 1])
        let aBase = aView.floatPointer, bBase = bView.floatPointer
        let cBase = result.mutableFloatPointer
        let one = { (index: Int) in
            GEMM.sgemm(m: m, n: n, k: k, alpha: alpha,
                       a: aBase + offsetsA[index], rowStrideA: rsA, colStrideA: csA,
                       b: bBase + offsetsB[index], rowStrideB: rsB, colStrideB: csB,
                       beta: effectiveBeta, c: cBase + index * m * n, ldc: n)
        }
        let threads = GEMM.threadCount
        if count >= threads, threads > 1, 2 * m * n * k < 1 << 24 {
            GEMM.withSingleThreadedMultiplies {
                WorkerPool.forEach(threads) { worker in
                    for index in stride(from: worker, to: count, by: threads) { one(index) }
                }
            }
        } else {
            for index in 0..<count { one(index) }
        }
        return result.reshapedDense(outShape)
    }

    /// Element offsets of each matrix in the leading `batchRank` dimensions (row-major batch order).
    static func batchOffsets(_ tensor: Tensor, batchRank: Int) -> [Int] {
        var offsets = [0]
        for axis in 0..<batchRank {
            let size = tensor.shape[axis], step = tensor.strides[axis]
            offsets = offsets.flatMap { base in (0..<size).map { base + $0 * step } }
        }
        return offsets
    }

    /// A fresh dense copy (for outputs that must not alias an input).
    func copyDense() -> Tensor {
        var copy = Tensor.uninitialized(shape, dtype: dtype)
        copy.copyElements(from: self)
        return copy
    }

    /// `a + b` with broadcasting, float32 (a private helper so these ops do not depend on the elementwise file).
    static func addBroadcast(_ a: Tensor, _ b: Tensor, op: String) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, op: op)
        let result = try a.broadcast(to: shape).copyDense()
        let bView = try b.broadcast(to: shape)
        let runs = StridedRuns(shape: shape, strides: [result.strides, bView.strides])
        let out = result.mutableFloatPointer, source = bView.floatPointer
        let length = runs.runLength, outStride = runs.runStride(0), sourceStride = runs.runStride(1)
        runs.forEachRun { _, offsets in
            for i in 0..<length { out[offsets[0] + i * outStride] += source[offsets[1] + i * sourceStride] }
        }
        return result
    }
}
