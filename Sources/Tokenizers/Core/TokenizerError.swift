// Every failure a user file or input can cause is one of these cases; nothing on this path traps.

/// An error from loading or running a tokenizer. The message names the offending thing.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON text is malformed (truncated files land here).
    case invalidJSON(String)
    /// A component's `"type"` (or the model's `model.type`) is not one we implement.
    case unknownType(component: String, type: String)
    /// A required field is absent or has the wrong kind.
    case invalidField(component: String, field: String, expected: String)
    /// The configuration is inconsistent (e.g. a merge references a token missing from the vocabulary).
    case invalidConfiguration(String)
    /// A file could not be read.
    case fileNotFound(String)
    /// An argument given to an API call is unusable.
    case invalidArgument(String)
    /// A regex pattern from the file could not be compiled.
    case invalidRegex(pattern: String, reason: String)
    /// Chat template problems (missing template, render failure).
    case chatTemplate(String)

    public var description: String {
        switch self {
        case .invalidJSON(let m): return "tokenizer: invalid JSON: \(m)"
        case .unknownType(let c, let t): return "tokenizer: unknown \(c) type \"\(t)\""
        case .invalidField(let c, let f, let e): return "tokenizer: \(c): field \"\(f)\" must be \(e)"
        case .invalidConfiguration(let m): return "tokenizer: \(m)"
        case .fileNotFound(let p): return "tokenizer: cannot read \(p)"
        case .invalidArgument(let m): return "tokenizer: \(m)"
        case .invalidRegex(let p, let r): return "tokenizer: cannot compile regex \(p): \(r)"
        case .chatTemplate(let m): return "tokenizer: chat template: \(m)"
        }
    }
}
