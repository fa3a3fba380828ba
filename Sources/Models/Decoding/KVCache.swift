import Tensors

/// The keys and values every attention layer has seen so far, kept between decode steps so each step only runs the
/// new tokens (the reference's `DynamicCache`). Storage per layer is pre-allocated as [batch, kv_heads, capacity,
/// head_dim] and written in place; when a step would overflow it, capacity doubles (one copy per doubling, so
/// appending n tokens costs O(n) copies in total instead of re-concatenating the whole cache every step).
public final class KVCache: @unchecked Sendable {
    /// One layer's buffers; `keys`/`values` are nil until the first append fixes their shape.
    final class Layer {
        var keys: Tensor?
        var values: Tensor?
        var length = 0
        var capacity = 0
    }

    private var layers: [Layer]
    /// Scratch a decoder keeps between the steps of this sequence (the quantized Llama path's activation buffers),
    /// so a decode step allocates nothing; owned by whichever model created it.
    var workspace: AnyObject?
    /// Minimum capacity allocated on the first append (a prompt longer than this allocates exactly its length × 2).
    let initialCapacity: Int

    public init(layers: Int, initialCapacity: Int = 64) {
        self.layers = (0..<layers).map { _ in Layer() }
        self.initialCapacity = initialCapacity
    }

    /// Tokens already cached (the reference's `get_seq_length()`).
    public var length: Int { layers.first?.length ?? 0 }

    /// Appends this step's `keys`/`values` ([batch, heads, new, dim]) to layer `index` and returns views over
    /// everything cached so far ([batch, heads, length, dim]); the views share the cache's storage.
    public func append(layer index: Int, keys: Tensor, values: Tensor) throws -> (keys: Tensor, values: Tensor) {
        guard layers.indices.contains(index) else {
            throw ModelError.invalidInput("KV cache has \(layers.count) layers; no layer \(index)")
        }
        let layer = layers[index]
        let added = keys.shape[2]
        let needed = layer.length + added
        try grow(layer, to: needed, keys: keys.shape, values: values.shape)
        guard let storedKeys = layer.keys, let storedValues = layer.values,
              storedKeys.shape[0] == keys.shape[0], storedKeys.shape[1] == keys.shape[1], storedKeys.shape[3] == keys.shape[3]
        else {
            throw ModelError.invalidInput("KV cache layer \(index): new keys \(keys.shape) do not match the cached layout")
        }
        try storedKeys.indexPut([.all, .all, .slice(layer.length, needed)], keys)
        try storedValues.indexPut([.all, .all, .slice(layer.length, needed)], values)
        layer.length = needed
        return (try storedKeys.narrow(2, start: 0, length: needed), try storedValues.narrow(2, start: 0, length: needed))
    }

    /// Makes room for `needed` tokens in `layer` (capacity doubles; the cached prefix is copied once per doubling).
    private func grow(_ layer: Layer, to needed: Int, keys: [Int], values: [Int]) throws {
        guard needed > layer.capacity else { return }
        let capacity = Swift.max(needed, layer.capacity * 2, initialCapacity)
        var grownKeys = keys, grownValues = values
        grownKeys[2] = capacity
        grownValues[2] = capacity
        let newKeys = Tensor.zeros(grownKeys), newValues = Tensor.zeros(grownValues)
        if let oldKeys = layer.keys, let oldValues = layer.values, layer.length > 0 {
            try newKeys.indexPut([.all, .all, .slice(0, layer.length)], oldKeys.narrow(2, start: 0, length: layer.length))
            try newValues.indexPut([.all, .all, .slice(0, layer.length)], oldValues.narrow(2, start: 0, length: layer.length))
        }
        layer.keys = newKeys
        layer.values = newValues
        layer.capacity = capacity
    }

    /// Raw access for a decoder that writes keys and values itself: room for `count` more tokens in layer `index`,
    /// laid out [batch, heads, capacity, dim] (dense float32). The caller writes token `start + i` of row b, head h
    /// at `((b·heads + h)·capacity + start + i)·dim`, then calls `commit`. Nothing is allocated unless the
    /// capacity has to double.
    func reserve(layer index: Int, batch: Int, heads: Int, dim: Int, count: Int) throws
        -> (keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, start: Int, capacity: Int) {
        guard layers.indices.contains(index) else {
            throw ModelError.invalidInput("KV cache has \(layers.count) layers; no layer \(index)")
        }
        let layer = layers[index]
        let shape = [batch, heads, 0, dim]
        try grow(layer, to: layer.length + count, keys: shape, values: shape)
        guard var keys = layer.keys, var values = layer.values, keys.shape == [batch, heads, layer.capacity, dim],
              values.shape == keys.shape else {
            throw ModelError.invalidInput("KV cache layer \(index): \([batch, heads, count, dim]) does not match the cached layout")
        }
        if !keys.isContiguous || keys.dtype != .float32 { keys = keys.to(.float32).contiguous(); layer.keys = keys }
        if !values.isContiguous || values.dtype != .float32 { values = values.to(.float32).contiguous(); layer.values = values }
        return (keys.basePointer(as: Float.self), values.basePointer(as: Float.self), layer.length, layer.capacity)
    }

    /// Marks `count` tokens written after `reserve` as cached.
    func commit(layer index: Int, count: Int) {
        guard layers.indices.contains(index) else { return }
        layers[index].length += count
    }

    /// Keeps batch rows `rows` in that order (beam search moves caches with their beams: `_reorder_cache`).
    public func reorder(_ rows: [Int]) throws {
        let index = try Tensor(rows.map(Int64.init), shape: [rows.count])
        for layer in layers {
            guard let keys = layer.keys, let values = layer.values else { continue }
            layer.keys = try keys.indexSelect(dim: 0, index: index)
            layer.values = try values.indexSelect(dim: 0, index: index)
        }
    }

    /// Forgets everything after the first `length` tokens (assisted decoding drops rejected candidates: `crop`).
    public func crop(_ length: Int) {
        for layer in layers { layer.length = Swift.min(layer.length, Swift.max(0, length)) }
    }
}
