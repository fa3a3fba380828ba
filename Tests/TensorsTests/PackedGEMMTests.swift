import CKernels
import Foundation
import Testing

@testable import Tensors

/// Our AVX2 packed sgemm (`sfk_sgemm_avx2`, split over threads by `GEMM.packedAVX2`) against OpenBLAS
/// (the path it replaces) and a Double reference: shapes that leave ragged 6×16 tiles, cross the
/// kc/mc/nc block edges (k > 256, m > 144, n > 2048), every transpose, padded leading dimensions,
/// strided and broadcast operands, alpha/beta accumulation, and 1 or 2 threads (both splits).
@Suite(.serialized) struct PackedGEMMTests {
    struct Case: CustomStringConvertible, Sendable {
        var m: Int, n: Int, k: Int
        var transA = false, transB = false
        var alpha: Float = 1, beta: Float = 0
        var threads = 1
        var description: String { "\(m)×\(n)×\(k) tA=\(transA) tB=\(transB) α=\(alpha) β=\(beta) threads \(threads)" }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        // Odd edges in every dimension, all four transposes.
        for (m, n, k) in [(2, 2, 1), (7, 17, 9), (13, 31, 257), (6, 16, 8), (37, 50, 300)] {
            for transA in [false, true] {
                for transB in [false, true] { cases.append(Case(m: m, n: n, k: k, transA: transA, transB: transB)) }
            }
        }
        // Block edges: m > MC (96), k > KC (384), n > NC (2048); beta accumulation across k blocks. A is read
        // in place (row-major, m·k ≤ 64 Ki, n ≤ 512; ragged 4-row last panel) or packed (just over the limit).
        cases.append(Case(m: 150, n: 70, k: 530, transA: false, transB: true, alpha: 0.5, beta: 1.5))
        cases.append(Case(m: 100, n: 40, k: 400, transA: false, transB: false, alpha: 0.5, beta: 1.5))
        cases.append(Case(m: 100, n: 40, k: 400, transA: true, transB: false, alpha: 0.5, beta: 1.5))
        cases.append(Case(m: 5, n: 2100, k: 20, transA: true, transB: false, alpha: -1, beta: 0.25))
        cases.append(Case(m: 49, n: 33, k: 19, transA: true, transB: true, alpha: 2, beta: -1))
        // Two threads: column split (n ≥ m) and row split (m > n), with ragged pieces.
        cases.append(Case(m: 70, n: 203, k: 129, transA: false, transB: true, beta: 1, threads: 2))
        cases.append(Case(m: 301, n: 45, k: 77, transA: false, transB: false, alpha: 0.75, threads: 2))
        cases.append(Case(m: 128, n: 768, k: 300, transA: true, transB: true, beta: 0.5, threads: 2))
        return cases
    }()

    /// A C buffer with padding columns (ldc = n + 3) whose padding must survive untouched.
    static func run(_ testCase: Case, useOpenBLAS: Bool) -> [Float] {
        let (m, n, k) = (testCase.m, testCase.n, testCase.k)
        let lda = (testCase.transA ? m : k) + 3
        let ldb = (testCase.transB ? k : n) + 5
        let ldc = n + 3
        let a = GEMMTests.values((testCase.transA ? k : m) * lda, seed: 11)
        let b = GEMMTests.values((testCase.transB ? n : k) * ldb, seed: 12)
        var c = GEMMTests.values(m * ldc, seed: 13)
        let previous = (GEMM.backend, GEMM.threadCount)
        GEMM.backend = useOpenBLAS ? .openBLAS : .native
        GEMM.threadCount = testCase.threads
        defer { (GEMM.backend, GEMM.threadCount) = previous }
        c.withUnsafeMutableBufferPointer { cBuffer in
            GEMM.sgemm(
                transA: testCase.transA, transB: testCase.transB, m: m, n: n, k: k, alpha: testCase.alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: testCase.beta, c: cBuffer.baseAddress!, ldc: ldc)
        }
        return c
    }

    @Test(arguments: cases) func matchesOpenBLAS(_ testCase: Case) throws {
        try #require(GEMM.library != nil, "OpenBLAS should load on the test machines: \(GEMM.loadFailures)")
        let ours = Self.run(testCase, useOpenBLAS: false)
        let reference = Self.run(testCase, useOpenBLAS: true)
        let ldc = testCase.n + 3
        var worst: Float = 0
        for index in ours.indices {
            if index % ldc >= testCase.n {
                #expect(ours[index] == reference[index], "padding column of C changed at \(index)")
                continue
            }
            worst = max(worst, abs(ours[index] - reference[index]) / (1 + abs(reference[index])))
        }
        // Both are float sums of k products in different orders: a few ulps per term at most.
        #expect(worst < 1e-5 * Float(max(testCase.k, 8)).squareRoot(), "\(testCase): max difference \(worst)")
    }

    /// The same shapes through `GEMMTests.check` (Double reference), which also covers the strided form.
    @Test(arguments: cases.filter { $0.threads == 1 }) func matchesDoubleReference(_ testCase: Case) {
        GEMMTests.check(
            GEMMTests.Case(m: testCase.m, n: testCase.n, k: testCase.k, transA: testCase.transA, transB: testCase.transB,
                           alpha: testCase.alpha, beta: testCase.beta),
            backend: .native)
    }

    /// Operands with no BLAS layout (both strides > 1, and a broadcast row) go straight to the packer.
    @Test func doublyStridedAndBroadcastOperands() {
        let (m, n, k) = (19, 35, 40)
        // A element (i, p) at 3·(i·k + p)·… : row stride 3k, column stride 3 (every third float).
        let a = GEMMTests.values(3 * m * k, seed: 21)
        let bRow = GEMMTests.values(n, seed: 22)  // B: one row of length n broadcast over k rows (row stride 0)
        var c = [Float](repeating: .nan, count: m * n)
        c.withUnsafeMutableBufferPointer {
            GEMM.sgemm(m: m, n: n, k: k, alpha: 1, a: a, rowStrideA: 3 * k, colStrideA: 3,
                       b: bRow, rowStrideB: 0, colStrideB: 1, beta: 0, c: $0.baseAddress!, ldc: n)
        }
        var worst: Double = 0
        for i in 0..<m {
            var rowSum = 0.0
            for p in 0..<k { rowSum += Double(a[3 * (i * k + p)]) }
            for j in 0..<n { worst = max(worst, abs(Double(c[i * n + j]) - rowSum * Double(bRow[j]))) }
        }
        #expect(worst < 1e-4)
    }

    /// The C kernel itself, called directly with beta = 0 into C full of NaN: C must not be read.
    @Test func betaZeroIgnoresNaN() {
        guard sfk_cpu_has_avx2_fma() != 0 else { return }  // the C kernel is only called on AVX2 CPUs
        let (m, n, k) = (7, 19, 5)
        let a = GEMMTests.values(m * k, seed: 31), b = GEMMTests.values(k * n, seed: 32)
        var c = [Float](repeating: .nan, count: m * n)
        let status = c.withUnsafeMutableBufferPointer {
            sfk_sgemm_avx2(m, n, k, 1, a, k, 1, b, n, 1, 0, $0.baseAddress!, n)
        }
        #expect(status == 0)
        #expect(!c.contains { $0.isNaN })
    }

    /// The portable Swift kernel (CPUs without AVX2, SFS_KERNELS=portable) stays correct as the fallback.
    @Test func portableKernelMatchesReference() {
        let (m, n, k) = (23, 29, 31)
        let a = GEMMTests.values(m * k, seed: 41), b = GEMMTests.values(n * k, seed: 42)
        var c = GEMMTests.values(m * n, seed: 43)
        var expected = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[j * k + p]) }
                expected[i * n + j] = Float(2 * sum + 0.5 * Double(c[i * n + j]))
            }
        }
        c.withUnsafeMutableBufferPointer {
            NativeGEMM.portableSGEMM(m: m, n: n, k: k, alpha: 2, a: a, rowStrideA: k, colStrideA: 1,
                                     b: b, rowStrideB: 1, colStrideB: k, beta: 0.5, c: $0.baseAddress!, ldc: n, threads: 2)
        }
        for index in c.indices { #expect(abs(c[index] - expected[index]) < 1e-4, "at \(index)") }
    }

    /// `.automatic` sends matrix products to our kernel when AVX2 runs, vectors to OpenBLAS's gemv.
    @Test func automaticDispatch() {
        #expect(GEMM.usesOwnKernel(.automatic, m: 128, n: 768) == NativeKernels.isEnabled)
        #expect(!GEMM.usesOwnKernel(.automatic, m: 1, n: 768))
        #expect(!GEMM.usesOwnKernel(.automatic, m: 768, n: 1))
        #expect(GEMM.usesOwnKernel(.native, m: 1, n: 1))
        #expect(!GEMM.usesOwnKernel(.openBLAS, m: 64, n: 64))
    }
}
