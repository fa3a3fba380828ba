// MARK: - Tokens

/// The kinds of token the lexer produces (Python's tokenizer, minus the ones we do not need).
enum TokenKind: Equatable {
    case name, int, float, string, fstring, op, newline, indent, dedent, eof
}

/// One token. `text` is the identifier or operator, the decoded value of a string literal, the
/// raw body of an f-string, or the digits of a number.
struct Token {
    var kind: TokenKind
    var text: String
    var location: SourceLocation
    /// For f-strings: whether the literal was raw (`rf"…"`), so escapes stay as written.
    var isRaw = false
    var isBytes = false

    var line: Int { Int(location.line) }
    var column: Int { Int(location.column) }

    func isOp(_ s: String) -> Bool { kind == .op && text == s }
    func isKeyword(_ s: String) -> Bool { kind == .name && text == s }
}

/// Python's reserved words: they can never be used as names.
let reservedWords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
]
