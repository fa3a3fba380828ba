#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - random
//
// The same Mersenne Twister and the same derivations as CPython's `random` module, so
// `random.seed(42)` followed by `random.random()`, `randint`, `choice`, `shuffle`… produce
// exactly the numbers Python prints.

final class MersenneTwister {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625
    var gaussNext: Double?

    init(seed: Int) { self.seed(seed) }

    func seed(_ value: Int) {
        // CPython: the absolute value, split into 32-bit words (little endian), via init_by_array.
        var magnitude = value.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude != 0
        initByArray(key)
        gaussNext = nil
    }

    private func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_b0df : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    func random() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    func getrandbits(_ k: Int) -> Int {
        if k <= 32 { return Int(next32() >> (32 - UInt32(k))) }
        var result: UInt = 0
        var shift = 0
        var remaining = k
        while remaining > 0 {
            var word = UInt(next32())
            if remaining < 32 { word >>= UInt(32 - remaining) }
            result |= word << UInt(shift)
            shift += 32
            remaining -= 32
        }
        return Int(bitPattern: result)
    }

    func below(_ n: Int) -> Int {
        if n <= 0 { return 0 }
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(k)
        while r >= n { r = getrandbits(k) }
        return r
    }
}

extension Interpreter {
    func makeRandomModule() -> ModuleObject {
        let m = ModuleObject("random", doc: "Pseudo-random numbers (Mersenne Twister, CPython-compatible sequences).")
        let rng = MersenneTwister(seed: clockNanoseconds(CLOCK_REALTIME) ^ Int(getpid()))
        m.define("seed", [Parameter("a", default: Value.none)]) { a, i in
            switch a[0] {
            case .none: rng.seed(clockNanoseconds(CLOCK_REALTIME))
            case .int(let n): rng.seed(n)
            case .bool(let b): rng.seed(b ? 1 : 0)
            case .float(let d): rng.seed(Int(truncatingIfNeeded: d.bitPattern))
            default:
                var h = 0
                for b in (try i.str(a[0])).utf8 { h = h &* 31 &+ Int(b) }
                rng.seed(h)
            }
            return Value.none
        }
        m.define("random", []) { _, _ in .float(rng.random()) }
        m.define("getrandbits", [Parameter("k")]) { a, _ in
            guard let k = a[0].intLike, k >= 0, k <= 63 else { throw ScriptError.valueError("getrandbits: k must be in 0...63 (ints are 64-bit)") }
            return .int(k == 0 ? 0 : rng.getrandbits(k))
        }
        func randrange(_ start: Int, _ stop: Int?, _ step: Int) throws -> Int {
            guard let stop else {
                if start <= 0 { throw ScriptError.valueError("empty range for randrange()") }
                return rng.below(start)
            }
            let width = stop - start
            if step == 1 {
                if width <= 0 { throw ScriptError.valueError("empty range for randrange(\(start), \(stop), \(width))") }
                return start + rng.below(width)
            }
            if step == 0 { throw ScriptError.valueError("zero step for randrange()") }
            let n = step > 0 ? (width + step - 1) / step : (width + step + 1) / step
            if n <= 0 { throw ScriptError.valueError("empty range for randrange()") }
            return start + step * rng.below(n)
        }
        m.define("randrange", [Parameter("start"), Parameter("stop", default: Value.none), Parameter("step", default: .int(1))]) { a, _ in
            guard let start = a[0].intLike, let step = a[2].intLike else { throw ScriptError.typeError("randrange() arguments must be integers") }
            return .int(try randrange(start, a[1].intLike, step))
        }
        m.define("randint", [Parameter("a"), Parameter("b")]) { a, _ in
            guard let lo = a[0].intLike, let hi = a[1].intLike else { throw ScriptError.typeError("randint() arguments must be integers") }
            return .int(try randrange(lo, hi + 1, 1))
        }
        m.define("uniform", [Parameter("a"), Parameter("b")]) { a, i in
            let lo = try i.toFloat(a[0]), hi = try i.toFloat(a[1])
            return .float(lo + (hi - lo) * rng.random())
        }
        m.define("choice", [Parameter("seq")]) { a, i in
            let n = try i.length(a[0])
            if n == 0 { throw ScriptError.indexError("Cannot choose from an empty sequence") }
            return try i.getItem(a[0], .int(rng.below(n)))
        }
        m.define("shuffle", [Parameter("x")]) { a, _ in
            guard case .list(let l) = a[0] else { throw ScriptError.typeError("shuffle() needs a list") }
            var k = l.items.count - 1
            while k >= 1 {
                let j = rng.below(k + 1)
                l.items.swapAt(k, j)
                k -= 1
            }
            return Value.none
        }
        m.define("sample", [Parameter("population"), Parameter("k")]) { a, i in
            let population = try i.iterate(a[0])
            let n = population.count
            guard let k = a[1].intLike, k >= 0, k <= n else { throw ScriptError.valueError("Sample larger than population or is negative") }
            var result = [Value](repeating: .none, count: k)
            var setsize = 21
            if k > 5 {
                let exponent = Int((log(Double(k * 3)) / log(4.0)).rounded(.up))
                var p = 1
                for _ in 0..<exponent { p *= 4 }
                setsize += p
            }
            if n <= setsize {
                var pool = population
                for j in 0..<k {
                    let r = rng.below(n - j)
                    result[j] = pool[r]
                    pool[r] = pool[n - j - 1]
                }
            } else {
                var selected = Set<Int>()
                for j in 0..<k {
                    var r = rng.below(n)
                    while selected.contains(r) { r = rng.below(n) }
                    selected.insert(r)
                    result[j] = population[r]
                }
            }
            return .list(ListObject(result))
        }
        m.define("gauss", [Parameter("mu", default: .float(0)), Parameter("sigma", default: .float(1))]) { a, i in
            let mu = try i.toFloat(a[0]), sigma = try i.toFloat(a[1])
            var z = rng.gaussNext
            rng.gaussNext = nil
            if z == nil {
                let x2pi = rng.random() * 2 * Double.pi
                let g2rad = (-2.0 * log(1.0 - rng.random())).squareRoot()
                z = cos(x2pi) * g2rad
                rng.gaussNext = sin(x2pi) * g2rad
            }
            return .float(mu + (z ?? 0) * sigma)
        }
        return m
    }
}
