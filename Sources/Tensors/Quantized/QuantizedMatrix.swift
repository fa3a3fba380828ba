import CQuant
import Dispatch
import Foundation

/// A weight matrix kept in a ggml block format (rows = output features, each row a sequence of blocks along the
/// input features), multiplied without ever materializing float32 weights: `y = x · Wᵀ`, as `nn.Linear` does.
///
/// Q4_0, Q4_1, Q8_0, Q4_K, Q5_K and Q6_K use integer block kernels (C target `CQuant`, AVX2 when the CPU has it)
/// against activations quantized to 8 bits per block of 32 (256 for the K-quants) — llama.cpp's approach; results
/// differ from dequantize-then-matmul by the activation rounding, at most `max|x_block| / 254` per value. Every other
/// dequantizable format (Q5_0, Q2_K, F16, ...) dequantizes one row at a time into a small buffer and is exact up to
/// float summation order. Rows are split over the available cores.
public struct QuantizedMatrix: Sendable {
    public let type: GGMLType
    /// Output features.
    public let rows: Int
    /// Input features (a multiple of the format's block size).
    public let columns: Int
    /// The blocks, `rows × rowBytes` bytes; may borrow a mapped file (the storage keeps it alive).
    public let blocks: Tensor
    public var rowBytes: Int { columns / type.blockSize * type.typeSize }

    /// Wraps `blocks` (a uint8 tensor, or any tensor whose storage holds exactly the encoded bytes contiguously).
    public init(type: GGMLType, rows: Int, columns: Int, blocks: Tensor) throws {
        guard type.canDequantize else {
            throw TensorError.invalidArgument(op: "QuantizedMatrix", detail: "ggml type \(type) is not supported")
        }
        guard rows >= 0, columns >= 0, let rowBytes = type.byteCount(for: columns) else {
            throw TensorError.invalidArgument(
                op: "QuantizedMatrix", detail: "\(columns) input features are not a multiple of the \(type) block size \(type.blockSize)")
        }
        let needed = rows.multipliedReportingOverflow(by: rowBytes)
        let available = blocks.count * blocks.dtype.itemSize
        guard !needed.overflow, blocks.isContiguous, available == needed.partialValue else {
            throw TensorError.shapeMismatch(
                op: "QuantizedMatrix", detail: "[\(rows), \(columns)] in \(type) needs \(needed.partialValue) contiguous bytes, got \(available)")
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.blocks = blocks
    }

    /// Whether `matmul` takes the integer-block path (activations rounded to 8 bits) rather than float dot products.
    public var usesIntegerKernel: Bool { cq_supports(Int32(type.rawValue)) != 0 }

    /// Values per activation block of the integer path (the rounding unit of the accuracy bound): 256 for the
    /// K-quants, 32 otherwise.
    public var activationBlockSize: Int { type.blockSize == 256 ? 256 : 32 }

    /// Whether the integer kernels run as AVX2 code on this CPU (false: the portable C kernels).
    public static var usesAVX2: Bool { cq_uses_avx2() != 0 }

    /// Tests: run the portable C kernels even on an AVX2 CPU (process-wide).
    static func forcePortableKernels(_ on: Bool) { cq_force_portable(on ? 1 : 0) }

    /// Threads for the row split: `SWIFTFORMERS_THREADS` if set (like llama.cpp's `-t`), else the active processors;
    /// 1 for small problems, where a dispatch costs more than it saves.
    public static let configuredThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["SWIFTFORMERS_THREADS"], let n = Int(text), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    static func threadCount(rows: Int, work: Int) -> Int {
        work < 32_768 ? 1 : max(1, min(configuredThreads, rows / 16))
    }

    /// `x · Wᵀ` for `x` of shape `[..., columns]`, giving `[..., rows]` in float32.
    public func matmul(_ x: Tensor) throws -> Tensor {
        guard let inner = x.shape.last, inner == columns else {
            throw TensorError.shapeMismatch(
                op: "QuantizedMatrix.matmul", detail: "\(shapeString(x.shape)) × [\(columns), \(rows)]ᵀ — input features \(x.shape.last.map(String.init) ?? "none") and \(columns) differ")
        }
        let tokens = columns == 0 ? x.count : x.count / columns
        let result = Tensor(zeros: Array(x.shape.dropLast()) + [rows])
        try x.withFloats { input in
            guard let base = input.baseAddress else { return }
            try apply(input: base, tokens: tokens, output: result.basePointer(as: Float.self))
        }
        return result
    }

    /// The raw kernel: `output[t * rows + r] = Σ_k W[r, k] · input[t * columns + k]` for `tokens` dense float rows.
    /// Callers that keep their own buffers (a decoder's per-step scratch) use this to avoid allocating outputs.
    public func apply(input: UnsafePointer<Float>, tokens: Int, output: UnsafeMutablePointer<Float>) throws {
        guard rows > 0, tokens > 0 else { return }
        if columns == 0 { output.initialize(repeating: 0, count: rows * tokens); return }
        let weights = UnsafeSendable(UnsafeRawPointer(blocks.storage.bytes + blocks.offset * blocks.dtype.itemSize))
        let threads = Self.threadCount(rows: rows, work: rows * columns * tokens)
        let type = self.type, rowBytes = self.rowBytes, rows = self.rows, columns = self.columns
        let out = UnsafeSendable(output)
        if usesIntegerKernel {
            // Quantized activations live in a per-thread buffer reused across calls: no allocation per token.
            let code = Int32(type.rawValue)
            let bytes = cq_activation_bytes(code, Int32(columns)) * tokens
            guard let scratch = cq_thread_scratch(bytes) else {
                throw TensorError.invalidArgument(op: "QuantizedMatrix", detail: "cannot allocate \(bytes) bytes of activations")
            }
            cq_quantize(code, input, Int32(tokens), Int32(columns), scratch)
            cq_matmul_parallel(code, weights.value, rowBytes, Int32(rows), scratch, Int32(tokens), Int32(columns),
                               out.value, rows, Int32(threads))
        } else {
            let source = UnsafeSendable(input)
            Self.split(rows: rows, threads: threads) { range in
                // Dequantization cannot fail here: the type and row length were validated in `init`.
                try? QuantizedKernels.dequantizingRows(type, weights: weights.value, rowBytes: rowBytes, columns: columns, rows: range,
                                                       input: source.value, tokens: tokens, output: out.value, outputStride: rows)
            }
        }
    }

    /// Runs `body` on `threads` contiguous, equal slices of `0..<rows` (rounded to multiples of 4 rows).
    static func split(rows: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        if threads <= 1 { body(0..<rows); return }
        let chunk = ((rows + threads - 1) / threads + 3) / 4 * 4
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            let start = min(index * chunk, rows), end = min(start + chunk, rows)
            if start < end { body(start..<end) }
        }
    }

    /// All weights as a float32 `[rows, columns]` tensor (for checks and for formats without a kernel).
    public func dequantized() throws -> Tensor {
        let result = Tensor.uninitialized([rows, columns], dtype: .float32)
        let source = UnsafeRawPointer(blocks.storage.bytes + blocks.offset * blocks.dtype.itemSize)
        try GGMLDequantize.dequantize(type, from: source, count: rows * columns, into: result.basePointer(as: Float.self))
        return result
    }
}

/// Hands a pointer (or a struct of pointers) to worker threads: the kernels write disjoint rows, which the
/// compiler cannot prove.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
