// MARK: - Compiling and running programs, and formatting uncaught errors

/// A compiled piece of source (a file, a `-c` string or one REPL input).
public final class Program {
    let code: CodeUnit
    public let file: String
    init(code: CodeUnit, file: String) {
        self.code = code
        self.file = file
    }
}

/// Records the value of a REPL input's final expression (for `Out[n]` echo).
final class EchoStmt: Stmt {
    let expr: Expr
    init(_ expr: Expr, _ loc: SourceLocation) {
        self.expr = expr
        super.init(loc)
    }
    override func exec(_ i: Interpreter) throws -> Flow {
        i.echoValue = try expr.eval(i)
        return .normal
    }
}

/// How a run ended.
public enum RunOutcome {
    case success
    case exception(ScriptError)
    case syntaxError(SyntaxError)
    case exit(Int32)

    /// The process exit status `sfs` uses: 0 ok, 1 uncaught exception, 2 syntax error.
    public var exitStatus: Int32 {
        switch self {
        case .success: return 0
        case .exception: return 1
        case .syntaxError: return 2
        case .exit(let code): return code
        }
    }
}

extension Interpreter {
    /// Parses and resolves source. With `echo`, a final expression statement records its value
    /// (see ``execute(_:)``) instead of discarding it.
    public func compile(_ source: String, file: String, echo: Bool = false) throws -> Program {
        sources[file] = source.split(separator: "\n", omittingEmptySubsequences: false)
        let body = try Parser.parseModule(source, file: file)
        let code = try Resolver(interp: self).resolveModule(body, file: file)
        // Swapped in after resolution: the resolver walks ExprStmt, not EchoStmt (the REPL found
        // the echoed expression's names left unresolved).
        if echo, let last = code.body.last as? ExprStmt {
            code.body[code.body.count - 1] = EchoStmt(last.expr, last.location)
        }
        return Program(code: code, file: file)
    }

    /// Runs a compiled program; returns the echoed value of its final expression, if any.
    @discardableResult
    public func execute(_ program: Program) throws -> Value? {
        echoValue = nil
        let f = FunctionObject(code: program.code, defaults: [], closure: [])
        let savedBase = base, savedTop = top, savedDepth = depth
        defer {
            base = savedBase
            top = savedTop
            depth = savedDepth
            flush()
        }
        _ = try callFunction(f, Arguments())
        let v = echoValue
        echoValue = nil
        return v
    }

    /// Compiles and runs source, printing any uncaught error to standard error as CPython does.
    public func run(_ source: String, file: String) -> RunOutcome {
        let program: Program
        do {
            program = try compile(source, file: file)
        } catch let e as SyntaxError {
            writeError(e.formatted(source: source))
            return .syntaxError(e)
        } catch {
            writeError("SyntaxError: \(error)\n")
            return .syntaxError(SyntaxError("\(error)", file: file, location: SourceLocation(line: 1, column: 0, endColumn: 1)))
        }
        do {
            try execute(program)
            return .success
        } catch let e as ScriptError {
            if e.typeName == "SystemExit" { return .exit(systemExitStatus(e)) }
            writeError(formatTraceback(e))
            return .exception(e)
        } catch {
            let e = convert(error)
            writeError(formatTraceback(e))
            return .exception(e)
        }
    }

    func systemExitStatus(_ e: ScriptError) -> Int32 {
        let instance = materialize(e)
        guard let code = instance.args.first else { return 0 }
        switch code {
        case .none: return 0
        case .int(let n): return Int32(truncatingIfNeeded: n)
        default:
            writeError(((try? str(code)) ?? "") + "\n")
            return 1
        }
    }

    // MARK: Tracebacks

    /// The full CPython-style report of an uncaught exception (with chained causes).
    public func formatTraceback(_ error: ScriptError) -> String {
        let instance = materialize(error)
        var entries = error.traceback
        if let loc = error.location, entries.isEmpty {
            entries.append(TraceEntry(file: "<unknown>", function: "<module>", location: loc))
        }
        return formatChain(instance, entries: entries.reversed(), seen: [])
    }

    private func formatChain(_ e: InstanceObject, entries: [TraceEntry], seen: Set<ObjectIdentifier>) -> String {
        var out = ""
        var seen = seen
        seen.insert(ObjectIdentifier(e))
        if let cause = e.cause, !seen.contains(ObjectIdentifier(cause)) {
            out += formatChain(cause, entries: cause.traceback, seen: seen)
            out += "\nThe above exception was the direct cause of the following exception:\n\n"
        } else if !e.suppressContext, let context = e.context, !seen.contains(ObjectIdentifier(context)) {
            out += formatChain(context, entries: context.traceback, seen: seen)
            out += "\nDuring handling of the above exception, another exception occurred:\n\n"
        }
        if !entries.isEmpty {
            out += "Traceback (most recent call last):\n"
            out += formatEntries(entries)
        }
        out += exceptionLine(e) + "\n"
        return out
    }

    /// `ValueError: message`.
    public func exceptionLine(_ e: InstanceObject) -> String {
        let name = e.cls.name
        let message = (try? e.str(in: self)) ?? ""
        return message.isEmpty ? name : "\(name): \(message)"
    }

    func formatEntries(_ entries: [TraceEntry]) -> String {
        var out = ""
        var previous: (String, Int32, String)?
        var repeats = 0
        func flushRepeats() {
            if repeats > 3 {
                let n = repeats - 3
                out += "  [Previous line repeated \(n) more time\(n == 1 ? "" : "s")]\n"
            }
        }
        for entry in entries {
            let key = (entry.file, entry.location.line, entry.function)
            if let p = previous, p == key {
                repeats += 1
                if repeats > 3 { continue }
            } else {
                flushRepeats()
                repeats = 1
                previous = key
            }
            out += "  File \"\(entry.file)\", line \(entry.location.line), in \(entry.function)\n"
            out += sourceExcerpt(entry)
        }
        flushRepeats()
        return out
    }

    /// The stripped source line and, when the failing expression is only part of it, carets.
    func sourceExcerpt(_ entry: TraceEntry) -> String {
        guard let lines = sources[entry.file] else { return "" }
        let index = Int(entry.location.line) - 1
        guard index >= 0 && index < lines.count else { return "" }
        let raw = String(lines[index])
        let scalars = Array(raw.unicodeScalars)
        var start = 0
        while start < scalars.count && (scalars[start] == " " || scalars[start] == "\t") { start += 1 }
        var end = scalars.count
        while end > start && (scalars[end - 1] == " " || scalars[end - 1] == "\t" || scalars[end - 1] == "\r") { end -= 1 }
        guard start < end else { return "" }
        let text = String(String.UnicodeScalarView(scalars[start..<end]))
        var out = "    \(text)\n"
        let a = Int(entry.location.column), b = Int(entry.location.endColumn)
        if a >= start && b <= end && b > a && (a > start || b < end) {
            out += "    " + String(repeating: " ", count: a - start) + String(repeating: "^", count: b - a) + "\n"
        }
        return out
    }
}
