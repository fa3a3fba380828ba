// Benchmark programs for `sfs-bench tokenizers` (side by side with Scripts/bench/tokenizers.py):
// load time, single-thread encode throughput, and batch encode on N threads, over the same corpus.
import Foundation

public enum TokenizerBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var name: String
        public var loadSeconds: Double
        public var corpusBytes: Int
        public var tokens: Int
        public var singleThreadSeconds: Double
        public var batchSeconds: Double
        public var batchThreads: Int
        public var singleThreadMBps: Double { Double(corpusBytes) / 1e6 / singleThreadSeconds }
        public var batchMBps: Double { Double(corpusBytes) / 1e6 / batchSeconds }
        public var description: String {
            String(
                format: "%@: load %.1f ms, encode %.2f MB/s (1 thread), %.2f MB/s (batch, %d threads), %d tokens",
                name, loadSeconds * 1000, singleThreadMBps, batchMBps, batchThreads, tokens)
        }
    }

    /// The benchmark corpus: the seed guides (Chinese, Portuguese, English code) repeated to `minimumBytes`,
    /// as lines. Scripts/bench/tokenizers.py builds the identical list.
    public static func corpus(seeds: URL, minimumBytes: Int = 5_000_000) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter { $0.hasSuffix(".txt") }.sorted()
        var lines: [String] = []
        for f in files {
            let text = try String(contentsOf: seeds.appendingPathComponent(f), encoding: .utf8)
            lines += text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        guard !lines.isEmpty else { return [] }
        var result: [String] = []
        var bytes = 0
        while bytes < minimumBytes {
            for l in lines {
                result.append(l)
                bytes += l.utf8.count
            }
        }
        return result
    }

    /// Wall time, or with `cpu` the calling thread's CPU time (stable on a loaded machine; Python's
    /// `time.thread_time`).
    static func now(cpu: Bool = false) -> Double {
        var time = timespec()
        clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Loads `tokenizerJSON` (best of 3), then encodes `lines` one by one (one thread, `cpuClock` picks the
    /// clock) and as a batch on `threads` threads (wall time).
    public static func run(
        name: String, tokenizerJSON: URL, lines: [String], threads: Int = 2, cpuClock: Bool = false, loadRounds: Int = 3
    ) throws -> Result {
        var load = Double.infinity
        var tokenizer: Tokenizer? = nil
        for _ in 0..<max(1, loadRounds) {
            let t0 = now(cpu: cpuClock)
            tokenizer = try Tokenizer(contentsOf: tokenizerJSON)
            load = min(load, now(cpu: cpuClock) - t0)
        }
        guard var tok = tokenizer else { throw TokenizerError.fileNotFound(tokenizerJSON.path) }
        tok.padding = nil
        tok.truncation = nil
        let bytes = lines.reduce(0) { $0 + $1.utf8.count }
        var tokens = 0
        let t1 = now(cpu: cpuClock)
        for l in lines { tokens += try tok.encode(l, addSpecialTokens: false).count }
        let single = now(cpu: cpuClock) - t1
        // A fresh tokenizer (cold BPE cache), as the Python side does.
        var batchTokenizer = try Tokenizer(contentsOf: tokenizerJSON)
        batchTokenizer.padding = nil
        batchTokenizer.truncation = nil
        let t2 = now()
        let encodings = try batchTokenizer.encodeBatch(lines, addSpecialTokens: false, threads: threads)
        let batch = now() - t2
        _ = encodings.count
        return Result(
            name: name, loadSeconds: load, corpusBytes: bytes, tokens: tokens, singleThreadSeconds: single,
            batchSeconds: batch, batchThreads: threads)
    }
}
