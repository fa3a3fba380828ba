// The vision examples run unchanged in CI on the tiny ViT/CLIP checkpoints of Tests/VisionTests/Fixtures, placed under
// the examples' hub names in a temporary cache; the output must equal the reference's for the same script and cache
// (Scripts/fixtures/vision/vision_examples.py). Like the reference run, the scripts find Examples/data relative to
// the repository root, which is the working directory of `swift test`.
import Foundation
import Hub
import Script
import ScriptLibrary
import Testing

enum VisionExampleCache {
    /// Hub name → tiny fixture folder; keep in sync with Scripts/fixtures/vision/vision_examples.py.
    static let standIns = [
        "openai/clip-vit-large-patch14": "tiny-clip",
        "google/vit-base-patch16-224": "tiny-vit",
    ]

    static let root: URL? = {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sfs-vision-example-cache-\(getpid())")
        do {
            for (repo, folder) in standIns {
                let commit = String(repeating: "0", count: 37) + String(repo.count, radix: 16).padding(toLength: 3, withPad: "1", startingAt: 0)
                let base = root.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
                let snapshot = base.appendingPathComponent("snapshots/\(commit)")
                try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
                try fm.createDirectory(at: base.appendingPathComponent("refs"), withIntermediateDirectories: true)
                try commit.write(to: base.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
                let source = ExampleCache.repository.appendingPathComponent("Tests/VisionTests/Fixtures/\(folder)")
                for file in try fm.contentsOfDirectory(atPath: source.path) where !fm.fileExists(atPath: snapshot.appendingPathComponent(file).path) {
                    try fm.copyItem(at: source.appendingPathComponent(file), to: snapshot.appendingPathComponent(file))
                }
            }
            return root
        } catch {
            return nil
        }
    }()
}

@Test(arguments: ["zero_shot_image_classification", "image_classification"])
func visionExampleRunsOnStandInCheckpoints(_ name: String) throws {
    let cache = try #require(VisionExampleCache.root, "could not build the stand-in cache")
    let hub = Hub(environment: HubEnvironment(cacheDirectory: cache, offline: true, showsProgress: false))
    let script = ExampleCache.repository.appendingPathComponent("Examples/\(name).sfs")
    let expected = try String(contentsOf: ExampleCache.repository.appendingPathComponent("Tests/ScriptLibraryTests/examples/\(name).out"), encoding: .utf8)
    // The scripts look for Examples/data from the working directory; point them at the repository's copy when the
    // test runs elsewhere.
    var source = try String(contentsOf: script, encoding: .utf8)
    if !FileManager.default.fileExists(atPath: "Examples/data") {
        source = source.replacingOccurrences(
            of: "data = \"Examples/data\" if os.path.isdir(\"Examples/data\") else \"data\"",
            with: "data = \"\(ExampleCache.repository.path)/Examples/data\"")
    }
    let result = LibraryCases.run(source, file: script.path, hub: hub)
    #expect(result.status == 0, "\(name) failed:\n\(result.err)")
    #expect(result.out == expected, "\(name) printed:\n\(result.out)\nexpected:\n\(expected)")
}
