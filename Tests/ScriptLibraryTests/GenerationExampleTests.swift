// The generation examples (Examples/chat.sfs, prompting.sfs, generation_strategies.sfs) run unchanged in CI: the tiny
// GGUF checkpoint of Tests/GenerationTests/Fixtures/tiny-gguf stands in for SmolLM2-135M-Instruct under its hub name
// and file name in a temporary cache, and the output must equal what the reference printed for the same script and
// cache (Scripts/fixtures/library/generation_examples.py).
import Foundation
import Hub
import Script
import ScriptLibrary
import Testing

enum GenerationExampleCache {
    static let repo = "HuggingFaceTB/SmolLM2-135M-Instruct"
    static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// models--HuggingFaceTB--SmolLM2-135M-Instruct/{refs/main, snapshots/<commit>/<fileName>}, built once per process.
    static let root: URL? = {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sfs-generation-example-cache-\(getpid())")
        let commit = String(repeating: "0", count: 39) + "1"
        let base = root.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
        let snapshot = base.appendingPathComponent("snapshots/\(commit)")
        do {
            try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
            try fm.createDirectory(at: base.appendingPathComponent("refs"), withIntermediateDirectories: true)
            try commit.write(to: base.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
            let tiny = ExampleCache.repository.appendingPathComponent("Tests/GenerationTests/Fixtures/tiny-gguf/tiny-llama.Q8_0.gguf")
            let target = snapshot.appendingPathComponent(fileName)
            if !fm.fileExists(atPath: target.path) { try fm.copyItem(at: tiny, to: target) }
            return root
        } catch {
            return nil
        }
    }()
}

@Test(arguments: ["chat", "prompting", "generation_strategies"])
func generationExampleRunsOnStandInCheckpoint(_ name: String) throws {
    let cache = try #require(GenerationExampleCache.root, "could not build the stand-in cache")
    let hub = Hub(environment: HubEnvironment(cacheDirectory: cache, offline: true, showsProgress: false))
    let script = ExampleCache.repository.appendingPathComponent("Examples/\(name).sfs")
    let expected = try String(contentsOf: ExampleCache.repository.appendingPathComponent("Tests/ScriptLibraryTests/examples/\(name).out"), encoding: .utf8)
    let result = LibraryCases.run(try String(contentsOf: script, encoding: .utf8), file: script.path, hub: hub)
    #expect(result.status == 0, "\(name) failed:\n\(result.err)")
    #expect(result.out == expected, "\(name) printed:\n\(result.out)\nexpected:\n\(expected)")
}
