import Foundation
import Hub
import Testing
@testable import Generation
@testable import Models
import Tensors

/// Falcon in its three fused-QKV layouts (and with ALiBi) on tiny random checkpoints (Scripts/fixtures/generation/tiny_falcon.py):
/// prefill logits of a left-padded batch and three cached decode steps within 1e-4 of transformers 4.55.4, and
/// greedy generate ids identical to the reference.
@Suite struct FalconParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/falcon", withExtension: nil)!

    @Test(arguments: ["new", "multi_query", "sequential", "alibi"])
    func logitsMatchReference(variant: String) throws {
        let folder = Self.fixtures.appendingPathComponent(variant)
        let (loaded, report) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        #expect(report.unexpected.isEmpty && report.newlyInitialized.isEmpty, "\(variant): \(report)")
        let model = try #require(loaded as? any CausalLanguageModel)
        _ = try DecoderParityTests.checkPrefillAndSteps(model, folder: folder, label: variant)
    }

    @Test(arguments: ["new", "multi_query", "sequential", "alibi"])
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

    /// The slopes of the reference's `build_alibi_tensor` for power-of-two and other head counts (Press et al.'s
    /// closed forms: 2^(−8k/n), then every other slope of 2n), and PyTorch's bfloat16 rounding (ties to even).
    @Test func alibiSlopesAndRounding() {
        #expect(FalconALiBi.slopes(heads: 8) == (1...8).map { Float(pow(2, -Double($0))) })
        #expect(FalconALiBi.slopes(heads: 6) == [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125])
        #expect(FalconALiBi.bfloat16(1 + 1.0 / 256) == 1)            // tie, rounds to the even mantissa
        #expect(FalconALiBi.bfloat16(1 + 3.0 / 256) == 1 + 4.0 / 256)  // tie, rounds up to even
        #expect(FalconALiBi.bfloat16(0.1) == Float(bitPattern: 0x3DCD_0000))
    }
}
