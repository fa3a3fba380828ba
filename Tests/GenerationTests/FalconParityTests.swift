import Foundation
import Hub
import Testing
@testable import Generation
@testable import Models
import Tensors

/// Falcon in its three fused-QKV layouts on tiny random checkpoints (Scripts/fixtures/generation/tiny_falcon.py):
/// prefill logits of a left-padded batch and three cached decode steps within 1e-4 of transformers 4.55.4, and
/// greedy generate ids identical to the reference.
@Suite struct FalconParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/falcon", withExtension: nil)!

    @Test(arguments: ["new", "multi_query", "sequential"])
    func logitsMatchReference(variant: String) throws {
        let folder = Self.fixtures.appendingPathComponent(variant)
        let (loaded, report) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        #expect(report.unexpected.isEmpty && report.newlyInitialized.isEmpty, "\(variant): \(report)")
        let model = try #require(loaded as? any CausalLanguageModel)
        _ = try DecoderParityTests.checkPrefillAndSteps(model, folder: folder, label: variant)
    }

    @Test(arguments: ["new", "multi_query", "sequential"])
    func greedyIdsMatchReference(variant: String) throws {
        let folder = Self.fixtures.appendingPathComponent(variant)
        let (loaded, _) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        let model = try #require(loaded as? any CausalLanguageModel)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("greedy.json"))) as? [String: Any])
        var config = try GenerationConfig.fromPretrained(folder)
        config.maxNewTokens = 10
        config.doSample = false
        let output = try Generation.generate(model: model, GenerationRequest(
            inputIds: try #require(json["input_ids"] as? [[Int]]), attentionMask: try #require(json["attention_mask"] as? [[Int]]),
            config: config))
        #expect(output.sequences == (try #require(json["sequences"] as? [[Int]])), "\(variant)")
    }

    @Test func alibiCheckpointsAreRefusedWithAMessage() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("falcon-alibi-\(getpid()).json")
        try Data(#"{"model_type": "falcon", "alibi": true, "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1, "vocab_size": 4}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try PretrainedConfig(contentsOf: file)
        #expect { try FalconModel(config: config, weights: Weights([], source: "test", basePrefix: "transformer"), task: .causalLM) } throws: {
            "\($0)".contains("ALiBi")
        }
    }
}
