// Corrupt and hostile inputs must produce errors, never crashes.
import JSON
import Foundation
import Testing
@testable import Tokenizers

@Suite struct RobustnessTests {
    static let minilmBytes: [UInt8] = {
        (try? [UInt8](Data(contentsOf: Fixtures.root.appendingPathComponent("tokenizers/minilm/tokenizer.json")))) ?? []
    }()

    @Test(arguments: [1, 10, 100, 1000, 50_000, 200_000])
    func truncatedJSONThrows(length: Int) {
        let cut = Array(Self.minilmBytes.prefix(length))
        #expect(throws: TokenizerError.self) { try Tokenizer(jsonBytes: cut) }
    }

    func modified(_ body: (inout String) -> Void) -> [UInt8] {
        var text = String(decoding: Self.minilmBytes, as: UTF8.self)
        body(&text)
        return Array(text.utf8)
    }

    @Test func unknownComponentTypesAreNamed() {
        let cases: [(String, String, String)] = [
            (#""type":"BertPreTokenizer""#, #""type":"Frobnicate""#, "pre_tokenizer"),
            (#""type":"WordPiece","unk_token""#, #""type":"Mystery","unk_token""#, "model"),
            (#""type":"BertNormalizer""#, #""type":"Shout""#, "normalizer"),
        ]
        for (from, to, component) in cases {
            let bytes = modified { $0 = $0.replacingOccurrences(of: from, with: to) }
            do {
                _ = try Tokenizer(jsonBytes: bytes)
                Issue.record("\(component): expected an error")
            } catch {
                #expect(error.description.contains(component), "\(error)")
                #expect(error.description.contains("Frobnicate") || error.description.contains("Mystery")
                    || error.description.contains("Shout"), "\(error)")
            }
        }
    }

    @Test func mergesReferencingMissingTokensThrow() throws {
        let json = #"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b", "a zz"]}}"#
        do {
            _ = try Tokenizer(jsonBytes: Array(json.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("zz"))
        }
        let bad = #"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}"#
        #expect(throws: TokenizerError.self) { try Tokenizer(jsonBytes: Array(bad.utf8)) }
        let malformed = #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a"]}}"#
        #expect(throws: TokenizerError.self) { try Tokenizer(jsonBytes: Array(malformed.utf8)) }
    }

    @Test func hostileJSONShapesThrow() {
        let cases = [
            "", "{", "[", "null", "{\"model\": 3}", String(repeating: "[", count: 100_000),
            #"{"model": {"type": "WordPiece", "vocab": {"a": -5}}}"#, #"{"model": {"type": "Unigram", "vocab": [["a"]]}}"#,
            #"{"model": {"type": "Unigram", "vocab": [["a", 0.0]], "unk_id": 7}}"#, "{\"a\": \"\\ud800\"",
        ]
        for c in cases {
            #expect(throws: TokenizerError.self, "\(c.prefix(30))") { try Tokenizer(jsonBytes: Array(c.utf8)) }
        }
    }

    @Test func hugeInputEncodes() throws {
        var tokenizer = try #require(try Fixtures.tokenizer("bpe-bytelevel"))
        tokenizer.padding = nil
        let text = String(repeating: "naïve 中文 😀 ", count: 20_000) + String(repeating: "a", count: 100_000)
        let e = try tokenizer.encode(text)
        #expect(e.count > 10_000)
        #expect(e.offsets.last?.end == text.unicodeScalars.count)
    }

    @Test func missingFolderThrows() {
        #expect(throws: TokenizerError.self) { try AutoTokenizer.fromPretrained("/nonexistent/folder") }
    }
}
