// Loads OpenBLAS at run time, after telling it which kernels to use.
//
// OpenBLAS reads OPENBLAS_CORETYPE once, in its constructor, when the library is loaded. Linking it
// at build time would load it before any of our code runs, so the engine dlopens it instead after
// choosing the core type from CPUFeatures. The CBLAS module only supplies the header.
import CBLAS
import Foundation

/// The entry points of a loaded OpenBLAS (or any CBLAS that exports `cblas_sgemm`).
final class OpenBLASLibrary: @unchecked Sendable {
    typealias SGEMM = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32,
        Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SGEMV = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
        UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetThreads = @convention(c) () -> Int32
    typealias GetName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    let path: String
    let sgemm: SGEMM
    let sgemv: SGEMV?
    private let setThreads: SetThreads?
    private let getThreads: GetThreads?
    private let getCoreName: GetName?
    private let getConfig: GetName?
    /// The core type we asked for (nil when the user's OPENBLAS_CORETYPE or OpenBLAS decided).
    let requestedCoreType: String?

    /// Where Debian/Ubuntu and other distributions put the library; the plain soname comes first so
    /// LD_LIBRARY_PATH and the alternatives system are respected.
    static let candidatePaths: [String] = {
        var paths = ["libopenblas.so.0", "libopenblas.so"]
        for triple in ["x86_64-linux-gnu", "aarch64-linux-gnu"] {
            for variant in ["openblas-pthread", "openblas-openmp", "openblas-serial"] {
                paths.append("/usr/lib/\(triple)/\(variant)/libopenblas.so.0")
            }
        }
        paths += ["/usr/lib64/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0", "/opt/OpenBLAS/lib/libopenblas.so.0"]
        return paths
    }()

    private init(path: String, handle: UnsafeMutableRawPointer, sgemm: SGEMM, requestedCoreType: String?) {
        self.path = path
        self.sgemm = sgemm
        self.requestedCoreType = requestedCoreType
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
        sgemv = symbol("cblas_sgemv", as: SGEMV.self)
        setThreads = symbol("openblas_set_num_threads", as: SetThreads.self)
        getThreads = symbol("openblas_get_num_threads", as: GetThreads.self)
        getCoreName = symbol("openblas_get_corename", as: GetName.self)
        getConfig = symbol("openblas_get_config", as: GetName.self)
    }

    /// Sets OPENBLAS_CORETYPE (unless the user did) and loads the first library that exports
    /// `cblas_sgemm`. Returns nil with the reasons when none could be loaded.
    static func load(features: CPUFeatures = .current) -> (library: OpenBLASLibrary?, failures: [String]) {
        var requested: String? = nil
        if getenv("OPENBLAS_CORETYPE") == nil, let coreType = features.openBLASCoreType {
            setenv("OPENBLAS_CORETYPE", coreType, 0)
            requested = coreType
        }
        var failures: [String] = []
        for path in candidatePaths {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                failures.append("\(path): \(dlerror().map { String(cString: $0) } ?? "not found")")
                continue
            }
            guard let pointer = dlsym(handle, "cblas_sgemm") else {
                failures.append("\(path): no cblas_sgemm")
                dlclose(handle)
                continue
            }
            let library = OpenBLASLibrary(
                path: path, handle: handle, sgemm: unsafeBitCast(pointer, to: SGEMM.self), requestedCoreType: requested)
            return (library, failures)
        }
        return (nil, failures)
    }

    var coreName: String { getCoreName?().map { String(cString: $0) } ?? "unknown" }
    var config: String { getConfig?().map { String(cString: $0) } ?? "unknown" }
    var threadCount: Int { getThreads.map { Int($0()) } ?? 1 }
    func setThreadCount(_ count: Int) { setThreads?(Int32(clamping: count)) }
    var canSetThreads: Bool { setThreads != nil }
}
