// Each normalizer, pre-tokenizer and decoder alone, built from its tokenizer.json form, against the
// reference's normalize_str / pre_tokenize_str / decode (Scripts/fixtures/tokenizers/components.py).
import Testing
@testable import Tokenizers

@Suite struct ComponentTests {
    static let expected = try? Fixtures.json("expected/components.json")

    @Test func normalizersMatchReference() throws {
        for entry in Self.expected?["normalizers"]?.array ?? [] {
            let normalizer = try ComponentRegistry.buildNormalizer(entry["json"]!)
            for (text, want) in zip(Fixtures.corpus, entry["outputs"]?.array ?? []) {
                var n = NormalizedString(Array(text.unicodeScalars))
                try normalizer.normalize(&n)
                #expect(n.scalars == Array((want.string ?? "").unicodeScalars),
                    "\(entry["json"]?["type"]?.string ?? "") \(text.debugDescription.prefix(50))")
            }
        }
    }

    @Test func preTokenizersMatchReference() throws {
        for entry in Self.expected?["pre_tokenizers"]?.array ?? [] {
            let preTokenizer = try ComponentRegistry.buildPreTokenizer(entry["json"]!)
            for (text, want) in zip(Fixtures.corpus, entry["outputs"]?.array ?? []) {
                var p = PreTokenizedString(Array(text.unicodeScalars))
                try preTokenizer.preTokenize(&p)
                let got = p.splits.map { ($0.normalized.string, Offsets($0.normalized.originalStart, $0.normalized.originalEnd)) }
                let expected = (want.array ?? []).map { piece in
                    (piece.array?[0].string ?? "", Offsets(piece.array?[1].array?[0].int ?? -1, piece.array?[1].array?[1].int ?? -1))
                }
                let same = got.count == expected.count
                    && zip(got, expected).allSatisfy { $0.0.unicodeScalars.elementsEqual($1.0.unicodeScalars) && $0.1 == $1.1 }
                #expect(same, "\(entry["json"]?["type"]?.string ?? "") \(text.debugDescription.prefix(50)): \(got) != \(expected)")
            }
        }
    }

    /// UnicodeScripts on random scalars from every plane: checks the whole script table, not just the corpus.
    @Test func unicodeScriptsMatchReferenceOnAllPlanes() throws {
        let cases = Self.expected?["unicode_scripts"]?.array ?? []
        #expect(cases.count == 60)
        let preTokenizer = UnicodeScriptsPreTokenizer()
        for x in cases {
            let text = x["text"]?.string ?? ""
            var p = PreTokenizedString(Array(text.unicodeScalars))
            try preTokenizer.preTokenize(&p)
            let got = p.splits.map { [$0.normalized.originalStart, $0.normalized.originalEnd] }
            let want = (x["pieces"]?.array ?? []).map { ($0.array?[1].array ?? []).map { $0.int ?? -1 } }
            #expect(got == want, "\(text.unicodeScalars.prefix(8).map { String($0.value, radix: 16) })")
        }
    }

    @Test func fixedLengthZeroIsAnError() {
        let json = try? JSONParser.parse(Array(#"{"type":"FixedLength","length":0}"#.utf8))
        #expect(throws: TokenizerError.self) { try ComponentRegistry.buildPreTokenizer(json ?? .null) }
    }

    @Test func decodersMatchReference() throws {
        let lists = (Self.expected?["token_lists"]?.array ?? []).map { $0.array?.compactMap(\.string) ?? [] }
        for entry in Self.expected?["decoders"]?.array ?? [] {
            let decoder = try ComponentRegistry.buildDecoder(entry["json"]!)
            for (tokens, want) in zip(lists, entry["outputs"]?.array ?? []) {
                let got = try decoder.decode(tokens)
                #expect(got.unicodeScalars.elementsEqual((want.string ?? "").unicodeScalars),
                    "\(entry["json"]?["type"]?.string ?? "") \(tokens): \(got.debugDescription) != \(want.string?.debugDescription ?? "")")
            }
        }
    }
}
