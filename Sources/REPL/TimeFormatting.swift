// MARK: - Clocks and IPython's time formatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Clock {
    /// Monotonic wall-clock seconds.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// User and system CPU seconds of this process.
    static func cpuTimes() -> (user: Double, system: Double) {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }
}

enum TimeFormat {
    /// IPython's `_format_time`: three significant digits in s, ms, µs or ns; minutes and hours
    /// spelled out from one minute up.
    static func format(_ seconds: Double, precision: Int = 3) -> String {
        if seconds >= 60 {
            var rest = seconds
            var parts: [String] = []
            for (suffix, length) in [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)] {
                let value = (rest / length).rounded(.down)
                if value > 0 {
                    rest -= value * length
                    parts.append("\(Int(value))\(suffix)")
                }
                if rest < 1 { break }
            }
            return parts.joined(separator: " ")
        }
        let units = ["s", "ms", "μs", "ns"]
        let scale = [1.0, 1e3, 1e6, 1e9]
        var order = 3
        if seconds > 0 {
            order = min(-Int((log10(seconds).rounded(.down) / 3).rounded(.down)), 3)
            order = max(order, 0)
        }
        return cFormat("%.*g", Int32(precision), seconds * scale[order]) + " " + units[order]
    }

    /// `1,000,000` (Python's `{:,}`).
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}

/// printf-style formatting through the C library (for `%g`, which Swift's standard library lacks).
func cFormat(_ format: String, _ arguments: any CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 128)
        let n = vsnprintf(&buffer, buffer.count, format, list)
        guard n >= 0 else { return "" }
        return String(decoding: buffer.prefix(min(Int(n), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
