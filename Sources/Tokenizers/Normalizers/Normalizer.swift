// Normalizers rewrite the text before pre-tokenization while keeping alignments to the original
// (reference `tokenizers/src/normalizers`). They are built from tokenizer.json by ComponentRegistry.

/// Rewrites a normalized string in place.
protocol Normalizer: Sendable {
    func normalize(_ text: inout NormalizedString) throws(TokenizerError)
}

/// `Sequence`: applies its normalizers in order.
struct SequenceNormalizer: Normalizer {
    let normalizers: [any Normalizer]
    func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        for n in normalizers { try n.normalize(&text) }
    }
}

/// `Lowercase`: Unicode lowercase mapping (one character may become several).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ text: inout NormalizedString) { text.lowercase() }
}

/// `Strip`: removes leading and/or trailing whitespace.
struct StripNormalizer: Normalizer {
    let left: Bool
    let right: Bool
    func normalize(_ text: inout NormalizedString) { text.strip(left: left, right: right) }
}

/// `StripAccents`: removes combining marks (meant to follow NFD/NFKD).
struct StripAccentsNormalizer: Normalizer {
    func normalize(_ text: inout NormalizedString) { text.filter { !$0.isCombiningMark } }
}

/// `Replace`: replaces each match of a string or regex pattern.
struct ReplaceNormalizer: Normalizer {
    let pattern: SplitPattern
    let content: [Unicode.Scalar]
    func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        try text.replace(pattern, with: content)
    }
}

/// `Prepend`: puts a string before non-empty text (Metaspace-era Llama tokenizers prepend "▁").
struct PrependNormalizer: Normalizer {
    let prefix: [Unicode.Scalar]
    func normalize(_ text: inout NormalizedString) {
        if !text.isEmpty { text.prepend(prefix) }
    }
}

/// `ByteLevel` normalizer: maps every UTF-8 byte to its printable byte-level character.
struct ByteLevelNormalizer: Normalizer {
    func normalize(_ text: inout NormalizedString) { text.applyByteLevelMapping() }
}

/// `Nmt`: the SentencePiece NMT cleanup: drops some control characters, maps odd spaces to " ".
struct NmtNormalizer: Normalizer {
    func normalize(_ text: inout NormalizedString) {
        text.mapScalars { c in
            switch c.value {
            case 0x0001...0x0008, 0x000B, 0x000E...0x001F, 0x007F, 0x008F, 0x009F: return .remove
            case 0x0009, 0x000A, 0x000C, 0x000D, 0x1680, 0x200B...0x200F, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD:
                return .one(" ")
            default: return .keep
            }
        }
    }
}

extension Unicode.Scalar {
    /// General category M (Mn, Mc, Me), as the reference's `is_combining_mark`.
    var isCombiningMark: Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
