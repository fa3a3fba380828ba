import Models
import Tensors

// Assisted (speculative) decoding, following `_assisted_decoding` in transformers/generation/utils.py for the
// greedy case: a small assistant proposes a few tokens greedily, the main model scores them all in one forward, and
// the longest prefix the main model agrees with is kept plus the main model's own next token. The result is the
// main model's plain greedy output, reached with fewer main-model forwards.

extension Generation {
    /// Greedy assisted generation for one sequence. `candidates` is the number of tokens the assistant proposes per
    /// round (the reference's `num_assistant_tokens`, adjusted by its heuristic: +2 after a full accept, −1 otherwise).
    public static func assistedGenerate(model: any CausalLanguageModel, assistant: any CausalLanguageModel,
                                        _ request: GenerationRequest, candidates initial: Int = 5) throws -> GenerateOutput {
        var config = request.config
        guard request.inputIds.count == 1, let prompt = request.inputIds.first, !prompt.isEmpty else {
            throw GenerationError.invalidInput("assisted generate is only supported for batch_size = 1")
        }
        guard !config.doSample, config.numBeams == 1 else {
            throw GenerationError.invalidConfig("assisted decoding here supports greedy search only (do_sample=False, num_beams=1)")
        }
        guard model.vocabSize == assistant.vocabSize else {
            throw GenerationError.invalidConfig("the assistant's vocabulary (\(assistant.vocabSize)) differs from the model's (\(model.vocabSize))")
        }
        try prepareLengths(&config, promptLength: prompt.count, model: model)
        try validate(config)
        let processors = logitsProcessors(config, promptLength: prompt.count)
        let eos = Set(config.eosTokenId ?? [])
        let mainCache = model.makeCache(), assistantCache = assistant.makeCache()
        var sequence = prompt
        var proposals = initial
        request.streamer?.put(prompt)
        var stoppedBy: String? = nil
        generation: while sequence.count < config.maxLength {
            if request.shouldStop?() == true { stoppedBy = "cancelled"; break }
            // 1. The assistant proposes up to `proposals` tokens (never past max_length - 1, leaving room for the
            //    main model's own token).
            var proposed: [Int] = []
            let room = Swift.max(0, Swift.min(proposals, config.maxLength - sequence.count - 1))
            while proposed.count < room {
                let context = sequence + proposed
                let fresh = Array(context[assistantCache.length...])
                let logits = try forwardAll(assistant, tokens: fresh, total: context.count, cache: assistantCache)
                var scores = [logits[logits.count - 1]]
                for processor in processors { processor.process(&scores, context: ProcessorContext(sequences: [context], promptLength: prompt.count)) }
                proposed.append(argmax(scores[0]))
            }
            // 2. The main model scores every proposed position in one forward.
            let context = sequence + proposed
            let fresh = Array(context[mainCache.length...])
            let logits = try forwardAll(model, tokens: fresh, total: context.count, cache: mainCache)
            let firstRow = logits.count - proposed.count - 1
            var accepted: [Int] = []
            for i in 0...proposed.count {
                var scores = [logits[firstRow + i]]
                let sofar = sequence + accepted
                for processor in processors { processor.process(&scores, context: ProcessorContext(sequences: [sofar], promptLength: prompt.count)) }
                let choice = argmax(scores[0])
                accepted.append(choice)
                if i == proposed.count || choice != proposed[i] { break }
            }
            proposals = accepted.count == proposed.count + 1 ? proposals + 2 : Swift.max(1, proposals - 1)
            // 3. Keep tokens up to eos / max_length; roll both caches back to what the kept sequence explains.
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
