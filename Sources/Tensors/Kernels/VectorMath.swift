import Foundation

/// Vectorizable float32 approximations of the transcendental functions the hot kernels need (exp for softmax,
/// sigmoid and SiLU; tanh; erfc for the exact GELU). Each is a range reduction plus a short polynomial built only
/// from SIMD arithmetic so the loop stays vectorized; lanes outside the polynomial's range (overflow, underflow,
/// NaN) are recomputed with the libm scalar function, so special values come out exactly as `Foundation` gives them.
/// Accuracy: exp and tanh within ~2 ulp; the GELU kernel within ~2e-7 relative of the erf definition — inside the
/// 1e-6 the parity tests allow against PyTorch (whose own vectorized erf is an approximation too).
typealias Float16x = SIMD16<Float>

enum VectorMath {
    /// |x| lane-wise, by clearing the sign bit (keeps NaN a NaN).
    @inline(__always)
    static func magnitude(_ x: Float16x) -> Float16x {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Float16x.self)
    }

    // MARK: exp

    private static let expLow: Float = -87.0
    private static let expHigh: Float = 88.0

    /// e^x. Reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for exactness), e^r by its degree-7 Taylor
    /// polynomial (truncation error < 6e-9), and 2^n assembled directly in the exponent bits.
    @inline(__always)
    static func exp(_ x: Float16x) -> Float16x {
        let clamped = x.clamped(lowerBound: Float16x(repeating: expLow), upperBound: Float16x(repeating: expHigh))
        // Round-to-nearest through the 1.5·2^23 trick: the low mantissa bits of `shifted` hold n.
        let magic = Float16x(repeating: 12582912.0)
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = Float16x(repeating: 1.0 / 5040.0)
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: Float16x.self)
        var result = p * scale
        let inside = (x .>= expLow) .& (x .<= expHigh)
        if !all(inside) {
            for lane in 0..<16 where !inside[lane] { result[lane] = Foundation.exp(x[lane]) }
        }
        return result
    }

    // MARK: tanh

    /// tanh: an odd minimax polynomial for |x| < 0.625 (Cephes' coefficients), 1 − 2/(e^{2|x|}+1) beyond, ±1 past 9.02.
    @inline(__always)
    static func tanh(_ x: Float16x) -> Float16x {
        let z = x * x
        var small = Float16x(repeating: -5.70498872745e-3)
        small = small * z + 2.06390887954e-2
        small = small * z - 5.37397155531e-2
        small = small * z + 1.33314422036e-1
        small = small * z - 3.33332819422e-1
        small = small * z * x + x
        let absX = magnitude(x)
        let bounded = absX.clamped(lowerBound: Float16x(repeating: 0), upperBound: Float16x(repeating: 10))
        let e = exp(bounded + bounded)
        var large = 1 - 2 / (e + 1)
        // Past ~9.01 the correctly rounded tanh is exactly 1 (1 − tanh < half an ulp below 1).
        large.replace(with: 1, where: absX .>= 9.02)
        large.replace(with: -large, where: x .< 0)
        var result = large
        result.replace(with: small, where: absX .< 0.625)
        let finite = absX .<= Float.greatestFiniteMagnitude
        if !all(finite) {
            for lane in 0..<16 where !finite[lane] { result[lane] = Foundation.tanh(x[lane]) }
        }
        return result
    }

    @inline(__always)
    static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }

    // MARK: erfc, for the exact GELU

    /// erfc(z) for z ≥ 0 with fractional error below ~1.2e-7: the Chebyshev fit of Numerical Recipes (`erfcc`),
    /// t = 1/(1 + z/2), erfc = t·exp(−z² + P(t)). Being a *relative* bound on erfc is what makes GELU accurate on the
    /// negative side, where the result is the small number 0.5·x·erfc(|x|/√2).
    @inline(__always)
    static func erfcNonNegative(_ z: Float16x) -> Float16x {
        let t = 1 / (1 + 0.5 * z)
        var p = Float16x(repeating: 0.17087277)
        p = p * t - 0.82215223
        p = p * t + 1.48851587
        p = p * t - 1.13520398
        p = p * t + 0.27886807
        p = p * t - 0.18628806
        p = p * t + 0.09678418
        p = p * t + 0.37409196
        p = p * t + 1.00002368
        p = p * t - 1.26551223
        return t * exp(p - z * z)
    }

    /// GELU, erf form: 0.5·x·(1 + erf(x/√2)), evaluated as 0.5·x·(2 − erfc(u)) for x ≥ 0 and 0.5·x·erfc(|u|) for x < 0.
    @inline(__always)
    static func gelu(_ x: Float16x) -> Float16x {
        let u = magnitude(x) * 0.70710678118654752
        let e = erfcNonNegative(u.clamped(lowerBound: Float16x(repeating: 0), upperBound: Float16x(repeating: 10)))
        var factor = 2 - e
        factor.replace(with: e, where: x .< 0)
        var result = 0.5 * x * factor
        let finite = magnitude(x) .<= Float.greatestFiniteMagnitude
        if !all(finite) {
            for lane in 0..<16 where !finite[lane] { result[lane] = geluScalar(x[lane]) }
        }
        return result
    }

    @inline(__always)
    static func geluScalar(_ x: Float) -> Float { Float(0.5 * Double(x) * (1 + Foundation.erf(Double(x) * 0.70710678118654752))) }

    /// GELU, tanh form exactly as `torch.nn.functional.gelu(approximate="tanh")`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    @inline(__always)
    static func geluTanh(_ x: Float16x) -> Float16x {
        let inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + tanh(inner))
    }

    @inline(__always)
    static func geluTanhScalar(_ x: Float) -> Float {
        let inner: Float = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + Foundation.tanh(inner))
    }

    @inline(__always)
    static func sigmoid(_ x: Float16x) -> Float16x { 1 / (1 + exp(-x)) }

    @inline(__always)
    static func sigmoidScalar(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
}
