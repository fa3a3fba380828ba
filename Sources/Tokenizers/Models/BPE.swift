// Byte-pair encoding (reference `models/bpe/model.rs` and `word.rs`): a word starts as one symbol per
// character (or byte-fallback bytes, or unknown), then adjacent pairs merge in merge-rank order,
// leftmost first, until no ranked pair is left. Results are cached per word.

struct BPEModel: TokenizerModel {
    let vocabulary: [TokenKey: Int]
    let idToTokenTable: [String?]
    /// (left id, right id) packed into 64 bits → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    /// Single-character tokens by scalar value, the common case of the initial symbols.
    let characterIds: [UInt32: Int32]
    let unknownToken: String?
    let continuingSubwordPrefix: String?
    let endOfWordSuffix: String?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// `<0xNN>` token ids by byte, where the vocabulary has them.
    let byteFallbackIds: [Int32?]?
    let cache = LockedDictionary<TokenKey, [Symbol]>(capacity: 200_000)

    struct Symbol: Sendable {
        var id: Int32
        var start: Int32
        var end: Int32
    }

    var vocabSize: Int { vocabulary.count }

    init(
        vocabulary: [TokenKey: Int], merges: [(String, String)], unknownToken: String?,
        continuingSubwordPrefix: String?, endOfWordSuffix: String?, fuseUnknown: Bool, byteFallback: Bool,
        ignoreMerges: Bool
    ) throws(TokenizerError) {
        self.vocabulary = vocabulary
        self.idToTokenTable = try reverseVocabulary(vocabulary, component: "BPE")
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        let prefixCount = continuingSubwordPrefix?.unicodeScalars.count ?? 0
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let aId = vocabulary[TokenKey(a)] else {
                throw .invalidConfiguration("BPE: merge \(rank) \"\(a) \(b)\" references \"\(a)\", which is not in the vocabulary")
            }
            guard let bId = vocabulary[TokenKey(b)] else {
                throw .invalidConfiguration("BPE: merge \(rank) \"\(a) \(b)\" references \"\(b)\", which is not in the vocabulary")
            }
            let merged: String
            if prefixCount == 0 {
                merged = a + b
            } else {
                let bScalars = Array(b.unicodeScalars)
                merged = a + bScalars.dropFirst(min(prefixCount, bScalars.count)).asString
            }
            guard let newId = vocabulary[TokenKey(merged)] else {
                throw .invalidConfiguration("BPE: merge \(rank) \"\(a) \(b)\" produces \"\(merged)\", which is not in the vocabulary")
            }
            table[UInt64(aId) << 32 | UInt64(bId)] = (Int32(rank), Int32(newId))
        }
        self.merges = table
        var characters: [UInt32: Int32] = [:]
        for (token, id) in vocabulary {
            var it = token.string.unicodeScalars.makeIterator()
            if let first = it.next(), it.next() == nil { characters[first.value] = Int32(id) }
        }
        self.characterIds = characters
        if byteFallback {
            self.byteFallbackIds = (0..<256).map { b in vocabulary[TokenKey(Self.byteToken(UInt8(b)))].map { Int32($0) } }
        } else {
            self.byteFallbackIds = nil
        }
    }

    static func byteToken(_ b: UInt8) -> String {
        let hex = String(b, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    func tokenToId(_ token: String) -> Int? { vocabulary[TokenKey(token)] }
    func idToToken(_ id: Int) -> String? { id >= 0 && id < idToTokenTable.count ? idToTokenTable[id] : nil }

    func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.isEmpty { return [] }
        let key = TokenKey(word.asString)
        if let hit = cache[key] { return tokens(from: hit) }
        if ignoreMerges, let id = vocabulary[key] {
            let symbols = [Symbol(id: Int32(id), start: 0, end: Int32(word.count))]
            cache[key] = symbols
            return tokens(from: symbols)
        }
        var symbols = try initialSymbols(word)
        mergeAll(&symbols)
        cache[key] = symbols
        return tokens(from: symbols)
    }

    private func tokens(from symbols: [Symbol]) -> [Token] {
        symbols.map { s in
            Token(id: Int(s.id), value: idToToken(Int(s.id)) ?? "", offsets: Int(s.start)..<Int(s.end))
        }
    }

    /// One symbol per character, following `merge_word`: prefix/suffix decoration, byte fallback, unknowns.
    private func initialSymbols(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Symbol] {
        var symbols: [Symbol] = []
        symbols.reserveCapacity(word.count)
        var unknown: Symbol? = nil
        let decorated = continuingSubwordPrefix != nil || endOfWordSuffix != nil
        for (i, c) in word.enumerated() {
            var id: Int32? = nil
            var piece: String? = nil
            if !decorated {
                id = characterIds[c.value]
            } else {
                var s = String(Character(c))
                if i > 0, let prefix = continuingSubwordPrefix { s = prefix + s }
                if i == word.count - 1, let suffix = endOfWordSuffix { s += suffix }
                id = vocabulary[TokenKey(s)].map { Int32($0) }
                piece = s
            }
            if let id {
                if let u = unknown { symbols.append(u); unknown = nil }
                symbols.append(Symbol(id: id, start: Int32(i), end: Int32(i + 1)))
                continue
            }
            if let byteIds = byteFallbackIds {
                let bytes = Array((piece ?? String(Character(c))).utf8)
                if bytes.allSatisfy({ byteIds[Int($0)] != nil }) {
                    // As the reference, a pending unknown is not flushed here.
                    for b in bytes {
                        symbols.append(Symbol(id: byteIds[Int(b)] ?? 0, start: Int32(i), end: Int32(i + 1)))
                    }
                    continue
                }
            }
            guard let unk = unknownToken else { continue }
            guard let unkId = vocabulary[TokenKey(unk)] else {
                throw .invalidConfiguration("BPE: unk_token \"\(unk)\" is not in the vocabulary")
            }
            if var u = unknown {
                if fuseUnknown {
                    u.end = Int32(i + 1)
                    unknown = u
                } else {
                    symbols.append(u)
                    unknown = Symbol(id: Int32(unkId), start: Int32(i), end: Int32(i + 1))
                }
            } else {
                unknown = Symbol(id: Int32(unkId), start: Int32(i), end: Int32(i + 1))
            }
        }
        if let u = unknown { symbols.append(u) }
        return symbols
    }

    /// Applies merges by rank (then position), as the reference's priority queue does.
    private func mergeAll(_ symbols: inout [Symbol]) {
        let n = symbols.count
        if n < 2 { return }
        var prev = [Int32](repeating: -1, count: n)
        var next = [Int32](repeating: -1, count: n)
        var alive = [Bool](repeating: true, count: n)
        for i in 0..<n {
            prev[i] = Int32(i - 1)
            next[i] = i + 1 < n ? Int32(i + 1) : -1
        }
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            if let m = merges[UInt64(UInt32(bitPattern: symbols[i].id)) << 32 | UInt64(UInt32(bitPattern: symbols[i + 1].id))] {
                heap.push(MergeCandidate(rank: m.rank, position: Int32(i), newId: m.id))
            }
        }
        while let top = heap.pop() {
            let p = Int(top.position)
            guard alive[p], next[p] >= 0 else { continue }
            let q = Int(next[p])
            let key = UInt64(UInt32(bitPattern: symbols[p].id)) << 32 | UInt64(UInt32(bitPattern: symbols[q].id))
            guard let m = merges[key], m.id == top.newId else { continue }
            symbols[p].id = top.newId
            symbols[p].end = symbols[q].end
            alive[q] = false
            next[p] = next[q]
            if next[q] >= 0 { prev[Int(next[q])] = Int32(p) }
            if prev[p] >= 0 {
                let l = Int(prev[p])
                let k = UInt64(UInt32(bitPattern: symbols[l].id)) << 32 | UInt64(UInt32(bitPattern: symbols[p].id))
                if let m = merges[k] { heap.push(MergeCandidate(rank: m.rank, position: Int32(l), newId: m.id)) }
            }
            if next[p] >= 0 {
                let r = Int(next[p])
                let k = UInt64(UInt32(bitPattern: symbols[p].id)) << 32 | UInt64(UInt32(bitPattern: symbols[r].id))
                if let m = merges[k] { heap.push(MergeCandidate(rank: m.rank, position: Int32(p), newId: m.id)) }
            }
        }
        var result: [Symbol] = []
        result.reserveCapacity(n)
        for i in 0..<n where alive[i] { result.append(symbols[i]) }
        symbols = result
    }
}

struct MergeCandidate {
    var rank: Int32
    var position: Int32
    var newId: Int32
    @inline(__always) func precedes(_ other: MergeCandidate) -> Bool {
        rank != other.rank ? rank < other.rank : position < other.position
    }
}

/// A binary min-heap on (rank, position).
struct MergeHeap {
    private var items: [MergeCandidate] = []

    mutating func push(_ item: MergeCandidate) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[i].precedes(items[parent]) {
                items.swapAt(i, parent)
                i = parent
            } else {
                break
            }
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var best = i
                if l < items.count && items[l].precedes(items[best]) { best = l }
                if r < items.count && items[r].precedes(items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return first
    }
}
