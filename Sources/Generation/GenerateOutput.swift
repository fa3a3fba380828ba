// What `generate` returns, following transformers/generation/utils.py's `GenerateDecoderOnlyOutput` and
// `GenerateBeamDecoderOnlyOutput`, plus `compute_transition_scores`.

public struct GenerateOutput: Sendable {
    /// Prompt + generated ids per returned sequence (finished rows padded).
    public var sequences: [[Int]]
    /// Processed scores per step: [step][row][vocab] (`output_scores`).
    public var scores: [[[Float]]]?
    /// Raw logits per step (`output_logits`).
    public var logits: [[[Float]]]?
    /// Beam search: the final (length-penalized) score of each returned sequence.
    public var sequencesScores: [Float]?
    /// Beam search: for each returned sequence, the beam row (batch·num_beams + beam) each step's token came from;
    /// −1 past the sequence's end.
    public var beamIndices: [[Int]]?
    /// Why the loop ended early, when it did (`max_time`, cancellation).
    public var stoppedBy: String?

    public init(sequences: [[Int]]) { self.sequences = sequences }
}

extension GenerateOutput {
    /// `model.compute_transition_scores(sequences, scores, beam_indices, normalize_logits=)`: the score of each
    /// generated token in the step that chose it, [row][step]; 0 where a beam sequence had already ended.
    public func transitionScores(normalizeLogits: Bool = false) throws -> [[Float]] {
        guard let scores, let vocab = scores.first?.first?.count else {
            throw GenerationError.invalidInput("compute_transition_scores needs the scores: generate with output_scores=True and return_dict_in_generate=True")
        }
        let steps = scores.count
        let stepScores = normalizeLogits ? scores.map { $0.map(logSoftmax) } : scores
        let indices = beamIndices ?? sequences.indices.map { row in [Int](repeating: row, count: steps) }
        let maxBeamLength = indices.map { $0.prefix(steps).filter { $0 >= 0 }.count }.max() ?? 0
        return zip(sequences, indices).map { sequence, beams in
            let cut = sequence.count - maxBeamLength
            return (0..<maxBeamLength).map { t in
                let beam = t < beams.count ? beams[t] : -1
                guard beam >= 0, t < steps, beam < stepScores[t].count else { return 0 }
                let token = sequence[cut + t]
                return token >= 0 && token < vocab ? stepScores[t][beam][token] : 0
            }
        }
    }
}
