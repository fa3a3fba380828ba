// MARK: - Pixel modes

/// The pixel layouts an `Image` can hold, named as Pillow names them.
///
/// Pillow's palette ("P") and "CMYK" images are converted on load (to RGB/RGBA and RGB), and its
/// 1-bit mode "1" is loaded as "L" with levels 0 and 255, which is what `convert("L")` gives in Pillow.
public enum ImageMode: String, Sendable, CaseIterable, CustomStringConvertible {
    case l = "L"
    case la = "LA"
    case rgb = "RGB"
    case rgba = "RGBA"
    /// 16-bit unsigned grayscale, stored little-endian (2 bytes per pixel) as Pillow's "I;16".
    case i16 = "I;16"

    /// Parses a Pillow mode string ("L", "LA", "RGB", "RGBA", "I;16").
    public init(pillowName: String) throws(ImageError) {
        guard let mode = ImageMode(rawValue: pillowName) else {
            throw .unsupportedMode(pillowName, operation: "mode")
        }
        self = mode
    }

    /// Samples per pixel (bands in Pillow's words).
    public var channels: Int {
        switch self {
        case .l, .i16: return 1
        case .la: return 2
        case .rgb: return 3
        case .rgba: return 4
        }
    }

    /// Bytes one pixel occupies in `Image.pixels`.
    public var bytesPerPixel: Int { self == .i16 ? 2 : channels }

    /// Whether the last channel is alpha.
    public var hasAlpha: Bool { self == .la || self == .rgba }

    public var description: String { rawValue }
}
