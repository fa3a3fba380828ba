// MARK: - Errors
//
// Runtime errors are script exceptions (`ScriptError`) that carry a traceback through user
// functions; syntax errors (`SyntaxError`) carry the position of the offending token. Both format
// themselves like CPython so a guide's error output reads the same.

/// A position in a source file (1-based line, 0-based columns, end column exclusive).
public struct SourceLocation: Sendable, Equatable {
    public var line: Int32
    public var column: Int32
    public var endColumn: Int32
    public init(line: Int, column: Int, endColumn: Int) {
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
        self.endColumn = Int32(truncatingIfNeeded: endColumn)
    }
}

/// One line of a traceback: where in which function the exception passed.
public struct TraceEntry: Sendable {
    public var file: String
    public var function: String
    public var location: SourceLocation
}

/// A script exception in flight.
public struct ScriptError: Error, @unchecked Sendable {
    /// The exception, either already a script object or a (type name, args) pair raised from Swift
    /// code that had no interpreter at hand (materialized when a script catches it).
    public enum Payload {
        case pending(type: String, args: [Value])
        case instance(InstanceObject)
    }
    public var payload: Payload
    /// Traceback entries, innermost first.
    public var traceback: [TraceEntry] = []
    /// Where in the current frame the exception is passing (set by the innermost node that knows).
    var location: SourceLocation?

    public init(type: String, _ message: String) { payload = .pending(type: type, args: [.str(message)]) }
    public init(type: String, args: [Value]) { payload = .pending(type: type, args: args) }
    public init(instance: InstanceObject) { payload = .instance(instance) }

    /// The exception's class name (`ValueError`).
    public var typeName: String {
        switch payload {
        case .pending(let t, _): return t
        case .instance(let i): return i.cls.name
        }
    }

    public static func typeError(_ m: String) -> ScriptError { ScriptError(type: "TypeError", m) }
    public static func valueError(_ m: String) -> ScriptError { ScriptError(type: "ValueError", m) }
    public static func attributeError(_ m: String) -> ScriptError { ScriptError(type: "AttributeError", m) }
    public static func indexError(_ m: String) -> ScriptError { ScriptError(type: "IndexError", m) }
    public static func keyError(_ key: Value) -> ScriptError { ScriptError(type: "KeyError", args: [key]) }
    public static func nameError(_ name: String) -> ScriptError { ScriptError(type: "NameError", "name '\(name)' is not defined") }
    public static func runtimeError(_ m: String) -> ScriptError { ScriptError(type: "RuntimeError", m) }
    public static func zeroDivision(_ m: String) -> ScriptError { ScriptError(type: "ZeroDivisionError", m) }
    public static func overflow(_ m: String) -> ScriptError { ScriptError(type: "OverflowError", m) }
    public static func notImplemented(_ m: String) -> ScriptError { ScriptError(type: "NotImplementedError", m) }
}

/// Swift errors thrown by library code can name the script exception type they become
/// (`ValueError`, `FileNotFoundError`, …); any other Swift error surfaces as a `RuntimeError`
/// whose message is the error's description.
public protocol ScriptConvertibleError: Error {
    var scriptExceptionType: String { get }
    var scriptMessage: String { get }
}

/// A syntax error found by the lexer or the parser.
public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var file: String
    public var location: SourceLocation
    /// Python's name for the error class (`SyntaxError` or `IndentationError`).
    public var kind: String

    public init(_ message: String, file: String, location: SourceLocation, kind: String = "SyntaxError") {
        self.message = message
        self.file = file
        self.location = location
        self.kind = kind
    }

    public var description: String { "\(kind): \(message) (\(file), line \(location.line))" }

    /// CPython's layout: the file and line, the source line, a caret under the column.
    public func formatted(source: String) -> String {
        var out = "  File \"\(file)\", line \(location.line)\n"
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let index = Int(location.line) - 1
        if index >= 0 && index < lines.count {
            let raw = String(lines[index])
            let stripped = raw.drop { $0 == " " || $0 == "\t" }
            let indent = raw.unicodeScalars.count - stripped.unicodeScalars.count
            let text = String(stripped).trimmingTrailingWhitespace()
            if !text.isEmpty {
                out += "    \(text)\n"
                let caretColumn = max(0, Int(location.column) - indent)
                let width = max(1, Int(location.endColumn - location.column))
                out += "    " + String(repeating: " ", count: caretColumn) + String(repeating: "^", count: width) + "\n"
            }
        }
        out += "\(kind): \(message)\n"
        return out
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
