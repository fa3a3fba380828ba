import Foundation
import Testing
@testable import Models
import Hub
import Tensors

/// `save_pretrained` writes what the reference's does: the fixture folders were written by
/// `model.save_pretrained` in transformers 4.55.4, so loading one and saving it again must give the same
/// config.json and the same tensors under the same names (tied duplicates dropped), and load back to the same model.
@Suite struct SavePretrainedTests {
    static let fixtures = EncoderParityTests.fixtures

    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-models-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: EncoderParityTests.architectures)
    func savingAFixtureGivesBackTheReferenceFiles(arch: String) throws {
        for (headName, task) in EncoderParityTests.heads {
            let folder = Self.fixtures.appendingPathComponent("\(arch)-\(headName)")
            let (model, report) = try AutoModel.fromPretrained(folder.path, task: task)
            let out = try Self.temporaryFolder("\(arch)-\(headName)")
            defer { try? FileManager.default.removeItem(at: out) }
            try AutoModel.savePretrained(config: model.config, report: report, to: out)

            let wantConfig = try String(contentsOf: folder.appendingPathComponent("config.json"), encoding: .utf8)
            let gotConfig = try String(contentsOf: out.appendingPathComponent("config.json"), encoding: .utf8)
            #expect(gotConfig == wantConfig, "\(arch)-\(headName): config.json differs")

            let want = try Safetensors.load(folder.appendingPathComponent("model.safetensors").path)
            let got = try Safetensors.load(out.appendingPathComponent("model.safetensors").path)
            #expect(got.keys.sorted() == want.keys.sorted(), "\(arch)-\(headName): saved names differ")
            for (name, tensor) in want {
                guard let saved = got[name] else { continue }
                #expect(saved.shape == tensor.shape && saved.floats() == tensor.floats(), "\(arch)-\(headName) \(name)")
            }
            // …and the saved folder is a checkpoint of the same model.
            let (reloaded, _) = try AutoModel.fromPretrained(out.path, task: task)
            let inputs = try EncoderParityTests.inputs(for: arch, multipleChoice: task == .multipleChoice)
            let a = try model.forward(inputs), b = try reloaded.forward(inputs)
            let name = a.fields[0].name
            #expect(a.tensor(name)?.floats() == b.tensor(name)?.floats(), "\(arch)-\(headName): reloaded \(name) differs")
        }
    }

    @Test func aHeadLoadedFromABaseCheckpointSavesItsOwnNamesAndClass() throws {
        let folder = Self.fixtures.appendingPathComponent("bert-base")
        let (model, report) = try AutoModel.fromPretrained(folder.path, task: .tokenClassification)
        #expect(report.architecture == "BertForTokenClassification")
        // The reference prefixes the backbone with `bert.` and adds the freshly initialized classifier.
        #expect(report.stateDict["bert.embeddings.word_embeddings.weight"] != nil)
        #expect(report.stateDict["classifier.weight"]?.shape == [model.config.numLabels, 16])
        #expect(report.stateDict["embeddings.word_embeddings.weight"] == nil)
    }
}

/// Broken checkpoints and inputs are errors that name the problem.
@Suite struct BadCheckpointTests {
    /// A copy of a fixture folder whose tensors went through `edit`.
    static func editedCopy(_ fixture: String, config: ((inout String) -> Void)? = nil,
                           tensors edit: ((inout [String: Tensor]) throws -> Void)? = nil) throws -> URL {
        let source = EncoderParityTests.fixtures.appendingPathComponent(fixture)
        let out = try SavePretrainedTests.temporaryFolder(fixture)
        var text = try String(contentsOf: source.appendingPathComponent("config.json"), encoding: .utf8)
        config?(&text)
        try text.write(to: out.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        var tensors = try Safetensors.load(source.appendingPathComponent("model.safetensors").path)
        try edit?(&tensors)
        try Safetensors.save(tensors, to: out.appendingPathComponent("model.safetensors").path)
        return out
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    @Test func aMissingTensorIsNamed() throws {
        let folder = try Self.editedCopy("bert-base", tensors: { $0["encoder.layer.1.attention.self.key.weight"] = nil })
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.message { _ = try AutoModel.fromPretrained(folder.path) }
        #expect(text?.contains("has no tensor 'bert.encoder.layer.1.attention.self.key.weight'") == true, "\(text ?? "no error")")
    }

    @Test func aWrongShapeIsNamedWithBothShapes() throws {
        let folder = try Self.editedCopy("roberta-base", tensors: { $0["encoder.layer.0.intermediate.dense.weight"] = Tensor.zeros([19, 16]) })
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.message { _ = try AutoModel.fromPretrained(folder.path) }
        #expect(text?.contains("'roberta.encoder.layer.0.intermediate.dense.weight' has shape [19, 16], the config implies [20, 16]") == true,
                "\(text ?? "no error")")
    }

    @Test func anUnknownModelTypeListsTheKnownOnes() throws {
        let folder = try Self.editedCopy("bert-base", config: {
            $0 = $0.replacingOccurrences(of: "\"model_type\": \"bert\"", with: "\"model_type\": \"frobnicator\"")
        })
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.message { _ = try AutoModel.fromPretrained(folder.path) }
        #expect(text?.contains("unknown model_type 'frobnicator'") == true && text?.contains("bert") == true, "\(text ?? "no error")")
    }

    @Test func aCorruptSafetensorsHeaderIsAnErrorAboutTheFile() throws {
        let folder = try Self.editedCopy("bert-base")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.safetensors")
        var bytes = try [UInt8](Data(contentsOf: file))
        for i in 8..<40 { bytes[i] = UInt8(ascii: "#") }  // the JSON header is now garbage
        try Data(bytes).write(to: file)
        let text = Self.message { _ = try AutoModel.fromPretrained(folder.path) }
        #expect(text?.contains("model.safetensors") == true, "\(text ?? "no error")")
        // A header length past the end of the file too.
        bytes.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        try Data(bytes).write(to: file)
        #expect(Self.message { _ = try AutoModel.fromPretrained(folder.path) }?.contains("model.safetensors") == true)
    }

    @Test func aSequenceLongerThanThePositionTableNeedsTruncation() throws {
        let folder = EncoderParityTests.fixtures.appendingPathComponent("bert-base")
        let (model, _) = try AutoModel.fromPretrained(folder.path)
        let ids = try Tensor([Int64](repeating: 5, count: 41), shape: [1, 41])  // max_position_embeddings is 40
        let text = Self.message { _ = try model.forward(ModelInputs(inputIds: ids)) }
        #expect(text?.contains("max_position_embeddings") == true && text?.contains("truncat") == true, "\(text ?? "no error")")
    }
}
