// Unigram (reference `models/unigram/model.rs`, `encode_optimized`): Viterbi over all vocabulary
// pieces that start at each character, unknown characters scored `min_score - 10`; consecutive
// unknowns are fused; pieces missing from the vocabulary fall back to `<0xNN>` bytes when enabled.

struct UnigramModel: TokenizerModel {
    let pieces: [(piece: String, score: Double)]
    let vocabulary: [TokenKey: Int]
    let unknownId: Int?
    let byteFallback: Bool
    let minScore: Double
    /// A character trie over the pieces: node → (scalar → child), and the piece id ending at each node.
    private let trie: ScalarTrie

    static let unknownPenalty = 10.0

    var vocabSize: Int { pieces.count }

    init(pieces: [(String, Double)], unknownId: Int?, byteFallback: Bool) throws(TokenizerError) {
        self.pieces = pieces.map { (piece: $0.0, score: $0.1) }
        var vocab: [TokenKey: Int] = [:]
        vocab.reserveCapacity(pieces.count)
        var trie = ScalarTrie()
        for (id, (piece, _)) in pieces.enumerated() {
            vocab[TokenKey(piece)] = id
            trie.insert(Array(piece.unicodeScalars), id: id)
        }
        if let u = unknownId, u < 0 || u >= pieces.count {
            throw .invalidConfiguration("Unigram: unk_id \(u) is outside the vocabulary of \(pieces.count) pieces")
        }
        self.vocabulary = vocab
        self.unknownId = unknownId
        self.byteFallback = byteFallback
        self.minScore = pieces.map(\.1).min() ?? 0
        self.trie = trie
    }

    func tokenToId(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func idToToken(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id].piece : nil }

    /// The best segmentation as ranges of `word`.
    func segment(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [(range: Range<Int>, id: Int)] {
        let n = word.count
        let unknownScore = minScore - Self.unknownPenalty
        var bestScore = [Double](repeating: 0, count: n + 1)
        var bestStart = [Int](repeating: -1, count: n + 1)
        var bestId = [Int](repeating: -1, count: n + 1)
        for start in 0..<n {
            let base = bestScore[start]
            var hasSingle = false
            trie.forEachPrefix(of: word, from: start) { end, id in
                let candidate = pieces[id].score + base
                if bestStart[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestId[end] = id
                }
                if end == start + 1 { hasSingle = true }
            }
            if !hasSingle {
                guard let unk = unknownId else {
                    throw .invalidConfiguration("Unigram: \"\(Character(word[start]))\" is not in the vocabulary and there is no unk_id")
                }
                let candidate = unknownScore + base
                if bestStart[start + 1] < 0 || candidate > bestScore[start + 1] {
                    bestScore[start + 1] = candidate
                    bestStart[start + 1] = start
                    bestId[start + 1] = unk
                }
            }
        }
        var result: [(range: Range<Int>, id: Int)] = []
        var end = n
        var fusedUnknownEnd: Int? = nil
        while end > 0 {
            let start = bestStart[end]
            if start < 0 { break }
            if let unk = unknownId, bestId[end] == unk {
                if fusedUnknownEnd == nil { fusedUnknownEnd = end }
            } else {
                if let e = fusedUnknownEnd {
                    result.append((end..<e, unknownId ?? 0))
                    fusedUnknownEnd = nil
                }
                result.append((start..<end, bestId[end]))
            }
            end = start
        }
        if let e = fusedUnknownEnd { result.append((0..<e, unknownId ?? 0)) }
        return result.reversed()
    }

    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.isEmpty { return [] }
        var tokens: [Token] = []
        for (range, id) in try segment(word) {
            // The lattice id is the last vocabulary entry for the piece's text, which is what the
            // reference's text lookup returns; only unknown pieces need their text looked up.
            if id != unknownId || range.count == 0 {
                tokens.append(Token(id: id, value: pieces[id].piece, offsets: range))
                continue
            }
            let text = word[range].asString
            if let known = vocabulary[TokenKey(text)] {
                tokens.append(Token(id: known, value: text, offsets: range))
                continue
            }
            if byteFallback {
                let bytes = Array(text.utf8)
                let ids = bytes.map { vocabulary[TokenKey(BPEModel.byteToken($0))] }
                if ids.allSatisfy({ $0 != nil }) {
                    for (b, bid) in zip(bytes, ids) {
                        tokens.append(Token(id: bid ?? 0, value: BPEModel.byteToken(b), offsets: range))
                    }
                    continue
                }
            }
            guard let unk = unknownId else {
                throw .invalidConfiguration("Unigram: \"\(text)\" is not in the vocabulary and there is no unk_id")
            }
            tokens.append(Token(id: unk, value: text, offsets: range))
        }
        return tokens
    }
}

/// A trie keyed by Unicode scalars. Edges live in one hash table keyed by (node, scalar), which
/// builds much faster than a dictionary per node (a 30k vocabulary has ~100k nodes).
struct ScalarTrie: Sendable {
    private var edges: [UInt64: Int32] = [:]
    private var terminal: [Int32] = [-1]

    @inline(__always) private static func key(_ node: Int, _ c: Unicode.Scalar) -> UInt64 {
        UInt64(node) << 21 | UInt64(c.value)
    }

    mutating func insert(_ key: [Unicode.Scalar], id: Int) {
        var node = 0
        for c in key {
            let k = Self.key(node, c)
            if let next = edges[k] {
                node = Int(next)
            } else {
                terminal.append(-1)
                let created = terminal.count - 1
                edges[k] = Int32(created)
                node = created
            }
        }
        terminal[node] = Int32(id)
    }

    /// Calls `body(end, id)` for each vocabulary piece that is a prefix of `word[start...]`.
    func forEachPrefix(of word: [Unicode.Scalar], from start: Int, _ body: (Int, Int) -> Void) {
        var node = 0
        var i = start
        while i < word.count {
            guard let next = edges[Self.key(node, word[i])] else { return }
            node = Int(next)
            i += 1
            if terminal[node] >= 0 { body(i, Int(terminal[node])) }
        }
    }
}
