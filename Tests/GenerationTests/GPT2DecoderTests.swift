import Foundation
import Testing
@testable import Models
import Tensors

/// GPT-2's raw-buffer decoder (`GPT2Decoder`, taken whenever nothing is padded) against the reference on the tiny
/// gpt2 checkpoint (Scripts/fixtures/generation/tiny_decoders.py): the unpadded second row of DecoderParityTests'
/// batch, alone and as a batch of two identical rows, prefill plus three cached steps, to 1e-4. (DecoderParityTests'
/// left-padded batch runs the Tensor path.)
@Suite struct GPT2DecoderTests {
    static let folder = DecoderParityTests.fixtures.appendingPathComponent("gpt2")

    static func load() throws -> GPT2Model {
        let (loaded, _) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        return try #require(loaded as? GPT2Model)
    }

    static func expected(_ name: String) throws -> Tensor {
        let all = try Safetensors.load(folder.appendingPathComponent("expected.safetensors").path)
        return try #require(all[name]).narrow(0, start: 1, length: 1).contiguous()
    }

    @Test(arguments: [1, 2])
    func unpaddedRowsMatchReferenceThroughTheRawDecoder(rows: Int) throws {
        let model = try Self.load()
        #expect(model.decoder != nil, "the float32 tiny gpt2 should take the raw-buffer path")
        let prompt = DecoderParityTests.inputIds[1]
        var mask = Tensor.ones([rows, 8], dtype: .int64)
        let cache = model.makeCache()
        let prefill = try model.logits(inputIds: Tensor((0..<rows).flatMap { _ in prompt }, shape: [rows, 8]),
                                       attentionMask: mask, positionIds: nil, cache: cache, lastOnly: false)
        let want = try Self.expected("prefill")
        for r in 0..<rows {
            let difference = DecoderParityTests.maxDifference(try prefill.narrow(0, start: r, length: 1).contiguous(), want)
            #expect(difference <= 1e-4, "prefill row \(r): \(difference)")
        }
        for (k, step) in DecoderParityTests.steps.enumerated() {
            mask = Tensor.ones([rows, 8 + k + 1], dtype: .int64)
            let logits = try model.logits(inputIds: Tensor([Int64](repeating: step[1], count: rows), shape: [rows, 1]),
                                          attentionMask: mask,
                                          positionIds: CausalMask.positionIds(attentionMask: mask, new: 1),
                                          cache: cache, lastOnly: true)
            let want = try Self.expected("step\(k)")
            for r in 0..<rows {
                let difference = DecoderParityTests.maxDifference(try logits.narrow(0, start: r, length: 1).contiguous(), want)
                #expect(difference <= 1e-4, "step \(k) row \(r): \(difference)")
            }
        }
        #expect(cache.length == 11)
    }

    /// `forward` without a mask (no cache) and `hiddenStates` agree with the Tensor path on the same input.
    @Test func forwardAndHiddenStatesMatchTheTensorPath() throws {
        let model = try Self.load()
        let ids = try Tensor(DecoderParityTests.inputIds[1], shape: [1, 8])
        let output = try model.forward(ModelInputs(inputIds: ids))
        let logits = try #require(output.logits)
        #expect(DecoderParityTests.maxDifference(logits, try Self.expected("prefill")) <= 1e-4)
        let fast = try model.hiddenStates(inputIds: ids, attentionMask: nil, positionIds: nil, cache: nil)
        let slow = try model.tensorPathHiddenStates(inputIds: ids, attentionMask: nil, positionIds: nil, cache: nil)
        #expect(fast.shape == slow.shape)
        #expect(DecoderParityTests.maxDifference(fast, slow) <= 1e-5)
    }

    /// A token id outside the vocabulary is an error naming it, not a crash.
    @Test func outOfRangeTokenThrows() throws {
        let model = try Self.load()
        #expect(throws: (any Error).self) {
            _ = try model.logits(inputIds: Tensor([Int64(model.vocabSize)], shape: [1, 1]), attentionMask: nil,
                                 positionIds: nil, cache: nil, lastOnly: true)
        }
    }
}
