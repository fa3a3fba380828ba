import Foundation
import Models

// Diverse (group) beam search, following `_group_beam_search`, `BeamSearchScorer` and `BeamHypotheses` in
// transformers/generation (4.55): beams split into groups searched one after another each step; a group's scores
// are lowered by diversity_penalty × how often earlier groups chose each token this step (Hamming diversity).

/// `BeamHypotheses`: the best finished hypotheses of one batch row × group.
struct BeamHypotheses {
    let capacity: Int
    let lengthPenalty: Double
    let earlyStopping: EarlyStopping
    let maxLength: Int
    var beams: [(score: Double, tokens: [Int])] = []
    var worstScore = 1e9

    mutating func add(_ tokens: [Int], sumLogProbs: Double, generatedLength: Int) {
        let score = sumLogProbs / Foundation.pow(Double(generatedLength), lengthPenalty)
        guard beams.count < capacity || score > worstScore else { return }
        beams.append((score, tokens))
        if beams.count > capacity {
            let sorted = beams.enumerated().sorted { ($0.element.score, $0.offset) < ($1.element.score, $1.offset) }
            beams.remove(at: sorted[0].offset)
            worstScore = sorted[1].element.score
        } else {
            worstScore = Swift.min(score, worstScore)
        }
    }

    func isDone(bestSumLogProbs: Double, currentLength: Int, promptLength: Int) -> Bool {
        guard beams.count >= capacity else { return false }
        switch earlyStopping {
        case .yes: return true
        case .no:
            return worstScore >= bestSumLogProbs / Foundation.pow(Double(currentLength - promptLength), lengthPenalty)
        case .never:
            let length = lengthPenalty > 0 ? maxLength - promptLength : currentLength - promptLength
            return worstScore >= bestSumLogProbs / Foundation.pow(Double(length), lengthPenalty)
        }
    }
}

extension Generation {
    static func groupBeamSearch(model: any CausalLanguageModel, config: GenerationConfig, processors: [any LogitsProcessor],
                                inputIds: [[Int]], mask promptMask: [[Int]]) throws -> GenerateOutput {
        let beams = config.numBeams, groups = config.numBeamGroups, groupSize = beams / groups
        let batch = inputIds.count, prompt = inputIds[0].count
        let eos = config.eosTokenId ?? []
        let pad = config.padTokenId ?? eos.first ?? 0
        var sequences = inputIds.flatMap { row in [[Int]](repeating: row, count: beams) }
        var mask = promptMask.flatMap { row in [[Int]](repeating: row, count: beams) }
        var beamScores = (0..<(batch * beams)).map { $0 % groupSize == 0 ? Float(0) : Float(-1e9) }
        var hypotheses = (0..<(batch * groups)).map { _ in
            BeamHypotheses(capacity: groupSize, lengthPenalty: config.lengthPenalty, earlyStopping: config.earlyStopping, maxLength: config.maxLength)
        }
        var done = [Bool](repeating: false, count: batch * groups)
        var scoresLog: [[[Float]]] = []
        let cache = model.makeCache()
        var input = sequences
        while true {
            let logits = try step(model, tokens: input, mask: mask, cache: cache)
            var currentTokens = [Int](repeating: 0, count: batch * beams)
            var reorder = [Int](repeating: 0, count: batch * beams)
            var processed = [[Float]](repeating: [], count: batch * beams)
            let vocab = logits[0].count
            for group in 0..<groups {
                let start = group * groupSize
                let rows = (0..<batch).flatMap { b in (start..<(start + groupSize)).map { b * beams + $0 } }
                let groupSequences = rows.map { sequences[$0] }
                var scores = rows.map { logSoftmax(logits[$0]) }
                if config.diversityPenalty > 0 && start > 0 {
                    for b in 0..<batch {
                        var frequency = [Int: Int]()
                        for j in 0..<start { frequency[currentTokens[b * beams + j], default: 0] += 1 }
                        for r in (b * groupSize)..<((b + 1) * groupSize) {
                            for (token, count) in frequency { scores[r][token] -= Float(config.diversityPenalty) * Float(count) }
                        }
                    }
                }
                for processor in processors { processor.process(&scores, context: ProcessorContext(sequences: groupSequences, promptLength: prompt)) }
                for (i, row) in rows.enumerated() { processed[row] = scores[i] }
                let currentLength = groupSequences[0].count + 1
                var nextSequences = [[Int]](), nextScores = [Float](), nextOrigins = [Int]()
                for b in 0..<batch {
                    var accumulated = [Float]()
                    for r in 0..<groupSize { accumulated += scores[b * groupSize + r].map { $0 + beamScores[rows[b * groupSize + r]] } }
                    let top = BeamSearch.topK(accumulated, Swift.max(2, 1 + eos.count) * groupSize)
                    let hypothesis = b * groups + group
                    if done[hypothesis] {
                        for _ in 0..<groupSize {
                            nextScores.append(0); nextOrigins.append(b * groupSize); nextSequences.append(groupSequences[b * groupSize] + [pad])
                        }
                        continue
                    }
                    var filled = 0
                    for (rank, index) in top.enumerated() {
                        let origin = b * groupSize + index / vocab, token = index % vocab
                        if eos.contains(token) {
                            if rank >= groupSize { continue }
                            hypotheses[hypothesis].add(groupSequences[origin], sumLogProbs: Double(accumulated[index]),
                                                       generatedLength: currentLength - prompt)
                        } else {
                            nextScores.append(accumulated[index])
                            nextOrigins.append(origin)
                            nextSequences.append(groupSequences[origin] + [token])
                            filled += 1
                        }
                        if filled == groupSize { break }
                    }
                    guard filled == groupSize else {
                        throw GenerationError.invalidInput("At most \(groupSize) tokens can be equal to `eos_token_id`")
                    }
                    let best = Double(top.map { accumulated[$0] }.max() ?? 0)
                    done[hypothesis] = done[hypothesis] || hypotheses[hypothesis].isDone(bestSumLogProbs: best, currentLength: currentLength, promptLength: prompt)
                }
                for (i, row) in rows.enumerated() {
                    beamScores[row] = nextScores[i]
                    sequences[row] = nextSequences[i]
                    currentTokens[row] = nextSequences[i].last ?? pad
                    let origin = nextOrigins[i]
                    reorder[row] = beams * (origin / groupSize) + start + origin % groupSize
                }
            }
            if config.outputScores { scoresLog.append(processed) }
            try cache.reorder(reorder)
            mask = mask.map { $0 + [1] }
            let length = sequences[0].count
            let allStopped = sequences.allSatisfy { length >= config.maxLength || eos.contains($0.last ?? -1) }
            if !done.contains(false) || allStopped { break }
            input = currentTokens.map { [$0] }
        }
        // `finalize`: open groups add their running beams, then the best num_return_sequences per batch row.
        for hypothesis in hypotheses.indices where !done[hypothesis] {
            for r in 0..<groupSize {
                let b = hypothesis / groups, group = hypothesis % groups
                let row = b * beams + group * groupSize + r
                hypotheses[hypothesis].add(sequences[row], sumLogProbs: Double(beamScores[row]), generatedLength: sequences[row].count - prompt)
            }
        }
        var best: [(score: Double, tokens: [Int])] = []
        for b in 0..<batch {
            var candidates = hypotheses[(b * groups)..<((b + 1) * groups)].flatMap { $0.beams }
            candidates = candidates.enumerated().sorted { ($0.element.score, $0.offset) < ($1.element.score, $1.offset) }.map(\.element)
            for _ in 0..<config.numReturnSequences { if let top = candidates.popLast() { best.append(top) } }
        }
        let longest = best.map(\.tokens.count).max() ?? 0
        let width = Swift.min(longest + 1, config.maxLength)
        var output = GenerateOutput(sequences: best.map { hypothesis in
            var row = hypothesis.tokens
            // A hypothesis shorter than the widest ends with eos, then padding (as `finalize` writes them).
            if row.count < width { row.append(eos.first ?? pad) }
            while row.count < width { row.append(pad) }
            return row
        })
        if config.outputScores {
            output.scores = scoresLog
            output.sequencesScores = best.map { Float($0.score) }
        }
        return output
    }
}
