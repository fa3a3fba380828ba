import CKernels

// Vectorized exp and the row softmax the attention kernel needs.

enum NNMath {
    /// e^x for eight lanes: range reduction x = n·ln2 + r with n rounded to nearest (the 1.5·2²³
    /// "magic number" trick, which needs no float→int conversion instruction beyond SSE2), Cody–Waite
    /// split of ln2, and the degree-6 Cephes expf polynomial: within 2 ulp of expf. Inputs below -87.3
    /// give exactly 0 (so masked scores vanish), above 88.72 give +inf.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Lane selects rather than pointwiseMin/Max, which the stdlib does not inline.
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.0)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2²³: adding it rounds to an integer
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (y * scale).replacing(with: 0, where: x .< -87.3).replacing(with: Float.infinity, where: x .> 88.72)
    }

    /// In-place softmax of one row; a row that is entirely -inf (fully masked) becomes zeros, as
    /// PyTorch's CPU attention kernel returns for such rows.
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int) {
        let inverse = exponentiateRow(row, count: count)
        if NativeKernels.isEnabled {
            sfk_scale_avx2(row, inverse, count)
            return
        }
        for t in 0..<count { row[t] *= inverse }
    }

    /// The unnormalized half of softmax: row ← exp(row − max(row)); returns 1 / Σ row (0 for a row
    /// that is entirely -inf, which becomes zeros). Attention applies the factor to P·V's output rows
    /// instead, which is Ev multiplies per row rather than S.
    static func exponentiateRow(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        if NativeKernels.isEnabled {
            let maximum = sfk_row_max_avx2(row, count)
            guard maximum > -.infinity else {
                row.update(repeating: 0, count: count)
                return 0
            }
            return 1 / sfk_exp_shifted_sum_avx2(row, maximum, row, count)
        }
        return exponentiateRowPortable(row, count: count)
    }

    /// `exponentiateRow` in Swift SIMD (CPUs without AVX2; the C kernel's test reference).
    static func exponentiateRowPortable(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var maximum = -Float.infinity
        var j = 0
        if count >= 8 {
            var lanes = SIMD8<Float>(repeating: -.infinity)
            while j + 8 <= count {
                let next = UnsafeRawPointer(row).loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                lanes.replace(with: next, where: next .> lanes)
                j += 8
            }
            maximum = lanes.max()
        }
        while j < count {
            maximum = max(maximum, row[j])
            j += 1
        }
        guard maximum > -.infinity else {
            row.update(repeating: 0, count: count)
            return 0
        }
        var sum: Float = 0
        j = 0
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
        return 1 / sum
    }
}
