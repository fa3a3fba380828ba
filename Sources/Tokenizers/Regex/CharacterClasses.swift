// The character classes the split regexes of real tokenizers use, with an ASCII fast path.
// They follow Oniguruma's Unicode definitions (the reference compiles these patterns with onig):
// `\s` is the White_Space property, `\p{L}` general category L*, `\p{N}` N*.

extension Unicode.Scalar {
    /// `\p{L}`: a letter of any script.
    @inline(__always) var isLetterClass: Bool {
        let v = value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}`: a number of any kind (decimal digit, letter number, other number).
    @inline(__always) var isNumberClass: Bool {
        let v = value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `\s`: Unicode White_Space.
    @inline(__always) var isWhitespaceClass: Bool {
        let v = value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        // The rest of White_Space (unchanged since Unicode 6.3; Rust's `char::is_whitespace` uses the same
        // set). Spelled out: the stdlib property lookup was 10% of WordPiece encoding time.
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `\w` as the Rust `regex` crate defines it (alphanumeric, marks, connector punctuation, Join_Control).
    var isWordClass: Bool {
        let v = value
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || ((v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A) || v == 0x5F
        }
        if v == 0x200C || v == 0x200D { return true }
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return false
        }
    }
}
