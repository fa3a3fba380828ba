// Vectorized exp and the row softmax the attention kernel needs.

enum NNMath {
    /// e^x for eight lanes: Cody–Waite range reduction to [-ln2/2, ln2/2] and a degree-6 polynomial
    /// (the Cephes expf coefficients), within 2 ulp of expf; inputs below -87.3 give exactly 0 (so
    /// masked scores vanish) and above 88.7 saturate to +inf.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let clamped = x.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.7))
        // n = round(x / ln 2) via truncation of x·log2e ± 0.5 (SSE2 has a truncating conversion).
        let scaled = clamped * 1.442_695_04 + SIMD8<Float>(repeating: 0.5)
        var n = SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int32>(scaled, rounding: .towardZero))
        var nf = SIMD8<Float>(n)
        let fix = nf .> scaled  // truncation rounded a negative value up: floor it
        n = n &- SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!fix))
        nf = SIMD8<Float>(n)
        let r = clamped - nf * 0.693_359_375 + nf * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let bits = SIMD8<UInt32>(truncatingIfNeeded: (n &+ 127) &<< 23)
        let result = y * unsafeBitCast(bits, to: SIMD8<Float>.self)
        return result.replacing(with: 0, where: x .< -87.3).replacing(with: Float.infinity, where: x .> 88.7)
    }

    /// In-place softmax of one row; a row that is entirely -inf (fully masked) becomes zeros, as
    /// PyTorch's CPU attention kernel returns for such rows.
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for j in 0..<count { maximum = max(maximum, row[j]) }
        guard maximum > -.infinity else {
            row.update(repeating: 0, count: count)
            return
        }
        var sum: Float = 0
        var j = 0
        let shift = SIMD8<Float>(repeating: maximum)
        var partial = SIMD8<Float>()
        let raw = UnsafeMutableRawPointer(row)
        while j + 8 <= count {
            let value = exp(raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - shift)
            raw.storeBytes(of: value, toByteOffset: j * 4, as: SIMD8<Float>.self)
            partial += value
            j += 8
        }
        if j < count {
            var tail = SIMD8<Float>(repeating: -.infinity)
            for t in 0..<(count - j) { tail[t] = row[j + t] }
            let value = exp(tail - shift)
            for t in 0..<(count - j) { row[j + t] = value[t] }
            partial += value
        }
        sum = partial.sum()
        let inverse = 1 / sum
        for t in 0..<count { row[t] *= inverse }
    }
}
