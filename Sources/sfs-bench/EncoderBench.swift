// `sfs-bench encoders`: the Swift side of Scripts/bench/encoders.py — BERT-base forward (seq 128, batch 1 and 8)
// on the random checkpoint the Python script writes to /tmp/sfs-bench-bert-base, the all-MiniLM-L6-v2 embedding
// of the same 1,000 sentences, and the checkpoint load time and peak memory.
//
//   sfs-bench encoders [--threads N] [--clock wall|cpu] [--only load,forward,minilm]
//
// `--clock cpu` times with the CPU time of the whole process (every thread: the tokenizer's workers too), so with
// `--threads 1` (and SFS_NUM_THREADS=1) it counts the cycles the work took whatever else runs on a busy machine;
// Scripts/bench/encoders.py takes the same flags (time.process_time).
import Foundation
import Models
import Pipelines
import Tensors

enum EncoderBench {
    static let folder = "/tmp/sfs-bench-bert-base"

    /// The Python script's sentences, word for word.
    static func sentences(_ n: Int = 1000) -> [String] {
        let words = ("the quick brown fox jumps over a lazy dog while swift code runs fast on linux servers and "
            + "people read books about science music history art travel food sport weather").split(separator: " ").map(String.init)
        return (0..<n).map { i in
            (0..<(6 + i % 20)).map { j in words[(i * 7 + j * 3) % words.count] }.joined(separator: " ") + "."
        }
    }

    // MARK: Timing (wall or process CPU time; the protocol of BenchTiming.best)

    nonisolated(unsafe) static var processClock = false

    static func now() -> Double {
        var time = timespec()
        clock_gettime(processClock ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// One warm-up call, then the best of at least `minRuns` runs lasting `minSeconds` together.
    static func best(minRuns: Int = 5, minSeconds: Double = 0.3, _ body: () -> Void) -> Double {
        body()
        var result = Double.infinity, runs = 0
        let start = now()
        while runs < minRuns || now() - start < minSeconds {
            let t0 = now()
            body()
            result = min(result, now() - t0)
            runs += 1
        }
        return result
    }

    // MARK: Options

    struct Options {
        var threads = 2
        var only: Set<String> = ["load", "forward", "minilm"]
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--threads": if let value = iterator.next(), let count = Int(value) { options.threads = count }
            case "--clock": processClock = iterator.next() == "cpu"
            case "--only": if let value = iterator.next() { options.only = Set(value.split(separator: ",").map(String.init)) }
            default: print("encoders: ignoring unknown argument \(argument)")
            }
        }
        return options
    }

    static func run(arguments: [String]) throws {
        let options = parse(arguments)
        GEMM.threadCount = options.threads
        let clock = processClock ? "process CPU time" : "wall time"
        print("# \(GEMM.summary), threads \(GEMM.threadCount), \(clock)")
        guard FileManager.default.fileExists(atPath: folder + "/model.safetensors") else {
            print("no \(folder): run Scripts/bench/encoders.py first (it writes the random BERT-base checkpoint)")
            return
        }
        if options.only.contains("load") || options.only.contains("forward") { try bertBase(options) }
        if options.only.contains("minilm") { try miniLM() }
    }

    /// Load time and memory of BERT-base, then its forward at sequence 128.
    static func bertBase(_ options: Options) throws {
        let weightBytes = (try? FileManager.default.attributesOfItem(atPath: folder + "/model.safetensors")[.size] as? Int) ?? 0
        let baseline = ProcessMemory.residentBytes()
        let t0 = now()
        let (model, _) = try AutoModel.fromPretrained(folder, task: .base)
        let loadSeconds = now() - t0
        let afterLoad = ProcessMemory.peakResidentBytes() - baseline
        print(String(format: "load bert-base: %.1f ms", loadSeconds * 1e3))
        // The weights are mapped, not read: the first forward touches every page, so the peak after it is the
        // figure to hold against the file's size.
        let probe = ModelInputs(inputIds: try Tensor([Int64](repeating: 1000, count: 8), shape: [1, 8]),
                                attentionMask: Tensor.ones([1, 8], dtype: .int64))
        _ = try model.forward(probe)
        let afterForward = ProcessMemory.peakResidentBytes() - baseline
        let mb = { (bytes: Int) in Double(bytes) / 1_048_576 }
        print(String(format: "peak memory bert-base (VmHWM − VmRSS before load): after load %.1f MB, after a first forward %.1f MB; weights %.1f MB → %.2f×",
                     mb(afterLoad), mb(afterForward), mb(weightBytes), Double(afterForward) / Double(max(weightBytes, 1))))
        guard options.only.contains("forward") else { return }
        for batch in [1, 8] {
            var generator = SystemRandomNumberGenerator()
            let ids = (0..<(batch * 128)).map { _ in Int64.random(in: 1000..<20000, using: &generator) }
            let inputs = ModelInputs(inputIds: try Tensor(ids, shape: [batch, 128]),
                                     attentionMask: Tensor.ones([batch, 128], dtype: .int64))
            let seconds = best(minRuns: 3) { _ = try? model.forward(inputs) }
            print(String(format: "bert-base forward seq 128 batch %d: %.1f ms", batch, seconds * 1e3))
        }
    }

    /// sentence-transformers' encode of 1,000 sentences in batches of 32, with its parts timed separately.
    static func miniLM() throws {
        guard let embedder = try? SentenceEmbeddings.fromPretrained("sentence-transformers/all-MiniLM-L6-v2") else {
            print("all-MiniLM-L6-v2: skipped (not in the HF cache; see Scripts/get-models)")
            return
        }
        let texts = sentences()
        let tokenize = best(minRuns: 3, minSeconds: 0) {
            _ = try? embedder.tokenizer(texts, truncation: true, maxLength: embedder.maxSequenceLength)
        }
        print(String(format: "all-MiniLM-L6-v2 tokenizer alone, 1000 sentences: %.1f ms", tokenize * 1e3))
        let seconds = best(minRuns: 3, minSeconds: 0) { _ = try? embedder.encode(texts, batchSize: 32) }
        print(String(format: "all-MiniLM-L6-v2 1000 sentences: %.1f ms", seconds * 1e3))
    }
}

/// Resident memory of this process from /proc/self/status (Linux), in bytes.
enum ProcessMemory {
    static func residentBytes() -> Int { field("VmRSS:") }
    /// The high-water mark of the resident set since the process started.
    static func peakResidentBytes() -> Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
