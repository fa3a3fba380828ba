import Media
import Tensors

// Post-processing of the dense outputs, as the reference's `post_process_depth_estimation` and the
// depth-estimation / image-to-image pipelines do it.

public enum DensePostProcessing {
    /// `post_process_depth_estimation(outputs, target_sizes)`: each [H, W] map of `predictedDepth` ([B, H, W])
    /// resized bicubically (align_corners false) to its target (height, width); nil keeps the map.
    public static func depth(_ predictedDepth: Tensor, targetSizes: [(height: Int, width: Int)?]) throws -> [Tensor] {
        guard predictedDepth.rank == 3 else {
            throw DenseImageProcessorError.invalidInput("predicted_depth must be [batch, height, width], got \(predictedDepth.shape)")
        }
        guard targetSizes.count == predictedDepth.shape[0] else {
            throw DenseImageProcessorError.invalidInput(
                "Make sure that you pass in as many target sizes as the batch dimension of the predicted depth")
        }
        return try targetSizes.enumerated().map { i, target in
            let depth = try predictedDepth.select(0, i)
            guard let target else { return depth }
            return try depth.unsqueeze(0).unsqueeze(0)
                .interpolate(size: [target.height, target.width], mode: .bicubic, alignCorners: false).squeeze()
        }
    }

    /// The depth pipeline's picture: (d − min) / (max − min) · 255 truncated to 8 bits, mode "L".
    public static func depthImage(_ depth: Tensor) throws -> Image {
        guard depth.rank == 2 else { throw DenseImageProcessorError.invalidInput("a depth map must be [height, width], got \(depth.shape)") }
        let values = depth.contiguous().floats()
        let low = values.min() ?? 0, high = values.max() ?? 0
        let range = high - low
        let bytes = values.map { v -> UInt8 in
            let scaled = (v - low) / range * 255  // float32, as numpy computes it
            return scaled.isFinite ? UInt8(clamping: Int(scaled)) : 0
        }
        return try Image(width: depth.shape[1], height: depth.shape[0], mode: .l, pixels: bytes)
    }

    /// The image-to-image pipeline's picture from one [3, H, W] reconstruction: clamp to [0, 1], ×255, round half
    /// to even (numpy), channels last, RGB.
    public static func reconstructionImage(_ reconstruction: Tensor) throws -> Image {
        var planes = reconstruction
        while planes.rank > 3 && planes.shape[0] == 1 { planes = try planes.squeeze(0) }
        guard planes.rank == 3, planes.shape[0] == 3 else {
            throw DenseImageProcessorError.invalidInput("a reconstruction must be [3, height, width], got \(reconstruction.shape)")
        }
        let (h, w) = (planes.shape[1], planes.shape[2])
        let values = planes.contiguous().floats()
        var bytes = [UInt8](repeating: 0, count: 3 * h * w)
        for c in 0..<3 {
            for i in 0..<(h * w) {
                let x = Swift.min(Swift.max(values[c * h * w + i], 0), 1)
                bytes[i * 3 + c] = UInt8((x * 255).rounded(.toNearestOrEven))
            }
        }
        return try Image(width: w, height: h, mode: .rgb, pixels: bytes)
    }
}
