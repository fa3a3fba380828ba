// Single-precision matrix multiply for the whole engine: our own packed AVX2 kernel where it measured
// faster, OpenBLAS (when it can be loaded) elsewhere. See docs/GEMM.md for the measurements.
import CKernels
import CBLAS
import Foundation

/// `C = alpha · op(A) · op(B) + beta · C` on row-major float32 buffers.
///
/// All matrices are row-major: `op(A)` is m×k, `op(B)` is k×n, C is m×n with row stride `ldc`.
/// When `transA` is true, A is stored k×m (so a transposed view is passed as a transpose, not copied).
public enum GEMM {
    /// Which implementation runs the multiply.
    public enum Backend: String, Sendable, CaseIterable {
        /// Per product: our kernel where it measured faster (with AVX2 + FMA: every matrix-matrix product),
        /// OpenBLAS elsewhere (vector shapes; every product on CPUs without AVX2). The default.
        case automatic
        /// OpenBLAS loaded with dlopen, with the core type chosen for this CPU (`SFS_GEMM=openblas`).
        case openBLAS
        /// Our own packed, blocked, multi-threaded kernel: C with AVX2 + FMA when the CPU has them, else
        /// Swift SIMD (`SFS_GEMM=native`).
        case native
    }

    // MARK: Configuration

    /// The backend used by `sgemm`. Defaults to `.automatic`; the environment variable `SFS_GEMM`
    /// (`native`, `openblas`) forces one. Without OpenBLAS, `.openBLAS` falls back to `.native`.
    public static var backend: Backend {
        get { state.withLock { $0.backend } }
        set {
            let resolved: Backend = newValue == .openBLAS && library == nil ? .native : newValue
            state.withLock { $0.backend = resolved }
        }
    }

    /// Threads used by one multiply (both backends). Defaults to the number of logical cores.
    public static var threadCount: Int {
        get { state.withLock { $0.threads } }
        set {
            let count = max(1, newValue)
            let library = library
            state.withLock { state in
                state.threads = count
                if state.singleThreadedSections == 0 { library?.setThreadCount(count) }
            }
        }
    }

    /// A one-line account of what was loaded, for benchmarks and `sfs --version`-style output.
    public static var summary: String {
        let cpu = CPUFeatures.current.description
        let ours = NativeKernels.isEnabled ? "AVX2+FMA packed C kernel" : "portable Swift SIMD kernel"
        guard let library else {
            return "GEMM: \(ours) (OpenBLAS not loaded) on \(cpu)"
        }
        let requested = library.requestedCoreType.map { "OPENBLAS_CORETYPE=\($0)" } ?? "core type chosen by OpenBLAS/user"
        return "GEMM: \(backend.rawValue) (ours: \(ours)), OpenBLAS \(library.path), core \(library.coreName) (\(requested)) on \(cpu)"
    }

    /// Why OpenBLAS could not be loaded (empty when it was).
    public static var loadFailures: [String] { loaded.failures }

    // MARK: Multiply

    /// `C = alpha · op(A) · op(B) + beta · C` (row-major). When beta is 0, C is not read (NaNs in C
    /// do not propagate), as in BLAS.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let (backend, threads) = state.withLock { ($0.backend, $0.singleThreadedSections > 0 ? 1 : $0.threads) }
        if k == 0 || alpha == 0 {
            NativeGEMM.scale(c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        if m == 1, !transA, transB, NativeKernels.isEnabled {
            rowVectorTimesTransposed(n: n, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, threads: threads)
            return
        }
        if m == 1, !transA, !transB, NativeKernels.isEnabled {
            rowVectorTimesMatrix(n: n, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, threads: threads)
            return
        }
        if !usesOwnKernel(backend, m: m, n: n), let library,
            openBLAS(library, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        {
            return
        }
        NativeGEMM.sgemm(
            m: m, n: n, k: k, alpha: alpha,
            a: a, rowStrideA: transA ? 1 : lda, colStrideA: transA ? lda : 1,
            b: b, rowStrideB: transB ? 1 : ldb, colStrideB: transB ? ldb : 1,
            beta: beta, c: c, ldc: ldc, threads: threads)
    }

    /// General strided form: element (i, p) of op(A) is `a[i * rowStrideA + p * colStrideA]`.
    /// Uses OpenBLAS when one of the strides of each operand is 1, otherwise the native kernel
    /// (which packs from any strides), so callers never copy views just to multiply them.
    public static func sgemm(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
        b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if let (transA, lda) = blasLayout(rows: m, cols: k, rowStride: rowStrideA, colStride: colStrideA),
            let (transB, ldb) = blasLayout(rows: k, cols: n, rowStride: rowStrideB, colStride: colStrideB)
        {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        guard m > 0, n > 0 else { return }
        if k == 0 || alpha == 0 {
            NativeGEMM.scale(c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        NativeGEMM.sgemm(
            m: m, n: n, k: k, alpha: alpha, a: a, rowStrideA: rowStrideA, colStrideA: colStrideA,
            b: b, rowStrideB: rowStrideB, colStrideB: colStrideB, beta: beta, c: c, ldc: ldc,
            threads: state.withLock { $0.singleThreadedSections > 0 ? 1 : $0.threads })
    }

    /// `c[0, :] = alpha · a · Bᵀ + beta · c` for a contiguous row `a` of length k and a row-major
    /// B of shape [n, k] — `linear` on one token, e.g. the LM head (1×768 · [50257, 768]ᵀ). Pure
    /// bandwidth: the AVX2 kernel streams B's rows, split over the threads in contiguous ranges
    /// (PyTorch/MKL's gemv does the same; OpenBLAS 0.3.21's reached 0.88× its speed single-threaded).
    /// Below `parallelGEMVWeights` the product stays on the calling thread.
    private static func rowVectorTimesTransposed(
        n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let pieces = max(1, min(threads, n * k / parallelGEMVWeights, n / 64))
        if pieces == 1 {
            sfk_gemv_rows_avx2(b, ldb, a, k, c, n, alpha, beta)
            return
        }
        WorkerPool.forEach(pieces) { piece in
            let lower = n * piece / pieces, upper = n * (piece + 1) / pieces
            sfk_gemv_rows_avx2(b + lower * ldb, ldb, a, k, c + lower, upper - lower, alpha, beta)
        }
    }

    /// `c[0, :] = alpha · a · B + beta · c` for a contiguous row `a` of length k and a row-major B of shape
    /// [k, n] — one token through a weight kept as [in, out] (GPT-2's `Conv1D`, used as a transposed view
    /// instead of a transposed copy). Bandwidth-bound like `rowVectorTimesTransposed`. The threads take
    /// contiguous ranges of B's rows (k), so each streams one contiguous block of memory, and their partial
    /// rows are added at the end (n floats each). Splitting the columns instead made every thread read short
    /// slices of every row: 28 GB/s against 32 GB/s for the row split over GPT-2's 48 projections
    /// (2 threads, weights not in cache; the machine's read bound is 34 GB/s).
    private static func rowVectorTimesMatrix(
        n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let pieces = max(1, min(threads, n * k / parallelGEMVWeights, k / 64))
        if pieces == 1 {
            sfk_gemv_columns_avx2(b, ldb, a, k, c, n, alpha, beta)
            return
        }
        // Piece 0 writes c itself (with beta); the others write their partial rows to scratch, added afterwards.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (pieces - 1) * n) { partials in
            let scratch = partials.baseAddress!
            WorkerPool.forEach(pieces) { piece in
                let lower = k * piece / pieces, upper = k * (piece + 1) / pieces
                if piece == 0 {
                    sfk_gemv_columns_avx2(b, ldb, a, upper, c, n, alpha, beta)
                } else {
                    sfk_gemv_columns_avx2(b + lower * ldb, ldb, a + lower, upper - lower, scratch + (piece - 1) * n, n,
                                          alpha, 0)
                }
            }
            for piece in 1..<pieces { BufferKernels.add(scratch + (piece - 1) * n, into: c, count: n) }
        }
    }

    /// Weights from which a one-row product (GEMV) is split over the threads: ~1 MB, ~50 µs of streaming on one
    /// core, against ~1 µs to hand work to the worker pool.
    static let parallelGEMVWeights = 1 << 18

    /// Whether a product with a BLAS layout runs our kernel rather than OpenBLAS. `.automatic` keeps
    /// OpenBLAS for what it does better here: vector shapes (m = 1 or n = 1, its bandwidth-bound gemv;
    /// our kernel would pack the whole matrix first) and everything on CPUs without AVX2 + FMA, where
    /// ours is the portable Swift kernel at a third of OpenBLAS's speed (docs/GEMM.md).
    /// The threads a product may use when our AVX2 packed kernel computes matrix products (nil when
    /// OpenBLAS or the portable kernel does): for kernels built on the same driver, such as the
    /// implicit-GEMM convolution.
    static func ownKernelThreads() -> Int? {
        let (backend, threads) = state.withLock { ($0.backend, $0.singleThreadedSections > 0 ? 1 : $0.threads) }
        return NativeKernels.isEnabled && usesOwnKernel(backend, m: 2, n: 2) ? threads : nil
    }

    static func usesOwnKernel(_ backend: Backend, m: Int, n: Int) -> Bool {
        switch backend {
        case .native: return true
        case .openBLAS: return false
        case .automatic: return NativeKernels.isEnabled && m > 1 && n > 1
        }
    }

    /// Maps a strided rows×cols matrix to BLAS's (transposed, leading dimension), if it has one.
    /// Size-1 dimensions have arbitrary strides in views; they are normalized here.
    static func blasLayout(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> (Bool, Int)? {
        if (colStride == 1 || cols <= 1) && (rowStride >= max(1, cols) || rows <= 1) {
            return (false, rows <= 1 ? max(1, cols) : rowStride)
        }
        if (rowStride == 1 || rows <= 1) && (colStride >= max(1, rows) || cols <= 1) {
            return (true, cols <= 1 ? max(1, rows) : colStride)
        }
        return nil
    }

    // MARK: OpenBLAS

    /// Calls OpenBLAS; returns false when the arguments fall outside what cblas accepts (then the
    /// native kernel runs instead of OpenBLAS printing an error and returning without a result).
    private static func openBLAS(
        _ library: OpenBLASLibrary, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Bool {
        let limit = Int(Int32.max)
        guard m <= limit, n <= limit, k <= limit, lda <= limit, ldb <= limit, ldc <= limit else { return false }
        // cblas rejects leading dimensions smaller than the row length even when only one row exists.
        let lda = (transA ? k : m) == 1 ? max(lda, transA ? m : k) : lda
        let ldb = (transB ? n : k) == 1 ? max(ldb, transB ? k : n) : ldb
        let ldc = m == 1 ? max(ldc, n) : ldc
        guard lda >= max(1, transA ? m : k), ldb >= max(1, transB ? k : n), ldc >= max(1, n) else { return false }

        // A single row or column is a matrix-vector product: OpenBLAS 0.3.21's sgemm does not
        // forward those to its (much faster, bandwidth-bound) gemv kernels, so we do.
        if let sgemv = library.sgemv, m == 1 || n == 1 {
            if m == 1 {
                // c[0, :] = alpha · op(B)ᵀ · a-row + beta · c
                let incx = Int32(transA ? lda : 1)
                if transB {
                    sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, b, Int32(ldb), a, incx, beta, c, 1)
                } else {
                    sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, b, Int32(ldb), a, incx, beta, c, 1)
                }
            } else {
                // c[:, 0] = alpha · op(A) · b-column + beta · c
                let incx = Int32(transB ? 1 : ldb)
                if transA {
                    sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(m), alpha, a, Int32(lda), b, incx, beta, c, Int32(ldc))
                } else {
                    sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(k), alpha, a, Int32(lda), b, incx, beta, c, Int32(ldc))
                }
            }
            return true
        }
        library.sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        return true
    }

    /// Whether OpenBLAS runs at the configured thread count whenever no single-threaded section is open, checked
    /// under the lock that orders the sections (other threads may be inside one at any moment: the test suites run
    /// concurrently, so reading OpenBLAS's count alone would race with them).
    static var openBLASThreadsRestored: Bool {
        let library = library
        return state.withLock { $0.singleThreadedSections > 0 || (library?.threadCount ?? $0.threads) == $0.threads }
    }

    /// The threads one multiply may use now: 1 inside `withSingleThreadedMultiplies`, else `threadCount`.
    static var multiplyThreads: Int { state.withLock { $0.singleThreadedSections > 0 ? 1 : $0.threads } }

    /// Whether products run our packed AVX2 kernel (the backend is not forced to OpenBLAS, the CPU has AVX2 + FMA).
    static var usesPackedAVX2: Bool { NativeKernels.isEnabled && backend != .openBLAS }

    // MARK: State

    private struct State {
        var backend: Backend
        var threads: Int
        /// Callers currently running their own parallel loop over single-threaded multiplies (see
        /// `withSingleThreadedMultiplies`); while > 0 OpenBLAS is set to one thread. A count rather than
        /// save/restore, so overlapping sections on different threads cannot leave it stuck at 1.
        var singleThreadedSections = 0
    }

    /// Runs `body` with every multiply single-threaded (OpenBLAS and native); callers parallelize over
    /// independent multiplies themselves. Other threads' multiplies during the section are single-
    /// threaded too (OpenBLAS's thread count is process-wide): slower, never wrong.
    static func withSingleThreadedMultiplies<R>(_ body: () -> R) -> R {
        let library = library
        state.withLock { state in
            if state.singleThreadedSections == 0 { library?.setThreadCount(1) }
            state.singleThreadedSections += 1
        }
        defer {
            state.withLock { state in
                state.singleThreadedSections -= 1
                if state.singleThreadedSections == 0 { library?.setThreadCount(state.threads) }
            }
        }
        return body()
    }

    private static let loaded: (library: OpenBLASLibrary?, failures: [String]) = {
        let result = OpenBLASLibrary.load()
        if result.library == nil {
            let note = "swiftformers: OpenBLAS could not be loaded (\(result.failures.first ?? "no candidate")); "
                + "using the built-in GEMM kernel, which is slower. Install libopenblas0 (Scripts/bootstrap).\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        return result
    }()

    static var library: OpenBLASLibrary? { loaded.library }

    private static let state: LockedState<State> = {
        let threads = max(1, CPUFeatures.current.logicalCores)
        let forced = ProcessInfo.processInfo.environment["SFS_GEMM"]?.lowercased()
        let loadedLibrary = loaded.library
        loadedLibrary?.setThreadCount(threads)
        let backend: Backend
        switch forced {
        case "native": backend = .native
        case "openblas": backend = loadedLibrary != nil ? .openBLAS : .native
        default: backend = .automatic
        }
        return LockedState(State(backend: backend, threads: threads))
    }()
}

/// A value behind a lock (Synchronization.Mutex needs macOS 15; the package supports 14).
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
