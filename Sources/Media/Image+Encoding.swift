import CImageSupport
import Foundation

// MARK: - Encoding and saving

extension Image {
    /// Encodes as PNG (zlib level 6 like Pillow's default). Every mode is written as is: L, LA, RGB, RGBA,
    /// and I;16 as 16-bit grayscale.
    public func pngData(compressionLevel: Int = 6) throws(ImageError) -> [UInt8] {
        var buffer = cis_buffer()
        let status = pixels.withUnsafeBufferPointer {
            cis_png_encode(
                $0.baseAddress, Int32(width), Int32(height), Int32(mode.channels), mode == .i16 ? 2 : 1,
                Int32(max(0, min(9, compressionLevel))), &buffer)
        }
        return try Image.takeBuffer(&buffer, status: status, format: "PNG")
    }

    /// Encodes as baseline JPEG with Pillow's defaults (quality 75, 4:2:0 chroma subsampling).
    /// JPEG has no alpha: like Pillow, RGBA/LA are refused; convert("RGB") first. I;16 is refused too.
    public func jpegData(quality: Int = 75, progressive: Bool = false) throws(ImageError) -> [UInt8] {
        guard mode == .l || mode == .rgb else {
            throw .encodingFailed(format: "JPEG", reason: "cannot write mode \(mode) as JPEG (convert to RGB or L first)")
        }
        guard (1...100).contains(quality) else {
            throw .invalidArgument("JPEG quality must be in 1...100, got \(quality)")
        }
        var buffer = cis_buffer()
        let status = pixels.withUnsafeBufferPointer {
            cis_jpeg_encode(
                $0.baseAddress, Int32(width), Int32(height), Int32(mode.channels), Int32(quality),
                progressive ? 1 : 0, &buffer)
        }
        return try Image.takeBuffer(&buffer, status: status, format: "JPEG")
    }

    /// Encodes in `format`.
    public func encoded(as format: ImageFileFormat, quality: Int = 75) throws(ImageError) -> [UInt8] {
        switch format {
        case .png: return try pngData()
        case .jpeg: return try jpegData(quality: quality)
        }
    }

    /// Writes the image to `path`, choosing the format from the extension unless `format` is given
    /// (`image.save(path)`).
    public func save(_ path: String, format: ImageFileFormat? = nil, quality: Int = 75) throws(ImageError) {
        let chosen: ImageFileFormat
        if let format { chosen = format } else { chosen = try ImageFileFormat(pathExtension: path) }
        let bytes = try encoded(as: chosen, quality: quality)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
    }

    private static func takeBuffer(_ buffer: inout cis_buffer, status: Int32, format: String) throws(ImageError)
        -> [UInt8]
    {
        defer { cis_free(buffer.data) }
        guard Int(status) == Int(CIS_OK), let data = buffer.data else {
            let reason = messageString(&buffer.message)
            throw .encodingFailed(format: format, reason: reason.isEmpty ? "status \(status)" : reason)
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: buffer.size))
    }
}
