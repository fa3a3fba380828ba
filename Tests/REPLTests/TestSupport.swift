// Helpers shared by the REPL tests: a session whose output is collected into one transcript.
import REPL
import Script

/// A session plus everything it printed since the last ``take()``.
final class Harness {
    private final class Sink: @unchecked Sendable { var text = "" }
    private let sink = Sink()
    let session: REPLSession

    init() {
        let sink = self.sink
        session = REPLSession(output: REPLOutput { sink.text += $0 })
    }

    /// Feeds lines (on a large stack, as the terminal front end does) and returns the output.
    @discardableResult
    func run(_ lines: String...) -> String {
        let session = self.session
        runOnLargeStack {
            for line in lines { session.feed(line) }
        }
        return take()
    }

    /// The output collected so far, then forgotten.
    func take() -> String {
        defer { sink.text = "" }
        return sink.text
    }
}
