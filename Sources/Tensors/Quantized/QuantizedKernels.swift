/// Row kernels of `QuantizedMatrix`: each computes `output[t, r] = Σ_k W[r, k] · x[t, k]` for a range of weight rows
/// `r` and every token `t`, reading the weight blocks directly.
///
/// Q4_0, Q4_1 and Q8_0 follow llama.cpp's CPU path: activations are quantized to 8-bit blocks once per call
/// (`Q8Activations`); each weight block is unpacked once per row into sixteen-bit lanes and multiplied with every
/// token's block in integer arithmetic; the partial sums are scaled by `d_w · d_x` into a float accumulator, and the
/// row is reduced horizontally only at the end. Q4_1 adds its minimum as `m_w · (d_x · Σq_x)`.
///
/// Only same-type SIMD operations appear (masks, shifts, wrapping multiply-adds, bit casts): the standard library's
/// element-type conversions between SIMD vectors are generic loops that run ~30× slower. Bytes are widened to
/// sixteen bits by reinterpreting pairs as one lane and splitting even (`& 0xFF`, or `<< 8 >> 8` when signed) from odd
/// (`>> 8`) values, and the final 32-bit sums become floats exactly through the 2²³ magic-number trick.
enum QuantizedKernels {
    /// One weight block widened to sixteen-bit lanes: values 0..<16 at even/odd positions, then 16..<32.
    struct Lanes {
        var lowEven: SIMD8<Int16>, lowOdd: SIMD8<Int16>, highEven: SIMD8<Int16>, highOdd: SIMD8<Int16>
    }

    /// The block formats with integer kernels, as static descriptions the generic kernel is specialized on.
    protocol Format {
        static var blockBytes: Int { get }
        static var hasMinimum: Bool { get }
        /// Whether one product can reach 128 · 127, so pairs must be widened to 32 bits before summing four.
        static var wideProducts: Bool { get }
        static func unpack(_ block: UnsafeRawPointer) -> (lanes: Lanes, d: Float, m: Float)
    }

    enum Q4_0: Format {
        static var blockBytes: Int { 18 }
        static var hasMinimum: Bool { false }
        static var wideProducts: Bool { false }
        @inline(__always) static func unpack(_ block: UnsafeRawPointer) -> (lanes: Lanes, d: Float, m: Float) {
            (nibbles(block + 2, minus: 8), half(block, 0), 0)
        }
    }

    enum Q4_1: Format {
        static var blockBytes: Int { 20 }
        static var hasMinimum: Bool { true }
        static var wideProducts: Bool { false }
        @inline(__always) static func unpack(_ block: UnsafeRawPointer) -> (lanes: Lanes, d: Float, m: Float) {
            (nibbles(block + 4, minus: 0), half(block, 0), half(block, 2))
        }
    }

    enum Q8_0: Format {
        static var blockBytes: Int { 34 }
        static var hasMinimum: Bool { false }
        static var wideProducts: Bool { true }
        @inline(__always) static func unpack(_ block: UnsafeRawPointer) -> (lanes: Lanes, d: Float, m: Float) {
            let low = block.loadUnaligned(fromByteOffset: 2, as: SIMD8<Int16>.self)
            let high = block.loadUnaligned(fromByteOffset: 18, as: SIMD8<Int16>.self)
            return (Lanes(lowEven: (low &<< 8) &>> 8, lowOdd: low &>> 8, highEven: (high &<< 8) &>> 8, highOdd: high &>> 8),
                    half(block, 0), 0)
        }
    }

    // MARK: Lane helpers

    /// 16 bytes of nibbles: value i < 16 is the low nibble of byte i, value i ≥ 16 the high nibble of byte i − 16.
    @inline(__always)
    static func nibbles(_ p: UnsafeRawPointer, minus offset: Int16) -> Lanes {
        let bytes = p.loadUnaligned(as: SIMD16<UInt8>.self)
        let low = unsafeBitCast(bytes & 0x0F, to: SIMD8<Int16>.self)
        let high = unsafeBitCast(bytes &>> 4, to: SIMD8<Int16>.self)
        return Lanes(lowEven: (low & 0xFF) &- offset, lowOdd: (low &>> 8) &- offset,
                     highEven: (high & 0xFF) &- offset, highOdd: (high &>> 8) &- offset)
    }

    /// float16 → float32 without a library call (x86 has no half conversion below F16C): exact for every input.
    /// The 15 low bits shifted into float position are a float 2¹¹² times too small (subnormals included), so one
    /// exact multiply rescales them; infinities and NaNs (exponent 31) are rebuilt directly.
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        let h = UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        let magnitude = (h & 0x7C00) == 0x7C00
            ? Float(bitPattern: 0x7F80_0000 | (h & 0x3FF) << 13)
            : Float(bitPattern: (h & 0x7FFF) << 13) * 0x1p112
        return (h & 0x8000) != 0 ? -magnitude : magnitude
    }

    /// Four exact 32-bit partial sums of `w · x` over one block, as floats.
    @inline(__always)
    static func blockDot<F: Format>(_: F.Type, _ w: Lanes, _ x: UnsafePointer<Int16>) -> SIMD4<Float> {
        let raw = UnsafeRawPointer(x)
        let xle = raw.loadUnaligned(as: SIMD8<Int16>.self), xlo = raw.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self)
        let xhe = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int16>.self), xho = raw.loadUnaligned(fromByteOffset: 48, as: SIMD8<Int16>.self)
        let sums: SIMD4<Int32>
        if F.wideProducts {
            sums = widenedPairs(w.lowEven &* xle &+ w.lowOdd &* xlo) &+ widenedPairs(w.highEven &* xhe &+ w.highOdd &* xho)
        } else {
            sums = widenedPairs(w.lowEven &* xle &+ w.lowOdd &* xlo &+ w.highEven &* xhe &+ w.highOdd &* xho)
        }
        // |sums| < 2²², so adding 1.5 · 2²³ as bits and subtracting it as a float converts exactly.
        return unsafeBitCast(sums &+ 0x4B40_0000, to: SIMD4<Float>.self) - 12_582_912
    }

    /// Eight sixteen-bit lanes summed in pairs into four 32-bit lanes.
    @inline(__always)
    static func widenedPairs(_ v: SIMD8<Int16>) -> SIMD4<Int32> {
        let pairs = unsafeBitCast(v, to: SIMD4<Int32>.self)
        return ((pairs &<< 16) &>> 16) &+ (pairs &>> 16)
    }

    // MARK: Kernels

    static func integerRows(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>,
                            activations a: Q8Activations, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        switch type {
        case .q4_0: integerRows(Q4_0.self, weights, rowBytes, rows, a, output, outputStride)
        case .q4_1: integerRows(Q4_1.self, weights, rowBytes, rows, a, output, outputStride)
        default: integerRows(Q8_0.self, weights, rowBytes, rows, a, output, outputStride)
        }
    }

    static func integerRows<F: Format>(_ format: F.Type, _ weights: UnsafeRawPointer, _ rowBytes: Int, _ rows: Range<Int>,
                                       _ a: Q8Activations, _ output: UnsafeMutablePointer<Float>, _ outputStride: Int) {
        let blocks = a.blocksPerRow, tokens = a.tokens
        // Loop order for prompts: a chunk of rows (a few KB of blocks, stays in L1/L2) × a tile of four tokens (their
        // activation lanes stay in L1) × blocks. Walking all tokens per row instead would stream every token's
        // activations through L1 once per row, which measured slower than one token at a time.
        let chunkRows = 32
        for chunkStart in stride(from: rows.lowerBound, to: rows.upperBound, by: chunkRows) {
            let chunk = chunkStart..<min(chunkStart + chunkRows, rows.upperBound)
            var t = 0
            while t + 4 <= tokens {
                for r in chunk {
                    var acc0 = SIMD4<Float>.zero, acc1 = SIMD4<Float>.zero, acc2 = SIMD4<Float>.zero, acc3 = SIMD4<Float>.zero
                    var minimums = SIMD4<Float>.zero
                    var block = weights + r * rowBytes
                    for b in 0..<blocks {
                        let (w, d, m) = F.unpack(block)
                        let x0 = t * blocks + b, x1 = x0 + blocks, x2 = x1 + blocks, x3 = x2 + blocks
                        acc0 += blockDot(F.self, w, a.lanes + 32 * x0) * (d * a.scales[x0])
                        acc1 += blockDot(F.self, w, a.lanes + 32 * x1) * (d * a.scales[x1])
                        acc2 += blockDot(F.self, w, a.lanes + 32 * x2) * (d * a.scales[x2])
                        acc3 += blockDot(F.self, w, a.lanes + 32 * x3) * (d * a.scales[x3])
                        if F.hasMinimum { minimums += m * SIMD4(a.sums[x0], a.sums[x1], a.sums[x2], a.sums[x3]) }
                        block += F.blockBytes
                    }
                    output[t * outputStride + r] = acc0.sum() + minimums[0]
                    output[(t + 1) * outputStride + r] = acc1.sum() + minimums[1]
                    output[(t + 2) * outputStride + r] = acc2.sum() + minimums[2]
                    output[(t + 3) * outputStride + r] = acc3.sum() + minimums[3]
                }
                t += 4
            }
            // Decode (and the last tokens of a prompt): one token at a time, accumulators in registers.
            while t < tokens {
                for r in chunk {
                    var acc = SIMD4<Float>.zero, minimum: Float = 0
                    var block = weights + r * rowBytes
                    for b in 0..<blocks {
                        let (w, d, m) = F.unpack(block)
                        let x = t * blocks + b
                        acc += blockDot(F.self, w, a.lanes + 32 * x) * (d * a.scales[x])
                        if F.hasMinimum { minimum += m * a.sums[x] }
                        block += F.blockBytes
                    }
                    output[t * outputStride + r] = acc.sum() + minimum
                }
                t += 1
            }
        }
    }

    /// Any dequantizable format: one row is decoded to float32, then dotted with every token's float row.
    static func dequantizingRows(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, columns: Int,
                                 rows: Range<Int>, input: UnsafePointer<Float>, tokens: Int,
                                 output: UnsafeMutablePointer<Float>, outputStride: Int) throws {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { buffer.deallocate() }
        for r in rows {
            try GGMLDequantize.dequantize(type, from: weights + r * rowBytes, count: columns, into: buffer)
            for t in 0..<tokens {
                output[t * outputStride + r] = dot(buffer, input + t * columns, columns)
            }
        }
    }

    /// Float dot product, eight lanes at a time.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>.zero, acc1 = SIMD8<Float>.zero
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var k = 0
        while k + 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * k + 32, as: SIMD8<Float>.self)
            k += 16
        }
        var total = (acc0 + acc1).sum()
        while k < n { total += a[k] * b[k]; k += 1 }
        return total
    }
}
