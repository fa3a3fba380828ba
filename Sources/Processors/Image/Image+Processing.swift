import Media

// The 8-bit steps of the reference's image processors. The reference runs them through Pillow (`resize` converts
// the uint8 array to a PIL image and calls `Image.resize`), so on `Media.Image`, whose resize equals Pillow's, they
// give the same bytes.

extension Image {
    /// `resize(image, size=(height, width), resample)` of transformers/image_transforms.py.
    public func processorResized(height: Int, width: Int, resample: Resampling) throws -> Image {
        if height == self.height && width == self.width && resample != .nearest {
            // Pillow copies when the size is unchanged; so does `resized`, but skip the work.
            return self
        }
        return try resized(to: (width, height), resample: resample)
    }

    /// `processorResized` then `centerCropped`, computing only the cropped pixels when the crop lies inside the
    /// resized image (Media's `resizedThenCropped`); otherwise the two steps.
    public func processorResizedAndCentered(
        height: Int, width: Int, resample: Resampling, cropHeight: Int, cropWidth: Int
    ) throws -> Image {
        guard cropHeight > 0, cropWidth > 0 else {
            throw ProcessorError.invalidArgument("center_crop: crop size must be positive, got \(cropHeight)×\(cropWidth)")
        }
        guard cropHeight <= height, cropWidth <= width, height != self.height, width != self.width, resample != .nearest else {
            return try processorResized(height: height, width: width, resample: resample)
                .centerCropped(height: cropHeight, width: cropWidth)
        }
        let top = floorDivide(height - cropHeight, 2), left = floorDivide(width - cropWidth, 2)
        return try resizedThenCropped(
            to: (width, height), resample: resample, crop: (left, top, left + cropWidth, top + cropHeight))
    }

    /// `center_crop(image, (height, width))`: the centred window, zero-filled where it reaches outside the image
    /// (the reference pads with zeros first; the crop offsets floor-divide as Python's `//`).
    public func centerCropped(height cropHeight: Int, width cropWidth: Int) throws -> Image {
        guard cropHeight > 0, cropWidth > 0 else {
            throw ProcessorError.invalidArgument("center_crop: crop size must be positive, got \(cropHeight)×\(cropWidth)")
        }
        if cropHeight == height && cropWidth == width { return self }
        let top = floorDivide(height - cropHeight, 2)
        let left = floorDivide(width - cropWidth, 2)
        return try cropped(left: left, upper: top, right: left + cropWidth, lower: top + cropHeight)
    }
}

/// Python's `a // b` for a positive divisor (rounds toward −∞, unlike Swift's `/`).
@inline(__always) func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && a < 0) ? q - 1 : q
}
