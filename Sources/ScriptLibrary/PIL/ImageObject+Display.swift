import Media
import Script

/// Lets the REPL show `Image` results inline (kitty / iTerm2 / sixel terminals) or save them with `%show`.
extension ImageObject: ScriptDisplayableImage {
    func displayPNG() throws -> [UInt8] { try image.pngData() }
    func displayRGB() throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let rgb = image.converted(to: .rgb)
        return (rgb.width, rgb.height, rgb.pixels)
    }
    var displaySize: (width: Int, height: Int) { (image.width, image.height) }
    var displayMode: String { image.mode.rawValue }
}
