// Tokens of a template: text between tags, tag delimiters, and the expression tokens inside tags.

/// One lexical token with the 1-based template line it starts on.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Literal template text, already trimmed by whitespace control.
        case text(String)
        case variableStart, variableEnd  // {{ }}
        case blockStart, blockEnd  // {% %}
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        /// Punctuation and operators: `+ - * / // % ** ~ == != < <= > >= = ( ) [ ] { } , . : |`.
        case op(String)
        case endOfTemplate
    }

    let kind: Kind
    let line: Int

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .text: return "template text"
        case .variableStart: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockStart: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string \(JinjaValue.pythonStringRepr(s))"
        case .integer(let i): return "integer \(i)"
        case .float(let d): return "float \(d)"
        case .op(let o): return "'\(o)'"
        case .endOfTemplate: return "end of template"
        }
    }
}
