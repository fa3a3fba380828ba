// WordPiece (reference `models/wordpiece/mod.rs`): greedy longest-match-first from the left, pieces
// after the first carry the `##` prefix; a word with any unmatchable part becomes one unknown token.

struct WordPieceModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    let idToTokenTable: [String?]
    let unknownToken: String
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int
    /// The longest token in scalars (prefix excluded), which bounds the search for a match.
    let longestToken: Int

    var vocabSize: Int { vocabulary.count }

    init(vocabulary: [TokenKey: Int], unknownToken: String, continuingSubwordPrefix: String, maxInputCharsPerWord: Int)
        throws(TokenizerError)
    {
        self.vocabulary = vocabulary
        self.idToTokenTable = try reverseVocabulary(vocabulary, component: "WordPiece")
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.longestToken = vocabulary.keys.map { $0.string.unicodeScalars.count }.max() ?? 0
    }

    func tokenToId(_ token: String) -> Int? { vocabulary[token] }
    func idToToken(_ id: Int) -> String? { id >= 0 && id < idToTokenTable.count ? idToTokenTable[id] : nil }

    private func unknown(_ count: Int) throws(TokenizerError) -> [Token] {
        guard let id = vocabulary[unknownToken] else {
            throw .invalidConfiguration("WordPiece: unk_token \"\(unknownToken)\" is not in the vocabulary")
        }
        return [Token(id: id, value: unknownToken, offsets: 0..<count)]
    }

    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.count > maxInputCharsPerWord { return try unknown(word.count) }
        var tokens: [Token] = []
        var start = 0
        while start < word.count {
            var end = min(word.count, start + longestToken)
            var found: Token? = nil
            while start < end {
                var piece = word[start..<end].asString
                if start > 0 { piece = continuingSubwordPrefix + piece }
                if let id = vocabulary[piece] {
                    found = Token(id: id, value: piece, offsets: start..<end)
                    break
                }
                end -= 1
            }
            guard let token = found else { return try unknown(word.count) }
            tokens.append(token)
            start = end
        }
        return tokens
    }
}
