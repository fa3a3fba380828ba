/// Row kernels of `QuantizedMatrix`: each computes `output[t, r] = Σ_k W[r, k] · x[t, k]` for a range of weight rows
/// `r` and every token `t`, reading the weight blocks directly.
///
/// Q4_0, Q4_1 and Q8_0 follow llama.cpp's CPU path: the activations are quantized to 8-bit blocks once per call
/// (`Q8Activations`), each weight block is unpacked to 32 sixteen-bit lanes once per row and multiplied with every
/// token's 8-bit block in integer arithmetic; the eight 32-bit partial sums are scaled by `d_w · d_x` into a float
/// accumulator, and the row is reduced horizontally only at the end. Q4_1 adds its minimum as `m_w · (d_x · Σq_x)`.
/// Other formats dequantize one row at a time into a small float buffer and take float dot products.
enum QuantizedKernels {
    /// Integer dot of one unpacked weight block with one 8-bit activation block, as eight 32-bit partial sums
    /// (lane pairs are added in 32 bits, the multiply-add pattern x86's `pmaddwd` implements).
    @inline(__always)
    static func blockDot(_ w: SIMD32<Int16>, _ x: UnsafePointer<Int8>) -> SIMD8<Int32> {
        let xv = SIMD32<Int16>(truncatingIfNeeded: UnsafeRawPointer(x).loadUnaligned(as: SIMD32<Int8>.self))
        let p = w &* xv
        let pairs = SIMD16<Int32>(truncatingIfNeeded: p.evenHalf) &+ SIMD16<Int32>(truncatingIfNeeded: p.oddHalf)
        return pairs.lowHalf &+ pairs.highHalf
    }

    @inline(__always)
    static func float(_ v: SIMD8<Int32>) -> SIMD8<Float> {
        SIMD8<Float>(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]), Float(v[4]), Float(v[5]), Float(v[6]), Float(v[7]))
    }

    /// 16 bytes of nibbles → 32 lanes: value i < 16 is the low nibble of byte i, value i ≥ 16 the high nibble.
    @inline(__always)
    static func unpackNibbles(_ p: UnsafeRawPointer, minus offset: Int16) -> SIMD32<Int16> {
        let bytes = p.loadUnaligned(as: SIMD16<UInt8>.self)
        let low = SIMD16<Int16>(truncatingIfNeeded: bytes & 0x0F) &- offset
        let high = SIMD16<Int16>(truncatingIfNeeded: bytes &>> 4) &- offset
        return SIMD32<Int16>(lowHalf: low, highHalf: high)
    }

    /// Q4_0, Q4_1 and Q8_0 weights against 8-bit activations.
    static func integerRows(_ type: GGMLType, weights: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>,
                            activations a: Q8Activations, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        let blocks = a.blocksPerRow, tokens = a.tokens
        let accumulators = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: tokens)
        let minimumTerms = UnsafeMutablePointer<Float>.allocate(capacity: tokens)
        defer { accumulators.deallocate(); minimumTerms.deallocate() }
        for r in rows {
            accumulators.initialize(repeating: .zero, count: tokens)
            minimumTerms.initialize(repeating: 0, count: tokens)
            let row = weights + r * rowBytes
            for b in 0..<blocks {
                let w: SIMD32<Int16>
                let d: Float
                var m: Float = 0
                switch type {
                case .q4_0:
                    let block = row + 18 * b
                    d = GGMLDequantize.half(block, 0)
                    w = unpackNibbles(block + 2, minus: 8)
                case .q4_1:
                    let block = row + 20 * b
                    d = GGMLDequantize.half(block, 0)
                    m = GGMLDequantize.half(block, 2)
                    w = unpackNibbles(block + 4, minus: 0)
                default:  // .q8_0
                    let block = row + 34 * b
                    d = GGMLDequantize.half(block, 0)
                    w = SIMD32<Int16>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 2, as: SIMD32<Int8>.self))
                }
                for t in 0..<tokens {
                    let xb = t * blocks + b
                    let dot = blockDot(w, a.values + 32 * xb)
                    accumulators[t] += float(dot) * (d * a.scales[xb])
                    if type == .q4_1 { minimumTerms[t] += m * a.sums[xb] }
                }
            }
            for t in 0..<tokens { output[t * outputStride + r] = accumulators[t].sum() + minimumTerms[t] }
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
