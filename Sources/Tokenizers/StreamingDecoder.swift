// Incremental decoding for streamed generation (reference `DecodeStream` in tokenizer/mod.rs):
// decode a short window of recent ids, emit only what extends the previous window's text, and hold
// back while the text ends in U+FFFD (an incomplete UTF-8 sequence split across byte tokens).
// Decoding the window with its left context keeps decoders that strip a leading space (Metaspace,
// WordPiece) from inventing or dropping spaces at chunk boundaries.

public struct StreamingDecoder: Sendable {
    public let skipSpecialTokens: Bool
    private var ids: [Int] = []
    private var prefix: String = ""
    private var prefixIndex = 0

    public init(skipSpecialTokens: Bool = true) {
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Feeds one id; returns the new text it completes, or nil when nothing printable is ready yet.
    public mutating func step(_ id: Int, tokenizer: Tokenizer) throws(TokenizerError) -> String? {
        ids.append(id)
        let text = try tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        let textBytes = Array(text.utf8)
        let prefixBytes = Array(prefix.utf8)
        guard textBytes.count > prefixBytes.count, text.unicodeScalars.last != "\u{FFFD}" else {
            return nil
        }
        guard textBytes.starts(with: prefixBytes) else {
            throw .invalidArgument("streaming decode: the decoded text no longer starts with the previous text")
        }
        let newText = String(decoding: textBytes[prefixBytes.count...], as: UTF8.self)
        let newPrefixIndex = ids.count - prefixIndex
        ids = Array(ids[prefixIndex...])
        prefix = try tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        prefixIndex = newPrefixIndex
        return newText
    }
}
