// The REPL in a real terminal: the built `sfs` binary driven through tmux (keys in, screen out).
// Skipped, with the reason, where tmux or the binary is missing (Scripts/bootstrap installs tmux).
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A tmux server of our own (private socket) running `sfs` in an 100×50 window.
private final class TerminalDriver {
    let socket = "sfs-repl-test-\(getpid())"
    let directory: String

    init(binary: String) {
        directory = "/tmp/sfs-tmux-\(getpid())"
        mkdir(directory, 0o755)
        let command = "cd \(directory) && env SFS_HISTORY=\(directory)/history NO_COLOR=1 \(binary)"
        _ = shell("tmux -L \(socket) -f /dev/null new-session -d -s repl -x 100 -y 50 \(quote(command))")
    }

    deinit {
        _ = shell("tmux -L \(socket) kill-server 2>/dev/null")
        _ = shell("rm -rf \(quote(directory))")
    }

    /// Types text literally, then optional named keys (`Enter`, `Tab`, `Up`, `C-c`, `C-d`).
    func type(_ text: String, _ keys: String...) {
        if !text.isEmpty { _ = shell("tmux -L \(socket) send-keys -t repl -l \(quote(text))") }
        for key in keys { _ = shell("tmux -L \(socket) send-keys -t repl \(key)") }
    }

    var screen: String { shell("tmux -L \(socket) capture-pane -p -t repl -S -200") }

    /// Waits until the screen contains `text` `count` times (polling); returns whether it did.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, seconds: Double = 5) -> Bool {
        var waited = 0.0
        while waited < seconds {
            if screen.components(text) >= count { return true }
            usleep(50_000)
            waited += 0.05
        }
        return false
    }

    var isRunning: Bool { shell("tmux -L \(socket) has-session -t repl 2>/dev/null && echo yes").hasPrefix("yes") }
}

private func quote(_ s: String) -> String { "'" + s.replacing("'", with: "'\\''") + "'" }

/// Runs a shell command and returns its standard output.
private func shell(_ command: String) -> String {
    guard let pipe = popen(command, "r") else { return "" }
    var output = ""
    var buffer = [CChar](repeating: 0, count: 4096)
    while fgets(&buffer, Int32(buffer.count), pipe) != nil {
        output += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    pclose(pipe)
    return output
}

private extension String {
    func components(_ needle: String) -> Int { ranges(of: needle).count }
}

/// The `sfs` built next to this test binary.
private let sfsBinary: String? = {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    var path = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // .build/<triple>/debug/SwiftformersPackageTests.xctest → .build/<triple>/debug/sfs
    while let slash = path.lastIndex(of: "/") {
        path = String(path[..<slash])
        if access(path + "/sfs", X_OK) == 0 { return path + "/sfs" }
        if path.hasSuffix("/.build") || path.isEmpty { break }
    }
    return nil
}()

private let tmuxAvailable = shell("command -v tmux").contains("tmux")

@Suite(.serialized) struct TerminalTests {
    @Test(
        "sfs REPL in tmux: block, completion, history, %timeit, Ctrl-C, paths",
        .enabled(if: tmuxAvailable, "tmux is not installed (apt-get install tmux, or Scripts/bootstrap)"),
        .enabled(if: sfsBinary != nil, "the sfs binary is not built next to the tests (swift build --product sfs)"))
    func interactiveSession() throws {
        let term = TerminalDriver(binary: try #require(sfsBinary))
        #expect(term.waitFor("In [1]:"), "no prompt; screen:\n\(term.screen)")

        // A multi-line block: auto-indent fills the body's indentation, a blank line closes it.
        term.type("class Tok:", "Enter")
        term.type("def __init__(self):", "Enter")
        term.type("self.pad_token = '[PAD]'", "Enter")
        term.type("self.pad_token_id = 0", "Enter")
        term.type("", "Enter")
        #expect(term.waitFor("In [2]:"), "block did not run; screen:\n\(term.screen)")
        #expect(term.screen.contains("   ...:         self.pad_token_id = 0"))
        term.type("tok = Tok()", "Enter")
        #expect(term.waitFor("In [3]:"))

        // Completion of an attribute prefix on the live object: common prefix, then the list.
        term.type("tok.pad_t", "Tab")
        #expect(term.waitFor("In [3]: tok.pad_token"), "screen:\n\(term.screen)")
        term.type("", "Tab", "Tab")
        #expect(term.waitFor("pad_token_id"), "screen:\n\(term.screen)")
        term.type("_id", "Enter")
        #expect(term.waitFor("Out[3]: 0"), "screen:\n\(term.screen)")

        // History recall with Up.
        term.type("tok.pad_token", "Enter")
        #expect(term.waitFor("Out[4]: '[PAD]'"))
        term.type("", "Up", "Enter")
        #expect(term.waitFor("Out[5]: '[PAD]'"), "Up did not recall; screen:\n\(term.screen)")

        // %timeit.
        term.type("%timeit -n 100 sum(range(10))", "Enter")
        #expect(term.waitFor("per loop (mean ± std. dev. of 7 runs, 100 loops each)", seconds: 8), "screen:\n\(term.screen)")

        // Ctrl-C during a long loop returns to the prompt with state intact.
        term.type("n = 5", "Enter")
        #expect(term.waitFor("In [8]:"))
        term.type("while True: pass", "Enter")
        usleep(300_000)
        term.type("", "C-c")
        #expect(term.waitFor("KeyboardInterrupt"), "screen:\n\(term.screen)")
        #expect(term.waitFor("In [9]:"))
        term.type("(n, tok.pad_token)", "Enter")
        #expect(term.waitFor("Out[9]: (5, '[PAD]')"), "state lost; screen:\n\(term.screen)")

        // Ctrl-C at the prompt clears the line; Ctrl-D leaves and the history file has the cells.
        term.type("garbage that is never run", "C-c")
        term.type("6 * 7", "Enter")
        #expect(term.waitFor("Out[10]: 42"), "screen:\n\(term.screen)")
        // A file path inside a string literal (the history file sits in the working directory).
        term.type("path = 'hist", "Tab")
        #expect(term.waitFor("In [11]: path = 'history'"), "screen:\n\(term.screen)")
        term.type("", "Enter")
        term.type("path", "Enter")
        #expect(term.waitFor("Out[12]: 'history'"), "screen:\n\(term.screen)")
        term.type("", "C-d")
        var waited = 0
        while term.isRunning && waited < 40 {
            usleep(50_000)
            waited += 1
        }
        #expect(!term.isRunning, "Ctrl-D did not exit")
        let history = shell("cat \(term.directory)/history")
        #expect(history.contains("class Tok:\n    def __init__(self):"), "history file:\n\(history)")
        #expect(history.contains("self.pad_token_id = 0\n#"), "the closing blank line is not history:\n\(history)")
        #expect(history.contains("%timeit -n 100 sum(range(10))"))
        #expect(!history.contains("garbage"))
    }
}
