import Testing

@testable import Tensors

/// Every user-reachable misuse of the NN ops throws a TensorError that names the op and the shapes.
@Suite struct NNErrorTests {
    static func message(_ body: () throws -> Tensor) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as TensorError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func matmulInnerDimensions() {
        let text = Self.message { try Tensor.zeros([2, 3]).matmul(.zeros([4, 5])) }
        #expect(text == "matmul: [2, 3] × [4, 5] — inner dimensions 3 and 4 differ")
    }

    @Test func matmulBatchAndRank() {
        #expect(Self.message { try Tensor.zeros([2, 3, 4]).matmul(.zeros([3, 4, 5])) }?.contains("cannot be broadcast") == true)
        #expect(Self.message { try Tensor(scalar: Float(1)).matmul(.zeros([3])) }?.hasPrefix("matmul:") == true)
        #expect(Self.message { try Tensor.zeros([2, 3], dtype: .int64).matmul(.zeros([3, 2], dtype: .int64)) }
            == "matmul: not supported for dtype torch.int64")
    }

    @Test func bmmAndBaddbmm() {
        #expect(Self.message { try Tensor.zeros([2, 3, 4]).bmm(.zeros([3, 4, 5])) }
            == "bmm: [2, 3, 4] × [3, 4, 5] — batch sizes 2 and 3 differ")
        #expect(Self.message { try Tensor.zeros([2, 3]).bmm(.zeros([2, 3])) }?.hasPrefix("bmm: expected 3-D") == true)
        #expect(Self.message { try Tensor.zeros([4, 4]).baddbmm(.zeros([2, 3, 4]), .zeros([2, 4, 5])) }?
            .contains("input [4, 4] cannot be broadcast") == true)
    }

    @Test func linearShapes() {
        #expect(Self.message { try Tensor.zeros([2, 7]).linear(weight: .zeros([5, 8])) }
            == "linear: input [2, 7] × weight [5, 8]ᵀ — in_features 7 and 8 differ")
        #expect(Self.message { try Tensor.zeros([2, 8]).linear(weight: .zeros([5, 8]), bias: .zeros([4])) }?
            .contains("bias [4]") == true)
    }

    @Test func attentionShapes() {
        let q = Tensor.zeros([1, 2, 4, 8])
        #expect(Self.message { try Tensor.scaledDotProductAttention(query: q, key: .zeros([1, 2, 5, 7]), value: .zeros([1, 2, 5, 8])) }?
            .contains("key [1, 2, 5, 7]") == true)
        #expect(Self.message {
            try Tensor.scaledDotProductAttention(query: q, key: q, value: q, attnMask: .zeros([4, 4]), isCausal: true)
        }?.contains("is_causal") == true)
        #expect(Self.message { try Tensor.scaledDotProductAttention(query: q, key: q, value: q, attnMask: .zeros([3, 4])) }?
            .contains("attn_mask [3, 4]") == true)
    }

    @Test func convolutionShapes() {
        let x = Tensor.zeros([1, 3, 8, 8])
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 2, 3, 3])) }?.contains("input [1, 3, 8, 8] and weight [4, 2, 3, 3]") == true)
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 3, 9, 9])) }?.contains("smaller than the kernel") == true)
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 3, 3, 3]), stride: [0]) }?.hasPrefix("conv2d: stride") == true)
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 3, 3, 3]), bias: .zeros([3])) } == "conv2d: bias [3] must be [4]")
        #expect(Self.message { try Tensor.zeros([8, 8]).conv2d(weight: .zeros([1, 1, 3, 3])) } == "conv2d: expected 3-D or 4-D input, got [8, 8]")
        #expect(Self.message { try x.convTranspose2d(weight: .zeros([3, 2, 3, 3]), stride: [2], outputPadding: [2]) }?
            .contains("output padding must be smaller") == true)
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 3, 3, 3]), stride: [2], padding: "same") }?
            .contains("not supported for strided convolutions") == true)
        #expect(Self.message { try x.conv2d(weight: .zeros([4, 3, 3, 3]), padding: "full") }?.contains("invalid padding string") == true)
        #expect(Self.message { try x.interpolate(scaleFactor: [1e300]) }?.contains("representable size") == true)
        #expect(Self.message { try Tensor.zeros([1, 3, 8]).conv1d(weight: .zeros([2, 3, 3, 3])) }?.hasPrefix("conv1d: expected 3-D weight") == true)
    }

    @Test func poolingAndResampling() {
        let x = Tensor.zeros([1, 2, 5, 5])
        #expect(Self.message { try x.maxPool2d(kernelSize: [2], padding: [2]) }?.contains("pad should be at most half") == true)
        #expect(Self.message { try x.maxPool2d(kernelSize: [7]) }?.contains("too small for kernel") == true)
        #expect(Self.message { try x.avgPool2d(kernelSize: [2], divisorOverride: 0) } == "avg_pool2d: divisor must be not zero")
        #expect(Self.message { try x.interpolate(size: [4, 4], mode: .nearest, alignCorners: true) }?.contains("align_corners") == true)
        #expect(Self.message { try x.interpolate(mode: .bilinear) }?.contains("exactly one of size or scale_factor") == true)
        #expect(Self.message { try x.interpolate(size: [4], mode: .linear) }?.contains("needs a 3-D input") == true)
        #expect(Self.message { try x.pixelShuffle(2) }?.hasPrefix("pixel_shuffle: input [1, 2, 5, 5]") == true)
        #expect(Self.message { try Tensor.zeros([1, 4, 3, 3], dtype: .bool).maxPool2d(kernelSize: [2]) }
            == "max_pool2d: not supported for dtype torch.bool")
    }
}
