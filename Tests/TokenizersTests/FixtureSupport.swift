// Loading the reference fixtures (Scripts/fixtures/tokenizers/generate.py) and comparing encodings.
import JSON
import CZlib
import Foundation
import Testing
@testable import Tokenizers

enum Fixtures {
    /// The fixture tree with every `X.gz` inflated to `X` (large fixtures are committed gzip-compressed):
    /// a copy in a per-process temporary folder, made once.
    static let root: URL = {
        let bundled = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("sfs-tokenizers-fixtures-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: bundled, to: copy)
            let files = FileManager.default.enumerator(at: copy, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
            for file in files where file.pathExtension == "gz" {
                try gunzip(Data(contentsOf: file), name: file.path).write(to: file.deletingPathExtension())
                try FileManager.default.removeItem(at: file)
            }
            return copy
        } catch {
            Issue.record("cannot inflate the fixtures into \(copy.path): \(error)")
            return bundled
        }
    }()

    static func gunzip(_ data: Data, name: String) throws -> Data {
        var count = 0
        let bytes = [UInt8](data)
        guard let out = czlib_inflate(bytes, bytes.count, &count) else {
            throw TokenizerError.invalidArgument("\(name): corrupt gzip data")
        }
        defer { free(out) }
        return Data(bytes: out, count: count)
    }

    static func json(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        return try parseJSON([UInt8](data))
    }

    /// The fixture tokenizer `name`; nil (after printing why) when it is a real tokenizer that is not
    /// committed and not installed (see `RealTokenizers`).
    static func tokenizer(_ name: String) throws -> Tokenizer? {
        switch name {
        case "clip":
            // Committed as CLIP ships it (vocab.json + merges.txt): the legacy loader builds the pipeline.
            return try AutoTokenizer.fromPretrained(root.appendingPathComponent("tokenizers/clip")).backend
        case "moonshine":
            guard let url = RealTokenizers.moonshineTokenizerJSON else {
                print("skipped: Moonshine tokenizer.json not installed (Scripts/get-models, or SFS_MOONSHINE_TOKENIZER)")
                return nil
            }
            return try Tokenizer(contentsOf: url)
        default:
            return try Tokenizer(contentsOf: root.appendingPathComponent("tokenizers/\(name)/tokenizer.json"))
        }
    }

    static let corpus: [String] = {
        (try? json("corpus.json"))?["strings"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }()

    static let pairs: [(String, String)] = {
        ((try? json("corpus.json"))?["pairs"]?.arrayValue ?? []).compactMap { p in
            guard let a = p.arrayValue, a.count == 2, let x = a[0].stringValue, let y = a[1].stringValue else { return nil }
            return (x, y)
        }
    }()

    /// Every tokenizer that has fixtures.
    static let names = [
        "bpe-bytelevel", "bpe-llama3-split", "wordpiece-bert", "wordpiece-bertprocessing", "minilm",
        "wordlevel-misc", "wordlevel-splits", "wordlevel-metaspace", "bpe-suffix", "unigram-t5",
        "bpe-llama-bytefallback", "bpe-llama-metaspace", "botchan-bpe", "botchan-unigram", "kyoto-unigram", "clip",
        "moonshine",
    ]
}

/// Compares our encoding with the reference's JSON; returns a description of the first difference.
func difference(_ e: Encoding, _ x: JSONValue, checkAttention: Bool = true) -> String? {
    func ints(_ key: String) -> [Int]? { x[key]?.arrayValue?.map { $0.intValue ?? -999 } }
    func optionalInts(_ key: String) -> [Int?]? { x[key]?.arrayValue?.map { $0.intValue } }
    if let v = ints("ids"), v != e.ids { return "ids \(e.ids) != \(v)" }
    if let v = x["tokens"]?.arrayValue?.compactMap(\.stringValue), v != e.tokens { return "tokens \(e.tokens) != \(v)" }
    if let v = x["offsets"]?.arrayValue?.map({ Offsets($0.arrayValue?[0].intValue ?? -1, $0.arrayValue?[1].intValue ?? -1) }), v != e.offsets {
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
    let overflow = x["overflowing"]?.arrayValue ?? []
    if overflow.count != e.overflowing.count {
        return "overflowing count \(e.overflowing.count) != \(overflow.count)"
    }
    for (k, (o, ox)) in zip(e.overflowing, overflow).enumerated() {
        if let d = difference(o, ox) { return "overflowing[\(k)]: \(d)" }
    }
    return nil
}
