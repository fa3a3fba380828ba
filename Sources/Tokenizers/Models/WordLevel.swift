// WordLevel (reference `models/wordlevel/mod.rs`): each word is one vocabulary entry or the unknown token.

struct WordLevelModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    let idToTokenTable: [String?]
    let unknownToken: String

    var vocabSize: Int { vocabulary.count }

    init(vocabulary: [TokenKey: Int], unknownToken: String) throws(TokenizerError) {
        self.vocabulary = vocabulary
        self.idToTokenTable = try reverseVocabulary(vocabulary, component: "WordLevel")
        self.unknownToken = unknownToken
    }

    func tokenToId(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func idToToken(_ id: Int) -> String? { id >= 0 && id < idToTokenTable.count ? idToTokenTable[id] : nil }

    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        let s = word.asString
        if let id = vocabulary[TokenKey(s)] { return [Token(id: id, value: s, offsets: 0..<word.count)] }
        guard let unk = vocabulary[TokenKey(unknownToken)] else {
            throw .invalidConfiguration("WordLevel: \"\(s)\" is not in the vocabulary and unk_token \"\(unknownToken)\" is missing too")
        }
        return [Token(id: unk, value: unknownToken, offsets: 0..<word.count)]
    }
}
