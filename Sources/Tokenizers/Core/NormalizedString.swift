// Text under normalization, with an alignment from each normalized character back to the original.
// The reference tracks alignments per UTF-8 byte and converts to character offsets at the end; we
// track per Unicode scalar directly, which gives the same character offsets (every original alignment
// falls on a character boundary), following `tokenizers/src/tokenizer/normalizer.rs`.

/// A half-open range of Unicode scalar indices into the original input.
public struct Offsets: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    public var description: String { "(\(start), \(end))" }
}

/// A piece of the input being normalized: its current scalars, and for each one the range of
/// original scalars it came from (absolute indices into the whole input).
struct NormalizedString: Sendable {
    var scalars: [Unicode.Scalar]
    var alignments: [Offsets]
    /// Where this piece starts in the original input: characters inserted before everything else align here.
    var originalStart: Int
    var originalEnd: Int

    init(_ scalars: [Unicode.Scalar], originalStart: Int = 0) {
        self.scalars = scalars
        self.alignments = (0..<scalars.count).map { Offsets(originalStart + $0, originalStart + $0 + 1) }
        self.originalStart = originalStart
        self.originalEnd = originalStart + scalars.count
    }

    init(scalars: [Unicode.Scalar], alignments: [Offsets], originalStart: Int, originalEnd: Int) {
        self.scalars = scalars
        self.alignments = alignments
        self.originalStart = originalStart
        self.originalEnd = originalEnd
    }

    var isEmpty: Bool { scalars.isEmpty }
    var count: Int { scalars.count }
    var string: String { scalars.asString }

    // MARK: Offsets

    /// The original range covered by the normalized range (first start … last end), as the reference's
    /// `convert_offsets(Range::Normalized)`; an empty range maps to itself relative to the piece.
    func originalRange(_ range: Range<Int>) -> Offsets {
        if range.isEmpty {
            return Offsets(originalStart + range.lowerBound, originalStart + range.lowerBound)
        }
        return Offsets(alignments[range.lowerBound].start, alignments[range.upperBound - 1].end)
    }

    // MARK: Slicing

    /// A sub-piece over a normalized range; its original start follows the reference's `slice`.
    func slice(_ range: Range<Int>) -> NormalizedString {
        let start: Int
        let end: Int
        if range.isEmpty {
            start = originalStart + range.lowerBound
            end = start
        } else {
            start = alignments[range.lowerBound].start
            end = alignments[range.upperBound - 1].end
        }
        return NormalizedString(
            scalars: Array(scalars[range]), alignments: Array(alignments[range]), originalStart: start,
            originalEnd: end)
    }

    // MARK: Transformations

    /// Replaces the normalized range with `dest`, whose entries carry the reference's change codes:
    /// `0` replaces one character, `1` inserts a new one (aligned with the previous character),
    /// `-n` replaces one and removes the `n` following. `initialOffset` characters are removed first.
    mutating func transform(range: Range<Int>, _ dest: [(Unicode.Scalar, Int)], initialOffset: Int = 0) {
        var offset = range.lowerBound + initialOffset
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(dest.count)
        newAlignments.reserveCapacity(dest.count)
        for (scalar, change) in dest {
            let alignment: Offsets
            if change > 0 {
                alignment =
                    offset < 1 ? Offsets(originalStart, originalStart) : alignments[min(offset, alignments.count) - 1]
            } else {
                alignment =
                    offset < alignments.count
                    ? alignments[offset] : (alignments.last.map { Offsets($0.end, $0.end) } ?? Offsets(originalStart, originalStart))
                offset += 1
                if change < 0 { offset -= change }
            }
            newScalars.append(scalar)
            newAlignments.append(alignment)
        }
        scalars.replaceSubrange(range, with: newScalars)
        alignments.replaceSubrange(range, with: newAlignments)
    }

    mutating func transform(_ dest: [(Unicode.Scalar, Int)], initialOffset: Int = 0) {
        transform(range: 0..<scalars.count, dest, initialOffset: initialOffset)
    }

    /// Maps each scalar to zero or more scalars (the first replacing, the others inserted), or removes it.
    mutating func mapScalars(_ body: (Unicode.Scalar) -> MappedScalar) {
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count)
        newAlignments.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            switch body(scalar) {
            case .keep:
                newScalars.append(scalar)
                newAlignments.append(alignments[index])
            case .remove:
                continue
            case .one(let s):
                newScalars.append(s)
                newAlignments.append(alignments[index])
            case .many(let list):
                for s in list {
                    newScalars.append(s)
                    newAlignments.append(alignments[index])
                }
            }
        }
        scalars = newScalars
        alignments = newAlignments
    }

    /// Keeps the scalars for which `keep` is true. A removed scalar's alignment is dropped, as in the
    /// reference's `filter` (it attaches removals to the preceding kept character, which keeps that
    /// character's own alignment).
    mutating func filter(_ keep: (Unicode.Scalar) -> Bool) {
        mapScalars { keep($0) ? .keep : .remove }
    }

    mutating func lowercase() {
        if scalars.allSatisfy({ $0.value < 0x80 }) {
            for i in scalars.indices where scalars[i].value >= 0x41 && scalars[i].value <= 0x5A {
                scalars[i] = Unicode.Scalar(UInt8(scalars[i].value + 32))
            }
            return
        }
        mapScalars { scalar in
            if scalar.value < 0x80 {
                return scalar.value >= 0x41 && scalar.value <= 0x5A ? .one(Unicode.Scalar(UInt8(scalar.value + 32))) : .keep
            }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            if lower.count == 1, let first = lower.first { return first == scalar ? .keep : .one(first) }
            return .many(Array(lower))
        }
    }

    mutating func uppercase() {
        mapScalars { scalar in
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1, let first = upper.first { return first == scalar ? .keep : .one(first) }
            return .many(Array(upper))
        }
    }

    /// Strips whitespace on the chosen sides (reference `lrstrip`: alignments of removed chars vanish).
    mutating func strip(left: Bool, right: Bool) {
        var lower = 0
        var upper = scalars.count
        if left { while lower < upper, scalars[lower].isWhitespaceClass { lower += 1 } }
        if right { while upper > lower, scalars[upper - 1].isWhitespaceClass { upper -= 1 } }
        if lower == 0 && upper == scalars.count { return }
        scalars = Array(scalars[lower..<upper])
        alignments = Array(alignments[lower..<upper])
    }

    /// Prepends `text` before the first character, all new characters aligned with that first character.
    mutating func prepend(_ text: [Unicode.Scalar]) {
        guard let first = scalars.first, !text.isEmpty else { return }
        var dest: [(Unicode.Scalar, Int)] = text.enumerated().map { ($0.element, $0.offset == 0 ? 0 : 1) }
        dest.append((first, 1))
        transform(range: 0..<1, dest)
    }

    /// Appends `text` after the last character, aligned with it.
    mutating func append(_ text: [Unicode.Scalar]) {
        guard let last = scalars.last, !text.isEmpty else { return }
        var dest: [(Unicode.Scalar, Int)] = [(last, 0)]
        dest.append(contentsOf: text.map { ($0, 1) })
        transform(range: (scalars.count - 1)..<scalars.count, dest)
    }

    /// Replaces every match of `pattern` by `content`. As in the reference's `replace`, every
    /// replacement character is an insertion after the removed match, so all of them align with the
    /// last matched character.
    mutating func replace(_ pattern: SplitPattern, with content: [Unicode.Scalar]) throws(TokenizerError) {
        let matches = try pattern.findMatches(scalars)
        guard matches.contains(where: { $0.isMatch }) else { return }
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count)
        newAlignments.reserveCapacity(scalars.count)
        for (range, isMatch) in matches {
            if !isMatch || range.isEmpty {
                newScalars.append(contentsOf: scalars[range])
                newAlignments.append(contentsOf: alignments[range])
                continue
            }
            let alignment = alignments[range.upperBound - 1]
            for s in content {
                newScalars.append(s)
                newAlignments.append(alignment)
            }
        }
        scalars = newScalars
        alignments = newAlignments
    }
}

/// What a per-scalar map does with one scalar.
enum MappedScalar {
    case keep
    case remove
    case one(Unicode.Scalar)
    case many([Unicode.Scalar])
}
