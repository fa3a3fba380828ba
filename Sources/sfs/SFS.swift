// The `sfs` command: run a script file, `-c` code, or start the REPL.
//
// Exit status follows CPython: 0 on success, 1 on an uncaught exception, 2 on a syntax error or
// bad usage (argument errors included, where ArgumentParser's default would be 64).
import ArgumentParser
import REPL
import Script
import ScriptLibrary

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct SFS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfs",
        abstract: "Swiftformers: a notebook-style REPL and .sfs script runner.",
        discussion: """
            With no arguments, sfs starts the interactive REPL (or runs standard input when it is not a terminal).
            Exit status: 0 on success, 1 on an uncaught exception, 2 on a syntax error or bad usage.
            """,
        version: "sfs 0.1.0 (Python 3.11-flavoured .sfs language)")

    @Option(name: .customShort("c"), help: ArgumentHelp("Run the program passed as a string.", valueName: "code"))
    var command: String?

    @Flag(name: .customLong("check"), help: "Only parse the given files; report each as ok or with its syntax error.")
    var checkOnly = false

    @Argument(help: "A .sfs script to run, then arguments passed to it as sys.argv[1:].")
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    static func main() {
        let argv = Array(CommandLine.arguments.dropFirst())
        // Everything after the script name (or after `-c code`) belongs to the script.
        var own: [String] = []
        var passthrough: [String] = []
        var k = 0
        while k < argv.count {
            let a = argv[k]
            if a == "-c" {
                own.append(a)
                if k + 1 < argv.count { own.append(argv[k + 1]) }
                passthrough = Array(argv[min(k + 2, argv.count)...])
                break
            }
            if !a.hasPrefix("-") || a == "-" {
                own.append(a)
                passthrough = Array(argv[(k + 1)...])
                break
            }
            own.append(a)
            k += 1
        }
        // The common invocations skip ArgumentParser: building its parser resolves generic metadata
        // and protocol conformances at run time, a noticeable part of `sfs -c "1"`'s start-up.
        if own.count == 2, own[0] == "-c" {
            Foundation_exit(runSource(own[1], file: "<string>", argv: ["-c"] + passthrough))
        }
        if own.count == 1, !own[0].hasPrefix("-") {
            runScript(own[0], arguments: passthrough)
        }
        do {
            var parsed = try SFS.parse(own)
            parsed.arguments = passthrough
            try parsed.run()
        } catch {
            let code = SFS.exitCode(for: error)
            if code == .success {
                SFS.exit(withError: error)
            }
            let message = SFS.fullMessage(for: error)
            FileHandleWriter.standardError(message + "\n")
            Foundation_exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }

    func run() throws {
        if checkOnly {
            var failures: Int32 = 0
            for path in ([script].compactMap { $0 } + arguments) {
                guard case .success(let source) = ScriptFile.load(path) else {
                    print("error \(path): cannot read")
                    failures += 1
                    continue
                }
                do {
                    _ = try Interpreter().compile(source, file: path)
                    print("ok \(path)")
                } catch let e as SyntaxError {
                    print("error \(path):\(e.location.line): \(e.kind): \(e.message)")
                    failures += 1
                }
            }
            Foundation_exit(failures == 0 ? 0 : 1)
        }
        if let command {
            Foundation_exit(SFS.runSource(command, file: "<string>", argv: ["-c"] + arguments))
        }
        if let script {
            SFS.runScript(script, arguments: arguments)
        }
        if isatty(0) == 0 {
            Foundation_exit(SFS.runSource(readAllStandardInput(), file: "<stdin>", argv: [""]))
        }
        Foundation_exit(InteractiveREPL.run(
            banner: SFS.configuration.version + " — type %help for help, exit() or Ctrl-D to leave",
            configure: { ScriptLibrary.install(in: $0) }))
    }

    /// Runs a script file (`-` reads standard input) and exits with its status.
    static func runScript(_ script: String, arguments: [String]) -> Never {
        if script == "-" {
            Foundation_exit(runSource(readAllStandardInput(), file: "<stdin>", argv: ["-"] + arguments))
        }
        switch ScriptFile.load(script) {
        case .failure(let message):
            FileHandleWriter.standardError("sfs: \(message)\n")
            Foundation_exit(2)
        case .success(let source):
            if source.allSatisfy({ $0.isWhitespace }) {
                FileHandleWriter.standardError("sfs: '\(script)' is empty — nothing to run\n")
                Foundation_exit(0)
            }
            Foundation_exit(runSource(source, file: script, argv: [script] + arguments))
        }
    }

    /// Runs source on a large-stack thread and returns the exit status.
    static func runSource(_ source: String, file: String, argv: [String]) -> Int32 {
        runOnLargeStack {
            let interpreter = Interpreter()
            ScriptLibrary.install(in: interpreter)
            interpreter.argv = argv
            return interpreter.run(source, file: file).exitStatus
        }
    }
}

/// Reading a script file with clear messages for the usual mistakes.
enum ScriptFile {
    enum Outcome {
        case success(String)
        case failure(String)
    }

    static func load(_ path: String) -> Outcome {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure("can't open file '\(path)': [Errno \(errno)] \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure("'\(path)' is a directory, not a script file")
        }
        guard let f = fopen(path, "rb") else {
            return .failure("can't open file '\(path)': [Errno \(errno)] \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            bytes.append(contentsOf: buffer[0..<n])
            if n < buffer.count { break }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var offset = 0
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let s): offset += UTF8.width(s)
                case .emptyInput, .error: break loop
                }
            }
            return .failure("'\(path)' is not UTF-8 text (invalid byte 0x\(String(bytes[min(offset, bytes.count - 1)], radix: 16)) at offset \(offset))")
        }
        return .success(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
    }
}

func readAllStandardInput() -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &buffer, buffer.count)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

enum FileHandleWriter {
    static func standardError(_ s: String) {
        var s = s
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

func Foundation_exit(_ code: Int32) -> Never {
    exit(code)
}
