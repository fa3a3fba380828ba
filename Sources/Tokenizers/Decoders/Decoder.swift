// Decoders turn tokens back into text (reference `tokenizers/src/decoders`). Each works on the
// whole list of token strings (`decode_chain`); the tokenizer joins the final list.

protocol TokenDecoder: Sendable {
    func decodeChain(_ tokens: [String]) throws(TokenizerError) -> [String]
}

extension TokenDecoder {
    func decode(_ tokens: [String]) throws(TokenizerError) -> String { try decodeChain(tokens).joined() }
}

struct SequenceDecoder: TokenDecoder {
    let decoders: [any TokenDecoder]
    func decodeChain(_ tokens: [String]) throws(TokenizerError) -> [String] {
        var t = tokens
        for d in decoders { t = try d.decodeChain(t) }
        return t
    }
}

/// `ByteLevel`: byte-level characters back to bytes, then lossy UTF-8.
struct ByteLevelDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        for token in tokens {
            var tokenBytes: [UInt8] = []
            var ok = true
            for c in token.unicodeScalars {
                guard let b = ByteLevelAlphabet.byte(for: c) else { ok = false; break }
                tokenBytes.append(b)
            }
            bytes.append(contentsOf: ok ? tokenBytes : Array(token.utf8))
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
}

/// `WordPiece`: joins pieces, "##" continues a word, optional English cleanup of spaces.
struct WordPieceDecoder: TokenDecoder {
    let prefix: String
    let cleanup: Bool
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var t = token
            if i != 0 {
                // Scalar-wise: "##" followed by a combining mark or emoji modifier is one Character.
                if t.unicodeScalars.starts(with: prefix.unicodeScalars) {
                    t = String(t.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
                } else {
                    t = " " + t
                }
            }
            return cleanup ? cleanUpTokenization(t) : t
        }
    }
}

/// `Metaspace`: "▁" back to spaces; the first token's replacement is dropped unless the scheme is `never`.
struct MetaspaceDecoder: TokenDecoder {
    let replacement: Unicode.Scalar
    let prependScheme: MetaspacePreTokenizer.PrependScheme
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var out = String.UnicodeScalarView()
            for c in token.unicodeScalars {
                if c == replacement {
                    if i == 0 && prependScheme != .never { continue }
                    out.append(" ")
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
    }
}

/// `BPEDecoder`: the end-of-word suffix becomes a space (nothing after the last token).
struct BPEDecoder: TokenDecoder {
    let suffix: String
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            token.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ")
        }
    }
}

/// `CTC`: collapses repeats, drops the pad token, turns the word delimiter into spaces.
struct CTCDecoder: TokenDecoder {
    let padToken: String
    let wordDelimiterToken: String
    let cleanup: Bool
    func decodeChain(_ tokens: [String]) -> [String] {
        var deduplicated: [String] = []
        for t in tokens where deduplicated.last != t { deduplicated.append(t) }
        return deduplicated.compactMap { token in
            var t = token.replacingAll(padToken, with: "")
            if cleanup { t = cleanUpTokenization(t).replacingAll(wordDelimiterToken, with: " ") }
            return t.isEmpty ? nil : t
        }
    }
}

/// `Fuse`: joins every token into one.
struct FuseDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}

/// `Strip`: removes up to `start`/`stop` copies of `content` from each token's ends.
struct StripDecoder: TokenDecoder {
    let content: Character
    let start: Int
    let stop: Int
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let chars = Array(token.unicodeScalars)
            let target = content.unicodeScalars.first
            var startCut = 0
            for i in 0..<min(start, chars.count) {
                if chars[i] == target { startCut = i + 1 } else { break }
            }
            var stopCut = chars.count
            for i in 0..<min(stop, chars.count) {
                let index = chars.count - i - 1
                if chars[index] == target { stopCut = index } else { break }
            }
            return stopCut > startCut ? chars[startCut..<stopCut].asString : ""
        }
    }
}

/// `ByteFallback`: runs of `<0xNN>` tokens become their UTF-8 text, or one U+FFFD per byte if invalid.
struct ByteFallbackDecoder: TokenDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var result: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                result.append(s)
            } else {
                result.append(contentsOf: Array(repeating: "\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for token in tokens {
            if let b = Self.byte(of: token) {
                pending.append(b)
            } else {
                flush()
                result.append(token)
            }
        }
        flush()
        return result
    }

    static func byte(of token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"), u[2] == UInt8(ascii: "x"),
            u[5] == UInt8(ascii: ">")
        else { return nil }
        return UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16)
    }
}

/// `Replace` decoder: replaces pattern matches inside each token.
struct ReplaceDecoder: TokenDecoder {
    let pattern: SplitPattern
    let content: String
    func decodeChain(_ tokens: [String]) throws(TokenizerError) -> [String] {
        var result: [String] = []
        for token in tokens {
            let scalars = Array(token.unicodeScalars)
            var out = ""
            for (range, isMatch) in try pattern.findMatches(scalars) {
                out += isMatch ? content : scalars[range].asString
            }
            result.append(out)
        }
        return result
    }
}

/// The English cleanup of `clean_up_tokenization_spaces` / the WordPiece decoder.
func cleanUpTokenization(_ text: String) -> String {
    text.replacingAll(" .", with: ".").replacingAll(" ?", with: "?").replacingAll(" !", with: "!")
        .replacingAll(" ,", with: ",").replacingAll(" ' ", with: "'").replacingAll(" n't", with: "n't")
        .replacingAll(" 'm", with: "'m").replacingAll(" do not", with: " don't").replacingAll(" 's", with: "'s")
        .replacingAll(" 've", with: "'ve").replacingAll(" 're", with: "'re")
}

extension String {
    /// Literal, non-overlapping, left-to-right replacement on Unicode scalars (Rust `str::replace`).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let s = Array(unicodeScalars)
        let t = Array(target.unicodeScalars)
        guard s.count >= t.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        var changed = false
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && s[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
                changed = true
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return changed ? String(out) : self
    }
}
