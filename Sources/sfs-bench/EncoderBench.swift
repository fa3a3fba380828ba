// `sfs-bench encoders`: the Swift side of Scripts/bench/encoders.py — BERT-base forward (seq 128, batch 1 and 8)
// on the random checkpoint the Python script writes to /tmp/sfs-bench-bert-base, the all-MiniLM-L6-v2 embedding
// of the same 1,000 sentences, and the checkpoint load time.
import Foundation
import Models
import Pipelines
import Tensors

enum EncoderBench {
    static let folder = "/tmp/sfs-bench-bert-base"

    /// The Python script's sentences, word for word.
    static func sentences(_ n: Int = 1000) -> [String] {
        let words = ("the quick brown fox jumps over a lazy dog while swift code runs fast on linux servers and "
            + "people read books about science music history art travel food sport weather").split(separator: " ").map(String.init)
        return (0..<n).map { i in
            (0..<(6 + i % 20)).map { j in words[(i * 7 + j * 3) % words.count] }.joined(separator: " ") + "."
        }
    }

    static func run(arguments: [String]) throws {
        guard FileManager.default.fileExists(atPath: folder + "/model.safetensors") else {
            print("no \(folder): run Scripts/bench/encoders.py first (it writes the random BERT-base checkpoint)")
            return
        }
        let t0 = BenchTiming.now()
        let (model, _) = try AutoModel.fromPretrained(folder, task: .base)
        print(String(format: "load bert-base: %.1f ms", (BenchTiming.now() - t0) * 1e3))
        for batch in [1, 8] {
            var generator = SystemRandomNumberGenerator()
            let ids = (0..<(batch * 128)).map { _ in Int64.random(in: 1000..<20000, using: &generator) }
            let inputs = ModelInputs(inputIds: try Tensor(ids, shape: [batch, 128]),
                                     attentionMask: Tensor.ones([batch, 128], dtype: .int64))
            let seconds = BenchTiming.best(minRuns: 3) { _ = try? model.forward(inputs) }
            print(String(format: "bert-base forward seq 128 batch %d: %.1f ms", batch, seconds * 1e3))
        }
        guard let embedder = try? SentenceEmbeddings.fromPretrained("sentence-transformers/all-MiniLM-L6-v2") else {
            print("all-MiniLM-L6-v2: skipped (not in the HF cache; see Scripts/get-models)")
            return
        }
        let texts = sentences()
        let seconds = BenchTiming.best(minRuns: 1, minSeconds: 0) { _ = try? embedder.encode(texts, batchSize: 32) }
        print(String(format: "all-MiniLM-L6-v2 1000 sentences: %.1f ms", seconds * 1e3))
    }
}
