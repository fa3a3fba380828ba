// MARK: - Images the REPL can show
//
// The interpreter knows nothing of images; a library type that is a picture (PIL's `Image`)
// adopts this so the REPL can draw an `Out[n]` result inline in the terminal or save it for
// `%show`, without the REPL depending on the image library's types.

/// A script object that can be rendered as a PNG picture.
public protocol ScriptDisplayableImage: ScriptObject {
    /// The picture encoded as PNG.
    func displayPNG() throws -> [UInt8]
    /// The picture as 8-bit RGB, 3 bytes a pixel, rows top to bottom (for sixel terminals).
    func displayRGB() throws -> (width: Int, height: Int, pixels: [UInt8])
    /// Width and height in pixels.
    var displaySize: (width: Int, height: Int) { get }
    /// The pixel mode (`RGB`, `L`, `RGBA`…).
    var displayMode: String { get }
}
