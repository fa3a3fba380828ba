// Hand-written matchers for the split regexes almost every byte-level BPE tokenizer uses. A general
// regex engine spends most of the encode time here; these loops produce exactly the matches the
// reference's Oniguruma finds (leftmost, ordered alternation with backtracking), without allocation.

/// A matcher for one of the well-known pre-tokenization regexes.
enum KnownSplitPattern: Sendable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama 3 / Qwen 2: case-insensitive contractions, `[^\r\n\p{L}\p{N}]?\p{L}+`, digits in runs of
    /// at most `maxDigits` (3 for Llama 3, 1 for Qwen 2), ` ?[^\s\p{L}\p{N}]+[\r\n]*`, `\s*[\r\n]+`,
    /// `\s+(?!\S)`, `\s+`.
    case llama3(maxDigits: Int)

    static let gpt2Source = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Source =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Source =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The matcher for a pattern source, if it is one we know by heart.
    init?(source: String) {
        switch source {
        case Self.gpt2Source: self = .gpt2
        case Self.llama3Source: self = .llama3(maxDigits: 3)
        case Self.qwen2Source: self = .llama3(maxDigits: 1)
        default: return nil
        }
    }

    /// All non-overlapping matches, left to right.
    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(s.count / 3 + 1)
        s.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            while i < n {
                let end: Int
                switch self {
                case .gpt2: end = Self.matchGPT2(buffer, at: i)
                case .llama3(let maxDigits): end = Self.matchLlama3(buffer, at: i, maxDigits: maxDigits)
                }
                if end > i {
                    result.append(i..<end)
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return result
    }

    // MARK: Pieces shared by the patterns

    @inline(__always)
    static func contraction(_ s: UnsafeBufferPointer<Unicode.Scalar>, at i: Int, caseInsensitive: Bool) -> Int {
        guard s[i] == "'", i + 1 < s.count else { return i }
        func lower(_ c: Unicode.Scalar) -> UInt32 {
            caseInsensitive && c.value >= 0x41 && c.value <= 0x5A ? c.value + 32 : c.value
        }
        let a = lower(s[i + 1])
        if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 { return i + 2 }  // s t m d
        guard i + 2 < s.count else { return i }
        let b = lower(s[i + 2])
        if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return i + 3 }  // re ve ll
        return i
    }

    /// Whitespace alternatives `\s+(?!\S)|\s+` at a whitespace character.
    @inline(__always)
    static func whitespaceRun(_ s: UnsafeBufferPointer<Unicode.Scalar>, at i: Int) -> Int {
        var k = i
        while k < s.count, s[k].isWhitespaceClass { k += 1 }
        if k == s.count { return k }
        // Followed by a non-space: give back the last space so it can prefix the next word.
        if k - i >= 2 { return k - 1 }
        return k
    }

    @inline(__always)
    static func isOther(_ c: Unicode.Scalar) -> Bool {
        !c.isWhitespaceClass && !c.isLetterClass && !c.isNumberClass
    }

    // MARK: GPT-2

    static func matchGPT2(_ s: UnsafeBufferPointer<Unicode.Scalar>, at i: Int) -> Int {
        let n = s.count
        let c = s[i]
        if c == "'" {
            let e = contraction(s, at: i, caseInsensitive: false)
            if e > i { return e }
        }
        var j = i
        if c == " " && i + 1 < n { j = i + 1 }
        let d = s[j]
        if d.isLetterClass {
            var k = j + 1
            while k < n, s[k].isLetterClass { k += 1 }
            return k
        }
        if d.isNumberClass {
            var k = j + 1
            while k < n, s[k].isNumberClass { k += 1 }
            return k
        }
        if isOther(d) {
            var k = j + 1
            while k < n, isOther(s[k]) { k += 1 }
            return k
        }
        // `d` is whitespace (either `c` itself, or `c` was a space followed by whitespace).
        if c.isWhitespaceClass { return whitespaceRun(s, at: i) }
        return i + 1
    }

    // MARK: Llama 3 / Qwen 2

    static func matchLlama3(_ s: UnsafeBufferPointer<Unicode.Scalar>, at i: Int, maxDigits: Int) -> Int {
        let n = s.count
        let c = s[i]
        if c == "'" {
            let e = contraction(s, at: i, caseInsensitive: true)
            if e > i { return e }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if c.isLetterClass {
            var k = i + 1
            while k < n, s[k].isLetterClass { k += 1 }
            return k
        }
        if c != "\r" && c != "\n" && !c.isNumberClass && i + 1 < n && s[i + 1].isLetterClass {
            var k = i + 2
            while k < n, s[k].isLetterClass { k += 1 }
            return k
        }
        // \p{N}{1,maxDigits}
        if c.isNumberClass {
            var k = i + 1
            while k < n, k - i < maxDigits, s[k].isNumberClass { k += 1 }
            return k
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        var j = i
        if c == " " && i + 1 < n && isOther(s[i + 1]) { j = i + 1 }
        if isOther(s[j]) {
            var k = j + 1
            while k < n, isOther(s[k]) { k += 1 }
            while k < n, s[k] == "\r" || s[k] == "\n" { k += 1 }
            return k
        }
        // \s*[\r\n]+ , \s+(?!\S) , \s+
        if c.isWhitespaceClass {
            var k = i
            var lastNewline = -1
            while k < n, s[k].isWhitespaceClass {
                if s[k] == "\r" || s[k] == "\n" { lastNewline = k }
                k += 1
            }
            if lastNewline >= 0 { return lastNewline + 1 }
            return whitespaceRun(s, at: i)
        }
        return i + 1
    }
}
