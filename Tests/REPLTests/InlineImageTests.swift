import REPL
import Script
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stand-in picture: the REPL only sees the `ScriptDisplayableImage` protocol.
private final class FakePicture: ScriptDisplayableImage {
    let png: [UInt8]
    init(_ png: [UInt8]) { self.png = png }
    var typeName: String { "Image" }
    func repr(in interp: Interpreter) throws -> String { "<PIL.Image.Image image mode=RGB size=3x2>" }
    func displayPNG() throws -> [UInt8] { png }
    /// 3×2 pixels: red, green, blue / white, mid gray, black.
    func displayRGB() throws -> (width: Int, height: Int, pixels: [UInt8]) {
        (3, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 128, 128, 128, 0, 0, 0])
    }
    var displaySize: (width: Int, height: Int) { (3, 2) }
    var displayMode: String { "RGB" }
}

/// Decodes standard base64 (to check the encoder against its inverse).
private func decodeBase64(_ text: String) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var out: [UInt8] = []
    var buffer: UInt32 = 0, bits = 0
    for c in text where c != "=" {
        guard let v = alphabet.firstIndex(of: c) else { continue }
        buffer = buffer << 6 | UInt32(v)
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(buffer >> UInt32(bits) & 0xFF))
        }
    }
    return out
}

/// A sixel sequence read back: its palette (0–100 per channel) and the register of every pixel.
private struct DecodedSixel {
    var width = 0, height = 0
    var palette: [Int: (Int, Int, Int)] = [:]
    var pixels: [[Int?]] = []

    /// Reads `ESC P … q "1;1;W;H #i;2;r;g;b … data … ESC \` as DEC STD 070 defines it.
    init(_ sequence: String) throws {
        struct Malformed: Error { let what: String }
        var chars = Array(sequence.unicodeScalars)
        guard chars.count > 4, chars.removeFirst() == "\u{1B}", chars.removeFirst() == "P",
              chars.suffix(2).elementsEqual(["\u{1B}", "\\"]) else { throw Malformed(what: "frame") }
        chars.removeLast(2)
        guard let q = chars.firstIndex(of: "q") else { throw Malformed(what: "no q") }
        var i = q + 1
        func number() -> Int {
            var n = 0
            while i < chars.count, let d = chars[i].properties.numericType != nil ? Int(String(chars[i])) : nil {
                n = n * 10 + d
                i += 1
            }
            return n
        }
        var x = 0, band = 0, color = 0
        func put(_ mask: Int, count: Int) {
            for _ in 0..<count {
                for dy in 0..<6 where mask & (1 << dy) != 0 {
                    let y = band * 6 + dy
                    while pixels.count <= y { pixels.append([]) }
                    while pixels[y].count <= x { pixels[y].append(nil) }
                    pixels[y][x] = color
                }
                x += 1
            }
        }
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "\"":
                _ = number(); i += 1; _ = number(); i += 1
                width = number(); i += 1
                height = number()
            case "#":
                color = number()
                if i < chars.count, chars[i] == ";" {
                    i += 1
                    guard number() == 2 else { throw Malformed(what: "not RGB") }
                    i += 1; let r = number(); i += 1; let g = number(); i += 1; let b = number()
                    palette[color] = (r, g, b)
                }
            case "!":
                let count = number()
                let mask = Int(chars[i].value) - 63
                i += 1
                put(mask, count: count)
            case "$": x = 0
            case "-": x = 0; band += 1
            default:
                let v = Int(c.value)
                guard (63...126).contains(v) else { throw Malformed(what: "byte \(v)") }
                put(v - 63, count: 1)
            }
        }
    }
}

@Suite struct InlineImageTests {
    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
    }

    @Test func kittySequenceIsChunkedBase64PNG() throws {
        let png = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let sequence = InlineImageEncoder.kitty(png: png)
        // Each chunk is ESC _ G <control> ; <data> ESC \ — split at the escapes, keep the `_G…` parts.
        let chunks = sequence.split(separator: "\u{1B}").filter { $0.hasPrefix("_G") }.map { "\u{1B}" + $0 }
        #expect(chunks.map { $0 + "\u{1B}\\" }.joined() == sequence)
        // 10,000 bytes are 13,336 base64 characters: four chunks of at most 4096.
        #expect(chunks.count == 4)
        var payload = ""
        for (k, chunk) in chunks.enumerated() {
            #expect(chunk.hasPrefix("\u{1B}_G"))
            let body = chunk.dropFirst(3)
            let parts = body.split(separator: ";", maxSplits: 1)
            #expect(parts.count == 2)
            let control = String(parts[0])
            let data = String(parts[1])
            #expect(data.utf8.count <= 4096)
            let expected = k == 0 ? "f=100,a=T,m=1" : k == chunks.count - 1 ? "m=0" : "m=1"
            #expect(control == expected)
            payload += data
        }
        #expect(decodeBase64(payload) == png)
    }

    @Test func smallImageIsOneKittyChunk() {
        let sequence = InlineImageEncoder.kitty(png: [1, 2, 3])
        #expect(sequence == "\u{1B}_Gf=100,a=T,m=0;AQID\u{1B}\\")
    }

    @Test func iTerm2SequenceCarriesSizeAndBase64() {
        let sequence = InlineImageEncoder.iTerm2(png: [1, 2, 3, 4])
        #expect(sequence == "\u{1B}]1337;File=inline=1;size=4;preserveAspectRatio=1:AQIDBA==\u{7}")
    }

    @Test func terminalDetectionFromEnvironment() {
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-kitty"]) == .kitty)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]) == .kitty)
        #expect(TerminalGraphics.detect(environment: ["TERM_PROGRAM": "iTerm.app"]) == .iTerm2)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"]) == .none)
        #expect(TerminalGraphics.detect(environment: [:]) == .none)
    }

    @Test func sixelTerminalsAndOverride() {
        #expect(TerminalGraphics.detect(environment: ["TERM": "foot"]) == .sixel)
        #expect(TerminalGraphics.detect(environment: ["TERM": "mlterm"]) == .sixel)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-sixel"]) == .sixel)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-kitty", "SFS_INLINE_IMAGES": "none"]) == .none)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm", "SFS_INLINE_IMAGES": "sixel"]) == .sixel)
        #expect(TerminalGraphics.detect(environment: ["SFS_INLINE_IMAGES": "iTerm2"]) == .iTerm2)
    }

    /// Every pixel of a 37×13 gradient (three bands, the last partial) decodes to the palette entry
    /// nearest its colour, searched here by brute force over the palette the sequence declares.
    @Test func sixelRoundTripGivesNearestPaletteColours() throws {
        let width = 37, height = 13
        var rgb: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                rgb += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8((x * 7 + y * 11) % 256)]
            }
        }
        let decoded = try DecodedSixel(SixelEncoder.encode(width: width, height: height, rgb: rgb))
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.palette.count <= 256)
        #expect(decoded.pixels.count == height)
        func scaled(_ v: Int) -> Double { Double(v) * 255 / 100 }
        for y in 0..<height {
            for x in 0..<width {
                let p = (y * width + x) * 3
                let target = (Double(rgb[p]), Double(rgb[p + 1]), Double(rgb[p + 2]))
                func error(_ c: (Int, Int, Int)) -> Double {
                    let d = (scaled(c.0) - target.0, scaled(c.1) - target.1, scaled(c.2) - target.2)
                    return d.0 * d.0 + d.1 * d.1 + d.2 * d.2
                }
                let row = decoded.pixels[y]
                guard x < row.count, let register = row[x], let color = decoded.palette[register] else {
                    Issue.record("pixel \(x),\(y) not drawn")
                    continue
                }
                let best = decoded.palette.values.map(error).min() ?? .infinity
                // Percent rounding in the palette moves a colour by at most 1.3 levels per channel.
                #expect(error(color) <= best + 3 * 2.6 * 2.6 + 1e-9, "pixel \(x),\(y)")
            }
        }
    }

    @Test func sixelRunsAndWideImagesAreReduced() throws {
        let width = 3000, height = 7
        let rgb = [UInt8](repeating: 200, count: width * height * 3)
        let sequence = SixelEncoder.encode(width: width, height: height, rgb: rgb)
        #expect(sequence.contains("!1000"))
        let decoded = try DecodedSixel(sequence)
        #expect(decoded.width == 1000 && decoded.height == 3)
        #expect(decoded.pixels.allSatisfy { $0.count == 1000 && $0.allSatisfy { $0 != nil } })
    }

    @Test func imageResultDrawsSixels() throws {
        let h = Harness()
        h.session.graphics = .sixel
        h.session.interpreter.setGlobal("picture", .object(FakePicture([1, 2, 3])))
        let printed = h.run("picture")
        #expect(printed.hasPrefix("Out[1]: <PIL.Image.Image image mode=RGB size=3x2>\n\u{1B}P"))
        let body = String(printed.dropFirst("Out[1]: <PIL.Image.Image image mode=RGB size=3x2>\n".count).dropLast())
        let decoded = try DecodedSixel(body)
        let colors = decoded.pixels.flatMap { $0 }.map { $0.flatMap { decoded.palette[$0] } }
        let expected: [(Int, Int, Int)] = [(100, 0, 0), (0, 100, 0), (0, 0, 100), (100, 100, 100), (51, 51, 51), (0, 0, 0)]
        #expect(colors.count == 6)
        for (got, want) in zip(colors, expected) {
            guard let got else { Issue.record("missing pixel"); continue }
            #expect(abs(got.0 - want.0) <= 1 && abs(got.1 - want.1) <= 1 && abs(got.2 - want.2) <= 1)
        }
    }

    @Test func imageResultPrintsReprWithoutGraphics() {
        let h = Harness()
        h.session.interpreter.setGlobal("picture", .object(FakePicture([9, 9])))
        #expect(h.run("picture") == "Out[1]: <PIL.Image.Image image mode=RGB size=3x2>\n")
    }

    @Test func imageResultDrawsInlineInKitty() {
        let h = Harness()
        h.session.graphics = .kitty
        h.session.interpreter.setGlobal("picture", .object(FakePicture([1, 2, 3])))
        #expect(h.run("picture") == "Out[1]: <PIL.Image.Image image mode=RGB size=3x2>\n\u{1B}_Gf=100,a=T,m=0;AQID\u{1B}\\\n")
    }

    @Test func showSavesThePNGAndSaysWhere() throws {
        let folder = "/tmp/sfs-show-test-\(getpid())"
        setenv("SFS_SHOW_DIR", folder, 1)
        defer { unsetenv("SFS_SHOW_DIR") }
        let h = Harness()
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        h.session.interpreter.setGlobal("picture", .object(FakePicture(png)))
        h.run("picture")
        let out = h.run("%show")
        let path = "\(folder)/out-\(getpid())-2.png"
        #expect(out == "image 3x2 RGB saved to \(path)\n")
        let file = try #require(fopen(path, "rb"))
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = fread(&bytes, 1, 64, file)
        fclose(file)
        #expect(Array(bytes[0..<n]) == png)
        remove(path)
        rmdir(folder)
        #expect(h.run("%show 42").contains("UsageError: %show needs an image"))
    }

    @Test func printOutputIsLiveDuringACell() {
        // The cell calls back into Swift after its first print: that line must already be out.
        final class Sink: @unchecked Sendable {
            var text = ""
            var atProbe = ""
        }
        let sink = Sink()
        let session = REPLSession(output: REPLOutput { sink.text += $0 })
        session.interpreter.setBuiltin("probe", .object(BuiltinFunction("probe") { _, _ in
            sink.atProbe = sink.text
            return .none
        }))
        _ = runOnLargeStack { session.feed("print('first'); probe(); print('second')") }
        #expect(sink.atProbe == "first\n")
        #expect(sink.text == "first\nsecond\n")
    }
}
