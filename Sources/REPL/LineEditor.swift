// MARK: - Line editor (GNU readline)
//
// Readline's callback interface rather than `readline()`: the REPL polls the terminal and the
// Ctrl-C self-pipe together, so Ctrl-C at the prompt clears the line at once (as in IPython) and
// never leaves readline mid-call. Readline brings the editing keys, Ctrl-R incremental search and
// bracketed paste; we add persistent history (one entry per cell, multi-line cells intact) and
// completion from ``REPLSession/complete(before:)``.

import CReadline
import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one prompt produced.
enum LineEvent {
    case line(String)
    /// Ctrl-C at the prompt.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

// Readline calls back through C function pointers, which cannot capture: the state they need
// lives here. Only the REPL thread touches it.
nonisolated(unsafe) private var receivedLine: LineEvent?
nonisolated(unsafe) private var completingSession: REPLSession?
nonisolated(unsafe) private var prefillText: [CChar]?

final class LineEditor {
    private let historyPath: String?
    private let historyLimit = 10_000

    /// Sets readline up for `session`. `historyPath` nil keeps history in memory only.
    init(session: REPLSession, historyPath: String?) {
        self.historyPath = historyPath
        completingSession = session
        // Readline's word is the part after the last separator; the session computes its own
        // start and ``completionEntries`` reconciles the two, so `.` and `/` can break words here
        // (the candidate list then shows `pad_token`, not `tok.pad_token`).
        sfs_rl_configure(
            strdup("sfs"), strdup(" \t\n\"'`@$><=;|&{(,)}[]+-*/%~^!:#."), strdup("\"'"),
            { _, start, end in completionEntries(start: Int(start), end: Int(end)) },
            {
                if let text = prefillText {
                    prefillText = nil
                    text.withUnsafeBufferPointer { buffer in
                        if let base = buffer.baseAddress { _ = rl_insert_text(base) }
                    }
                    rl_redisplay()
                }
                return 0
            })
        using_history()
        sfs_history_configure()
        if let historyPath {
            // `append_history` does not create the file.
            let fd = open(historyPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            if fd >= 0 { Glibc.close(fd) }
            _ = read_history(historyPath)
        }
    }

    /// Reads one line with `prompt`; `prefill` is typed in for the user (auto-indent, `%load`).
    func readLine(prompt: String, prefill: String) -> LineEvent {
        Interrupts.drain()
        receivedLine = nil
        prefillText = prefill.isEmpty ? nil : Array(prefill.utf8CString)
        rl_callback_handler_install(prompt) { pointer in
            if let pointer {
                receivedLine = .line(String(cString: pointer))
                free(pointer)
            } else {
                receivedLine = .endOfInput
            }
            // Leave the terminal in its normal mode while the cell runs.
            rl_callback_handler_remove()
        }
        while receivedLine == nil {
            var fds = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: Interrupts.pollDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, fds[1].fd >= 0 ? 2 : 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds.count > 1 && fds[1].revents & Int16(POLLIN) != 0 && Interrupts.drain() {
                // Ctrl-C: drop what was typed (and any Ctrl-R search), start a fresh prompt.
                writeAll("^C", to: 1)
                rl_callback_sigcleanup()
                rl_free_line_state()
                rl_replace_line("", 1)
                sfs_rl_set_point(0)
                rl_callback_handler_remove()
                writeAll("\n", to: 1)
                return .interrupted
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
            }
        }
        return receivedLine ?? .endOfInput
    }

    /// Adds a whole cell to the history (memory and file).
    func remember(_ cell: String) {
        guard !cell.allSatisfy(\.isWhitespace) else { return }
        add_history(cell)
        if let historyPath { _ = append_history(1, historyPath) }
    }

    /// Trims the history file to its limit (on exit).
    func close() {
        if let historyPath { _ = history_truncate_file(historyPath, Int32(historyLimit)) }
        completingSession = nil
    }
}

/// Readline's completion entry point: asks the session, then converts the candidates to the
/// word readline chose (its `start`..`end` byte range in `rl_line_buffer`).
private func completionEntries(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    sfs_rl_completion_flags()
    guard let session = completingSession, let buffer = sfs_rl_line_buffer() else { return nil }
    let point = Int(sfs_rl_point())
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: point)
    let before = String(decoding: bytes, as: UTF8.self)
    let completion = session.complete(before: before)
    let ourStart = String(before.prefix(completion.start)).utf8.count
    var candidates: [String] = []
    if ourStart <= start {
        // Our word began earlier (`tok.pad_` vs readline's `pad_`): drop the part readline keeps.
        let kept = Array(bytes[ourStart..<min(start, point)])
        for candidate in completion.candidates {
            let utf8 = Array(candidate.utf8)
            guard utf8.starts(with: kept) else { continue }
            candidates.append(String(decoding: utf8.dropFirst(kept.count), as: UTF8.self))
        }
    } else {
        // Our word began later: put the bytes in between in front of each candidate.
        let extra = String(decoding: bytes[start..<min(ourStart, point)], as: UTF8.self)
        candidates = completion.candidates.map { extra + $0 }
    }
    guard !candidates.isEmpty else { return nil }
    // Readline frees the array and its strings with free(): allocate them with malloc.
    guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (candidates.count + 2)) else { return nil }
    let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: candidates.count + 2)
    array[0] = strdup(commonPrefix(candidates))
    if candidates.count == 1 {
        array[1] = nil
    } else {
        for (k, candidate) in candidates.enumerated() { array[k + 1] = strdup(candidate) }
        array[candidates.count + 1] = nil
    }
    return array
}

/// The longest common prefix, in whole characters.
func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first.map(Array.init) else { return "" }
    for s in strings.dropFirst() {
        let chars = Array(s)
        var n = 0
        while n < prefix.count && n < chars.count && prefix[n] == chars[n] { n += 1 }
        prefix = Array(prefix.prefix(n))
    }
    return String(prefix)
}
