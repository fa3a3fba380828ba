import Foundation
import Models
import Tensors
import Tokenizers

// `model.generate(...)` for decoder-only models, following transformers/generation/utils.py (4.55): argument
// preparation, the logits-processor list in the reference's order, and the search loops (greedy / multinomial in
// `_sample`, beam search and beam sampling in `_beam_search`).

public struct GenerationRequest {
    public var inputIds: [[Int]]
    /// 1 = real token, 0 = (left) padding; nil means all ones.
    public var attentionMask: [[Int]]?
    public var config: GenerationConfig
    public var streamer: TokenStreamer?
    /// Checked before every step; returning true stops generation, keeping what was generated (Ctrl-C).
    public var shouldStop: (@Sendable () -> Bool)?
    public var seed: UInt64
    /// The model's tokenizer: required for `stop_strings` (the reference's `tokenizer=` argument of `generate`).
    public var tokenizer: PreTrainedTokenizer?

    public init(inputIds: [[Int]], attentionMask: [[Int]]? = nil, config: GenerationConfig, streamer: TokenStreamer? = nil,
                shouldStop: (@Sendable () -> Bool)? = nil, seed: UInt64 = 0, tokenizer: PreTrainedTokenizer? = nil) {
        self.tokenizer = tokenizer
        self.inputIds = inputIds
        self.attentionMask = attentionMask
        self.config = config
        self.streamer = streamer
        self.shouldStop = shouldStop
        self.seed = seed
    }
}

public enum Generation {
    /// Runs `request` on `model`; returns sequences (and scores / beam data when asked).
    public static func generate(model: any CausalLanguageModel, _ request: GenerationRequest) throws -> GenerateOutput {
        var config = request.config
        let batch = request.inputIds.count
        guard batch > 0, let promptLength = request.inputIds.first?.count else {
            throw GenerationError.invalidInput("`input_ids` is empty: give at least one sequence")
        }
        guard promptLength > 0 else {
            throw GenerationError.invalidInput("`inputs_embeds` or `input_ids` must have at least one token; got an empty prompt")
        }
        guard request.inputIds.allSatisfy({ $0.count == promptLength }) else {
            throw GenerationError.invalidInput("all rows of input_ids must have the same length (pad them, padding_side=\"left\")")
        }
        let mask = request.attentionMask ?? request.inputIds.map { [Int](repeating: 1, count: $0.count) }
        guard mask.count == batch, mask.allSatisfy({ $0.count == promptLength }) else {
            throw GenerationError.invalidInput("attention_mask must have the shape of input_ids [\(batch), \(promptLength)]")
        }
        try prepareLengths(&config, promptLength: promptLength, model: model)
        try validate(config)
        let processors = logitsProcessors(config, promptLength: promptLength)
        let stopStrings = try stopStringCriteria(config, tokenizer: request.tokenizer)
        if let alpha = config.penaltyAlpha, alpha > 0, config.topK > 1, !config.doSample, config.numBeams == 1 {
            return try contrastiveSearch(model: model, config: config, processors: processors, inputIds: request.inputIds, mask: mask)
        }
        if config.numBeamGroups > 1 {
            return try groupBeamSearch(model: model, config: config, processors: processors, inputIds: request.inputIds, mask: mask)
        }
        if config.numBeams > 1 {
            return try BeamSearch(model: model, config: config, processors: processors, seed: request.seed, stopStrings: stopStrings)
                .run(inputIds: request.inputIds, mask: mask, shouldStop: request.shouldStop)
        }
        return try sample(model: model, config: config, processors: processors, request: request, mask: mask,
                          promptLength: promptLength, stopStrings: stopStrings)
    }

    /// `StopStringCriteria` when the config has `stop_strings`; the reference's error when no tokenizer was given.
    static func stopStringCriteria(_ config: GenerationConfig, tokenizer: PreTrainedTokenizer?) throws -> StopStringCriteria? {
        guard let strings = config.stopStrings else { return nil }
        guard let tokenizer else {
            throw GenerationError.invalidInput("There are one or more stop strings, either in the arguments to `generate` or in the model's generation config, but we could not locate a tokenizer. When generating with stop strings, you must pass the model's tokenizer to the `tokenizer` argument of `generate`.")
        }
        return try StopStringCriteria(tokenizer: tokenizer, stopStrings: strings)
    }

    // MARK: Arguments

    /// `_prepare_generated_length`: max_new_tokens wins over max_length; min_new_tokens becomes min_length.
    static func prepareLengths(_ config: inout GenerationConfig, promptLength: Int, model: any CausalLanguageModel) throws {
        if let maxNew = config.maxNewTokens {
            guard maxNew > 0 else { throw GenerationError.invalidConfig("`max_new_tokens` must be greater than 0, but is \(maxNew).") }
            config.maxLength = maxNew + promptLength
        }
        if let minNew = config.minNewTokens { config.minLength = Swift.max(config.minLength, minNew + promptLength) }
        guard promptLength < config.maxLength else {
            throw GenerationError.invalidInput("Input length of input_ids is \(promptLength), but `max_length` is set to \(config.maxLength). This can lead to unexpected behavior. You should consider increasing `max_length` or, better yet, setting `max_new_tokens`.")
        }
        if let limit = model.maxPositions, config.maxLength > limit {
            throw GenerationError.invalidInput("generating up to \(config.maxLength) tokens exceeds the model's position limit (max_position_embeddings = \(limit)); lower max_new_tokens to at most \(limit - promptLength)")
        }
        if config.padTokenId == nil, let eos = config.eosTokenId?.first { config.padTokenId = eos }
    }

    /// The reference's `GenerationConfig.validate` and warper checks, with their wording.
    static func validate(_ config: GenerationConfig) throws {
        if config.numReturnSequences > 1 && config.numBeams == 1 && !config.doSample {
            throw GenerationError.invalidConfig("Greedy methods without beam search do not support `num_return_sequences` different than 1 (got \(config.numReturnSequences)).")
        }
        if config.numBeams > 1 && config.numReturnSequences > config.numBeams {
            throw GenerationError.invalidConfig("`num_return_sequences` (\(config.numReturnSequences)) has to be smaller or equal to `num_beams` (\(config.numBeams)).")
        }
        if config.doSample && config.temperature <= 0 {
            throw GenerationError.invalidConfig("`temperature` (=\(config.temperature)) has to be a strictly positive float, otherwise your next token scores will be invalid.")
        }
        if config.doSample && config.topK < 0 {
            throw GenerationError.invalidConfig("`top_k` has to be a strictly positive integer, but is \(config.topK)")
        }
        if config.doSample && (config.topP < 0 || config.topP > 1) {
            throw GenerationError.invalidConfig("`top_p` has to be a float > 0 and < 1, but is \(config.topP)")
        }
        if config.repetitionPenalty <= 0 {
            throw GenerationError.invalidConfig("`penalty` has to be a strictly positive float, but is \(config.repetitionPenalty)")
        }
        if config.numBeamGroups > 1 {
            guard config.numBeams % config.numBeamGroups == 0 else {
                throw GenerationError.invalidConfig("`num_beams` should be divisible by `num_beam_groups` for group beam search.")
            }
            if config.doSample { throw GenerationError.invalidConfig("Diverse beam search cannot be used in sampling mode. Make sure that `do_sample` is set to `False`.") }
        }
    }

    /// `_get_logits_processor`, in the reference's order.
    static func logitsProcessors(_ config: GenerationConfig, promptLength: Int) -> [any LogitsProcessor] {
        var list: [any LogitsProcessor] = []
        let eos = config.eosTokenId ?? []
        if let bias = config.sequenceBias { list.append(SequenceBias(biases: bias.map { ($0.tokens, Float($0.bias)) })) }
        if config.repetitionPenalty != 1 { list.append(RepetitionPenalty(penalty: Float(config.repetitionPenalty))) }
        if config.noRepeatNgramSize > 0 { list.append(NoRepeatNGram(size: config.noRepeatNgramSize)) }
        if let bad = config.badWordsIds { list.append(SequenceBias.badWords(bad, eos: eos)) }
        if config.minLength > 0 && !eos.isEmpty { list.append(MinLength(minimum: config.minLength, countsPrompt: true, eos: eos)) }
        if let minNew = config.minNewTokens, minNew > 0, !eos.isEmpty { list.append(MinLength(minimum: minNew, countsPrompt: false, eos: eos)) }
        if let bos = config.forcedBosTokenId { list.append(ForcedTokens(atLength: 1, tokens: [bos])) }
        if let forced = config.forcedEosTokenId { list.append(ForcedTokens(atLength: config.maxLength - 1, tokens: forced)) }
        if let decay = config.exponentialDecayLengthPenalty, !eos.isEmpty {
            list.append(ExponentialDecayLengthPenalty(start: decay.start, factor: decay.factor, eos: eos))
        }
        if let suppress = config.suppressTokens { list.append(SuppressTokens(tokens: suppress, atLength: nil)) }
        if let begin = config.beginSuppressTokens {
            let index = promptLength > 1 || config.forcedBosTokenId == nil ? promptLength : promptLength + 1
            list.append(SuppressTokens(tokens: begin, atLength: index))
        }
        if config.doSample {
            let keep = config.numBeams > 1 ? 2 : 1
            if config.temperature != 1 { list.append(Temperature(value: Float(config.temperature))) }
            if config.topK != 0 { list.append(TopK(k: config.topK, minTokensToKeep: keep)) }
            if config.topP < 1 { list.append(TopP(p: config.topP, minTokensToKeep: keep)) }
            if let minP = config.minP { list.append(MinP(minP: minP, minTokensToKeep: keep)) }
            if config.typicalP < 1 { list.append(TypicalP(mass: config.typicalP, minTokensToKeep: keep)) }
            if config.epsilonCutoff > 0 { list.append(ProbabilityCutoff(epsilon: config.epsilonCutoff, entropyAdaptive: false, minTokensToKeep: keep)) }
            if config.etaCutoff > 0 { list.append(ProbabilityCutoff(epsilon: config.etaCutoff, entropyAdaptive: true, minTokensToKeep: keep)) }
        }
        if config.renormalizeLogits { list.append(LogitNormalization()) }
        return list
    }

    // MARK: Model steps

    /// One forward over `tokens` (all rows the same width) with the running mask; last-position logits per row.
    public static func step(_ model: any CausalLanguageModel, tokens: [[Int]], mask: [[Int]], cache: KVCache) throws -> [[Float]] {
        let rows = tokens.count, width = tokens[0].count, total = mask[0].count
        let maskTensor = try Tensor(mask.flatMap { $0.map(Int64.init) }, shape: [rows, total])
        let logits = try model.logits(
            inputIds: Tensor(tokens.flatMap { $0.map(Int64.init) }, shape: [rows, width]), attentionMask: maskTensor,
            positionIds: CausalMask.positionIds(attentionMask: maskTensor, new: width), cache: cache, lastOnly: true)
        let vocab = logits.shape[2], flat = logits.contiguous().floats()
        return (0..<rows).map { Array(flat[($0 * vocab)..<(($0 + 1) * vocab)]) }
    }

    public static func argmax(_ row: [Float]) -> Int {
        var best = 0
        for i in row.indices where row[i] > row[best] || (row[best].isNaN && !row[i].isNaN) { best = i }
        return best
    }

    // MARK: Greedy and multinomial sampling (`_sample`)

    static func sample(model: any CausalLanguageModel, config: GenerationConfig, processors: [any LogitsProcessor],
                       request: GenerationRequest, mask initialMask: [[Int]], promptLength: Int,
                       stopStrings: StopStringCriteria? = nil) throws -> GenerateOutput {
        let expand = config.doSample ? config.numReturnSequences : 1
        var sequences = request.inputIds.flatMap { row in [[Int]](repeating: row, count: expand) }
        var mask = initialMask.flatMap { row in [[Int]](repeating: row, count: expand) }
        let eos = Set(config.eosTokenId ?? [])
        let pad = config.padTokenId ?? 0
        var unfinished = [Bool](repeating: true, count: sequences.count)
        var output = GenerateOutput(sequences: [])
        var scoresLog: [[[Float]]] = [], logitsLog: [[[Float]]] = []
        var random = SeededRandom(seed: request.seed)
        let cache = model.makeCache()
        let started = Date()
        request.streamer?.put(sequences[0])
        var input = sequences
        while true {
            if request.shouldStop?() == true { output.stoppedBy = "cancelled"; break }
            let logits = try step(model, tokens: input, mask: mask, cache: cache)
            var scores = logits
            let context = ProcessorContext(sequences: sequences, promptLength: promptLength)
            for processor in processors { processor.process(&scores, context: context) }
            if config.outputScores { scoresLog.append(scores) }
            if config.outputLogits { logitsLog.append(logits) }
            var next = [Int]()
            for (row, rowScores) in scores.enumerated() {
                var token: Int
                if config.doSample {
                    let probs = probabilities(rowScores)
                    guard probs.allSatisfy({ $0.isFinite }), probs.contains(where: { $0 > 0 }) else {
                        throw GenerationError.invalidInput("probability tensor contains either `inf`, `nan` or element < 0")
                    }
                    token = random.sample(probs)
                } else {
                    token = argmax(rowScores)
                }
                if !unfinished[row] { token = pad }
                next.append(token)
                sequences[row].append(token)
                mask[row].append(1)
            }
            request.streamer?.put([next[0]])
            let length = sequences[0].count
            for row in sequences.indices where unfinished[row] {
                if length >= config.maxLength || eos.contains(next[row]) || stopStrings?.matches(sequences[row]) == true {
                    unfinished[row] = false
                }
            }
            if !unfinished.contains(true) { break }
            if let maxTime = config.maxTime, Date().timeIntervalSince(started) > maxTime { output.stoppedBy = "max_time"; break }
            input = next.map { [$0] }
        }
        request.streamer?.end()
        output.sequences = sequences
        if config.outputScores { output.scores = scoresLog }
        if config.outputLogits { output.logits = logitsLog }
        return output
    }
}
