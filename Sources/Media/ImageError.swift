// MARK: - Errors

/// Everything that can go wrong reading, writing or transforming an image; each message names the
/// offending value and what was expected.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are neither PNG nor JPEG.
    case unrecognizedFormat(source: String)
    /// libpng/libjpeg rejected the data (corrupt, truncated, unsupported variant).
    case decodingFailed(format: String, source: String, reason: String)
    case encodingFailed(format: String, reason: String)
    /// Width × height above the decompression-bomb limit.
    case decompressionBomb(pixels: Int, limit: Int, source: String)
    case fileNotFound(String)
    case io(path: String, reason: String)
    case network(url: String, reason: String)
    case unsupportedMode(String, operation: String)
    case unsupportedFileExtension(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unrecognizedFormat(let source):
            return "cannot identify image file \(source): not a PNG or JPEG file"
        case .decodingFailed(let format, let source, let reason):
            return "cannot decode \(format) image \(source): \(reason)"
        case .encodingFailed(let format, let reason):
            return "cannot encode image as \(format): \(reason)"
        case .decompressionBomb(let pixels, let limit, let source):
            return "image \(source) has \(pixels) pixels, more than the limit of \(limit): "
                + "it could be a decompression bomb (raise `maxPixels` if the file is trusted)"
        case .fileNotFound(let path):
            return "no such image file: \(path)"
        case .io(let path, let reason):
            return "cannot access \(path): \(reason)"
        case .network(let url, let reason):
            return "cannot download image \(url): \(reason)"
        case .unsupportedMode(let mode, let operation):
            return "\(operation): image mode \"\(mode)\" is not supported (supported: L, LA, RGB, RGBA, I;16)"
        case .unsupportedFileExtension(let ext):
            return "unknown file extension \"\(ext)\": use .png, .jpg or .jpeg, or pass a format"
        case .invalidArgument(let message):
            return message
        }
    }
}
