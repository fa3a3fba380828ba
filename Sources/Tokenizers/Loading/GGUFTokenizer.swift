import JSON
// A tokenizer from a GGUF file's `tokenizer.ggml.*` metadata, built as transformers 4.55 does in
// integrations/ggml.py (`GGUFTokenizerSkeleton`, `GGUFLlamaConverter`) followed by `LlamaTokenizerFast.__init__`
// (its `update_post_processor`). We build the same tokenizer.json the converter would serialize and load it
// with the ordinary loader, so every component is the one the tests already cover.
//
// Reference behaviours kept on purpose, because "id-exact with the reference" is the contract:
// - `tokenizer.ggml.pre` is not read: for a byte-level ("gpt2") vocabulary the converter always installs the
//   GPT-2 ByteLevel pre-tokenizer (its "llama-3" patch), whatever pre-tokenizer llama.cpp names.
// - `tokenizer.ggml.add_bos_token` is not read either: `LlamaTokenizerFast` defaults to adding the BOS token.
// - Both `bos_token` and `eos_token` are the token at `bos_token_id` (the converter swaps and duplicates them);
//   generation stops on the model config's `eos_token_id`, which is unaffected.

/// The `tokenizer.ggml.*` metadata of a GGUF file, in plain Swift values (this target does not read GGUF itself).
public struct GGUFTokenizerMetadata: Sendable {
    /// `general.architecture` (`llama`, `mistral`, `qwen2`…): picks the converter.
    public var architecture: String
    /// `tokenizer.ggml.model`: `gpt2` (byte-level BPE) or `llama` (SentencePiece BPE with byte fallback).
    public var model: String
    public var tokens: [String]
    /// `tokenizer.ggml.token_type` (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte).
    public var tokenTypes: [Int]?
    /// `tokenizer.ggml.merges` ("a b" strings).
    public var merges: [String]?
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var unknownTokenId: Int?
    public var paddingTokenId: Int?
    /// `tokenizer.ggml.add_space_prefix` (the converter's `add_prefix_space`; absent means true).
    public var addSpacePrefix: Bool?
    /// `tokenizer.chat_template`.
    public var chatTemplate: String?

    public init(architecture: String, model: String, tokens: [String]) {
        self.architecture = architecture
        self.model = model
        self.tokens = tokens
    }
}

extension AutoTokenizer {
    /// `AutoTokenizer.from_pretrained(…, gguf_file=…)` from the file's metadata.
    public static func fromGGUF(_ metadata: GGUFTokenizerMetadata) throws(TokenizerError) -> PreTrainedTokenizer {
        let parts = try GGUFTokenizerConverter(metadata).converted()
        let backend = try Tokenizer(json: parts.tokenizer)
        return PreTrainedTokenizer(backend: backend, config: parts.config)
    }
}

/// tokenizer.json + tokenizer_config.json equivalents of a GGUF tokenizer.
struct GGUFTokenizerConverter {
    let metadata: GGUFTokenizerMetadata

    init(_ metadata: GGUFTokenizerMetadata) { self.metadata = metadata }

    /// transformers' `GGUF_TO_FAST_CONVERTERS` entries we follow.
    static let llamaFamily: Set<String> = ["llama", "mistral"]

    func token(_ id: Int?, _ field: String) throws(TokenizerError) -> String? {
        guard let id else { return nil }
        guard metadata.tokens.indices.contains(id) else {
            throw .invalidConfiguration("GGUF tokenizer: \(field) \(id) is outside the \(metadata.tokens.count)-token vocabulary")
        }
        return metadata.tokens[id]
    }

    func converted() throws(TokenizerError) -> (tokenizer: JSONValue, config: JSONValue) {
        guard Self.llamaFamily.contains(metadata.architecture) else {
            throw .invalidConfiguration(
                "GGUF tokenizer: architecture '\(metadata.architecture)' is not supported (supported: llama, mistral)")
        }
        guard let merges = metadata.merges else {
            // The reference rebuilds merges from scores here; no file we load needs it.
            throw .invalidConfiguration("GGUF tokenizer: tokenizer.ggml.merges is missing (building merges from scores is not supported)")
        }
        // "llama-3" in the converter's words: any vocabulary that is not SentencePiece's.
        let byteLevel = metadata.model != "llama"
        let unk = try token(metadata.unknownTokenId, "unknown_token_id")
        let bos = try token(metadata.bosTokenId, "bos_token_id")
        // The converter reads both from bos_token_id (see the file header).
        let eos = metadata.eosTokenId == nil ? nil : bos
        let addPrefixSpace = metadata.addSpacePrefix ?? true

        // MARK: Model
        var vocabulary: [(key: String, value: JSONValue)] = []
        var seen: [String: Int] = [:]
        for (id, text) in metadata.tokens.enumerated() {
            // A Python dict built from the list keeps the first position and the last id of a repeated token.
            if let at = seen[text] { vocabulary[at].value = .int(id); continue }
            seen[text] = vocabulary.count
            vocabulary.append((text, .int(id)))
        }
        let model: JSONValue = .object(JSONObject([
            ("type", .string("BPE")), ("dropout", .null), ("unk_token", unk.map(JSONValue.string) ?? .null),
            ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null), ("fuse_unk", .bool(true)),
            ("byte_fallback", .bool(true)), ("ignore_merges", .bool(false)),
            ("vocab", .object(JSONObject(vocabulary))), ("merges", .array(merges.map(JSONValue.string))),
        ]))

        // MARK: Added tokens
        var specials: [Int] = []
        if let types = metadata.tokenTypes {
            specials = types.indices.filter { types[$0] == 3 && metadata.tokens.indices.contains($0) }
        } else {
            for id in [metadata.unknownTokenId, metadata.bosTokenId, metadata.eosTokenId == nil ? nil : metadata.bosTokenId] {
                if let id, !specials.contains(id) { specials.append(id) }
            }
        }
        let added: [JSONValue] = specials.map { id in
            .object(JSONObject([
                ("id", .int(id)), ("content", .string(metadata.tokens[id])), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true)),
            ]))
        }

        // MARK: Pipeline
        let normalizer: JSONValue
        let preTokenizer: JSONValue
        var decoders: [JSONValue] = [
            .object(JSONObject([("type", .string("ByteFallback"))])),
            .object(JSONObject([("type", .string("Fuse"))])),
            .object(JSONObject([("type", .string("Replace")), ("pattern", .object(JSONObject([("String", .string("\u{2581}"))]))), ("content", .string(" "))])),
        ]
        if byteLevel {
            normalizer = .object(JSONObject([("type", .string("Sequence")), ("normalizers", .array([]))]))
            preTokenizer = .object(JSONObject([
                ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true)),
            ]))
            decoders.append(.object(JSONObject([
                ("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true)),
            ])))
        } else {
            // LlamaConverter's legacy normalizer: prepend ▁ (when add_prefix_space), spaces → ▁; no pre-tokenizer.
            var steps: [JSONValue] = []
            if addPrefixSpace { steps.append(.object(JSONObject([("type", .string("Prepend")), ("prepend", .string("\u{2581}"))]))) }
            steps.append(.object(JSONObject([("type", .string("Replace")), ("pattern", .object(JSONObject([("String", .string(" "))]))), ("content", .string("\u{2581}"))])))
            normalizer = .object(JSONObject([("type", .string("Sequence")), ("normalizers", .array(steps))]))
            preTokenizer = .null
        }
        if addPrefixSpace {
            decoders.append(.object(JSONObject([("type", .string("Strip")), ("content", .string(" ")), ("start", .int(1)), ("stop", .int(0))])))
        }

        // LlamaTokenizerFast.update_post_processor: "<bos>:0 $A:0" and "<bos>:0 $A:0 <bos>:1 $B:1" (add_bos_token
        // defaults to true, add_eos_token to false).
        var postProcessor: JSONValue = .null
        if let bos, let bosId = metadata.bosTokenId {
            func special(_ typeId: Int) -> JSONValue {
                .object(JSONObject([("SpecialToken", .object(JSONObject([("id", .string(bos)), ("type_id", .int(typeId))])))]))
            }
            func sequence(_ name: String, _ typeId: Int) -> JSONValue {
                .object(JSONObject([("Sequence", .object(JSONObject([("id", .string(name)), ("type_id", .int(typeId))])))]))
            }
            postProcessor = .object(JSONObject([
                ("type", .string("TemplateProcessing")),
                ("single", .array([special(0), sequence("A", 0)])),
                ("pair", .array([special(0), sequence("A", 0), special(1), sequence("B", 1)])),
                ("special_tokens", .object(JSONObject([(bos, .object(JSONObject([
                    ("id", .string(bos)), ("ids", .array([.int(bosId)])), ("tokens", .array([.string(bos)])),
                ])))]))),
            ]))
        }

        let tokenizer: JSONValue = .object(JSONObject([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null), ("added_tokens", .array(added)),
            ("normalizer", normalizer), ("pre_tokenizer", preTokenizer), ("post_processor", postProcessor),
            ("decoder", .object(JSONObject([("type", .string("Sequence")), ("decoders", .array(decoders))]))), ("model", model),
        ]))

        // MARK: tokenizer_config equivalent
        var config: [(key: String, value: JSONValue)] = [
            ("add_bos_token", .bool(true)), ("add_eos_token", .bool(false)),
            ("clean_up_tokenization_spaces", .bool(byteLevel)), ("legacy", .bool(!byteLevel)), ("padding_side", .string("left")),
        ]
        if let unk { config.append(("unk_token", .string(unk))) }
        if let bos { config.append(("bos_token", .string(bos))) }
        if let eos { config.append(("eos_token", .string(eos))) }
        if let template = metadata.chatTemplate { config.append(("chat_template", .string(template))) }
        return (tokenizer, .object(JSONObject(config)))
    }
}
