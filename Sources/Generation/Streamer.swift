import Foundation

// Streamers, following transformers/generation/streamers.py: `generate` hands each step's new tokens to a streamer
// as they are chosen, so text appears live (`TextStreamer`) or can be consumed elsewhere (`TokenIteratorStreamer`).

public protocol TokenStreamer: AnyObject, Sendable {
    /// Called once with the prompt (batch 1), then with each step's new token.
    func put(_ tokens: [Int])
    /// Called when generation ends.
    func end()
}

/// Turns ids into text; the tokenizer's decode.
public protocol TokenTextDecoder: Sendable {
    func decode(_ ids: [Int]) -> String
}

/// `TextStreamer`: decodes the tokens so far and emits the printable new part as it becomes stable. Text that ends in
/// an incomplete UTF-8 sequence (U+FFFD from a partial byte-level token) is held back until the bytes complete, so
/// multi-byte characters are never split; a word is held until the next space, as the reference does.
public final class TextStreamer: TokenStreamer, @unchecked Sendable {
    let decoder: TokenTextDecoder
    let skipPrompt: Bool
    let emit: (String, Bool) -> Void
    private var tokens: [Int] = []
    private var printedLength = 0
    private var sawPrompt = false
    private let lock = NSLock()

    /// `emit(text, streamEnd)` receives each finalized piece (default: print without newline, flush).
    public init(decoder: TokenTextDecoder, skipPrompt: Bool = false,
                emit: @escaping (String, Bool) -> Void = { text, end in FileHandle.standardOutput.write(Data((text + (end ? "\n" : "")).utf8)) }) {
        self.decoder = decoder
        self.skipPrompt = skipPrompt
        self.emit = emit
    }

    public func put(_ new: [Int]) {
        lock.lock()
        defer { lock.unlock() }
        if skipPrompt && !sawPrompt {
            sawPrompt = true
            return
        }
        sawPrompt = true
        tokens += new
        let text = decoder.decode(tokens)
        let characters = Array(text)
        var printable: String
        if text.hasSuffix("\n") {
            printable = String(characters[Swift.min(printedLength, characters.count)...])
            tokens = []
            printedLength = 0
        } else if text.last == "\u{FFFD}" {
            return
        } else if let lastSpace = characters.lastIndex(of: " "), lastSpace + 1 > printedLength {
            printable = String(characters[printedLength..<(lastSpace + 1)])
            printedLength = lastSpace + 1
        } else {
            printable = ""
        }
        if !printable.isEmpty { emit(printable, false) }
    }

    public func end() {
        lock.lock()
        defer { lock.unlock() }
        let characters = Array(decoder.decode(tokens))
        let rest = printedLength < characters.count ? String(characters[printedLength...]) : ""
        tokens = []
        printedLength = 0
        emit(rest, true)
    }
}

/// `TextIteratorStreamer`-like: collects the new tokens of a generation running elsewhere; iterate with `next()`,
/// which blocks until a token arrives and returns nil once generation has ended.
public final class TokenIteratorStreamer: TokenStreamer, @unchecked Sendable {
    private var queue: [[Int]] = []
    private var finished = false
    private var skippedPrompt = false
    private let skipPrompt: Bool
    private let condition = NSCondition()

    public init(skipPrompt: Bool = true) { self.skipPrompt = skipPrompt }

    public func put(_ tokens: [Int]) {
        condition.lock()
        defer { condition.unlock() }
        if skipPrompt && !skippedPrompt {
            skippedPrompt = true
            return
        }
        queue.append(tokens)
        condition.signal()
    }

    public func end() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    public func next() -> [Int]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        return queue.isEmpty ? nil : queue.removeFirst()
    }
}
