import Foundation
import Testing
@testable import Tensors

/// `QuantizedMatrix.matmul` against dequantize-then-float-matmul (in double precision).
///
/// Integer kernels (Q4_0, Q4_1, Q8_0; Q4_K, Q5_K, Q6_K) round each activation to 8 bits per block of 32 (256 for the
/// K-quants): activation k moves by at most `max|x_block| / 254`, so output r may differ by at most
/// `Σ_blocks max|x_b| / 254 · Σ_{k∈b} |W[r,k]|` — the bound asserted here (plus float summation slack 1e-5 of
/// Σ|w·x|). Float-path formats must match to 1e-5 relative. The reference is our bit-exact dequantization.
@Suite struct GGUFQuantizedMatmulTests {
    /// Deterministic bytes (xorshift), so failures reproduce.
    struct Bytes {
        var state: UInt64
        mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next() >> 24) }
        mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    }

    /// Random blocks of `type` with finite, modest float16 scales in the fields that hold them.
    static func randomMatrix(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) throws -> QuantizedMatrix {
        var rng = Bytes(state: seed)
        let count = rows * columns / type.blockSize
        var bytes = [UInt8](repeating: 0, count: count * type.typeSize)
        bytes.withUnsafeMutableBytes { raw in  // eight random bytes per step: the benchmark builds 30 MB matrices
            for i in 0..<(raw.count / 8) { raw.storeBytes(of: rng.next(), toByteOffset: 8 * i, as: UInt64.self) }
        }
        let scaleFields: [Int] = switch type {
        case .q4_0, .q8_0, .q5_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q6_K: [208]
        case .q3_K: [108]
        case .q2_K: [80, 82]
        default: []
        }
        for block in 0..<count {
            for field in scaleFields {
                let bits = (rng.float() * 0.05).float16Bits
                bytes[block * type.typeSize + field] = UInt8(bits & 0xFF)
                bytes[block * type.typeSize + field + 1] = UInt8(bits >> 8)
            }
        }
        if type == .f16 || type == .bf16 {
            bytes = (0..<(rows * columns)).flatMap { _ -> [UInt8] in
                let bits = type == .f16 ? rng.float().float16Bits : rng.float().bfloat16Bits
                return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            }
        }
        return try QuantizedMatrix(type: type, rows: rows, columns: columns, blocks: Tensor(bytes, shape: [bytes.count]))
    }

    static func randomInput(tokens: Int, columns: Int, seed: UInt64) throws -> Tensor {
        var rng = Bytes(state: seed)
        return try Tensor((0..<(tokens * columns)).map { _ in rng.float() * 3 }, shape: [tokens, columns])
    }

    /// Checks `matrix.matmul(x)` against the double-precision product of the dequantized weights.
    func check(_ matrix: QuantizedMatrix, _ x: Tensor) throws {
        let got = try matrix.matmul(x).floats()
        let w = try matrix.dequantized().floats()
        let xs = x.floats()
        let tokens = x.count / matrix.columns
        for t in 0..<tokens {
            for r in 0..<matrix.rows {
                var exact = 0.0, bound = 0.0, magnitude = 0.0
                let size = matrix.activationBlockSize
                for b in 0..<(matrix.columns / size) {
                    var amax: Float = 0, wmass = 0.0
                    for k in (size * b)..<(size * b + size) {
                        let wk = Double(w[r * matrix.columns + k]), xk = Double(xs[t * matrix.columns + k])
                        exact += wk * xk
                        magnitude += abs(wk * xk)
                        amax = max(amax, abs(xs[t * matrix.columns + k]))
                        wmass += abs(wk)
                    }
                    bound += Double(amax) / 254 * wmass
                }
                let allowed = (matrix.usesIntegerKernel ? bound * 1.001 : 0) + 1e-5 * max(magnitude, 1)
                let error = abs(Double(got[t * matrix.rows + r]) - exact)
                #expect(error <= allowed, "\(matrix.type) token \(t) row \(r): \(got[t * matrix.rows + r]) vs \(exact) (allowed \(allowed))")
            }
        }
    }

    @Test(arguments: [GGMLType.q4_0, .q4_1, .q8_0, .q4_K, .q5_K, .q6_K])
    func integerKernelsStayWithinActivationRounding(type: GGMLType) throws {
        let matrix = try Self.randomMatrix(type, rows: 70, columns: 512, seed: 7 &+ UInt64(type.rawValue))
        #expect(matrix.usesIntegerKernel)
        try check(matrix, try Self.randomInput(tokens: 1, columns: 512, seed: 11))
        // Several tokens: the 2-row × 4-token tiles, their remainders (9 = 4 + 4 + 1), two threads.
        try check(matrix, try Self.randomInput(tokens: 9, columns: 512, seed: 13))
    }

    /// The portable C kernels (what a CPU without AVX2 runs) against the same bound, and against the AVX2 ones.
    /// Forcing is process-wide; tests running meanwhile just use the portable kernels, which satisfy the same bound.
    @Test(arguments: [GGMLType.q4_0, .q4_1, .q8_0, .q4_K, .q5_K, .q6_K])
    func portableKernelsAgreeWithAVX2(type: GGMLType) throws {
        let matrix = try Self.randomMatrix(type, rows: 19, columns: 768, seed: 29 &+ UInt64(type.rawValue))
        let x = try Self.randomInput(tokens: 6, columns: 768, seed: 31)
        let fast = try matrix.matmul(x).floats()
        QuantizedMatrix.forcePortableKernels(true)
        defer { QuantizedMatrix.forcePortableKernels(false) }
        try check(matrix, x)
        let portable = try matrix.matmul(x).floats()
        for (a, b) in zip(fast, portable) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(type): \(a) vs \(b)") }
    }

    @Test(arguments: [GGMLType.q2_K, .q3_K, .q5_0, .q5_1, .f16, .bf16])
    func otherFormatsMatchDequantizedMatmul(type: GGMLType) throws {
        let matrix = try Self.randomMatrix(type, rows: 37, columns: 512, seed: 3 &+ UInt64(type.rawValue))
        #expect(!matrix.usesIntegerKernel)
        try check(matrix, try Self.randomInput(tokens: 3, columns: 512, seed: 17))
    }

    @Test func halfConversionIsExactForEveryBitPattern() {
        var wrong = 0
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 1) { cell in
            for bits in 0...UInt16.max {
                cell[0] = bits
                let got = QuantizedKernels.half(UnsafeRawPointer(cell.baseAddress!), 0)
                let want = Float(Float16(bitPattern: bits))
                if want.isNaN ? !got.isNaN : got.bitPattern != want.bitPattern { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    @Test func batchDimensionsAreKept() throws {
        let matrix = try Self.randomMatrix(.q4_1, rows: 8, columns: 64, seed: 5)
        let x = try Self.randomInput(tokens: 6, columns: 64, seed: 9).reshape([2, 3, 64])
        #expect(try matrix.matmul(x).shape == [2, 3, 8])
        #expect { try matrix.matmul(try Self.randomInput(tokens: 1, columns: 32, seed: 1)) } throws: {
            "\($0)".contains("input features 32 and 64 differ")
        }
    }

    /// The fixture's Q4_1 tensor through the kernel against gguf-py's dequantized values.
    @Test func fixtureWeightsAgainstGGUFPyDequantization() throws {
        let file = try GGUFFile(path: Fixtures.url("gguf/small.gguf").path)
        for name in ["q4_0", "q4_1", "q8_0", "q4_k", "q6_k"] {
            let matrix = try file.quantizedMatrix(named: name)
            #expect(try matrix.dequantized().floats() == (try file.tensor(named: name)).floats(), "\(name)")
            try check(matrix, try Self.randomInput(tokens: 2, columns: matrix.columns, seed: 21))
        }
    }
}
