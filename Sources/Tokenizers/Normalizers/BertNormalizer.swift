// `BertNormalizer` (reference `normalizers/bert.rs`): text cleanup, spaces around CJK ideographs,
// accent stripping (NFD then drop Mn) and lowercasing, in that order.

struct BertNormalizer: Normalizer {
    let cleanText: Bool
    let handleChineseChars: Bool
    /// `nil` in the file means "same as lowercase".
    let stripAccents: Bool?
    let lowercase: Bool

    func normalize(_ text: inout NormalizedString) {
        if cleanText {
            text.mapScalars { c in
                if c.value == 0 || c.value == 0xFFFD || Self.isControl(c) { return .remove }
                return Self.isWhitespace(c) && c != " " ? .one(" ") : .keep
            }
        }
        if handleChineseChars {
            if text.scalars.contains(where: { Self.isChineseChar($0) }) {
                text.mapScalars { Self.isChineseChar($0) ? .many([" ", $0, " "]) : .keep }
            }
        }
        if stripAccents ?? lowercase {
            if !text.scalars.allSatisfy({ $0.value < 0x80 }) {
                UnicodeNormalization.apply(.nfd, to: &text)
                text.filter { $0.properties.generalCategory != .nonspacingMark }
            }
        }
        if lowercase { text.lowercase() }
    }

    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.isWhitespaceClass
    }

    /// Unicode "Other" categories (Cc, Cf, Cn, Co, Cs) except tab and newlines.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        if c.value >= 0x20 && c.value < 0x7F { return false }
        switch c.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    static func isChineseChar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}
