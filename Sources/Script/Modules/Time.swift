#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - time

func clockSeconds(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func clockNanoseconds(_ clock: clockid_t) -> Int {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
}

extension Interpreter {
    func makeTimeModule() -> ModuleObject {
        let m = ModuleObject("time", doc: "Clocks and sleeping.")
        m.define("time", []) { _, _ in .float(clockSeconds(CLOCK_REALTIME)) }
        m.define("time_ns", []) { _, _ in .int(clockNanoseconds(CLOCK_REALTIME)) }
        m.define("perf_counter", []) { _, _ in .float(clockSeconds(CLOCK_MONOTONIC)) }
        m.define("perf_counter_ns", []) { _, _ in .int(clockNanoseconds(CLOCK_MONOTONIC)) }
        m.define("monotonic", []) { _, _ in .float(clockSeconds(CLOCK_MONOTONIC)) }
        m.define("monotonic_ns", []) { _, _ in .int(clockNanoseconds(CLOCK_MONOTONIC)) }
        m.define("process_time", []) { _, _ in .float(clockSeconds(CLOCK_PROCESS_CPUTIME_ID)) }
        m.define("sleep", [Parameter("secs")]) { a, i in
            let s = try i.toFloat(a[0])
            if s < 0 { throw ScriptError.valueError("sleep length must be non-negative") }
            // Sleep in slices so Ctrl-C interrupts a long sleep.
            var remaining = s
            while remaining > 0 {
                let slice = min(remaining, 0.05)
                var ts = timespec(tv_sec: Int(slice), tv_nsec: Int((slice - Double(Int(slice))) * 1e9))
                nanosleep(&ts, nil)
                remaining -= slice
                if i.interruptFlag.isSet {
                    i.interruptFlag.clear()
                    throw ScriptError(type: "KeyboardInterrupt", args: [])
                }
            }
            return Value.none
        }
        m.define("strftime", [Parameter("format"), Parameter("t", default: Value.none)]) { a, i in
            guard case .str(let format) = a[0] else { throw ScriptError.typeError("strftime() argument 1 must be str") }
            var t = time_t(a[1].isNone ? clockSeconds(CLOCK_REALTIME) : try i.toFloat(a[1]))
            var parts = tm()
            localtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: 256)
            let n = strftime(&buffer, buffer.count, format, &parts)
            return .str(String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return m
    }
}
