// `sfs-bench vision`: the Swift side of Scripts/bench/vision.py — JPEG decode + CLIP preprocessing of 100 photos,
// ViT-base/16 forward at batch 1 and 8, and a CLIP ViT-B/32 zero-shot pipeline call, on the photos and random
// checkpoints the Python script writes to /tmp (run it first).
import Foundation
import Media
import Models
import Pipelines
import Processors
import Tensors

enum VisionBench {
    static let photos = "/tmp/sfs-bench-vision/photos"
    static let vit = "/tmp/sfs-bench-vit-base"
    static let clip = "/tmp/sfs-bench-clip-b32"
    static let labels = ["a photo of a cat", "a photo of a dog", "a cup of coffee", "an astronaut"]

    static func run(arguments: [String]) throws {
        if arguments.contains("--clock=cpu") || zip(arguments, arguments.dropFirst()).contains(where: { $0 == "--clock" && $1 == "cpu" }) {
            BenchTiming.useThreadCPUTime = true
        }
        let fm = FileManager.default
        guard fm.fileExists(atPath: clip + "/model.safetensors"), fm.fileExists(atPath: vit + "/model.safetensors") else {
            print("no /tmp/sfs-bench-* checkpoints: run Scripts/bench/vision.py first (it writes the photos and random checkpoints)")
            return
        }
        let paths = try fm.contentsOfDirectory(atPath: photos).filter { $0.hasSuffix(".jpg") }.sorted().map { photos + "/" + $0 }
        let processor = try AutoImageProcessor.fromPretrained(clip)
        let preprocess = BenchTiming.best(minRuns: 3) {
            for path in paths {
                guard let image = try? Image.open(path) else { continue }
                _ = try? processor(image).tensor("pixel_values")
            }
        }
        print(String(format: "decode + CLIP preprocess %d JPEGs: %.1f ms", paths.count, preprocess * 1e3))

        let (model, _) = try AutoModel.fromPretrained(vit, task: .imageClassification)
        for batch in [1, 8] {
            var inputs = ModelInputs()
            inputs.pixelValues = try Tensor.randn([batch, 3, 224, 224])
            let seconds = BenchTiming.best(minRuns: 3) { _ = try? model.forward(inputs) }
            print(String(format: "vit-base/16 forward batch %d: %.1f ms", batch, seconds * 1e3))
        }

        let detector = try Pipeline.makeAny(task: "zero-shot-image-classification", model: clip)
        guard let first = paths.first else { return }
        let image = PipelineValue.image(try Image.open(first))
        let options: [String: PipelineValue] = ["candidate_labels": .list(labels.map { .string($0) })]
        let call = BenchTiming.best(minRuns: 3) { _ = try? detector(image, options) }
        print(String(format: "clip vit-b/32 zero-shot call (4 labels): %.1f ms", call * 1e3))
    }
}
