// `TemplateProcessing`, `BertProcessing`, `RobertaProcessing` (reference `processors/template.rs`,
// `bert.rs`, `roberta.rs`): special tokens around the sequences, with per-piece type ids.

struct TemplateProcessing: PostProcessor {
    enum Piece: Sendable {
        case sequence(isPair: Bool, typeId: Int)
        case special(id: String, typeId: Int)
    }
    struct SpecialToken: Sendable {
        var ids: [Int]
        var tokens: [String]
    }
    let single: [Piece]
    let pair: [Piece]
    let specialTokens: [String: SpecialToken]

    init(single: [Piece], pair: [Piece], specialTokens: [String: SpecialToken]) throws(TokenizerError) {
        for case .special(let id, _) in single + pair where specialTokens[id] == nil {
            throw .invalidConfiguration("TemplateProcessing: the template uses \"\(id)\", missing from special_tokens")
        }
        self.single = single
        self.pair = pair
        self.specialTokens = specialTokens
    }

    func addedTokens(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { total, piece in
            if case .special(let id, _) = piece { return total + (specialTokens[id]?.ids.count ?? 0) }
            return total
        }
    }

    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) throws(TokenizerError) -> [Encoding] {
        let template = encodings.count == 2 ? pair : single
        var encodings = encodings
        var result: [Encoding] = []
        for piece in template {
            switch piece {
            case .sequence(let isPair, let typeId):
                let i = isPair ? 1 : 0
                guard i < encodings.count else {
                    throw .invalidConfiguration("TemplateProcessing: the template refers to sequence B without a pair")
                }
                encodings[i].typeIds = Array(repeating: typeId, count: encodings[i].count)
                encodings[i].setSequenceId(i)
                result.append(encodings[i])
            case .special(let id, let typeId):
                guard addSpecialTokens, let token = specialTokens[id] else { continue }
                result.append(.special(ids: token.ids, tokens: token.tokens, typeId: typeId))
            }
        }
        return result
    }
}

/// `BertProcessing` and `RobertaProcessing`: `cls A sep` and `cls A sep (sep) B sep`.
struct ClassicPostProcessor: PostProcessor {
    let cls: (token: String, id: Int)
    let sep: (token: String, id: Int)
    /// Roberta: pair starts with an extra sep, type ids are all 0, and offsets are trimmed.
    let isRoberta: Bool
    let trimOffsets: Bool
    let addPrefixSpace: Bool

    func addedTokens(isPair: Bool) -> Int { isPair ? (isRoberta ? 4 : 3) : 2 }

    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var encodings = encodings
        if isRoberta {
            if trimOffsets {
                for i in encodings.indices {
                    encodings[i].trimByteLevelOffsets(addPrefixSpace: addPrefixSpace)
                    for k in encodings[i].overflowing.indices {
                        encodings[i].overflowing[k].trimByteLevelOffsets(addPrefixSpace: addPrefixSpace)
                    }
                }
            }
            for i in encodings.indices { encodings[i].typeIds = Array(repeating: 0, count: encodings[i].count) }
        }
        guard addSpecialTokens else { return encodings }
        return encodings.enumerated().map { i, e in
            var out = wrap(e, index: i)
            out.overflowing = e.overflowing.map { o in
                var w = wrap(o, index: i)
                // Roberta writes all-zero type ids for the overflowing pieces too.
                if isRoberta { w.typeIds = Array(repeating: 0, count: w.count) }
                return w
            }
            return out
        }
    }

    private func wrap(_ e: Encoding, index: Int) -> Encoding {
        var out = Encoding()
        let prefix: [(String, Int)] = index == 0 ? [cls] : (isRoberta ? [sep] : [])
        let suffix: [(String, Int)] = [sep]
        let suffixType = index == 0 ? 0 : (isRoberta ? 0 : 1)
        out.ids = prefix.map(\.1) + e.ids + suffix.map(\.1)
        out.tokens = prefix.map(\.0) + e.tokens + suffix.map(\.0)
        if isRoberta && index == 0 {
            out.typeIds = Array(repeating: 0, count: e.count + 2)
        } else if isRoberta {
            out.typeIds = Array(repeating: 0, count: prefix.count) + e.typeIds + [suffixType]
        } else {
            out.typeIds = Array(repeating: 0, count: prefix.count) + e.typeIds + [suffixType]
        }
        out.wordIds = Array(repeating: nil, count: prefix.count) + e.wordIds + [nil]
        out.offsets = Array(repeating: Offsets(0, 0), count: prefix.count) + e.offsets + [Offsets(0, 0)]
        out.specialTokensMask = Array(repeating: 1, count: prefix.count) + Array(repeating: 0, count: e.count) + [1]
        out.attentionMask = Array(repeating: 1, count: out.ids.count)
        out.sequenceRanges = [index: prefix.count..<(prefix.count + e.count)]
        return out
    }
}
