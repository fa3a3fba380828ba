// JSONError — why a document could not be parsed, with the place (line:column) to look at.

public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong ("expected ',' or '}' after an object member").
    public let reason: String
    /// Byte offset into the document.
    public let offset: Int
    /// 1-based line and column of `offset`.
    public let line: Int
    public let column: Int

    public var description: String {
        "invalid JSON at line \(line), column \(column): \(reason)"
    }
}
