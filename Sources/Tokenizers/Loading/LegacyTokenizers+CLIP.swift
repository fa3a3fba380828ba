// CLIP's vocab.json + merges.txt, built the way transformers' CLIPConverter builds CLIPTokenizerFast:
// NFC, whitespace runs to one space, lowercase; CLIP's own split regex (pieces kept, the rest dropped)
// then GPT-2's byte level; BPE with "</w>" ending each word; `<|startoftext|> A <|endoftext|>` around
// the text (RobertaProcessing without offset trimming).
import JSON
import Foundation

extension LegacyTokenizers {
    /// True for folders whose tokenizer_config.json names CLIP's tokenizer classes.
    static func isCLIP(config: JSONValue) -> Bool {
        guard let name = config["tokenizer_class"]?.stringValue else { return false }
        return name == "CLIPTokenizer" || name == "CLIPTokenizerFast"
    }

    /// The pipeline of CLIPConverter in its tokenizer.json form (parsed by the same registry as files).
    static let clipPipeline = #"""
        {
          "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Lowercase"}]},
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             "behavior": "Removed", "invert": true},
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}]},
          "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}
        }
        """#

    static func clipBytePairs(folder: URL, config: JSONValue, specialTokensMap: JSONValue?) throws(TokenizerError)
        -> Tokenizer
    {
        let vocab = try parseVocabulary(
            try parseJSON(try readBytes(folder.appendingPathComponent("vocab.json"))), component: "vocab.json")
        let merges = try readMerges(folder.appendingPathComponent("merges.txt"))
        let unk = specialToken("unk_token", config, specialTokensMap, default: "<|endoftext|>") ?? "<|endoftext|>"
        let bos = specialToken("bos_token", config, specialTokensMap, default: "<|startoftext|>") ?? "<|startoftext|>"
        let eos = specialToken("eos_token", config, specialTokensMap, default: "<|endoftext|>") ?? "<|endoftext|>"
        guard let bosId = vocab[TokenKey(bos)], let eosId = vocab[TokenKey(eos)] else {
            throw .invalidConfiguration("CLIP vocab.json: \(bos) and \(eos) must be in the vocabulary")
        }
        let model = try BPEModel(
            vocabulary: vocab, merges: merges, unknownToken: unk, continuingSubwordPrefix: "", endOfWordSuffix: "</w>",
            fuseUnknown: false, byteFallback: false, ignoreMerges: false)
        let pipeline = try parseJSON(Array(clipPipeline.utf8))
        let normalizer = try ComponentRegistry.buildNormalizer(pipeline["normalizer"] ?? .null)
        // transformers re-adds the config's added_tokens_decoder with its flags (CLIP's are `normalized`).
        var added = addedTokensDecoder(config)
        for key in ["bos_token", "eos_token", "unk_token", "pad_token"] {
            if let t = specialToken(key, config, specialTokensMap), let id = vocab[TokenKey(t)], !added.contains(where: { $0.id == id }) {
                added.append(AddedToken(id: id, content: t, normalized: false, special: true))
            }
        }
        added.sort { $0.id < $1.id }
        return try Tokenizer(
            normalizer: normalizer,
            preTokenizer: try ComponentRegistry.buildPreTokenizer(pipeline["pre_tokenizer"] ?? .null),
            model: model,
            postProcessor: ClassicPostProcessor(
                cls: (bos, bosId), sep: (eos, eosId), isRoberta: true, trimOffsets: false, addPrefixSpace: false),
            decoder: try ComponentRegistry.buildDecoder(pipeline["decoder"] ?? .null), addedTokens: added)
    }

    /// tokenizer_config.json's `added_tokens_decoder` ({"id": {"content", "lstrip", …}}), by id.
    static func addedTokensDecoder(_ config: JSONValue) -> [AddedToken] {
        guard let entries = config["added_tokens_decoder"]?.objectValue else { return [] }
        var tokens: [AddedToken] = []
        for (key, value) in entries {
            guard let id = Int(key), let content = value["content"]?.stringValue else { continue }
            tokens.append(AddedToken(
                id: id, content: content, singleWord: value["single_word"]?.boolValue ?? false,
                lstrip: value["lstrip"]?.boolValue ?? false, rstrip: value["rstrip"]?.boolValue ?? false,
                normalized: value["normalized"]?.boolValue ?? false, special: value["special"]?.boolValue ?? false))
        }
        return tokens
    }

    /// merges.txt: "a b" per line after an optional `#version` header.
    static func readMerges(_ url: URL) throws(TokenizerError) -> [(String, String)] {
        let text = String(decoding: try readBytes(url), as: UTF8.self)
        var merges: [(String, String)] = []
        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if i == 0 && line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .invalidConfiguration("merges.txt line \(i + 1): \"\(line)\" is not two tokens separated by one space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        return merges
    }
}
