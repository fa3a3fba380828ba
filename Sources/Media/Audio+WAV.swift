import Foundation

// MARK: - WAV reading and writing

/// Sample encodings we write (soundfile's `subtype`).
public enum WAVEncoding: String, Sendable, CaseIterable {
    case pcmU8 = "PCM_U8"
    case pcm16 = "PCM_16"
    case pcm24 = "PCM_24"
    case pcm32 = "PCM_32"
    case float32 = "FLOAT"

    var bitsPerSample: Int {
        switch self {
        case .pcmU8: return 8
        case .pcm16: return 16
        case .pcm24: return 24
        case .pcm32, .float32: return 32
        }
    }
}

extension Audio {
    /// Reads a WAV file (`soundfile.read(path, dtype="float32")`).
    public static func open(_ path: String) throws(AudioError) -> Audio {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path) }
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
        return try Audio(wavData: bytes, source: path)
    }

    /// Decodes WAV bytes: PCM unsigned 8-bit, signed 16/24/32-bit, IEEE float 32/64-bit, plain or
    /// WAVE_FORMAT_EXTENSIBLE. Integers scale like libsndfile: x / 2^(bits−1) (8-bit: (x − 128) / 128).
    public init(wavData data: [UInt8], source: String = "<bytes>") throws(AudioError) {
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard data.count >= 12, data.starts(with: Array("RIFF".utf8)),
            Array(data[8..<12]) == Array("WAVE".utf8)
        else {
            throw .invalidWAV(source: source, reason: "not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        var payload: Range<Int>?
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<(offset + 4)], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            let end = min(body + size, data.count)
            if id == "fmt " {
                guard size >= 16, body + 16 <= data.count else {
                    throw .invalidWAV(source: source, reason: "fmt chunk of \(size) bytes is too short")
                }
                var tag = u16(body)
                if tag == 0xFFFE, size >= 40, body + 26 <= data.count {
                    tag = u16(body + 24)  // the sub-format GUID starts with the real format tag
                }
                format = (tag, u16(body + 2), u32(body + 4), u16(body + 12), u16(body + 14))
            } else if id == "data" {
                payload = body..<end  // a truncated data chunk keeps its whole frames, as libsndfile does
            }
            offset = body + size + (size & 1)
        }
        guard let format else { throw .invalidWAV(source: source, reason: "no fmt chunk") }
        guard let payload else { throw .invalidWAV(source: source, reason: "no data chunk") }
        guard format.channels > 0, format.rate > 0 else {
            throw .invalidWAV(source: source, reason: "\(format.channels) channels at \(format.rate) Hz")
        }
        let bytesPerSample = format.bits / 8
        let supported: Bool
        switch (format.tag, format.bits) {
        case (1, 8), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64): supported = true
        default: supported = false
        }
        guard supported, format.blockAlign == bytesPerSample * format.channels else {
            throw .unsupportedEncoding(source: source, format: format.tag, bitsPerSample: format.bits)
        }
        let frames = payload.count / format.blockAlign
        let count = frames * format.channels
        var samples = [Float](repeating: 0, count: count)
        let start = payload.lowerBound
        for index in 0..<count {
            let at = start + index * bytesPerSample
            switch (format.tag, format.bits) {
            case (1, 8):
                samples[index] = Float(Int(data[at]) - 128) / 128
            case (1, 16):
                samples[index] = Float(Int16(bitPattern: UInt16(u16(at)))) / 32768
            case (1, 24):
                let raw = Int32(bitPattern: UInt32(data[at]) << 8 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 24)
                samples[index] = Float(raw >> 8) / 8_388_608
            case (1, 32):
                samples[index] = Float(Double(Int32(bitPattern: UInt32(u32(at)))) / 2_147_483_648)
            case (3, 32):
                samples[index] = Float(bitPattern: UInt32(u32(at)))
            default:
                let low = UInt64(u32(at))
                let high = UInt64(u32(at + 4))
                samples[index] = Float(Double(bitPattern: high << 32 | low))
            }
        }
        self.init(unchecked: samples, sampleRate: format.rate, channels: format.channels)
    }

    /// Encodes as WAV. Floats become integers as libsndfile (soundfile.write) does: round half to even
    /// at 32-bit scale (x · 2^31, clipped), then keep the top bits, so 16-bit is ⌊round(x·2^31) / 2^16⌋.
    public func wavData(encoding: WAVEncoding = .pcm16) -> [UInt8] {
        let bytesPerSample = encoding.bitsPerSample / 8
        let dataSize = samples.count * bytesPerSample
        var out = [UInt8]()
        out.reserveCapacity(44 + dataSize)
        func append32(_ value: Int) { for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        func append16(_ value: Int) { out.append(UInt8(truncatingIfNeeded: value)); out.append(UInt8(truncatingIfNeeded: value >> 8)) }
        out.append(contentsOf: Array("RIFF".utf8))
        append32(36 + dataSize)
        out.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16)
        append16(encoding == .float32 ? 3 : 1)
        append16(channels)
        append32(sampleRate)
        append32(sampleRate * channels * bytesPerSample)
        append16(channels * bytesPerSample)
        append16(encoding.bitsPerSample)
        out.append(contentsOf: Array("data".utf8))
        append32(dataSize)
        for sample in samples {
            if encoding == .float32 {
                append32(Int(sample.bitPattern))
                continue
            }
            let scaled = (Double(sample) * 2_147_483_648).rounded(.toNearestOrEven)
            let full = Int(min(max(scaled, -2_147_483_648), 2_147_483_647))
            switch encoding {
            case .pcmU8: out.append(UInt8((full >> 24) + 128))
            case .pcm16: append16(full >> 16)
            case .pcm24:
                let value = full >> 8
                out.append(UInt8(truncatingIfNeeded: value))
                out.append(UInt8(truncatingIfNeeded: value >> 8))
                out.append(UInt8(truncatingIfNeeded: value >> 16))
            default: append32(full)
            }
        }
        return out
    }

    /// Writes a WAV file.
    public func save(_ path: String, encoding: WAVEncoding = .pcm16) throws(AudioError) {
        do {
            try Data(wavData(encoding: encoding)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
    }
}
