// MARK: - Raw array interop (for np.array(image) / Image.fromarray bindings)

extension Image {
    /// Pillow's `Image.fromarray` for uint8 arrays: shape [h, w] → L, [h, w, 2] → LA, [h, w, 3] → RGB,
    /// [h, w, 4] → RGBA; `bytes` row-major. For uint16 [h, w] data use `fromArray16(_:shape:)` (I;16).
    public static func fromArray(_ bytes: [UInt8], shape: [Int]) throws(ImageError) -> Image {
        let modes: [Int: ImageMode] = [1: .l, 2: .la, 3: .rgb, 4: .rgba]
        let channels: Int
        switch shape.count {
        case 2: channels = 1
        case 3: channels = shape[2]
        default:
            throw .invalidArgument("fromarray: expected a 2-D or 3-D uint8 array, got shape \(shape)")
        }
        guard let mode = modes[channels] else {
            throw .invalidArgument("fromarray: \(channels) channels (shape \(shape)) do not map to an image mode")
        }
        return try Image(width: shape[1], height: shape[0], mode: mode, pixels: bytes)
    }

    /// Pillow's `Image.fromarray` for a uint16 [h, w] array: mode I;16.
    public static func fromArray16(_ values: [UInt16], shape: [Int]) throws(ImageError) -> Image {
        guard shape.count == 2 else {
            throw .invalidArgument("fromarray: expected a 2-D uint16 array, got shape \(shape)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 2)
        for value in values {
            bytes.append(UInt8(value & 0xFF))
            bytes.append(UInt8(value >> 8))
        }
        return try Image(width: shape[1], height: shape[0], mode: .i16, pixels: bytes)
    }

    /// The 16-bit samples of an I;16 image (what `np.array(image)` gives as uint16).
    public var samples16: [UInt16]? {
        guard mode == .i16 else { return nil }
        return stride(from: 0, to: pixels.count, by: 2).map { UInt16(pixels[$0]) | UInt16(pixels[$0 + 1]) << 8 }
    }
}
