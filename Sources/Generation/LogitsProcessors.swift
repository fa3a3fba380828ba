import Foundation

// Logits processors and warpers, following transformers/generation/logits_process.py. Each works on the scores of
// one step, one row per sequence (batch × beams), given every row's tokens so far (prompt included, pads too, as
// the reference sees them).

/// What a processor sees besides the scores.
public struct ProcessorContext: Sendable {
    /// Tokens so far per row (prompt + generated).
    public var sequences: [[Int]]
    /// Length of the prompt (the input_ids width).
    public var promptLength: Int
    public var currentLength: Int { sequences.first?.count ?? 0 }
}

public protocol LogitsProcessor: Sendable {
    func process(_ scores: inout [[Float]], context: ProcessorContext)
}

// MARK: - Penalties and constraints

/// `RepetitionPenaltyLogitsProcessor`: every token already present has its score divided by the penalty when
/// positive, multiplied when negative.
public struct RepetitionPenalty: LogitsProcessor {
    public let penalty: Float
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for (row, tokens) in context.sequences.enumerated() {
            for token in Set(tokens) where scores[row].indices.contains(token) {
                let s = scores[row][token]
                scores[row][token] = s < 0 ? s * penalty : s / penalty
            }
        }
    }
}

/// `NoRepeatNGramLogitsProcessor`: a token that would complete an n-gram already present is banned.
public struct NoRepeatNGram: LogitsProcessor {
    public let size: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        guard size > 0, context.currentLength + 1 >= size else { return }
        for (row, tokens) in context.sequences.enumerated() {
            let prefix = Array(tokens.suffix(size - 1))
            guard tokens.count >= size else { continue }
            for start in 0...(tokens.count - size) where Array(tokens[start..<(start + size - 1)]) == prefix {
                let banned = tokens[start + size - 1]
                if scores[row].indices.contains(banned) { scores[row][banned] = -.infinity }
            }
        }
    }
}

/// `SequenceBiasLogitsProcessor`: adds a bias to a sequence's last token when the row ends with the rest of it
/// (single tokens always). `NoBadWordsLogitsProcessor` is this with a bias of −∞.
public struct SequenceBias: LogitsProcessor {
    public let biases: [(tokens: [Int], bias: Float)]
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for (row, tokens) in context.sequences.enumerated() {
            var add = [Int: Float]()
            for (sequence, bias) in biases where !sequence.isEmpty {
                guard let last = sequence.last, scores[row].indices.contains(last) else { continue }
                let prefix = sequence.dropLast()
                if prefix.isEmpty || (prefix.count <= tokens.count && Array(tokens.suffix(prefix.count)) == Array(prefix)) {
                    add[last, default: 0] += bias
                }
            }
            for (token, bias) in add { scores[row][token] += bias }
        }
    }

    /// `NoBadWordsLogitsProcessor(bad_words_ids, eos_token_id)`: the eos token alone is never banned.
    public static func badWords(_ ids: [[Int]], eos: [Int]) -> SequenceBias {
        SequenceBias(biases: ids.filter { !($0.count == 1 && eos.contains($0[0])) }.map { ($0, -Float.infinity) })
    }
}

/// `MinLengthLogitsProcessor` / `MinNewTokensLengthLogitsProcessor`: eos is banned until the sequence (or its new
/// part) is long enough.
public struct MinLength: LogitsProcessor {
    public let minimum: Int
    public let countsPrompt: Bool
    public let eos: [Int]
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        let length = countsPrompt ? context.currentLength : context.currentLength - context.promptLength
        guard length < minimum else { return }
        for row in scores.indices { for token in eos where scores[row].indices.contains(token) { scores[row][token] = -.infinity } }
    }
}

/// `ForcedBOSTokenLogitsProcessor` (first generated position of an encoder-decoder) and
/// `ForcedEOSTokenLogitsProcessor` (the last position before max_length): only the forced token remains possible.
public struct ForcedTokens: LogitsProcessor {
    public let atLength: Int
    public let tokens: [Int]
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        guard context.currentLength == atLength else { return }
        for row in scores.indices {
            scores[row] = [Float](repeating: -.infinity, count: scores[row].count)
            for token in tokens where scores[row].indices.contains(token) { scores[row][token] = 0 }
        }
    }
}

/// `ExponentialDecayLengthPenalty`: after `start` new tokens, eos scores grow by |score|·(factor^k − 1).
public struct ExponentialDecayLengthPenalty: LogitsProcessor {
    public let start: Int
    public let factor: Double
    public let eos: [Int]
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        let regulationStart = start + context.promptLength
        guard context.currentLength > regulationStart else { return }
        let multiplier = Float(Foundation.pow(factor, Double(context.currentLength - regulationStart)) - 1)
        for row in scores.indices {
            for token in eos where scores[row].indices.contains(token) { scores[row][token] += abs(scores[row][token]) * multiplier }
        }
    }
}

/// `SuppressTokensLogitsProcessor` (always) and `SuppressTokensAtBeginLogitsProcessor` (only at `atLength`).
public struct SuppressTokens: LogitsProcessor {
    public let tokens: [Int]
    public let atLength: Int?
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        if let atLength, context.currentLength != atLength { return }
        for row in scores.indices { for token in tokens where scores[row].indices.contains(token) { scores[row][token] = -.infinity } }
    }
}

// MARK: - Warpers (sampling)

/// `TemperatureLogitsWarper`.
public struct Temperature: LogitsProcessor {
    public let value: Float
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices { scores[row] = scores[row].map { $0 / value } }
    }
}

/// `TopKLogitsWarper`: scores below the k-th largest become −∞.
public struct TopK: LogitsProcessor {
    public let k: Int
    public let minTokensToKeep: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices {
            let k = Swift.min(Swift.max(self.k, minTokensToKeep), scores[row].count)
            guard k > 0 else { continue }
            let threshold = scores[row].sorted(by: >)[k - 1]
            scores[row] = scores[row].map { $0 < threshold ? -.infinity : $0 }
        }
    }
}

/// Softmax of one row in Double (for the probability-based warpers).
func probabilities(_ row: [Float]) -> [Double] {
    let top = Double(row.max() ?? 0)
    let exps = row.map { $0 == -.infinity ? 0 : Foundation.exp(Double($0) - top) }
    let total = exps.reduce(0, +)
    return exps.map { $0 / total }
}

/// `TopPLogitsWarper`: keeps the smallest set of most probable tokens whose mass exceeds p.
public struct TopP: LogitsProcessor {
    public let p: Double
    public let minTokensToKeep: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices {
            let probs = probabilities(scores[row])
            let ascending = probs.indices.sorted { (probs[$0], $0) < (probs[$1], $1) }
            var cumulative = 0.0
            for (rank, index) in ascending.enumerated() {
                cumulative += probs[index]
                let inTail = rank >= ascending.count - minTokensToKeep
                if cumulative <= 1 - p && !inTail { scores[row][index] = -.infinity }
            }
        }
    }
}

/// `MinPLogitsWarper`: tokens less probable than min_p × the top probability are removed.
public struct MinP: LogitsProcessor {
    public let minP: Double
    public let minTokensToKeep: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices {
            let probs = probabilities(scores[row])
            let threshold = minP * (probs.max() ?? 0)
            let keep = Set(probs.indices.sorted { probs[$0] > probs[$1] }.prefix(minTokensToKeep))
            for i in probs.indices where probs[i] < threshold && !keep.contains(i) { scores[row][i] = -.infinity }
        }
    }
}

/// `TypicalLogitsWarper`: keeps tokens whose surprise is closest to the entropy until their mass reaches p.
public struct TypicalP: LogitsProcessor {
    public let mass: Double
    public let minTokensToKeep: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices {
            let probs = probabilities(scores[row])
            let entropy = -probs.filter { $0 > 0 }.map { $0 * Foundation.log($0) }.reduce(0, +)
            let deviation = probs.map { $0 > 0 ? abs(-Foundation.log($0) - entropy) : .infinity }
            let order = probs.indices.sorted { deviation[$0] < deviation[$1] }
            var cumulative = 0.0, lastIndex = 0
            for (rank, index) in order.enumerated() {
                cumulative += probs[index]
                if cumulative < mass { lastIndex = rank + 1 }
            }
            let keep = Swift.max(lastIndex + 1, minTokensToKeep)
            for index in order.dropFirst(keep) { scores[row][index] = -.infinity }
        }
    }
}

/// `EpsilonLogitsWarper` (fixed ε) and `EtaLogitsWarper` (ε = min(η, √η·e^(−entropy))).
public struct ProbabilityCutoff: LogitsProcessor {
    public let epsilon: Double
    public let entropyAdaptive: Bool
    public let minTokensToKeep: Int
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices {
            let probs = probabilities(scores[row])
            var cutoff = epsilon
            if entropyAdaptive {
                let entropy = -probs.filter { $0 > 0 }.map { $0 * Foundation.log($0) }.reduce(0, +)
                cutoff = Swift.min(epsilon, epsilon.squareRoot() * Foundation.exp(-entropy))
            }
            let keep = Set(probs.indices.sorted { probs[$0] > probs[$1] }.prefix(minTokensToKeep))
            for i in probs.indices where probs[i] < cutoff && !keep.contains(i) { scores[row][i] = -.infinity }
        }
    }
}

/// `LogitNormalization` (`renormalize_logits=True`): log-softmax after every other processor.
public struct LogitNormalization: LogitsProcessor {
    public func process(_ scores: inout [[Float]], context: ProcessorContext) {
        for row in scores.indices { scores[row] = logSoftmax(scores[row]) }
    }
}

/// log-softmax of one row, in Double internally.
func logSoftmax(_ row: [Float]) -> [Float] {
    let top = Double(row.max() ?? 0)
    let total = row.reduce(0.0) { $1 == -.infinity ? $0 : $0 + Foundation.exp(Double($1) - top) }
    let logTotal = top + Foundation.log(total)
    return row.map { Float(Double($0) - logTotal) }
}
