// Every fixture tokenizer × every corpus string, against the reference `tokenizers` output.
import Foundation
import Testing
@testable import Tokenizers

@Suite struct ReferenceParityTests {
    @Test(arguments: Fixtures.names)
    func singleSequences(name: String) throws {
        guard var tokenizer = try Fixtures.tokenizer(name) else { return }
        tokenizer.padding = nil
        tokenizer.truncation = nil
        let expected = try Fixtures.json("expected/\(name).json")
        let cases = expected["single"]?.arrayValue ?? []
        #expect(cases.count == Fixtures.corpus.count)
        for (text, x) in zip(Fixtures.corpus, cases) {
            let e = try tokenizer.encode(text)
            let d = difference(e, x, checkAttention: false)
            #expect(d == nil, "\(name) \(text.debugDescription.prefix(80)): \(d ?? "")")
            #expect(e.attentionMask == Array(repeating: 1, count: e.count))
            let plain = try tokenizer.encode(text, addSpecialTokens: false)
            let plainExpected = x["ids_no_special"]?.arrayValue?.compactMap(\.intValue)
            #expect(plain.ids == plainExpected, "\(name) no special tokens \(text.debugDescription.prefix(60))")
            let decoded = try tokenizer.decode(e.ids, skipSpecialTokens: true)
            #expect(decoded == x["decode"]?.stringValue, "\(name) decode \(text.debugDescription.prefix(60))")
            let kept = try tokenizer.decode(e.ids, skipSpecialTokens: false)
            #expect(kept == x["decode_keep_special"]?.stringValue, "\(name) decode keep special \(text.debugDescription.prefix(60))")
        }
    }

    /// The padding and truncation sections of the file itself (MiniLM: truncate and pad to 128).
    @Test(arguments: Fixtures.names)
    func fileSettings(name: String) throws {
        guard let tokenizer = try Fixtures.tokenizer(name) else { return }
        let expected = try Fixtures.json("expected/\(name).json")
        let d = difference(try tokenizer.encode(Fixtures.corpus[4], pair: Fixtures.corpus[27]), expected["file_settings"]!)
        #expect(d == nil, "\(name): \(d ?? "")")
    }

    @Test(arguments: Fixtures.names)
    func streamingDecode(name: String) throws {
        guard let tokenizer = try Fixtures.tokenizer(name) else { return }
        let expected = try Fixtures.json("expected/\(name).json")
        for x in expected["stream"]?.arrayValue ?? [] {
            let skip = x["skip_special_tokens"]?.boolValue ?? true
            var stream = StreamingDecoder(skipSpecialTokens: skip)
            var steps: [String?] = []
            for id in x["ids"]?.arrayValue?.compactMap(\.intValue) ?? [] { steps.append(try stream.step(id, tokenizer: tokenizer)) }
            let want = (x["steps"]?.arrayValue ?? []).map(\.stringValue)
            #expect(steps == want, "\(name) stream string \(x["string"]?.intValue ?? -1) skip \(skip)")
        }
    }

    @Test(arguments: Fixtures.names)
    func pairs(name: String) throws {
        guard var tokenizer = try Fixtures.tokenizer(name) else { return }
        tokenizer.padding = nil
        tokenizer.truncation = nil
        let expected = try Fixtures.json("expected/\(name).json")
        for ((a, b), x) in zip(Fixtures.pairs, expected["pairs"]?.arrayValue ?? []) {
            let d = difference(try tokenizer.encode(a, pair: b), x)
            #expect(d == nil, "\(name) pair \(a) / \(b): \(d ?? "")")
        }
    }

    @Test(arguments: Fixtures.names)
    func truncation(name: String) throws {
        guard var tokenizer = try Fixtures.tokenizer(name) else { return }
        tokenizer.padding = nil
        let expected = try Fixtures.json("expected/\(name).json")
        for x in expected["truncation"]?.arrayValue ?? [] {
            let strategy = TruncationStrategy(rawValue: x["strategy"]?.stringValue ?? "") ?? .longestFirst
            let direction = TruncationDirection(rawValue: x["direction"]?.stringValue ?? "") ?? .right
            tokenizer.truncation = TruncationParameters(
                maxLength: x["max_length"]?.intValue ?? 0, stride: x["stride"]?.intValue ?? 0, strategy: strategy,
                direction: direction)
            let label = "\(name) \(strategy) \(direction) max \(x["max_length"]?.intValue ?? 0) stride \(x["stride"]?.intValue ?? 0) pair \(x["pair"]?.intValue ?? -1)"
            let result: Result<Encoding, TokenizerError>
            if let p = x["pair"]?.intValue {
                result = Result { () throws(TokenizerError) in try tokenizer.encode(Fixtures.pairs[p].0, pair: Fixtures.pairs[p].1) }
            } else {
                result = Result { () throws(TokenizerError) in try tokenizer.encode(Fixtures.corpus[4]) }
            }
            switch result {
            case .success(let e):
                #expect(x["error"] == nil, "\(label): the reference fails (\(x["error"]?.stringValue ?? "")) but we encoded")
                if let ex = x["encoding"] {
                    let d = difference(e, ex)
                    #expect(d == nil, "\(label): \(d ?? "")")
                }
            case .failure(let error):
                #expect(x["error"] != nil, "\(label): we fail with \(error) but the reference encodes")
            }
        }
    }

    @Test(arguments: Fixtures.names)
    func paddingInBatches(name: String) throws {
        guard var tokenizer = try Fixtures.tokenizer(name) else { return }
        tokenizer.truncation = nil
        let expected = try Fixtures.json("expected/\(name).json")
        let batch = expected["padding_batch"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for x in expected["padding"]?.arrayValue ?? [] {
            let p = x["params"]!
            tokenizer.padding = PaddingParameters(
                strategy: p["length"]?.intValue.map { .fixed($0) } ?? .longest,
                direction: PaddingDirection(rawValue: p["direction"]?.stringValue ?? "right") ?? .right,
                padToMultipleOf: p["pad_to_multiple_of"]?.intValue, padId: p["pad_id"]?.intValue ?? 0, padTypeId: 0,
                padToken: p["pad_token"]?.stringValue ?? "[PAD]")
            let encodings = try tokenizer.encodeBatch(batch)
            for (e, ex) in zip(encodings, x["batch"]?.arrayValue ?? []) {
                let d = difference(e, ex)
                #expect(d == nil, "\(name) padding \(p): \(d ?? "")")
            }
            guard let expectedPairs = x["pairs"]?.arrayValue, !expectedPairs.isEmpty else { continue }
            let pairs = Array(Fixtures.pairs.prefix(2))
            let pairEncodings = try tokenizer.encodeBatch(pairs.map(\.0), pairs: pairs.map(\.1))
            for (e, ex) in zip(pairEncodings, expectedPairs) {
                let d = difference(e, ex)
                #expect(d == nil, "\(name) padding pairs \(p): \(d ?? "")")
            }
        }
    }

    @Test(arguments: Fixtures.names)
    func vocabularySize(name: String) throws {
        guard let tokenizer = try Fixtures.tokenizer(name) else { return }
        let expected = try Fixtures.json("expected/\(name).json")
        #expect(tokenizer.vocabularySize(withAddedTokens: true) == expected["vocab_size"]?.intValue)
        #expect(tokenizer.vocabularySize(withAddedTokens: false) == expected["vocab_size_no_added"]?.intValue)
    }
}
