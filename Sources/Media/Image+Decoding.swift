import CImageSupport
import Foundation


// MARK: - Opening images

extension Image {
    /// Pillow's `Image.MAX_IMAGE_PIXELS` (about a quarter gigabyte of RGB data).
    public static let pillowMaxImagePixels = 89_478_485

    /// The default decompression-bomb limit: Pillow warns above `MAX_IMAGE_PIXELS` and refuses above
    /// twice that; we only refuse, at the same point.
    public static let defaultMaxPixels = 2 * pillowMaxImagePixels

    /// Opens a PNG or JPEG file, or downloads one when `path` is an http(s) URL (`Image.open(path)`).
    /// `maxPixels: nil` disables the decompression-bomb check.
    public static func open(_ path: String, maxPixels: Int? = defaultMaxPixels) throws(ImageError) -> Image {
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            return try Image(data: download(path), source: path, maxPixels: maxPixels)
        }
        let bytes: [UInt8]
        do {
            guard FileManager.default.fileExists(atPath: path) else { throw ImageError.fileNotFound(path) }
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as ImageError {
            throw error
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
        return try Image(data: bytes, source: path, maxPixels: maxPixels)
    }

    /// Decodes PNG or JPEG bytes (`Image.open(io.BytesIO(data))`); `source` names the data in errors.
    public init(data: [UInt8], source: String = "<bytes>", maxPixels: Int? = defaultMaxPixels) throws(ImageError) {
        switch ImageFileFormat(sniffing: data) {
        case .png: self = try Image.decodePNG(data, source: source, maxPixels: maxPixels)
        case .jpeg: self = try Image.decodeJPEG(data, source: source, maxPixels: maxPixels)
        case nil: throw .unrecognizedFormat(source: source)
        }
    }

    // MARK: Network

    /// Fetches a URL's bytes. There is no network in CI: the error says so plainly instead of hanging.
    static func download(_ url: String) throws(ImageError) -> [UInt8] {
        guard URL(string: url) != nil else { throw .network(url: url, reason: "malformed URL") }
        switch URLFetch.get(url) {
        case .success(let bytes):
            return bytes
        case .failure(let reason):
            throw .network(url: url, reason: "\(reason) (is the network reachable? download the file and open it by path)")
        }
    }

    // MARK: PNG

    static func decodePNG(_ data: [UInt8], source: String, maxPixels: Int?) throws(ImageError) -> Image {
        var decoded = cis_image()
        let status = data.withUnsafeBufferPointer {
            cis_png_decode($0.baseAddress, $0.count, Int64(maxPixels ?? 0), &decoded)
        }
        defer { cis_free(decoded.pixels) }
        try checkDecodeStatus(status, decoded: &decoded, format: "PNG", source: source, maxPixels: maxPixels)
        let mode: ImageMode
        switch (decoded.channels, decoded.bytes_per_sample) {
        case (1, 2): mode = .i16
        case (1, _): mode = .l
        case (2, _): mode = .la
        case (3, _): mode = .rgb
        default: mode = .rgba
        }
        var image = Image(unchecked: Int(decoded.width), Int(decoded.height), mode, copyPixels(decoded, mode: mode))
        image.format = "PNG"
        image.orientation = ExifReader.orientation(inPNG: data)
        return image
    }

    // MARK: JPEG

    static func decodeJPEG(_ data: [UInt8], source: String, maxPixels: Int?) throws(ImageError) -> Image {
        var decoded = cis_image()
        let status = data.withUnsafeBufferPointer {
            cis_jpeg_decode($0.baseAddress, $0.count, Int64(maxPixels ?? 0), &decoded)
        }
        defer { cis_free(decoded.pixels) }
        try checkDecodeStatus(status, decoded: &decoded, format: "JPEG", source: source, maxPixels: maxPixels)
        let width = Int(decoded.width)
        let height = Int(decoded.height)
        var image: Image
        switch decoded.channels {
        case 1: image = Image(unchecked: width, height, .l, copyPixels(decoded, mode: .l))
        case 3: image = Image(unchecked: width, height, .rgb, copyPixels(decoded, mode: .rgb))
        case 4:
            let cmyk = [UInt8](UnsafeBufferPointer(start: decoded.pixels, count: width * height * 4))
            image = Image(unchecked: width, height, .rgb, cmykToRGB(adobeInverted: cmyk))
        default:
            throw .decodingFailed(
                format: "JPEG", source: source, reason: "unsupported number of components \(decoded.channels)")
        }
        image.format = "JPEG"
        image.orientation = ExifReader.orientation(inJPEG: data)
        return image
    }

    /// Pillow reads every CMYK JPEG with the "CMYK;I" raw mode (Adobe polarity: stored inverted) and
    /// converts with `cmyk2rgb`: nk = 255 − K, out = clip(nk − nk·C/255) with its MULDIV255 rounding.
    static func cmykToRGB(adobeInverted cmyk: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for pixel in 0..<(cmyk.count / 4) {
            let blackRemaining = Int(cmyk[pixel * 4 + 3])  // 255 − K once the Adobe inversion is undone
            for channel in 0..<3 {
                let ink = 255 - Int(cmyk[pixel * 4 + channel])
                let value = blackRemaining - mulDiv255(ink, blackRemaining)
                rgb[pixel * 3 + channel] = UInt8(clamping: value)
            }
        }
        return rgb
    }

    // MARK: Shared

    private static func checkDecodeStatus(
        _ status: Int32, decoded: inout cis_image, format: String, source: String, maxPixels: Int?
    ) throws(ImageError) {
        switch Int(status) {
        case Int(CIS_OK): return
        case Int(CIS_TOO_LARGE):
            throw .decompressionBomb(
                pixels: Int(decoded.width) * Int(decoded.height), limit: maxPixels ?? 0, source: source)
        case Int(CIS_NO_MEMORY):
            throw .decodingFailed(format: format, source: source, reason: "out of memory")
        default:
            let reason = messageString(&decoded.message)
            throw .decodingFailed(format: format, source: source, reason: reason.isEmpty ? "unknown error" : reason)
        }
    }

    private static func copyPixels(_ decoded: cis_image, mode: ImageMode) -> [UInt8] {
        let count = Int(decoded.width) * Int(decoded.height) * mode.bytesPerPixel
        return [UInt8](UnsafeBufferPointer(start: decoded.pixels, count: count))
    }
}

/// Pillow's MULDIV255(a, b): a·b/255 rounded, computed as ((t >> 8) + t) >> 8 with t = a·b + 128.
@inline(__always)
func mulDiv255(_ a: Int, _ b: Int) -> Int {
    let t = a * b + 128
    return ((t >> 8) + t) >> 8
}

/// Reads the NUL-terminated message buffer that CImageSupport fills (imported as a tuple of CChar).
func messageString<T>(_ tuple: inout T) -> String {
    withUnsafeBytes(of: &tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
}

// MARK: - Format sniffing

/// The container formats we read and write, recognised by their magic bytes or file extension.
public enum ImageFileFormat: String, Sendable {
    case png = "PNG"
    case jpeg = "JPEG"

    init?(sniffing data: [UInt8]) {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else {
            return nil
        }
    }

    /// The format a file name asks for (".png", ".jpg", ".jpeg", ".jpe", ".jfif"), case-insensitively.
    public init(pathExtension path: String) throws(ImageError) {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "png": self = .png
        case "jpg", "jpeg", "jpe", "jfif": self = .jpeg
        default: throw .unsupportedFileExtension(ext.isEmpty ? path : ext)
        }
    }
}
