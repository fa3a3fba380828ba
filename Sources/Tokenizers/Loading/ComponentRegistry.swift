// The flat tables from a tokenizer.json `"type"` (and `model.type`) to the component it builds.
// Adding a component is one line here plus its file. Unknown types are errors that name the type.
import JSON
import Foundation

typealias NormalizerBuilder = @Sendable (JSONValue) throws(TokenizerError) -> any Normalizer
typealias PreTokenizerBuilder = @Sendable (JSONValue) throws(TokenizerError) -> any PreTokenizer
typealias ModelBuilder = @Sendable (JSONValue) throws(TokenizerError) -> any TokenizerModel
typealias PostProcessorBuilder = @Sendable (JSONValue) throws(TokenizerError) -> any PostProcessor
typealias DecoderBuilder = @Sendable (JSONValue) throws(TokenizerError) -> any TokenDecoder

enum ComponentRegistry {
    // MARK: Normalizers

    static let normalizers: [String: NormalizerBuilder] = [
        "BertNormalizer": { j throws(TokenizerError) in
            let c = "BertNormalizer"
            let strip: Bool? = j["strip_accents"].flatMap { $0.isNull ? nil : $0.boolValue }
            return BertNormalizer(
                cleanText: try j.bool("clean_text", default: true, in: c),
                handleChineseChars: try j.bool("handle_chinese_chars", default: true, in: c),
                stripAccents: strip, lowercase: try j.bool("lowercase", default: true, in: c))
        },
        "Lowercase": { _ throws(TokenizerError) in LowercaseNormalizer() },
        "NFC": { _ throws(TokenizerError) in UnicodeNormalizer(form: .nfc) },
        "NFD": { _ throws(TokenizerError) in UnicodeNormalizer(form: .nfd) },
        "NFKC": { _ throws(TokenizerError) in UnicodeNormalizer(form: .nfkc) },
        "NFKD": { _ throws(TokenizerError) in UnicodeNormalizer(form: .nfkd) },
        "StripAccents": { _ throws(TokenizerError) in StripAccentsNormalizer() },
        "Strip": { j throws(TokenizerError) in
            StripNormalizer(
                left: try j.bool("strip_left", default: true, in: "Strip"),
                right: try j.bool("strip_right", default: true, in: "Strip"))
        },
        "Replace": { j throws(TokenizerError) in
            ReplaceNormalizer(
                pattern: try SplitPattern.parse(j["pattern"], component: "Replace"),
                content: Array(try j.requiredString("content", in: "Replace").unicodeScalars))
        },
        "Prepend": { j throws(TokenizerError) in
            PrependNormalizer(prefix: Array(try j.requiredString("prepend", in: "Prepend").unicodeScalars))
        },
        "Precompiled": { j throws(TokenizerError) in
            guard let encoded = j["precompiled_charsmap"] else {
                throw .invalidField(component: "Precompiled", field: "precompiled_charsmap", expected: "base64 text")
            }
            if encoded.isNull { return SequenceNormalizer(normalizers: []) }
            guard let text = encoded.stringValue, let data = Data(base64Encoded: text) else {
                throw .invalidField(component: "Precompiled", field: "precompiled_charsmap", expected: "base64 text")
            }
            if data.isEmpty { return SequenceNormalizer(normalizers: []) }
            return try PrecompiledNormalizer(charsmap: [UInt8](data))
        },
        "Nmt": { _ throws(TokenizerError) in NmtNormalizer() },
        "ByteLevel": { _ throws(TokenizerError) in ByteLevelNormalizer() },
        "Sequence": { j throws(TokenizerError) in
            var list: [any Normalizer] = []
            for n in try j.requiredArray("normalizers", in: "Sequence normalizer") { list.append(try buildNormalizer(n)) }
            return SequenceNormalizer(normalizers: list)
        },
    ]

    // MARK: Pre-tokenizers

    static let preTokenizers: [String: PreTokenizerBuilder] = [
        "ByteLevel": { j throws(TokenizerError) in
            ByteLevelPreTokenizer(
                addPrefixSpace: try j.bool("add_prefix_space", default: true, in: "ByteLevel"),
                trimOffsets: try j.bool("trim_offsets", default: true, in: "ByteLevel"),
                useRegex: try j.bool("use_regex", default: true, in: "ByteLevel"))
        },
        "BertPreTokenizer": { _ throws(TokenizerError) in BertPreTokenizer() },
        "Whitespace": { _ throws(TokenizerError) in WhitespacePreTokenizer() },
        "WhitespaceSplit": { _ throws(TokenizerError) in WhitespaceSplitPreTokenizer() },
        "Punctuation": { j throws(TokenizerError) in
            let b = j["behavior"] == nil ? .isolated : try SplitDelimiterBehavior.parse(j["behavior"], component: "Punctuation")
            return PunctuationPreTokenizer(behavior: b)
        },
        "Digits": { j throws(TokenizerError) in
            DigitsPreTokenizer(individualDigits: try j.bool("individual_digits", default: false, in: "Digits"))
        },
        "CharDelimiterSplit": { j throws(TokenizerError) in
            CharDelimiterSplitPreTokenizer(delimiter: try j.scalar("delimiter", default: " ", in: "CharDelimiterSplit"))
        },
        "Split": { j throws(TokenizerError) in
            SplitPreTokenizer(
                pattern: try SplitPattern.parse(j["pattern"], component: "Split"),
                behavior: try SplitDelimiterBehavior.parse(j["behavior"], component: "Split"),
                invert: try j.bool("invert", default: false, in: "Split"))
        },
        "Metaspace": { j throws(TokenizerError) in
            MetaspacePreTokenizer(
                replacement: try j.scalar("replacement", default: "\u{2581}", in: "Metaspace"),
                prependScheme: try metaspaceScheme(j), split: try j.bool("split", default: true, in: "Metaspace"))
        },
        "UnicodeScripts": { _ throws(TokenizerError) in UnicodeScriptsPreTokenizer() },
        "FixedLength": { j throws(TokenizerError) in
            // The reference panics on 0 ("chunk size must be non-zero"); a negative length is no usize.
            let length = try j.int("length", default: 5, in: "FixedLength")
            guard length > 0 else {
                throw .invalidField(component: "FixedLength", field: "length", expected: "a positive integer")
            }
            return FixedLengthPreTokenizer(length: length)
        },
        "Sequence": { j throws(TokenizerError) in
            var list: [any PreTokenizer] = []
            for p in try j.requiredArray("pretokenizers", in: "Sequence pre-tokenizer") {
                list.append(try buildPreTokenizer(p))
            }
            return SequencePreTokenizer(preTokenizers: list)
        },
    ]

    // MARK: Models

    static let models: [String: ModelBuilder] = [
        "BPE": { j throws(TokenizerError) in
            let c = "BPE"
            var merges: [(String, String)] = []
            for (i, m) in (j["merges"]?.arrayValue ?? []).enumerated() {
                if let s = m.stringValue {
                    // Split on the UTF-8 space byte: splitting a String by Character runs grapheme breaking.
                    var u = s
                    let pair: (String, String)? = u.withUTF8 { bytes in
                        guard let space = bytes.firstIndex(of: 0x20), bytes[(space + 1)...].firstIndex(of: 0x20) == nil
                        else { return nil }
                        return (
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[..<space]), as: UTF8.self),
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[(space + 1)...]), as: UTF8.self)
                        )
                    }
                    guard let pair else {
                        throw .invalidConfiguration("BPE: merge \(i) \"\(s)\" is not two tokens separated by one space")
                    }
                    merges.append(pair)
                } else if let pair = m.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                    merges.append((a, b))
                } else {
                    throw .invalidConfiguration("BPE: merge \(i) must be \"a b\" or [\"a\", \"b\"]")
                }
            }
            return try BPEModel(
                vocabulary: try parseVocabulary(j["vocab"], component: c), merges: merges,
                unknownToken: try j.optionalString("unk_token", in: c),
                continuingSubwordPrefix: try j.optionalString("continuing_subword_prefix", in: c),
                endOfWordSuffix: try j.optionalString("end_of_word_suffix", in: c),
                fuseUnknown: try j.bool("fuse_unk", default: false, in: c),
                byteFallback: try j.bool("byte_fallback", default: false, in: c),
                ignoreMerges: try j.bool("ignore_merges", default: false, in: c))
        },
        "WordPiece": { j throws(TokenizerError) in
            let c = "WordPiece"
            return try WordPieceModel(
                vocabulary: try parseVocabulary(j["vocab"], component: c),
                unknownToken: try j.string("unk_token", default: "[UNK]", in: c),
                continuingSubwordPrefix: try j.string("continuing_subword_prefix", default: "##", in: c),
                maxInputCharsPerWord: try j.int("max_input_chars_per_word", default: 100, in: c))
        },
        "WordLevel": { j throws(TokenizerError) in
            try WordLevelModel(
                vocabulary: try parseVocabulary(j["vocab"], component: "WordLevel"),
                unknownToken: try j.string("unk_token", default: "<unk>", in: "WordLevel"))
        },
        "Unigram": { j throws(TokenizerError) in
            var pieces: [(String, Double)] = []
            for (i, entry) in try j.requiredArray("vocab", in: "Unigram").enumerated() {
                guard let pair = entry.arrayValue, pair.count == 2, let piece = pair[0].stringValue, let score = pair[1].doubleValue else {
                    throw .invalidConfiguration("Unigram: vocab entry \(i) must be [piece, score]")
                }
                pieces.append((piece, score))
            }
            let unk: Int? = j["unk_id"].flatMap { $0.isNull ? nil : $0.intValue }
            return try UnigramModel(
                pieces: pieces, unknownId: unk, byteFallback: try j.bool("byte_fallback", default: false, in: "Unigram"))
        },
    ]

    // MARK: Post-processors

    static let postProcessors: [String: PostProcessorBuilder] = [
        "TemplateProcessing": { j throws(TokenizerError) in
            func pieces(_ key: String) throws(TokenizerError) -> [TemplateProcessing.Piece] {
                var result: [TemplateProcessing.Piece] = []
                for p in try j.requiredArray(key, in: "TemplateProcessing") {
                    if let s = p["Sequence"] {
                        let id = try s.requiredString("id", in: "TemplateProcessing")
                        result.append(.sequence(isPair: id == "B", typeId: try s.int("type_id", default: 0, in: "TemplateProcessing")))
                    } else if let s = p["SpecialToken"] {
                        result.append(
                            .special(
                                id: try s.requiredString("id", in: "TemplateProcessing"),
                                typeId: try s.int("type_id", default: 0, in: "TemplateProcessing")))
                    } else {
                        throw .invalidConfiguration("TemplateProcessing: template piece must be Sequence or SpecialToken")
                    }
                }
                return result
            }
            var specials: [String: TemplateProcessing.SpecialToken] = [:]
            for (key, value) in j["special_tokens"]?.objectValue ?? JSONObject() {
                let ids = (value["ids"]?.arrayValue ?? []).compactMap(\.intValue)
                let tokens = (value["tokens"]?.arrayValue ?? []).compactMap(\.stringValue)
                guard ids.count == tokens.count else {
                    throw .invalidConfiguration("TemplateProcessing: special token \"\(key)\" has \(ids.count) ids but \(tokens.count) tokens")
                }
                specials[value["id"]?.stringValue ?? key] = .init(ids: ids, tokens: tokens)
            }
            return try TemplateProcessing(single: try pieces("single"), pair: try pieces("pair"), specialTokens: specials)
        },
        "BertProcessing": { j throws(TokenizerError) in
            ClassicPostProcessor(
                cls: try tokenPair(j["cls"], "BertProcessing", "cls"), sep: try tokenPair(j["sep"], "BertProcessing", "sep"),
                isRoberta: false, trimOffsets: false, addPrefixSpace: false)
        },
        "RobertaProcessing": { j throws(TokenizerError) in
            ClassicPostProcessor(
                cls: try tokenPair(j["cls"], "RobertaProcessing", "cls"),
                sep: try tokenPair(j["sep"], "RobertaProcessing", "sep"), isRoberta: true,
                trimOffsets: try j.bool("trim_offsets", default: true, in: "RobertaProcessing"),
                addPrefixSpace: try j.bool("add_prefix_space", default: true, in: "RobertaProcessing"))
        },
        "ByteLevel": { j throws(TokenizerError) in
            ByteLevelPostProcessor(
                addPrefixSpace: try j.bool("add_prefix_space", default: true, in: "ByteLevel"),
                trimOffsets: try j.bool("trim_offsets", default: true, in: "ByteLevel"))
        },
        "Sequence": { j throws(TokenizerError) in
            var list: [any PostProcessor] = []
            for p in try j.requiredArray("processors", in: "Sequence post-processor") { list.append(try buildPostProcessor(p)) }
            return SequencePostProcessor(processors: list)
        },
    ]

    // MARK: Decoders

    static let decoders: [String: DecoderBuilder] = [
        "ByteLevel": { _ throws(TokenizerError) in ByteLevelDecoder() },
        "WordPiece": { j throws(TokenizerError) in
            WordPieceDecoder(
                prefix: try j.string("prefix", default: "##", in: "WordPiece"),
                cleanup: try j.bool("cleanup", default: true, in: "WordPiece"))
        },
        "Metaspace": { j throws(TokenizerError) in
            MetaspaceDecoder(
                replacement: try j.scalar("replacement", default: "\u{2581}", in: "Metaspace"),
                prependScheme: try metaspaceScheme(j))
        },
        "BPEDecoder": { j throws(TokenizerError) in BPEDecoder(suffix: try j.string("suffix", default: "</w>", in: "BPEDecoder")) },
        "CTC": { j throws(TokenizerError) in
            CTCDecoder(
                padToken: try j.string("pad_token", default: "<pad>", in: "CTC"),
                wordDelimiterToken: try j.string("word_delimiter_token", default: "|", in: "CTC"),
                cleanup: try j.bool("cleanup", default: true, in: "CTC"))
        },
        "Fuse": { _ throws(TokenizerError) in FuseDecoder() },
        "Strip": { j throws(TokenizerError) in
            let content = try j.requiredString("content", in: "Strip")
            guard let first = content.first, content.count == 1 else {
                throw .invalidField(component: "Strip", field: "content", expected: "a single character")
            }
            return StripDecoder(
                content: first, start: try j.int("start", default: 0, in: "Strip"), stop: try j.int("stop", default: 0, in: "Strip"))
        },
        "ByteFallback": { _ throws(TokenizerError) in ByteFallbackDecoder() },
        "Replace": { j throws(TokenizerError) in
            ReplaceDecoder(
                pattern: try SplitPattern.parse(j["pattern"], component: "Replace"),
                content: try j.requiredString("content", in: "Replace"))
        },
        "Sequence": { j throws(TokenizerError) in
            var list: [any TokenDecoder] = []
            for d in try j.requiredArray("decoders", in: "Sequence decoder") { list.append(try buildDecoder(d)) }
            return SequenceDecoder(decoders: list)
        },
    ]

    // MARK: Dispatch

    static func buildNormalizer(_ j: JSONValue) throws(TokenizerError) -> any Normalizer {
        let type = try j.typeName(of: "normalizer")
        guard let build = normalizers[type] else { throw .unknownType(component: "normalizer", type: type) }
        return try build(j)
    }

    static func buildPreTokenizer(_ j: JSONValue) throws(TokenizerError) -> any PreTokenizer {
        let type = try j.typeName(of: "pre_tokenizer")
        guard let build = preTokenizers[type] else { throw .unknownType(component: "pre_tokenizer", type: type) }
        return try build(j)
    }

    static func buildModel(_ j: JSONValue) throws(TokenizerError) -> any TokenizerModel {
        // Old files omit model.type; the reference then guesses from the fields present.
        var type = j["type"]?.stringValue
        if type == nil {
            if j["merges"] != nil { type = "BPE" } else if j["vocab"]?.arrayValue != nil { type = "Unigram" }
            else if j["continuing_subword_prefix"] != nil || j["max_input_chars_per_word"] != nil { type = "WordPiece" }
            else if j["vocab"] != nil { type = "WordLevel" }
        }
        guard let type else { throw .invalidField(component: "model", field: "type", expected: "a model type") }
        guard let build = models[type] else { throw .unknownType(component: "model", type: type) }
        return try build(j)
    }

    static func buildPostProcessor(_ j: JSONValue) throws(TokenizerError) -> any PostProcessor {
        let type = try j.typeName(of: "post_processor")
        guard let build = postProcessors[type] else { throw .unknownType(component: "post_processor", type: type) }
        return try build(j)
    }

    static func buildDecoder(_ j: JSONValue) throws(TokenizerError) -> any TokenDecoder {
        let type = try j.typeName(of: "decoder")
        guard let build = decoders[type] else { throw .unknownType(component: "decoder", type: type) }
        return try build(j)
    }

    // MARK: Shared field readers

    static func metaspaceScheme(_ j: JSONValue) throws(TokenizerError) -> MetaspacePreTokenizer.PrependScheme {
        if let s = j["prepend_scheme"]?.stringValue {
            guard let scheme = MetaspacePreTokenizer.PrependScheme(rawValue: s) else {
                throw .invalidField(component: "Metaspace", field: "prepend_scheme", expected: "always, never or first")
            }
            return scheme
        }
        // Legacy files: add_prefix_space true → always.
        return try j.bool("add_prefix_space", default: true, in: "Metaspace") ? .always : .never
    }

    static func tokenPair(_ j: JSONValue?, _ component: String, _ field: String) throws(TokenizerError) -> (String, Int) {
        guard let a = j?.arrayValue, a.count == 2, let t = a[0].stringValue, let id = a[1].intValue else {
            throw .invalidField(component: component, field: field, expected: "[token, id]")
        }
        return (t, id)
    }
}
