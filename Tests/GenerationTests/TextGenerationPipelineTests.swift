import Foundation
import Testing
import Generation
import Hub
import Models
import Pipelines
import Tokenizers

/// The text-generation pipeline on the tiny GGUF checkpoint against transformers 4.55.4's pipeline on the same file
/// (Scripts/fixtures/generation/text_generation_pipeline.py): strings, lists, chats (with and without an assistant
/// prefill), return_full_text, beams with num_return_sequences, per-call processors, max_length.
@Suite struct TextGenerationPipelineTests {
    static func pipeline() throws -> any TextPipeline {
        let folder = GGUFLoadingTests.folder.path
        let tokenizer = try AutoTokenizer.fromPretrained(folder, ggufFile: GGUFLoadingTests.fileName)
        let (model, _) = try AutoModel.fromPretrained(folder, ggufFile: GGUFLoadingTests.fileName, dequantize: true)
        return try Pipeline.make(task: "text-generation", model: model, tokenizer: tokenizer)
    }

    /// Reference values read with Hub's JSON parser (keeps key order and tells booleans from numbers).
    static func value(_ json: JSONValue) -> PipelineValue {
        switch json {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(value))
        case .object(let object): return .dict(object.keys.map { ($0, value(object[$0] ?? .null)) })
        }
    }

    static func fixture() throws -> JSONValue {
        try JSONValue(contentsOf: GGUFLoadingTests.folder.appendingPathComponent("pipeline.json"))
    }

    @Test func callsMatchReference() throws {
        let cases = try #require(try Self.fixture()["cases"]?.arrayValue)
        #expect(cases.count >= 8)
        let pipe = try Self.pipeline()
        for item in cases {
            let kwargs = try #require(item["kwargs"]?.objectValue)
            let options = Dictionary(uniqueKeysWithValues: kwargs.keys.map { ($0, Self.value(kwargs[$0] ?? .null)) })
            let got = try pipe(Self.value(item["inputs"] ?? .null), options)
            #expect(got == Self.value(item["output"] ?? .null), "pipe(\(Self.value(item["inputs"] ?? .null)), \(options))")
        }
    }

    @Test func defaultsArePipelineDefaultsUnderModelValues() throws {
        let pipe = try #require(try Self.pipeline() as? TextGenerationPipeline)
        let want = try #require(try Self.fixture()["generation_config"])
        let config = pipe.generationConfig
        #expect(config.maxNewTokens == want["max_new_tokens"]?.intValue)
        #expect(config.doSample == (want["do_sample"]?.boolValue ?? false))
        #expect(abs(config.temperature - (want["temperature"]?.doubleValue ?? 1)) < 1e-9)
        #expect(config.eosTokenId == want["eos_token_id"]?.intValue.map { [$0] })
        #expect(config.padTokenId == want["pad_token_id"]?.intValue)
    }

    @Test func unknownKeywordIsRejected() throws {
        let pipe = try Self.pipeline()
        #expect(throws: PipelineError.self) { try pipe(.string("Hi"), ["max_new_tokenz": .int(3)]) }
    }
}
