// scaled_dot_product_attention, blockwise: one block of query rows at a time against all keys, so
// at most (block rows × key length) scores per thread exist at once, never the full L×S matrix per head.

import CKernels

extension Tensor {
    /// Rows of queries per score block: as many as keep the block within 64 Ki scores (256 KiB, in L2),
    /// at least 16 — e.g. all 128 rows of a BERT head at once, 64 rows against GPT-2's 1024 keys.
    static func attentionBlockRows(queries: Int, keys: Int) -> Int {
        max(16, min(queries, (1 << 16) / max(keys, 1)))
    }

    /// `torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask, is_causal=, scale=)`
    /// (inference: no dropout). query [..., L, E], key [..., S, E], value [..., S, Ev] with broadcastable
    /// batch dimensions. A bool mask keeps positions where it is true; a float mask is added to the
    /// scores. `isCausal` keeps key j for query i when j ≤ i (top-left aligned, as PyTorch). Rows
    /// with every key masked produce zeros, as PyTorch's CPU kernel does.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, attnMask: Tensor? = nil, isCausal: Bool = false, scale: Float? = nil
    ) throws -> Tensor {
        let op = "scaled_dot_product_attention"
        guard query.rank >= 2, key.rank >= 2, value.rank >= 2 else {
            throw TensorError.shapeMismatch(
                op: op, detail: "query \(shapeString(query.shape)), key \(shapeString(key.shape)), value \(shapeString(value.shape)) need at least 2 dimensions")
        }
        let l = query.shape[query.rank - 2], e = query.shape[query.rank - 1]
        let s = key.shape[key.rank - 2], ev = value.shape[value.rank - 1]
        guard key.shape[key.rank - 1] == e, value.shape[value.rank - 2] == s else {
            throw TensorError.shapeMismatch(
                op: op, detail: "query \(shapeString(query.shape)), key \(shapeString(key.shape)), value \(shapeString(value.shape)) — expected key [..., S, \(e)] and value [..., S, Ev] with the same S")
        }
        if attnMask != nil && isCausal {
            throw TensorError.invalidArgument(op: op, detail: "explicit attn_mask should not be set when is_causal=True")
        }
        var batch = try broadcastShape(Array(query.shape.dropLast(2)), Array(key.shape.dropLast(2)), op: op)
        batch = try broadcastShape(batch, Array(value.shape.dropLast(2)), op: op)
        let q = try query.floatOperand(op).broadcast(to: batch + [l, e])
        let k = try key.floatOperand(op).broadcast(to: batch + [s, e])
        let v = try value.floatOperand(op).broadcast(to: batch + [s, ev])
        var mask: Tensor? = nil
        if let attnMask {
            let target = batch + [l, s]
            guard (try? broadcastShape(attnMask.shape, target)) == target else {
                throw TensorError.shapeMismatch(
                    op: op, detail: "attn_mask \(shapeString(attnMask.shape)) does not broadcast to the scores' shape \(shapeString(target))")
            }
            mask = attnMask.dtype == .bool ? try attnMask.broadcast(to: target) : try attnMask.floatOperand(op).broadcast(to: target)
        }
        let result = Tensor.uninitializedFloats(batch + [l, ev])
        let count = batch.reduce(1, *)
        guard count > 0, l > 0, ev > 0 else { return result }
        let scoreScale = scale ?? 1 / Float(Double(e).squareRoot())

        let r = batch.count
        let offsetsQ = batchOffsets(q, batchRank: r), offsetsK = batchOffsets(k, batchRank: r)
        let offsetsV = batchOffsets(v, batchRank: r)
        let offsetsMask = mask.map { batchOffsets($0, batchRank: r) }
        let maskRowStride = mask?.strides[r] ?? 0, maskColStride = mask?.strides[r + 1] ?? 0
        let maskIsBool = mask?.dtype == .bool
        let maskBytes = mask.map { UnsafeRawPointer($0.storage.bytes) }
        let maskOffset = mask?.offset ?? 0
        let (qp, kp, vp, out) = (q.floatPointer, k.floatPointer, v.floatPointer, result.mutableFloatPointer)
        let (qRow, qCol) = (q.strides[r], q.strides[r + 1])
        let (kRow, kCol) = (k.strides[r], k.strides[r + 1])
        let (vRow, vCol) = (v.strides[r], v.strides[r + 1])
        let blockRows = attentionBlockRows(queries: l, keys: s)
        let blocksPerHead = (l + blockRows - 1) / blockRows
        let tasks = count * blocksPerHead
        let threads = min(GEMM.threadCount, tasks)
        // P·V runs CKernels' unpacked small-GEMM kernel, which reads V's rows as contiguous vectors (any
        // row stride, even 0); Q·Kᵀ runs the packed AVX2 GEMM, which packs Q and K from any strides.
        let useNative = NativeKernels.isEnabled && (vCol == 1 || ev <= 1)
        // Tasks are handed out one at a time from a shared counter, most expensive first: causal blocks
        // cost in proportion to their last query (block b of a head sees (b + 1)·blockRows keys), so a
        // fixed assignment leaves one thread idle while another finishes the long blocks, and a thread
        // delayed by other load just takes fewer tasks.
        let nextTask = LockedState(0)

        let work = { (_: Int) in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * max(s, 1))
            let inverseSums = UnsafeMutablePointer<Float>.allocate(capacity: blockRows)
            defer { scores.deallocate(); inverseSums.deallocate() }
            while true {
                let index = nextTask.withLock { next in
                    defer { next += 1 }
                    return next
                }
                guard index < tasks else { break }
                // Last blocks (the most keys under a causal mask) of every head first.
                let head = index % count, row0 = (blocksPerHead - 1 - index / count) * blockRows
                let rows = min(blockRows, l - row0)
                let output = out + (head * l + row0) * ev
                guard s > 0 else {
                    output.update(repeating: 0, count: rows * ev)
                    continue
                }
                // With the causal mask, keys past the block's last query are masked for every row: skip them.
                let keys = isCausal ? min(s, row0 + rows) : s
                // scores = scale · Q[rows] · Kᵀ
                // Packing K into 16-key panels pays off over many query rows (1.4–1.6× the former
                // transpose + unpacked kernel, docs/GEMM.md); a few rows (decoding: one) take the
                // gemv path instead of packing every key.
                let packed = NativeKernels.isEnabled && rows >= 8 && e > 0
                    && sfk_sgemm_avx2(rows, keys, e, scoreScale, qp + offsetsQ[head] + row0 * qRow, qRow, qCol,
                                      kp + offsetsK[head], kCol, kRow, 0, scores, keys) == 0
                if !packed {
                    GEMM.sgemm(m: rows, n: keys, k: e, alpha: scoreScale,
                               a: qp + offsetsQ[head] + row0 * qRow, rowStrideA: qRow, colStrideA: qCol,
                               b: kp + offsetsK[head], rowStrideB: kCol, colStrideB: kRow,
                               beta: 0, c: scores, ldc: keys)
                }
                for i in 0..<rows {
                    let row = scores + i * keys
                    let queryIndex = row0 + i
                    if isCausal, queryIndex + 1 < keys {
                        (row + queryIndex + 1).update(repeating: -.infinity, count: keys - queryIndex - 1)
                    }
                    if let maskBytes, let offsetsMask {
                        let base = maskOffset + offsetsMask[head] + queryIndex * maskRowStride
                        if maskIsBool {
                            let flags = maskBytes.assumingMemoryBound(to: Bool.self)
                            for j in 0..<keys where !flags[base + j * maskColStride] { row[j] = -.infinity }
                        } else {
                            let adds = maskBytes.assumingMemoryBound(to: Float.self)
                            for j in 0..<keys { row[j] += adds[base + j * maskColStride] }
                        }
                    }
                    inverseSums[i] = NNMath.exponentiateRow(row, count: keys)
                }
                // output[rows] = P · V
                if useNative, rows >= 8 {
                    sfk_sgemm_nn_avx2(rows, ev, keys, 1, scores, keys, vp + offsetsV[head], vRow, output, ev)
                } else {
                    GEMM.sgemm(m: rows, n: ev, k: keys, alpha: 1,
                               a: scores, rowStrideA: keys, colStrideA: 1,
                               b: vp + offsetsV[head], rowStrideB: vRow, colStrideB: vCol,
                               beta: 0, c: output, ldc: ev)
                }
                for i in 0..<rows {
                    let line = output + i * ev, factor = inverseSums[i]
                    if NativeKernels.isEnabled {
                        sfk_scale_avx2(line, factor, ev)
                    } else {
                        for c in 0..<ev { line[c] *= factor }
                    }
                }
            }
        }
        if threads > 1 {
            GEMM.withSingleThreadedMultiplies { WorkerPool.forEach(threads, work) }
        } else {
            work(0)
        }
        return result
    }
}
