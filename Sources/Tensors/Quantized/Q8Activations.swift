/// Activation rows quantized to 8-bit blocks of 32, the partner format of the integer block kernels (llama.cpp's
/// `Q8_0`/`Q8_1` "vec_dot_type" for Q4_0, Q4_1 and Q8_0 weights).
///
/// Each block of 32 values keeps a float scale `d = max|x| / 127` and `q = round(x / d)` (ties away from zero, as
/// ggml's reference `quantize_row_q8_0` does), plus `s = d · Σq` for formats with a per-block minimum (Q4_1's
/// `m · Σx` term). Unlike ggml we keep `d` and `s` in float32 rather than rounding them to float16: a little more
/// accurate, and the values never leave the process.
///
/// Every block is used by every weight row, so it is stored pre-widened to sixteen-bit lanes in the order the
/// kernel multiplies them (see `QuantizedKernels`): values 0..<16 at even positions, then at odd positions, then the
/// same for values 16..<32. The kernel then needs no shuffles on the activation side.
///
/// The rounding error per activation is at most `d / 2 = max|x| / 254` of its block, so a dot product differs from
/// the float one by at most `Σ_blocks max|x_b| / 254 · Σ_{k∈b} |w_k|` (asserted by GGUFQuantizedMatmulTests).
struct Q8Activations {
    let tokens: Int
    let columns: Int
    var blocksPerRow: Int { columns / 32 }
    /// `tokens × columns` lanes, token-major, 32 per block in kernel order.
    let lanes: UnsafeMutablePointer<Int16>
    /// `tokens × blocksPerRow` scales.
    let scales: UnsafeMutablePointer<Float>
    /// `tokens × blocksPerRow` values of `d · Σq`.
    let sums: UnsafeMutablePointer<Float>

    /// Where value `i` of a block goes: halves of 16, each as 8 even then 8 odd positions.
    @inline(__always)
    static func lane(of i: Int) -> Int { (i / 16) * 16 + (i % 2) * 8 + (i % 16) / 2 }

    /// Quantizes `tokens` rows of `columns` floats (`columns` a multiple of 32). The caller must `deallocate()`.
    init(quantizing x: UnsafePointer<Float>, tokens: Int, columns: Int) {
        self.tokens = tokens
        self.columns = columns
        let blocks = tokens * (columns / 32)
        lanes = .allocate(capacity: max(tokens * columns, 1))
        scales = .allocate(capacity: max(blocks, 1))
        sums = .allocate(capacity: max(blocks, 1))
        for block in 0..<blocks {
            Self.quantizeBlock(x + 32 * block, into: lanes + 32 * block, scale: scales + block, sum: sums + block)
        }
    }

    func deallocate() {
        lanes.deallocate()
        scales.deallocate()
        sums.deallocate()
    }

    @inline(__always)
    private static func quantizeBlock(_ x: UnsafePointer<Float>, into q: UnsafeMutablePointer<Int16>,
                                      scale: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(x)
        var amax = SIMD8<Float>.zero
        for k in 0..<4 {
            let v = raw.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
            amax = pointwiseMax(amax, pointwiseMax(v, -v))
        }
        let d = amax.max() / 127
        let inverse: Float = d == 0 ? 0 : 1 / d
        var total = 0
        for i in 0..<32 {
            let rounded = (x[i] * inverse).rounded(.toNearestOrAwayFromZero)
            // NaN or ±inf activations saturate instead of trapping the conversion.
            let value = rounded.isNaN ? 0 : Int16(min(max(rounded, -127), 127))
            q[lane(of: i)] = value
            total += Int(value)
        }
        scale.pointee = d
        sum.pointee = d * Float(total)
    }
}
