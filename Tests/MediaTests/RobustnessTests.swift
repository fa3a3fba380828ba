import Foundation
import Testing

@testable import Media

/// Damaged files must throw (or decode), never crash: libpng/libjpeg errors come back through
/// CImageSupport's setjmp wrappers. Deterministic mutations of real fixtures.
@Suite struct RobustnessTests {
    /// A tiny deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: ["rgb8.png", "interlaced_rgba16.png", "palette4.png", "baseline_q90.jpg", "progressive.jpg",
                      "cmyk.jpg", "gray.jpg"])
    func mutatedFilesNeverCrash(_ name: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))))
        var random = SplitMix(state: UInt64(original.count))
        var failures = 0
        for round in 0..<60 {
            var bytes = original
            if round % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 8..<bytes.count, using: &random)))
            } else {
                for _ in 0..<(1 + round % 5) {
                    let at = Int.random(in: 8..<bytes.count, using: &random)
                    bytes[at] = UInt8.random(in: 0...255, using: &random)
                }
            }
            do {
                let image = try Image(data: bytes, source: "\(name) mutation \(round)")
                #expect(image.pixels.count == image.width * image.height * image.mode.bytesPerPixel)
            } catch {
                failures += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(failures > 0, "no mutation of \(name) was rejected")
    }

    @Test func wavWithNonsenseHeadersThrows() {
        var header = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0]
        header += [1, 0, 2, 0, 0x40, 0x1F, 0, 0, 0, 0, 0, 0, 3, 0, 12, 0]  // 12-bit, block align 3
        header += Array("data".utf8) + [4, 0, 0, 0, 1, 2, 3, 4]
        #expect(throws: AudioError.self) { try Audio(wavData: header) }
        #expect(throws: AudioError.self) { try Audio(wavData: Array("RIFF".utf8)) }
    }
}
