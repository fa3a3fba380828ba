import Foundation
import Tensors

// The Llama forward on quantized weights (a GGUF checkpoint kept in its block formats), written against raw buffers
// the way llama.cpp runs it: fused q|k|v and gate|up matrices (one activation quantization and one threaded kernel
// call each), RMSNorm / rotary / attention / SwiGLU over float scratch that lives in the KV cache, keys and values
// written straight into the cache's storage. A decode step allocates nothing but its logits (and the cache when its
// capacity doubles). Same computation as `LlamaBlock`; it differs from the dequantized float path only by the
// kernels' 8-bit activation rounding (docs/GGUF.md).

/// The raw-buffer forward of a `LlamaModel` whose projections are all quantized with integer kernels.
final class LlamaQuantizedDecoder: @unchecked Sendable {
    struct Layer {
        let qkv, output, gateUp, down: QuantizedMatrix
        let inputNorm, postAttentionNorm: [Float]
    }

    let layers: [Layer]
    let hidden, heads, kvHeads, headDim, intermediate: Int
    let eps: Float
    let finalNorm: [Float]
    let embedding: Embedding
    let head: QuantizedMatrix?
    let rotary: RotaryEmbedding

    /// nil when the model has something this path does not do (biases, an activation other than SiLU, a float or
    /// non-kernel projection): the Tensor path then runs.
    init?(blocks: [LlamaBlock], embedding: Embedding, norm: RMSNorm, head: Linear?, rotary: RotaryEmbedding) {
        guard let first = blocks.first else { return nil }
        var layers: [Layer] = []
        for block in blocks {
            let linears = [block.q, block.k, block.v, block.o, block.gate, block.up, block.down]
            guard block.activation == .silu || block.activation == .swish,
                  linears.allSatisfy({ $0.bias == nil && $0.quantized?.usesIntegerKernel == true }),
                  let q = block.q.quantized, let k = block.k.quantized, let v = block.v.quantized, let o = block.o.quantized,
                  let gate = block.gate.quantized, let up = block.up.quantized, let down = block.down.quantized,
                  q.type == k.type, k.type == v.type, gate.type == up.type,
                  let qkv = try? QuantizedMatrix.concatenatingRows([q, k, v]),
                  let gateUp = try? QuantizedMatrix.concatenatingRows([gate, up])
            else { return nil }
            layers.append(Layer(qkv: qkv, output: o, gateUp: gateUp, down: down,
                                inputNorm: block.inputNorm.weight.contiguous().floats(),
                                postAttentionNorm: block.postAttentionNorm.weight.contiguous().floats()))
        }
        guard head == nil || head?.quantized?.usesIntegerKernel == true, rotary.dimensions <= first.headDim,
              rotary.dimensions % 2 == 0, first.kvHeads > 0, first.heads % first.kvHeads == 0 else { return nil }
        self.layers = layers
        (heads, kvHeads, headDim) = (first.heads, first.kvHeads, first.headDim)
        hidden = layers[0].qkv.columns
        intermediate = layers[0].down.columns
        guard layers[0].qkv.rows == (heads + 2 * kvHeads) * headDim, layers[0].output.columns == heads * headDim else { return nil }
        eps = Float(norm.eps)
        finalNorm = norm.weight.contiguous().floats()
        self.embedding = embedding
        self.head = head?.quantized
        self.rotary = rotary
    }

    /// Whether this path can run the call: one without padding (`isUnpaddedCall`).
    func applies(inputIds: Tensor, attentionMask: Tensor?, cache: KVCache?) -> Bool {
        isUnpaddedCall(inputIds: inputIds, attentionMask: attentionMask, cache: cache)
    }

    typealias Result = BufferDecoderResult

    /// One forward over `inputIds` [batch, new] appending to `cache` (a temporary one when nil).
    func run(inputIds: Tensor, positionIds: Tensor?, cache: KVCache?, layerCount: Int, result: Result) throws -> Tensor {
        let (batch, new) = (inputIds.shape[0], inputIds.shape[1])
        let cache = cache ?? KVCache(layers: layerCount)
        let past = cache.length
        let tokens = batch * new
        let workspace = (cache.workspace as? Workspace) ?? Workspace()
        cache.workspace = workspace
        try workspace.reserve(tokens: tokens, decoder: self, keys: past + new)
        let positions = try positionIds ?? CausalMask.sequentialPositions(batch: batch, past: past, new: new)
        let (cosTable, sinTable) = try rotary.table(positionIds: positions)
        let (cosines, sines) = (cosTable.contiguous(), sinTable.contiguous())
        let ids = inputIds.to(.int64).contiguous().int64s()
        let x = workspace.x, normed = workspace.normed, qkv = workspace.qkv, context = workspace.context
        let projected = workspace.projected, gateUp = workspace.gateUp, activated = workspace.activated
        for (i, id) in ids.enumerated() { try embedding.lookUp(Int(id), into: x + i * hidden) }
        let qkvWidth = (heads + 2 * kvHeads) * headDim
        for (index, layer) in layers.enumerated() {
            Self.rmsNorm(x, weight: layer.inputNorm, into: normed, rows: tokens, size: hidden, eps: eps)
            try layer.qkv.apply(input: normed, tokens: tokens, output: qkv)
            rotate(qkv, width: qkvWidth, tokens: tokens, cos: cosines.basePointer(as: Float.self), sin: sines.basePointer(as: Float.self))
            let slots = try cache.reserve(layer: index, batch: batch, heads: kvHeads, dim: headDim, count: new)
            for b in 0..<batch {
                for t in 0..<new {
                    let row = qkv + (b * new + t) * qkvWidth
                    for h in 0..<kvHeads {
                        let slot = ((b * kvHeads + h) * slots.capacity + slots.start + t) * headDim
                        (slots.keys + slot).update(from: row + (heads + h) * headDim, count: headDim)
                        (slots.values + slot).update(from: row + (heads + kvHeads + h) * headDim, count: headDim)
                    }
                }
            }
            cache.commit(layer: index, count: new)
            attend(qkv: qkv, width: qkvWidth, batch: batch, new: new, past: past, keys: slots.keys, values: slots.values,
                   capacity: slots.capacity, scores: workspace.scores, into: context)
            try layer.output.apply(input: context, tokens: tokens, output: projected)
            BufferKernels.add(projected, into: x, count: tokens * hidden)
            Self.rmsNorm(x, weight: layer.postAttentionNorm, into: normed, rows: tokens, size: hidden, eps: eps)
            try layer.gateUp.apply(input: normed, tokens: tokens, output: gateUp)
            BufferKernels.swiGLU(gateUp, into: activated, tokens: tokens, size: intermediate)
            try layer.down.apply(input: activated, tokens: tokens, output: projected)
            BufferKernels.add(projected, into: x, count: tokens * hidden)
        }
        // The final norm over the rows that are asked for (the last position of each row for `lastOnly`).
        var lastOnly = false
        if case .logits(let last) = result { lastOnly = last }
        let kept = lastOnly ? 1 : new
        for b in 0..<batch {
            for t in 0..<kept {
                let source = x + (b * new + (lastOnly ? new - 1 : t)) * hidden
                Self.rmsNorm(source, weight: finalNorm, into: normed + (b * kept + t) * hidden, rows: 1, size: hidden, eps: eps)
            }
        }
        guard case .logits = result, let head else {
            let output = Tensor(zeros: [batch, kept, hidden])
            output.basePointer(as: Float.self).update(from: normed, count: batch * kept * hidden)
            return output
        }
        let logits = Tensor(zeros: [batch, kept, head.rows])
        try head.apply(input: normed, tokens: batch * kept, output: logits.basePointer(as: Float.self))
        return logits
    }

    // MARK: - Scratch

    /// The activation buffers of one sequence's steps, grown to the largest step seen and then reused.
    final class Workspace {
        private(set) var x, normed, qkv, context, projected, gateUp, activated, scores: UnsafeMutablePointer<Float>
        private var tokens = 0, keys = 0

        init() {
            x = .allocate(capacity: 1); normed = .allocate(capacity: 1); qkv = .allocate(capacity: 1)
            context = .allocate(capacity: 1); projected = .allocate(capacity: 1); gateUp = .allocate(capacity: 1)
            activated = .allocate(capacity: 1); scores = .allocate(capacity: 1)
        }

        deinit {
            for buffer in [x, normed, qkv, context, projected, gateUp, activated, scores] { buffer.deallocate() }
        }

        func reserve(tokens needed: Int, decoder d: LlamaQuantizedDecoder, keys neededKeys: Int) throws {
            if needed > tokens {
                func grow(_ buffer: inout UnsafeMutablePointer<Float>, _ width: Int) {
                    buffer.deallocate()
                    buffer = .allocate(capacity: needed * width)
                }
                grow(&x, d.hidden); grow(&normed, d.hidden); grow(&qkv, (d.heads + 2 * d.kvHeads) * d.headDim)
                grow(&context, d.heads * d.headDim); grow(&projected, d.hidden); grow(&gateUp, 2 * d.intermediate)
                grow(&activated, d.intermediate)
                tokens = needed
            }
            if neededKeys > keys {
                let grown = Swift.max(neededKeys, 2 * keys, 256)
                scores.deallocate()
                scores = .allocate(capacity: grown)
                keys = grown
            }
        }
    }

    // MARK: - Kernels (float32, one core: small next to the matmuls)

    /// `LlamaRMSNorm`: x·rsqrt(mean(x²) + eps)·w for `rows` rows of `size`.
    static func rmsNorm(_ x: UnsafePointer<Float>, weight: [Float], into out: UnsafeMutablePointer<Float>,
                        rows: Int, size: Int, eps: Float) {
        weight.withUnsafeBufferPointer { weight in
        for r in 0..<rows {
            let row = x + r * size, target = out + r * size
            var squares = SIMD8<Float>.zero
            var k = 0
            while k + 8 <= size { let v = load8(row + k); squares += v * v; k += 8 }
            var total = squares.sum()
            while k < size { total += row[k] * row[k]; k += 1 }
            let scale = 1 / (total / Float(size) + eps).squareRoot()
            for i in 0..<size { target[i] = weight[i] * (row[i] * scale) }
        }
        }
    }

    /// Rotate-half RoPE on the query and key heads of every token's q|k|v row, in place (cos/sin rows per token).
    func rotate(_ qkv: UnsafeMutablePointer<Float>, width: Int, tokens: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let dims = rotary.dimensions, half = dims / 2
        for t in 0..<tokens {
            let c = cos + t * dims, s = sin + t * dims
            for h in 0..<(heads + kvHeads) {
                let v = qkv + t * width + h * headDim
                for i in 0..<half {
                    let (a, b) = (v[i], v[i + half])
                    v[i] = a * c[i] - b * s[i]
                    v[i + half] = b * c[i + half] + a * s[i + half]
                }
            }
        }
    }

    /// Causal attention of each new token over the cached keys (grouped-query: query head h reads kv head
    /// h / (heads / kvHeads)), softmax in float32, context rows [tokens, heads · headDim].
    func attend(qkv: UnsafeMutablePointer<Float>, width: Int, batch: Int, new: Int, past: Int,
                keys: UnsafePointer<Float>, values: UnsafePointer<Float>, capacity: Int,
                scores: UnsafeMutablePointer<Float>, into context: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(headDim).squareRoot(), group = heads / kvHeads
        for b in 0..<batch {
            for t in 0..<new {
                for h in 0..<heads {
                    let base = ((b * kvHeads + h / group) * capacity) * headDim
                    BufferKernels.attend(query: qkv + (b * new + t) * width + h * headDim, keys: keys + base,
                                         values: values + base, length: past + t + 1, dim: headDim, scale: scale,
                                         scores: scores, into: context + (b * new + t) * heads * headDim + h * headDim)
                }
            }
        }
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
