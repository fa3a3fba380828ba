import Foundation
import Testing
@testable import Generation
import Hub
import Models
import Tensors
import Tokenizers

/// `from_pretrained(dir, gguf_file=…)` against transformers 4.55.4 loading the same file.
/// The tiny file (Scripts/fixtures/generation/tiny_gguf.py) is written as llama.cpp's converter writes one: q/k rows
/// permuted, Q8_0 / Q4_1 / F32 tensors, a byte-level BPE vocabulary with a chat template.
@Suite struct GGUFLoadingTests {
    static let folder = Bundle.module.url(forResource: "Fixtures/tiny-gguf", withExtension: nil)!
    static let fileName = "tiny-llama.Q8_0.gguf"

    static func expected() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as? [String: Any])
    }

    @Test func configFromMetadataMatchesReference() throws {
        let checkpoint = try GGUFCheckpoint(path: Self.folder.appendingPathComponent(Self.fileName).path)
        let want = try #require(try Self.expected()["config"] as? [String: Any])
        let keys = ["model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                    "num_key_value_heads", "head_dim", "max_position_embeddings", "rope_theta", "rms_norm_eps",
                    "tie_word_embeddings", "bos_token_id", "eos_token_id", "pad_token_id", "_model_name_or_path"]
        for key in keys {
            let value = try #require(want[key], "reference config lacks \(key)")
            if let number = value as? NSNumber, let ours = checkpoint.config.double(key) {
                #expect(ours == number.doubleValue, "\(key)")
            } else {
                #expect(checkpoint.config.string(key) == value as? String, "\(key)")
            }
        }
    }

    @Test func queryRowsAreUnpermuted() throws {
        let checkpoint = try GGUFCheckpoint(path: Self.folder.appendingPathComponent(Self.fileName).path)
        let tensors = Dictionary(uniqueKeysWithValues: try checkpoint.tensors())
        let q = try #require(tensors["model.layers.0.self_attn.q_proj.weight"])
        let want = try #require(try Self.expected()["q_proj_rows"] as? [[Double]])
        let ours = q.contiguous().floats()
        let width = q.shape[1]
        for (row, values) in want.enumerated() {
            for (column, value) in values.enumerated() {
                #expect(abs(Double(ours[row * width + column]) - value) < 1e-6, "q_proj[\(row), \(column)]")
            }
        }
    }

    @Test func logitsAndGreedyGenerationMatchReference() throws {
        let (loaded, report) = try AutoModel.fromPretrained(Self.folder.path, ggufFile: Self.fileName, dequantize: true)
        #expect(report.unexpected.isEmpty)
        let model = try #require(loaded as? any CausalLanguageModel)
        let expected = try Self.expected()
        let ids = try #require(expected["chat_ids"] as? [Int])
        let logits = try model.logits(inputIds: Tensor(ids.map(Int64.init), shape: [1, ids.count]), attentionMask: nil,
                                      positionIds: nil, cache: nil, lastOnly: false)
        let want = try #require(expected["logits"] as? [[Double]])
        let vocab = logits.shape[2], flat = logits.contiguous().floats()
        var worst = 0.0
        for (k, row) in want.enumerated() {
            let position = ids.count - want.count + k
            for (v, value) in row.enumerated() { worst = max(worst, abs(Double(flat[position * vocab + v]) - value)) }
        }
        #expect(worst < 1e-4, "largest logit difference \(worst)")
        var config = GenerationConfig(modelConfig: loaded.config)
        config.maxNewTokens = 24
        let output = try Generation.generate(model: model, GenerationRequest(inputIds: [ids], config: config))
        #expect(output.sequences[0] == expected["generated"] as? [Int])
    }

    @Test func tokenizerMatchesReferenceOnCorpus() throws {
        let tokenizer = try AutoTokenizer.fromPretrained(Self.folder.path, ggufFile: Self.fileName)
        let expected = try Self.expected()
        let special = try #require(expected["tokenizer"] as? [String: Any])
        #expect(tokenizer.bosToken == special["bos_token"] as? String)
        #expect(tokenizer.eosToken == special["eos_token"] as? String)
        #expect(tokenizer.unkToken == special["unk_token"] as? String)
        #expect(tokenizer.padToken == nil && special["pad_token"] is NSNull)
        #expect(tokenizer.paddingSide.rawValue == special["padding_side"] as? String)
        try Self.checkEncodings(tokenizer, try #require(expected["encodings"] as? [[String: Any]]))
        let messages: [[String: String]] = [["role": "user", "content": "What is the capital of France?"]]
        let text = try tokenizer.applyChatTemplate(messages: messages.map { $0.mapValues { .string($0) } }, addGenerationPrompt: true, tokenize: false)
        #expect(text == .text(try #require(expected["chat_text"] as? String)))
        #expect(try tokenizer.encode(try #require(expected["chat_text"] as? String), addSpecialTokens: false) == expected["chat_ids"] as? [Int])
    }

    static func checkEncodings(_ tokenizer: PreTrainedTokenizer, _ cases: [[String: Any]]) throws {
        #expect(cases.count >= 40)
        for item in cases {
            let text = try #require(item["text"] as? String)
            let ids = try tokenizer.encode(text)
            #expect(ids == item["ids"] as? [Int], "ids of \(text.debugDescription)")
            #expect(try tokenizer.decode(ids) == item["decoded"] as? String, "decode of \(text.debugDescription)")
            #expect(try tokenizer.decode(ids, skipSpecialTokens: true) == item["decoded_skip"] as? String, "decode (skip) of \(text.debugDescription)")
        }
    }
}
