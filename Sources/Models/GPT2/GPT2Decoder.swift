import Tensors

// GPT-2's forward over raw float32 buffers: the same computation as `GPT2Block` (LayerNorm, fused c_attn, causal
// attention over the KV cache, c_proj, GELU MLP), with the activations in scratch that lives in the KV cache and
// keys/values written straight into the cache's storage. At batch 1 and one new token the Tensor path spent more
// time in its ~15 small operations per block (results allocated, strides resolved, work handed to threads, the
// boolean mask rebuilt over the whole sequence) than in the weights' GEMVs; here a decode step allocates nothing but
// its logits. The `Conv1D` weights are read in their checkpoint layout [in, out] (no transposed copy).

/// The raw-buffer forward of a float32 `GPT2Model` (no padding: the Tensor path handles masks with zeros).
final class GPT2Decoder: @unchecked Sendable {
    /// One block's parameters: `Conv1D` weights [in, out] and everything else as dense float32 tensors.
    struct Layer {
        let attention, projection, expand, contract: Tensor
        let attentionBias, projectionBias, expandBias, contractBias: Tensor
        let norm1Weight, norm1Bias, norm2Weight, norm2Bias: Tensor
        let scale: Float
    }

    let layers: [Layer]
    let hidden, heads, headDim, inner: Int
    let eps: Double, finalEps: Double
    let gelu: Tensor.GeluApproximation
    let finalNormWeight, finalNormBias: Tensor
    let tokens, positions: Embedding
    /// The LM head's weight [vocab, hidden] (the tied embeddings), nil for a base model.
    let head: Tensor?

    /// nil when the model has something this path does not do (quantized or non-float32 weights, an activation
    /// other than GELU, bias-free norms): the Tensor path then runs.
    init?(blocks: [GPT2Block], tokens: Embedding, positions: Embedding, finalNorm: LayerNorm, head: Linear?) {
        guard let first = blocks.first, tokens.quantized == nil, positions.quantized == nil else { return nil }
        switch first.activation {
        case .gelu: gelu = .none
        case .geluNew, .geluPytorchTanh, .geluFast: gelu = .tanh
        default: return nil
        }
        func dense(_ t: Tensor?) -> Tensor? {
            guard let t, t.dtype.isFloatingPoint else { return nil }
            return t.to(.float32).contiguous()
        }
        /// The stored [in, out] matrix behind a `Conv1D` linear's [out, in] view, when it is dense float32.
        func stored(_ linear: Linear) -> Tensor? {
            guard linear.quantized == nil, linear.weight.dtype == .float32, linear.weight.rank == 2,
                  let matrix = try? linear.weight.transpose(0, 1), matrix.isContiguous else { return nil }
            return matrix
        }
        var layers: [Layer] = []
        for block in blocks {
            guard block.activation == first.activation, block.heads == first.heads,
                  let attention = stored(block.attention), let projection = stored(block.projection),
                  let expand = stored(block.expand), let contract = stored(block.contract),
                  let attentionBias = dense(block.attention.bias), let projectionBias = dense(block.projection.bias),
                  let expandBias = dense(block.expand.bias), let contractBias = dense(block.contract.bias),
                  let norm1Weight = dense(block.norm1.weight), let norm1Bias = dense(block.norm1.bias),
                  let norm2Weight = dense(block.norm2.weight), let norm2Bias = dense(block.norm2.bias),
                  block.norm1.eps == first.norm1.eps, block.norm2.eps == first.norm1.eps
            else { return nil }
            layers.append(Layer(attention: attention, projection: projection, expand: expand, contract: contract,
                                attentionBias: attentionBias, projectionBias: projectionBias, expandBias: expandBias,
                                contractBias: contractBias, norm1Weight: norm1Weight, norm1Bias: norm1Bias,
                                norm2Weight: norm2Weight, norm2Bias: norm2Bias, scale: block.scale))
        }
        hidden = layers[0].attention.shape[0]
        inner = layers[0].expand.shape[1]
        heads = first.heads
        guard heads > 0, hidden % heads == 0, layers[0].attention.shape[1] == 3 * hidden,
              let finalWeight = dense(finalNorm.weight), let finalBias = dense(finalNorm.bias),
              tokens.weight.shape.last == hidden, positions.weight.shape.last == hidden else { return nil }
        headDim = hidden / heads
        eps = Double(first.norm1.eps)
        finalEps = Double(finalNorm.eps)
        (finalNormWeight, finalNormBias) = (finalWeight, finalBias)
        self.layers = layers
        (self.tokens, self.positions) = (tokens, positions)
        if let head {
            guard head.quantized == nil, head.bias == nil, head.weight.dtype == .float32, head.weight.isContiguous,
                  head.weight.shape.last == hidden else { return nil }
            self.head = head.weight
        } else {
            self.head = nil
        }
    }

    /// Whether this path can run the call: one without padding (`isUnpaddedCall`).
    func applies(inputIds: Tensor, attentionMask: Tensor?, cache: KVCache?) -> Bool {
        inputIds.rank == 2 && inputIds.shape[0] > 0 && isUnpaddedCall(inputIds: inputIds, attentionMask: attentionMask, cache: cache)
    }

    typealias Result = BufferDecoderResult

    /// One forward over `inputIds` [batch, new] appending to `cache` (a temporary one when nil).
    func run(inputIds: Tensor, positionIds: Tensor?, cache: KVCache?, result: Result) throws -> Tensor {
        let (batch, new) = (inputIds.shape[0], inputIds.shape[1])
        let cache = cache ?? KVCache(layers: layers.count)
        let past = cache.length
        let rows = batch * new
        guard past + new <= positions.count else {
            throw ModelError.invalidInput("sequence length \(past + new) exceeds n_positions (\(positions.count))")
        }
        let workspace = (cache.workspace as? Workspace) ?? Workspace()
        cache.workspace = workspace
        workspace.reserve(rows: rows, hidden: hidden, inner: inner, keys: past + new)
        let ids = inputIds.to(.int64).contiguous().int64s()
        let positionValues = try positionIds.map { ids in
            guard ids.shape == [batch, new] else {
                throw ModelError.invalidInput("position_ids has shape \(ids.shape); expected [\(batch), \(new)]")
            }
            return ids.to(.int64).contiguous().int64s()
        } ?? (0..<batch).flatMap { _ in (past..<(past + new)).map(Int64.init) }
        let x = workspace.x, normed = workspace.normed, qkv = workspace.qkv, context = workspace.context
        let projected = workspace.projected, activated = workspace.activated, scores = workspace.scores
        for r in 0..<rows {
            try tokens.lookUp(Int(ids[r]), into: x + r * hidden)
            try positions.lookUp(Int(positionValues[r]), into: projected)
            BufferKernels.add(projected, into: x + r * hidden, count: hidden)
        }
        for (index, layer) in layers.enumerated() {
            BufferKernels.layerNorm(x, into: normed, rows: rows, size: hidden, weight: layer.norm1Weight.denseFloats,
                                    bias: layer.norm1Bias.denseFloats, eps: eps)
            Self.project(normed, rows: rows, weight: layer.attention, bias: layer.attentionBias, into: qkv)
            let slots = try cache.reserve(layer: index, batch: batch, heads: heads, dim: headDim, count: new)
            for b in 0..<batch {
                for t in 0..<new {
                    let row = qkv + (b * new + t) * 3 * hidden
                    for h in 0..<heads {
                        let slot = ((b * heads + h) * slots.capacity + slots.start + t) * headDim
                        (slots.keys + slot).update(from: row + hidden + h * headDim, count: headDim)
                        (slots.values + slot).update(from: row + 2 * hidden + h * headDim, count: headDim)
                    }
                }
            }
            cache.commit(layer: index, count: new)
            for b in 0..<batch {
                for t in 0..<new {
                    let row = b * new + t
                    for h in 0..<heads {
                        let base = (b * heads + h) * slots.capacity * headDim
                        BufferKernels.attend(query: qkv + row * 3 * hidden + h * headDim, keys: slots.keys + base,
                                             values: slots.values + base, length: past + t + 1, dim: headDim,
                                             scale: layer.scale, scores: scores,
                                             into: context + row * hidden + h * headDim)
                    }
                }
            }
            Self.project(context, rows: rows, weight: layer.projection, bias: layer.projectionBias, into: projected)
            BufferKernels.add(projected, into: x, count: rows * hidden)
            BufferKernels.layerNorm(x, into: normed, rows: rows, size: hidden, weight: layer.norm2Weight.denseFloats,
                                    bias: layer.norm2Bias.denseFloats, eps: eps)
            Self.project(normed, rows: rows, weight: layer.expand, bias: layer.expandBias, into: activated)
            BufferKernels.gelu(activated, count: rows * inner, approximate: gelu)
            Self.project(activated, rows: rows, weight: layer.contract, bias: layer.contractBias, into: projected)
            BufferKernels.add(projected, into: x, count: rows * hidden)
        }
        // The final norm over the rows asked for (each row's last position for `lastOnly`).
        var lastOnly = false
        if case .logits(let last) = result { lastOnly = last }
        let kept = lastOnly ? 1 : new
        for b in 0..<batch {
            let first = b * new + (lastOnly ? new - 1 : 0)
            BufferKernels.layerNorm(x + first * hidden, into: normed + b * kept * hidden, rows: kept, size: hidden,
                                    weight: finalNormWeight.denseFloats, bias: finalNormBias.denseFloats, eps: finalEps)
        }
        guard case .logits = result, let head else {
            let output = Tensor(zeros: [batch, kept, hidden])
            output.basePointer(as: Float.self).update(from: normed, count: batch * kept * hidden)
            return output
        }
        let vocab = head.shape[0]
        let logits = Tensor(zeros: [batch, kept, vocab])
        GEMM.sgemm(transA: false, transB: true, m: batch * kept, n: vocab, k: hidden, alpha: 1, a: normed, lda: hidden,
                   b: head.denseFloats, ldb: hidden, beta: 0, c: logits.basePointer(as: Float.self), ldc: vocab)
        return logits
    }

    /// out[rows, n] = x[rows, k] · W[k, n] + bias, for a `Conv1D` weight W in its stored [in, out] layout.
    static func project(_ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor,
                        into out: UnsafeMutablePointer<Float>) {
        let (k, n) = (weight.shape[0], weight.shape[1])
        let b = bias.denseFloats
        for r in 0..<rows { (out + r * n).update(from: b, count: n) }
        GEMM.sgemm(transA: false, transB: false, m: rows, n: n, k: k, alpha: 1, a: x, lda: k, b: weight.denseFloats, ldb: n,
                   beta: 1, c: out, ldc: n)
    }

    // MARK: - Scratch

    /// The activation buffers of one sequence's steps, grown to the largest step seen and then reused.
    final class Workspace {
        private(set) var x, normed, qkv, context, projected, activated, scores: UnsafeMutablePointer<Float>
        private var rows = 0, keys = 0

        init() {
            x = .allocate(capacity: 1); normed = .allocate(capacity: 1); qkv = .allocate(capacity: 1)
            context = .allocate(capacity: 1); projected = .allocate(capacity: 1); activated = .allocate(capacity: 1)
            scores = .allocate(capacity: 1)
        }

        deinit {
            for buffer in [x, normed, qkv, context, projected, activated, scores] { buffer.deallocate() }
        }

        func reserve(rows needed: Int, hidden: Int, inner: Int, keys neededKeys: Int) {
            if needed > rows {
                func grow(_ buffer: inout UnsafeMutablePointer<Float>, _ width: Int) {
                    buffer.deallocate()
                    buffer = .allocate(capacity: needed * width)
                }
                grow(&x, hidden); grow(&normed, hidden); grow(&qkv, 3 * hidden); grow(&context, hidden)
                grow(&projected, hidden); grow(&activated, inner)
                rows = needed
            }
            if neededKeys > keys {
                let grown = Swift.max(neededKeys, 2 * keys, 256)
                scores.deallocate()
                scores = .allocate(capacity: grown)
                keys = grown
            }
        }
    }
}

private extension Tensor {
    /// The first element of a dense float32 tensor (every tensor the decoder keeps is one).
    var denseFloats: UnsafeMutablePointer<Float> { basePointer(as: Float.self) }
}
