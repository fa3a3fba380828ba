import Foundation
import Models
import Tensors

// Contrastive search, following `_contrastive_search` and `_ranking_fast` in transformers/generation/utils.py (4.55):
// the top_k most probable next tokens are each run one step; the one maximizing
// (1 − α)·p(token) − α·max cosine(its hidden state, every context hidden state) is kept, with its cache row and
// logits, so no extra forward is needed for the next step.

extension Generation {
    static func contrastiveSearch(model: any CausalLanguageModel, config: GenerationConfig, processors: [any LogitsProcessor],
                                  inputIds: [[Int]], mask promptMask: [[Int]]) throws -> GenerateOutput {
        let alpha = Float(config.penaltyAlpha ?? 0), k = config.topK
        guard k > 0 else { throw GenerationError.invalidConfig("contrastive search needs `top_k` > 0") }
        let batch = inputIds.count, prompt = inputIds[0].count
        let eos = Set(config.eosTokenId ?? []), pad = config.padTokenId ?? 0
        var sequences = inputIds, mask = promptMask
        var cosineMask = promptMask
        var unfinished = [Bool](repeating: true, count: batch)
        let cache = model.makeCache()
        // Prefill: logits for the first step and the context hidden states.
        func tensor(_ rows: [[Int]]) throws -> Tensor { try Tensor(rows.flatMap { $0.map(Int64.init) }, shape: [rows.count, rows[0].count]) }
        let maskTensor = try tensor(mask)
        let hidden = try model.hiddenStates(inputIds: tensor(sequences), attentionMask: maskTensor,
                                            positionIds: CausalMask.positionIds(attentionMask: maskTensor, new: prompt), cache: cache)
        let width = hidden.shape[2]
        var context: [[[Float]]] = try (0..<batch).map { b in
            let rows = try hidden.select(0, b).contiguous().floats()
            return (0..<prompt).map { Array(rows[($0 * width)..<(($0 + 1) * width)]) }
        }
        let lastLogits = try model.headLogits(hidden.narrow(1, start: prompt - 1, length: 1)).contiguous().floats()
        let vocab = lastLogits.count / batch
        var logits = (0..<batch).map { Array(lastLogits[($0 * vocab)..<(($0 + 1) * vocab)]) }
        var scoresLog: [[[Float]]] = [], logitsLog: [[[Float]]] = []
        func normalized(_ v: [Float]) -> [Float] {
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / n }
        }
        while true {
            var scores = logits
            for processor in processors { processor.process(&scores, context: ProcessorContext(sequences: sequences, promptLength: prompt)) }
            if config.outputScores { scoresLog.append(scores) }
            if config.outputLogits { logitsLog.append(logits) }
            let candidates: [[(token: Int, probability: Float)]] = scores.map { row in
                let p = probabilities(row)
                return BeamSearch.topK(p.map(Float.init), k).map { ($0, Float(p[$0])) }
            }
            // Run every candidate one step from a cache repeated k times per row.
            try cache.reorder((0..<batch).flatMap { b in [Int](repeating: b, count: k) })
            let candidateMask = mask.flatMap { row in [[Int]](repeating: row + [1], count: k) }
            let candidateMaskTensor = try tensor(candidateMask)
            let candidateHidden = try model.hiddenStates(
                inputIds: tensor(candidates.flatMap { $0.map { [$0.token] } }), attentionMask: candidateMaskTensor,
                positionIds: CausalMask.positionIds(attentionMask: candidateMaskTensor, new: 1), cache: cache)
            let candidateLogits = try model.headLogits(candidateHidden).contiguous().floats()
            let candidateStates = candidateHidden.contiguous().floats()
            var selected = [Int]()
            for b in 0..<batch {
                let normalizedContext = context[b].map(normalized)
                var best = 0, bestScore = -Float.infinity
                for c in 0..<k {
                    let row = b * k + c
                    let next = normalized(Array(candidateStates[(row * width)..<((row + 1) * width)]))
                    // torch.max propagates NaN (a zero hidden state at a padded position normalizes to NaN); so do we.
                    var degeneration = -Float.greatestFiniteMagnitude
                    for (position, state) in normalizedContext.enumerated() {
                        var cosine = zip(state, next).reduce(0) { $0 + $1.0 * $1.1 }
                        if cosineMask[b][position] == 0 { cosine += -Float.greatestFiniteMagnitude }
                        degeneration = cosine.isNaN || degeneration.isNaN ? .nan : Swift.max(degeneration, cosine)
                    }
                    let score = (1 - alpha) * candidates[b][c].probability - alpha * degeneration
                    // `max(dim=-1)`: the first NaN wins, else the first largest.
                    if bestScore.isNaN { continue }
                    if score.isNaN || score > bestScore { bestScore = score; best = c }
                }
                selected.append(best)
                let row = b * k + best
                context[b].append(Array(candidateStates[(row * width)..<((row + 1) * width)]))
                cosineMask[b].append(1)
                logits[b] = Array(candidateLogits[(row * vocab)..<((row + 1) * vocab)])
            }
            try cache.reorder((0..<batch).map { $0 * k + selected[$0] })
            var next = [Int]()
            for b in 0..<batch {
                var token = candidates[b][selected[b]].token
                if !eos.isEmpty && !unfinished[b] { token = pad }
                next.append(token)
                sequences[b].append(token)
                mask[b].append(1)
            }
            let length = sequences[0].count
            for b in 0..<batch where unfinished[b] && (length >= config.maxLength || eos.contains(next[b])) { unfinished[b] = false }
            if !unfinished.contains(true) { break }
        }
        var output = GenerateOutput(sequences: sequences)
        if config.outputScores { output.scores = scoresLog }
        if config.outputLogits { output.logits = logitsLog }
        return output
    }
}
