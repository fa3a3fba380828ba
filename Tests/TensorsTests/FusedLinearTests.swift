import Foundation
import Testing

@testable import Tensors

/// `Tensor.linear(weight:bias:activation:residual:)` — bias, activation and residual add in the packed GEMM's
/// epilogue — against a Double reference of activation(x·Wᵀ + b + r): shapes that cross the kernel's row and k
/// blocks (m > 144, k > 256) and leave ragged tiles, both thread splits (row ranges when m > n, column ranges
/// otherwise, where the bias and residual pointers are offset per piece), every activation, and the unfused
/// fallback (fewer than 6 rows).
@Suite(.serialized) struct FusedLinearTests {
    struct Case: CustomStringConvertible, Sendable {
        var batch: Int, rows: Int, inFeatures: Int, outFeatures: Int
        var activation: GEMM.EpilogueActivation?
        var bias = true, residual = false
        var threads = 1
        var description: String {
            "[\(batch), \(rows), \(inFeatures)] → \(outFeatures) \(activation.map { "\($0)" } ?? "none") bias \(bias) residual \(residual) threads \(threads)"
        }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        let activations: [GEMM.EpilogueActivation?] = [nil, .geluErf, .geluTanh, .silu, .sigmoid, .tanh, .quickGelu]
        for activation in activations {
            cases.append(Case(batch: 3, rows: 50, inFeatures: 300, outFeatures: 70, activation: activation, threads: 2))
        }
        cases.append(Case(batch: 1, rows: 30, inFeatures: 200, outFeatures: 203, activation: nil, residual: true, threads: 2))
        cases.append(Case(batch: 2, rows: 75, inFeatures: 256, outFeatures: 40, activation: nil, residual: true, threads: 2))
        cases.append(Case(batch: 1, rows: 7, inFeatures: 19, outFeatures: 17, activation: .geluErf, bias: false, residual: true))
        cases.append(Case(batch: 1, rows: 3, inFeatures: 19, outFeatures: 17, activation: .quickGelu, residual: true))
        return cases
    }()

    static func reference(_ activation: GEMM.EpilogueActivation?, _ x: Double) -> Double {
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        switch activation {
        case nil: return x
        case .geluErf: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        case .geluTanh: return 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .silu: return x * sigmoid(x)
        case .sigmoid: return sigmoid(x)
        case .tanh: return tanh(x)
        case .quickGelu: return x * sigmoid(1.702 * x)
        }
    }

    @Test(arguments: cases) func matchesDoubleReference(_ testCase: Case) throws {
        try check(testCase, packed: false)
    }

    /// The same products with the weight packed once (`PackedLinearWeight`), twice in a row (packed on the first).
    @Test(arguments: cases) func prepackedMatchesDoubleReference(_ testCase: Case) throws {
        try check(testCase, packed: true)
    }

    /// A weight read from a safetensors mapping: packing releases the mapping's pages, and the weight still reads
    /// back with its values (mapped again from the file).
    @Test func packingAMappedWeightKeepsItReadable() throws {
        let (n, k) = (40, 1500)
        // Scaled as in the other cases: with ±1 inputs the float32 sum over k = 1500 drifts past 1e-5 of the Double one.
        let w = GEMMTests.values(n * k, seed: 31).map { $0 * 0.2 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fused-linear-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.save(["w": Tensor(w, shape: [n, k])], to: path)
        let weight = try #require(try Safetensors.load(path)["w"])
        let packed = try #require(PackedLinearWeight(weight))
        let x = GEMMTests.values(8 * k, seed: 32).map { $0 * 0.2 }
        let result = try Tensor(x, shape: [8, k]).linear(packed: packed, bias: nil, activation: nil).floats()
        #expect(weight.floats() == w)
        var worst = 0.0
        for i in 0..<8 {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(x[i * k + p]) * Double(w[j * k + p]) }
                worst = max(worst, abs(Double(result[i * n + j]) - sum) / max(1, abs(sum)))
            }
        }
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    func check(_ testCase: Case, packed: Bool) throws {
        let (m, k, n) = (testCase.batch * testCase.rows, testCase.inFeatures, testCase.outFeatures)
        // Inputs scaled to ±2 so the activations see both their linear and their saturating ranges.
        let x = GEMMTests.values(m * k, seed: 21).map { $0 * 0.2 }
        let w = GEMMTests.values(n * k, seed: 22).map { $0 * 0.2 }
        let b = GEMMTests.values(n, seed: 23)
        let r = GEMMTests.values(m * n, seed: 24)
        let previous = GEMM.threadCount
        GEMM.threadCount = testCase.threads
        defer { GEMM.threadCount = previous }
        let input = try Tensor(x, shape: [testCase.batch, testCase.rows, k])
        let weight = try Tensor(w, shape: [n, k])
        let bias = testCase.bias ? try Tensor(b, shape: [n]) : nil
        let residual = testCase.residual ? try Tensor(r, shape: [testCase.batch, testCase.rows, n]) : nil
        var result: Tensor
        if packed {
            let weights = try #require(PackedLinearWeight(weight))
            result = try input.linear(packed: weights, bias: bias, activation: testCase.activation, residual: residual)
            result = try input.linear(packed: weights, bias: bias, activation: testCase.activation, residual: residual)
        } else {
            result = try input.linear(weight: weight, bias: bias, activation: testCase.activation, residual: residual)
        }
        #expect(result.shape == [testCase.batch, testCase.rows, n])
        let values = result.floats()
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(x[i * k + p]) * Double(w[j * k + p]) }
                if testCase.bias { sum += Double(b[j]) }
                if testCase.residual { sum += Double(r[i * n + j]) }
                let expected = Self.reference(testCase.activation, sum)
                worst = max(worst, abs(Double(values[i * n + j]) - expected) / max(1, abs(expected)))
            }
        }
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }
}
