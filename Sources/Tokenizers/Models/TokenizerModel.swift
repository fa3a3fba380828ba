// Models turn one pre-tokenized word into tokens (reference `tokenizers/src/models`).

protocol TokenizerModel: Sendable {
    /// Tokens for one split, with offsets into the split's scalars.
    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token]
    func tokenToId(_ token: String) -> Int?
    func idToToken(_ id: Int) -> String?
    /// Number of entries in the model's own vocabulary (added tokens not included).
    var vocabSize: Int { get }
    /// The model's vocabulary as token → id (byte-exact keys).
    var vocabulary: [TokenKey: Int] { get }
}

extension Array where Element == Unicode.Scalar {
    var asString: String { String(String.UnicodeScalarView(self)) }
}

extension ArraySlice where Element == Unicode.Scalar {
    var asString: String { String(String.UnicodeScalarView(self)) }
}

/// Builds the id → token table of a vocabulary, rejecting negative or huge ids.
func reverseVocabulary(_ vocab: [TokenKey: Int], component: String) throws(TokenizerError) -> [String?] {
    guard let maxId = vocab.values.max() else { return [] }
    guard vocab.values.allSatisfy({ $0 >= 0 }), maxId < 50_000_000 else {
        throw .invalidConfiguration("\(component): vocabulary ids must be between 0 and 50,000,000")
    }
    var table = [String?](repeating: nil, count: maxId + 1)
    for (token, id) in vocab { table[id] = token.string }
    return table
}

/// Reads a `{token: id}` JSON object.
func parseVocabulary(_ json: JSONValue?, component: String) throws(TokenizerError) -> [TokenKey: Int] {
    guard let object = json?.object else {
        throw .invalidField(component: component, field: "vocab", expected: "an object of token → id")
    }
    var vocab: [TokenKey: Int] = [:]
    vocab.reserveCapacity(object.count)
    for (token, value) in object {
        guard let id = value.int else {
            throw .invalidField(component: component, field: "vocab[\(token)]", expected: "an integer id")
        }
        vocab[TokenKey(token)] = id
    }
    return vocab
}
