@testable import REPL
import Testing

/// Expected strings come from IPython 9.18.1's own `_format_time` and `TimeitResult.__str__`
/// (IPython/core/magics/execution.py, run with Python 3 on these inputs).
@Suite struct TimeFormatTests {
    @Test(arguments: [
        (2.24e-5, "22.4 μs"), (1.5e-9, "1.5 ns"), (0.5, "500 ms"), (75, "1min 15s"), (0.0123, "12.3 ms"),
        (3.0, "3 s"), (9.99e-7, "999 ns"), (1e-3, "1 ms"), (0.0, "0 ns"), (4000.5, "1h 6min 40s"),
        (59.99, "60 s"), (90061.0, "1d 1h 1min 1s"),
    ])
    func formatTime(seconds: Double, expected: String) {
        #expect(TimeFormat.format(seconds) == expected)
    }

    @Test func timeitSummaryLine() {
        let timings = [1.0e-5, 1.2e-5, 1.1e-5, 1.3e-5, 1.0e-5, 1.05e-5, 1.15e-5]
        #expect(TimeitResult(perLoop: timings, loops: 10_000).summary
            == "11.1 μs ± 1.03 μs per loop (mean ± std. dev. of 7 runs, 10,000 loops each)")
        #expect(TimeitResult(perLoop: [0.25], loops: 1).summary
            == "250 ms ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)")
        #expect(TimeFormat.grouped(1_234_567) == "1,234,567")
    }
}
