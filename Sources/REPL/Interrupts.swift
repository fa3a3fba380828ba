// MARK: - Ctrl-C
//
// SIGINT does two things, both async-signal-safe: it sets the running interpreter's interrupt flag
// (the interpreter checks it in loops and calls and raises KeyboardInterrupt), and it writes a byte
// to a self-pipe that the line editor polls beside the terminal, so Ctrl-C at the prompt is seen at
// once whichever thread the kernel delivered the signal to.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// State the signal handler reads. Written only from the REPL thread between cells; the handler
/// only reads it (no retain: the flag is owned by the live interpreter).
nonisolated(unsafe) private var interruptTarget: Unmanaged<InterruptFlag>?
/// Keeps the target alive even after `%reset` drops its interpreter.
nonisolated(unsafe) private var retainedTarget: InterruptFlag?
nonisolated(unsafe) private var interruptPipeWrite: Int32 = -1
nonisolated(unsafe) private var interruptPipeRead: Int32 = -1

enum Interrupts {
    /// Installs the SIGINT handler and creates the self-pipe. Returns false when the pipe cannot be made.
    @discardableResult
    static func install() -> Bool {
        if interruptPipeRead >= 0 { return true }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return false }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        interruptPipeRead = fds[0]
        interruptPipeWrite = fds[1]
        signal(SIGINT) { _ in
            interruptTarget?._withUnsafeGuaranteedRef { $0.set() }
            var byte: UInt8 = 1
            _ = write(interruptPipeWrite, &byte, 1)
        }
        return true
    }

    /// The interpreter whose loops Ctrl-C interrupts (call before each cell: `%reset` replaces it).
    static func target(_ flag: InterruptFlag) {
        let previous = retainedTarget
        retainedTarget = flag
        interruptTarget = Unmanaged.passUnretained(flag)
        withExtendedLifetime(previous) {}
    }

    /// The descriptor that becomes readable on Ctrl-C.
    static var pollDescriptor: Int32 { interruptPipeRead }

    /// Forgets Ctrl-C presses seen so far; returns whether there were any.
    @discardableResult
    static func drain() -> Bool {
        guard interruptPipeRead >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        var any = false
        while read(interruptPipeRead, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}
