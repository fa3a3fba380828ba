// MARK: - Images the REPL can show
//
// The interpreter knows nothing of images; a library type that is a picture (PIL's `Image`)
// adopts this so the REPL can draw an `Out[n]` result inline in the terminal or save it for
// `%show`, without the REPL depending on the image library's types.

/// A script object that can be rendered as a PNG picture.
public protocol ScriptDisplayableImage: ScriptObject {
    /// The picture encoded as PNG.
    func displayPNG() throws -> [UInt8]
    /// Width and height in pixels.
    var displaySize: (width: Int, height: Int) { get }
    /// The pixel mode (`RGB`, `L`, `RGBA`…).
    var displayMode: String { get }
}
