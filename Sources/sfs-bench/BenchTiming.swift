// Timing helpers shared by the benchmark suites: the same protocol as Scripts/bench/*.py
// (one warm-up call, then repeat until both 5 runs and 0.3 s have passed; report the best run).
import Foundation

enum BenchTiming {
    /// `--clock cpu` measures the calling thread's CPU time instead of wall time: on a shared machine a
    /// single-threaded run (`--threads 1`) then counts only the cycles it actually got, so the ratio to
    /// PyTorch (measured the same way) does not depend on what else runs.
    nonisolated(unsafe) static var useThreadCPUTime = false

    static func now() -> Double {
        var time = timespec()
        clock_gettime(useThreadCPUTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Best wall time in seconds of `body` over repeated runs.
    static func best(minRuns: Int = 5, minSeconds: Double = 0.3, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        var runs = 0
        let start = now()
        while runs < minRuns || now() - start < minSeconds {
            let t0 = now()
            body()
            best = min(best, now() - t0)
            runs += 1
        }
        return best
    }
}

/// One result row; printed as a table or as JSON lines that Scripts/bench/run-tensors.sh joins.
struct BenchRow {
    var suite: String
    var name: String
    var seconds: Double
    /// The unit-bearing throughput (GFLOP/s, GB/s), when the suite has one.
    var rate: Double?
    var unit: String

    var json: String {
        let rateText = rate.map { String(format: "%.4f", $0) } ?? "null"
        return "{\"suite\": \"\(suite)\", \"name\": \"\(name)\", \"ms\": \(String(format: "%.4f", seconds * 1e3)), \"rate\": \(rateText), \"unit\": \"\(unit)\"}"
    }

    var tableLine: String {
        let rateText = rate.map { String(format: "%10.1f %@", $0, unit) } ?? ""
        return "\(suite.padding(toLength: 8, withPad: " ", startingAt: 0)) \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%10.3f ms", seconds * 1e3)) \(rateText)"
    }
}
