/// The Swift side of `QuantizedMatrix`'s kernels: the float path for formats without an integer kernel, and the
/// float16 conversion the dequantizers share.
///
/// Q4_0, Q4_1, Q8_0, Q4_K, Q5_K and Q6_K go to the C target `CQuant` instead (AVX2 `pmaddubsw` kernels chosen at
/// run time, portable C otherwise): Swift cannot compile a function for AVX2 while the rest of the module stays
/// baseline x86-64, and its SIMD element-type conversions are generic lane loops (docs/GGUF.md).
enum QuantizedKernels {
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
