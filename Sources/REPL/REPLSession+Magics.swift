// MARK: - Magics
//
// IPython's line magics that a notebook-style session needs: timing, namespace listing, history,
// loading and running files, the working directory and the environment. A magic is a line that
// starts with `%`; it may return a value, which is echoed as `Out[n]` like an expression.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension REPLSession {
    /// One magic: its name, a one-line description (for `%help`), and what it does.
    struct Magic {
        let name: String
        let usage: String
        let summary: String
        let run: (REPLSession, String, Int) -> Value?
    }

    /// The magic table (flat, one line per magic).
    nonisolated(unsafe) static let magics: [Magic] = [
        Magic(name: "time", usage: "%time statement", summary: "run once; print CPU and wall time") { s, a, n in s.magicTime(a, number: n) },
        Magic(name: "timeit", usage: "%timeit [-n N] [-r R] statement", summary: "time many runs; mean ± std. dev.") { s, a, _ in s.magicTimeit(a); return nil },
        Magic(name: "who", usage: "%who", summary: "list your variables") { s, _, _ in s.magicWho(); return nil },
        Magic(name: "whos", usage: "%whos", summary: "table of your variables with type and value") { s, _, _ in s.magicWhos(); return nil },
        Magic(name: "history", usage: "%history [-n] [N | A-B]", summary: "the inputs of this session") { s, a, _ in s.magicHistory(a); return nil },
        Magic(name: "load", usage: "%load file", summary: "put a file's code in the next input") { s, a, _ in s.magicLoad(a); return nil },
        Magic(name: "run", usage: "%run file [args…]", summary: "run a .sfs file in this namespace") { s, a, _ in s.magicRun(a); return nil },
        Magic(name: "reset", usage: "%reset [-f]", summary: "delete every variable (no confirmation)") { s, _, _ in s.resetNamespace(); return nil },
        Magic(name: "pwd", usage: "%pwd", summary: "the current directory") { _, _, _ in .str(currentDirectory()) },
        Magic(name: "cd", usage: "%cd [dir | -]", summary: "change directory (home without argument)") { s, a, _ in s.magicCd(a); return nil },
        Magic(name: "env", usage: "%env [NAME[=value]]", summary: "show or set environment variables") { s, a, _ in s.magicEnv(a) },
        Magic(name: "autoindent", usage: "%autoindent", summary: "toggle automatic indentation of continuation lines") { s, _, _ in
            s.autoIndent.toggle()
            s.output.standardOutput("Automatic indentation is: \(s.autoIndent ? "ON" : "OFF")\n")
            return nil
        },
        Magic(name: "show", usage: "%show [expression]", summary: "save an image (default: _) as a PNG, draw it when the terminal can") { s, a, n in
            s.magicShow(a, number: n)
            return nil
        },
        Magic(name: "help", usage: "%help [object]", summary: "this list, or help on an object (also obj?)") { s, a, _ in s.magicHelp(a); return nil },
        Magic(name: "quit", usage: "%quit", summary: "leave (also %exit, exit(), Ctrl-D)") { s, _, _ in s.finish(); return nil },
        Magic(name: "exit", usage: "%exit", summary: "leave") { s, _, _ in s.finish(); return nil },
    ]

    /// The names of all magics (for completion).
    public static var magicNames: [String] { magics.map(\.name) }

    /// Runs `name args` (the text after `%`).
    func runMagic(_ text: String, number: Int) -> Value? {
        let name = String(text.prefix { !$0.isWhitespace })
        let arguments = String(text.dropFirst(name.count)).trimmingWhitespace()
        guard let magic = Self.magics.first(where: { $0.name == name }) else {
            output.standardError("UsageError: Line magic function `%\(name)` not found. Type %help for the list.\n")
            return nil
        }
        return magic.run(self, arguments, number)
    }

    // MARK: %time / %timeit

    private func magicTime(_ statement: String, number: Int) -> Value? {
        guard !statement.isEmpty else {
            output.standardError("UsageError: %time needs a statement, e.g. %time sum(range(10**6))\n")
            return nil
        }
        let program: Program
        do {
            program = try interpreter.compile(statement, file: "<timed exec>", echo: true)
        } catch {
            report(error, source: statement)
            return nil
        }
        let cpu0 = Clock.cpuTimes()
        let wall0 = Clock.now()
        var value: Value?
        var failure: (any Error)?
        do {
            value = try interpreter.execute(program)
        } catch {
            failure = error
        }
        let wall = Clock.now() - wall0
        let cpu1 = Clock.cpuTimes()
        let user = cpu1.user - cpu0.user, system = cpu1.system - cpu0.system
        output.standardOutput(
            "CPU times: user \(TimeFormat.format(user)), sys: \(TimeFormat.format(system)), total: \(TimeFormat.format(user + system))\n"
                + "Wall time: \(TimeFormat.format(wall))\n")
        if let failure {
            report(failure, source: statement)
            return nil
        }
        return value
    }

    /// `%timeit`: IPython's algorithm. The statement runs inside a function's loop (so per-run
    /// overhead is one loop iteration, and assignments are local to the timing as in IPython);
    /// the loop count grows 1, 10, 100… until one batch takes 0.2 s, then 7 batches are timed.
    private func magicTimeit(_ text: String) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var loops: Int?
        var repeats = 7
        while let flag = words.first, flag == "-n" || flag == "-r" {
            guard words.count >= 2, let value = Int(words[1]), value > 0 else {
                output.standardError("UsageError: \(flag) needs a positive integer, e.g. %timeit \(flag) 10 statement\n")
                return
            }
            if flag == "-n" { loops = value } else { repeats = value }
            words.removeFirst(2)
        }
        let statement = words.joined(separator: " ")
        guard !statement.isEmpty else {
            output.standardError("UsageError: %timeit needs a statement, e.g. %timeit sorted(range(1000))\n")
            return
        }
        let functionName = "__sfs_timeit"
        let source = "def \(functionName)(__sfs_loops):\n    for __sfs_k in range(__sfs_loops):\n        \(statement)\n"
        defer { interpreter.setGlobal(functionName, .unbound) }
        do {
            // The statement alone first: syntax errors point at what the user typed, and
            // tracebacks show it as the source line of `<magic-timeit>`.
            _ = try interpreter.compile(statement, file: Self.timeitFile)
            try interpreter.execute(try interpreter.compile(source, file: Self.timeitWrapperFile))
        } catch {
            report(error, source: statement)
            return
        }
        guard let function = interpreter.global(functionName) else { return }
        func timeBatch(_ count: Int) throws -> Double {
            let start = Clock.now()
            _ = try interpreter.call(function, .int(count))
            return Clock.now() - start
        }
        do {
            var number = loops ?? 1
            if loops == nil {
                for exponent in 0..<10 {
                    number = Int(pow(10.0, Double(exponent)))
                    if try timeBatch(number) >= 0.2 { break }
                }
            }
            var perLoop: [Double] = []
            for _ in 0..<repeats { perLoop.append(try timeBatch(number) / Double(number)) }
            output.standardOutput(TimeitResult(perLoop: perLoop, loops: number).summary + "\n")
        } catch {
            interpreter.flush()
            report(hidingTimeitWrapper(error), source: statement)
        }
    }

    static let timeitFile = "<magic-timeit>"
    static let timeitWrapperFile = "<sfs-timeit-loop>"

    /// Rewrites traceback frames of the generated timing loop as the user's statement.
    private func hidingTimeitWrapper(_ error: any Error) -> any Error {
        guard var e = error as? ScriptError else { return error }
        var entries: [TraceEntry] = []
        for entry in e.traceback {
            guard entry.file == Self.timeitWrapperFile else {
                entries.append(entry)
                continue
            }
            var mapped = entry
            mapped.file = Self.timeitFile
            mapped.function = "<module>"
            // Line 3 is the statement, indented by 8 in the wrapper; line 2 is the loop itself.
            let onStatement = entry.location.line == 3
            mapped.location = SourceLocation(
                line: 1, column: onStatement ? max(0, Int(entry.location.column) - 8) : 0,
                endColumn: onStatement ? max(0, Int(entry.location.endColumn) - 8) : 0)
            if let last = entries.last, last.file == mapped.file, last.function == mapped.function { continue }
            entries.append(mapped)
        }
        e.traceback = entries
        return e
    }

    // MARK: Namespace

    private func magicWho() {
        let names = userVariableNames
        output.standardOutput(names.isEmpty ? "Interactive namespace is empty.\n" : names.joined(separator: "\t") + "\n")
    }

    /// IPython's `%whos` table: name, type, and the value (or `n=len` for containers).
    private func magicWhos() {
        let names = userVariableNames
        guard !names.isEmpty else {
            output.standardOutput("Interactive namespace is empty.\n")
            return
        }
        var rows: [(String, String, String)] = []
        for name in names {
            guard let value = interpreter.global(name) else { continue }
            let type = typeLabel(value)
            var data: String
            switch value {
            case .list, .tuple, .dict:
                data = "n=\((try? interpreter.length(value)) ?? 0)"
            default:
                data = (try? interpreter.str(value)) ?? "?"
                data = data.replacingNewlines()
                if data.count > 50 { data = String(data.prefix(25)) + "<...>" + String(data.suffix(25)) }
            }
            rows.append((name, type, data))
        }
        let nameWidth = max(rows.map(\.0.count).max() ?? 0, "Variable".count) + 3
        let typeWidth = max(rows.map(\.1.count).max() ?? 0, "Type".count) + 3
        var text = "Variable".padded(to: nameWidth) + "Type".padded(to: typeWidth) + " Data/Info\n"
        text += String(repeating: "-", count: nameWidth + typeWidth + "Data/Info".count + 1) + "\n"
        for (name, type, data) in rows { text += name.padded(to: nameWidth) + type.padded(to: typeWidth) + " " + data + "\n" }
        output.standardOutput(text)
    }

    func typeLabel(_ value: Value) -> String {
        if case .object(let o) = value, o is ModuleObject { return "module" }
        if case .object(let o) = value, o is ClassObject { return "type" }
        return value.typeName
    }

    // MARK: %history

    /// `%history` lists this session's inputs; `-n` numbers them; `N` or `A-B` selects cells.
    private func magicHistory(_ text: String) {
        var numbered = false
        var range = 1..<inputs.count
        for word in text.split(separator: " ") {
            if word == "-n" {
                numbered = true
            } else if let n = Int(word), n >= 1, n < inputs.count {
                range = n..<(n + 1)
            } else if let dash = word.firstIndex(of: "-"), let a = Int(word[..<dash]), let b = Int(word[word.index(after: dash)...]),
                a >= 1, a <= b
            {
                range = a..<min(b + 1, inputs.count)
            } else {
                output.standardError("UsageError: %history takes -n and a cell number or range like 2-5, not '\(word)'\n")
                return
            }
        }
        var out = ""
        for k in range {
            let lines = inputs[k].split(separator: "\n", omittingEmptySubsequences: false)
            for (j, line) in lines.enumerated() {
                if numbered { out += j == 0 ? cFormat("%4d: ", Int32(k)) : "      " }
                out += line + "\n"
            }
        }
        output.standardOutput(out)
    }

    // MARK: Files

    private func magicLoad(_ path: String) {
        guard !path.isEmpty else {
            output.standardError("UsageError: %load needs a file name\n")
            return
        }
        switch readTextFile(expandingTilde(path)) {
        case .failure(let message): output.standardError("UsageError: %load: \(message)\n")
        case .success(let text):
            var code = text
            while code.hasSuffix("\n") { code.removeLast() }
            preloadedInput = "# %load \(path)\n" + code
        }
    }

    private func magicRun(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        guard let path = words.first else {
            output.standardError("UsageError: %run needs a file name\n")
            return
        }
        switch readTextFile(expandingTilde(path)) {
        case .failure(let message): output.standardError("UsageError: %run: \(message)\n")
        case .success(let source):
            let savedArgv = interpreter.argv
            interpreter.argv = words
            defer { interpreter.argv = savedArgv }
            _ = evaluate(source, file: path, echo: false)
        }
    }

    // MARK: Directory and environment

    private func magicCd(_ argument: String) {
        var target = argument.isEmpty ? (getenv("HOME").map { String(cString: $0) } ?? "/") : argument
        if target == "-" {
            guard let previous = previousDirectory else {
                output.standardError("UsageError: %cd -: no previous directory\n")
                return
            }
            target = previous
        }
        target = expandingTilde(target)
        let before = currentDirectory()
        guard chdir(target) == 0 else {
            output.standardError("[Errno \(errno)] \(String(cString: strerror(errno))): '\(target)'\n")
            return
        }
        previousDirectory = before
        output.standardOutput(currentDirectory() + "\n")
    }

    private func magicEnv(_ argument: String) -> Value? {
        if argument.isEmpty {
            let pairs = environmentPairs()
            output.standardOutput(pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "\n") + "\n")
            return nil
        }
        let separator = argument.firstIndex(of: "=") ?? argument.firstIndex(of: " ")
        guard let separator else {
            guard let value = getenv(argument) else {
                output.standardError("UsageError: Environment does not have key: \(argument)\n")
                return nil
            }
            return .str(String(cString: value))
        }
        let name = String(argument[..<separator]).trimmingWhitespace()
        let value = String(argument[argument.index(after: separator)...]).trimmingWhitespace()
        setenv(name, value, 1)
        output.standardOutput("env: \(name)=\(value)\n")
        return nil
    }

    // MARK: !command

    /// `!ls -l`: runs a shell command and shows its output (standard error included).
    func runShell(_ command: String) {
        guard !command.trimmingWhitespace().isEmpty else { return }
        interpreter.flush()
        guard let pipe = popen(command + " 2>&1", "r") else {
            output.standardError("!: cannot run '\(command)': \(String(cString: strerror(errno)))\n")
            return
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n == 0 { break }
            output.standardOutput(String(decoding: buffer[0..<n], as: UTF8.self))
        }
        pclose(pipe)
    }

    // MARK: %help

    private func magicHelp(_ argument: String) {
        if !argument.isEmpty {
            showHelp(for: argument)
            return
        }
        var text = "Magics (a line starting with %):\n"
        let width = Self.magics.map(\.usage.count).max() ?? 0
        for magic in Self.magics where magic.name != "exit" {
            text += "  " + magic.usage.padded(to: width + 2) + magic.summary + "\n"
        }
        text += """
            Also: !command runs a shell command; obj? shows the signature and doc of obj; Tab completes names, attributes after a dot,
            keyword arguments inside a call and file paths inside a string; Ctrl-R searches history;
            Ctrl-C interrupts a running cell; Ctrl-D or exit() leaves. _ __ ___ are the last results,
            Out[n] and In[n] every result and input.

            """
        output.standardOutput(text)
    }
}

// MARK: - %timeit result

/// The seven per-loop timings of a `%timeit` and their IPython summary line.
struct TimeitResult {
    let perLoop: [Double]
    let loops: Int

    var mean: Double { perLoop.reduce(0, +) / Double(perLoop.count) }
    /// Population standard deviation, as IPython's `TimeitResult` computes it.
    var standardDeviation: Double {
        let m = mean
        return (perLoop.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(perLoop.count)).squareRoot()
    }

    /// `1.23 ms ± 4.56 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)`, plus
    /// IPython's warning when the slowest run was much slower than the fastest.
    var summary: String {
        let runs = perLoop.count
        var text = "\(TimeFormat.format(mean)) ± \(TimeFormat.format(standardDeviation)) per loop (mean ± std. dev. of "
            + "\(runs) run\(runs == 1 ? "" : "s"), \(TimeFormat.grouped(loops)) loop\(loops == 1 ? "" : "s") each)"
        if let best = perLoop.min(), let worst = perLoop.max(), best > 0, worst / best > 4, worst > 1e-6 {
            text = "The slowest run took \(cFormat("%0.2f", worst / best)) times longer than the fastest. "
                + "This could mean that an intermediate result is being cached.\n" + text
        }
        return text
    }
}

// MARK: - File system helpers

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func expandingTilde(_ path: String) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
    return String(cString: home) + path.dropFirst()
}

enum FileReadOutcome {
    case success(String)
    case failure(String)
}

/// Reads a UTF-8 text file, with a message naming the problem otherwise.
func readTextFile(_ path: String) -> FileReadOutcome {
    var info = stat()
    guard stat(path, &info) == 0 else { return .failure("\(path): \(String(cString: strerror(errno)))") }
    if (info.st_mode & S_IFMT) == S_IFDIR { return .failure("\(path) is a directory") }
    guard let file = fopen(path, "rb") else { return .failure("\(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        bytes.append(contentsOf: buffer[0..<n])
        if n < buffer.count { break }
    }
    guard let text = String(validating: bytes, as: UTF8.self) else { return .failure("\(path) is not UTF-8 text") }
    return .success(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
}

func environmentPairs() -> [(String, String)] {
    var pairs: [(String, String)] = []
    var p = environ
    while let entry = p.pointee {
        let text = String(cString: entry)
        if let eq = text.firstIndex(of: "=") {
            pairs.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
        }
        p += 1
    }
    return pairs.sorted { $0.0 < $1.0 }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
