import Foundation
import Models

// Beam search and beam sampling, following the vectorized `_beam_search` of transformers/generation/utils.py
// (4.55): each step keeps the top (1 + #eos)·num_beams continuations, the best num_beams that did not stop keep
// running, and those that stopped compete (length-penalized) for the num_beams finished slots.

struct BeamSearch {
    let model: any CausalLanguageModel
    let config: GenerationConfig
    let processors: [any LogitsProcessor]
    let seed: UInt64
    var stopStrings: StopStringCriteria? = nil

    /// The reference's masking constant for impossible beams.
    static let masked: Float = -1.0e9

    /// Indices of the k largest values, largest first (ties: lower index first).
    /// One pass keeping a small sorted list: k is 2·beams or so against 4·50257 candidates, where sorting all of
    /// them cost more than the model step.
    static func topK(_ values: [Float], _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for i in values.indices {
            let v = values[i]
            if best.count == k && !(v > values[best[k - 1]]) { continue }  // ties keep the earlier index
            var position = best.count
            while position > 0 && values[best[position - 1]] < v { position -= 1 }
            best.insert(i, at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    func run(inputIds: [[Int]], mask promptMask: [[Int]], shouldStop: (@Sendable () -> Bool)?) throws -> GenerateOutput {
        let beams = config.numBeams, batch = inputIds.count, prompt = inputIds[0].count, maxLength = config.maxLength
        let eos = config.eosTokenId ?? []
        let keep = Swift.max(2, 1 + eos.count) * beams
        let lengthPenalty = config.lengthPenalty
        let fill = (config.padTokenId.flatMap { $0 == 0 ? nil : $0 }) ?? eos.first ?? -1
        let generatedSlots = maxLength - prompt
        // [batch][beam] state.
        var running = inputIds.map { row in [[Int]](repeating: row, count: beams) }
        var runningScores = (0..<batch).map { _ in [Float](repeating: 0, count: beams).enumerated().map { $0.offset == 0 ? 0 : Self.masked } }
        var runningIndices = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: -1, count: generatedSlots), count: beams), count: batch)
        var finished = running.map { $0.map { $0 + [Int](repeating: fill, count: generatedSlots) } }
        var finishedScores = [[Float]](repeating: [Float](repeating: Self.masked, count: beams), count: batch)
        var finishedIndices = runningIndices
        var isFinished = [[Bool]](repeating: [Bool](repeating: false, count: beams), count: batch)
        var heuristicUnsatisfied = [Bool](repeating: true, count: batch)
        var mask = promptMask.flatMap { row in [[Int]](repeating: row, count: beams) }
        var scoresLog: [[[Float]]] = [], logitsLog: [[[Float]]] = []
        var random = SeededRandom(seed: seed)
        let cache = model.makeCache()
        var length = prompt
        var input = running.flatMap { $0 }
        var stoppedBy: String? = nil

        while true {
            if shouldStop?() == true { stoppedBy = "cancelled"; break }
            let logits = try Generation.step(model, tokens: input, mask: mask, cache: cache)
            let flat = running.flatMap { $0 }
            var logProbs = logits.map(logSoftmax)
            let context = ProcessorContext(sequences: flat, promptLength: prompt)
            for processor in processors { processor.process(&logProbs, context: context) }
            if config.outputLogits { logitsLog.append(logits) }
            if config.outputScores { scoresLog.append(logProbs) }
            let vocab = logProbs[0].count
            var stopAny = [[Bool]](), allStop = true
            var topSequences = [[[Int]]](), topScores = [[Float]](), topIndices = [[[Int]]]()
            for b in 0..<batch {
                var accumulated = [Float]()
                accumulated.reserveCapacity(beams * vocab)
                for j in 0..<beams { accumulated += logProbs[b * beams + j].map { $0 + runningScores[b][j] } }
                let chosen: [Int]
                if config.doSample {
                    var weights = probabilities(accumulated)
                    var picks: [Int] = []
                    for _ in 0..<keep {
                        let pick = random.sample(weights)
                        picks.append(pick)
                        weights[pick] = 0
                    }
                    chosen = picks
                } else {
                    chosen = Self.topK(accumulated, keep)
                }
                var sequences = [[Int]](), scores = [Float](), indices = [[Int]](), stops = [Bool]()
                for index in chosen {
                    let beam = index / vocab, token = index % vocab
                    sequences.append(running[b][beam] + [token])
                    scores.append(accumulated[index])
                    var origin = runningIndices[b][beam]
                    origin[length - prompt] = beam + b * beams
                    indices.append(origin)
                    let stop = length + 1 >= maxLength || eos.contains(token)
                        || stopStrings?.matches(sequences[sequences.count - 1]) == true
                    stops.append(stop)
                    if !stop { allStop = false }
                }
                topSequences.append(sequences)
                topScores.append(scores)
                topIndices.append(indices)
                stopAny.append(stops)
            }
            // Running beams for the next step: best num_beams that did not stop.
            for b in 0..<batch {
                let penalized = zip(topScores[b], stopAny[b]).map { $0 + ($1 ? Self.masked : 0) }
                let next = Self.topK(penalized, beams)
                running[b] = next.map { topSequences[b][$0] }
                runningScores[b] = next.map { penalized[$0] }
                runningIndices[b] = next.map { topIndices[b][$0] }
            }
            // Finished beams: stopped candidates among the top num_beams compete with those already finished.
            let divisor = Float(Foundation.pow(Double(length + 1 - prompt), lengthPenalty))
            for b in 0..<batch {
                let full = isFinished[b].allSatisfy { $0 } && config.earlyStopping == .yes
                var candidates = [Float]()
                for (i, score) in topScores[b].enumerated() {
                    var value = score / divisor
                    if full { value += Self.masked }
                    if !heuristicUnsatisfied[b] { value += Self.masked }
                    if !(stopAny[b][i] && i < beams) { value += Self.masked }
                    candidates.append(value)
                }
                let merged = finishedScores[b] + candidates
                let best = Self.topK(merged, beams)
                let mergedSequences = finished[b] + topSequences[b].map { $0 + [Int](repeating: fill, count: maxLength - $0.count) }
                let mergedIndices = finishedIndices[b] + topIndices[b]
                let mergedFinished = isFinished[b] + stopAny[b].enumerated().map { $0.element && $0.offset < beams }
                finished[b] = best.map { mergedSequences[$0] }
                finishedScores[b] = best.map { merged[$0] }
                finishedIndices[b] = best.map { mergedIndices[$0] }
                isFinished[b] = best.map { mergedFinished[$0] }
            }
            // Move each cache row with its beam.
            let origins = (0..<batch).flatMap { b in runningIndices[b].map { $0[length - prompt] } }
            try cache.reorder(origins)
            length += 1
            // `_check_early_stop_heuristic`.
            for b in 0..<batch where heuristicUnsatisfied[b] {
                let hypothetical = config.earlyStopping == .never && lengthPenalty > 0 ? maxLength - prompt : length - prompt
                let bestRunning = runningScores[b][0] / Float(Foundation.pow(Double(hypothetical), lengthPenalty))
                let worst = finishedScores[b].min() ?? Self.masked
                heuristicUnsatisfied[b] = isFinished[b].contains { !$0 ? bestRunning > Self.masked : bestRunning > worst }
            }
            let improvementPossible = heuristicUnsatisfied.contains(true)
            let openBeam = !(isFinished.allSatisfy { $0.allSatisfy { $0 } } && config.earlyStopping == .yes)
            if !(improvementPossible && openBeam && !allStop) { break }
            mask = mask.map { $0 + [1] }
            input = running.flatMap { $0.map { [$0[length - 1]] } }
        }
        let returned = config.numReturnSequences
        var sequences = finished.flatMap { $0.prefix(returned) }
        var indices = finishedIndices.flatMap { $0.prefix(returned) }
        let generated = indices.map { $0.filter { $0 >= 0 }.count }.max() ?? 0
        sequences = sequences.map { Array($0.prefix(prompt + generated)) }
        indices = indices.map { Array($0.prefix(generated)) }
        var output = GenerateOutput(sequences: sequences)
        output.stoppedBy = stoppedBy
        if config.outputScores {
            output.scores = scoresLog
            output.sequencesScores = finishedScores.flatMap { $0.prefix(returned) }
        }
        if config.outputLogits { output.logits = logitsLog }
        output.beamIndices = indices
        return output
    }
}
