// sfs-bench generation: GPT-2-small-sized random weights, a 32-token prompt then 128 greedy tokens at batch 1,
// through our KV cache — prefill time and decode tokens/s (Scripts/bench/generation.py measures PyTorch the same way).
import Foundation
import Generation
import Hub
import Models
import Tensors

enum GenerationBench {
    static func run(arguments: [String]) throws {
        if let flag = arguments.firstIndex(of: "--gguf"), flag + 1 < arguments.count {
            try GGUFDecodeBench.run(path: arguments[flag + 1])
            return
        }
        let layers = 12, hidden = 768, heads = 12, vocab = 50257, positions = 1024
        let json = #"{"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257, "n_positions": 1024, "tie_word_embeddings": true}"#
        let config = PretrainedConfig(try JSONValue(parsing: json).objectValue ?? JSONObject(), nameOrPath: "gpt2-small-random")
        // `--clock cpu`: one thread, the calling thread's CPU time (for comparisons on a loaded machine).
        if let flag = arguments.firstIndex(of: "--clock"), flag + 1 < arguments.count, arguments[flag + 1] == "cpu" {
            BenchTiming.useThreadCPUTime = true
            GEMM.threadCount = 1
        }
        if let flag = arguments.firstIndex(of: "--threads"), flag + 1 < arguments.count, let threads = Int(arguments[flag + 1]) {
            GEMM.threadCount = threads
        }
        let random = RandomGenerator(seed: 0)
        // N(0, 0.02²) weights, all allocated before any is filled, then filled 64 Ki values at a time (the same values
        // as one `randn` per tensor). One `randn` of the 154 MB embedding table holds three temporaries of its size,
        // and temporaries allocated between the long-lived weights fragment the heap: either way the process's peak
        // RSS measured the benchmark's own weight generation (~75 MB of it) rather than the model.
        var pending: [Tensor] = []
        func normal(_ shape: [Int]) -> Tensor {
            let result = Tensor(zeros: shape)
            pending.append(result)
            return result
        }
        func fill(_ tensor: Tensor) throws {
            let target = tensor.basePointer(as: Float.self), count = tensor.count, chunk = 1 << 16
            for start in stride(from: 0, to: count, by: chunk) {
                let piece = try Tensor.randn([Swift.min(chunk, count - start)], generator: random).mul(0.02).contiguous()
                (target + start).update(from: piece.basePointer(as: Float.self), count: piece.count)
            }
        }
        var tensors: [(String, Tensor)] = [
            ("transformer.wte.weight", normal([vocab, hidden])), ("transformer.wpe.weight", normal([positions, hidden])),
            ("transformer.ln_f.weight", Tensor.ones([hidden])), ("transformer.ln_f.bias", Tensor.zeros([hidden])),
        ]
        for i in 0..<layers {
            let p = "transformer.h.\(i)."
            tensors += [
                (p + "ln_1.weight", Tensor.ones([hidden])), (p + "ln_1.bias", Tensor.zeros([hidden])),
                (p + "ln_2.weight", Tensor.ones([hidden])), (p + "ln_2.bias", Tensor.zeros([hidden])),
                (p + "attn.c_attn.weight", normal([hidden, 3 * hidden])), (p + "attn.c_attn.bias", Tensor.zeros([3 * hidden])),
                (p + "attn.c_proj.weight", normal([hidden, hidden])), (p + "attn.c_proj.bias", Tensor.zeros([hidden])),
                (p + "mlp.c_fc.weight", normal([hidden, 4 * hidden])), (p + "mlp.c_fc.bias", Tensor.zeros([4 * hidden])),
                (p + "mlp.c_proj.weight", normal([4 * hidden, hidden])), (p + "mlp.c_proj.bias", Tensor.zeros([hidden])),
            ]
        }
        for tensor in pending { try fill(tensor) }
        pending = []
        let (built, _) = try ModelRegistry.build(config: config, tensors: tensors, source: "random", task: .causalLM)
        guard let model = built as? any CausalLanguageModel else { return }
        let prompt = (0..<32).map { ($0 * 997) % vocab }
        var prefillBest = Double.infinity, decodeBest = Double.infinity
        for _ in 0..<3 {
            let cache = model.makeCache()
            var mask = [[Int]](repeating: [Int](repeating: 1, count: 32), count: 1)
            let t0 = BenchTiming.now()
            var logits = try Generation.step(model, tokens: [prompt], mask: mask, cache: cache)
            let t1 = BenchTiming.now()
            for _ in 0..<128 {
                let token = Generation.argmax(logits[0])
                mask[0].append(1)
                logits = try Generation.step(model, tokens: [[token]], mask: mask, cache: cache)
            }
            let t2 = BenchTiming.now()
            prefillBest = min(prefillBest, t1 - t0)
            decodeBest = min(decodeBest, t2 - t1)
        }
        let greedyPeak = peakResidentBytes()
        // Beam search, 4 beams, exactly 32 new tokens (min_new_tokens = max_new_tokens keeps eos out, so both sides
        // run the same number of steps whatever their random weights say).
        var beamConfig = try GenerationConfig(dictionary: ["num_beams": 4, "max_new_tokens": 32, "min_new_tokens": 32, "do_sample": false])
        beamConfig.eosTokenId = [50256]
        var beamBest = Double.infinity
        for _ in 0..<2 {
            let t0 = BenchTiming.now()
            _ = try Generation.generate(model: model, GenerationRequest(inputIds: [prompt], config: beamConfig))
            beamBest = min(beamBest, BenchTiming.now() - t0)
        }
        let parameters = tensors.reduce(0) { $0 + $1.1.count }
        let kvBytes = 2 * layers * (32 + 128) * hidden * 4
        print(String(format: "beam search 4 beams, prompt 32 + 32 new tokens: %.1f ms (%.2f tok/s per beam)", beamBest * 1e3, 32 / beamBest))
        print(String(format: "peak RSS after greedy %.1f MB; weights %.1f MB (float32) + KV cache %.1f MB → ratio %.2f",
                     Double(greedyPeak) / 1e6, Double(parameters * 4) / 1e6, Double(kvBytes) / 1e6,
                     Double(greedyPeak) / Double(parameters * 4 + kvBytes)))
        // Where a decode step goes: the LM head (768 × 50257 GEMV) and the 12 blocks' projections (weights streamed once
        // per token), measured alone on one token's hidden state.
        func filled(_ shape: [Int]) throws -> Tensor { let t = normal(shape); try fill(t); return t }
        let x = try filled([1, 1, hidden])
        let head = BenchTiming.best { _ = try? x.linear(weight: tensors[0].1) }
        // GPT-2's Conv1D weights are [in, out]; the model multiplies by their transposed views, as here.
        let projections = try [filled([hidden, 3 * hidden]), filled([hidden, hidden]), filled([hidden, 4 * hidden]), filled([4 * hidden, hidden])]
            .map { try $0.transpose(0, 1) }
        let xs = [x, x, x, try filled([1, 1, 4 * hidden])]
        let blockMatmuls = BenchTiming.best { for (w, input) in zip(projections, xs) { _ = try? input.linear(weight: w) } }
        print(String(format: "per decode token: %.2f ms total; LM head GEMV %.2f ms; 12 blocks' projections %.2f ms; rest (attention, norms, mask, sampling) %.2f ms",
                     decodeBest / 128 * 1e3, head * 1e3, 12 * blockMatmuls * 1e3, (decodeBest / 128 - head - 12 * blockMatmuls) * 1e3))
        // Prefill's projections (32 rows) on the Conv1D layout the model uses ([in, out], transposed views) against
        // the [out, in] copies the loader used to make: whether reading the stored layout costs the GEMM anything.
        let rows32 = try filled([32, hidden]), rows32Wide = try filled([32, 4 * hidden])
        let inputs32 = [rows32, rows32, rows32, rows32Wide]
        let views32 = BenchTiming.best { for (w, input) in zip(projections, inputs32) { _ = try? input.linear(weight: w) } }
        let copies = projections.map { $0.contiguous() }
        let copies32 = BenchTiming.best { for (w, input) in zip(copies, inputs32) { _ = try? input.linear(weight: w) } }
        print(String(format: "prefill projections, 32 rows × 12 blocks: %.1f ms on [in, out] views, %.1f ms on [out, in] copies",
                     12 * views32 * 1e3, 12 * copies32 * 1e3))
        let bandwidth = memcpyBandwidth()
        let weightBytes = Double(parameters - positions * hidden) * 4  // wpe rows are read one at a time
        print(String(format: "memcpy bandwidth %.1f GB/s → bandwidth bound %.1f tok/s (%.0f MB of weights per token); decode reaches %.0f%%",
                     bandwidth / 1e9, bandwidth / weightBytes, weightBytes / 1e6, 100 * (128 / decodeBest) / (bandwidth / weightBytes)))
        print(String(format: "generation gpt2-small random: prefill 32 tokens %.1f ms (%.0f tok/s); decode 128 tokens %.1f ms (%.2f tok/s)",
                     prefillBest * 1e3, 32 / prefillBest, decodeBest * 1e3, 128 / decodeBest))
    }

    /// Peak resident set (VmHWM of /proc/self/status), in bytes; 0 where unavailable.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Bytes per second of a 256 MiB memcpy (read + write counted once, as the bound's "bytes read" is), best of 5.
    static func memcpyBandwidth() -> Double {
        let count = 256 << 20
        let source = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        defer { source.deallocate(); target.deallocate() }
        memset(source, 1, count)
        memset(target, 0, count)
        let best = BenchTiming.best { memcpy(target, source, count) }
        return Double(count) / best
    }
}
