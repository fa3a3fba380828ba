// MARK: - Lexer
//
// Turns source text into tokens with Python's layout rules: INDENT/DEDENT from leading
// whitespace, NEWLINE only outside brackets, backslash continuation, `#` comments. Works on
// Unicode scalars so columns count characters as CPython's carets do.

struct Lexer {
    private let chars: [Unicode.Scalar]
    private let file: String
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private var indents: [Int] = [0]
    private var brackets: [(char: Unicode.Scalar, location: SourceLocation)] = []
    private var tokens: [Token] = []

    init(_ source: String, file: String) {
        chars = Array(source.unicodeScalars)
        self.file = file
    }

    static func tokenize(_ source: String, file: String) throws -> [Token] {
        var lexer = Lexer(source, file: file)
        return try lexer.run()
    }

    // MARK: Helpers

    private var column: Int { pos - lineStart }
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = pos + offset
        return i < chars.count ? chars[i] : nil
    }
    private func location(from start: Int, to end: Int? = nil) -> SourceLocation {
        SourceLocation(line: line, column: start - lineStart, endColumn: (end ?? pos) - lineStart)
    }
    private func error(_ message: String, at loc: SourceLocation, kind: String = "SyntaxError") -> SyntaxError {
        SyntaxError(message, file: file, location: loc, kind: kind)
    }
    private mutating func emit(_ kind: TokenKind, _ text: String, _ loc: SourceLocation) {
        tokens.append(Token(kind: kind, text: text, location: loc))
    }
    private mutating func newLine() {
        line += 1
        lineStart = pos
    }

    // MARK: Main loop

    private mutating func run() throws -> [Token] {
        var atLineStart = true
        while pos < chars.count {
            if atLineStart && brackets.isEmpty {
                atLineStart = false
                if try handleIndentation() { continue }
                if pos >= chars.count { break }
            }
            let c = chars[pos]
            switch c {
            case " ", "\t", "\u{0C}":
                pos += 1
            case "\r":
                pos += 1
            case "#":
                while pos < chars.count && chars[pos] != "\n" { pos += 1 }
            case "\n":
                if brackets.isEmpty, let last = tokens.last, last.kind != .newline {
                    emit(.newline, "", location(from: pos, to: pos + 1))
                }
                pos += 1
                newLine()
                atLineStart = true
            case "\\":
                if peek(1) == "\n" {
                    pos += 2
                    newLine()
                } else if peek(1) == "\r" && peek(2) == "\n" {
                    pos += 3
                    newLine()
                } else {
                    throw error("unexpected character after line continuation character", at: location(from: pos, to: pos + 1))
                }
            default:
                if isIdentifierStart(c) {
                    try lexNameOrString()
                } else if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) {
                    try lexNumber()
                } else if c == "\"" || c == "'" {
                    try lexString(prefix: "", start: pos)
                } else {
                    try lexOperator()
                }
            }
        }
        if let open = brackets.last {
            throw error("'\(open.char)' was never closed", at: open.location)
        }
        if let last = tokens.last, last.kind != .newline {
            emit(.newline, "", location(from: pos))
        }
        while indents.count > 1 {
            indents.removeLast()
            emit(.dedent, "", location(from: pos))
        }
        emit(.eof, "", location(from: pos))
        return tokens
    }

    /// Measures the indentation of a new logical line. Returns true when the line is blank or a
    /// comment (nothing emitted).
    private mutating func handleIndentation() throws -> Bool {
        var width = 0
        var p = pos
        while p < chars.count {
            if chars[p] == " " { width += 1 } else if chars[p] == "\t" { width = (width / 8 + 1) * 8 } else if chars[p] == "\u{0C}" { width = 0 } else { break }
            p += 1
        }
        if p >= chars.count || chars[p] == "\n" || chars[p] == "#" || (chars[p] == "\r" && (p + 1 >= chars.count || chars[p + 1] == "\n")) {
            pos = p
            return false
        }
        pos = p
        let loc = location(from: p)
        if width > indents[indents.count - 1] {
            if tokens.isEmpty || tokens.last?.kind == .newline && tokens.count == 1 {
                throw error("unexpected indent", at: loc, kind: "IndentationError")
            }
            indents.append(width)
            emit(.indent, "", loc)
        } else {
            while width < indents[indents.count - 1] {
                indents.removeLast()
                emit(.dedent, "", loc)
            }
            if width != indents[indents.count - 1] {
                throw error("unindent does not match any outer indentation level", at: loc, kind: "IndentationError")
            }
        }
        return false
    }

    // MARK: Names, numbers, operators

    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (c.value >= 0x80 && c.properties.isXIDStart)
    }
    private func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c) || (c.value >= 0x80 && c.properties.isXIDContinue)
    }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func lexNameOrString() throws {
        let start = pos
        while pos < chars.count && isIdentifierContinue(chars[pos]) { pos += 1 }
        let name = String(String.UnicodeScalarView(chars[start..<pos]))
        if let q = peek(), q == "\"" || q == "'" {
            let lower = name.lowercased()
            if ["r", "u", "f", "b", "rb", "br", "fr", "rf"].contains(lower) {
                try lexString(prefix: lower, start: start)
                return
            }
        }
        emit(.name, name, location(from: start))
    }

    private mutating func lexNumber() throws {
        let start = pos
        var isFloat = false
        if chars[pos] == "0", let x = peek(1), "xXoObB".unicodeScalars.contains(x) {
            pos += 2
            while let c = peek(), c.properties.isASCIIHexDigit || c == "_" { pos += 1 }
        } else {
            while let c = peek(), isDigit(c) || c == "_" { pos += 1 }
            if peek() == ".", !(peek(1).map(isIdentifierStart) ?? false) || peek(1) == "e" || peek(1) == "E" {
                isFloat = true
                pos += 1
                while let c = peek(), isDigit(c) || c == "_" { pos += 1 }
            }
            if let e = peek(), e == "e" || e == "E" {
                let save = pos
                pos += 1
                if let s = peek(), s == "+" || s == "-" { pos += 1 }
                if let d = peek(), isDigit(d) {
                    isFloat = true
                    while let c = peek(), isDigit(c) || c == "_" { pos += 1 }
                } else {
                    pos = save
                }
            }
        }
        if let j = peek(), j == "j" || j == "J" {
            throw error("complex numbers are not supported", at: location(from: start, to: pos + 1))
        }
        if let c = peek(), isIdentifierStart(c) {
            throw error("invalid decimal literal", at: location(from: start, to: pos + 1))
        }
        emit(isFloat ? .float : .int, String(String.UnicodeScalarView(chars[start..<pos])), location(from: start))
    }

    private static let threeCharOps: Set<String> = ["**=", "//=", ">>=", "<<=", "..."]
    private static let twoCharOps: Set<String> = [
        "**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=", "<<", ">>", ":=",
    ]
    private static let oneCharOps: Set<Unicode.Scalar> = [
        "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
    ]

    private mutating func lexOperator() throws {
        let start = pos
        func text(_ n: Int) -> String? {
            guard pos + n <= chars.count else { return nil }
            return String(String.UnicodeScalarView(chars[pos..<pos + n]))
        }
        if let t = text(3), Lexer.threeCharOps.contains(t) {
            pos += 3
            emit(.op, t, location(from: start))
            return
        }
        if let t = text(2), Lexer.twoCharOps.contains(t) {
            pos += 2
            emit(.op, t, location(from: start))
            return
        }
        let c = chars[pos]
        guard Lexer.oneCharOps.contains(c) else {
            if c == "!" {
                throw error("invalid syntax", at: location(from: start, to: start + 1))
            }
            throw error("invalid character '\(Character(c))' (U+\(String(c.value, radix: 16, uppercase: true).leftPadded(4)))", at: location(from: start, to: start + 1))
        }
        pos += 1
        let loc = location(from: start)
        switch c {
        case "(", "[", "{":
            brackets.append((c, loc))
        case ")", "]", "}":
            guard let open = brackets.popLast() else {
                throw error("unmatched '\(Character(c))'", at: loc)
            }
            let expected: Unicode.Scalar = open.char == "(" ? ")" : open.char == "[" ? "]" : "}"
            if c != expected {
                if open.location.line == loc.line {
                    throw error("closing parenthesis '\(Character(c))' does not match opening parenthesis '\(Character(open.char))'", at: loc)
                }
                throw error("closing parenthesis '\(Character(c))' does not match opening parenthesis '\(Character(open.char))' on line \(open.location.line)", at: loc)
            }
        default: break
        }
        emit(.op, String(Character(c)), loc)
    }

    // MARK: Strings

    private mutating func lexString(prefix: String, start: Int) throws {
        let quote = chars[pos]
        let triple = peek(1) == quote && peek(2) == quote
        let startLine = line
        let startLoc = location(from: start, to: start + 1)
        pos += triple ? 3 : 1
        let raw = prefix.contains("r")
        var body: [Unicode.Scalar] = []
        while true {
            guard pos < chars.count else {
                if triple {
                    throw error("unterminated triple-quoted string literal (detected at line \(line))",
                        at: SourceLocation(line: startLine, column: Int(startLoc.column), endColumn: Int(startLoc.column) + 1))
                }
                throw error("unterminated string literal (detected at line \(line))", at: startLoc)
            }
            let c = chars[pos]
            if c == "\\" && pos + 1 < chars.count {
                body.append(c)
                body.append(chars[pos + 1])
                if chars[pos + 1] == "\n" {
                    pos += 2
                    newLine()
                } else {
                    pos += 2
                }
                continue
            }
            if c == "\n" {
                if !triple { throw error("unterminated string literal (detected at line \(line))", at: startLoc) }
                body.append(c)
                pos += 1
                newLine()
                continue
            }
            if c == quote {
                if !triple { pos += 1; break }
                if peek(1) == quote && peek(2) == quote { pos += 3; break }
            }
            body.append(c)
            pos += 1
        }
        let bodyText = String(String.UnicodeScalarView(body))
        var loc = startLoc
        if line == startLine { loc.endColumn = Int32(column) }
        if prefix.contains("f") {
            var token = Token(kind: .fstring, text: bodyText, location: loc)
            token.isRaw = raw
            tokens.append(token)
        } else {
            let value = raw ? bodyText : try Lexer.decodeEscapes(bodyText, file: file, location: loc)
            var token = Token(kind: .string, text: value, location: loc)
            token.isBytes = prefix.contains("b")
            tokens.append(token)
        }
    }

    /// Processes backslash escapes as Python does (unknown escapes keep their backslash).
    static func decodeEscapes(_ text: String, file: String, location: SourceLocation) throws -> String {
        guard text.unicodeScalars.contains("\\") else { return text }
        var out = String.UnicodeScalarView()
        let s = Array(text.unicodeScalars)
        var i = 0
        func hex(_ count: Int) throws -> Unicode.Scalar {
            var v: UInt32 = 0
            for k in 0..<count {
                let j = i + 1 + k
                guard j < s.count, let d = UInt32(String(s[j]), radix: 16) else {
                    throw SyntaxError("(unicode error) truncated \\\(s[i]) escape", file: file, location: location)
                }
                v = v * 16 + d
            }
            i += count
            guard let scalar = Unicode.Scalar(v) else {
                throw SyntaxError("(unicode error) illegal Unicode character", file: file, location: location)
            }
            return scalar
        }
        while i < s.count {
            let c = s[i]
            if c != "\\" || i + 1 >= s.count {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            let e = s[i]
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\n": break
            case "x": out.append(try hex(2))
            case "u": out.append(try hex(4))
            case "U": out.append(try hex(8))
            case "0"..."7":
                var v: UInt32 = 0
                var n = 0
                while n < 3 && i < s.count && s[i] >= "0" && s[i] <= "7" {
                    v = v * 8 + (s[i].value - 48)
                    i += 1
                    n += 1
                }
                i -= 1
                out.append(Unicode.Scalar(v) ?? "?")
            default:
                out.append("\\")
                out.append(e)
            }
            i += 1
        }
        return String(out)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
