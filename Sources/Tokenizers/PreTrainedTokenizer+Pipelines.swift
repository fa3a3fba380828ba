// What the text pipelines need from a tokenizer beyond `PreTrainedTokenizer` itself: special-token ids,
// `convert_tokens_to_string`, the subword-prefix test of token classification, and question/context windows
// with overflow (the reference's `return_overflowing_tokens=True`).

extension PreTrainedTokenizer {
    // MARK: Special token ids

    public var maskTokenId: Int? { maskToken.flatMap { backend.tokenToId($0) } }
    public var padTokenId: Int? { padToken.flatMap { backend.tokenToId($0) } }
    public var clsTokenId: Int? { clsToken.flatMap { backend.tokenToId($0) } }
    public var unkTokenId: Int? { unkToken.flatMap { backend.tokenToId($0) } }

    // MARK: Tokens ↔ text

    /// Python `convert_tokens_to_string` of a fast tokenizer: the decoder applied to the tokens themselves.
    public func convertTokensToString(_ tokens: [String]) throws(TokenizerError) -> String {
        try backend.decodeTokens(tokens)
    }

    /// Whether the model marks word continuations with a prefix (`##` of WordPiece): the reference then tells
    /// subwords by comparing a token's length with its text span's length.
    public var hasContinuingSubwordPrefix: Bool { backend.hasContinuingSubwordPrefix }

    // MARK: Windows over long inputs

    /// Encodes `text` (+ `pair`) truncated to `maxLength` with `strategy`, returning the first window followed by
    /// its overflowing windows (`stride` tokens of overlap), flattened as Python's `return_overflowing_tokens`.
    public func encodeWindows(
        _ text: String, pair: String? = nil, maxLength: Int, stride: Int, strategy: TruncationStrategy
    ) throws(TokenizerError) -> [Encoding] {
        var tokenizer = backend
        tokenizer.padding = nil
        tokenizer.truncation = TruncationParameters(maxLength: maxLength, stride: stride, strategy: strategy, direction: truncationSide)
        let encoding = try tokenizer.encode(text, pair: pair, addSpecialTokens: true)
        var windows = [encoding]
        windows[0].overflowing = []
        windows.append(contentsOf: encoding.overflowing)
        return windows
    }
}

extension Tokenizer {
    /// The decoder over already-split tokens (no id lookup, no special-token filtering).
    func decodeTokens(_ tokens: [String]) throws(TokenizerError) -> String {
        if let decoder { return try decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }

    var hasContinuingSubwordPrefix: Bool {
        if let wordPiece = model as? WordPieceModel { return !wordPiece.continuingSubwordPrefix.isEmpty }
        if let bpe = model as? BPEModel { return !(bpe.continuingSubwordPrefix ?? "").isEmpty }
        return false
    }
}

extension Encoding {
    /// Python `Encoding.word_to_chars(word, sequence_index)`: the character span of a word of one input sequence,
    /// or nil when no token of that sequence carries the word.
    public func wordToChars(_ word: Int, sequence: Int) -> Offsets? {
        let sequences = sequenceIds
        var first: Int?
        var last: Int?
        for i in 0..<count where sequences[i] == sequence && wordIds[i] == word {
            if first == nil { first = i }
            last = i
        }
        guard let first, let last else { return nil }
        return Offsets(offsets[first].start, offsets[last].end)
    }
}
