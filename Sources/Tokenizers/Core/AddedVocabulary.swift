// Added tokens (reference `tokenizer/added_vocabulary.rs`): tokens matched in the raw text before the
// model runs. Non-normalized ones are found in the original text first, normalized ones in each
// normalized piece afterwards; matching is leftmost-longest, with the single_word/lstrip/rstrip rules.

/// A token added on top of the model's vocabulary (special tokens, chat markers…).
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    public var singleWord: Bool
    public var lstrip: Bool
    public var rstrip: Bool
    public var normalized: Bool
    public var special: Bool

    public init(
        id: Int, content: String, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
        normalized: Bool = false, special: Bool = true
    ) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized
        self.special = special
    }
}

/// Leftmost-longest literal matching of many patterns over scalars.
struct LiteralMatcher: Sendable {
    /// First scalar → (pattern, token index), longest patterns first.
    private var byFirst: [UInt32: [([Unicode.Scalar], Int)]] = [:]
    var isEmpty: Bool { byFirst.isEmpty }

    init(_ patterns: [([Unicode.Scalar], Int)]) {
        for (p, index) in patterns where !p.isEmpty { byFirst[p[0].value, default: []].append((p, index)) }
        for key in byFirst.keys { byFirst[key]?.sort { $0.0.count > $1.0.count } }
    }

    /// Non-overlapping leftmost-longest matches.
    func matches(in s: [Unicode.Scalar]) -> [(range: Range<Int>, index: Int)] {
        var result: [(range: Range<Int>, index: Int)] = []
        var i = 0
        while i < s.count {
            if let candidates = byFirst[s[i].value] {
                var found: (Range<Int>, Int)? = nil
                for (p, index) in candidates where i + p.count <= s.count && s[i..<(i + p.count)].elementsEqual(p) {
                    found = (i..<(i + p.count), index)
                    break
                }
                if let (r, index) = found {
                    result.append((r, index))
                    i = r.upperBound
                    continue
                }
            }
            i += 1
        }
        return result
    }
}

struct AddedVocabulary: Sendable {
    let tokens: [AddedToken]
    let contentToId: [TokenKey: Int]
    let idToContent: [Int: String]
    let specialContents: Set<TokenKey>
    let rawMatcher: LiteralMatcher
    let normalizedMatcher: LiteralMatcher
    /// When true, special tokens in the text are tokenized as plain text (reference `encode_special_tokens`).
    var encodeSpecialTokens = false

    init(tokens: [AddedToken], normalizer: (any Normalizer)?) throws(TokenizerError) {
        self.tokens = tokens
        var contentToId: [TokenKey: Int] = [:]
        var idToContent: [Int: String] = [:]
        var raw: [([Unicode.Scalar], Int)] = []
        var normalized: [([Unicode.Scalar], Int)] = []
        for (index, token) in tokens.enumerated() {
            contentToId[TokenKey(token.content)] = token.id
            idToContent[token.id] = token.content
            let scalars = Array(token.content.unicodeScalars)
            if token.normalized {
                var n = NormalizedString(scalars)
                if let normalizer { try normalizer.normalize(&n) }
                normalized.append((n.scalars, index))
            } else {
                raw.append((scalars, index))
            }
        }
        self.contentToId = contentToId
        self.idToContent = idToContent
        self.specialContents = Set(tokens.filter(\.special).map { TokenKey($0.content) })
        self.rawMatcher = LiteralMatcher(raw)
        self.normalizedMatcher = LiteralMatcher(normalized)
    }

    func isSpecial(_ content: String) -> Bool { specialContents.contains(TokenKey(content)) }

    /// Cuts `piece` around the added tokens `matcher` finds (reference `find_matches` + `split_with_indices`).
    private func splitAround(_ piece: NormalizedString, matcher: LiteralMatcher) -> [Split] {
        let s = piece.scalars
        if s.isEmpty || matcher.isEmpty { return [Split(normalized: piece, tokens: nil)] }
        var result: [Split] = []
        var startOffset = 0
        for (range, index) in matcher.matches(in: s) {
            let token = tokens[index]
            if encodeSpecialTokens && token.special { continue }
            var start = range.lowerBound
            var stop = range.upperBound
            if token.singleWord {
                let startSpace = start == 0 || !s[start - 1].isWordClass
                let stopSpace = stop == s.count || !s[stop].isWordClass
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0, s[newStart - 1].isWhitespaceClass { newStart -= 1 }
                start = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < s.count, s[stop].isWhitespaceClass { stop += 1 }
            }
            if start < startOffset { continue }
            if startOffset < start {
                result.append(Split(normalized: piece.slice(startOffset..<start), tokens: nil))
            }
            let slice = piece.slice(start..<stop)
            result.append(
                Split(normalized: slice, tokens: [Token(id: token.id, value: slice.string, offsets: 0..<slice.count)]))
            startOffset = stop
        }
        if startOffset != s.count {
            result.append(Split(normalized: piece.slice(startOffset..<s.count), tokens: nil))
        }
        return result
    }

    /// Extracts added tokens and normalizes everything else (reference `extract_and_normalize`).
    func extractAndNormalize(_ scalars: [Unicode.Scalar], normalizer: (any Normalizer)?) throws(TokenizerError)
        -> PreTokenizedString
    {
        var text = PreTokenizedString(scalars)
        try text.splitWithTokens { splitAround($0, matcher: rawMatcher) }
        try text.splitWithTokens { (piece) throws(TokenizerError) -> [Split] in
            var piece = piece
            if let normalizer { try normalizer.normalize(&piece) }
            return splitAround(piece, matcher: normalizedMatcher)
        }
        return text
    }
}
