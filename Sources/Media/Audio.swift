// MARK: - Audio

/// A sound clip as the audio guides hold it: float samples in −1…1 at a sample rate, interleaved
/// frame by frame when there are several channels (what `soundfile.read` returns as frames × channels).
public struct Audio: Sendable, Equatable {
    public let sampleRate: Int
    public let channels: Int
    /// Interleaved samples: frame 0 channel 0, frame 0 channel 1, …
    public internal(set) var samples: [Float]

    public init(samples: [Float], sampleRate: Int, channels: Int = 1) throws(AudioError) {
        guard sampleRate > 0 else { throw .invalidArgument("sample rate must be positive, got \(sampleRate)") }
        guard channels > 0, samples.count % channels == 0 else {
            throw .invalidArgument("\(samples.count) samples do not split into \(channels) channels")
        }
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    init(unchecked samples: [Float], sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Number of frames (samples per channel).
    public var frameCount: Int { samples.count / channels }

    /// Length in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// One channel's samples.
    public func channel(_ index: Int) throws(AudioError) -> [Float] {
        guard index >= 0, index < channels else {
            throw .invalidArgument("channel \(index) out of range for \(channels)-channel audio")
        }
        if channels == 1 { return samples }
        return stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// The channels averaged (librosa's `to_mono`, what feature extractors expect).
    public func mono() -> Audio {
        if channels == 1 { return self }
        var out = [Float](repeating: 0, count: frameCount)
        for frame in 0..<frameCount {
            var sum: Float = 0
            for channel in 0..<channels { sum += samples[frame * channels + channel] }
            out[frame] = sum / Float(channels)
        }
        return Audio(unchecked: out, sampleRate: sampleRate, channels: 1)
    }
}

/// What can go wrong reading, writing or resampling audio.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidWAV(source: String, reason: String)
    case unsupportedEncoding(source: String, format: Int, bitsPerSample: Int)
    case fileNotFound(String)
    case io(path: String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidWAV(let source, let reason): return "cannot read WAV \(source): \(reason)"
        case .unsupportedEncoding(let source, let format, let bits):
            return "cannot read WAV \(source): format tag \(format) with \(bits) bits per sample is not supported "
                + "(supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit)"
        case .fileNotFound(let path): return "no such audio file: \(path)"
        case .io(let path, let reason): return "cannot access \(path): \(reason)"
        case .invalidArgument(let message): return message
        }
    }
}

extension Audio: CustomStringConvertible {
    public var description: String {
        "<Audio \(channels == 1 ? "mono" : "\(channels) channels") \(sampleRate) Hz, \(frameCount) frames>"
    }
}
