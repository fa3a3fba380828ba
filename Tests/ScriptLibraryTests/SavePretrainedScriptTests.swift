// `model.config.id2label = {…}`, `model.save_pretrained(dir)`, `AutoConfig.from_pretrained(dir)` and printing the
// config from a script print what the reference printed for the same text (Scripts/fixtures/library/save_pretrained.py).
import Foundation
import Testing

@Test func savePretrainedScriptPrintsLikeTheReference() throws {
    let repository = ExampleCache.repository
    let script = repository.appendingPathComponent("Tests/ScriptLibraryTests/examples/save_pretrained.sfs")
    let expected = try String(contentsOf: script.deletingPathExtension().appendingPathExtension("out"), encoding: .utf8)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-save-pretrained-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    let folder = repository.appendingPathComponent("Tests/PipelinesTests/Fixtures/tiny-bert-ner").path
    let source = "FOLDER = '\(folder)'\nOUT = '\(out.path)'\n" + (try String(contentsOf: script, encoding: .utf8))
    let result = LibraryCases.run(source, file: script.path)
    #expect(result.status == 0, "save_pretrained.sfs failed:\n\(result.err)")
    #expect(result.out == expected, "printed:\n\(result.out)\nexpected:\n\(expected)")
}
