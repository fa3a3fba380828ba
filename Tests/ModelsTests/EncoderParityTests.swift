import Foundation
import Testing
@testable import Models
import Tensors

/// Every encoder architecture × head on its tiny random checkpoint (Scripts/fixtures/models/tiny_encoders.py)
/// reproduces the reference's outputs for the same inputs to 1e-4.
@Suite struct EncoderParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/encoders", withExtension: nil)!
    static let architectures = ["bert", "roberta", "xlm-roberta", "electra", "albert", "distilbert", "deberta-v2"]
    static let heads: [(String, ModelTask)] = [
        ("base", .base), ("masked-lm", .maskedLM), ("sequence-classification", .sequenceClassification),
        ("token-classification", .tokenClassification), ("question-answering", .questionAnswering),
        ("multiple-choice", .multipleChoice),
    ]

    /// The fixed inputs of the fixture script, with RoBERTa-style pads (1) where the family uses them.
    static func inputs(for arch: String, multipleChoice: Bool) throws -> ModelInputs {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("manifest.json"))) as? [String: Any]
        let given = manifest?["inputs"] as? [String: [[Int]]] ?? [:]
        let ids = given["input_ids"] ?? [], mask = given["attention_mask"] ?? [], types = given["token_type_ids"] ?? []
        let pad = arch.contains("roberta") ? 1 : 0
        let padded = zip(ids, mask).map { row, m in zip(row, m).map { $1 == 1 ? $0 : pad } }
        func tensor(_ rows: [[Int]]) throws -> Tensor {
            let shape = multipleChoice ? [1, rows.count, rows[0].count] : [rows.count, rows[0].count]
            return try Tensor(rows.flatMap { $0 }.map(Int64.init), shape: shape)
        }
        var inputs = ModelInputs(inputIds: try tensor(padded), attentionMask: try tensor(mask))
        if !["distilbert", "roberta", "xlm-roberta", "deberta-v2"].contains(arch) { inputs.tokenTypeIds = try tensor(types) }
        return inputs
    }

    @Test(arguments: architectures)
    func everyHeadMatchesReference(arch: String) throws {
        for (headName, task) in Self.heads {
            let folder = Self.fixtures.appendingPathComponent("\(arch)-\(headName)")
            let (model, report) = try AutoModel.fromPretrained(folder.path, task: task)
            #expect(report.unexpected.isEmpty, "\(arch)-\(headName): unexpected \(report.unexpected)")
            #expect(report.newlyInitialized.isEmpty, "\(arch)-\(headName): initialized \(report.newlyInitialized)")
            var inputs = try Self.inputs(for: arch, multipleChoice: task == .multipleChoice)
            inputs.outputHiddenStates = task == .base
            inputs.outputAttentions = task == .base
            let output = try model.forward(inputs)
            let expected = try Safetensors.load(folder.appendingPathComponent("expected.safetensors").path)
            for (name, want) in expected {
                let parts = name.split(separator: ".")
                let got: Tensor?
                if parts.count == 2, case .tensors(let list)? = output[String(parts[0])], let i = Int(parts[1]), i < list.count {
                    got = list[i]
                } else {
                    got = output.tensor(name)
                }
                let actual = try #require(got, "\(arch)-\(headName): no output \(name)")
                #expect(actual.shape == want.shape, "\(arch)-\(headName) \(name)")
                let difference = zip(actual.floats(), want.floats()).map { abs($0 - $1) }.max() ?? 0
                #expect(difference <= 1e-4, "\(arch)-\(headName) \(name): max |Δ| = \(difference)")
            }
        }
    }
}
