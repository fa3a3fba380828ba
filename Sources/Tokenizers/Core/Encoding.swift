// The result of encoding one sequence or pair, field for field as the reference `Encoding`.

/// Token ids with everything needed to map them back onto the input text.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int] = []
    public var typeIds: [Int] = []
    public var tokens: [String] = []
    /// The word (pre-token split) each token comes from; `nil` for special and padding tokens.
    public var wordIds: [Int?] = []
    /// Character (Unicode scalar) offsets into the original input.
    public var offsets: [Offsets] = []
    public var specialTokensMask: [Int] = []
    public var attentionMask: [Int] = []
    /// What truncation cut off, as further encodings (with `stride` tokens of overlap).
    public var overflowing: [Encoding] = []
    /// Which token range belongs to which input sequence (0: first, 1: pair).
    var sequenceRanges: [Int: Range<Int>] = [:]

    public init() {}

    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }

    /// For each token, the index of the input sequence it belongs to (`nil` for added special tokens).
    public var sequenceIds: [Int?] {
        // Exactly the reference's `get_sequence_ids`: sequences 0..<n, where n is the number of recorded
        // ranges (at least 1), and a missing range means the whole encoding.
        var result = [Int?](repeating: nil, count: ids.count)
        let n = max(sequenceRanges.count, 1)
        for sequence in 0..<n {
            let range = sequenceRanges[sequence] ?? 0..<ids.count
            for i in range where i < result.count { result[i] = sequence }
        }
        return result
    }

    /// The reference's `word_ids` and `words` agree; Python exposes both.
    public var words: [Int?] { wordIds }

    mutating func setSequenceId(_ id: Int) {
        sequenceRanges = [id: 0..<ids.count]
    }

    // MARK: Truncation (reference `Encoding::truncate`)

    /// Keeps `maxLength` tokens from one side; the rest becomes `overflowing` windows that overlap by `stride`.
    mutating func truncate(maxLength: Int, stride: Int, direction: TruncationDirection) throws(TokenizerError) {
        let length = ids.count
        if maxLength >= length { return }
        if maxLength == 0 {
            let old = self
            self = Encoding()
            overflowing.append(old)
            return
        }
        guard stride < maxLength else {
            throw .invalidArgument(
                "truncation: stride \(stride) must be strictly less than max_length \(maxLength) "
                    + "(max_length excludes the special tokens the post-processor adds)")
        }
        sequenceRanges = [:]
        let step = maxLength - stride
        var parts: [Range<Int>] = []
        switch direction {
        case .right:
            var start = 0
            while start < length {
                let stop = min(start + maxLength, length)
                parts.append(start..<stop)
                if stop == length { break }
                start += step
            }
        case .left:
            var stop = length
            while stop > 0 {
                let start = max(stop - maxLength, 0)
                parts.append(start..<stop)
                if start == 0 { break }
                stop -= step
            }
        }
        var pieces = parts.map { slice($0) }
        var first = pieces.removeFirst()
        first.overflowing = pieces
        self = first
    }

    func slice(_ r: Range<Int>) -> Encoding {
        var e = Encoding()
        e.ids = Array(ids[r])
        e.typeIds = Array(typeIds[r])
        e.tokens = Array(tokens[r])
        e.wordIds = Array(wordIds[r])
        e.offsets = Array(offsets[r])
        e.specialTokensMask = Array(specialTokensMask[r])
        e.attentionMask = Array(attentionMask[r])
        return e
    }

    // MARK: Merging (reference `Encoding::merge_with`)

    mutating func merge(with pair: Encoding) {
        var overflowings: [Encoding] = []
        for own in overflowing {
            var merged = own
            merged.merge(with: pair)
            overflowings.append(merged)
            for other in pair.overflowing {
                var m = own
                m.merge(with: other)
                overflowings.append(m)
            }
        }
        for other in pair.overflowing {
            var m = self
            m.merge(with: other)
            overflowings.append(m)
        }
        let base = ids.count
        for (sequence, range) in pair.sequenceRanges {
            sequenceRanges[sequence] = (base + range.lowerBound)..<(base + range.upperBound)
        }
        ids += pair.ids
        typeIds += pair.typeIds
        tokens += pair.tokens
        wordIds += pair.wordIds
        offsets += pair.offsets
        specialTokensMask += pair.specialTokensMask
        attentionMask += pair.attentionMask
        overflowing = overflowings
    }

    static func merged(_ encodings: [Encoding]) -> Encoding {
        var result = Encoding()
        for e in encodings { result.merge(with: e) }
        return result
    }

    // MARK: Padding (reference `Encoding::pad`)

    mutating func pad(to length: Int, padId: Int, padTypeId: Int, padToken: String, direction: PaddingDirection) {
        for i in overflowing.indices {
            overflowing[i].pad(to: length, padId: padId, padTypeId: padTypeId, padToken: padToken, direction: direction)
        }
        guard ids.count < length else { return }
        let n = length - ids.count
        switch direction {
        case .left:
            ids = Array(repeating: padId, count: n) + ids
            typeIds = Array(repeating: padTypeId, count: n) + typeIds
            tokens = Array(repeating: padToken, count: n) + tokens
            wordIds = Array(repeating: nil, count: n) + wordIds
            attentionMask = Array(repeating: 0, count: n) + attentionMask
            specialTokensMask = Array(repeating: 1, count: n) + specialTokensMask
            offsets = Array(repeating: Offsets(0, 0), count: n) + offsets
            for (k, r) in sequenceRanges { sequenceRanges[k] = (r.lowerBound + n)..<(r.upperBound + n) }
        case .right:
            ids += Array(repeating: padId, count: n)
            typeIds += Array(repeating: padTypeId, count: n)
            tokens += Array(repeating: padToken, count: n)
            wordIds += Array(repeating: nil, count: n)
            attentionMask += Array(repeating: 0, count: n)
            specialTokensMask += Array(repeating: 1, count: n)
            offsets += Array(repeating: Offsets(0, 0), count: n)
        }
    }
}
