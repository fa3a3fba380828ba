import Tensors

/// The patch embedding of vision transformers: `nn.Conv2d(channels, hidden, kernel_size=patch, stride=patch)` over
/// [batch, channels, height, width] images, flattened to [batch, patches, hidden] tokens (row-major patch order).
///
/// A stride-equals-kernel convolution is one GEMM over the image cut into patches, so it runs as
/// patches [batch·patches, channels·patch²] × weightᵀ instead of a general convolution.
public struct PatchEmbedding: Sendable {
    /// [hidden, channels · patch · patch]
    let weight: Tensor
    let bias: Tensor?
    public let patchSize: Int
    public let channels: Int
    public let hidden: Int

    public init(_ weights: Weights, _ name: String, channels: Int, hidden: Int, patchSize: Int, bias: Bool = true) throws {
        let scope = weights.scoped(name)
        let kernel = try scope.tensor("weight", shape: [hidden, channels, patchSize, patchSize])
        weight = try kernel.reshape([hidden, channels * patchSize * patchSize])
        self.bias = bias ? try scope.tensor("bias", shape: [hidden]) : nil
        self.patchSize = patchSize
        self.channels = channels
        self.hidden = hidden
    }

    /// [batch, channels, height, width] → [batch, (height/patch)·(width/patch), hidden]
    public func callAsFunction(_ pixels: Tensor) throws -> Tensor {
        guard pixels.rank == 4 else {
            throw ModelError.invalidInput("pixel_values must be [batch, channels, height, width], got \(pixels.shape)")
        }
        let (batch, c, height, width) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
        guard c == channels else {
            throw ModelError.invalidInput(
                "Make sure that the channel dimension of the pixel values match with the one set in the configuration: pixel_values has \(c) channels, the model expects \(channels)")
        }
        let p = patchSize
        let (rows, cols) = (height / p, width / p)
        // A convolution without padding drops the remainder rows/columns; so do we.
        var image = pixels
        if rows * p != height || cols * p != width {
            image = try image.narrow(2, start: 0, length: rows * p).narrow(3, start: 0, length: cols * p)
        }
        let patches = try image.contiguous().reshape([batch, c, rows, p, cols, p]).permute([0, 2, 4, 1, 3, 5])
            .reshape([batch * rows * cols, c * p * p])
        return try patches.linear(weight: weight, bias: bias).reshape([batch, rows * cols, hidden])
    }
}
