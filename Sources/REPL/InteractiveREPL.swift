// MARK: - The interactive REPL
//
// The terminal front end: prompts through ``LineEditor``, cells through ``REPLSession``. Runs on
// a large-stack thread (the interpreter recurses on the native stack) and returns the exit status.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum InteractiveREPL {
    /// The history file: `$SFS_HISTORY` (empty: no file), else `~/.sfs_history`.
    public static var historyPath: String? {
        if let custom = getenv("SFS_HISTORY") {
            let path = String(cString: custom)
            return path.isEmpty ? nil : path
        }
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.sfs_history"
    }

    /// Runs the REPL until `exit()`, `%quit` or Ctrl-D. `configure` registers library modules on
    /// each new interpreter; `banner` is printed first.
    public static func run(banner: String, configure: @escaping (Interpreter) -> Void = { _ in }) -> Int32 {
        runOnLargeStack {
            let session = REPLSession(output: .terminal, configure: configure)
            session.usesColor = isatty(1) != 0 && getenv("NO_COLOR") == nil
                && (getenv("TERM").map { String(cString: $0) != "dumb" } ?? false)
            session.graphics = isatty(1) != 0 ? TerminalGraphics.detect(environment: TerminalGraphics.processEnvironment) : .none
            Interrupts.install()
            let editor = LineEditor(session: session, historyPath: historyPath)
            writeAll(banner + "\n\n", to: 1)
            var cellLines: [String] = []
            while !session.isFinished {
                let prefill: String
                if let loaded = session.preloadedInput {
                    prefill = loaded
                    session.preloadedInput = nil
                } else {
                    prefill = session.isContinuing && session.autoIndent ? session.suggestedIndent : ""
                }
                switch editor.readLine(prompt: session.prompt, prefill: prefill) {
                case .endOfInput:
                    writeAll("\n", to: 1)
                    session.finish()
                case .interrupted:
                    session.discardPendingInput()
                    cellLines = []
                case .line(let text):
                    cellLines.append(text)
                    Interrupts.target(session.interpreter.interruptFlag)
                    session.interpreter.interruptFlag.clear()
                    let result = session.feed(text)
                    if result != .needsMore {
                        // The blank line that closed a block is not part of the cell.
                        while let last = cellLines.last, cellLines.count > 1, last.allSatisfy(\.isWhitespace) {
                            cellLines.removeLast()
                        }
                        editor.remember(cellLines.joined(separator: "\n"))
                        cellLines = []
                    }
                    if result == .executed && !session.isFinished { writeAll("\n", to: 1) }
                }
            }
            editor.close()
            return session.exitStatus
        }
    }
}
