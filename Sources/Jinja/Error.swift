// Template errors: every failure is a thrown `JinjaError` naming the template line, never a crash.

/// An error from lexing, parsing or rendering a template. `line` is the 1-based template line.
public struct JinjaError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The template text is malformed (unclosed tag, unexpected token, unknown end tag).
        case syntax
        /// An undefined value was used where Jinja's default Undefined raises (attribute of undefined, arithmetic).
        case undefined
        /// An operation got a value of the wrong type (Python's TypeError/ValueError).
        case type
        /// The template called `raise_exception(message)`.
        case raised
        /// The sandbox refused an operation (for example `list.append`, as transformers' immutable sandbox does).
        case security
        /// Anything else at render time (unknown filter or test, bad arguments, recursion limit).
        case runtime
    }

    public let kind: Kind
    public let message: String
    public internal(set) var line: Int?

    init(_ kind: Kind, _ message: String, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "template line \(line): \(message)" }
        return message
    }

    /// Adds the line if the error does not carry one yet (the innermost statement wins).
    func at(line: Int) -> JinjaError {
        var copy = self
        if copy.line == nil { copy.line = line }
        return copy
    }
}
