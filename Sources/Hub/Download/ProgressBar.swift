// ProgressBar — a one-line download bar on stderr, drawn only when stderr is a terminal
// (logs and CI output stay clean, as tqdm's are when disabled).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private let start = Date()
    private let initial: Int
    private let sink: FileHandle

    /// `initial` bytes were already there (a resumed download). Drawn when `enabled` and `sink` is a terminal
    /// (tests pass `requireTerminal: false` to read the output from a pipe).
    init(label: String, total: Int, initial: Int, enabled: Bool, sink: FileHandle = .standardError,
         requireTerminal: Bool = true)
    {
        self.label = label
        self.total = total
        self.initial = initial
        self.sink = sink
        self.enabled = enabled && (!requireTerminal || isatty(sink.fileDescriptor) != 0)
    }

    func update(_ done: Int, force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: " ", count: width - filled)
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done - initial) / elapsed
        let line = "\r\(label): \(Int(fraction * 100))%|\(bar)| \(Self.bytes(done))/\(Self.bytes(total)) "
            + "[\(Self.bytes(Int(rate)))/s]"
        sink.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        update(total, force: true)
        sink.write(Data("\n".utf8))
    }

    /// 1.2k / 34.5M / 1.10G, as tqdm's unit_scale does.
    static func bytes(_ count: Int) -> String {
        let value = Double(count)
        if value < 1000 { return "\(count)B" }
        for (limit, unit) in [(1e6, "k"), (1e9, "M"), (1e12, "G")] where value < limit {
            return String(format: "%.1f", value / (limit / 1000)) + unit
        }
        return String(format: "%.1fT", value / 1e12)
    }
}
