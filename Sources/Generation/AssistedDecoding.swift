import Models
import Tensors

// Assisted (speculative) decoding, following `_assisted_decoding` and `_speculative_sampling` in
// transformers/generation/utils.py (4.55): a small assistant proposes a few tokens, the main model scores them all in
// one forward, and the longest acceptable prefix is kept plus one token of the main model's own.
// - Greedy: a proposal is acceptable while it equals the main model's argmax, so the result is exactly the main
//   model's plain greedy output, reached with fewer main-model forwards.
// - Sampling: the assistant samples from its processed distribution q, and each proposal x is kept with probability
//   min(1, p(x)/q(x)) under the main model's processed distribution p; at the first rejection the next token is drawn
//   from normalize(max(p − q, 0)), after a full accept from p (Leviathan et al., algorithm 1). Every emitted token is
//   then distributed exactly as plain sampling from the main model would draw it.

/// How many tokens the assistant proposes per round (`num_assistant_tokens_schedule`).
public enum AssistantSchedule: String, Sendable {
    /// The same number every round (the reference's default).
    case constant
    /// +2 after a round whose proposals were all accepted, −1 otherwise.
    case heuristic
}

extension Generation {
    /// Assisted generation for one sequence. `candidates` is the reference's `num_assistant_tokens` (20 by default).
    public static func assistedGenerate(model: any CausalLanguageModel, assistant: any CausalLanguageModel,
                                        _ request: GenerationRequest, candidates initial: Int = 20,
                                        schedule: AssistantSchedule = .constant) throws -> GenerateOutput {
        var config = request.config
        guard request.inputIds.count == 1, let prompt = request.inputIds.first, !prompt.isEmpty else {
            throw GenerationError.invalidInput("assisted generate is only supported for batch_size = 1")
        }
        guard config.numBeams == 1, config.numReturnSequences == 1 else {
            throw GenerationError.invalidConfig("assisted decoding supports greedy search and multinomial sampling only (num_beams=1, num_return_sequences=1)")
        }
        guard initial > 0 else { throw GenerationError.invalidConfig("`num_assistant_tokens` must be positive, got \(initial)") }
        guard model.vocabSize == assistant.vocabSize else {
            throw GenerationError.invalidConfig("the assistant's vocabulary (\(assistant.vocabSize)) differs from the model's (\(model.vocabSize))")
        }
        try prepareLengths(&config, promptLength: prompt.count, model: model)
        try validate(config)
        let processors = logitsProcessors(config, promptLength: prompt.count)
        // The assistant runs with the same processors minus the length minimum (the reference zeroes min_length for it).
        var assistantConfig = config
        assistantConfig.minLength = 0
        assistantConfig.minNewTokens = nil
        let assistantProcessors = logitsProcessors(assistantConfig, promptLength: prompt.count)
        let eos = Set(config.eosTokenId ?? [])
        let mainCache = model.makeCache(), assistantCache = assistant.makeCache()
        var random = SeededRandom(seed: request.seed)
        var sequence = prompt
        var proposals = initial
        request.streamer?.put(prompt)
        var stoppedBy: String? = nil
        func processed(_ row: [Float], _ list: [any LogitsProcessor], _ context: [Int]) -> [Float] {
            var scores = [row]
            for processor in list { processor.process(&scores, context: ProcessorContext(sequences: [context], promptLength: prompt.count)) }
            return scores[0]
        }
        generation: while sequence.count < config.maxLength {
            if request.shouldStop?() == true { stoppedBy = "cancelled"; break }
            // 1. The assistant proposes up to `proposals` tokens (never past max_length − 1, leaving room for the
            //    main model's own token), stopping early at an end-of-sequence token.
            var proposed: [Int] = []
            var assistantProbabilities: [[Double]] = []
            let room = Swift.max(0, Swift.min(proposals, config.maxLength - sequence.count - 1))
            while proposed.count < room {
                let context = sequence + proposed
                let fresh = Array(context[assistantCache.length...])
                let logits = try forwardAll(assistant, tokens: fresh, total: context.count, cache: assistantCache)
                let scores = processed(logits[logits.count - 1], assistantProcessors, context)
                if config.doSample {
                    let q = try checkedProbabilities(scores)
                    assistantProbabilities.append(q)
                    proposed.append(random.sample(q))
                } else {
                    proposed.append(argmax(scores))
                }
                if let last = proposed.last, eos.contains(last) { break }
            }
            // 2. The main model scores every proposed position, and the one after, in one forward.
            let context = sequence + proposed
            let fresh = Array(context[mainCache.length...])
            let logits = try forwardAll(model, tokens: fresh, total: context.count, cache: mainCache)
            let firstRow = logits.count - proposed.count - 1
            let reachesEnd = context.count >= config.maxLength || proposed.last.map(eos.contains) == true
            // 3. Choose the kept tokens.
            var accepted: [Int] = []
            if config.doSample {
                var n = 0
                var p = try checkedProbabilities(processed(logits[firstRow], processors, sequence))
                while n < proposed.count {
                    let x = proposed[n]
                    guard random.uniform() <= p[x] / assistantProbabilities[n][x] else { break }
                    n += 1
                    p = try checkedProbabilities(processed(logits[firstRow + n], processors, sequence + proposed[..<n]))
                }
                accepted = Array(proposed[..<n])
                if !(reachesEnd && n == proposed.count) {
                    var next = p
                    if n < proposed.count {
                        let residual = zip(p, assistantProbabilities[n]).map { Swift.max($0 - $1, 0) }
                        if residual.contains(where: { $0 > 0 }) { next = residual }
                    }
                    accepted.append(random.sample(next))
                }
            } else {
                for i in 0...proposed.count {
                    let choice = argmax(processed(logits[firstRow + i], processors, sequence + accepted))
                    accepted.append(choice)
                    if i == proposed.count || choice != proposed[i] { break }
                }
            }
            if schedule == .heuristic {
                proposals = accepted.count > proposed.count ? proposals + 2 : Swift.max(1, proposals - 1)
            }
            // 4. Keep tokens up to eos / max_length; roll both caches back to what the kept sequence explains.
            for token in accepted {
                sequence.append(token)
                request.streamer?.put([token])
                if eos.contains(token) || sequence.count >= config.maxLength { break generation }
            }
            mainCache.crop(sequence.count - 1)
            assistantCache.crop(Swift.min(assistantCache.length, sequence.count - 1))
        }
        request.streamer?.end()
        var output = GenerateOutput(sequences: [sequence])
        output.stoppedBy = stoppedBy
        return output
    }

    /// Softmax of a processed row, refusing rows that cannot be sampled (the reference's multinomial error).
    static func checkedProbabilities(_ scores: [Float]) throws -> [Double] {
        let probs = probabilities(scores)
        guard probs.allSatisfy({ $0.isFinite }), probs.contains(where: { $0 > 0 }) else {
            throw GenerationError.invalidInput("probability tensor contains either `inf`, `nan` or element < 0")
        }
        return probs
    }

    /// Logits for every position of `tokens` (appended to `cache`), as rows.
    static func forwardAll(_ model: any CausalLanguageModel, tokens: [Int], total: Int, cache: KVCache) throws -> [[Float]] {
        let mask = try Tensor([Int64](repeating: 1, count: total), shape: [1, total])
        let logits = try model.logits(inputIds: Tensor(tokens.map(Int64.init), shape: [1, tokens.count]), attentionMask: mask,
                                      positionIds: CausalMask.positionIds(attentionMask: mask, new: tokens.count), cache: cache,
                                      lastOnly: false)
        let vocab = logits.shape[2], flat = logits.contiguous().floats()
        return (0..<tokens.count).map { Array(flat[($0 * vocab)..<(($0 + 1) * vocab)]) }
    }
}
