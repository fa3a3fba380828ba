// Loading the reference fixtures (Scripts/fixtures/tokenizers/generate.py) and comparing encodings.
import Foundation
import Testing
@testable import Tokenizers

enum Fixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func json(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        return try JSONParser.parse([UInt8](data))
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: root.appendingPathComponent("tokenizers/\(name)/tokenizer.json"))
    }

    static let corpus: [String] = {
        (try? json("corpus.json"))?["strings"]?.array?.compactMap(\.string) ?? []
    }()

    static let pairs: [(String, String)] = {
        ((try? json("corpus.json"))?["pairs"]?.array ?? []).compactMap { p in
            guard let a = p.array, a.count == 2, let x = a[0].string, let y = a[1].string else { return nil }
            return (x, y)
        }
    }()

    /// Every tokenizer that has fixtures.
    static let names = [
        "bpe-bytelevel", "bpe-llama3-split", "wordpiece-bert", "wordpiece-bertprocessing", "minilm",
        "wordlevel-misc", "wordlevel-splits", "wordlevel-metaspace", "bpe-suffix", "unigram-t5",
        "bpe-llama-bytefallback", "bpe-llama-metaspace", "botchan-bpe",
    ]
}

/// Compares our encoding with the reference's JSON; returns a description of the first difference.
func difference(_ e: Encoding, _ x: JSONValue, checkAttention: Bool = true) -> String? {
    func ints(_ key: String) -> [Int]? { x[key]?.array?.map { $0.int ?? -999 } }
    func optionalInts(_ key: String) -> [Int?]? { x[key]?.array?.map { $0.int } }
    if let v = ints("ids"), v != e.ids { return "ids \(e.ids) != \(v)" }
    if let v = x["tokens"]?.array?.compactMap(\.string), v != e.tokens { return "tokens \(e.tokens) != \(v)" }
    if let v = x["offsets"]?.array?.map({ Offsets($0.array?[0].int ?? -1, $0.array?[1].int ?? -1) }), v != e.offsets {
        return "offsets \(e.offsets) != \(v)"
    }
    if let v = ints("type_ids"), v != e.typeIds { return "type_ids \(e.typeIds) != \(v)" }
    if let v = ints("special_tokens_mask"), v != e.specialTokensMask {
        return "special_tokens_mask \(e.specialTokensMask) != \(v)"
    }
    if checkAttention, let v = ints("attention_mask"), v != e.attentionMask {
        return "attention_mask \(e.attentionMask) != \(v)"
    }
    if let v = optionalInts("word_ids"), v != e.wordIds { return "word_ids \(e.wordIds) != \(v)" }
    if let v = optionalInts("sequence_ids"), v != e.sequenceIds { return "sequence_ids \(e.sequenceIds) != \(v)" }
    let overflow = x["overflowing"]?.array ?? []
    if overflow.count != e.overflowing.count {
        return "overflowing count \(e.overflowing.count) != \(overflow.count)"
    }
    for (k, (o, ox)) in zip(e.overflowing, overflow).enumerated() {
        if let d = difference(o, ox) { return "overflowing[\(k)]: \(d)" }
    }
    return nil
}
