// sfs-bench generation --gguf FILE: a Llama-architecture GGUF (SmolLM2-135M-Instruct Q4_1) loaded the default way —
// matrices kept quantized, the raw-buffer decoder — measured as llama.cpp's `llama-bench -t 2 -p 32 -n 128` measures
// it: prompt processing of 32 tokens (tok/s) and 128 single-token decode steps with the KV cache (tok/s), each the
// best of several runs. Threads: SWIFTFORMERS_THREADS (2 for the comparison; Scripts/bench/gguf_generation.sh).
import Foundation
import Generation
import Models
import Tensors

enum GGUFDecodeBench {
    static func run(path: String, promptTokens: Int = 32, newTokens: Int = 128, rounds: Int = 5) throws {
        let url = URL(fileURLWithPath: path)
        let loadStart = BenchTiming.now()
        let (loaded, _) = try AutoModel.fromPretrained(url.deletingLastPathComponent().path, ggufFile: url.lastPathComponent)
        let loadSeconds = BenchTiming.now() - loadStart
        guard let model = loaded as? any CausalLanguageModel else { print("\(path) is not a causal language model"); return }
        let vocab = model.vocabSize
        let prompt = (0..<promptTokens).map { ($0 * 997 + 13) % vocab }
        var promptBest = Double.infinity, decodeBest = Double.infinity
        for _ in 0..<rounds {
            let cache = model.makeCache()
            var mask = [[Int]](repeating: [Int](repeating: 1, count: promptTokens), count: 1)
            let t0 = BenchTiming.now()
            var logits = try Generation.step(model, tokens: [prompt], mask: mask, cache: cache)
            let t1 = BenchTiming.now()
            for _ in 0..<newTokens {
                let token = Generation.argmax(logits[0])
                mask[0].append(1)
                logits = try Generation.step(model, tokens: [[token]], mask: mask, cache: cache)
            }
            let t2 = BenchTiming.now()
            promptBest = min(promptBest, t1 - t0)
            decodeBest = min(decodeBest, t2 - t1)
        }
        print(String(format: "gguf %@ (load %.2f s, kernels %@, threads %d, best of %d)", url.lastPathComponent, loadSeconds,
                     QuantizedMatrix.usesAVX2 ? "AVX2" : "portable", QuantizedMatrix.configuredThreads, rounds))
        print(String(format: "prompt %d tokens: %.1f tok/s", promptTokens, Double(promptTokens) / promptBest))
        print(String(format: "decode %d tokens: %.1f tok/s", newTokens, Double(newTokens) / decodeBest))
        print(String(format: "peak RSS %.1f MB", Double(GenerationBench.peakResidentBytes()) / 1e6))
    }
}
