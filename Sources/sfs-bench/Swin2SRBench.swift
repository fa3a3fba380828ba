// `sfs-bench swin2sr` (a case of the `vision` suite): the Swift side of Scripts/bench/swin2sr.py — Swin2SR ×2 with
// caidas/swin2SR-classical-sr-x2-64's real config and random weights (written by the Python script to
// /tmp/sfs-bench-swin2sr) on a 256×256 image, i.e. the 264×264 `pixel_values` its image processor makes.
import Foundation
import Models
import Tensors

enum Swin2SRBench {
    static let folder = "/tmp/sfs-bench-swin2sr"

    static func run(arguments: [String]) throws {
        let inputPath = folder + "/input.safetensors"
        guard FileManager.default.fileExists(atPath: inputPath) else {
            print("no \(folder): run Scripts/bench/swin2sr.py first (it writes the random checkpoint and the input)")
            return
        }
        // `--clock cpu`: one thread and thread CPU time (loaded machine), as `swin2sr.py --clock cpu`.
        let pairs = Array(zip(arguments, arguments.dropFirst()))
        if pairs.contains(where: { $0 == "--clock" && $1 == "cpu" }) {
            BenchTiming.useThreadCPUTime = true
            GEMM.threadCount = 1
        }
        let runs = pairs.first { $0.0 == "--runs" }.flatMap { Int($0.1) } ?? 2
        let t0 = BenchTiming.now()
        let (model, _) = try AutoModel.fromPretrained(folder, task: .imageToImage)
        print(String(format: "load swin2sr: %.1f ms", (BenchTiming.now() - t0) * 1e3))
        let stored = try Safetensors.load(inputPath)
        guard let pixels = stored["pixel_values"] else { print("input.safetensors has no pixel_values"); return }
        let inputs = try ModelInputs(["pixel_values": pixels])
        var output: Tensor?
        let seconds = BenchTiming.best(minRuns: runs, minSeconds: 0) { output = try? model.forward(inputs).tensor("reconstruction") }
        print(String(format: "swin2sr x2 256x256 (pixel_values %@): %.1f ms", "\(pixels.shape)", seconds * 1e3))
        if let output, let reference = stored["reconstruction"], output.shape == reference.shape {
            let difference = zip(output.floats(), reference.floats()).map { abs($0 - $1) }.max() ?? 0
            print(String(format: "max |Δ| vs PyTorch: %.2e", difference))
        }
    }
}
