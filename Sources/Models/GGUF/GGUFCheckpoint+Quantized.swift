import Foundation
import Hub
import Tensors

// Keeping a GGUF checkpoint's matrices in their block formats (llama.cpp's default, and the reason the file is small):
// every 2-D tensor whose format has an integer kernel (Q4_0, Q4_1, Q8_0, Q4_K, Q5_K, Q6_K) becomes a
// `QuantizedMatrix` borrowing the file's mapping; `Linear` and `Embedding` multiply or look them up directly.
// Everything else (norm vectors, F32/F16 matrices, formats without a kernel) is dequantized as before.

extension GGUFCheckpoint {
    /// The checkpoint split into float32 tensors and quantized matrices, both under transformers names, in file
    /// order. The q/k rows are un-permuted in either case (for a quantized matrix, by copying whole rows of blocks).
    public func quantizedTensors() throws -> (floats: [(String, Tensor)], quantized: [(String, QuantizedMatrix)]) {
        var floats: [(String, Tensor)] = []
        var quantized: [(String, QuantizedMatrix)] = []
        for info in file.tensors {
            guard let name = Self.hubName(for: info.name) else { continue }
            if info.shape.count == 2, info.type.canDequantize, info.type != .f32 {
                let matrix = try file.quantizedMatrix(named: info.name)
                if matrix.usesIntegerKernel {
                    let order = try rowOrder(forGGUFTensor: info.name, rows: info.shape[0])
                    quantized.append((name, try order.map { try matrix.selectingRows($0) } ?? matrix))
                    continue
                }
            }
            floats.append((name, try weight(gguf: info)))
        }
        return (floats, quantized)
    }
}

extension QuantizedMatrix {
    /// Rows `order[0], order[1], …` of this matrix, copied into a new buffer (rows are whole blocks, so any row
    /// order can be gathered without decoding). Throws for a row index outside the matrix.
    func selectingRows(_ order: [Int]) throws -> QuantizedMatrix {
        let rowBytes = self.rowBytes
        let result = Tensor(zeros: [order.count * rowBytes], dtype: .uint8)
        let source = UnsafeRawPointer(blocks.basePointer(as: UInt8.self))
        let target = UnsafeMutableRawPointer(result.basePointer(as: UInt8.self))
        for (destination, row) in order.enumerated() {
            guard row >= 0, row < rows else {
                throw ModelError.invalidInput("row \(row) is outside a quantized matrix of \(rows) rows")
            }
            (target + destination * rowBytes).copyMemory(from: source + row * rowBytes, byteCount: rowBytes)
        }
        return try QuantizedMatrix(type: type, rows: order.count, columns: columns, blocks: result)
    }
}

// MARK: - from_pretrained(…, gguf_file=…)

extension AutoModel {
    /// `AutoModelForCausalLM.from_pretrained(reference, gguf_file=…)`: the config and weights come from one GGUF
    /// file of the folder or cached repo (no config.json is needed). By default the matrices stay quantized
    /// (multiplied by the integer kernels: about 1/5 of the memory and several times faster decoding); with
    /// `dequantize`, every tensor is converted to float32 on load, exactly as transformers does (the reference
    /// parity tests use this: the quantized path rounds activations to 8 bits per block, see docs/GGUF.md).
    public static func fromPretrained(_ reference: String, ggufFile: String, task: ModelTask = .causalLM,
                                      dequantize: Bool = false, revision: String? = nil,
                                      hub: Hub = Hub()) throws -> (model: any PretrainedModel, report: LoadReport) {
        let path = try ggufPath(reference, ggufFile: ggufFile, revision: revision, hub: hub)
        let checkpoint = try GGUFCheckpoint(path: path.path, nameOrPath: reference)
        if dequantize {
            return try ModelRegistry.build(config: checkpoint.config, tensors: checkpoint.tensors(), source: path.lastPathComponent, task: task)
        }
        let (floats, quantized) = try checkpoint.quantizedTensors()
        return try ModelRegistry.build(config: checkpoint.config, tensors: floats, quantized: quantized,
                                       source: path.lastPathComponent, task: task)
    }
}
