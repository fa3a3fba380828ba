import Foundation
import Tensors

// MARK: - `sfs-bench ops`: elementwise, softmax, layer_norm and safetensors-open timings
//
// Prints one JSON object per benchmark (`{"name": ..., "ms": best, ...}`) so Scripts/bench/tensor_ops.py can put
// them side by side with PyTorch's numbers for the same shapes and thread count. Run a release build:
//   swift run -c release sfs-bench ops --threads 2 > /tmp/swift-ops.json
//   ~/.reference-venv/bin/python Scripts/bench/tensor_ops.py --threads 2 --swift /tmp/swift-ops.json
// On a shared machine use `--threads 1 --clock cpu` on both sides (thread CPU time; with more threads the
// calling thread's CPU time misses the other workers' share, so 2-thread runs need the wall clock).

enum ElementwiseBench {
    /// Best time in milliseconds of `body` (one warm-up, then ≥ `iterations` runs and ≥ 0.3 s; the same
    /// protocol as the other suites, and `--clock cpu` applies).
    static func time(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()  // any error surfaces here; the timed runs repeat the same call
        return BenchTiming.best(minRuns: iterations) { try? body() } * 1e3
    }

    static func report(_ name: String, _ ms: Double, bytes: Double? = nil) {
        var line = "{\"name\": \"\(name)\", \"ms\": \(String(format: "%.4f", ms))"
        if let bytes { line += ", \"gbps\": \(String(format: "%.2f", bytes / ms / 1e6))" }
        print(line + "}")
    }

    static func run(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        var threads = 2
        while let argument = iterator.next() {
            switch argument {
            case "--threads": if let value = iterator.next(), let count = Int(value), count > 0 { threads = count }
            case "--clock": BenchTiming.useThreadCPUTime = iterator.next() == "cpu"
            default: break
            }
        }
        // The elementwise kernels read SFS_NUM_THREADS once, at their first use: set it before any op.
        setenv("SFS_NUM_THREADS", String(threads), 1)
        GEMM.threadCount = threads
        let clock = BenchTiming.useThreadCPUTime ? "thread CPU time" : "wall time"
        print("{\"info\": \"\(Tensor.kernelSummary), threads \(threads), \(clock)\"}")
        let n = 16 * 1024 * 1024
        let a = try Tensor.randn([n]), b = try Tensor.randn([n])
        let bytes = Double(n * 4)
        // memcpy of the same bytes: the bandwidth ceiling for a streaming op (read 1 buffer, write 1).
        let source = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
        source.initializeMemory(as: UInt8.self, repeating: 1, count: n * 4)
        defer { source.deallocate() }
        report("memcpy_16M", time(iterations: 10) {
            let destination = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
            destination.copyMemory(from: source, byteCount: n * 4)
            destination.deallocate()
        }, bytes: 2 * bytes)
        var sink = 0
        // The same copy through the tensor allocator (huge pages for large outputs), like torch's clone().
        report("clone_16M", time(iterations: 10) { sink &+= a.copy().count }, bytes: 2 * bytes)
        report("add_16M", try time(iterations: 10) { sink &+= try (a + b).count }, bytes: 3 * bytes)
        report("mul_16M", try time(iterations: 10) { sink &+= try (a * b).count }, bytes: 3 * bytes)
        report("add_scalar_16M", try time(iterations: 10) { sink &+= try (a + 1.5).count }, bytes: 2 * bytes)
        report("gelu_16M", time(iterations: 10) { sink &+= a.gelu().count }, bytes: 2 * bytes)
        report("gelu_tanh_16M", time(iterations: 10) { sink &+= a.gelu(approximate: .tanh).count }, bytes: 2 * bytes)

        for (name, shape) in [("softmax_bert_1x12x128x128", [1, 12, 128, 128]), ("softmax_gpt2_1x12x1024x1024", [1, 12, 1024, 1024])] {
            let x = try Tensor.randn(shape)
            report(name, try time(iterations: 10) { sink &+= try x.softmax(dim: -1).count })
        }
        for (name, rows) in [("layer_norm_bert_8x128x768", 8 * 128), ("layer_norm_gpt2_1024x768", 1024)] {
            let x = try Tensor.randn([rows, 768]), w = try Tensor.randn([768]), bias = try Tensor.randn([768])
            report(name, try time(iterations: 20) { sink &+= try x.layerNorm([768], weight: w, bias: bias).count })
        }

        // safetensors open: a 500 MB float32 checkpoint of 96 tensors, opened and every tensor looked up.
        let path = NSTemporaryDirectory() + "sfs-bench-500mb.safetensors"
        if !FileManager.default.fileExists(atPath: path) {
            var tensors: [String: Tensor] = [:]
            for i in 0..<96 { tensors["layer.\(i).weight"] = Tensor.zeros([1302, 1000]) }
            try Safetensors.save(tensors, to: path)
        }
        let before = peakResidentKilobytes()
        let openMs = try time(iterations: 10) {
            let file = try SafetensorsFile(path: path)
            for name in file.names { sink &+= try file.tensor(name).count }
        }
        report("safetensors_open_500MB", openMs)
        print("{\"name\": \"safetensors_open_peak_rss_growth_mb\", \"value\": \(Double(peakResidentKilobytes() - before) / 1024)}")
        if sink == 42 { print("") }
    }

    static func peakResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}
