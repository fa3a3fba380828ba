// Media — images (and, later, audio) for Swiftformers; see docs/MEDIA.md.

// MARK: - Image

/// An image value as Pillow's `Image.Image` presents it to the guides: `size` is (width, height),
/// `mode` a Pillow mode name, and the pixels are one contiguous, row-major, interleaved buffer
/// (height × width × channels, i.e. what `np.array(image)` returns).
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let mode: ImageMode
    /// Row-major interleaved samples; `I;16` stores each pixel as two little-endian bytes.
    public internal(set) var pixels: [UInt8]
    /// EXIF orientation tag (1…8) found in the file, if any; `exifTranspose()` applies and clears it.
    public internal(set) var orientation: Int?
    /// "PNG" or "JPEG" for decoded images, `nil` for images made in memory (Pillow's `format`).
    public internal(set) var format: String?

    /// Makes an image from interleaved pixels (Pillow's `Image.frombytes(mode, size, data)`).
    public init(width: Int, height: Int, mode: ImageMode, pixels: [UInt8]) throws(ImageError) {
        try Image.checkSize(width, height, operation: "image")
        let expected = width * height * mode.bytesPerPixel
        guard pixels.count == expected else {
            throw .invalidArgument(
                "\(mode) image of \(width)x\(height) needs \(expected) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.mode = mode
        self.pixels = pixels
    }

    /// An image filled with one colour (Pillow's `Image.new(mode, size, color)`); `color` has one
    /// value per channel, or one value repeated (for I;16 the value is 0…65535).
    public init(mode: ImageMode, size: (width: Int, height: Int), color: [Int] = [0]) throws(ImageError) {
        try Image.checkSize(size.width, size.height, operation: "new")
        let pixel = try Image.pixelBytes(color, mode: mode)
        var pixels = [UInt8]()
        pixels.reserveCapacity(size.width * size.height * pixel.count)
        for _ in 0..<(size.width * size.height) { pixels.append(contentsOf: pixel) }
        self.init(unchecked: size.width, size.height, mode, pixels)
    }

    /// Internal initializer for results whose size is correct by construction.
    init(unchecked width: Int, _ height: Int, _ mode: ImageMode, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.mode = mode
        self.pixels = pixels
    }

    /// (width, height), as PIL's `image.size`.
    public var size: (width: Int, height: Int) { (width, height) }

    /// Samples per pixel.
    public var channels: Int { mode.channels }

    /// Bytes per row in `pixels`.
    public var rowBytes: Int { width * mode.bytesPerPixel }

    /// The shape `np.array(image)` would have: [height, width] for single-channel modes, else [height, width, channels].
    public var arrayShape: [Int] { mode.channels == 1 ? [height, width] : [height, width, mode.channels] }

    /// Gives read access to the raw interleaved bytes without copying.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try pixels.withUnsafeBytes(body)
    }

    /// The samples of the pixel at (x, y), as Pillow's `getpixel((x, y))` (16-bit value for I;16).
    public func pixel(x: Int, y: Int) throws(ImageError) -> [Int] {
        guard x >= 0, x < width, y >= 0, y < height else {
            throw .invalidArgument("pixel (\(x), \(y)) is outside the \(width)x\(height) image")
        }
        let offset = (y * width + x) * mode.bytesPerPixel
        if mode == .i16 { return [Int(pixels[offset]) | Int(pixels[offset + 1]) << 8] }
        return (0..<mode.channels).map { Int(pixels[offset + $0]) }
    }

    public static func == (lhs: Image, rhs: Image) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.mode == rhs.mode && lhs.pixels == rhs.pixels
    }

    /// The largest image we create: the decompression-bomb limit (Pillow applies it to decoding and
    /// `crop`; we apply it to every size a caller chooses, so no request can exhaust memory).
    static func checkSize(_ width: Int, _ height: Int, operation: String) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw .invalidArgument("\(operation): image size must be positive, got \(width)x\(height)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= defaultMaxPixels else {
            throw .invalidArgument(
                "\(operation): \(width)x\(height) is more than \(defaultMaxPixels) pixels (the decompression-bomb limit)")
        }
    }

    /// Encodes one colour as the bytes of one pixel of `mode`.
    static func pixelBytes(_ color: [Int], mode: ImageMode) throws(ImageError) -> [UInt8] {
        let values = color.count == 1 ? Array(repeating: color[0], count: mode.channels) : color
        guard values.count == mode.channels else {
            throw .invalidArgument("colour \(color) has \(color.count) values, mode \(mode) needs \(mode.channels)")
        }
        if mode == .i16 {
            let value = UInt16(clamping: values[0])
            return [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        return values.map { UInt8(clamping: $0) }
    }
}

// MARK: - Description

extension Image: CustomStringConvertible {
    /// Pillow's repr: `<Image mode=RGB size=640x480>` (plus the file format when decoded).
    public var description: String {
        "<Image mode=\(mode.rawValue) size=\(width)x\(height)\(format.map { " format=\($0)" } ?? "")>"
    }
}
