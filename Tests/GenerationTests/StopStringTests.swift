import Foundation
import Testing
@testable import Generation
import Models
import Tokenizers

/// `stop_strings` against transformers' `StopStringCriteria` (Scripts/fixtures/generation/stop_strings.py): the
/// criterion's verdict on 456 id sequences (prefixes of texts around the stop strings and random ids) with a
/// Metaspace BPE tokenizer, and greedy / beam generate runs on the tiny gpt2 checkpoint that stop where the
/// reference stops.
@Suite struct StopStringTests {
    static let folder = Bundle.module.url(forResource: "Fixtures/stop_strings", withExtension: nil)!
    static let model = Bundle.module.url(forResource: "Fixtures/decoders/gpt2", withExtension: nil)!

    static func cases() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("cases.json"))) as? [String: Any])
    }

    @Test func criterionMatchesReferenceVerdicts() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Self.folder)
        let vocabulary = try StopStringCriteria.cleanVocabulary(tokenizer)
        #expect(vocabulary.count == 128)
        let items = try #require(try Self.cases()["criteria"] as? [[String: Any]])
        var criteria: [[String]: StopStringCriteria] = [:]
        var positives = 0
        for item in items {
            let stops = try #require(item["stop_strings"] as? [String]), ids = try #require(item["ids"] as? [Int])
            let want = try #require(item["matches"] as? Bool)
            if criteria[stops] == nil { criteria[stops] = try StopStringCriteria(cleanVocabulary: vocabulary, stopStrings: stops) }
            #expect(criteria[stops]?.matches(ids) == want, "\(stops) \(ids)")
            if want { positives += 1 }
        }
        #expect(items.count > 400 && positives > 20)
    }

    @Test func generateStopsWhereReferenceStops() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Self.folder)
        let (loaded, _) = try AutoModel.fromPretrained(Self.model.path, task: .causalLM)
        let model = try #require(loaded as? any CausalLanguageModel)
        let base = try GenerationConfig.fromPretrained(Self.model)
        let items = try #require(try Self.cases()["generate"] as? [[String: Any]])
        #expect(items.count == 12)
        var stoppedEarly = 0
        for item in items {
            var config = base
            config.maxNewTokens = 24
            config.numBeams = try #require(item["num_beams"] as? Int)
            config.stopStrings = try #require(item["stop_strings"] as? [String])
            let prompt = try #require(item["prompt"] as? [Int]), want = try #require(item["sequence"] as? [Int])
            let output = try Generation.generate(model: model, GenerationRequest(inputIds: [prompt], config: config, tokenizer: tokenizer))
            #expect(output.sequences[0] == want, "\(config.stopStrings ?? []) beams \(config.numBeams)")
            if want.count < prompt.count + 24 { stoppedEarly += 1 }
        }
        #expect(stoppedEarly >= 6)
    }

    @Test func stopStringsNeedTheTokenizer() throws {
        let (loaded, _) = try AutoModel.fromPretrained(Self.model.path, task: .causalLM)
        let model = try #require(loaded as? any CausalLanguageModel)
        var config = try GenerationConfig.fromPretrained(Self.model)
        config.maxNewTokens = 3
        config.stopStrings = ["stop"]
        #expect { try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6]], config: config)) } throws: {
            "\($0)".contains("you must pass the model's tokenizer to the `tokenizer` argument of `generate`")
        }
    }
}
