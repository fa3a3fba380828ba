import Foundation

// MARK: - Resampling

extension Audio {
    /// Resamples every channel to `rate` with torchaudio's `functional.resample` defaults
    /// (windowed-sinc, Hann window, lowpass_filter_width 6, rolloff 0.99), the resampler the
    /// transformers audio pipelines use. Kernel maths follow torchaudio in Float; the output length
    /// is ⌈frames · new / old⌉.
    public func resampled(to rate: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99) throws(AudioError)
        -> Audio
    {
        guard rate > 0 else { throw .invalidArgument("resample: target rate must be positive, got \(rate)") }
        guard rolloff > 0, rolloff.isFinite else {
            throw .invalidArgument("resample: rolloff must be positive, got \(rolloff)")
        }
        guard lowpassFilterWidth > 0 else {
            throw .invalidArgument("resample: lowpass filter width must be positive, got \(lowpassFilterWidth)")
        }
        if rate == sampleRate { return self }
        let divisor = Audio.gcd(sampleRate, rate)
        let original = sampleRate / divisor
        let target = rate / divisor
        // torchaudio builds target × (2·width + original) weights: refuse ratios that would need
        // hundreds of millions (e.g. 44100 → 44099 Hz), as torchaudio would run out of memory.
        let estimatedTaps = Double(target) * (2 * Double(lowpassFilterWidth) * Double(original)
            / (Double(min(original, target)) * rolloff) + Double(original))
        guard estimatedTaps < 5e7, rate <= 10_000_000 else {
            throw .invalidArgument(
                "resample: \(sampleRate) → \(rate) Hz reduces to \(original):\(target), too large a kernel; "
                    + "pick rates with a larger common divisor")
        }
        let (kernel, width) = Audio.sincKernel(
            original: original, target: target, lowpassFilterWidth: lowpassFilterWidth, rolloff: rolloff)
        let kernelLength = 2 * width + original
        let frames = frameCount
        // ceil(target · frames / original) computed as torch does, in double.
        let outFrames = Int((Double(target * frames) / Double(original)).rounded(.up))
        var out = [Float](repeating: 0, count: outFrames * channels)
        for channel in 0..<channels {
            let input = channels == 1 ? samples : stride(from: channel, to: samples.count, by: channels).map { samples[$0] }
            // Zero padding of `width` before and `width + original` after, then a strided correlation
            // with `target` phase kernels (torch's conv1d with stride = original).
            let padded = [Float](repeating: 0, count: width) + input + [Float](repeating: 0, count: width + original)
            let blocks = (padded.count - kernelLength) / original + 1
            var produced = 0
            padded.withUnsafeBufferPointer { x in
                kernel.withUnsafeBufferPointer { k in
                    outer: for block in 0..<blocks {
                        let base = block * original
                        for phase in 0..<target {
                            guard produced < outFrames else { break outer }
                            var sum: Float = 0
                            let row = phase * kernelLength
                            for tap in 0..<kernelLength { sum += x[base + tap] * k[row + tap] }
                            out[produced * channels + channel] = sum
                            produced += 1
                        }
                    }
                }
            }
        }
        return Audio(unchecked: out, sampleRate: rate, channels: channels)
    }

    /// torchaudio `_get_sinc_resample_kernel` in float32: `target` rows of 2·width + original taps.
    static func sincKernel(original: Int, target: Int, lowpassFilterWidth: Int, rolloff: Double)
        -> (kernel: [Float], width: Int)
    {
        let baseFrequency = Double(min(original, target)) * rolloff
        let width = Int((Double(lowpassFilterWidth * original) / baseFrequency).rounded(.up))
        let taps = 2 * width + original
        let lowpass = Float(lowpassFilterWidth)
        let base = Float(baseFrequency)
        let scale = Float(baseFrequency / Double(original))
        let pi = Float(Double.pi)
        var kernel = [Float](repeating: 0, count: target * taps)
        for phase in 0..<target {
            let shift = Float(-phase) / Float(target)
            for tap in 0..<taps {
                let index = Float(tap - width) / Float(original)
                var t = (shift + index) * base
                t = min(max(t, -lowpass), lowpass)
                let windowRoot = cos(t * pi / lowpass / 2)
                let window = windowRoot * windowRoot
                let angle = t * pi
                let sinc: Float = angle == 0 ? 1 : sin(angle) / angle
                kernel[phase * taps + tap] = sinc * (window * scale)
            }
        }
        return (kernel, width)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
