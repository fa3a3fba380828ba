/// Dequantization of ggml block formats to float32, value for value what ggml's reference C
/// (`dequantize_row_*` in ggml-quants.c) and gguf-py's numpy port (`gguf.quants`) compute.
///
/// Bit-exactness matters because tests compare against gguf-py exactly, and because llama.cpp's outputs are what users
/// compare ours to. That fixes the order of float operations: `d * q + m` is a product then a sum (two roundings;
/// Swift does not contract it into a fused multiply-add), and K-quants form the sub-block scale `d * sc` first, then
/// multiply by the quantized value.
public enum GGMLDequantize {
    /// Writes `count` float32 values decoded from `source` (which holds `type.byteCount(for: count)` bytes).
    /// Throws when the type has no decoder or `count` is not a whole number of blocks.
    public static func dequantize(_ type: GGMLType, from source: UnsafeRawPointer, count: Int,
                                  into destination: UnsafeMutablePointer<Float>) throws {
        guard type.canDequantize else { throw TensorError.invalidArgument(op: "gguf", detail: "cannot dequantize ggml type \(type)") }
        guard type.byteCount(for: count) != nil else {
            throw TensorError.invalidArgument(
                op: "gguf", detail: "\(count) values are not a whole number of \(type) blocks of \(type.blockSize)")
        }
        let blocks = count / type.blockSize
        let size = type.typeSize
        switch type {
        case .f32: UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
        case .f16:
            for i in 0..<count { destination[i] = half(source, 2 * i) }
        case .bf16:
            for i in 0..<count { destination[i] = Float(bfloat16Bits: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .q4_0: for b in 0..<blocks { q4_0(source + b * size, destination + b * 32) }
        case .q4_1: for b in 0..<blocks { q4_1(source + b * size, destination + b * 32) }
        case .q5_0: for b in 0..<blocks { q5_0(source + b * size, destination + b * 32) }
        case .q5_1: for b in 0..<blocks { q5_1(source + b * size, destination + b * 32) }
        case .q8_0: for b in 0..<blocks { q8_0(source + b * size, destination + b * 32) }
        case .q2_K: for b in 0..<blocks { q2_K(source + b * size, destination + b * 256) }
        case .q3_K: for b in 0..<blocks { q3_K(source + b * size, destination + b * 256) }
        case .q4_K: for b in 0..<blocks { q4_K(source + b * size, destination + b * 256) }
        case .q5_K: for b in 0..<blocks { q5_K(source + b * size, destination + b * 256) }
        case .q6_K: for b in 0..<blocks { q6_K(source + b * size, destination + b * 256) }
        default: break
        }
    }

    /// A little-endian float16 field at `offset` bytes, as float32 (exact; see `QuantizedKernels.half`).
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float { QuantizedKernels.half(p, offset) }

    // MARK: 32-value blocks

    /// Q4_0: `d` (f16), then 16 bytes; value i < 16 is the low nibble of byte i, value i ≥ 16 the high nibble of
    /// byte i − 16; x = d · (nibble − 8).
    @inline(__always)
    static func q4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let qs = p + 2
        for i in 0..<16 {
            let byte = qs.load(fromByteOffset: i, as: UInt8.self)
            y[i] = d * Float(Int(byte & 0x0F) - 8)
            y[i + 16] = d * Float(Int(byte >> 4) - 8)
        }
    }

    /// Q4_1: `d`, `m` (f16), 16 bytes of nibbles as Q4_0; x = d · nibble + m.
    @inline(__always)
    static func q4_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        let qs = p + 4
        for i in 0..<16 {
            let byte = qs.load(fromByteOffset: i, as: UInt8.self)
            y[i] = d * Float(byte & 0x0F) + m
            y[i + 16] = d * Float(byte >> 4) + m
        }
    }

    /// Q5_0: `d`, a little-endian u32 of fifth bits (bit i belongs to value i), 16 bytes of nibbles;
    /// x = d · (nibble | bit << 4 − 16).
    @inline(__always)
    static func q5_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        let qs = p + 6
        for i in 0..<16 {
            let byte = qs.load(fromByteOffset: i, as: UInt8.self)
            let low = Int(byte & 0x0F) | Int((qh >> UInt32(i)) & 1) << 4
            let high = Int(byte >> 4) | Int((qh >> UInt32(i + 16)) & 1) << 4
            y[i] = d * Float(low - 16)
            y[i + 16] = d * Float(high - 16)
        }
    }

    /// Q5_1: `d`, `m`, the u32 of fifth bits, 16 bytes of nibbles; x = d · q + m.
    @inline(__always)
    static func q5_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let qs = p + 8
        for i in 0..<16 {
            let byte = qs.load(fromByteOffset: i, as: UInt8.self)
            let low = UInt32(byte & 0x0F) | ((qh >> UInt32(i)) & 1) << 4
            let high = UInt32(byte >> 4) | ((qh >> UInt32(i + 16)) & 1) << 4
            y[i] = d * Float(low) + m
            y[i + 16] = d * Float(high) + m
        }
    }

    /// Q8_0: `d`, 32 signed bytes; x = q · d.
    @inline(__always)
    static func q8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        for i in 0..<32 { y[i] = Float(p.load(fromByteOffset: 2 + i, as: Int8.self)) * d }
    }

    // MARK: 256-value super-blocks (K-quants)

    /// Q2_K: 16 scale bytes (low nibble scales, high nibble mins, one per 16 values), 64 bytes of 2-bit values,
    /// then `d` and `dmin`. Value e sits in byte (e / 128) · 32 + e % 32 at bit pair (e % 128) / 32;
    /// x = (d · sc) · q − (dmin · m).
    @inline(__always)
    static func q2_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 80), dmin = half(p, 82)
        let qs = p + 16
        for group in 0..<16 {
            let scale = p.load(fromByteOffset: group, as: UInt8.self)
            let dl = d * Float(scale & 0x0F), ml = dmin * Float(scale >> 4)
            for j in 0..<16 {
                let e = group * 16 + j
                let byte = qs.load(fromByteOffset: (e / 128) * 32 + e % 32, as: UInt8.self)
                let q = (byte >> UInt8(2 * ((e % 128) / 32))) & 3
                y[e] = dl * Float(q) - ml
            }
        }
    }

    /// Q3_K: 32 bytes of high-bit masks (value e: bit e / 32 of byte e % 32), 64 bytes of 2-bit values (laid out as
    /// Q2_K), 12 bytes packing sixteen 6-bit signed scales, then `d`. q = low2 − 4 when the mask bit is *clear*.
    @inline(__always)
    static func q3_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 108)
        let hmask = p, qs = p + 32, packed = p + 96
        for group in 0..<16 {
            let low = packed.load(fromByteOffset: group % 8, as: UInt8.self) >> UInt8(4 * (group / 8)) & 0x0F
            let high = packed.load(fromByteOffset: 8 + group % 4, as: UInt8.self) >> UInt8(2 * (group / 4)) & 0x03
            let scale = Int(low | high << 4) - 32
            let dl = d * Float(scale)
            for j in 0..<16 {
                let e = group * 16 + j
                let byte = qs.load(fromByteOffset: (e / 128) * 32 + e % 32, as: UInt8.self)
                let q2 = Int((byte >> UInt8(2 * ((e % 128) / 32))) & 3)
                let bit = (hmask.load(fromByteOffset: e % 32, as: UInt8.self) >> UInt8(e / 32)) & 1
                y[e] = dl * Float(q2 - (bit == 0 ? 4 : 0))
            }
        }
    }

    /// The eight 6-bit (scale, min) pairs of Q4_K/Q5_K packed into 12 bytes (ggml's `get_scale_min_k4`).
    @inline(__always)
    static func scaleMinK4(_ s: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
        if j < 4 {
            return (s.load(fromByteOffset: j, as: UInt8.self) & 63, s.load(fromByteOffset: j + 4, as: UInt8.self) & 63)
        }
        let mixed = s.load(fromByteOffset: j + 4, as: UInt8.self)
        let scale = (mixed & 0x0F) | ((s.load(fromByteOffset: j - 4, as: UInt8.self) >> 6) << 4)
        let min = (mixed >> 4) | ((s.load(fromByteOffset: j, as: UInt8.self) >> 6) << 4)
        return (scale, min)
    }

    /// Q4_K: `d`, `dmin`, 12 scale bytes, 128 bytes; eight sub-blocks of 32: sub-block 2c takes the low nibbles of
    /// bytes 32c..<32c+32, sub-block 2c+1 their high nibbles; x = (d · sc) · q − (dmin · m).
    @inline(__always)
    static func q4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        let scales = p + 4, qs = p + 16
        for sub in 0..<8 {
            let (sc, m) = scaleMinK4(scales, sub)
            let d1 = d * Float(sc), m1 = dmin * Float(m)
            let bytes = qs + (sub / 2) * 32
            let shift = UInt8(4 * (sub % 2))
            for l in 0..<32 {
                let q = (bytes.load(fromByteOffset: l, as: UInt8.self) >> shift) & 0x0F
                y[sub * 32 + l] = d1 * Float(q) - m1
            }
        }
    }

    /// Q5_K: as Q4_K with 32 bytes of fifth bits before the nibbles (sub-block j uses bit j of byte l).
    @inline(__always)
    static func q5_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        let scales = p + 4, qh = p + 16, qs = p + 48
        for sub in 0..<8 {
            let (sc, m) = scaleMinK4(scales, sub)
            let d1 = d * Float(sc), m1 = dmin * Float(m)
            let bytes = qs + (sub / 2) * 32
            let shift = UInt8(4 * (sub % 2))
            for l in 0..<32 {
                let low = (bytes.load(fromByteOffset: l, as: UInt8.self) >> shift) & 0x0F
                let high = (qh.load(fromByteOffset: l, as: UInt8.self) >> UInt8(sub)) & 1
                y[sub * 32 + l] = d1 * Float(low | high << 4) - m1
            }
        }
    }

    /// Q6_K: 128 bytes of low nibbles, 64 bytes of high bit pairs, 16 signed scales (one per 16 values), `d`.
    /// Each half of 128 values uses 64 low bytes and 32 high bytes; within a half, group g (32 values) takes low
    /// nibbles (g < 2) or high nibbles (g ≥ 2) of bytes 32·(g % 2)..., and bit pair g of the high bytes;
    /// x = (d · sc) · (q − 32).
    @inline(__always)
    static func q6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 208)
        for h in 0..<2 {
            let ql = p + h * 64, qh = p + 128 + h * 32
            for g in 0..<4 {
                let lowShift = UInt8(4 * (g / 2)), highShift = UInt8(2 * g)
                for l in 0..<32 {
                    let e = h * 128 + g * 32 + l
                    let low = (ql.load(fromByteOffset: 32 * (g % 2) + l, as: UInt8.self) >> lowShift) & 0x0F
                    let high = (qh.load(fromByteOffset: l, as: UInt8.self) >> highShift) & 0x03
                    let q = Int(low | high << 4) - 32
                    let scale = Float(p.load(fromByteOffset: 192 + e / 16, as: Int8.self))
                    y[e] = (d * scale) * Float(q)
                }
            }
        }
    }
}
