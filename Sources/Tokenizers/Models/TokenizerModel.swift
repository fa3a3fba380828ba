import JSON
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
    var asString: String { self.withUnsafeBufferPointer { scalarsToString($0) } }
}

extension ArraySlice where Element == Unicode.Scalar {
    var asString: String { self.withUnsafeBufferPointer { scalarsToString($0) } }
}

/// UTF-8 encodes scalars straight into a new string's storage. Appending to a `UnicodeScalarView` one
/// scalar at a time was half of BPE's per-word cost (the word is its cache key).
@inline(__always)
func scalarsToString(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) -> String {
    if scalars.isEmpty { return "" }
    return String(unsafeUninitializedCapacity: scalars.count * 4) { out in
        var n = 0
        for scalar in scalars {
            let v = scalar.value
            if v < 0x80 {
                out[n] = UInt8(v)
                n += 1
            } else if v < 0x800 {
                out[n] = UInt8(0xC0 | (v >> 6))
                out[n + 1] = UInt8(0x80 | (v & 0x3F))
                n += 2
            } else if v < 0x10000 {
                out[n] = UInt8(0xE0 | (v >> 12))
                out[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                out[n + 2] = UInt8(0x80 | (v & 0x3F))
                n += 3
            } else {
                out[n] = UInt8(0xF0 | (v >> 18))
                out[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                out[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
                out[n + 3] = UInt8(0x80 | (v & 0x3F))
                n += 4
            }
        }
        return n
    }
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
    guard let object = json?.objectValue else {
        throw .invalidField(component: component, field: "vocab", expected: "an object of token → id")
    }
    var vocab: [TokenKey: Int] = [:]
    vocab.reserveCapacity(object.count)
    for (token, value) in object {
        guard let id = value.intValue else {
            throw .invalidField(component: component, field: "vocab[\(token)]", expected: "an integer id")
        }
        vocab[TokenKey(token)] = id
    }
    return vocab
}
