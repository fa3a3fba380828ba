import Foundation
import Testing
@testable import Tensors

/// The AVX2 kernels of `CKernels` against exact (Double) references and against the portable Swift kernels
/// they replace, so both paths stay tested on a machine that runs only one of them through the public API.
/// On a CPU without AVX2+FMA the dispatching functions run the portable code and these tests compare it
/// with itself and the references (still meaningful, just not of the C code).
@Suite struct NativeKernelTests {
    /// A dense grid over [-lower, upper] plus the lengths that exercise every tail (0…17 past a multiple of 16).
    static func grid(_ count: Int, from lower: Float, to upper: Float) -> [Float] {
        (0..<count).map { lower + (upper - lower) * Float($0) / Float(count - 1) }
    }

    static func runUnary<K: FloatUnaryKernel>(_ kernel: K.Type, _ x: [Float], portable: Bool = false) -> [Float] {
        var out = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                guard let i = input.baseAddress, let o = output.baseAddress else { return }
                if portable {
                    floatUnaryRunPortable(K.self, i, 1, o, x.count)
                } else {
                    floatUnaryRun(K.self, i, 1, o, x.count)
                }
            }
        }
        return out
    }

    // MARK: Unary

    @Test func exactGeluIsAccurateToFloatRounding() {
        let x = Self.grid(400_001, from: -12, to: 12)
        let y = Self.runUnary(GeluKernel.self, x)
        var worst = 0.0, worstTiny = 0.0
        for (i, value) in x.enumerated() {
            let exact = 0.5 * Double(value) * Foundation.erfc(-Double(value) / 2.0.squareRoot())
            let error = Swift.abs(Double(y[i]) - exact)
            // Relative where the result is a normal-sized number; tiny tail values only in absolute terms.
            if Swift.abs(exact) > 1e-6 { worst = Swift.max(worst, error / Swift.abs(exact)) } else { worstTiny = Swift.max(worstTiny, error) }
        }
        // The bounds of the C kernel; the portable Swift kernel (SFS_KERNELS=portable, or no AVX2) rounds
        // x²/2 once more and is held to the parity tolerance instead.
        let (relativeBound, tailBound) = NativeKernels.isEnabled ? (1e-6, 1e-12) : (1e-5, 1e-11)
        #expect(worst < relativeBound, "GELU(erf) worst relative error \(worst)")
        #expect(worstTiny < tailBound, "GELU(erf) worst absolute error on the tail \(worstTiny)")
    }

    @Test func transcendentalKernelsMatchDoubleReferences() {
        let x = Self.grid(200_003, from: -20, to: 20)
        let cases: [(String, [Float], (Double) -> Double, Double)] = [
            ("exp", Self.runUnary(ExpKernel.self, x), { Foundation.exp($0) }, 3e-7),
            ("tanh", Self.runUnary(TanhKernel.self, x), { Foundation.tanh($0) }, 3e-7),
            ("sigmoid", Self.runUnary(SigmoidKernel.self, x), { 1 / (1 + Foundation.exp(-$0)) }, 3e-7),
            ("silu", Self.runUnary(SiluKernel.self, x), { $0 / (1 + Foundation.exp(-$0)) }, 4e-7),
        ]
        for (name, y, reference, bound) in cases {
            var worst = 0.0
            for (i, value) in x.enumerated() {
                let exact = reference(Double(value))
                guard exact.isFinite, Swift.abs(exact) > 1e-30 else { continue }
                worst = Swift.max(worst, Swift.abs(Double(y[i]) - exact) / Swift.abs(exact))
            }
            #expect(worst < bound, "\(name): worst relative error \(worst)")
        }
        // The tanh GELU cancels in 1 + tanh for large negative x (as PyTorch's formula does): absolute bound.
        let geluTanh = Self.runUnary(GeluTanhKernel.self, x)
        let worstAbsolute = x.indices.map { i -> Double in
            let v = Double(x[i])
            let exact = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
            return Swift.abs(Double(geluTanh[i]) - exact) / Swift.max(1, Swift.abs(exact))
        }.max() ?? 0
        #expect(worstAbsolute < 1e-6)
    }

    @Test func specialValuesAndTailsMatchThePortableKernels() {
        let specials: [Float] = [.nan, -.infinity, .infinity, -100, -88.5, -87.2, -0.0, 0, 1e-30, 88.5, 90, 100]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 33] {
            let x = (0..<length).map { specials[$0 % specials.count] }
            func check<K: FloatUnaryKernel>(_ kernel: K.Type, _ name: String) {
                let native = Self.runUnary(K.self, x), portable = Self.runUnary(K.self, x, portable: true)
                for i in 0..<length {
                    let a = native[i], b = portable[i]
                    let same = (a.isNaN && b.isNaN) || a == b || Swift.abs(a - b) <= 1e-6 * Swift.max(1, Swift.abs(b))
                    #expect(same, "\(name)(\(x[i])): native \(a), portable \(b)")
                }
            }
            check(ExpKernel.self, "exp")
            check(TanhKernel.self, "tanh")
            check(SigmoidKernel.self, "sigmoid")
            check(SiluKernel.self, "silu")
            check(GeluKernel.self, "gelu")
            check(GeluTanhKernel.self, "gelu_tanh")
        }
    }

    // MARK: Binary

    @Test func binaryKernelsAreExactForEveryStridePattern() {
        let n = 1037
        let a = (0..<n).map { Float(($0 * 7919) % 2003 - 1001) * 0.013 }
        let b = (0..<n).map { Float(($0 * 104_729) % 1999 - 999) * 0.007 + 0.001 }
        func run<K: FloatBinaryKernel>(_: K.Type, _ sa: Int, _ sb: Int, count: Int, portable: Bool) -> [Float] {
            var out = [Float](repeating: .nan, count: count)
            if count == 0 { return out }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        if portable {
                            floatBinaryRunPortable(K.self, pa.baseAddress!, sa, pb.baseAddress!, sb, po.baseAddress!, count)
                        } else {
                            floatBinaryRun(K.self, pa.baseAddress!, sa, pb.baseAddress!, sb, po.baseAddress!, count)
                        }
                    }
                }
            }
            return out
        }
        func check<K: FloatBinaryKernel>(_ kernel: K.Type, _ name: String, _ op: (Float, Float) -> Float) {
            for (sa, sb) in [(1, 1), (1, 0), (0, 1), (0, 0)] {
                for count in [0, 1, 7, 8, 31, 32, 33, n] {
                    let native = run(K.self, sa, sb, count: count, portable: false)
                    let portable = run(K.self, sa, sb, count: count, portable: true)
                    let exact = (0..<count).map { op(a[$0 * sa], b[$0 * sb]) }
                    #expect(native == exact, "\(name) strides (\(sa), \(sb)) n=\(count)")
                    #expect(portable == exact, "\(name) portable strides (\(sa), \(sb)) n=\(count)")
                }
            }
        }
        check(AddKernel.self, "add", +)
        check(SubKernel.self, "sub", -)
        check(MulKernel.self, "mul", *)
        check(DivKernel.self, "div", /)
    }

    // MARK: Rows

    @Test func softmaxRowsMatchThePortableKernelAndDouble() {
        for n in [1, 5, 8, 13, 16, 100, 1024, 1031] {
            let x = (0..<n).map { Float(($0 * 7919) % 2003 - 1001) * 0.02 }
            var native = [Float](repeating: 0, count: n), portable = native
            x.withUnsafeBufferPointer { input in
                native.withUnsafeMutableBufferPointer { Tensor.softmaxRow(input.baseAddress!, $0.baseAddress!, n) }
                portable.withUnsafeMutableBufferPointer { Tensor.softmaxRowPortable(input.baseAddress!, $0.baseAddress!, n) }
            }
            let m = Double(x.max()!)
            let total = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
            for i in 0..<n {
                let exact = Foundation.exp(Double(x[i]) - m) / total
                #expect(Swift.abs(Double(native[i]) - exact) <= 1e-6 * exact + 1e-12, "n=\(n) i=\(i)")
                #expect(Swift.abs(native[i] - portable[i]) <= 1e-6 * portable[i] + 1e-12)
            }
            // The attention form: unnormalized exponentials and 1/Σ.
            var row = x, reference = x
            let inverse = row.withUnsafeMutableBufferPointer { NNMath.exponentiateRow($0.baseAddress!, count: n) }
            let inversePortable = reference.withUnsafeMutableBufferPointer { NNMath.exponentiateRowPortable($0.baseAddress!, count: n) }
            #expect(Swift.abs(Double(inverse) * total - 1) < 1e-6)
            #expect(Swift.abs(inverse - inversePortable) <= 1e-6 * inversePortable)
        }
        // NaN poisons the row, +inf too; a fully masked row becomes zeros in the attention form.
        let poisoned = try? Tensor([1, .nan, 3, 4, 5, 6, 7, 8, 9], shape: [9]).softmax(dim: 0).floats()
        #expect(poisoned?.allSatisfy(\.isNaN) == true)
        var masked = [Float](repeating: -.infinity, count: 19)
        let inverse = masked.withUnsafeMutableBufferPointer { NNMath.exponentiateRow($0.baseAddress!, count: 19) }
        #expect(inverse == 0 && masked.allSatisfy { $0 == 0 })
    }

    // MARK: GEMV and allocation

    @Test func rowVectorTimesTransposedMatchesDouble() throws {
        // Small odd shapes (tails of the 4-row and 16-column blocks) and one large enough to use two threads.
        for (n, k) in [(1, 1), (3, 7), (5, 17), (9, 33), (67, 70), (4099, 300)] {
            let ldb = k + 3
            let b = (0..<(n * ldb)).map { Float(($0 * 7919) % 2003 - 1001) * 0.001 }
            let a = (0..<k).map { Float(($0 * 31) % 17 - 8) * 0.1 }
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, -2)] {
                var c = (0..<n).map { Float($0 % 5) - 2 }
                let before = c
                GEMM.sgemm(transA: false, transB: true, m: 1, n: n, k: k, alpha: alpha, a: a, lda: k,
                           b: b, ldb: ldb, beta: beta, c: &c, ldc: n)
                for r in 0..<n {
                    var dot = 0.0
                    for j in 0..<k { dot += Double(a[j]) * Double(b[r * ldb + j]) }
                    let exact = Double(alpha) * dot + (beta == 0 ? 0 : Double(beta) * Double(before[r]))
                    #expect(Swift.abs(Double(c[r]) - exact) <= 1e-5 * Swift.max(1, Swift.abs(exact)), "n=\(n) k=\(k) row \(r)")
                }
            }
        }
    }

    @Test func largeStorageIsAlignedZeroedAndWritable() {
        let storage = TensorStorage(byteCount: 9 << 20)
        #expect(Int(bitPattern: storage.bytes) % TensorStorage.alignment == 0)
        let words = storage.bytes.assumingMemoryBound(to: UInt64.self)
        let count = storage.byteCount / 8
        #expect((0..<count).allSatisfy { words[$0] == 0 })
        words[count - 1] = 42
        #expect(words[count - 1] == 42)
    }
}
