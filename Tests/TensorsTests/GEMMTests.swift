import Foundation
import Testing

@testable import Tensors

/// GEMM against a naive triple loop in Double, for both backends, all transposes, vector shapes
/// (the sgemv path), strided operands and the beta/alpha contract.
@Suite(.serialized) struct GEMMTests {
    struct Case: CustomStringConvertible, Sendable {
        var m: Int, n: Int, k: Int
        var transA: Bool, transB: Bool
        var alpha: Float = 1, beta: Float = 0
        var description: String { "\(m)×\(n)×\(k) tA=\(transA) tB=\(transB) α=\(alpha) β=\(beta)" }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for (m, n, k) in [(1, 1, 1), (5, 7, 3), (1, 37, 19), (23, 1, 19), (64, 64, 64), (67, 129, 300), (1, 300, 5)] {
            for transA in [false, true] {
                for transB in [false, true] { cases.append(Case(m: m, n: n, k: k, transA: transA, transB: transB)) }
            }
        }
        cases.append(Case(m: 9, n: 10, k: 11, transA: false, transB: true, alpha: 0.5, beta: -2))
        cases.append(Case(m: 1, n: 10, k: 11, transA: true, transB: false, alpha: 2, beta: 0.25))
        cases.append(Case(m: 10, n: 1, k: 11, transA: true, transB: true, alpha: 2, beta: 1))
        cases.append(Case(m: 4, n: 4, k: 0, transA: false, transB: false, alpha: 1, beta: 3))
        // One row times a row-major [k, n] (the x·W GEMV): split over threads at odd row counts of B, and wider than
        // the kernel's 4096-column block.
        cases.append(Case(m: 1, n: 2053, k: 1031, transA: false, transB: false, alpha: 0.5, beta: 0.75))
        cases.append(Case(m: 1, n: 9000, k: 301, transA: false, transB: false, alpha: 1, beta: 0))
        return cases
    }()

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt32) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
    }

    static func check(_ testCase: Case, backend: GEMM.Backend) {
        let (m, n, k) = (testCase.m, testCase.n, testCase.k)
        // Leading dimensions larger than needed, to catch stride mix-ups.
        let lda = (testCase.transA ? m : k) + 3
        let ldb = (testCase.transB ? k : n) + 2
        let ldc = n + 1
        let a = values((testCase.transA ? k : m) * lda, seed: 1)
        let b = values((testCase.transB ? n : k) * ldb, seed: 2)
        var c = values(m * ldc, seed: 3)
        var expected = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = testCase.transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = testCase.transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                let old = testCase.beta == 0 ? 0 : Double(testCase.beta) * Double(c[i * ldc + j])
                expected[i * ldc + j] = Float(Double(testCase.alpha) * sum + old)
            }
        }
        let previous = GEMM.backend
        GEMM.backend = backend
        defer { GEMM.backend = previous }
        c.withUnsafeMutableBufferPointer { cBuffer in
            GEMM.sgemm(
                transA: testCase.transA, transB: testCase.transB, m: m, n: n, k: k, alpha: testCase.alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: testCase.beta, c: cBuffer.baseAddress!, ldc: ldc)
        }
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                let index = i * ldc + j
                worst = max(worst, abs(c[index] - expected[index]) / (1 + abs(expected[index])))
            }
        }
        #expect(worst < 1e-5, "\(backend) \(testCase): max error \(worst)")
    }

    @Test(arguments: cases) func openBLASMatchesNaive(_ testCase: Case) {
        Self.check(testCase, backend: .openBLAS)
    }

    @Test(arguments: cases) func nativeMatchesNaive(_ testCase: Case) {
        Self.check(testCase, backend: .native)
    }

    @Test func betaZeroDoesNotReadC() {
        let previous = GEMM.backend
        defer { GEMM.backend = previous }
        var c = [Float](repeating: .nan, count: 4)
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [1, 0, 0, 1]
        for backend in GEMM.Backend.allCases {
            GEMM.backend = backend
            c.withUnsafeMutableBufferPointer {
                GEMM.sgemm(transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 2, b: b, ldb: 2,
                           beta: 0, c: $0.baseAddress!, ldc: 2)
            }
            #expect(c == a, "\(backend)")
            c = [.nan, .nan, .nan, .nan]
        }
    }

    /// A broadcast operand (row stride 0) has no BLAS layout; the native kernel packs it directly.
    @Test func stridedBroadcastOperand() {
        let a: [Float] = [1, 2, 3]  // one row, broadcast to 4 rows
        let b = Self.values(3 * 5, seed: 9)
        var c = [Float](repeating: 0, count: 4 * 5)
        c.withUnsafeMutableBufferPointer {
            GEMM.sgemm(m: 4, n: 5, k: 3, alpha: 1, a: a, rowStrideA: 0, colStrideA: 1,
                       b: b, rowStrideB: 5, colStrideB: 1, beta: 0, c: $0.baseAddress!, ldc: 5)
        }
        for i in 0..<4 {
            for j in 0..<5 {
                let expected = a[0] * b[j] + a[1] * b[5 + j] + a[2] * b[10 + j]
                #expect(abs(c[i * 5 + j] - expected) < 1e-5)
            }
        }
    }

    @Test func batchedMatchesSingle() {
        let (batch, m, n, k) = (6, 7, 9, 5)
        let a = Self.values(batch * m * k, seed: 4)
        let b = Self.values(k * n, seed: 5)  // broadcast over the batch
        var batched = [Float](repeating: 0, count: batch * m * n)
        var single = batched
        batched.withUnsafeMutableBufferPointer {
            GEMM.sgemmBatched(batch: batch, transA: false, transB: false, m: m, n: n, k: k, alpha: 1,
                              a: a, lda: k, batchStrideA: m * k, b: b, ldb: n, batchStrideB: 0,
                              beta: 0, c: $0.baseAddress!, ldc: n, batchStrideC: m * n)
        }
        a.withUnsafeBufferPointer { aBuffer in
            single.withUnsafeMutableBufferPointer { cBuffer in
                for index in 0..<batch {
                    GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1,
                               a: aBuffer.baseAddress! + index * m * k, lda: k, b: b, ldb: n, beta: 0,
                               c: cBuffer.baseAddress! + index * m * n, ldc: n)
                }
            }
        }
        #expect(batched == single)
    }

    /// Overlapping single-threaded sections (parallel attention calls) must leave OpenBLAS at the
    /// configured thread count afterwards, and every result must still be right.
    @Test func overlappingSingleThreadedSections() throws {
        let q = try Tensor(Self.values(2 * 4 * 70 * 8, seed: 7), shape: [2, 4, 70, 8])
        let reference = try Tensor.scaledDotProductAttention(query: q, key: q, value: q).floats()
        let results = LockedState<[[Float]]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let output = (try? Tensor.scaledDotProductAttention(query: q, key: q, value: q).floats()) ?? []
            results.withLock { $0.append(output) }
        }
        results.withLock { all in
            #expect(all.count == 6)
            for output in all { #expect(output == reference) }
        }
        #expect(GEMM.openBLASThreadsRestored)
    }

    @Test func coreTypeChoice() {
        let zen = CPUFeatures.parse("vendor_id\t: AuthenticAMD\ncpu family\t: 25\nflags\t\t: sse avx2 fma\n")
        #expect(zen.openBLASCoreType == "ZEN")
        let intel = CPUFeatures.parse("vendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: avx2 fma\n")
        #expect(intel.openBLASCoreType == "HASWELL")
        let avx512 = CPUFeatures.parse("vendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: avx2 fma avx512f\n")
        #expect(avx512.openBLASCoreType == "SKYLAKEX")
        let old = CPUFeatures.parse("vendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: sse sse2\n")
        #expect(old.openBLASCoreType == nil)
        #expect(GEMM.library != nil, "OpenBLAS should load on the test machines: \(GEMM.loadFailures)")
    }
}
