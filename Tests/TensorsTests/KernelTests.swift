import Foundation
import Testing
@testable import Tensors

/// Kernels against naive Swift references on sizes that take the multi-threaded and SIMD paths (too large for
/// committed fixtures), and the error paths not covered by fixtures.
@Suite struct KernelTests {
    static func ramp(_ n: Int, scale: Float = 0.001) -> [Float] { (0..<n).map { Float(($0 * 7919) % 2003 - 1001) * scale } }

    @Test func largeBinaryAndUnaryMatchScalarReference() throws {
        let n = 200_003
        let x = Self.ramp(n), y = Self.ramp(n, scale: 0.0007).reversed().map { $0 }
        let a = try Tensor(x, shape: [n]), b = try Tensor(y, shape: [n])
        let sum = try (a + b).floats(), product = try (a * b).floats()
        #expect(zip(sum.indices, sum).allSatisfy { $1 == x[$0] + y[$0] })
        #expect(zip(product.indices, product).allSatisfy { $1 == x[$0] * y[$0] })
        let gelu = a.gelu().floats()
        let worst = gelu.indices.map { i -> Double in
            let exact = 0.5 * Double(x[i]) * (1 + Foundation.erf(Double(x[i]) / 2.0.squareRoot()))
            return Swift.abs(Double(gelu[i]) - exact) / Swift.max(Swift.abs(exact), 1e-6)
        }.max() ?? 0
        #expect(worst < 1e-5)
        let e = a.exp().floats()
        #expect(e.indices.allSatisfy { Swift.abs(e[$0] - Foundation.exp(x[$0])) <= 2e-7 * Foundation.exp(x[$0]) })
        // Broadcast along rows, large enough to split across threads by rows.
        let m = try Tensor(Self.ramp(600 * 300), shape: [600, 300]), bias = try Tensor(Self.ramp(300, scale: 0.5), shape: [300])
        let shifted = try (m + bias).floats(), mv = m.floats(), bv = bias.floats()
        #expect(shifted.indices.allSatisfy { shifted[$0] == mv[$0] + bv[$0 % 300] })
        // Strided (transposed) operand in the threaded path.
        let t = try (m.transposed * 2).floats()
        #expect(t.indices.allSatisfy { t[$0] == 2 * mv[($0 % 600) * 300 + $0 / 600] })
    }

    @Test func largeReductionsAndSoftmax() throws {
        let rows = 300, cols = 1000
        let values = Self.ramp(rows * cols)
        let x = try Tensor(values, shape: [rows, cols])
        let sums = try x.sum(dim: 1).floats()
        for r in stride(from: 0, to: rows, by: 37) {
            let exact = values[(r * cols)..<((r + 1) * cols)].reduce(0.0) { $0 + Double($1) }
            #expect(Swift.abs(Double(sums[r]) - exact) < 1e-4)
        }
        let soft = try x.softmax(dim: -1).floats()
        for r in stride(from: 0, to: rows, by: 53) {
            let row = values[(r * cols)..<((r + 1) * cols)].map(Double.init)
            let m = row.max() ?? 0
            let total = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            for c in stride(from: 0, to: cols, by: 97) {
                let exact = Foundation.exp(row[c] - m) / total
                #expect(Swift.abs(Double(soft[r * cols + c]) - exact) <= 1e-6 * exact + 1e-9)
            }
        }
        let ln = try x.layerNorm([cols]).floats()
        let row0 = values[0..<cols].map(Double.init)
        let mean = row0.reduce(0, +) / Double(cols)
        let variance = row0.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
        #expect(Swift.abs(Double(ln[5]) - (row0[5] - mean) / (variance + 1e-5).squareRoot()) < 1e-5)
    }

    @Test func randomIsSeededAndWellDistributed() throws {
        Tensor.manualSeed(42)
        let a = try Tensor.randn([10_000])
        Tensor.manualSeed(42)
        let b = try Tensor.randn([10_000])
        #expect(a.floats() == b.floats())
        let values = a.floats().map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        #expect(Swift.abs(mean) < 0.05 && Swift.abs(std - 1) < 0.05)
        let u = try Tensor.rand([10_000]).floats()
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Swift.abs(u.reduce(0, +) / Float(u.count) - 0.5) < 0.02)
        let ints = try Tensor.randint(-3, 4, [5000]).int64s()
        #expect(Set(ints) == Set(-3...3))
        let generator = RandomGenerator(seed: 7)
        #expect(try Tensor.rand([4], generator: generator).floats() != Tensor.rand([4]).floats())
    }

    @Test func multinomialRespectsWeights() throws {
        Tensor.manualSeed(1)
        let probs = try Tensor([Float(0), 0.7, 0, 0.3], shape: [4])
        let draws = try probs.multinomial(2000, replacement: true).int64s()
        #expect(!draws.contains(0) && !draws.contains(2))
        let share = Double(draws.filter { $0 == 1 }.count) / 2000
        #expect(Swift.abs(share - 0.7) < 0.05)
        let rows = try Tensor([Float(1), 1, 1, 1, 0, 0, 5, 1], shape: [2, 4])
        let unique = try rows.multinomial(2, replacement: false)
        #expect(unique.shape == [2, 2])
        let picks = unique.int64s()
        #expect(picks[0] != picks[1] && picks[2] != picks[3])
        #expect(Set(picks[2...3]) == [2, 3])
        #expect(throws: TensorError.self) { try probs.multinomial(3, replacement: false) }
        #expect(throws: TensorError.self) { try Tensor([Float(-1), 2], shape: [2]).multinomial(1) }
        #expect(throws: TensorError.self) { try Tensor([Float(0), 0], shape: [2]).multinomial(1) }
        #expect(throws: TensorError.self) { try Tensor([Float(1), 2], shape: [2]).multinomial(5) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 2, 2]).multinomial(1) }
    }

    @Test func nestedArraysAndCreation() throws {
        let t = try Tensor(nested: [[1, 2, 3], [4, 5, 6]])
        #expect(t.dtype == .int64 && t.shape == [2, 3] && t.int64s() == [1, 2, 3, 4, 5, 6])
        let f = try Tensor(nested: [[1.5], [2]])
        #expect(f.dtype == .float32 && f.floats() == [1.5, 2])
        #expect(try Tensor(nested: [true, false]).dtype == .bool)
        #expect(try Tensor(nested: 3.5).shape == [])
        #expect(throws: TensorError.self) { try Tensor(nested: [[1, 2], [3]]) }
        #expect(throws: TensorError.self) { try Tensor(nested: [[1, 2], 3]) }
        #expect(throws: TensorError.self) { try Tensor(nested: ["a"]) }
        #expect(try Tensor.full([2], 1.5).floats() == [1.5, 1.5])
        #expect(throws: TensorError.self) { try Tensor.full([-1], 0) }
        #expect(throws: TensorError.self) { try Tensor.randn([2, -1]) }
        #expect(throws: TensorError.self) { try Tensor.randint(3, 3, [2]) }
        #expect(throws: TensorError.self) { try Tensor.linspace(0, 1, steps: -1) }
        #expect(throws: TensorError.self) { try Tensor.eye(-1) }
        #expect(Tensor.onesLike(t).int64s() == [1, 1, 1, 1, 1, 1])
    }

    /// Error paths the fixtures do not reach, each naming the op.
    @Test func errorsNameTheOp() throws {
        let x = try Tensor((0..<6).map(Float.init), shape: [2, 3])
        func message(_ body: () throws -> Tensor) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try x + Tensor.zeros([4]) }.hasPrefix("add: shapes [2, 3] and [4]"))
        #expect(message { try x.softmax(dim: 2) }.hasPrefix("softmax: dimension out of range"))
        #expect(message { try x.to(.int64).softmax(dim: 0) }.hasPrefix("softmax: not supported for dtype torch.int64"))
        #expect(message { try x.index([.slice(start: nil, end: nil, step: -1)]) }.contains("step must be greater than zero"))
        #expect(message { try x.index([.ellipsis, .ellipsis]) }.contains("single ellipsis"))
        #expect(message { try x.clamp() }.hasPrefix("clamp:"))
        #expect(message { try x.maskedFill(x, .float(0)) }.hasPrefix("masked_fill:"))
        #expect(message { try x.maskedFill(Tensor.zeros([3], dtype: .bool), Tensor.zeros([1])) }.hasPrefix("masked_fill:"))
        #expect(message { try x.chunk(0)[0] }.hasPrefix("chunk:"))
        #expect(message { try x.split(0)[0] }.hasPrefix("split:"))
        #expect(message { try x.roll([1, 2], dims: [0]) }.hasPrefix("roll:"))
        #expect(message { try Tensor.zeros([3]).tril() }.hasPrefix("tril:"))
        #expect(message { try x.maskedSelect(x) }.hasPrefix("masked_select:"))
        #expect(message { try Tensor.cat([]) }.hasPrefix("cat:"))
        #expect(message { try Tensor.stack([]) }.hasPrefix("stack:"))
        #expect(message { try x.gather(dim: 0, index: Tensor.zeros([2], dtype: .int64)) }.hasPrefix("gather:"))
        #expect(message { try x.scatter(dim: 0, index: Tensor.zeros([1, 1], dtype: .int64), source: Tensor.zeros([1])) }.hasPrefix("scatter:"))
        #expect(message { try x.indexSelect(dim: 0, index: Tensor.zeros([1, 1], dtype: .int64)) }.hasPrefix("index_select:"))
        #expect(message { try x.repeat([1, -1]) }.hasPrefix("repeat:"))
        #expect(message { try x.pad([1]) }.hasPrefix("pad:"))
        #expect(message { try x.pad([-3, -3]) }.hasPrefix("pad:"))
        #expect(message { try x.rmsNorm([3], weight: Tensor.zeros([4])) }.hasPrefix("rms_norm:"))
        #expect(message { try x.batchNorm(runningMean: Tensor.zeros([2]), runningVar: Tensor.zeros([2])) }.hasPrefix("batch_norm:"))
        #expect(message { try Tensor.embedding(x, weight: x) }.hasPrefix("embedding:"))
        #expect(message { try Tensor.embedding(Tensor.zeros([2], dtype: .int64), weight: Tensor.zeros([3])) }.hasPrefix("embedding:"))
        #expect(message { try x.groupNorm(2) }.hasPrefix("group_norm:"))
        #expect(message { try x.layerNorm([3], weight: Tensor.zeros([2])) }.hasPrefix("layer_norm:"))
        #expect(message { try x.mean(dims: [0, -2]) }.contains("appears multiple times"))
        #expect(message { try x.argmax(dim: 5) }.hasPrefix("argmax:"))
        #expect(message { try x.sort(dim: 3).values }.hasPrefix("sort:"))
        #expect(message { try x.cumsum(dim: -3) }.hasPrefix("cumsum:"))
        #expect(message { try x.flip([0, 0]) }.hasPrefix("flip:"))
    }

    /// Writing into a tensor whose memory is a read-only file mapping throws instead of faulting.
    @Test func indexPutRefusesReadOnlyMappings() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ro-\(getpid()).bin").path
        try Data(count: 16).write(to: URL(fileURLWithPath: path))
        let mapping = try MappedFile(path: path)
        let t = try mapping.tensor(offset: 0, byteCount: 16, shape: [4], dtype: .float32)
        #expect(throws: TensorError.self) { try t.indexPut([.index(0)], Scalar.float(1)) }
    }

    /// Assignment writes through shared storage, as PyTorch's in-place `__setitem__`.
    @Test func indexPutWritesThroughViews() throws {
        let x = Tensor.zeros([3, 4])
        let row = try x.select(0, 1)
        try row.indexPut([.slice(1, 3)], Scalar.float(5))
        #expect(x.floats() == [0, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0, 0])
        try x.maskedFillInPlace(x.gt(1), 2)
        #expect(try x.sum().item() == 4)
        let y = try x[.ellipsis, .newAxis]
        #expect(y.shape == [3, 4, 1])
    }
}
