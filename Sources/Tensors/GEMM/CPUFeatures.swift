// What this CPU can do, read once at run time so that one binary picks the right kernels on any
// x86-64 or arm64 Linux machine (the build itself targets the baseline ISA).
import Foundation

/// The instruction-set facts the GEMM dispatch needs, parsed from `/proc/cpuinfo`.
///
/// Why `/proc/cpuinfo` and not `cpuid`: Swift has no portable `cpuid` intrinsic, and the kernel's
/// flag list already folds in what the OS enabled (XSAVE state for AVX/AVX-512), which raw `cpuid`
/// would have to check separately.
public struct CPUFeatures: Sendable, CustomStringConvertible {
    public var vendor: String
    public var family: Int?
    public var modelName: String
    public var flags: Set<String>
    public var logicalCores: Int

    public var hasAVX2: Bool { flags.contains("avx2") }
    public var hasFMA: Bool { flags.contains("fma") }
    public var hasAVX512F: Bool { flags.contains("avx512f") }

    /// The features of the machine we run on (parsed once).
    public static let current: CPUFeatures = CPUFeatures.parse(
        (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "",
        logicalCores: ProcessInfo.processInfo.activeProcessorCount)

    /// Parses the first processor block of a `/proc/cpuinfo` text (all cores are alike on the
    /// machines we target).
    public static func parse(_ text: String, logicalCores: Int = 1) -> CPUFeatures {
        var features = CPUFeatures(vendor: "", family: nil, modelName: "", flags: [], logicalCores: logicalCores)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, !features.flags.isEmpty { break }  // end of the first processor block
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "vendor_id": features.vendor = value
            case "cpu family": features.family = Int(value)
            case "model name": features.modelName = value
            case "flags", "Features": features.flags = Set(value.split(separator: " ").map(String.init))
            default: break
            }
        }
        return features
    }

    /// The `OPENBLAS_CORETYPE` whose kernels are fastest here, or nil to let OpenBLAS decide.
    ///
    /// Debian's dynamic-arch OpenBLAS 0.3.21 misdetects several virtual CPUs (it falls back to
    /// "Prescott" SSE kernels, ~8× slower); naming the core type before the library loads fixes it.
    /// AVX-512 machines (Intel Skylake-X and later, AMD Zen 4) get the SKYLAKEX kernels, as OpenBLAS
    /// itself maps Zen 4; AVX2+FMA AMD Zen 1–3 (family 0x17/0x19) get ZEN, other AVX2+FMA get HASWELL.
    public var openBLASCoreType: String? {
        if hasAVX512F { return "SKYLAKEX" }
        let isAMDZen = vendor == "AuthenticAMD" && (family == 0x17 || family == 0x19 || family == 0x1A)
        if hasAVX2 && hasFMA { return isAMDZen ? "ZEN" : "HASWELL" }
        return nil
    }

    public var description: String {
        let isa = hasAVX512F ? "AVX-512" : hasAVX2 ? (hasFMA ? "AVX2+FMA" : "AVX2") : "baseline"
        return "\(modelName.isEmpty ? vendor : modelName) (\(isa), \(logicalCores) cores)"
    }
}
