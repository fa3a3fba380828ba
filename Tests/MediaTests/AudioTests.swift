import Foundation
import Testing

@testable import Media

/// One audio check recorded by Scripts/fixtures/media/make_audio.py (soundfile / torchaudio results).
struct AudioCase: Decodable, Sendable, CustomTestStringConvertible {
    let kind: String
    let name: String
    let offset: Int?
    let length: Int?
    let sample_rate: Int?
    let channels: Int?
    let frames: Int?

    var testDescription: String { "\(kind) \(name)" }
}

enum AudioFixtures {
    static let cases: [AudioCase] = {
        let data = try! Data(contentsOf: Fixtures.directory.appendingPathComponent("audio_cases.json"))
        return try! JSONDecoder().decode([AudioCase].self, from: data)
    }()

    static let blob: [UInt8] = {
        [UInt8](try! Data(contentsOf: Fixtures.directory.appendingPathComponent("audio_expected.bin")))
    }()

    static func cases(_ kind: String) -> [AudioCase] { cases.filter { $0.kind == kind } }

    static func bytes(_ item: AudioCase) -> [UInt8] { Array(blob[item.offset!..<(item.offset! + item.length!)]) }

    static func floats(_ item: AudioCase) -> [Float] {
        let raw = bytes(item)
        return stride(from: 0, to: raw.count, by: 4).map { at in
            Float(bitPattern: UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24)
        }
    }

    static func path(_ name: String) -> String {
        Fixtures.directory.appendingPathComponent("audio").appendingPathComponent(name).path
    }
}

@Suite struct AudioTests {
    @Test(arguments: AudioFixtures.cases("read"))
    func wavReadingEqualsSoundfile(_ item: AudioCase) throws {
        let audio = try Audio.open(AudioFixtures.path(item.name))
        #expect(audio.sampleRate == item.sample_rate)
        #expect(audio.channels == item.channels)
        #expect(audio.samples == AudioFixtures.floats(item))
    }

    @Test(arguments: AudioFixtures.cases("read_error"))
    func badWAVThrows(_ item: AudioCase) {
        #expect(throws: AudioError.self) { try Audio.open(AudioFixtures.path(item.name)) }
    }

    /// Our encoder's data chunk must equal what soundfile (libsndfile) writes for the same floats.
    @Test(arguments: AudioFixtures.cases("write"))
    func wavWritingEqualsSoundfile(_ item: AudioCase) throws {
        let sourceCase = try #require(AudioFixtures.cases("write_source").first)
        let audio = try Audio(samples: AudioFixtures.floats(sourceCase), sampleRate: 16000)
        let encoding = try #require(WAVEncoding(rawValue: item.name))
        let file = audio.wavData(encoding: encoding)
        #expect(Array(file.dropFirst(44)) == AudioFixtures.bytes(item))
        // And it reads back (through our reader) as a valid WAV of the same length.
        let reread = try Audio(wavData: file)
        #expect(reread.frameCount == audio.frameCount && reread.sampleRate == 16000)
    }

    /// torchaudio's float32 conv1d sums in a different order: 1e-5 absolute is the agreement bound.
    @Test(arguments: AudioFixtures.cases("resample"))
    func resamplingMatchesTorchaudio(_ item: AudioCase) throws {
        let sourceCase = try #require(AudioFixtures.cases("resample_source").first { $0.name == item.name })
        let audio = try Audio(
            samples: AudioFixtures.floats(sourceCase), sampleRate: sourceCase.sample_rate!,
            channels: sourceCase.channels!)
        let resampled = try audio.resampled(to: item.sample_rate!)
        let expected = AudioFixtures.floats(item)
        #expect(resampled.frameCount == item.frames)
        #expect(resampled.samples.count == expected.count)
        let worst = zip(resampled.samples, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "max |difference| \(worst)")
    }

    @Test func unreasonableResamplingThrows() throws {
        let audio = try Audio(samples: [0, 0.5, 1], sampleRate: 44100)
        #expect(throws: AudioError.self) { try audio.resampled(to: 44099) }
        #expect(throws: AudioError.self) { try audio.resampled(to: 16000, rolloff: 0) }
        #expect(throws: AudioError.self) { try audio.resampled(to: 0) }
    }

    @Test func monoAveragesChannels() throws {
        let audio = try Audio(samples: [0.5, -0.5, 1, 0, 0.25, 0.75], sampleRate: 8000, channels: 2)
        #expect(audio.mono().samples == [0, 0.5, 0.5])
        #expect(try audio.channel(1) == [-0.5, 0, 0.75])
        #expect(audio.frameCount == 3)
        #expect(throws: AudioError.self) { try Audio(samples: [0, 1, 2], sampleRate: 8000, channels: 2) }
    }
}
