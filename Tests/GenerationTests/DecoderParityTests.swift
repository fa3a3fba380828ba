import Foundation
import Testing
@testable import Models
import Tensors

/// Every decoder architecture on its tiny random checkpoint (Scripts/fixtures/generation/tiny_decoders.py): the
/// prefill logits of a left-padded batch and three cached decode steps match the reference to 1e-4.
@Suite struct DecoderParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/decoders", withExtension: nil)!
    static let inputIds: [[Int64]] = [[0, 0, 0, 5, 17, 42, 99, 7], [3, 11, 64, 23, 90, 31, 8, 77]]
    static let mask: [[Int64]] = [[0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]]
    static let steps: [[Int64]] = [[12, 40], [100, 9], [33, 61]]

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.floats(), b.floats()).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// Prefill of the left-padded batch (pad rows zeroed) and three cached decode steps against the checkpoint
    /// folder's expected.safetensors, to 1e-4. Returns the cache so callers can check its length.
    static func checkPrefillAndSteps(_ model: any CausalLanguageModel, folder: URL, label: String) throws -> KVCache {
        let expected = try Safetensors.load(folder.appendingPathComponent("expected.safetensors").path)
        var mask = try Tensor(Self.mask.flatMap { $0 }, shape: [2, 8])
        let ids = try Tensor(inputIds.flatMap { $0 }, shape: [2, 8])
        let cache = model.makeCache()
        let prefill = try model.logits(inputIds: ids, attentionMask: mask,
                                       positionIds: CausalMask.positionIds(attentionMask: mask, new: 8), cache: cache, lastOnly: false)
        let zeroedPads = try prefill.mul(mask.to(.float32).unsqueeze(-1))
        let want = try #require(expected["prefill"])
        #expect(prefill.shape == want.shape)
        #expect(maxDifference(zeroedPads, want) <= 1e-4, "\(label) prefill: \(maxDifference(zeroedPads, want))")
        for (k, step) in steps.enumerated() {
            mask = try Tensor.cat([mask, Tensor.ones([2, 1], dtype: .int64)], dim: 1)
            let logits = try model.logits(inputIds: Tensor(step, shape: [2, 1]), attentionMask: mask,
                                          positionIds: CausalMask.positionIds(attentionMask: mask, new: 1), cache: cache, lastOnly: true)
            let want = try #require(expected["step\(k)"])
            #expect(maxDifference(logits, want) <= 1e-4, "\(label) step \(k): \(maxDifference(logits, want))")
        }
        return cache
    }

    @Test(arguments: ["llama", "llama3", "qwen2", "gpt2", "gpt_neox", "opt"])
    func prefillAndCachedStepsMatchReference(arch: String) throws {
        let folder = Self.fixtures.appendingPathComponent(arch)
        let (loaded, report) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        #expect(report.unexpected.isEmpty, "\(arch): unexpected \(report.unexpected)")
        let model = try #require(loaded as? any CausalLanguageModel)
        let cache = try Self.checkPrefillAndSteps(model, folder: folder, label: arch)
        #expect(cache.length == 11)
    }

    /// Without a mask or positions the forward pass is the plain causal one (rows of the unpadded second sequence).
    @Test func forwardWithoutMaskMatchesUnpaddedRow() throws {
        let folder = Self.fixtures.appendingPathComponent("llama")
        let (model, _) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        let output = try model.forward(ModelInputs(inputIds: Tensor(Self.inputIds[1], shape: [1, 8])))
        let want = try #require(Safetensors.load(folder.appendingPathComponent("expected.safetensors").path)["prefill"])
        let logits = try #require(output.logits)
        #expect(Self.maxDifference(logits, try want.narrow(0, start: 1, length: 1)) <= 1e-4)
    }
}
