// Splits template source into tokens the way Jinja's lexer does, including its whitespace rules:
// `{%-`/`-%}` strip all whitespace on that side, `+` disables lstrip/trim for a tag, `trim_blocks`
// drops the first newline after a block or comment tag, `lstrip_blocks` drops the spaces and tabs
// before a block or comment tag that starts a line, and one trailing newline of the template is dropped
// (`keep_trailing_newline=False`). Newlines are normalized to "\n" first.

struct Lexer {
    struct Options {
        var trimBlocks = false
        var lstripBlocks = false
    }

    private let source: [Unicode.Scalar]
    private let options: Options
    private var position = 0
    private var line = 1
    private var tokens: [Token] = []
    /// True when the previous tag consumed a newline, so the next text starts a line (Jinja's `line_starting`).
    private var lineStarting = true

    init(_ text: String, options: Options) {
        // Normalize \r\n and \r to \n, and drop one trailing newline as Jinja does by default.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for s in text.unicodeScalars {
            if s == "\r" { scalars.append("\n"); previousWasCR = true; continue }
            if s == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = false
            scalars.append(s)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        self.source = scalars
        self.options = options
    }

    static func tokenize(_ text: String, options: Options) throws -> [Token] {
        var lexer = Lexer(text, options: options)
        try lexer.run()
        return lexer.tokens
    }

    // MARK: - Scanning helpers

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = position + offset
        return i < source.count ? source[i] : nil
    }

    private func matches(_ text: String, at index: Int) -> Bool {
        var i = index
        for s in text.unicodeScalars {
            guard i < source.count, source[i] == s else { return false }
            i += 1
        }
        return true
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where position < source.count {
            if source[position] == "\n" { line += 1 }
            position += 1
        }
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\u{b}" || s == "\u{c}" || s == "\r"
    }

    private mutating func skipAllWhitespace() {
        while let s = peek(), Lexer.isSpace(s) { advance() }
    }

    private func error(_ message: String) -> JinjaError { JinjaError(.syntax, message, line: line) }

    // MARK: - Template level

    private enum TagKind { case variable, block, comment }

    private mutating func run() throws {
        while position < source.count {
            // Find the next tag opening.
            var scan = position
            var found: TagKind?
            while scan + 1 < source.count {
                if source[scan] == "{" {
                    let next = source[scan + 1]
                    if next == "{" { found = .variable; break }
                    if next == "%" { found = .block; break }
                    if next == "#" { found = .comment; break }
                }
                scan += 1
            }
            guard let kind = found else {
                emitText(String(String.UnicodeScalarView(source[position...])), line: line)
                advance(source.count - position)
                break
            }
            let sign: Unicode.Scalar? = scan + 2 < source.count && (source[scan + 2] == "-" || source[scan + 2] == "+") ? source[scan + 2] : nil
            var text = Array(source[position..<scan])
            text = stripBeforeTag(text, sign: sign, isVariable: kind == .variable)
            let textLine = line
            emitText(String(String.UnicodeScalarView(text)), line: textLine)
            advance(scan - position)
            let tagLine = line
            advance(sign == nil ? 2 : 3)
            switch kind {
            case .comment: try lexComment(openedAt: tagLine)
            case .variable:
                tokens.append(Token(kind: .variableStart, line: tagLine))
                try lexExpression(until: .variable, openedAt: tagLine)
            case .block:
                if try lexRawIfPresent(openedAt: tagLine) { continue }
                tokens.append(Token(kind: .blockStart, line: tagLine))
                try lexExpression(until: .block, openedAt: tagLine)
            }
        }
        tokens.append(Token(kind: .endOfTemplate, line: line))
    }

    private mutating func emitText(_ text: String, line: Int) {
        if !text.isEmpty { tokens.append(Token(kind: .text(text), line: line)) }
    }

    /// Whitespace control on the text before a tag: `-` strips all trailing whitespace; otherwise, with
    /// lstrip_blocks and a block/comment tag not marked `+`, spaces and tabs back to the line start go.
    private func stripBeforeTag(_ text: [Unicode.Scalar], sign: Unicode.Scalar?, isVariable: Bool) -> [Unicode.Scalar] {
        if sign == "-" {
            var end = text.count
            while end > 0, Lexer.isSpace(text[end - 1]) { end -= 1 }
            return Array(text[..<end])
        }
        guard sign != "+", options.lstripBlocks, !isVariable else { return text }
        let lineStart = (text.lastIndex(of: "\n") ?? -1) + 1
        guard lineStart > 0 || lineStarting, lineStart < text.count else { return text }
        if text[lineStart...].allSatisfy({ Lexer.isSpace($0) }) { return Array(text[..<lineStart]) }
        return text
    }

    /// After a block or comment end: `-` eats all whitespace, `+` nothing, else trim_blocks eats one newline.
    private mutating func handleBlockEnd(sign: Unicode.Scalar?) {
        lineStarting = false
        if sign == "-" {
            let start = position
            skipAllWhitespace()
            lineStarting = position > start && source[position - 1] == "\n"
        } else if sign != "+", options.trimBlocks, peek() == "\n" {
            advance()
            lineStarting = true
        }
    }

    private mutating func lexComment(openedAt tagLine: Int) throws {
        while position + 1 < source.count {
            if source[position] == "#" && source[position + 1] == "}" {
                let sign: Unicode.Scalar? = position > 0 && (source[position - 1] == "-" || source[position - 1] == "+") ? source[position - 1] : nil
                advance(2)
                handleBlockEnd(sign: sign)
                return
            }
            advance()
        }
        throw JinjaError(.syntax, "missing end of comment tag", line: tagLine)
    }

    /// `{% raw %}…{% endraw %}`: the body is text, tags inside are not interpreted.
    private mutating func lexRawIfPresent(openedAt tagLine: Int) throws -> Bool {
        var i = position
        while i < source.count, Lexer.isSpace(source[i]) { i += 1 }
        guard matches("raw", at: i) else { return false }
        i += 3
        while i < source.count, Lexer.isSpace(source[i]) { i += 1 }
        var openSign: Unicode.Scalar?
        if i < source.count, source[i] == "-" || source[i] == "+" { openSign = source[i]; i += 1 }
        guard matches("%}", at: i) else { return false }
        advance(i + 2 - position)
        handleBlockEnd(sign: openSign)
        // Find `{%[-+]? endraw [-+]?%}`.
        var scan = position
        while scan + 1 < source.count {
            if source[scan] == "{" && source[scan + 1] == "%" {
                var j = scan + 2
                var sign: Unicode.Scalar?
                if j < source.count, source[j] == "-" || source[j] == "+" { sign = source[j]; j += 1 }
                while j < source.count, Lexer.isSpace(source[j]) { j += 1 }
                if matches("endraw", at: j) {
                    j += 6
                    while j < source.count, Lexer.isSpace(source[j]) { j += 1 }
                    var closeSign: Unicode.Scalar?
                    if j < source.count, source[j] == "-" || source[j] == "+" { closeSign = source[j]; j += 1 }
                    if matches("%}", at: j) {
                        let body = stripBeforeTag(Array(source[position..<scan]), sign: sign, isVariable: false)
                        emitText(String(String.UnicodeScalarView(body)), line: line)
                        advance(j + 2 - position)
                        handleBlockEnd(sign: closeSign)
                        return true
                    }
                }
            }
            scan += 1
        }
        throw JinjaError(.syntax, "missing '{% endraw %}' for the raw block", line: tagLine)
    }

    // MARK: - Inside a tag

    private static let operators = [
        "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{",
        "}", ",", ".", ":", "|",
    ]

    private mutating func lexExpression(until kind: TagKind, openedAt tagLine: Int) throws {
        var brackets: [Unicode.Scalar] = []
        while true {
            skipAllWhitespace()
            guard let c = peek() else {
                throw JinjaError(.syntax, "unexpected end of template: missing '\(kind == .variable ? "}}" : "%}")'", line: tagLine)
            }
            // Tag end, unless a bracket is open (so `{{ {'a': {'b': 1}}}}` works as in Jinja).
            if brackets.isEmpty {
                let close = kind == .variable ? "}}" : "%}"
                var sign: Unicode.Scalar?
                var length = 0
                if (c == "-" || (c == "+" && kind == .block)) && matches(close, at: position + 1) {
                    sign = c
                    length = 3
                } else if matches(close, at: position) {
                    length = 2
                }
                if length > 0 {
                    tokens.append(Token(kind: kind == .variable ? .variableEnd : .blockEnd, line: line))
                    advance(length)
                    if kind == .variable {
                        lineStarting = false
                        if sign == "-" {
                            let start = position
                            skipAllWhitespace()
                            lineStarting = position > start && source[position - 1] == "\n"
                        }
                    } else {
                        handleBlockEnd(sign: sign)
                    }
                    return
                }
            }
            let tokenLine = line
            if c == "'" || c == "\"" {
                tokens.append(Token(kind: .string(try lexString(quote: c)), line: tokenLine))
            } else if c.properties.isAlphabetic || c == "_" {
                var name = String.UnicodeScalarView()
                while let s = peek(), s.properties.isAlphabetic || s == "_" || ("0"..."9").contains(s) {
                    name.append(s)
                    advance()
                }
                tokens.append(Token(kind: .name(String(name)), line: tokenLine))
            } else if ("0"..."9").contains(c) {
                tokens.append(Token(kind: try lexNumber(), line: tokenLine))
            } else if let op = Lexer.operators.first(where: { matches($0, at: position) }) {
                switch op {
                case "(", "[", "{": brackets.append(c)
                case ")", "]", "}":
                    let expected: Unicode.Scalar = op == ")" ? "(" : (op == "]" ? "[" : "{")
                    guard brackets.last == expected else { throw error("unexpected '\(op)'") }
                    brackets.removeLast()
                default: break
                }
                tokens.append(Token(kind: .op(op), line: tokenLine))
                advance(op.unicodeScalars.count)
            } else {
                throw error("unexpected character '\(c)'")
            }
        }
    }

    private mutating func lexNumber() throws -> Token.Kind {
        var text = ""
        func digits() {
            while let s = peek(), ("0"..."9").contains(s) || (s == "_" && (peek(1).map { ("0"..."9").contains($0) } ?? false)) {
                if s != "_" { text.unicodeScalars.append(s) }
                advance()
            }
        }
        digits()
        var isFloat = false
        if peek() == ".", let next = peek(1), ("0"..."9").contains(next) {
            isFloat = true
            text += "."
            advance()
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            var offset = 1
            if let s = peek(1), s == "+" || s == "-" { offset = 2 }
            if let d = peek(offset), ("0"..."9").contains(d) {
                isFloat = true
                text += "e"
                if offset == 2, let s = peek(1) { text.unicodeScalars.append(s) }
                advance(offset)
                digits()
            }
        }
        if isFloat {
            guard let d = Double(text) else { throw error("invalid number '\(text)'") }
            return .float(d)
        }
        guard let i = Int(text) else { throw error("integer literal '\(text)' is too large") }
        return .integer(i)
    }

    /// A string literal with Python's escapes (`\n`, `\t`, `\\`, `\'`, `\xhh`, `\uXXXX`, `\UXXXXXXXX`, …);
    /// unknown escapes keep their backslash, as Python's unicode-escape does.
    private mutating func lexString(quote: Unicode.Scalar) throws -> String {
        let startLine = line
        advance()
        var out = String.UnicodeScalarView()
        while let c = peek() {
            advance()
            if c == quote { return String(out) }
            guard c == "\\" else { out.append(c); continue }
            guard let e = peek() else { break }
            advance()
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{7}")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{c}")
            case "v": out.append("\u{b}")
            case "0": out.append("\u{0}")
            case "\n": break
            case "x", "u", "U":
                let width = e == "x" ? 2 : (e == "u" ? 4 : 8)
                var value: UInt32 = 0
                for _ in 0..<width {
                    guard let h = peek(), let digit = Int(String(h), radix: 16) else {
                        throw error("truncated \\\(e) escape in a string literal")
                    }
                    value = value * 16 + UInt32(digit)
                    advance()
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\\(e) escape in a string literal") }
                out.append(scalar)
            default:
                out.append("\\")
                out.append(e)
            }
        }
        throw JinjaError(.syntax, "unterminated string literal", line: startLine)
    }
}
