import Testing

@testable import Tensors

/// conv2d takes one of three paths: the implicit GEMM (our AVX2 driver packing panels straight from the
/// image), the patch-embedding product (kernel = stride), or im2col tiles (OpenBLAS backend, no AVX2).
/// PyTorch's fixtures (NNOpsTests) check whichever path the machine takes; here every geometry goes
/// through the paths side by side against a Double reference, including the cases the fixtures keep
/// small: more patch rows than one k slice (> 256), several 2048-pixel column blocks, pixel ranges split
/// over two threads mid-row, stride 2 with padding, dilation, groups, a batch, with and without bias.
@Suite(.serialized) struct ConvolutionPathTests {
    struct Case: CustomStringConvertible, Sendable {
        var input: [Int], weight: [Int]
        var stride = [1], padding = [0], dilation = [1], groups = 1, bias = true
        var description: String {
            "x \(input) w \(weight) stride \(stride) padding \(padding) dilation \(dilation) groups \(groups) bias \(bias)"
        }
    }

    static let cases: [Case] = [
        Case(input: [2, 3, 9, 10], weight: [4, 3, 3, 3], padding: [1]),
        Case(input: [1, 40, 12, 13], weight: [7, 40, 3, 3], padding: [1], bias: false),  // 360 patch rows
        Case(input: [1, 4, 50, 47], weight: [5, 4, 3, 3], padding: [1]),  // 2350 pixels
        Case(input: [1, 3, 33, 31], weight: [8, 3, 7, 7], stride: [2], padding: [3]),  // ResNet stem
        Case(input: [2, 6, 11, 17], weight: [8, 3, 3, 2], stride: [1, 2], padding: [2, 1], dilation: [2, 1], groups: 2),
        Case(input: [1, 8, 20, 20], weight: [8, 1, 3, 3], padding: [1], groups: 8, bias: false),  // depthwise
        Case(input: [3, 3, 32, 36], weight: [10, 3, 8, 6], stride: [8, 6]),  // patch embedding
        Case(input: [1, 3, 35, 30], weight: [6, 3, 16, 16], stride: [16], bias: false),  // patches leave a remainder
    ]

    static func run(_ testCase: Case, backend: GEMM.Backend, threads: Int) throws -> [Float] {
        let previous = (GEMM.backend, GEMM.threadCount)
        GEMM.backend = backend
        GEMM.threadCount = threads
        defer { (GEMM.backend, GEMM.threadCount) = previous }
        let x = try Tensor(GEMMTests.values(testCase.input.reduce(1, *), seed: 31), shape: testCase.input)
        let w = try Tensor(GEMMTests.values(testCase.weight.reduce(1, *), seed: 32), shape: testCase.weight)
        let b = testCase.bias ? try Tensor(GEMMTests.values(testCase.weight[0], seed: 33), shape: [testCase.weight[0]]) : nil
        return try x.conv2d(weight: w, bias: b, stride: testCase.stride, padding: testCase.padding,
                            dilation: testCase.dilation, groups: testCase.groups).floats()
    }

    /// The convolution by its definition, in Double.
    static func reference(_ testCase: Case) -> [Double] {
        let (n, c, h, w) = (testCase.input[0], testCase.input[1], testCase.input[2], testCase.input[3])
        let (o, groupIn, kh, kw) = (testCase.weight[0], testCase.weight[1], testCase.weight[2], testCase.weight[3])
        func pair(_ values: [Int]) -> (Int, Int) { values.count == 1 ? (values[0], values[0]) : (values[0], values[1]) }
        let (sh, sw) = pair(testCase.stride), (ph, pw) = pair(testCase.padding), (dh, dw) = pair(testCase.dilation)
        let outH = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, outW = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1
        let x = GEMMTests.values(n * c * h * w, seed: 31), weight = GEMMTests.values(o * groupIn * kh * kw, seed: 32)
        let bias = GEMMTests.values(o, seed: 33)
        let groupOut = o / testCase.groups
        var out = [Double](repeating: 0, count: n * o * outH * outW)
        for image in 0..<n {
            for channel in 0..<o {
                let group = channel / groupOut
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var sum = testCase.bias ? Double(bias[channel]) : 0
                        for ci in 0..<groupIn {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let y = oy * sh - ph + ky * dh, xx = ox * sw - pw + kx * dw
                                    guard y >= 0, y < h, xx >= 0, xx < w else { continue }
                                    let input = x[((image * c + group * groupIn + ci) * h + y) * w + xx]
                                    sum += Double(weight[((channel * groupIn + ci) * kh + ky) * kw + kx]) * Double(input)
                                }
                            }
                        }
                        out[((image * o + channel) * outH + oy) * outW + ox] = sum
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: cases) func everyPathMatchesTheDefinition(_ testCase: Case) throws {
        let expected = Self.reference(testCase)
        for (backend, threads) in [(GEMM.Backend.native, 1), (.native, 2), (.openBLAS, 2)] {
            let ours = try Self.run(testCase, backend: backend, threads: threads)
            #expect(ours.count == expected.count)
            let worst = zip(ours, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(testCase) backend \(backend) threads \(threads): max difference \(worst)")
        }
    }
}
