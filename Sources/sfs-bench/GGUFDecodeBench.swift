// sfs-bench generation --gguf FILE: the quantized matmuls of a Llama-architecture GGUF (SmolLM2-135M Q4_1: Q4_1
// blocks, Q8_0 tied LM head) as a decode step and a 32-token prompt would run them — fused q|k|v and gate|up,
// caller-owned buffers, no allocation per token. Attention, norms and sampling are not included: this is the
// matmul share of `llama-bench -p 32 -n 128` on the same file, the part the CQuant kernels own.
import Foundation
import Tensors

enum GGUFDecodeBench {
    struct Layer {
        let qkv, output, gateUp, down: QuantizedMatrix
    }

    static func run(path: String, promptTokens: Int = 32, newTokens: Int = 128) throws {
        let file = try GGUFFile(path: path)
        let blocks = file.metadata["llama.block_count"]?.int ?? 0
        var layers: [Layer] = []
        for i in 0..<blocks {
            func m(_ name: String) throws -> QuantizedMatrix { try file.quantizedMatrix(named: "blk.\(i).\(name).weight") }
            layers.append(Layer(
                qkv: try .concatenatingRows([m("attn_q"), m("attn_k"), m("attn_v")]), output: try m("attn_output"),
                gateUp: try .concatenatingRows([m("ffn_gate"), m("ffn_up")]), down: try m("ffn_down")))
        }
        let head = try file.quantizedMatrix(named: file.tensors.contains { $0.name == "output.weight" } ? "output.weight" : "token_embd.weight")
        guard let first = layers.first else { print("no llama blocks in \(path)"); return }
        let hidden = first.qkv.columns, intermediate = first.down.columns
        let widest = max(first.qkv.rows, first.gateUp.rows, head.rows, intermediate)
        let input = UnsafeMutablePointer<Float>.allocate(capacity: promptTokens * intermediate)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: promptTokens * widest)
        defer { input.deallocate(); output.deallocate() }
        for i in 0..<(promptTokens * intermediate) { input[i] = Float((i * 7919) % 211) / 105.5 - 1 }

        func pass(tokens: Int, headTokens: Int) throws {
            for layer in layers {
                try layer.qkv.apply(input: input, tokens: tokens, output: output)
                try layer.output.apply(input: input, tokens: tokens, output: output)
                try layer.gateUp.apply(input: input, tokens: tokens, output: output)
                try layer.down.apply(input: input, tokens: tokens, output: output)
            }
            try head.apply(input: input, tokens: headTokens, output: output)
        }
        var decodeBest = Double.infinity, promptBest = Double.infinity
        for _ in 0..<3 {
            let t0 = BenchTiming.now()
            try pass(tokens: promptTokens, headTokens: 1)
            let t1 = BenchTiming.now()
            for _ in 0..<newTokens { try pass(tokens: 1, headTokens: 1) }
            let t2 = BenchTiming.now()
            promptBest = min(promptBest, t1 - t0)
            decodeBest = min(decodeBest, t2 - t1)
        }
        let bytes = layers.reduce(0) { $0 + ($1.qkv.rows + $1.output.rows) * $1.qkv.rowBytes + $1.gateUp.rows * $1.gateUp.rowBytes + $1.down.rows * $1.down.rowBytes }
            + head.rows * head.rowBytes
        print(String(format: "gguf matmuls only (%d blocks %@ + %@ head, %.1f MB/token, kernels %@, threads %d): prompt %d tokens %.1f ms (%.0f tok/s); decode %d tokens %.1f ms (%.1f tok/s)",
                     layers.count, "\(first.qkv.type)", "\(head.type)", Double(bytes) / 1e6,
                     QuantizedMatrix.usesAVX2 ? "AVX2" : "portable", QuantizedMatrix.configuredThreads,
                     promptTokens, promptBest * 1e3, Double(promptTokens) / promptBest,
                     newTokens, decodeBest * 1e3, Double(newTokens) / decodeBest))
        _ = hidden
    }
}
