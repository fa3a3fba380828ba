import Foundation
import Testing
import Models
import Tensors

/// A `Linear` that keeps its GGUF blocks agrees with the same layer on the dequantized float32 weights, within the
/// integer kernels' activation-rounding bound (see GGUFQuantizedMatmulTests for the per-output bound).
@Suite struct QuantizedLinearTests {
    @Test func quantizedLinearMatchesDequantizedLinear() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let rows = 24, columns = 64
        var bytes = [UInt8](repeating: 0, count: rows * columns / 32 * 34)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: next() >> 24) }
        for block in 0..<(rows * columns / 32) { bytes[34 * block] = 0x00; bytes[34 * block + 1] = 0x24 }  // d = 2⁻⁶
        let matrix = try QuantizedMatrix(type: .q8_0, rows: rows, columns: columns, blocks: Tensor(bytes, shape: [bytes.count]))
        let bias = try Tensor((0..<rows).map { Float($0) / 10 }, shape: [rows])
        var values: [Float] = []
        for _ in 0..<(3 * columns) {
            let step = Int(next() % 2001) - 1000
            values.append(Float(step) / 500)
        }
        let x = try Tensor(values, shape: [1, 3, columns])
        let quantized = Linear(quantized: matrix, bias: bias)
        let dense = Linear(weight: try matrix.dequantized(), bias: bias)
        #expect(quantized.outFeatures == rows)
        let got = try quantized(x), want = try dense(x)
        #expect(got.shape == [1, 3, rows])
        // |Δ| ≤ Σ_blocks max|x_b|/254 · Σ|w| ≤ 2 blocks · (2/254) · 32 · 2 = 1.008 at these magnitudes; typically far less.
        let worst = zip(got.floats(), want.floats()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1.01)
        #expect(worst > 0)  // really the integer path, not the float one
    }
}
