import Tokenizers

/// `stop_strings`: stops a sequence as soon as a generated token completes one of the strings, following
/// transformers' `StopStringCriteria` (generation/stopping_criteria.py, 4.55).
///
/// A stop string matches only if it overlaps the *final* token: the final token's start must overlap the string's
/// end (`stop[-i:] == token[:i]`, the token may run past the string's end), and walking backwards every earlier
/// token must fit exactly where the match so far has reached, the earliest one possibly running off the string's
/// start. So ["st", "op"], ["las", "topper"] and ["s", "to", "pped"] match "stop"; ["stop", "at"] does not (the
/// string is already in the past). Like the reference, only the last `max(len(stop))` tokens are examined — prompt
/// tokens included — and lengths are counted in characters (Python `len`, i.e. Unicode scalars).
///
/// Tokens are compared by their "clean" text: each token decoded after the tokens of the prefix "abcdef" and cut
/// after that prefix, which is how the reference gets what a token really prints (no `Ġ`, `▁`, `##` markers).
public struct StopStringCriteria: Sendable {
    public let stopStrings: [String]

    /// Per stop string: token id → positions (characters matched so far, counted from the string's end) at which
    /// the token can continue a match.
    private var validPositions: [[Int: [Int]]] = []
    /// Per stop string: token id → the possible numbers of the string's last characters its start can cover.
    private var endOverlaps: [[Int: [Int]]] = []
    /// Token id → its clean length in characters.
    private var lengths: [Int: Int] = [:]
    private let window: Int

    /// Builds the tables from the tokenizer's full vocabulary (added tokens included), as `get_vocab()` does.
    public init(tokenizer: PreTrainedTokenizer, stopStrings: [String]) throws {
        try self.init(cleanVocabulary: Self.cleanVocabulary(tokenizer), stopStrings: stopStrings)
    }

    /// Builds the tables from already cleaned `(id, text)` pairs.
    public init(cleanVocabulary: [(id: Int, text: String)], stopStrings: [String]) throws {
        guard !stopStrings.isEmpty, stopStrings.allSatisfy({ !$0.isEmpty }) else {
            throw GenerationError.invalidConfig("`stop_strings` must be a non-empty list of non-empty strings, got \(stopStrings)")
        }
        self.stopStrings = stopStrings
        window = stopStrings.map { $0.unicodeScalars.count }.max() ?? 1
        for (id, text) in cleanVocabulary { lengths[id] = text.unicodeScalars.count }
        var anyEnd = false
        for stop in stopStrings {
            let reversedStop = Array(stop.unicodeScalars.reversed())
            var positions: [Int: [Int]] = [:], ends: [Int: [Int]] = [:]
            for (id, text) in cleanVocabulary {
                let reversedToken = Array(text.unicodeScalars.reversed())
                var matching: [Int] = [], endLengths: [Int] = []
                // i < 0: the token runs past the string's end by -i characters; i ≥ 0: it starts i characters in.
                for i in (1 - reversedToken.count)..<reversedStop.count {
                    let token = i < 0 ? reversedToken[(-i)...] : reversedToken[...]
                    let start = max(i, 0)
                    let stopPart = reversedStop[start..<min(start + token.count, reversedStop.count)]
                    guard token.starts(with: stopPart) else { continue }
                    if start == 0 { endLengths.append(min(token.count, stopPart.count)) } else { matching.append(start) }
                }
                if !matching.isEmpty { positions[id] = matching }
                if !endLengths.isEmpty { ends[id] = endLengths }
            }
            anyEnd = anyEnd || !ends.isEmpty
            validPositions.append(positions)
            endOverlaps.append(ends)
        }
        guard anyEnd else {
            throw GenerationError.invalidConfig("Stop string preprocessing was unable to identify tokens matching one or more of the supplied stop string(s). This is most often caused by the stop strings containing unusual characters that are not in the tokenizer vocabulary.")
        }
    }

    /// `clean_tokenizer_vocab`: every vocabulary entry's printed text.
    public static func cleanVocabulary(_ tokenizer: PreTrainedTokenizer, prefix: String = "abcdef") throws -> [(id: Int, text: String)] {
        let baseTokens = tokenizer.convertIdsToTokens(try tokenizer.encode(prefix, addSpecialTokens: false)).compactMap { $0 }
        var vocabulary: [(id: Int, text: String)] = []
        let size = tokenizer.backend.vocabularySize(withAddedTokens: true)
        var id = 0, found = 0
        // Ids may have gaps (added tokens past the model's vocabulary): walk until every entry was seen.
        while found < size && id < size + 1_000_000 {
            defer { id += 1 }
            guard let token = tokenizer.backend.idToToken(id) else { continue }
            found += 1
            let text = try tokenizer.convertTokensToString(baseTokens + [token])
            guard let range = text.range(of: prefix) else { continue }  // the reference would raise; skip the entry
            vocabulary.append((id, String(text[range.upperBound...])))
        }
        return vocabulary
    }

    /// Whether `sequence` (prompt and generated ids) now ends with any stop string.
    public func matches(_ sequence: [Int]) -> Bool {
        guard let last = sequence.last else { return false }
        let earlier = sequence.dropLast().suffix(window - 1).reversed()
        for (index, stop) in stopStrings.enumerated() {
            let target = stop.unicodeScalars.count
            for start in endOverlaps[index][last] ?? [] {
                var matched = start
                if matched >= target { return true }
                for token in earlier {
                    guard let positions = validPositions[index][token], positions.contains(matched) else { break }
                    matched += lengths[token] ?? -1
                    if matched >= target { return true }
                }
            }
        }
        return false
    }
}
