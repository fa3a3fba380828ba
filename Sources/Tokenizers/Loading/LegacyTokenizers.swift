// Tokenizers from pre-tokenizer.json files, built the way transformers' converters build them
// (`convert_slow_tokenizer.py`: BertConverter for vocab.txt, GPT2Converter for vocab.json + merges.txt).
import JSON
import Foundation

enum LegacyTokenizers {
    static func specialToken(_ key: String, _ config: JSONValue, _ map: JSONValue?, default value: String? = nil) -> String? {
        func read(_ v: JSONValue?) -> String? { v?.stringValue ?? v?["content"]?.stringValue }
        return read(config[key]) ?? read(map?[key]) ?? value
    }

    /// BERT: vocab.txt, one token per line (line number = id).
    static func bertWordPiece(folder: URL, config: JSONValue, specialTokensMap: JSONValue?) throws(TokenizerError)
        -> Tokenizer
    {
        let text = String(decoding: try readBytes(folder.appendingPathComponent("vocab.txt")), as: UTF8.self)
        var vocab: [TokenKey: Int] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if lines.last == "" { lines.removeLast() }
        for (i, line) in lines.enumerated() {
            let token = line.hasSuffix("\r") ? String(line.dropLast()) : line
            vocab[TokenKey(token)] = i
        }
        let unk = specialToken("unk_token", config, specialTokensMap, default: "[UNK]") ?? "[UNK]"
        let cls = specialToken("cls_token", config, specialTokensMap, default: "[CLS]") ?? "[CLS]"
        let sep = specialToken("sep_token", config, specialTokensMap, default: "[SEP]") ?? "[SEP]"
        guard let clsId = vocab[TokenKey(cls)], let sepId = vocab[TokenKey(sep)] else {
            throw .invalidConfiguration("vocab.txt: \(cls) and \(sep) must be in the vocabulary")
        }
        let lowercase = config["do_lower_case"]?.boolValue ?? true
        let strip: Bool? = config["strip_accents"]?.boolValue
        let model = try WordPieceModel(vocabulary: vocab, unknownToken: unk, continuingSubwordPrefix: "##", maxInputCharsPerWord: 100)
        let processor = try TemplateProcessing(
            single: [.special(id: cls, typeId: 0), .sequence(isPair: false, typeId: 0), .special(id: sep, typeId: 0)],
            pair: [
                .special(id: cls, typeId: 0), .sequence(isPair: false, typeId: 0), .special(id: sep, typeId: 0),
                .sequence(isPair: true, typeId: 1), .special(id: sep, typeId: 1),
            ],
            specialTokens: [cls: .init(ids: [clsId], tokens: [cls]), sep: .init(ids: [sepId], tokens: [sep])])
        var added: [AddedToken] = []
        for key in ["pad_token", "unk_token", "cls_token", "sep_token", "mask_token"] {
            if let t = specialToken(key, config, specialTokensMap), let id = vocab[TokenKey(t)], !added.contains(where: { $0.id == id }) {
                added.append(AddedToken(id: id, content: t, normalized: false, special: true))
            }
        }
        added.sort { $0.id < $1.id }
        return try Tokenizer(
            normalizer: BertNormalizer(
                cleanText: true, handleChineseChars: config["tokenize_chinese_chars"]?.boolValue ?? true, stripAccents: strip,
                lowercase: lowercase),
            preTokenizer: BertPreTokenizer(), model: model, postProcessor: processor,
            decoder: WordPieceDecoder(prefix: "##", cleanup: true), addedTokens: added)
    }

    /// GPT-2: vocab.json (token → id) and merges.txt ("a b" per line after a `#version` header).
    static func gpt2BytePairs(folder: URL, config: JSONValue, specialTokensMap: JSONValue?) throws(TokenizerError)
        -> Tokenizer
    {
        let vocab = try parseVocabulary(
            try parseJSON(try readBytes(folder.appendingPathComponent("vocab.json"))), component: "vocab.json")
        let mergesText = String(decoding: try readBytes(folder.appendingPathComponent("merges.txt")), as: UTF8.self)
        var merges: [(String, String)] = []
        for (i, rawLine) in mergesText.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if i == 0 && line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .invalidConfiguration("merges.txt line \(i + 1): \"\(line)\" is not two tokens separated by one space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        let addPrefixSpace = config["add_prefix_space"]?.boolValue ?? false
        let model = try BPEModel(
            vocabulary: vocab, merges: merges, unknownToken: nil, continuingSubwordPrefix: nil, endOfWordSuffix: nil,
            fuseUnknown: false, byteFallback: false, ignoreMerges: false)
        var added: [AddedToken] = []
        for key in ["bos_token", "eos_token", "unk_token", "pad_token"] {
            if let t = specialToken(key, config, specialTokensMap), let id = vocab[TokenKey(t)], !added.contains(where: { $0.id == id }) {
                added.append(AddedToken(id: id, content: t, normalized: false, special: true))
            }
        }
        return try Tokenizer(
            normalizer: nil,
            preTokenizer: ByteLevelPreTokenizer(addPrefixSpace: addPrefixSpace, trimOffsets: true, useRegex: true),
            model: model, postProcessor: ByteLevelPostProcessor(addPrefixSpace: true, trimOffsets: false),
            decoder: ByteLevelDecoder(), addedTokens: added)
    }
}
