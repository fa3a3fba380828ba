// Swift's `String` compares and hashes by canonical equivalence: "é" (U+00E9) and "e\u{301}" are the
// same key. Tokenizer vocabularies are byte-exact (the reference uses Rust strings), so every
// vocabulary, cache and added-token table is keyed by `TokenKey`, which compares UTF-8 bytes. It is
// also faster: hashing a non-ASCII `String` normalizes it first.

struct TokenKey: Hashable, Sendable {
    let string: String

    init(_ string: String) {
        var s = string
        s.makeContiguousUTF8()
        self.string = s
    }

    static func == (a: TokenKey, b: TokenKey) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension Dictionary where Key == TokenKey {
    subscript(token: String) -> Value? { self[TokenKey(token)] }
}

/// A byte-exact token → id table and its inverse.
func exactVocabulary(_ vocab: [String: Int]) -> [TokenKey: Int] {
    var result: [TokenKey: Int] = [:]
    result.reserveCapacity(vocab.count)
    for (k, v) in vocab { result[TokenKey(k)] = v }
    return result
}
