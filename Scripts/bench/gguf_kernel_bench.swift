// Micro-benchmark of QuantizedMatrix on one core, measured in thread CPU time (robust on a shared machine).
// Build and run from the repository root:
//   swiftc -O -parse-as-library -module-name Bench -o /tmp/gguf-bench Sources/Tensors/Core/*.swift \
//     Sources/Tensors/Quantized/*.swift Scripts/bench/gguf_kernel_bench.swift && SWIFTFORMERS_THREADS=1 /tmp/gguf-bench
// Add `-target-cpu haswell` to see what AVX2/FMA/F16C code generation gives.
import Foundation
@main struct Main { static func main() throws {
    func now() -> Double { var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 }
    print("threads", QuantizedMatrix.configuredThreads)
    for (columns, rows) in [(576, 576), (576, 1536), (1536, 576), (576, 49152)] as [(Int, Int)] {
        let type = GGMLType.q4_1
        var bytes = [UInt8](repeating: 0, count: rows * columns / 32 * 20)
        var state: UInt64 = 88172645463325252
        for i in bytes.indices { state ^= state << 13; state ^= state >> 7; state ^= state << 17; bytes[i] = UInt8(truncatingIfNeeded: state) }
        for b in 0..<(rows * columns / 32) { bytes[b * 20 + 1] = 0x20; bytes[b * 20 + 3] = 0x20 }
        let m = try QuantizedMatrix(type: type, rows: rows, columns: columns, blocks: Tensor(bytes, shape: [bytes.count]))
        let x = (0..<(32 * columns)).map { Float($0 % 17) - 8 }
        var out = [Float](repeating: 0, count: rows * 32)
        for tokens in [1, 4, 32] {
            let n = max(10, min(300, 100_000_000 / (rows * columns * tokens)))
            var best = Double.infinity
            for _ in 0..<n {
                let t0 = now()
                try x.withUnsafeBufferPointer { xp in try out.withUnsafeMutableBufferPointer { op in try m.apply(input: xp.baseAddress!, tokens: tokens, output: op.baseAddress!) } }
                best = min(best, now() - t0)
            }
            print(String(format: "Q4_1 %5d×%-6d tokens %2d: %9.1f µs  %5.2f GB/s  %6.1f µs/token", columns, rows, tokens, best * 1e6, Double(bytes.count) / best / 1e9, best * 1e6 / Double(tokens)))
        }
    }
}}
