import Media
import Script

/// Lets the REPL show `Image` results inline (kitty / iTerm2 terminals) or save them with `%show`.
extension ImageObject: ScriptDisplayableImage {
    func displayPNG() throws -> [UInt8] { try image.pngData() }
    var displaySize: (width: Int, height: Int) { (image.width, image.height) }
    var displayMode: String { image.mode.rawValue }
}
