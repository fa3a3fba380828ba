import Tensors

/// `nn.Linear`: y = x·Wᵀ + b with W stored [out, in], as checkpoints store it (passed to GEMM as a transpose,
/// never copied) — or kept in a GGUF block format (`quantized`), multiplied by the integer kernels without ever
/// materializing float32 weights (llama.cpp's default for GGUF checkpoints).
public struct Linear: Sendable {
    /// The float weight [out, in]; for a quantized layer, the raw block bytes (uint8) of `quantized`.
    public let weight: Tensor
    public let bias: Tensor?
    /// Set when the weight stays quantized; `callAsFunction` then uses `QuantizedMatrix.matmul`.
    public let quantized: QuantizedMatrix?
    /// Set by `prepacked()`: the weight packed once for the AVX2 GEMM (on first use), for layers run many times
    /// over many rows (encoders).
    public private(set) var packed: PackedLinearWeight? = nil

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
        quantized = nil
    }

    /// A layer whose weight stays in its ggml block format.
    public init(quantized: QuantizedMatrix, bias: Tensor?) {
        weight = quantized.blocks
        self.bias = bias
        self.quantized = quantized
    }

    /// Loads `<name>.weight` and, when `bias`, `<name>.bias` from `weights`, checking shapes. A weight the checkpoint
    /// keeps quantized (GGUF) stays in its block format.
    public init(_ weights: Weights, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        let biasTensor = bias ? try scope.tensor("bias", shape: [outFeatures]) : nil
        if let matrix = try scope.quantizedMatrix("weight", rows: outFeatures, columns: inFeatures) {
            self.init(quantized: matrix, bias: biasTensor)
            return
        }
        self.init(weight: try scope.tensor("weight", shape: [outFeatures, inFeatures]), bias: biasTensor)
    }

    /// A freshly initialized head layer when the checkpoint lacks it (base checkpoint loaded with a head).
    public init(initializingIfMissing weights: Weights, _ name: String, in inFeatures: Int, out outFeatures: Int, std: Double) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensorOrInitialized("weight", shape: [outFeatures, inFeatures], std: std)
        bias = try scope.tensorOrInitialized("bias", shape: [outFeatures], std: 0, zero: true)
        quantized = nil
    }

    public var outFeatures: Int { quantized?.rows ?? weight.shape[0] }

    /// This layer with its weight packed once for the GEMM (`PackedLinearWeight`, on the first product of 6 rows
    /// or more) rather than on every product; unchanged for quantized weights or without the AVX2 kernel.
    public func prepacked() -> Linear {
        guard quantized == nil, packed == nil, let weights = PackedLinearWeight(weight) else { return self }
        var copy = self
        copy.packed = weights
        return copy
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        // The fused path with an empty epilogue still adds the bias in the epilogue rather than copying it into
        // the output before the product.
        if let packed { return try x.linear(packed: packed, bias: bias, activation: nil) }
        guard let quantized else { return try x.linear(weight: weight, bias: bias, activation: nil) }
        let product = try quantized.matmul(x.contiguous())
        return try bias.map { try product.add($0) } ?? product
    }

    /// `activation(self(x) + residual)` — a transformer layer's projection with the activation or the residual
    /// add that follows it — in one pass over the output where the engine fuses them into the product's epilogue
    /// (float weights; `Tensor.linear(weight:bias:activation:residual:)`), as separate operations otherwise.
    public func callAsFunction(_ x: Tensor, activation: Activation?, adding residual: Tensor? = nil) throws -> Tensor {
        guard quantized == nil, activation == nil || activation?.epilogue != nil else {
            var result = try self(x)
            if let residual { result = try result.add(residual) }
            return try activation.map { try $0(result) } ?? result
        }
        if let packed { return try x.linear(packed: packed, bias: bias, activation: activation?.epilogue, residual: residual) }
        return try x.linear(weight: weight, bias: bias, activation: activation?.epilogue, residual: residual)
    }
}

/// `nn.LayerNorm` over the last dimension.
public struct LayerNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let eps: Float

    public init(_ weights: Weights, _ name: String, size: Int, eps: Double, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        weight = try scope.tensor("weight", shape: [size])
        self.bias = bias ? try scope.tensor("bias", shape: [size]) : nil
        self.eps = Float(eps)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm([weight.count], weight: weight, bias: bias, eps: Double(eps))
    }
}

/// `nn.Embedding`: rows of a [vocab, dim] table gathered by integer ids. A table the checkpoint keeps quantized
/// (GGUF) stays in its block format; each looked-up row is dequantized (and a tied LM head multiplies the blocks).
public struct Embedding: Sendable {
    /// The float table [vocab, dim]; for a quantized table, the raw block bytes of `quantized`.
    public let weight: Tensor
    public let quantized: QuantizedMatrix?

    public init(_ weights: Weights, _ name: String, count: Int, dim: Int) throws {
        if let matrix = try weights.scoped(name).quantizedMatrix("weight", rows: count, columns: dim) {
            weight = matrix.blocks
            quantized = matrix
        } else {
            weight = try weights.scoped(name).tensor("weight", shape: [count, dim])
            quantized = nil
        }
    }

    /// Vocabulary entries (rows of the table).
    public var count: Int { quantized?.rows ?? weight.shape[0] }

    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        guard let quantized else { return try Tensor.embedding(ids, weight: weight) }
        let values = ids.to(.int64).contiguous().int64s()
        let result = Tensor(zeros: ids.shape + [quantized.columns])
        let output = result.basePointer(as: Float.self)
        for (i, id) in values.enumerated() {
            try lookUp(Int(id), into: output + i * quantized.columns)
        }
        return result
    }

    /// Row `id` written as float32 into `output` (`dim` values); throws for an id outside the vocabulary.
    public func lookUp(_ id: Int, into output: UnsafeMutablePointer<Float>) throws {
        guard id >= 0, id < count else {
            throw ModelError.invalidInput("embedding: index \(id) is out of range for a vocabulary of \(count)")
        }
        if let quantized {
            let source = UnsafeRawPointer(quantized.blocks.basePointer(as: UInt8.self)) + id * quantized.rowBytes
            try GGMLDequantize.dequantize(quantized.type, from: source, count: quantized.columns, into: output)
        } else {
            let dim = weight.shape[1]
            let dense = weight.isContiguous ? weight : weight.contiguous()
            output.update(from: dense.basePointer(as: Float.self) + id * dim, count: dim)
        }
    }
}
