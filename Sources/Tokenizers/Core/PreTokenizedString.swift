// The input cut into splits during pre-tokenization (reference `pre_tokenizer.rs`). Splits that
// already carry tokens (added tokens) are left alone by later stages.

/// A token produced by a model, with offsets into its split's normalized scalars.
struct Token: Sendable {
    var id: Int
    var value: String
    var offsets: Range<Int>
}

/// One piece of the pre-tokenized input.
struct Split: Sendable {
    var normalized: NormalizedString
    var tokens: [Token]?
}

/// The input as a list of splits, each normalized separately.
struct PreTokenizedString: Sendable {
    var splits: [Split]

    init(_ scalars: [Unicode.Scalar]) {
        splits = [Split(normalized: NormalizedString(scalars), tokens: nil)]
    }

    /// Replaces every untokenized split by the pieces `body` cuts it into, dropping empty pieces.
    mutating func split(_ body: (NormalizedString) throws(TokenizerError) -> [NormalizedString]) throws(TokenizerError) {
        var result: [Split] = []
        result.reserveCapacity(splits.count)
        for split in splits {
            if split.tokens != nil {
                result.append(split)
                continue
            }
            for piece in try body(split.normalized) where !piece.isEmpty {
                result.append(Split(normalized: piece, tokens: nil))
            }
        }
        splits = result
    }

    /// Like `split`, for bodies that may also attach tokens to a piece.
    mutating func splitWithTokens(_ body: (NormalizedString) throws(TokenizerError) -> [Split]) throws(TokenizerError) {
        var result: [Split] = []
        for split in splits {
            if split.tokens != nil {
                result.append(split)
                continue
            }
            for piece in try body(split.normalized) where !piece.normalized.isEmpty {
                result.append(piece)
            }
        }
        splits = result
    }

    /// Applies `body` to every untokenized split.
    mutating func normalize(_ body: (inout NormalizedString) throws(TokenizerError) -> Void) throws(TokenizerError) {
        for i in splits.indices where splits[i].tokens == nil {
            try body(&splits[i].normalized)
        }
    }
}

extension NormalizedString {
    /// Splits by a pattern with one of the five delimiter behaviours (reference `NormalizedString::split`).
    func split(_ pattern: SplitPattern, behavior: SplitDelimiterBehavior, invert: Bool = false) throws(TokenizerError)
        -> [NormalizedString]
    {
        var matches = try pattern.findMatches(scalars)
        if invert { matches = matches.map { ($0.range, !$0.isMatch) } }
        return behavior.apply(matches).map { slice($0) }
    }

    /// Splits on characters for which `isDelimiter` holds.
    func split(where isDelimiter: (Unicode.Scalar) -> Bool, behavior: SplitDelimiterBehavior) -> [NormalizedString] {
        behavior.apply(findMatches(where: isDelimiter)).map { slice($0) }
    }

    /// The reference's `find_matches` for a character predicate: every matching char is its own match.
    func findMatches(where isDelimiter: (Unicode.Scalar) -> Bool) -> [(range: Range<Int>, isMatch: Bool)] {
        if scalars.isEmpty { return [(0..<0, false)] }
        var result: [(range: Range<Int>, isMatch: Bool)] = []
        var last = 0
        for (i, c) in scalars.enumerated() where isDelimiter(c) {
            if last < i { result.append((last..<i, false)) }
            result.append((i..<(i + 1), true))
            last = i + 1
        }
        if last < scalars.count { result.append((last..<scalars.count, false)) }
        return result
    }
}
