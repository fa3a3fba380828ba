// The depth-estimation and image-to-image examples run unchanged on tiny random checkpoints (Tests/ModelsTests/
// Fixtures/vision2) placed under the hub names the scripts use, in a temporary Hugging Face cache; their input
// photos come from Examples/data and their pictures go to a temporary folder.
import Foundation
import Hub
import Media
import Script
import ScriptLibrary
import Testing

enum DenseVisionExampleCache {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let standIns = [
        "vinvino02/glpn-nyu": "glpn", "Intel/dpt-large": "dpt", "caidas/swin2SR-classical-sr-x2-64": "swin2sr",
    ]

    static let root: URL? = {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("sfs-dense-example-cache-\(getpid())")
        do {
            for (repo, folder) in standIns {
                let commit = String(repeating: "0", count: 39) + "1"
                let base = root.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
                let snapshot = base.appendingPathComponent("snapshots/\(commit)")
                try fm.createDirectory(at: snapshot, withIntermediateDirectories: true)
                try fm.createDirectory(at: base.appendingPathComponent("refs"), withIntermediateDirectories: true)
                try commit.write(to: base.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
                let source = repository.appendingPathComponent("Tests/ModelsTests/Fixtures/vision2/\(folder)")
                for file in try fm.contentsOfDirectory(atPath: source.path) where file != "expected.safetensors" {
                    let target = snapshot.appendingPathComponent(file)
                    if !fm.fileExists(atPath: target.path) { try fm.copyItem(at: source.appendingPathComponent(file), to: target) }
                }
            }
            return root
        } catch {
            return nil
        }
    }()

    /// Runs an example with its data/output folders pointed at absolute paths; returns the printed lines and where
    /// the pictures went.
    static func run(_ name: String) throws -> (lines: [String], output: URL, status: Int32, err: String) {
        let cache = try #require(root, "could not build the stand-in cache")
        let hub = Hub(environment: HubEnvironment(cacheDirectory: cache, offline: true, showsProgress: false))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sfs-dense-example-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let script = repository.appendingPathComponent("Examples/\(name).sfs")
        let source = try String(contentsOf: script, encoding: .utf8)
            .replacingOccurrences(of: "data = \"Examples/data\"", with: "data = \"\(repository.path)/Examples/data\"")
            .replacingOccurrences(of: "out = \"Examples\"", with: "out = \"\(output.path)\"")
        let result = LibraryCases.run(source, file: script.path, hub: hub)
        return (result.out.split(separator: "\n").map(String.init), output, result.status, result.err)
    }
}

@Test func depthEstimationExampleRuns() throws {
    let run = try DenseVisionExampleCache.run("monocular_depth_estimation")
    #expect(run.status == 0, "failed:\n\(run.err)")
    let photo = try Image.open(DenseVisionExampleCache.repository.path + "/Examples/data/motorcycle.jpg")
    // Both depth pictures have the photo's size: the pipeline and the guide's code resize back to it.
    for file in ["motorcycle_depth_pipeline.png", "motorcycle_depth.png"] {
        let depth = try Image.open(run.output.appendingPathComponent(file).path)
        #expect(depth.width == photo.width && depth.height == photo.height && depth.mode == .l, "\(file)")
    }
    #expect(run.lines.first == "(\(photo.width), \(photo.height))")
    // GLPN's processor rounds each side down to a multiple of 32.
    #expect(run.lines.contains("torch.Size([1, 3, \(photo.height / 32 * 32), \(photo.width / 32 * 32)])"), "\(run.lines)")
}

@Test func imageToImageExampleRuns() throws {
    let run = try DenseVisionExampleCache.run("image_to_image")
    #expect(run.status == 0, "failed:\n\(run.err)")
    let photo = try Image.open(DenseVisionExampleCache.repository.path + "/Examples/data/cat_small.jpg")
    // Swin2SR's processor pads to the next multiple of 8 (at least one row/column); the model doubles that.
    let (paddedW, paddedH) = ((photo.width / 8 + 1) * 8, (photo.height / 8 + 1) * 8)
    for file in ["cat_upscaled_pipeline.png", "cat_upscaled.png"] {
        let upscaled = try Image.open(run.output.appendingPathComponent(file).path)
        #expect(upscaled.width == 2 * paddedW && upscaled.height == 2 * paddedH && upscaled.mode == .rgb, "\(file)")
    }
    let pipelinePicture = try Image.open(run.output.appendingPathComponent("cat_upscaled_pipeline.png").path)
    let manualPicture = try Image.open(run.output.appendingPathComponent("cat_upscaled.png").path)
    // The guide's manual post-processing (clamp_, moveaxis, ×255, round, uint8) equals the pipeline's up to ±1 on
    // a handful of bytes (known gap: ~13 of 221k bytes differ by one level; not yet traced).
    let differing = zip(pipelinePicture.pixels, manualPicture.pixels).filter { $0 != $1 }
    #expect(differing.allSatisfy { abs(Int($0) - Int($1)) <= 1 } && differing.count <= pipelinePicture.pixels.count / 1000,
            "\(differing.count) bytes differ, e.g. \(differing.prefix(8))")
}
