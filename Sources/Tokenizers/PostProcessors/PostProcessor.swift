// Post-processors add special tokens and set type ids (reference `tokenizers/src/processors`).

protocol PostProcessor: Sendable {
    /// How many special tokens `process` adds to a single sequence or a pair.
    func addedTokens(isPair: Bool) -> Int
    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) throws(TokenizerError) -> [Encoding]
}

extension PostProcessor {
    /// The reference's default `process`: number the sequences, then process and merge.
    func process(_ first: Encoding, pair: Encoding?, addSpecialTokens: Bool) throws(TokenizerError) -> Encoding {
        var encodings = [first] + (pair.map { [$0] } ?? [])
        for i in encodings.indices {
            encodings[i].prepareForPostProcessing(sequenceId: i)
        }
        return Encoding.merged(try processEncodings(encodings, addSpecialTokens: addSpecialTokens))
    }
}

extension Encoding {
    mutating func prepareForPostProcessing(sequenceId i: Int) {
        setSequenceId(i)
        for k in overflowing.indices { overflowing[k].setSequenceId(i) }
        typeIds = Array(repeating: i, count: count)
    }

    /// An encoding made only of special tokens.
    static func special(ids: [Int], tokens: [String], typeId: Int) -> Encoding {
        var e = Encoding()
        e.ids = ids
        e.tokens = tokens
        e.typeIds = Array(repeating: typeId, count: ids.count)
        e.wordIds = Array(repeating: nil, count: ids.count)
        e.offsets = Array(repeating: Offsets(0, 0), count: ids.count)
        e.specialTokensMask = Array(repeating: 1, count: ids.count)
        e.attentionMask = Array(repeating: 1, count: ids.count)
        return e
    }
}

/// `Sequence`: runs each processor's `process_encodings` in turn.
struct SequencePostProcessor: PostProcessor {
    let processors: [any PostProcessor]
    func addedTokens(isPair: Bool) -> Int { processors.reduce(0) { $0 + $1.addedTokens(isPair: isPair) } }
    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) throws(TokenizerError) -> [Encoding] {
        var e = encodings
        for p in processors { e = try p.processEncodings(e, addSpecialTokens: addSpecialTokens) }
        return e
    }
}

/// `ByteLevel` post-processor: trims the offsets of tokens that start or end with spaces.
struct ByteLevelPostProcessor: PostProcessor {
    let addPrefixSpace: Bool
    let trimOffsets: Bool
    func addedTokens(isPair: Bool) -> Int { 0 }
    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var result = encodings
        if trimOffsets {
            for i in result.indices {
                result[i].trimByteLevelOffsets(addPrefixSpace: addPrefixSpace)
                for k in result[i].overflowing.indices {
                    result[i].overflowing[k].trimByteLevelOffsets(addPrefixSpace: addPrefixSpace)
                }
            }
        }
        for i in result.indices { result[i].setSequenceId(i) }
        return result
    }
}

extension Encoding {
    /// Reference `process_offsets`: leading/trailing "Ġ" or whitespace are taken out of a token's offsets.
    mutating func trimByteLevelOffsets(addPrefixSpace: Bool) {
        let spaceChar = ByteLevelAlphabet.byteToScalar[0x20]
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == spaceChar || c.isWhitespaceClass }
        for i in tokens.indices {
            let scalars = Array(tokens[i].unicodeScalars)
            var leading = 0
            while leading < scalars.count, isSpace(scalars[leading]) { leading += 1 }
            var trailing = 0
            while trailing < scalars.count, isSpace(scalars[scalars.count - 1 - trailing]) { trailing += 1 }
            guard leading > 0 || trailing > 0 else { continue }
            var o = offsets[i]
            if leading > 0 {
                let isFirst = i == 0 || o.start == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                o.start = min(o.start + leading, o.end)
            }
            if trailing > 0 && o.end >= trailing {
                o.end = max(o.end - trailing, o.start)
            }
            offsets[i] = o
        }
    }
}
