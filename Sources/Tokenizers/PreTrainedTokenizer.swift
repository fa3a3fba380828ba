// The transformers-level tokenizer: a `Tokenizer` plus tokenizer_config.json (special tokens,
// model_max_length, clean_up_tokenization_spaces, chat_template). This is what
// `AutoTokenizer.fromPretrained` returns, like Python's `PreTrainedTokenizerFast`.
import JSON
import Foundation

/// What `PreTrainedTokenizer.callAsFunction` pads to.
public enum PaddingStrategy: Sendable, Equatable {
    case doNotPad
    case longest
    case maxLength
}

/// Token ids and masks for a batch, as Python's `BatchEncoding` (rows may differ in length without padding).
public struct BatchEncoding: Sendable {
    public var encodings: [Encoding]
    public var inputIds: [[Int]] { encodings.map(\.ids) }
    public var attentionMask: [[Int]] { encodings.map(\.attentionMask) }
    public var tokenTypeIds: [[Int]] { encodings.map(\.typeIds) }
}

public struct PreTrainedTokenizer: Sendable {
    public var backend: Tokenizer
    /// tokenizer_config.json (an empty object when absent).
    public let config: JSONValue
    public var bosToken: String?
    public var eosToken: String?
    public var unkToken: String?
    public var padToken: String?
    public var sepToken: String?
    public var clsToken: String?
    public var maskToken: String?
    public var modelMaxLength: Int?
    public var paddingSide: PaddingDirection
    public var truncationSide: TruncationDirection
    public var cleanUpTokenizationSpaces: Bool
    /// The default chat template, and named ones when the config holds a list.
    public var chatTemplate: String?
    public var namedChatTemplates: [String: String]
    /// CLIPTokenizerFast wraps its backend's decode: "</w>" becomes a space and the text is stripped.
    public var decodesEndOfWordSuffixAsSpace: Bool

    public init(backend: Tokenizer, config: JSONValue = .object(JSONObject()), specialTokensMap: JSONValue? = nil) {
        var backend = backend
        self.config = config
        func special(_ key: String) -> String? {
            func read(_ v: JSONValue?) -> String? { v?.stringValue ?? v?["content"]?.stringValue }
            return read(config[key]) ?? read(specialTokensMap?[key])
        }
        bosToken = special("bos_token")
        eosToken = special("eos_token")
        unkToken = special("unk_token")
        padToken = special("pad_token")
        sepToken = special("sep_token")
        clsToken = special("cls_token")
        maskToken = special("mask_token")
        // transformers treats model_max_length ≥ 1e30 as "no limit".
        if let m = config["model_max_length"]?.doubleValue, m < 1e12 { modelMaxLength = Int(m) } else { modelMaxLength = nil }
        paddingSide = PaddingDirection(rawValue: config["padding_side"]?.stringValue ?? "right") ?? .right
        truncationSide = TruncationDirection(rawValue: config["truncation_side"]?.stringValue ?? "right") ?? .right
        cleanUpTokenizationSpaces = config["clean_up_tokenization_spaces"]?.boolValue ?? false
        decodesEndOfWordSuffixAsSpace = LegacyTokenizers.isCLIP(config: config)
        var named: [String: String] = [:]
        if let list = config["chat_template"]?.arrayValue {
            for entry in list {
                if let n = entry["name"]?.stringValue, let t = entry["template"]?.stringValue { named[n] = t }
            }
            chatTemplate = named["default"]
        } else {
            chatTemplate = config["chat_template"]?.stringValue
        }
        namedChatTemplates = named
        // transformers drives padding/truncation per call; the file's settings do not apply by default.
        backend.padding = nil
        backend.truncation = nil
        self.backend = backend
    }

    // MARK: Encoding

    /// Token ids of one text (Python `tokenizer.encode`).
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) throws(TokenizerError) -> [Int] {
        try backend.encode(text, pair: pair, addSpecialTokens: addSpecialTokens).ids
    }

    /// Python `tokenizer(texts, padding=…, truncation=…, max_length=…)`.
    public func callAsFunction(
        _ texts: [String], pairs: [String]? = nil, addSpecialTokens: Bool = true, padding: PaddingStrategy = .doNotPad,
        truncation: Bool = false, maxLength: Int? = nil, stride: Int = 0, padToMultipleOf: Int? = nil
    ) throws(TokenizerError) -> BatchEncoding {
        var tokenizer = backend
        if truncation {
            guard let limit = maxLength ?? modelMaxLength else {
                throw .invalidArgument("truncation needs max_length (the tokenizer has no model_max_length)")
            }
            tokenizer.truncation = TruncationParameters(maxLength: limit, stride: stride, strategy: .longestFirst, direction: truncationSide)
        }
        switch padding {
        case .doNotPad:
            tokenizer.padding = nil
        case .longest, .maxLength:
            guard let pad = padToken, let padId = backend.tokenToId(pad) else {
                throw .invalidArgument("padding needs a pad_token; this tokenizer has none")
            }
            var strategy = PaddingParameters.Strategy.longest
            if padding == .maxLength {
                guard let limit = maxLength ?? modelMaxLength else {
                    throw .invalidArgument("padding to max_length needs max_length (the tokenizer has no model_max_length)")
                }
                strategy = .fixed(limit)
            }
            tokenizer.padding = PaddingParameters(
                strategy: strategy, direction: paddingSide, padToMultipleOf: padToMultipleOf, padId: padId, padTypeId: 0,
                padToken: pad)
        }
        return BatchEncoding(encodings: try tokenizer.encodeBatch(texts, pairs: pairs, addSpecialTokens: addSpecialTokens))
    }

    public func tokenize(_ text: String) throws(TokenizerError) -> [String] {
        try backend.encode(text, addSpecialTokens: false).tokens
    }

    public func convertTokensToIds(_ tokens: [String]) -> [Int?] { tokens.map { backend.tokenToId($0) } }
    public func convertIdsToTokens(_ ids: [Int]) -> [String?] { ids.map { backend.idToToken($0) } }

    // MARK: Decoding

    /// Python `tokenizer.decode`: the backend decoder, then the optional English space cleanup.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false, cleanUpTokenizationSpaces: Bool? = nil)
        throws(TokenizerError) -> String
    {
        var text = try backend.decode(ids, skipSpecialTokens: skipSpecialTokens)
        if decodesEndOfWordSuffixAsSpace {
            text = Self.pythonStrip(Self.replacingScalars(of: "</w>", with: " ", in: text))
        }
        return (cleanUpTokenizationSpaces ?? self.cleanUpTokenizationSpaces) ? cleanUpTokenization(text) : text
    }

    /// Python `str.replace` on code points (Swift's string search would match by grapheme/canonical equivalence).
    static func replacingScalars(of target: String, with replacement: String, in text: String) -> String {
        let t = Array(target.unicodeScalars)
        let s = Array(text.unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count, s[i] == t[0], Array(s[i..<(i + t.count)]) == t {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Python `str.strip()`: removes leading and trailing whitespace scalars.
    static func pythonStrip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, scalars[start].isPythonWhitespace { start += 1 }
        while end > start, scalars[end - 1].isPythonWhitespace { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }

    public func batchDecode(_ batch: [[Int]], skipSpecialTokens: Bool = false) throws(TokenizerError) -> [String] {
        var out: [String] = []
        for ids in batch { out.append(try decode(ids, skipSpecialTokens: skipSpecialTokens)) }
        return out
    }

    // MARK: Chat templates

    /// The result of `applyChatTemplate`: the rendered text or its token ids.
    public enum ChatTemplateOutput: Sendable, Equatable {
        case text(String)
        case ids([Int])
    }

    /// Python `apply_chat_template(messages, add_generation_prompt=…, tokenize=…)`. Messages are JSON-like
    /// (`[["role": "user", "content": "Hi"]]`); `extra` adds template variables such as `tools`. `renderer`
    /// overrides the registered renderer for this call only (tests use it instead of changing the process-wide one).
    public func applyChatTemplate(
        messages: [[String: JSONValue]], addGenerationPrompt: Bool = false, tokenize: Bool = true,
        templateName: String? = nil, extra: [String: JSONValue] = [:], renderer: (any ChatTemplateRenderer)? = nil
    ) throws(TokenizerError) -> ChatTemplateOutput {
        let template: String
        if let templateName {
            guard let t = namedChatTemplates[templateName] else {
                throw .chatTemplate("no chat template named \"\(templateName)\" (have: \(namedChatTemplates.keys.sorted()))")
            }
            template = t
        } else {
            guard let t = chatTemplate else {
                throw .chatTemplate("this tokenizer has no chat_template in tokenizer_config.json")
            }
            template = t
        }
        let renderer = renderer ?? ChatTemplates.renderer
        var variables = extra
        variables["messages"] = .array(messages.map { .object(JSONObject($0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })) })
        variables["add_generation_prompt"] = .bool(addGenerationPrompt)
        for (key, value) in [
            ("bos_token", bosToken), ("eos_token", eosToken), ("unk_token", unkToken), ("pad_token", padToken),
            ("sep_token", sepToken), ("cls_token", clsToken), ("mask_token", maskToken),
        ] where variables[key] == nil {
            if let value { variables[key] = .string(value) }
        }
        let text: String
        do {
            text = try renderer.render(template: template, variables: variables)
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .chatTemplate("\(error)")
        }
        guard tokenize else { return .text(text) }
        // Templates already contain the special tokens: transformers encodes without adding more.
        return .ids(try encode(text, addSpecialTokens: false))
    }
}

/// Loads tokenizers from local folders (Hub resolution lives in the `Hub` target).
public enum AutoTokenizer {
    /// Reads tokenizer.json (or legacy vocab.txt / vocab.json + merges.txt), tokenizer_config.json and
    /// special_tokens_map.json from a folder.
    public static func fromPretrained(_ folder: URL) throws(TokenizerError) -> PreTrainedTokenizer {
        func optionalJSON(_ name: String) throws(TokenizerError) -> JSONValue? {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try parseJSON(try readBytes(url))
        }
        let config = try optionalJSON("tokenizer_config.json") ?? .object(JSONObject())
        let specialMap = try optionalJSON("special_tokens_map.json")
        let tokenizerJSON = folder.appendingPathComponent("tokenizer.json")
        let backend: Tokenizer
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            backend = try Tokenizer(contentsOf: tokenizerJSON)
        } else if FileManager.default.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path) {
            backend = try LegacyTokenizers.bertWordPiece(folder: folder, config: config, specialTokensMap: specialMap)
        } else if FileManager.default.fileExists(atPath: folder.appendingPathComponent("merges.txt").path)
            && LegacyTokenizers.isCLIP(config: config)
        {
            backend = try LegacyTokenizers.clipBytePairs(folder: folder, config: config, specialTokensMap: specialMap)
        } else if FileManager.default.fileExists(atPath: folder.appendingPathComponent("merges.txt").path) {
            backend = try LegacyTokenizers.gpt2BytePairs(folder: folder, config: config, specialTokensMap: specialMap)
        } else {
            throw .fileNotFound(
                "\(folder.path): no tokenizer.json, vocab.txt or vocab.json + merges.txt (a folder with tokenizer files is needed)")
        }
        return PreTrainedTokenizer(backend: backend, config: config, specialTokensMap: specialMap)
    }

    public static func fromPretrained(_ path: String) throws(TokenizerError) -> PreTrainedTokenizer {
        try fromPretrained(URL(fileURLWithPath: path))
    }
}

extension Unicode.Scalar {
    /// Python `str.isspace()` for one code point.
    var isPythonWhitespace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
