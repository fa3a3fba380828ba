/// Conversions between float32 and the two 16-bit storage formats. Checkpoints ship in float16/bfloat16; the
/// engine computes in float32, so these run on every load of a half-precision checkpoint and are kept branch-light.
extension Float {
    /// IEEE half bits, rounded to nearest even (Swift's `Float16` conversion does exactly this).
    @inlinable public var float16Bits: UInt16 { Float16(self).bitPattern }

    /// bfloat16 bits with round-to-nearest-even, NaN kept quiet — the rounding PyTorch's `c10::BFloat16` uses.
    @inlinable public var bfloat16Bits: UInt16 {
        if isNaN { return 0x7FC0 }
        let bits = bitPattern
        let roundingBias = ((bits >> 16) & 1) &+ 0x7FFF
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    @inlinable public init(float16Bits bits: UInt16) { self = Float(Float16(bitPattern: bits)) }
    @inlinable public init(bfloat16Bits bits: UInt16) { self = Float(bitPattern: UInt32(bits) << 16) }
}
