// MARK: - Mode conversion

extension Image {
    /// Pillow's luma for RGB: ITU-R 601-2 weights in 16.16 fixed point with rounding
    /// (`L24(rgb) >> 16` in Convert.c: 19595·R + 38470·G + 7471·B + 0x8000). The weights sum to
    /// 65536, so gray pixels keep their exact level.
    @inline(__always)
    static func luma(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        let weighted: Int = Int(red) * 19595 + Int(green) * 38470 + Int(blue) * 7471
        return UInt8((weighted + 0x8000) >> 16)
    }

    /// Converts between L, LA, RGB, RGBA and I;16 with Pillow's formulas (`image.convert(mode)`):
    /// luma as `luma(_:_:_:)`, alpha dropped or set to 255, I;16 clipped to 255 when narrowed.
    public func converted(to target: ImageMode) -> Image {
        if target == mode { return self }
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * target.bytesPerPixel)
        let sourceChannels = mode.channels
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target8 in
                for index in 0..<count {
                    // First reduce the source pixel to (gray or r, g, b, alpha).
                    let red: UInt8
                    let green: UInt8
                    let blue: UInt8
                    var alpha: UInt8 = 255
                    var gray16: Int? = nil
                    switch mode {
                    case .i16:
                        let value = Int(source[index * 2]) | Int(source[index * 2 + 1]) << 8
                        gray16 = value
                        let clipped = UInt8(min(value, 255))
                        (red, green, blue) = (clipped, clipped, clipped)
                    case .l, .la:
                        let level = source[index * sourceChannels]
                        (red, green, blue) = (level, level, level)
                        if mode == .la { alpha = source[index * 2 + 1] }
                    case .rgb, .rgba:
                        let base = index * sourceChannels
                        (red, green, blue) = (source[base], source[base + 1], source[base + 2])
                        if mode == .rgba { alpha = source[base + 3] }
                    }
                    let isGray = mode == .l || mode == .la || mode == .i16
                    let level = isGray ? red : Image.luma(red, green, blue)
                    let base = index * target.bytesPerPixel
                    switch target {
                    case .l:
                        target8[base] = level
                    case .la:
                        target8[base] = level
                        target8[base + 1] = alpha
                    case .rgb:
                        (target8[base], target8[base + 1], target8[base + 2]) = (red, green, blue)
                    case .rgba:
                        (target8[base], target8[base + 1], target8[base + 2]) = (red, green, blue)
                        target8[base + 3] = alpha
                    case .i16:
                        let value = gray16 ?? Int(level)
                        target8[base] = UInt8(value & 0xFF)
                        target8[base + 1] = UInt8(value >> 8)
                    }
                }
            }
        }
        var result = Image(unchecked: width, height, target, out)
        result.orientation = orientation
        return result
    }

    /// `convert` by Pillow mode name ("L", "LA", "RGB", "RGBA", "I;16").
    public func converted(to pillowName: String) throws(ImageError) -> Image {
        try converted(to: ImageMode(pillowName: pillowName))
    }

    // MARK: Premultiplied alpha

    /// Pillow resizes and transforms LA/RGBA images premultiplied ("La"/"RGBa"), so colour from
    /// transparent pixels does not bleed: RGBA → RGBa multiplies by alpha with MULDIV255 rounding.
    func premultipliedSamples() -> [UInt8] {
        var out = pixels
        let channels = mode.channels
        for index in 0..<(width * height) {
            let base = index * channels
            let alpha = Int(out[base + channels - 1])
            for channel in 0..<(channels - 1) {
                out[base + channel] = UInt8(mulDiv255(Int(out[base + channel]), alpha))
            }
        }
        return out
    }

    /// The inverse (Pillow's RGBa → RGBA): colour × 255 / alpha, truncated and clipped; alpha 0 and
    /// 255 leave the colour as is.
    static func unpremultiply(_ samples: inout [UInt8], channels: Int) {
        for base in stride(from: 0, to: samples.count, by: channels) {
            let alpha = Int(samples[base + channels - 1])
            guard alpha != 0, alpha != 255 else { continue }
            for channel in 0..<(channels - 1) {
                samples[base + channel] = UInt8(min(255, Int(samples[base + channel]) * 255 / alpha))
            }
        }
    }
}
