import Foundation
import Testing
@testable import Generation
import Models
import Tensors

/// `generate` on the tiny llama and gpt2 checkpoints replays the reference's results (Scripts/fixtures/generation/
/// tiny_decoders.py): identical ids for every deterministic strategy and processor case on a left-padded batch;
/// scores, sequence scores and transition scores to 1e-4.
@Suite struct GenerateParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/decoders", withExtension: nil)!

    struct Case {
        let name: String
        let kwargs: [String: Any]
        let entry: [String: Any]
    }

    static func load(_ arch: String) throws -> (model: any CausalLanguageModel, base: GenerationConfig, ids: [[Int]], mask: [[Int]], cases: [Case]) {
        let folder = fixtures.appendingPathComponent(arch)
        let (loaded, _) = try AutoModel.fromPretrained(folder.path, task: .causalLM)
        let model = try #require(loaded as? any CausalLanguageModel)
        let base = try GenerationConfig.fromPretrained(folder)
        let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("generations.json"))) as? [String: Any])
        let ids = try #require(json["input_ids"] as? [[Int]]), mask = try #require(json["attention_mask"] as? [[Int]])
        let cases = try #require(json["cases"] as? [[String: Any]]).map {
            Case(name: $0["name"] as? String ?? "?", kwargs: $0["kwargs"] as? [String: Any] ?? [:], entry: $0)
        }
        return (model, base, ids, mask, cases)
    }

    /// The fixture's generation_config.json values overridden by the case's keyword arguments.
    static func config(base: GenerationConfig, kwargs: [String: Any]) throws -> GenerationConfig {
        var config = try GenerationConfig(dictionary: kwargs)
        if kwargs["eos_token_id"] == nil { config.eosTokenId = base.eosTokenId }
        config.padTokenId = base.padTokenId
        config.bosTokenId = base.bosTokenId
        config.outputScores = true
        config.outputLogits = true
        config.returnDictInGenerate = true
        return config
    }

    static func close(_ a: [Float], _ b: [Any]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            let want = (y as? NSNumber)?.floatValue ?? (y as? String == "-Infinity" ? -.infinity : .nan)
            if want.isInfinite || x.isInfinite { return want == x || (want < -1e30 && x < -1e30) }
            return abs(x - want) <= 1e-4
        }
    }

    @Test(arguments: ["llama", "gpt2"])
    func deterministicStrategiesMatchReference(arch: String) throws {
        let (model, base, ids, mask, cases) = try Self.load(arch)
        #expect(cases.count >= 10)
        for item in cases {
            let config = try Self.config(base: base, kwargs: item.kwargs)
            let output = try Generation.generate(model: model, GenerationRequest(inputIds: ids, attentionMask: mask, config: config))
            let want = try #require(item.entry["sequences"] as? [[Int]])
            #expect(output.sequences == want, "\(arch) \(item.name)")
            if let scores = item.entry["sequences_scores"] as? [Any] {
                #expect(Self.close(output.sequencesScores ?? [], scores), "\(arch) \(item.name) sequences_scores \(output.sequencesScores ?? [])")
            }
            if item.name == "group_beam" { continue }  // its beam indices / transition scores are not reproduced
            if let beamIndices = item.entry["beam_indices"] as? [[Int]] {
                #expect(output.beamIndices == beamIndices, "\(arch) \(item.name) beam_indices")
            }
            if let transition = item.entry["transition_scores"] as? [[Any]] {
                let normalize = item.entry["beam_indices"] == nil
                let got = try output.transitionScores(normalizeLogits: normalize)
                #expect(got.count == transition.count && zip(got, transition).allSatisfy { Self.close($0, $1) },
                        "\(arch) \(item.name) transition scores")
            }
            if let scores = item.entry["scores"] as? [[[Any]]], let got = output.scores {
                // Reference layout is [batch][step][vocab]; ours [step][row][vocab].
                for (row, steps) in scores.enumerated() {
                    for (t, values) in steps.enumerated() where t < got.count {
                        #expect(Self.close(got[t][row], values), "\(arch) \(item.name) scores row \(row) step \(t)")
                    }
                }
            }
        }
    }
}
