import Foundation

// MARK: - Seedable random numbers: Philox4x32-10, rand/randn/randint, multinomial
//
// A counter-based generator (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): the state is a
// 64-bit key and a 128-bit counter, each counter value gives four 32-bit outputs after ten rounds. It is small,
// fast, and statistically strong. We do not reproduce PyTorch's random stream — only the determinism of
// `manual_seed`.

/// A seedable random stream. Thread-safe (a lock guards the state) so one default generator can serve everyone.
public final class RandomGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var key: (UInt32, UInt32) = (0, 0)
    private var counter: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var buffered = 0

    public init(seed: UInt64 = 0) { reseed(seed) }

    /// The generator `manual_seed` resets and the creation functions use by default.
    public static let `default` = RandomGenerator(seed: 0)

    /// Restarts the stream at `seed`.
    public func reseed(_ seed: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        counter = (0, 0, 0, 0)
        buffered = 0
    }

    private static func mulhilo(_ a: UInt32, _ b: UInt32) -> (hi: UInt32, lo: UInt32) {
        let product = UInt64(a) * UInt64(b)
        return (UInt32(truncatingIfNeeded: product >> 32), UInt32(truncatingIfNeeded: product))
    }

    /// Ten Philox rounds on the current counter.
    private func block() -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter, k = key
        for _ in 0..<10 {
            let p0 = Self.mulhilo(0xD251_1F53, c.0), p1 = Self.mulhilo(0xCD9E_8D57, c.2)
            c = (p1.hi ^ c.1 ^ k.0, p1.lo, p0.hi ^ c.3 ^ k.1, p0.lo)
            k = (k.0 &+ 0x9E37_79B9, k.1 &+ 0xBB67_AE85)
        }
        // Advance the 128-bit counter.
        counter.0 &+= 1
        if counter.0 == 0 { counter.1 &+= 1; if counter.1 == 0 { counter.2 &+= 1; if counter.2 == 0 { counter.3 &+= 1 } } }
        return c
    }

    private func nextLocked() -> UInt32 {
        if buffered == 0 {
            buffer = block()
            buffered = 4
        }
        buffered -= 1
        switch buffered {
        case 3: return buffer.0
        case 2: return buffer.1
        case 1: return buffer.2
        default: return buffer.3
        }
    }

    /// Fills `count` values produced by `make` (called with the lock held, drawing 32-bit words from `next`).
    func generate<T>(_ count: Int, _ make: (() -> UInt32) -> T) -> [T] {
        lock.lock()
        defer { lock.unlock() }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(make(nextLocked)) }
        return values
    }

    /// A uniform float in [0, 1) from 24 random bits.
    static func unit(_ next: () -> UInt32) -> Float { Float(next() >> 8) * 0x1p-24 }

    /// A uniform double in [0, 1) from 53 random bits.
    static func unitDouble(_ next: () -> UInt32) -> Double {
        let bits = (UInt64(next()) << 21) ^ UInt64(next() >> 11)
        return Double(bits & ((1 << 53) - 1)) * 0x1p-53
    }
}

extension Tensor {
    /// `torch.manual_seed(seed)`: resets the default generator.
    public static func manualSeed(_ seed: UInt64) { RandomGenerator.default.reseed(seed) }

    private static func checkedShape(_ shape: [Int], op: String) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: op, detail: "Trying to create tensor with negative dimension in \(shapeString(shape))")
        }
    }

    /// `torch.rand(shape)`: uniform on [0, 1).
    public static func rand(_ shape: [Int], generator: RandomGenerator = .default) throws -> Tensor {
        try checkedShape(shape, op: "rand")
        return try Tensor(generator.generate(shape.reduce(1, *)) { RandomGenerator.unit($0) }, shape: shape)
    }

    /// `torch.randn(shape)`: standard normal, by the Box–Muller transform.
    public static func randn(_ shape: [Int], generator: RandomGenerator = .default) throws -> Tensor {
        try checkedShape(shape, op: "randn")
        let n = shape.reduce(1, *)
        let pairs = generator.generate((n + 1) / 2) { next -> (Float, Float) in
            let u1 = 1 - RandomGenerator.unitDouble(next), u2 = RandomGenerator.unitDouble(next)
            let radius = (-2 * Foundation.log(u1)).squareRoot(), angle = 2 * Double.pi * u2
            return (Float(radius * Foundation.cos(angle)), Float(radius * Foundation.sin(angle)))
        }
        var values = pairs.flatMap { [$0.0, $0.1] }
        values.removeLast(values.count - n)
        return try Tensor(values, shape: shape)
    }

    /// `torch.randint(low, high, shape)`: uniform int64 in [low, high).
    public static func randint(_ low: Int64, _ high: Int64, _ shape: [Int], generator: RandomGenerator = .default) throws -> Tensor {
        try checkedShape(shape, op: "randint")
        guard high > low else {
            throw TensorError.invalidArgument(op: "randint", detail: "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        let span = UInt64(bitPattern: high &- low)
        let values = generator.generate(shape.reduce(1, *)) { next -> Int64 in
            let word = (UInt64(next()) << 32) | UInt64(next())
            return low &+ Int64(bitPattern: word.multipliedFullWidth(by: span).high)
        }
        return try Tensor(values, shape: shape)
    }

    /// `torch.multinomial(probs, num_samples, replacement)`: `probs` is 1-D or 2-D (rows of non-negative weights,
    /// not necessarily normalized); returns int64 category indices of shape `[num_samples]` or `[rows, num_samples]`.
    public func multinomial(_ numSamples: Int, replacement: Bool = false, generator: RandomGenerator = .default) throws -> Tensor {
        guard rank == 1 || rank == 2 else {
            throw TensorError.invalidArgument(op: "multinomial", detail: "prob_dist must be 1 or 2 dim (got shape \(shapeString(shape)))")
        }
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "multinomial", dtype: dtype) }
        let categories = shape[rank - 1], rows = rank == 1 ? 1 : shape[0]
        guard numSamples > 0 else { throw TensorError.invalidArgument(op: "multinomial", detail: "cannot sample n_sample <= 0 samples") }
        guard categories > 0 else { throw TensorError.invalidArgument(op: "multinomial", detail: "number of categories cannot be zero") }
        guard replacement || numSamples <= categories else {
            throw TensorError.invalidArgument(op: "multinomial", detail: "cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        }
        let weights = floats().map(Double.init)
        var result = [Int64](repeating: 0, count: rows * numSamples)
        for r in 0..<rows {
            var row = Array(weights[(r * categories)..<((r + 1) * categories)])
            guard row.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw TensorError.invalidArgument(op: "multinomial", detail: "probability tensor contains either `inf`, `nan` or element < 0")
            }
            guard row.reduce(0, +) > 0 else {
                throw TensorError.invalidArgument(op: "multinomial", detail: "invalid multinomial distribution (sum of probabilities <= 0)")
            }
            if !replacement && row.filter({ $0 > 0 }).count < numSamples {
                throw TensorError.invalidArgument(
                    op: "multinomial", detail: "invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)")
            }
            for s in 0..<numSamples {
                let total = row.reduce(0, +)
                let u = generator.generate(1) { RandomGenerator.unitDouble($0) }[0] * total
                var cumulative = 0.0, chosen = categories - 1
                for (i, w) in row.enumerated() where w > 0 {
                    cumulative += w
                    chosen = i
                    if u < cumulative { break }
                }
                result[r * numSamples + s] = Int64(chosen)
                if !replacement { row[chosen] = 0 }
            }
        }
        return try Tensor(result, shape: rank == 1 ? [numSamples] : [rows, numSamples])
    }
}
