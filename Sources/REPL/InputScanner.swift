// MARK: - Input scanner
//
// Decides, without parsing, whether the lines typed so far form a complete cell or the REPL must
// ask for more with the `...:` prompt. It only needs to know what the lexer would know at the end
// of the text: open brackets, an unterminated triple-quoted string, a trailing backslash, and
// whether the last logical line ends with `:` (a block header). Running the real parser on every
// keystroke-line would turn "unexpected EOF" into the signal, which cannot tell "needs more" from
// "is wrong"; this scan can.

/// What the end of a piece of source looks like to the tokenizer.
struct InputScan: Equatable {
    /// Brackets still open at the end, innermost last (`(`, `[`, `{`).
    var openBrackets: [Character] = []
    /// The text ends inside a triple-quoted string (`"""` or `'''`).
    var insideTripleQuote = false
    /// The last line ends with a backslash continuation (outside strings and comments).
    var endsWithBackslash = false
    /// The last logical line, outside brackets, ends with `:` (ignoring a trailing comment).
    var endsWithColon = false
    /// The last logical line starts with `@` (a decorator: the `def` must follow).
    var endsWithDecorator = false
    /// Character offset (in `Character`s) of each still-open bracket, innermost last.
    var openBracketOffsets: [Int] = []
    /// Whether the end of the text lies inside a single- or triple-quoted string literal, and where
    /// that literal's body starts (used by completion of file paths).
    var openStringBodyOffset: Int?

    /// The text cannot be complete yet, whatever follows.
    var isUnfinished: Bool { !openBrackets.isEmpty || insideTripleQuote || endsWithBackslash }

    /// Scans `text` as the lexer would, remembering only the state at the end.
    init(_ text: String) {
        let chars = Array(text)
        var i = 0
        var lastSignificant: Character?
        var logicalLineStart = true
        var lineOpensWithDecorator = false
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "#":
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            case "\n":
                if openBrackets.isEmpty {
                    if lastSignificant != nil {
                        endsWithColon = lastSignificant == ":"
                        endsWithDecorator = lineOpensWithDecorator
                    }
                    logicalLineStart = true
                    lastSignificant = nil
                }
                endsWithBackslash = false
                i += 1
                continue
            case "\\":
                // A backslash outside a string escapes the newline that follows it.
                if i + 1 == chars.count {
                    endsWithBackslash = true
                    i += 1
                    continue
                }
                if chars[i + 1] == "\n" {
                    i += 2
                    continue
                }
            case "(", "[", "{":
                openBrackets.append(c)
                openBracketOffsets.append(i)
            case ")", "]", "}":
                if !openBrackets.isEmpty {
                    openBrackets.removeLast()
                    openBracketOffsets.removeLast()
                }
            case "\"", "'":
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                let bodyStart = i + (triple ? 3 : 1)
                if let end = InputScan.endOfString(chars, from: bodyStart, quote: c, triple: triple) {
                    i = end
                    lastSignificant = c
                    logicalLineStart = false
                    continue
                }
                // Unterminated: a triple quote waits for more lines; a single quote runs to the end
                // of its line (a syntax error the parser will report, unless we are at the end).
                if triple {
                    insideTripleQuote = true
                    openStringBodyOffset = bodyStart
                    lastSignificant = c
                    i = chars.count
                    continue
                }
                var j = bodyStart
                while j < chars.count && chars[j] != "\n" { j += 1 }
                if j == chars.count { openStringBodyOffset = bodyStart }
                lastSignificant = c
                logicalLineStart = false
                i = j
                continue
            default:
                break
            }
            if !c.isWhitespace {
                if logicalLineStart {
                    lineOpensWithDecorator = c == "@"
                    logicalLineStart = false
                }
                lastSignificant = c
            }
            i += 1
        }
        if lastSignificant != nil && openBrackets.isEmpty {
            endsWithColon = lastSignificant == ":"
            endsWithDecorator = lineOpensWithDecorator
        }
    }

    /// The index just past the closing quote of a string whose body starts at `start`, or nil when
    /// the string is not closed (a single-quoted one ends at the end of its line).
    private static func endOfString(_ chars: [Character], from start: Int, quote: Character, triple: Bool) -> Int? {
        var j = start
        while j < chars.count {
            let d = chars[j]
            if d == "\\" {
                j += 2
                continue
            }
            if !triple && d == "\n" { return nil }
            if d == quote {
                if !triple { return j + 1 }
                if j + 2 < chars.count && chars[j + 1] == quote && chars[j + 2] == quote { return j + 3 }
            }
            j += 1
        }
        return nil
    }
}
