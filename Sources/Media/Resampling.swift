import Foundation

// MARK: - Filters

/// Pillow's resampling filters; raw values are Pillow's constants (`Image.Resampling.BICUBIC == 3`).
public enum Resampling: Int, Sendable, CaseIterable {
    case nearest = 0
    case lanczos = 1
    case bilinear = 2
    case bicubic = 3
    case box = 4
    case hamming = 5

    /// Parses Pillow's names, including the old aliases (`ANTIALIAS`, `LINEAR`, `CUBIC`).
    public init?(pillowName: String) {
        switch pillowName.uppercased() {
        case "NEAREST", "NONE": self = .nearest
        case "LANCZOS", "ANTIALIAS": self = .lanczos
        case "BILINEAR", "LINEAR": self = .bilinear
        case "BICUBIC", "CUBIC": self = .bicubic
        case "BOX": self = .box
        case "HAMMING": self = .hamming
        default: return nil
        }
    }

    /// Half-width of the kernel at scale 1 (Resample.c's `support`).
    var support: Double {
        switch self {
        case .nearest, .box: return 0.5
        case .bilinear, .hamming: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The kernel, written as Resample.c writes it so that coefficients round identically.
    func weight(_ x: Double) -> Double {
        switch self {
        case .nearest, .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let x = abs(x)
            return x < 1 ? 1 - x : 0
        case .hamming:
            let x = abs(x)
            if x == 0 { return 1 }
            if x >= 1 { return 0 }
            let angle = x * Double.pi
            // Pillow writes the constants as C floats (0.54f, 0.46f): keep their float rounding.
            return sin(angle) / angle * (Double(Float(0.54)) + Double(Float(0.46)) * cos(angle))
        case .bicubic:
            let a = -0.5
            let x = abs(x)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .lanczos:
            guard x >= -3, x < 3 else { return 0 }
            return Resampling.sinc(x) * Resampling.sinc(x / 3)
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let angle = x * Double.pi
        return sin(angle) / angle
    }
}

// MARK: - Coefficients

/// For each output pixel along one axis: the first input index, how many inputs it reads, and their
/// weights (Resample.c's `precompute_coeffs`). On downscale the kernel is stretched by the scale
/// factor, which is what makes Pillow's resize antialiased.
struct ResampleCoefficients {
    let taps: Int                // ksize: weights stored per output pixel
    var first: [Int]             // xmin
    var count: [Int]             // xmax − xmin
    var weights: [Double]        // outSize × taps, normalized to sum 1

    init(inSize: Int, in0: Float, in1: Float, outSize: Int, filter: Resampling) {
        let scale = Double(in1 - in0) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let taps = Int(ceil(support)) * 2 + 1
        self.taps = taps
        first = [Int](repeating: 0, count: outSize)
        count = [Int](repeating: 0, count: outSize)
        weights = [Double](repeating: 0, count: outSize * taps)
        let inverseScale = 1 / filterScale
        for out in 0..<outSize {
            let center = Double(in0) + (Double(out) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)  // C's (int) truncates toward zero
            let high = min(Int(center + support + 0.5), inSize)
            let n = max(high - low, 0)
            var total = 0.0
            for tap in 0..<n {
                let w = filter.weight((Double(tap + low) - center + 0.5) * inverseScale)
                weights[out * taps + tap] = w
                total += w
            }
            if total != 0 {
                for tap in 0..<n { weights[out * taps + tap] /= total }
            }
            first[out] = low
            count[out] = n
        }
    }

    /// The coefficients of output pixels `range` only (a window of the output).
    func sliced(_ range: Range<Int>) -> ResampleCoefficients {
        ResampleCoefficients(
            taps: taps, first: Array(first[range]), count: Array(count[range]),
            weights: Array(weights[(range.lowerBound * taps)..<(range.upperBound * taps)]))
    }

    private init(taps: Int, first: [Int], count: [Int], weights: [Double]) {
        (self.taps, self.first, self.count, self.weights) = (taps, first, count, weights)
    }

    /// Resample.c's 8-bit path works in 22-bit fixed point (32 − 8 − 2 bits), rounding half away from zero.
    func fixedPointWeights() -> [Int] {
        weights.map { w in
            let scaled = w * Double(1 << ResampleCoefficients.precisionBits)
            return w < 0 ? Int(-0.5 + scaled) : Int(0.5 + scaled)
        }
    }

    static let precisionBits = 22
}
