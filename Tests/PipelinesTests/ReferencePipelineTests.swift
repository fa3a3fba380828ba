import Foundation
import Testing
import Pipelines
import Hub
import Tokenizers

/// Every call recorded by Scripts/fixtures/pipelines/text_pipelines.py (the reference pipelines of transformers on
/// tiny BERT checkpoints) gives the same keys, labels, order, strings and scores (1e-4) here — one by one and with
/// batch_size 3.
@Suite struct ReferencePipelineTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func cases(_ file: String = "expected.json") throws -> [JSONValue] {
        let bytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(file)))
        return try JSONValue(parsing: bytes)["cases"]?.arrayValue ?? []
    }

    /// JSON (ordered) → pipeline value; ints and floats as Python wrote them.
    static func value(_ json: JSONValue) -> PipelineValue {
        switch json {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(a.map(value))
        case .object(let o): return .dict(o.map { ($0.key, value($0.value)) })
        }
    }

    /// Structural equality with a 1e-4 tolerance on numbers; the path says where a difference is.
    static func compare(_ got: PipelineValue, _ want: PipelineValue, path: String = "$") -> String? {
        switch (got, want) {
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return "\(path): \(a.count) items, expected \(b.count)" }
            for (i, (x, y)) in zip(a, b).enumerated() { if let d = compare(x, y, path: "\(path)[\(i)]") { return d } }
            return nil
        case (.dict(let a), .dict(let b)):
            guard a.map(\.0) == b.map(\.0) else { return "\(path): keys \(a.map(\.0)), expected \(b.map(\.0))" }
            for (x, y) in zip(a, b) { if let d = compare(x.1, y.1, path: "\(path).\(x.0)") { return d } }
            return nil
        case (.int(let x), .int(let y)):
            return x == y ? nil : "\(path): \(x), expected \(y)"
        default:
            if let x = got.double, let y = want.double {
                return abs(x - y) <= 1e-4 ? nil : "\(path): \(x), expected \(y)"
            }
            return got == want ? nil : "\(path): \(got), expected \(want)"
        }
    }

    /// Replays every case of `file` with batch_size 1 and 3; returns how many cases there were.
    @discardableResult
    static func replay(_ file: String) throws -> Int {
        let cases = try Self.cases(file)
        var pipelines: [String: any TextPipeline] = [:]
        for (n, testCase) in cases.enumerated() {
            let task = testCase["task"]?.stringValue ?? ""
            let model = testCase["model"]?.stringValue ?? ""
            let key = task + "/" + model
            if pipelines[key] == nil {
                let folder = Self.fixtures.appendingPathComponent(model).path
                pipelines[key] = try Pipeline.make(task: task, model: folder)
            }
            let pipe = try #require(pipelines[key])
            let inputs = Self.value(testCase["inputs"] ?? .null)
            var options: [String: PipelineValue] = [:]
            for entry in testCase["kwargs"]?.objectValue.map(Array.init) ?? [] { options[entry.key] = Self.value(entry.value) }
            let expected = Self.value(testCase["output"] ?? .null)
            for batchSize in [1, 3] {
                var batched = options
                batched["batch_size"] = .int(batchSize)
                let got: PipelineValue
                do { got = try pipe(inputs, batched) } catch {
                    Issue.record("\(file) case \(n) \(model) \(task) \(options) batch_size=\(batchSize): \(error)")
                    continue
                }
                let difference = Self.compare(got, expected)
                #expect(difference == nil, "\(file) case \(n) \(model) \(task) \(options) batch_size=\(batchSize): \(difference ?? "")")
            }
        }
        return cases.count
    }

    @Test func everyReferenceCaseMatches() throws {
        #expect(try Self.replay("expected.json") >= 34)
    }

    @Test func aliasesAndUnknownTasks() throws {
        #expect(try TaskRegistry.entry(for: "sentiment-analysis").name == "text-classification")
        #expect(try TaskRegistry.entry(for: "ner").name == "token-classification")
        #expect(throws: PipelineError.self) { try TaskRegistry.entry(for: "summarize-everything") }
    }

    @Test func badOptionsAndInputsAreClearErrors() throws {
        let folder = Self.fixtures.appendingPathComponent("tiny-bert-mlm").path
        let pipe = try Pipeline.make(task: "fill-mask", model: folder)
        #expect(throws: PipelineError.self) { try pipe("No mask here.") }
        #expect(throws: PipelineError.self) { try pipe("A [MASK] here.", ["top_k": "three"]) }
        #expect(throws: PipelineError.self) { try pipe("A [MASK] here.", ["topk_typo": 3]) }
    }

    @Test func pythonReprOfResults() {
        let value: PipelineValue = ["score": 0.5, "token": 3, "token_str": "it's", "sequence": "a b", "x": 1e-05]
        #expect(value.description == "{'score': 0.5, 'token': 3, 'token_str': \"it's\", 'sequence': 'a b', 'x': 1e-05}")
        #expect(PipelineValue.double(0.0001).description == "0.0001")
        #expect(PipelineValue.double(0.003053324995562434).description == "0.003053324995562434")
        #expect(PipelineValue.double(1e16).description == "1e+16")
    }
}
