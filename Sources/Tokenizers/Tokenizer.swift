// The tokenizer.json pipeline (reference `tokenizer/mod.rs`): added tokens → normalizer →
// pre-tokenizer → model → truncation → post-processor → padding, and the way back through the decoder.
import Foundation

/// A `tokenizer.json` tokenizer: the equivalent of the Python `tokenizers.Tokenizer`.
public struct Tokenizer: Sendable {
    let normalizer: (any Normalizer)?
    let preTokenizer: (any PreTokenizer)?
    let model: any TokenizerModel
    let postProcessor: (any PostProcessor)?
    let decoder: (any TokenDecoder)?
    var addedVocabulary: AddedVocabulary

    /// Truncation applied by `encode` (the file's `truncation` section, or set by the caller).
    public var truncation: TruncationParameters?
    /// Padding applied by `encode` and `encodeBatch`.
    public var padding: PaddingParameters?

    init(
        normalizer: (any Normalizer)?, preTokenizer: (any PreTokenizer)?, model: any TokenizerModel,
        postProcessor: (any PostProcessor)?, decoder: (any TokenDecoder)?, addedTokens: [AddedToken]
    ) throws(TokenizerError) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.addedVocabulary = try AddedVocabulary(tokens: addedTokens, normalizer: normalizer)
    }

    // MARK: Vocabulary

    public var addedTokens: [AddedToken] { addedVocabulary.tokens }

    /// Vocabulary size, with added tokens when `withAddedTokens` (Python `get_vocab_size`).
    public func vocabularySize(withAddedTokens: Bool = true) -> Int {
        guard withAddedTokens else { return model.vocabSize }
        return model.vocabSize + addedVocabulary.tokens.filter { model.tokenToId($0.content) == nil }.count
    }

    public func tokenToId(_ token: String) -> Int? {
        addedVocabulary.contentToId[TokenKey(token)] ?? model.tokenToId(token)
    }

    public func idToToken(_ id: Int) -> String? {
        addedVocabulary.idToContent[id] ?? model.idToToken(id)
    }

    /// Python `encode_special_tokens`: when true, special tokens in the text are split like plain text.
    public var encodeSpecialTokens: Bool {
        get { addedVocabulary.encodeSpecialTokens }
        set { addedVocabulary.encodeSpecialTokens = newValue }
    }

    // MARK: Encoding

    /// Encodes one sequence, or a pair, the way Python's `Tokenizer.encode` does (character offsets).
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws(TokenizerError)
        -> Encoding
    {
        let first = try encodeSequence(text, typeId: 0)
        let second = try pair.map { (p) throws(TokenizerError) -> Encoding in try encodeSequence(p, typeId: 1) }
        return try postProcess(first, pair: second, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes words that are already split (Python `is_pretokenized=True`): word ids are the word indices.
    public func encode(words: [String], pair: [String]? = nil, addSpecialTokens: Bool = true) throws(TokenizerError)
        -> Encoding
    {
        func encodeWords(_ words: [String], typeId: Int) throws(TokenizerError) -> Encoding {
            var merged = Encoding()
            for (i, w) in words.enumerated() {
                merged.merge(with: try encodeSequence(w, typeId: typeId, wordIndex: i))
            }
            return merged
        }
        let first = try encodeWords(words, typeId: 0)
        let second = try pair.map { (p) throws(TokenizerError) -> Encoding in try encodeWords(p, typeId: 1) }
        return try postProcess(first, pair: second, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes many inputs on all cores, then pads them together when padding is set.
    /// `threads`: how many threads share the batch (default: every active core, as the reference's
    /// rayon pool does; `RAYON_NUM_THREADS=2` there is `threads: 2` here).
    public func encodeBatch(_ texts: [String], pairs: [String]? = nil, addSpecialTokens: Bool = true, threads: Int? = nil)
        throws(TokenizerError) -> [Encoding]
    {
        if let pairs, pairs.count != texts.count {
            throw .invalidArgument("encodeBatch: \(texts.count) texts but \(pairs.count) pairs")
        }
        var copy = self
        copy.padding = nil
        let unpadded = copy
        let results = ResultBox(count: texts.count)
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, max(texts.count, 1)))
        // Workers take small chunks from a shared counter (as rayon's work stealing balances): a worker
        // that gets less CPU, or longer texts, does not hold the whole batch back.
        let chunk = max(1, min(64, texts.count / (workers * 8)))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let range = results.nextChunk(size: chunk) {
                for i in range {
                    do {
                        results.set(i, .success(try unpadded.encode(texts[i], pair: pairs?[i], addSpecialTokens: addSpecialTokens)))
                    } catch let error as TokenizerError {
                        results.set(i, .failure(error))
                    } catch {
                        results.set(i, .failure(.invalidArgument("\(error)")))
                    }
                }
            }
        }
        var encodings: [Encoding] = []
        encodings.reserveCapacity(texts.count)
        for r in results.values {
            switch r {
            case .success(let e): encodings.append(e)
            case .failure(let e): throw e
            case .none: throw .invalidArgument("encodeBatch: a batch item was not encoded")
            }
        }
        if let padding { Truncation.pad(&encodings, padding) }
        return encodings
    }

    /// Added tokens, normalization, pre-tokenization and the model for one sequence (no post-processing).
    func encodeSequence(_ text: String, typeId: Int, wordIndex: Int? = nil) throws(TokenizerError) -> Encoding {
        let scalars = Array(text.unicodeScalars)
        var pre = try addedVocabulary.extractAndNormalize(scalars, normalizer: normalizer)
        if let preTokenizer { try preTokenizer.preTokenize(&pre) }
        var encoding = Encoding()
        var total = 0
        for i in pre.splits.indices where pre.splits[i].tokens == nil {
            pre.splits[i].tokens = try model.tokenize(pre.splits[i].normalized.scalars)
        }
        for split in pre.splits { total += split.tokens?.count ?? 0 }
        encoding.ids.reserveCapacity(total)
        encoding.tokens.reserveCapacity(total)
        encoding.offsets.reserveCapacity(total)
        encoding.wordIds.reserveCapacity(total)
        for (index, split) in pre.splits.enumerated() {
            let normalized = split.normalized
            for token in split.tokens ?? [] {
                encoding.ids.append(token.id)
                encoding.tokens.append(token.value)
                let range = token.offsets.clamped(to: 0..<normalized.count)
                encoding.offsets.append(normalized.originalRange(range))
                encoding.wordIds.append(wordIndex ?? index)
            }
        }
        encoding.typeIds = Array(repeating: typeId, count: encoding.ids.count)
        encoding.specialTokensMask = Array(repeating: 0, count: encoding.ids.count)
        encoding.attentionMask = Array(repeating: 1, count: encoding.ids.count)
        return encoding
    }

    /// Truncation, post-processor, padding (reference `post_process`).
    func postProcess(_ first: Encoding, pair: Encoding?, addSpecialTokens: Bool) throws(TokenizerError) -> Encoding {
        var first = first
        var pair = pair
        if var params = truncation {
            let added = postProcessor?.addedTokens(isPair: pair != nil) ?? 0
            if addSpecialTokens && added > 0 { params.maxLength = max(params.maxLength - added, 0) }
            try Truncation.truncate(&first, &pair, params)
        }
        var result: Encoding
        if let postProcessor {
            result = try postProcessor.process(first, pair: pair, addSpecialTokens: addSpecialTokens)
        } else {
            // Reference `default_process`: a single encoding is left as is; a pair is numbered and merged.
            if var second = pair {
                first.setSequenceId(0)
                second.setSequenceId(1)
                result = Encoding.merged([first, second])
            } else {
                result = first
            }
        }
        if let padding {
            var one = [result]
            Truncation.pad(&one, padding)
            result = one[0]
        }
        return result
    }

    // MARK: Decoding

    /// Ids back to text through the decoder (Python `Tokenizer.decode`).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) throws(TokenizerError) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard let token = idToToken(id) else { continue }
            if skipSpecialTokens && addedVocabulary.isSpecial(token) { continue }
            tokens.append(token)
        }
        if let decoder { return try decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }

    public func decodeBatch(_ batch: [[Int]], skipSpecialTokens: Bool = true) throws(TokenizerError) -> [String] {
        var out: [String] = []
        for ids in batch { out.append(try decode(ids, skipSpecialTokens: skipSpecialTokens)) }
        return out
    }
}

/// Per-item results written by the batch workers (each index claimed and written by exactly one worker).
private final class ResultBox: @unchecked Sendable {
    var values: [Result<Encoding, TokenizerError>?]
    private let lock = NSLock()
    private var next = 0
    init(count: Int) { values = Array(repeating: nil, count: count) }
    /// The next `size` unclaimed indices, nil when all are claimed.
    func nextChunk(size: Int) -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard next < values.count else { return nil }
        let range = next..<min(values.count, next + size)
        next = range.upperBound
        return range
    }
    func set(_ i: Int, _ r: Result<Encoding, TokenizerError>) {
        lock.lock()
        values[i] = r
        lock.unlock()
    }
}
