// Every Examples/*.sfs runs unchanged in CI: tiny random checkpoints (Tests/PipelinesTests/Fixtures) stand in for
// the real models under the same hub names in a temporary Hugging Face cache, and the output must equal what the
// reference printed for the same script and cache (Scripts/fixtures/library/examples.py).
import Foundation
import Hub
import Script
import ScriptLibrary
import Testing

enum ExampleCache {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Hub name → tiny fixture folder; keep in sync with Scripts/fixtures/library/examples.py.
    static let standIns = [
        "sentence-transformers/all-MiniLM-L6-v2": "tiny-bert-base",
        "rasyosef/splade-tiny": "tiny-bert-mlm",
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english": "tiny-bert-sentiment",
        "dslim/bert-base-NER": "tiny-bert-ner",
        "distilbert/distilbert-base-cased-distilled-squad": "tiny-bert-qa",
        "typeform/distilbert-base-uncased-mnli": "tiny-bert-nli",
    ]

    /// Builds the cache once per test process: models--org--name/{refs/main, snapshots/<commit>/…}.
    static let root: URL? = {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sfs-example-cache-\(getpid())")
        do {
            for (repo, folder) in standIns {
                let commit = "0000000000000000000000000000000000000" + String(repo.count, radix: 16).padding(toLength: 3, withPad: "0", startingAt: 0)
                let base = root.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
                let snapshot = base.appendingPathComponent("snapshots/\(commit)")
                try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
                try fm.createDirectory(at: base.appendingPathComponent("refs"), withIntermediateDirectories: true)
                try commit.write(to: base.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
                let source = repository.appendingPathComponent("Tests/PipelinesTests/Fixtures/\(folder)")
                for file in try fm.contentsOfDirectory(atPath: source.path) {
                    let target = snapshot.appendingPathComponent(file)
                    if !fm.fileExists(atPath: target.path) {
                        try fm.copyItem(at: source.appendingPathComponent(file), to: target)
                    }
                }
            }
            return root
        } catch {
            return nil
        }
    }()
}

@Test(arguments: ["sentence_similarity", "fill_mask", "text_classification", "token_classification", "question_answering", "zero_shot_classification"])
func exampleRunsOnStandInCheckpoints(_ name: String) throws {
    let cache = try #require(ExampleCache.root, "could not build the stand-in cache")
    // The interpreter gets its own hub: other tests in this process keep reading the real cache.
    let hub = Hub(environment: HubEnvironment(cacheDirectory: cache, offline: true, showsProgress: false))
    let script = ExampleCache.repository.appendingPathComponent("Examples/\(name).sfs")
    let expected = try String(contentsOf: ExampleCache.repository.appendingPathComponent("Tests/ScriptLibraryTests/examples/\(name).out"), encoding: .utf8)
    let source = try String(contentsOf: script, encoding: .utf8)
    let result = LibraryCases.run(source, file: script.path, hub: hub)
    #expect(result.status == 0, "\(name) failed:\n\(result.err)")
    #expect(result.out == expected, "\(name) printed:\n\(result.out)\nexpected:\n\(expected)")
}
