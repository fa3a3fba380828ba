// MARK: - Inline images
//
// An image result (`Out[n]` of a PIL `Image`) is drawn in the terminal when it speaks a graphics
// protocol: kitty's (`ESC _ G … ESC \`, base64 PNG in chunks of at most 4096 bytes, `f=100`
// meaning PNG, `a=T` transmit-and-display, `m=1` on every chunk but the last) or iTerm2's
// (`ESC ] 1337 ; File=inline=1;size=N : base64 BEL`). Support is read from the environment the
// terminal sets (`TERM=xterm-kitty` or `KITTY_WINDOW_ID`; `TERM_PROGRAM=iTerm.app`, also used by
// WezTerm), or DEC sixels (`SixelEncoder`) for terminals known to speak them (`TERM` foot, mlterm,
// contour, yaft, or any name containing "sixel"). `SFS_INLINE_IMAGES=kitty|iterm2|sixel|none`
// overrides the guess (sixel support cannot be read from the environment of every terminal; we
// do not query the terminal with a device-attributes request, which would race with typed input).
// Elsewhere the result prints as Pillow's repr and `%show` saves it as a PNG file.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The graphics protocol of the terminal the REPL runs in.
public enum TerminalGraphics: Equatable, Sendable {
    case kitty
    case iTerm2
    case sixel
    case none

    /// `TERM` values of terminals that draw sixels.
    static let sixelTerminals: Set<String> = ["foot", "foot-extra", "mlterm", "contour", "yaft-256color"]

    /// Detects the protocol from the terminal's environment variables.
    public static func detect(environment: [String: String]) -> TerminalGraphics {
        switch environment["SFS_INLINE_IMAGES"]?.lowercased() {
        case "kitty": return .kitty
        case "iterm2": return .iTerm2
        case "sixel": return .sixel
        case "none", "off": return .none
        default: break
        }
        if environment["TERM"] == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil { return .kitty }
        if let program = environment["TERM_PROGRAM"], program == "iTerm.app" || program == "WezTerm" { return .iTerm2 }
        if let term = environment["TERM"], sixelTerminals.contains(term) || term.contains("sixel") { return .sixel }
        return .none
    }

    /// The process's environment, for ``detect(environment:)``.
    public static var processEnvironment: [String: String] {
        var result: [String: String] = [:]
        for name in ["TERM", "KITTY_WINDOW_ID", "TERM_PROGRAM", "SFS_INLINE_IMAGES"] {
            if let v = getenv(name) { result[name] = String(cString: v) }
        }
        return result
    }
}

/// Escape sequences that draw a PNG in the terminal.
public enum InlineImageEncoder {
    /// Kitty's largest payload per escape sequence.
    public static let kittyChunkSize = 4096

    /// The kitty graphics protocol: the PNG in base64 chunks, the first carrying the format.
    public static func kitty(png: [UInt8]) -> String {
        let payload = Array(Base64.encode(png).utf8)
        var out = ""
        var start = 0
        repeat {
            let end = min(start + kittyChunkSize, payload.count)
            let more = end < payload.count ? 1 : 0
            let control = start == 0 ? "f=100,a=T,m=\(more)" : "m=\(more)"
            out += "\u{1B}_G\(control);" + String(decoding: payload[start..<end], as: UTF8.self) + "\u{1B}\\"
            start = end
        } while start < payload.count
        return out
    }

    /// iTerm2's inline image: one OSC 1337 sequence with the file in base64.
    public static func iTerm2(png: [UInt8]) -> String {
        "\u{1B}]1337;File=inline=1;size=\(png.count);preserveAspectRatio=1:" + Base64.encode(png) + "\u{7}"
    }

    /// The sequence that draws `picture` for `graphics`, or nil when the terminal cannot draw images.
    public static func sequence(for picture: any ScriptDisplayableImage, graphics: TerminalGraphics) throws -> String? {
        switch graphics {
        case .kitty: return kitty(png: try picture.displayPNG())
        case .iTerm2: return iTerm2(png: try picture.displayPNG())
        case .sixel:
            let image = try picture.displayRGB()
            return SixelEncoder.encode(width: image.width, height: image.height, rgb: image.pixels)
        case .none: return nil
        }
    }
}

/// Standard base64 (RFC 4648, with padding).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var k = 0
        while k + 2 < bytes.count {
            let n = UInt32(bytes[k]) << 16 | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            k += 3
        }
        let rest = bytes.count - k
        if rest == 1 {
            let n = UInt32(bytes[k]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[k]) << 16 | UInt32(bytes[k + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
