// Each normalizer, pre-tokenizer and decoder alone, built from its tokenizer.json form, against the
// reference's normalize_str / pre_tokenize_str / decode (Scripts/fixtures/tokenizers/components.py).
import JSON
import Testing
@testable import Tokenizers

@Suite struct ComponentTests {
    static let expected = try? Fixtures.json("expected/components.json")

    @Test func normalizersMatchReference() throws {
        for entry in Self.expected?["normalizers"]?.arrayValue ?? [] {
            let normalizer = try ComponentRegistry.buildNormalizer(entry["json"]!)
            for (text, want) in zip(Fixtures.corpus, entry["outputs"]?.arrayValue ?? []) {
                var n = NormalizedString(Array(text.unicodeScalars))
                try normalizer.normalize(&n)
                #expect(n.scalars == Array((want.stringValue ?? "").unicodeScalars),
                    "\(entry["json"]?["type"]?.stringValue ?? "") \(text.debugDescription.prefix(50))")
            }
        }
    }

    @Test func preTokenizersMatchReference() throws {
        for entry in Self.expected?["pre_tokenizers"]?.arrayValue ?? [] {
            let preTokenizer = try ComponentRegistry.buildPreTokenizer(entry["json"]!)
            for (text, want) in zip(Fixtures.corpus, entry["outputs"]?.arrayValue ?? []) {
                var p = PreTokenizedString(Array(text.unicodeScalars))
                try preTokenizer.preTokenize(&p)
                let got = p.splits.map { ($0.normalized.string, Offsets($0.normalized.originalStart, $0.normalized.originalEnd)) }
                let expected = (want.arrayValue ?? []).map { piece in
                    (piece.arrayValue?[0].stringValue ?? "", Offsets(piece.arrayValue?[1].arrayValue?[0].intValue ?? -1, piece.arrayValue?[1].arrayValue?[1].intValue ?? -1))
                }
                let same = got.count == expected.count
                    && zip(got, expected).allSatisfy { $0.0.unicodeScalars.elementsEqual($1.0.unicodeScalars) && $0.1 == $1.1 }
                #expect(same, "\(entry["json"]?["type"]?.stringValue ?? "") \(text.debugDescription.prefix(50)): \(got) != \(expected)")
            }
        }
    }

    /// UnicodeScripts on random scalars from every plane: checks the whole script table, not just the corpus.
    @Test func unicodeScriptsMatchReferenceOnAllPlanes() throws {
        let cases = Self.expected?["unicode_scripts"]?.arrayValue ?? []
        #expect(cases.count == 60)
        let preTokenizer = UnicodeScriptsPreTokenizer()
        for x in cases {
            let text = x["text"]?.stringValue ?? ""
            var p = PreTokenizedString(Array(text.unicodeScalars))
            try preTokenizer.preTokenize(&p)
            let got = p.splits.map { [$0.normalized.originalStart, $0.normalized.originalEnd] }
            let want = (x["pieces"]?.arrayValue ?? []).map { ($0.arrayValue?[1].arrayValue ?? []).map { $0.intValue ?? -1 } }
            #expect(got == want, "\(text.unicodeScalars.prefix(8).map { String($0.value, radix: 16) })")
        }
    }

    @Test func fixedLengthZeroIsAnError() {
        let json = try? parseJSON(Array(#"{"type":"FixedLength","length":0}"#.utf8))
        #expect(throws: TokenizerError.self) { try ComponentRegistry.buildPreTokenizer(json ?? .null) }
    }

    @Test func decodersMatchReference() throws {
        let lists = (Self.expected?["token_lists"]?.arrayValue ?? []).map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
        for entry in Self.expected?["decoders"]?.arrayValue ?? [] {
            let decoder = try ComponentRegistry.buildDecoder(entry["json"]!)
            for (tokens, want) in zip(lists, entry["outputs"]?.arrayValue ?? []) {
                let got = try decoder.decode(tokens)
                #expect(got.unicodeScalars.elementsEqual((want.stringValue ?? "").unicodeScalars),
                    "\(entry["json"]?["type"]?.stringValue ?? "") \(tokens): \(got.debugDescription) != \(want.stringValue?.debugDescription ?? "")")
            }
        }
    }
}
