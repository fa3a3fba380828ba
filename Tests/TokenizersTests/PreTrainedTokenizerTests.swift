// transformers-level behaviour (AutoTokenizer on a folder, decode cleanup, padding/truncation per call),
// chat-template plumbing, and legacy vocabulary files.
import JSON
import Foundation
import Testing
@testable import Tokenizers

@Suite struct PreTrainedTokenizerTests {
    static let minilmFolder = Fixtures.root.appendingPathComponent("tokenizers/minilm")

    @Test func decodeMatchesTransformers() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Self.minilmFolder)
        let expected = try Fixtures.json("expected/transformers.json")["minilm"]!
        #expect(tokenizer.cleanUpTokenizationSpaces == expected["clean_up_tokenization_spaces"]?.boolValue)
        #expect(tokenizer.modelMaxLength == 512)
        for x in expected["cases"]?.arrayValue ?? [] {
            let text = Fixtures.corpus[x["string"]?.intValue ?? 0]
            let ids = try tokenizer.encode(text)
            #expect(ids == x["ids"]?.arrayValue?.compactMap(\.intValue), "ids \(text.prefix(40))")
            #expect(try tokenizer.decode(ids) == x["decode"]?.stringValue, "decode \(text.prefix(40))")
            #expect(try tokenizer.decode(ids, skipSpecialTokens: true) == x["decode_skip"]?.stringValue)
            #expect(try tokenizer.decode(ids, cleanUpTokenizationSpaces: false) == x["decode_no_cleanup"]?.stringValue)
        }
    }

    /// CLIP's folder has no tokenizer.json: vocab.json + merges.txt built from open_clip's
    /// bpe_simple_vocab_16e6.txt.gz, converted by transformers to CLIPTokenizerFast.
    @Test func clipFromVocabAndMergesMatchesTransformers() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Fixtures.root.appendingPathComponent("tokenizers/clip"))
        let expected = try Fixtures.json("expected/transformers.json")["clip"]!
        #expect(expected["class"]?.stringValue == "CLIPTokenizerFast")
        #expect(tokenizer.backend.vocabularySize() == 49408)
        for x in expected["cases"]?.arrayValue ?? [] {
            let text = Fixtures.corpus[x["string"]?.intValue ?? 0]
            let ids = try tokenizer.encode(text)
            #expect(ids == x["ids"]?.arrayValue?.compactMap(\.intValue), "ids \(text.debugDescription.prefix(40))")
            #expect(try tokenizer.decode(ids) == x["decode"]?.stringValue, "decode \(text.debugDescription.prefix(40))")
            #expect(try tokenizer.decode(ids, skipSpecialTokens: true) == x["decode_skip"]?.stringValue)
        }
    }

    @Test func callPadsAndTruncatesLikeTransformers() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Self.minilmFolder)
        let expected = try Fixtures.json("expected/transformers.json")["minilm"]!
        let c = Fixtures.corpus
        let batch = try tokenizer([c[2], c[4], c[15]], padding: .longest, truncation: true, maxLength: 12)
        let want = expected["batch_longest_trunc12"]!
        #expect(batch.inputIds == want["input_ids"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] })
        #expect(batch.attentionMask == want["attention_mask"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] })
        #expect(batch.tokenTypeIds == want["token_type_ids"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] })
        let fixed = try tokenizer([c[2], c[4]], padding: .maxLength, maxLength: 16)
        #expect(fixed.inputIds == expected["batch_max16"]?["input_ids"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] })
    }

    /// A stand-in renderer: checks the variables the tokenizer hands to the template engine.
    struct EchoRenderer: ChatTemplateRenderer {
        func render(template: String, variables: [String: JSONValue]) throws -> String {
            var out = template
            for m in variables["messages"]?.arrayValue ?? [] {
                out += "<\(m["role"]?.stringValue ?? "?")>\(m["content"]?.stringValue ?? "")"
            }
            if variables["add_generation_prompt"]?.boolValue == true { out += "<assistant>" }
            out += variables["sep_token"]?.stringValue ?? ""
            return out
        }
    }

    @Test func chatTemplateErrorsAndGlue() throws {
        var tokenizer = try AutoTokenizer.fromPretrained(Self.minilmFolder)
        let messages: [[String: JSONValue]] = [["role": .string("user"), "content": .string("hello world")]]
        #expect(throws: TokenizerError.self) { try tokenizer.applyChatTemplate(messages: messages) }
        tokenizer.chatTemplate = "T:"
        // Passed per call: registering it would change the renderer of every test running in this process.
        let text = try tokenizer.applyChatTemplate(messages: messages, addGenerationPrompt: true, tokenize: false, renderer: EchoRenderer())
        #expect(text == .text("T:<user>hello world<assistant>[SEP]"))
        let ids = try tokenizer.applyChatTemplate(messages: messages, addGenerationPrompt: true, tokenize: true, renderer: EchoRenderer())
        #expect(ids == .ids(try tokenizer.encode("T:<user>hello world<assistant>[SEP]", addSpecialTokens: false)))
        #expect(throws: TokenizerError.self) { try tokenizer.applyChatTemplate(messages: messages, templateName: "tool_use") }
    }

    // MARK: Legacy files

    /// vocab.txt written from MiniLM's vocabulary must tokenize exactly like MiniLM's tokenizer.json
    /// (which transformers' BertConverter produced from that vocab.txt).
    @Test func bertVocabTxtMatchesTokenizerJSON() throws {
        let reference = try #require(try Fixtures.tokenizer("minilm"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let size = reference.vocabularySize(withAddedTokens: false)
        let lines = (0..<size).map { reference.idToToken($0) ?? "" }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        try Data(contentsOf: Self.minilmFolder.appendingPathComponent("tokenizer_config.json"))
            .write(to: folder.appendingPathComponent("tokenizer_config.json"))
        let legacy = try AutoTokenizer.fromPretrained(folder).backend
        var plain = reference
        plain.padding = nil
        plain.truncation = nil
        for text in Fixtures.corpus {
            let a = try legacy.encode(text)
            let b = try plain.encode(text)
            #expect(a.ids == b.ids && a.offsets == b.offsets, "\(text.prefix(40))")
            #expect(try legacy.decode(a.ids) == plain.decode(b.ids))
        }
    }

    /// vocab.json + merges.txt written from the byte-level fixture give the same ids and tokens.
    @Test func gpt2VocabAndMergesMatchTokenizerJSON() throws {
        let json = try Fixtures.json("tokenizers/bpe-bytelevel/tokenizer.json")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-merges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var vocab: [String] = []
        for (k, v) in json["model"]?["vocab"]?.objectValue ?? JSONObject() {
            let escaped = k.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            vocab.append("\"\(escaped)\": \(v.intValue ?? 0)")
        }
        try ("{" + vocab.joined(separator: ", ") + "}").write(to: folder.appendingPathComponent("vocab.json"), atomically: true, encoding: .utf8)
        let merges = (json["model"]?["merges"]?.arrayValue ?? []).map { m in
            m.stringValue ?? (m.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")
        }
        try ("#version: 0.2\n" + merges.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        try #"{"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>"}"#.write(
            to: folder.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        let legacy = try AutoTokenizer.fromPretrained(folder).backend
        let expected = try Fixtures.json("expected/bpe-bytelevel.json")["single"]?.arrayValue ?? []
        for (text, x) in zip(Fixtures.corpus, expected) where !text.contains("<|user|>") && !text.contains("DEBUG") {
            let e = try legacy.encode(text)
            #expect(e.ids == x["ids"]?.arrayValue?.compactMap(\.intValue), "\(text.prefix(40))")
            #expect(try legacy.decode(e.ids, skipSpecialTokens: false) == x["decode_keep_special"]?.stringValue)
        }
    }
}
