// Building a `Tokenizer` from tokenizer.json (reference `tokenizer/serialization.rs`).
import JSON
import Foundation

extension Tokenizer {
    /// Loads a tokenizer.json file.
    public init(contentsOf url: URL) throws(TokenizerError) {
        try self.init(jsonBytes: try readBytes(url))
    }

    /// Parses tokenizer.json text.
    public init(jsonBytes bytes: [UInt8]) throws(TokenizerError) {
        try self.init(json: try parseJSON(bytes))
    }

    init(json: JSONValue) throws(TokenizerError) {
        guard json.objectValue != nil else { throw .invalidJSON("tokenizer.json must be an object") }
        func component<T>(_ key: String, _ build: (JSONValue) throws(TokenizerError) -> T) throws(TokenizerError) -> T? {
            guard let j = json[key], !j.isNull else { return nil }
            return try build(j)
        }
        guard let modelJSON = json["model"], !modelJSON.isNull else {
            throw .invalidField(component: "tokenizer.json", field: "model", expected: "an object")
        }
        let normalizer = try component("normalizer", ComponentRegistry.buildNormalizer)
        let preTokenizer = try component("pre_tokenizer", ComponentRegistry.buildPreTokenizer)
        let model = try ComponentRegistry.buildModel(modelJSON)
        let postProcessor = try component("post_processor", ComponentRegistry.buildPostProcessor)
        let decoder = try component("decoder", ComponentRegistry.buildDecoder)
        var added: [AddedToken] = []
        for (i, t) in (json["added_tokens"]?.arrayValue ?? []).enumerated() {
            let c = "added_tokens[\(i)]"
            guard let id = t["id"]?.intValue, let content = t["content"]?.stringValue else {
                throw .invalidConfiguration("\(c) needs an integer id and a string content")
            }
            let special = try t.bool("special", default: false, in: c)
            added.append(
                AddedToken(
                    id: id, content: content, singleWord: try t.bool("single_word", default: false, in: c),
                    lstrip: try t.bool("lstrip", default: false, in: c), rstrip: try t.bool("rstrip", default: false, in: c),
                    normalized: try t.bool("normalized", default: !special, in: c), special: special))
        }
        try self.init(
            normalizer: normalizer, preTokenizer: preTokenizer, model: model, postProcessor: postProcessor,
            decoder: decoder, addedTokens: added)
        if let t = json["truncation"], !t.isNull {
            let c = "truncation"
            let strategy = TruncationStrategy(
                rawValue: (try t.string("strategy", default: "LongestFirst", in: c)).snakeCased) ?? .longestFirst
            let direction = TruncationDirection(rawValue: (try t.string("direction", default: "Right", in: c)).lowercased()) ?? .right
            truncation = TruncationParameters(
                maxLength: try t.int("max_length", default: 512, in: c), stride: try t.int("stride", default: 0, in: c),
                strategy: strategy, direction: direction)
        }
        if let p = json["padding"], !p.isNull {
            let c = "padding"
            var strategy = PaddingParameters.Strategy.longest
            if let fixed = p["strategy"]?["Fixed"]?.intValue { strategy = .fixed(fixed) }
            padding = PaddingParameters(
                strategy: strategy,
                direction: PaddingDirection(rawValue: (try p.string("direction", default: "Right", in: c)).lowercased()) ?? .right,
                padToMultipleOf: p["pad_to_multiple_of"]?.intValue, padId: try p.int("pad_id", default: 0, in: c),
                padTypeId: try p.int("pad_type_id", default: 0, in: c), padToken: try p.string("pad_token", default: "[PAD]", in: c))
        }
    }
}

extension String {
    /// "LongestFirst" → "longest_first".
    var snakeCased: String {
        var out = ""
        for (i, c) in self.enumerated() {
            if c.isUppercase {
                if i > 0 { out.append("_") }
                out.append(contentsOf: c.lowercased())
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// Reads a whole file, with an error naming it.
func readBytes(_ url: URL) throws(TokenizerError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .fileNotFound(url.path) }
    return [UInt8](data)
}

/// Parses JSON bytes with the shared parser, reporting a syntax error as a tokenizer error.
func parseJSON(_ bytes: [UInt8]) throws(TokenizerError) -> JSONValue {
    do { return try JSONValue(parsing: bytes) } catch { throw .invalidJSON(error.description) }
}
