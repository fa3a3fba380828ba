// WordPiece (reference `models/wordpiece/mod.rs`): greedy longest-match-first from the left, pieces
// after the first carry the `##` prefix; a word with any unmatchable part becomes one unknown token.

struct WordPieceModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    let idToTokenTable: [String?]
    let unknownToken: String
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int
    /// Tokens that may start a word, and continuation tokens (prefix removed), as scalar tries: the
    /// reference's "longest substring in the vocabulary" is the deepest terminal on the trie walk.
    private let initialTrie: ScalarTrie
    private let continuationTrie: ScalarTrie

    var vocabSize: Int { vocabulary.count }

    init(vocabulary: [TokenKey: Int], unknownToken: String, continuingSubwordPrefix: String, maxInputCharsPerWord: Int)
        throws(TokenizerError)
    {
        self.vocabulary = vocabulary
        self.idToTokenTable = try reverseVocabulary(vocabulary, component: "WordPiece")
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        var initial = ScalarTrie()
        var continuation = ScalarTrie()
        let prefix = Array(continuingSubwordPrefix.unicodeScalars)
        for (token, id) in vocabulary {
            let scalars = Array(token.string.unicodeScalars)
            initial.insert(scalars, id: id)
            if !prefix.isEmpty && scalars.starts(with: prefix) {
                continuation.insert(Array(scalars.dropFirst(prefix.count)), id: id)
            }
        }
        if prefix.isEmpty { continuation = initial }
        self.initialTrie = initial
        self.continuationTrie = continuation
    }

    func tokenToId(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func idToToken(_ id: Int) -> String? { id >= 0 && id < idToTokenTable.count ? idToTokenTable[id] : nil }

    private func unknown(_ count: Int) throws(TokenizerError) -> [Token] {
        guard let id = vocabulary[TokenKey(unknownToken)] else {
            throw .invalidConfiguration("WordPiece: unk_token \"\(unknownToken)\" is not in the vocabulary")
        }
        return [Token(id: id, value: unknownToken, offsets: 0..<count)]
    }

    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.count > maxInputCharsPerWord { return try unknown(word.count) }
        var tokens: [Token] = []
        var start = 0
        while start < word.count {
            var best: (end: Int, id: Int)? = nil
            (start == 0 ? initialTrie : continuationTrie).forEachPrefix(of: word, from: start) { end, id in
                best = (end, id)
            }
            guard let (end, id) = best else { return try unknown(word.count) }
            tokens.append(Token(id: id, value: idToToken(id) ?? "", offsets: start..<end))
            start = end
        }
        return tokens
    }
}
