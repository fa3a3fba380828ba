// `Precompiled`: SentencePiece's compiled normalization rules (reference `normalizers/precompiled.rs`
// over the `spm_precompiled` crate). The charsmap is a darts-clone double-array trie mapping UTF-8
// prefixes to offsets in a blob of NUL-terminated replacement strings. Like the reference, each
// grapheme cluster (under 6 bytes) is looked up whole first, then character by character.
import Foundation

struct PrecompiledNormalizer: Normalizer {
    private let trie: [UInt32]
    private let normalized: [UInt8]
    /// Replacements of single ASCII characters, precomputed (most text is ASCII between the rest).
    private var asciiReplacements: [[Unicode.Scalar]?]

    init(charsmap: [UInt8]) throws(TokenizerError) {
        guard charsmap.count >= 4 else {
            throw .invalidConfiguration("Precompiled: precompiled_charsmap is shorter than its 4-byte header")
        }
        let trieSize = Int(charsmap[0]) | Int(charsmap[1]) << 8 | Int(charsmap[2]) << 16 | Int(charsmap[3]) << 24
        guard trieSize % 4 == 0, 4 + trieSize <= charsmap.count else {
            throw .invalidConfiguration("Precompiled: trie size \(trieSize) does not fit the \(charsmap.count)-byte charsmap")
        }
        var units: [UInt32] = []
        units.reserveCapacity(trieSize / 4)
        var i = 4
        while i < 4 + trieSize {
            units.append(
                UInt32(charsmap[i]) | UInt32(charsmap[i + 1]) << 8 | UInt32(charsmap[i + 2]) << 16
                    | UInt32(charsmap[i + 3]) << 24)
            i += 4
        }
        trie = units
        normalized = Array(charsmap[(4 + trieSize)...])
        asciiReplacements = []
        asciiReplacements = (0..<128).map { b in
            transform([UInt8(b)]).map { Array(String(decoding: $0, as: UTF8.self).unicodeScalars) }
        }
    }

    /// The replacement for `key` (first prefix hit, as spm_precompiled does), if any.
    func transform(_ key: [UInt8]) -> [UInt8]? {
        guard !trie.isEmpty else { return nil }
        var nodePosition = 0
        var unit = trie[0]
        nodePosition ^= Self.offset(unit)
        for c in key {
            if c == 0 { break }
            nodePosition ^= Int(c)
            guard nodePosition < trie.count else { return nil }
            unit = trie[nodePosition]
            if Self.label(unit) != UInt32(c) { return nil }
            nodePosition ^= Self.offset(unit)
            if (unit >> 8) & 1 == 1 {
                guard nodePosition < trie.count else { return nil }
                let value = Int(trie[nodePosition] & ((1 << 31) - 1))
                guard value < normalized.count else { return nil }
                var end = value
                while end < normalized.count, normalized[end] != 0 { end += 1 }
                return Array(normalized[value..<end])
            }
        }
        return nil
    }

    private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
    private static func label(_ unit: UInt32) -> UInt32 { unit & ((1 << 31) | 0xFF) }

    /// The reference's `replace` change codes for one replaced piece.
    private static func replace(_ transformations: inout [(Unicode.Scalar, Int)], old: Int, new: [Unicode.Scalar]) {
        let diff = new.count - old
        transformations.append(contentsOf: new.map { ($0, 0) })
        if diff > 0 {
            for k in (transformations.count - diff)..<transformations.count { transformations[k].1 = 1 }
        } else if diff < 0, !transformations.isEmpty {
            transformations[transformations.count - 1].1 += diff
        }
    }

    func normalize(_ text: inout NormalizedString) {
        var transformations: [(Unicode.Scalar, Int)] = []
        transformations.reserveCapacity(text.count)
        var modified = false
        // An ASCII character followed by ASCII is a grapheme of its own (except "\r\n"), so it takes the
        // table; other stretches go through grapheme segmentation up to the next ASCII character.
        let s = text.scalars
        var i = 0
        while i < s.count {
            if s[i].value < 0x80 && (i + 1 == s.count || (s[i + 1].value < 0x80 && !(s[i] == "\r" && s[i + 1] == "\n"))) {
                if let replacement = asciiReplacements[Int(s[i].value)] {
                    modified = true
                    Self.replace(&transformations, old: 1, new: replacement)
                } else {
                    transformations.append((s[i], 0))
                }
                i += 1
                continue
            }
            var j = i + 1
            while j < s.count && !(s[j].value < 0x80 && !(s[j - 1] == "\r" && s[j] == "\n")) { j += 1 }
            for grapheme in s[i..<j].asString {
                let scalars = Array(grapheme.unicodeScalars)
                let utf8 = Array(String(grapheme).utf8)
                if utf8.count < 6, let replacement = transform(utf8) {
                    modified = true
                    Self.replace(
                        &transformations, old: scalars.count,
                        new: Array(String(decoding: replacement, as: UTF8.self).unicodeScalars))
                    continue
                }
                for c in scalars {
                    if let replacement = transform(Array(String(Character(c)).utf8)) {
                        modified = true
                        Self.replace(
                            &transformations, old: 1, new: Array(String(decoding: replacement, as: UTF8.self).unicodeScalars))
                    } else {
                        transformations.append((c, 0))
                    }
                }
            }
            i = j
        }
        if modified { text.transform(transformations) }
    }
}
