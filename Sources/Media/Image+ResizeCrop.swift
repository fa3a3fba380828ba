import Foundation

// MARK: - Resize, then crop

extension Image {
    /// `resized(to: size, resample:)` followed by `cropped(left:upper:right:lower:)` of `crop`, which lies inside the
    /// resized image — the "resize shortest edge, center crop" step of CLIP-style processors — computing only the
    /// cropped pixels. Equal to the two steps byte for byte (each output pixel of Pillow's convolution depends only on
    /// its own coefficients); for CLIP's 298×224 → 224×224 it skips a quarter of the work. Other cases (nearest,
    /// alpha, 16-bit, a pass that does not run, a crop reaching outside) simply run the two steps.
    public func resizedThenCropped(
        to size: (width: Int, height: Int), resample: Resampling,
        crop: (left: Int, upper: Int, right: Int, lower: Int)
    ) throws(ImageError) -> Image {
        let inside = crop.left >= 0 && crop.upper >= 0 && crop.right <= size.width && crop.lower <= size.height
            && crop.left < crop.right && crop.upper < crop.lower
        let bothPasses = size.width != width && size.height != height
        guard inside, bothPasses, resample != .nearest, !mode.hasAlpha, mode != .i16 else {
            return try resized(to: size, resample: resample)
                .cropped(left: crop.left, upper: crop.upper, right: crop.right, lower: crop.lower)
        }
        try Image.checkSize(size.width, size.height, operation: "resize")
        return resizedConvolution(
            size, resample, [0, 0, Float(width), Float(height)],
            window: (crop.left..<crop.right, crop.upper..<crop.lower))
    }
}
