// Pre-tokenizers cut the normalized text into words (reference `tokenizers/src/pre_tokenizers`).

protocol PreTokenizer: Sendable {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError)
}

/// `Sequence`: applies its pre-tokenizers in order.
struct SequencePreTokenizer: PreTokenizer {
    let preTokenizers: [any PreTokenizer]
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        for p in preTokenizers { try p.preTokenize(&text) }
    }
}

/// `ByteLevel`: optional prefix space, the GPT-2 split regex, then the byte-level character mapping.
struct ByteLevelPreTokenizer: PreTokenizer {
    let addPrefixSpace: Bool
    let trimOffsets: Bool
    let useRegex: Bool
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { (piece) throws(TokenizerError) -> [NormalizedString] in
            var piece = piece
            if addPrefixSpace && piece.scalars.first != " " { piece.prepend([" "]) }
            return useRegex ? try piece.split(.known(.gpt2), behavior: .isolated) : [piece]
        }
        try text.normalize { $0.applyByteLevelMapping() }
    }
}

/// `BertPreTokenizer`: splits on whitespace (dropped) and isolates each punctuation character.
struct BertPreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { $0.split(where: { $0.isWhitespaceClass }, behavior: .removed) }
        try text.split { $0.split(where: { $0.isPunctuationClass }, behavior: .isolated) }
    }
}

/// `Whitespace`: keeps runs of `\w+` and of `[^\w\s]+`.
struct WhitespacePreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { piece in
            var ranges: [Range<Int>] = []
            let s = piece.scalars
            var i = 0
            while i < s.count {
                if s[i].isWordClass {
                    var j = i + 1
                    while j < s.count, s[j].isWordClass { j += 1 }
                    ranges.append(i..<j)
                    i = j
                } else if !s[i].isWhitespaceClass {
                    var j = i + 1
                    while j < s.count, !s[j].isWordClass, !s[j].isWhitespaceClass { j += 1 }
                    ranges.append(i..<j)
                    i = j
                } else {
                    i += 1
                }
            }
            return ranges.map { piece.slice($0) }
        }
    }
}

/// `WhitespaceSplit`: splits on whitespace, dropping it.
struct WhitespaceSplitPreTokenizer: PreTokenizer {
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { $0.split(where: { $0.isWhitespaceClass }, behavior: .removed) }
    }
}

/// `Punctuation`: splits on punctuation characters with the given behaviour.
struct PunctuationPreTokenizer: PreTokenizer {
    let behavior: SplitDelimiterBehavior
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { $0.split(where: { $0.isPunctuationClass }, behavior: behavior) }
    }
}

/// `Digits`: isolates digits, one by one or in runs.
struct DigitsPreTokenizer: PreTokenizer {
    let individualDigits: Bool
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        let behavior: SplitDelimiterBehavior = individualDigits ? .isolated : .contiguous
        try text.split { $0.split(where: { $0.isNumericClass }, behavior: behavior) }
    }
}

/// `CharDelimiterSplit`: splits on one character, dropping it.
struct CharDelimiterSplitPreTokenizer: PreTokenizer {
    let delimiter: Unicode.Scalar
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { $0.split(where: { $0 == delimiter }, behavior: .removed) }
    }
}

/// `Split`: splits on a string or regex pattern with one of the five behaviours, optionally inverted.
struct SplitPreTokenizer: PreTokenizer {
    let pattern: SplitPattern
    let behavior: SplitDelimiterBehavior
    let invert: Bool
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { (piece) throws(TokenizerError) -> [NormalizedString] in
            try piece.split(pattern, behavior: behavior, invert: invert)
        }
    }
}

/// `Metaspace`: replaces spaces by the replacement character ("▁"), prepends it per `prepend_scheme`,
/// and optionally splits before each replacement character.
struct MetaspacePreTokenizer: PreTokenizer {
    enum PrependScheme: String, Sendable { case always, never, first }
    let replacement: Unicode.Scalar
    let prependScheme: PrependScheme
    let split: Bool
    func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        try text.split { (piece) throws(TokenizerError) -> [NormalizedString] in
            var piece = piece
            try piece.replace(.literal([" "]), with: [replacement])
            switch prependScheme {
            case .always:
                if piece.scalars.first != replacement { piece.prepend([replacement]) }
            case .first:
                if piece.scalars.first != replacement && piece.originalStart == 0 { piece.prepend([replacement]) }
            case .never:
                break
            }
            return split ? piece.split(where: { $0 == replacement }, behavior: .mergedWithNext) : [piece]
        }
    }
}

extension Unicode.Scalar {
    /// ASCII punctuation or any Unicode punctuation category (reference `is_punc`/`is_bert_punc`).
    var isPunctuationClass: Bool {
        let v = value
        if v < 0x80 {
            return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v)
                || (0x7B...0x7E).contains(v)
        }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// Rust's `char::is_numeric` (Nd, Nl, No).
    var isNumericClass: Bool { isNumberClass }
}
