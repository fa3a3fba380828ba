import Foundation
import Testing
@testable import Tensors

/// Micro-benchmark of `QuantizedMatrix` on SmolLM2-135M's projection shapes (run with `GGUF_BENCH=1 swift test
/// --filter GGUFBenchmark`; skipped otherwise). Prints time per call, weight GB/s (bytes of blocks read ÷ time) and
/// the same product through a float32 SIMD GEMV over the dequantized weights, on the same threads.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GGUF_BENCH"] != nil))
struct GGUFBenchmarkTests {
    /// Best wall-clock seconds of `body` over `repeats` runs after one warm-up (the minimum: the machine is shared,
    /// and other processes only ever add time).
    func time(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var samples: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return samples.min() ?? 0
    }

    /// Float32 baseline: rows split over the same threads, eight-lane dot products.
    func floatGEMV(_ w: UnsafePointer<Float>, rows: Int, columns: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>) {
        let ws = UnsafeSendable(w), xs = UnsafeSendable(x), ys = UnsafeSendable(y)
        QuantizedMatrix.split(rows: rows, threads: QuantizedMatrix.threadCount(rows: rows, work: rows * columns * tokens)) { range in
            for r in range {
                for t in 0..<tokens {
                    ys.value[t * rows + r] = QuantizedKernels.dot(ws.value + r * columns, xs.value + t * columns, columns)
                }
            }
        }
    }

    @Test func smolLM2Shapes() throws {
        // (input features, output features): attention q/o, FFN gate/up, FFN down, LM head.
        let shapes = [(576, 576), (576, 1536), (1536, 576), (576, 49152)]
        var report = "type  in×out        tokens  quantized ms  GB/s   float32 ms  GB/s   speed-up\n"
        for type in [GGMLType.q4_1, .q4_0, .q8_0] {
            for (columns, rows) in shapes where type == .q4_1 || columns == 576 && rows == 49152 || rows == 1536 {
                let matrix = try GGUFQuantizedMatmulTests.randomMatrix(type, rows: rows, columns: columns, seed: 1)
                let floats = try matrix.dequantized()
                for tokens in [1, 32] {
                    let x = try GGUFQuantizedMatmulTests.randomInput(tokens: tokens, columns: columns, seed: 2)
                    let output = UnsafeMutablePointer<Float>.allocate(capacity: rows * tokens)
                    defer { output.deallocate() }
                    let repeats = max(5, min(200, 20_000_000 / (rows * columns * tokens)))
                    let xp = x.basePointer(as: Float.self)
                    let quantized = try time(repeats: repeats) { try matrix.apply(input: xp, tokens: tokens, output: output) }
                    let float = time(repeats: repeats) {
                        floatGEMV(floats.basePointer(as: Float.self), rows: rows, columns: columns, x: xp, tokens: tokens, y: output)
                    }
                    let qBytes = Double(rows * matrix.rowBytes), fBytes = Double(rows * columns * 4)
                    report += String(format: "%-5@ %5d×%-6d  %6d  %12.3f  %5.1f  %11.3f  %5.1f  %6.2fx\n",
                                     type.description, columns, rows, tokens, quantized * 1e3, qBytes / quantized / 1e9,
                                     float * 1e3, fBytes / float / 1e9, float / quantized)
                }
            }
        }
        // memcpy bandwidth on one thread, the reference for "fraction of the memory-bandwidth bound".
        let size = 256 << 20
        let a = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64), b = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { a.deallocate(); b.deallocate() }
        a.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        b.initializeMemory(as: UInt8.self, repeating: 2, count: size)
        let copy = time(repeats: 5) { b.copyMemory(from: a, byteCount: size) }
        report += String(format: "memcpy 256 MiB: %.1f GB/s (read + write counted once: bytes ÷ time)\n", Double(size) / copy / 1e9)
        print(report)
    }
}
