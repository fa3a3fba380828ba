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
