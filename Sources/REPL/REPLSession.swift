// MARK: - REPL session
//
// The terminal-independent core of the REPL: it takes input lines and produces output text. The
// readline front end (``LineEditor``) only moves lines in and text out, so everything a user sees
// apart from key handling — cell assembly, `Out[n]` echo, history variables, magics, help, error
// recovery, completion candidates — is testable by feeding strings.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the session's output goes: results and `print` to `standardOutput`, errors to `standardError`.
public struct REPLOutput {
    public var standardOutput: (String) -> Void
    public var standardError: (String) -> Void

    public init(standardOutput: @escaping (String) -> Void, standardError: @escaping (String) -> Void) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Both streams into one closure (tests read a single transcript).
    public init(_ both: @escaping (String) -> Void) {
        self.init(standardOutput: both, standardError: both)
    }

    /// The process's file descriptors 1 and 2.
    public static var terminal: REPLOutput {
        REPLOutput(standardOutput: { writeAll($0, to: 1) }, standardError: { writeAll($0, to: 2) })
    }
}

/// One interactive session: an interpreter kept alive across cells, plus IPython's history.
public final class REPLSession {
    /// What ``feed(_:)`` did with a line.
    public enum FeedResult: Equatable {
        /// The cell is not complete: the front end shows the continuation prompt.
        case needsMore
        /// A cell ran (or a magic did); the prompt number advanced.
        case executed
        /// Nothing to run (a blank line at the prompt).
        case empty
    }

    // MARK: State

    /// The interpreter running the cells (replaced by `%reset`).
    public private(set) var interpreter: Interpreter
    /// The number of the next cell (`In [n]`).
    public private(set) var executionCount = 1
    /// Set by `exit()`, `quit()`, `%quit` or `exit`: the front end stops reading.
    public private(set) var isFinished = false
    /// The status passed to `exit(n)`.
    public private(set) var exitStatus: Int32 = 0
    /// Text `%load` put aside for the next prompt (the front end pre-fills the line with it).
    public var preloadedInput: String?
    /// Colour the `In`/`Out` prompts (the terminal front end turns it on for a colour terminal).
    public var usesColor = false
    /// How image results are drawn (the terminal front end detects it; see InlineImages.swift).
    public var graphics: TerminalGraphics = .none
    /// Pre-fill continuation lines with the indentation the block needs (IPython's autoindent;
    /// `%autoindent` toggles it).
    public var autoIndent = true

    let output: REPLOutput
    let configure: (Interpreter) -> Void
    /// Lines of the cell being typed.
    private(set) var pendingLines: [String] = []
    /// Cell sources by number; `inputs[0]` is empty as in IPython.
    private(set) var inputs: [String] = [""]
    /// The script-visible `In` list and `Out` dict (live objects, updated in place).
    private(set) var inList = ListObject([.str("")])
    private(set) var outDict = DictObject()
    /// Names the session defines for itself (`In`, `Out`, `_`, `_3`, …): hidden from `%who`.
    var sessionNames: Set<String> = []
    /// The directory before the last `%cd` (for `%cd -`).
    var previousDirectory: String?
    /// Builtin names, found once (see ``builtinNames``).
    var cachedBuiltinNames: [String]?

    /// Creates a session. `configure` runs on every new interpreter (the library registers its
    /// modules there); it runs again after `%reset`.
    public init(output: REPLOutput, configure: @escaping (Interpreter) -> Void = { _ in }) {
        self.output = output
        self.configure = configure
        interpreter = Interpreter()
        setUpInterpreter()
    }

    private func setUpInterpreter() {
        interpreter.writeStdout = output.standardOutput
        interpreter.writeStderr = output.standardError
        interpreter.lineBuffered = true
        configure(interpreter)
        inList = ListObject(inputs.map { .str($0) })
        outDict = DictObject()
        defineSessionGlobal("In", .list(inList))
        defineSessionGlobal("Out", .dict(outDict))
        for name in ["_", "__", "___", "_i", "_ii", "_iii"] { defineSessionGlobal(name, .str("")) }
    }

    func defineSessionGlobal(_ name: String, _ value: Value) {
        sessionNames.insert(name)
        interpreter.setGlobal(name, value)
    }

    // MARK: Prompts

    /// `In [n]: `, coloured when ``usesColor`` (readline's invisible-text markers included).
    public var prompt: String {
        if !pendingLines.isEmpty { return continuationPrompt }
        guard usesColor else { return "In [\(executionCount)]: " }
        return "\u{1}\u{1B}[32m\u{2}In [\u{1}\u{1B}[1;32m\u{2}\(executionCount)\u{1}\u{1B}[0;32m\u{2}]: \u{1}\u{1B}[0m\u{2}"
    }

    /// `   ...: `, right-aligned under the `In [n]: ` prompt as IPython does.
    public var continuationPrompt: String {
        let width = "In [\(executionCount)]: ".count
        let text = String(repeating: " ", count: max(0, width - 5)) + "...: "
        return usesColor ? "\u{1}\u{1B}[32m\u{2}" + text + "\u{1}\u{1B}[0m\u{2}" : text
    }

    /// Whether a cell is being continued.
    public var isContinuing: Bool { !pendingLines.isEmpty }

    /// The indentation a new continuation line should start with (IPython's auto-indent): the
    /// previous line's, one level deeper after a `:`, one level shallower after `return`, `pass`…
    public var suggestedIndent: String {
        guard let last = pendingLines.last else { return "" }
        let indent = last.prefix { $0 == " " || $0 == "\t" }.count
        let scan = InputScan(pendingLines.joined(separator: "\n"))
        if !scan.openBrackets.isEmpty || scan.insideTripleQuote { return String(repeating: " ", count: indent) }
        if scan.endsWithColon { return String(repeating: " ", count: indent + 4) }
        let statement = last.drop { $0 == " " || $0 == "\t" }
        let word = statement.prefix { $0.isLetter || $0 == "_" }
        if ["return", "pass", "break", "continue", "raise"].contains(String(word)) {
            return String(repeating: " ", count: max(0, indent - 4))
        }
        return String(repeating: " ", count: indent)
    }

    // MARK: Input

    /// Takes one line (or several separated by newlines: a paste or a `%load`ed cell) and runs the
    /// cell once it is complete.
    @discardableResult
    public func feed(_ text: String) -> FeedResult {
        guard text.contains("\n") else { return feedLine(text) }
        // A paste (or a `%load`ed cell) is one cell: it runs as soon as its brackets and strings
        // are closed and it does not end on a block header, without waiting for a blank line.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if pendingLines.isEmpty {
            lines = Array(lines.drop { $0.allSatisfy(\.isWhitespace) })
            if lines.isEmpty { return .empty }
        }
        pendingLines.append(contentsOf: lines)
        while let last = pendingLines.last, last.allSatisfy(\.isWhitespace), pendingLines.count > 1,
            !InputScan(pendingLines.dropLast().joined(separator: "\n")).isUnfinished
        {
            pendingLines.removeLast()
        }
        let scan = InputScan(pendingLines.joined(separator: "\n"))
        if scan.isUnfinished || scan.endsWithColon || scan.endsWithDecorator { return .needsMore }
        return runPendingCell()
    }

    private func feedLine(_ line: String) -> FeedResult {
        let isBlank = line.allSatisfy { $0.isWhitespace }
        if pendingLines.isEmpty {
            if isBlank { return .empty }
            pendingLines = [line]
            let scan = InputScan(line)
            if scan.isUnfinished || scan.endsWithColon || scan.endsWithDecorator { return .needsMore }
            return runPendingCell()
        }
        let scanBefore = InputScan(pendingLines.joined(separator: "\n"))
        // A blank line closes a block, except inside brackets or a triple-quoted string where it is data.
        if isBlank && !scanBefore.isUnfinished {
            return runPendingCell()
        }
        pendingLines.append(line)
        let scan = InputScan(pendingLines.joined(separator: "\n"))
        if scan.isUnfinished { return .needsMore }
        // A cell that opened a block (`for …:`, `def …:`, a decorator) runs on a blank line; one
        // that only continued inside brackets runs as soon as they close.
        if isBlock(pendingLines) { return .needsMore }
        return runPendingCell()
    }

    /// Whether the cell has a block header at bracket depth zero (so it waits for a blank line).
    private func isBlock(_ lines: [String]) -> Bool {
        var prefix: [String] = []
        for line in lines {
            prefix.append(line)
            let scan = InputScan(prefix.joined(separator: "\n"))
            if scan.openBrackets.isEmpty && !scan.insideTripleQuote && (scan.endsWithColon || scan.endsWithDecorator) {
                return true
            }
        }
        return false
    }

    /// Forgets the cell being typed (Ctrl-C at the prompt).
    public func discardPendingInput() {
        pendingLines = []
    }

    private func runPendingCell() -> FeedResult {
        let source = pendingLines.joined(separator: "\n")
        pendingLines = []
        runCell(source)
        return .executed
    }

    /// Runs one complete cell as the next `In [n]`.
    public func runCell(_ source: String) {
        let number = executionCount
        recordInput(source, number: number)
        defer { executionCount += 1 }
        let trimmed = source.trimmingWhitespace()
        if trimmed.hasPrefix("%") && !trimmed.hasPrefix("%%") {
            if let value = runMagic(String(trimmed.dropFirst()), number: number) { display(value, number: number) }
            return
        }
        if trimmed.hasPrefix("!") {
            runShell(String(trimmed.dropFirst()))
            return
        }
        if let target = helpTarget(trimmed) {
            showHelp(for: target)
            return
        }
        if (trimmed == "exit" || trimmed == "quit") && !interpreter.globalNames.contains(trimmed) {
            isFinished = true
            return
        }
        if let value = evaluate(source, file: cellFileName(number), echo: !trimmed.hasSuffix(";")) {
            display(value, number: number)
        }
    }

    /// The file name tracebacks show for a cell.
    func cellFileName(_ number: Int) -> String { "<In [\(number)]>" }

    // MARK: Running code

    /// Compiles and runs source in the session's namespace; prints any error and returns the
    /// value of a final expression (when `echo`). Every variable survives an error.
    func evaluate(_ source: String, file: String, echo: Bool) -> Value? {
        do {
            let program = try interpreter.compile(source, file: file, echo: echo)
            return try interpreter.execute(program)
        } catch {
            report(error, source: source)
            return nil
        }
    }

    /// Prints an error the way the interpreter prints uncaught ones; `exit()` ends the session.
    func report(_ error: any Error, source: String) {
        interpreter.flush()
        switch error {
        case let e as SyntaxError:
            output.standardError(e.formatted(source: source))
        case let e as ScriptError where e.typeName == "SystemExit":
            isFinished = true
            exitStatus = systemExitStatus(e)
        case let e as ScriptError:
            output.standardError(interpreter.formatTraceback(e))
        default:
            output.standardError(interpreter.formatTraceback(interpreter.convert(error)))
        }
    }

    private func systemExitStatus(_ e: ScriptError) -> Int32 {
        let instance = interpreter.materialize(e)
        switch instance.args.first {
        case nil, .none?: return 0
        case .int(let n)?: return Int32(truncatingIfNeeded: n)
        case let other?:
            output.standardError(((try? interpreter.str(other)) ?? "") + "\n")
            return 1
        }
    }

    // MARK: History

    private func recordInput(_ source: String, number: Int) {
        inputs.append(source)
        inList.items.append(.str(source))
        // IPython: while cell n runs, `_i`, `_ii`, `_iii` are the three inputs before it.
        func input(_ k: Int) -> Value { .str(k >= 1 && k < inputs.count ? inputs[k] : "") }
        defineSessionGlobal("_i", input(number - 1))
        defineSessionGlobal("_ii", input(number - 2))
        defineSessionGlobal("_iii", input(number - 3))
        defineSessionGlobal("_i\(number)", .str(source))
    }

    /// Shows a result as `Out[n]: repr` and records it in `Out`, `_`, `__`, `___` and `_n`.
    /// `None` is neither shown nor recorded, as in IPython.
    func display(_ value: Value, number: Int) {
        if value.isNone { return }
        let text: String
        do {
            text = try interpreter.repr(value)
        } catch {
            report(error, source: "")
            return
        }
        let label = usesColor ? "\u{1B}[31mOut[\u{1B}[1;31m\(number)\u{1B}[0;31m]:\u{1B}[0m " : "Out[\(number)]: "
        if case .object(let o as any ScriptDisplayableImage) = value,
           let picture = try? InlineImageEncoder.sequence(for: o, graphics: graphics) {
            output.standardOutput(label + text + "\n" + picture + "\n")
        } else {
            // A multi-line repr starts on its own line so its columns line up.
            output.standardOutput(label + (text.contains("\n") ? "\n" : "") + text + "\n")
        }
        try? outDict.set(.int(number), value)
        let previous = (interpreter.global("_") ?? .str(""), interpreter.global("__") ?? .str(""))
        defineSessionGlobal("___", previous.1)
        defineSessionGlobal("__", previous.0)
        defineSessionGlobal("_", value)
        defineSessionGlobal("_\(number)", value)
    }

    /// Replaces the interpreter with a fresh one (`%reset`); cell numbers and `In` continue.
    func resetNamespace() {
        interpreter = Interpreter()
        sessionNames = []
        cachedBuiltinNames = nil
        setUpInterpreter()
    }

    /// User-defined names (not builtins, not the session's own history variables), sorted.
    public var userVariableNames: [String] {
        interpreter.globalNames.filter { !sessionNames.contains($0) && !$0.hasPrefix("__sfs_") }.sorted()
    }

    /// Marks the session finished (Ctrl-D, `%quit`).
    func finish(status: Int32 = 0) {
        isFinished = true
        exitStatus = status
    }
}

// MARK: - Small helpers

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// Writes all of `text` to a file descriptor (retrying short writes).
func writeAll(_ text: String, to fd: Int32) {
    var text = text
    text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = write(fd, base + offset, buffer.count - offset)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
