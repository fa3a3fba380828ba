import Foundation
import Hub
import Testing
@testable import Generation
import Models
import Tensors

/// A model whose next-token logits are always the same known distribution: sampling can be checked statistically.
final class FixedDistributionModel: CausalLanguageModel, @unchecked Sendable {
    let config = PretrainedConfig(JSONObject(), nameOrPath: "fixed")
    let probabilities: [Float]
    init(_ probabilities: [Float]) { self.probabilities = probabilities }
    var vocabSize: Int { probabilities.count }
    var maxPositions: Int? { nil }
    func makeCache() -> KVCache { KVCache(layers: 1) }
    func hiddenStates(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?) throws -> Tensor {
        Tensor.zeros([inputIds.shape[0], inputIds.shape[1], 1])
    }
    func headLogits(_ hidden: Tensor) throws -> Tensor {
        try Tensor((0..<hidden.shape[0] * hidden.shape[1]).flatMap { _ in probabilities.map { Foundation.log($0) } },
                   shape: [hidden.shape[0], hidden.shape[1], probabilities.count])
    }
    func forward(_ inputs: ModelInputs) throws -> ModelOutput { ModelOutput("CausalLMOutputWithPast") }
    func logits(inputIds: Tensor, attentionMask: Tensor?, positionIds: Tensor?, cache: KVCache?, lastOnly: Bool) throws -> Tensor {
        let rows = inputIds.shape[0], positions = lastOnly ? 1 : inputIds.shape[1]
        return try Tensor((0..<rows * positions).flatMap { _ in probabilities.map { Foundation.log($0) } },
                          shape: [rows, positions, probabilities.count])
    }
}

@Suite struct GenerationBehaviourTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/decoders", withExtension: nil)!

    /// Pearson's χ² of observed counts against expected probabilities.
    static func chiSquare(_ counts: [Int], _ expected: [Double]) -> Double {
        let n = Double(counts.reduce(0, +))
        return zip(counts, expected).filter { $1 > 0 }.map { c, p in (Double(c) - n * p) * (Double(c) - n * p) / (n * p) }.reduce(0, +)
    }

    func draw(_ config: GenerationConfig, probabilities: [Float], draws: Int = 4000, seed: UInt64 = 7) throws -> [Int] {
        var config = config
        config.doSample = true
        config.maxNewTokens = 1
        config.numReturnSequences = draws
        let output = try Generation.generate(model: FixedDistributionModel(probabilities),
                                             GenerationRequest(inputIds: [[0]], config: config, seed: seed))
        var counts = [Int](repeating: 0, count: probabilities.count)
        for sequence in output.sequences { counts[sequence[1]] += 1 }
        return counts
    }

    @Test func multinomialSamplingFollowsTheDistribution() throws {
        let p: [Float] = [0.4, 0.25, 0.2, 0.1, 0.05]
        var config = GenerationConfig()
        config.topK = 0
        let counts = try draw(config, probabilities: p)
        // df = 4: P(χ² > 18.47) = 0.001.
        #expect(Self.chiSquare(counts, p.map(Double.init)) < 18.47, "counts \(counts)")
    }

    @Test func topKAndTemperatureReshapeTheDistribution() throws {
        let p: [Float] = [0.4, 0.25, 0.2, 0.1, 0.05]
        var config = GenerationConfig()
        config.topK = 3
        config.temperature = 0.5
        let counts = try draw(config, probabilities: p)
        #expect(counts[3] == 0 && counts[4] == 0)
        // Temperature 0.5 squares the probabilities before renormalizing.
        let squared = p.prefix(3).map { Double($0 * $0) }, total = squared.reduce(0, +)
        #expect(Self.chiSquare(Array(counts.prefix(3)), squared.map { $0 / total }) < 13.82, "counts \(counts)")
    }

    @Test func topPKeepsTheSmallestSetAboveP() throws {
        let p: [Float] = [0.4, 0.25, 0.2, 0.1, 0.05]
        var config = GenerationConfig()
        config.topK = 0
        config.topP = 0.6  // 0.4 + 0.25 ≥ 0.6 → two tokens
        let counts = try draw(config, probabilities: p)
        #expect(counts[2] == 0 && counts[3] == 0 && counts[4] == 0)
        #expect(Self.chiSquare(Array(counts.prefix(2)), [0.4 / 0.65, 0.25 / 0.65]) < 10.83, "counts \(counts)")
    }

    @Test func minPRemovesUnlikelyTokens() throws {
        var config = GenerationConfig()
        config.topK = 0
        config.minP = 0.3  // threshold 0.12: keeps 0.4, 0.25, 0.2
        let counts = try draw(config, probabilities: [0.4, 0.25, 0.2, 0.1, 0.05])
        #expect(counts[3] == 0 && counts[4] == 0 && counts[0] > 0 && counts[2] > 0)
    }

    @Test func sameSeedSameSamples() throws {
        var config = GenerationConfig()
        config.topK = 0
        let p: [Float] = [0.3, 0.3, 0.4]
        #expect(try draw(config, probabilities: p, draws: 50, seed: 3) == draw(config, probabilities: p, draws: 50, seed: 3))
    }

    // MARK: Bad input, worded as the reference

    func tinyModel() throws -> any CausalLanguageModel {
        let (model, _) = try AutoModel.fromPretrained(Self.fixtures.appendingPathComponent("gpt2").path, task: .causalLM)
        return try #require(model as? any CausalLanguageModel)
    }

    @Test func badRequestsThrowReferenceMessages() throws {
        let model = try tinyModel()
        var config = GenerationConfig()
        config.numBeams = 2
        config.numReturnSequences = 3
        #expect(throws: GenerationError.invalidConfig("`num_return_sequences` (3) has to be smaller or equal to `num_beams` (2).")) {
            try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6]], config: config))
        }
        config = GenerationConfig()
        config.doSample = true
        config.temperature = -1
        #expect(throws: GenerationError.invalidConfig("`temperature` (=-1.0) has to be a strictly positive float, otherwise your next token scores will be invalid.")) {
            try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6]], config: config))
        }
        #expect(throws: GenerationError.self) { try Generation.generate(model: model, GenerationRequest(inputIds: [[]], config: GenerationConfig())) }
        config = GenerationConfig()
        config.maxNewTokens = 100  // n_positions is 64
        #expect(throws: GenerationError.self) { try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6]], config: config)) }
    }

    // MARK: Config, streamers, cancellation

    @Test func configPrintsOnlyNonDefaultsAndRoundTrips() throws {
        var config = GenerationConfig()
        config.maxNewTokens = 32
        config.doSample = true
        config.topK = 10
        config.eosTokenId = [2, 7]
        config.earlyStopping = .never
        // json.dumps(config.to_diff_dict(), indent=2, sort_keys=True) for the same values in the reference.
        #expect(config.description == """
        GenerationConfig {
          "do_sample": true,
          "early_stopping": "never",
          "eos_token_id": [
            2,
            7
          ],
          "max_new_tokens": 32,
          "top_k": 10
        }

        """)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("genconfig-\(UUID().uuidString)")
        try config.save(to: folder, fileName: "my_config.json")
        let loaded = try GenerationConfig.fromPretrained(folder, fileName: "my_config.json")
        #expect(loaded == config)
    }

    final class Collector: TokenStreamer, @unchecked Sendable {
        var pieces: [[Int]] = []
        var ended = false
        func put(_ tokens: [Int]) { pieces.append(tokens) }
        func end() { ended = true }
    }

    @Test func streamerSeesPromptThenEachTokenAndCancellationKeepsOutput() throws {
        let model = try tinyModel()
        var config = GenerationConfig()
        config.maxNewTokens = 6
        let collector = Collector()
        let output = try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6, 7]], config: config, streamer: collector))
        #expect(collector.pieces.first == [5, 6, 7])
        #expect(collector.pieces.dropFirst().flatMap { $0 } == Array(output.sequences[0].dropFirst(3)))
        #expect(collector.ended)
        // Stop after three steps: the three tokens generated are kept and equal the uncancelled prefix.
        let counter = Counter()
        let stopped = try Generation.generate(model: model, GenerationRequest(inputIds: [[5, 6, 7]], config: config,
                                                                               shouldStop: { counter.tick() > 3 }))
        #expect(stopped.stoppedBy == "cancelled")
        #expect(stopped.sequences[0] == Array(output.sequences[0].prefix(6)))
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func tick() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }

    struct Letters: TokenTextDecoder {
        /// Token 1 is the first byte of "é" alone (decodes to U+FFFD), token 2 completes it.
        func decode(_ ids: [Int]) -> String {
            var text = ""
            var i = 0
            while i < ids.count {
                if ids[i] == 1 { text += i + 1 < ids.count && ids[i + 1] == 2 ? "é" : "\u{FFFD}"; i += 2; continue }
                text += ids[i] == 0 ? " " : String(UnicodeScalar(UInt8(96 + ids[i])))
                i += 1
            }
            return text
        }
    }

    @Test func textStreamerHoldsIncompleteCharactersAndWords() {
        var pieces: [String] = []
        let streamer = TextStreamer(decoder: Letters(), skipPrompt: true) { text, _ in pieces.append(text) }
        streamer.put([3, 3])  // prompt, skipped
        for token in [3, 0, 1, 2, 0, 4] { streamer.put([token]) }
        streamer.end()
        #expect(pieces.joined() == "c é d")
        #expect(!pieces.contains { $0.contains("\u{FFFD}") })
    }
}

/// Assisted decoding with a different tiny model as assistant gives exactly the main model's greedy output.
@Suite struct AssistedDecodingTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/decoders", withExtension: nil)!

    func load(_ arch: String) throws -> any CausalLanguageModel {
        let (model, _) = try AutoModel.fromPretrained(Self.fixtures.appendingPathComponent(arch).path, task: .causalLM)
        return try #require(model as? any CausalLanguageModel)
    }

    @Test(arguments: [("gpt2", "llama"), ("llama", "llama"), ("opt", "gpt_neox")])
    func assistedGreedyEqualsPlainGreedy(main: String, helper: String) throws {
        let model = try load(main), assistant = try load(helper)
        var config = GenerationConfig()
        config.maxNewTokens = 20
        let request = GenerationRequest(inputIds: [[5, 17, 42, 99, 7]], config: config)
        let plain = try Generation.generate(model: model, request)
        for candidates in [1, 3, 5] {
            let assisted = try Generation.assistedGenerate(model: model, assistant: assistant, request, candidates: candidates)
            #expect(assisted.sequences == plain.sequences, "\(main)+\(helper) k=\(candidates)")
        }
        let heuristic = try Generation.assistedGenerate(model: model, assistant: assistant, request, candidates: 2, schedule: .heuristic)
        #expect(heuristic.sequences == plain.sequences)
    }

    /// With known, overlapping distributions the rejection path matters: a kept proposal with probability
    /// min(1, p/q) and, after a rejection, a draw from normalize(max(p − q, 0)) must give p for every token.
    @Test func speculativeSamplingCorrectsTheAssistantsDistribution() throws {
        let p: [Float] = [0.4, 0.3, 0.2, 0.1], q: [Float] = [0.1, 0.2, 0.3, 0.4]
        var config = GenerationConfig()
        config.doSample = true
        config.topK = 0
        config.maxNewTokens = 3
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 4), count: 3)
        for seed in 0..<4000 {
            let request = GenerationRequest(inputIds: [[0]], config: config, seed: UInt64(seed))
            let output = try Generation.assistedGenerate(model: FixedDistributionModel(p), assistant: FixedDistributionModel(q),
                                                         request, candidates: 2)
            for (step, token) in output.sequences[0].dropFirst().enumerated() { counts[step][token] += 1 }
        }
        // df = 3: P(χ² > 16.27) = 0.001, at each of the three positions.
        for step in 0..<3 {
            #expect(GenerationBehaviourTests.chiSquare(counts[step], p.map(Double.init)) < 16.27, "position \(step): \(counts[step])")
        }
    }

    /// The main model's top-4 distribution at the end of `context`, by its own forward (independent of the processors).
    func topFour(_ model: any CausalLanguageModel, _ context: [Int]) throws -> [Int: Double] {
        let row = try Generation.step(model, tokens: [context], mask: [[Int](repeating: 1, count: context.count)], cache: model.makeCache())[0]
        let top = row.indices.sorted { row[$0] > row[$1] }.prefix(4)
        let peak = Double(row[top.first!])
        let weights = top.map { Foundation.exp(Double(row[$0]) - peak) }
        let total = weights.reduce(0, +)
        return Dictionary(uniqueKeysWithValues: zip(top, weights.map { $0 / total }))
    }

    /// Speculative sampling keeps the main model's distribution: the first two sampled tokens (16 outcomes under
    /// top_k=4) follow p(a)·p(b | a) computed from the main model alone, whichever assistant proposes them.
    @Test(arguments: [("gpt2", "llama"), ("llama", "gpt2")])
    func assistedSamplingFollowsTheMainModel(main: String, helper: String) throws {
        let model = try load(main), assistant = try load(helper)
        let prompt = [5, 17, 42]
        var config = GenerationConfig()
        config.doSample = true
        config.topK = 4
        config.maxNewTokens = 2
        let first = try topFour(model, prompt)
        var expected: [[Int]: Double] = [:]
        for (a, pa) in first {
            for (b, pb) in try topFour(model, prompt + [a]) { expected[[a, b]] = pa * pb }
        }
        var counts: [[Int]: Int] = [:]
        let draws = 3000
        for seed in 0..<draws {
            let request = GenerationRequest(inputIds: [prompt], config: config, seed: UInt64(seed))
            let output = try Generation.assistedGenerate(model: model, assistant: assistant, request, candidates: 1 + seed % 2)
            counts[Array(output.sequences[0].suffix(2)), default: 0] += 1
        }
        #expect(Set(counts.keys).isSubset(of: Set(expected.keys)), "outcomes outside the main model's top 4")
        let keys = expected.keys.sorted { $0.lexicographicallyPrecedes($1) }
        // df = 15: P(χ² > 37.70) = 0.001.
        let chi = GenerationBehaviourTests.chiSquare(keys.map { counts[$0] ?? 0 }, keys.map { expected[$0]! })
        #expect(chi < 37.70, "χ² \(chi), counts \(counts)")
    }
}
