// Eight-lane float32 math for the AVX2 kernels: exp, tanh, the erfc behind the exact GELU.
// Internal header: every function is `static inline` inside the avx2,fma target region, so it inlines
// into the kernels of the including file. Lanes that leave a function's fitted range are reported through
// a mask so the caller can recompute them with libm (special values then match libm exactly).
#ifndef SWIFTFORMERS_VECTOR_MATH_AVX2_H
#define SWIFTFORMERS_VECTOR_MATH_AVX2_H

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

/// The kernels rely on these helpers (and their own per-op loops) being inlined so that each op's
/// switch folds away; plain `inline` was not enough for clang at -O2.
#define SFK_INLINE inline __attribute__((always_inline))

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

static SFK_INLINE __m256 sfk_abs8(__m256 x) {
    return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
}

/// e^x for x in [-87.3, 88.7], within 2 ulp of expf: n = round(x/ln2) by the 1.5·2²³ trick, Cody–Waite
/// reduction r = x − n·ln2 (ln2 in two parts), e^r from the degree-6 Cephes polynomial, 2ⁿ built in the
/// exponent bits. Callers handle lanes outside the range (see `sfk_exp8_outside`).
static SFK_INLINE __m256 sfk_exp8_core2(__m256 a, __m256 b);

static SFK_INLINE __m256 sfk_exp8_core(__m256 x) { return sfk_exp8_core2(x, _mm256_setzero_ps()); }

/// e^(a + b) with b small next to a: the reduction subtracts n·ln2 from a alone (exactly, Cody–Waite)
/// and adds b afterwards, so an argument known more precisely than one float (erfc's −z² + P) keeps its
/// extra bits. Same range contract as `sfk_exp8_core` for a + b.
static SFK_INLINE __m256 sfk_exp8_core2(__m256 a, __m256 b) {
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    // max/min return their second operand when either is NaN: constants first, so NaN propagates.
    __m256 xc = _mm256_min_ps(_mm256_set1_ps(88.0f), _mm256_max_ps(_mm256_set1_ps(-87.3f), _mm256_add_ps(a, b)));
    __m256 shifted = _mm256_fmadd_ps(xc, _mm256_set1_ps(1.44269504088896341f), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    // Lanes clamped above are flushed (bitwise) or recomputed with libm by the callers, so whatever the
    // polynomial gives for them is discarded; reducing the unclamped a is safe.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), a);
    r = _mm256_add_ps(_mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r), b);
    // p(r) = c0 + c1·r + … + c5·r⁵ by Estrin's scheme (shorter dependency chain than Horner's).
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 p01 = _mm256_fmadd_ps(_mm256_set1_ps(1.6666665459e-1f), r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 p23 = _mm256_fmadd_ps(_mm256_set1_ps(8.3334519073e-3f), r, _mm256_set1_ps(4.1665795894e-2f));
    __m256 p45 = _mm256_fmadd_ps(_mm256_set1_ps(1.9875691500e-4f), r, _mm256_set1_ps(1.3981999507e-3f));
    __m256 r4 = _mm256_mul_ps(r2, r2);
    __m256 p = _mm256_fmadd_ps(p23, r2, p01);
    p = _mm256_fmadd_ps(p45, r4, p);
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(y, scale);
}

/// Mask of lanes `sfk_exp8_core` does not cover (below -87.3, above 88.0, NaN): movemask ≠ 0 means some.
static SFK_INLINE int sfk_exp8_outside(__m256 x) {
    __m256 inside = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_GE_OQ),
                                  _mm256_cmp_ps(x, _mm256_set1_ps(88.0f), _CMP_LE_OQ));
    return (~_mm256_movemask_ps(inside)) & 0xFF;
}

/// e^x where lanes below -87.3 give 0, NaN stays NaN, and lanes above 88 are left to the caller; for
/// softmax rows, whose arguments are ≤ 0 after the max shift, the flushed lanes are exactly what we
/// want (their true values are < 1.2e-38, below anything a sum of ≥ 1 can see).
static SFK_INLINE __m256 sfk_exp8_flush(__m256 x) {
    __m256 y = sfk_exp8_core(x);
    return _mm256_andnot_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ), y);
}

/// tanh: Cephes' odd minimax polynomial for |x| < 0.625, 1 − 2/(e^{2|x|} + 1) beyond (sign restored),
/// exactly ±1 from 9.02 on. NaN lanes are the caller's (the result lane is unspecified).
static SFK_INLINE __m256 sfk_tanh8(__m256 x) {
    __m256 ax = sfk_abs8(x);
    __m256 z = _mm256_mul_ps(x, x);
    __m256 s = _mm256_set1_ps(-5.70498872745e-3f);
    s = _mm256_fmadd_ps(s, z, _mm256_set1_ps(2.06390887954e-2f));
    s = _mm256_fmadd_ps(s, z, _mm256_set1_ps(-5.37397155531e-2f));
    s = _mm256_fmadd_ps(s, z, _mm256_set1_ps(1.33314422036e-1f));
    s = _mm256_fmadd_ps(s, z, _mm256_set1_ps(-3.33332819422e-1f));
    s = _mm256_fmadd_ps(_mm256_mul_ps(s, z), x, x);
    __m256 bounded = _mm256_min_ps(ax, _mm256_set1_ps(10.0f));
    __m256 e = sfk_exp8_core(_mm256_add_ps(bounded, bounded));
    __m256 large = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                                 _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    large = _mm256_blendv_ps(large, _mm256_set1_ps(1.0f), _mm256_cmp_ps(ax, _mm256_set1_ps(9.02f), _CMP_GE_OQ));
    large = _mm256_or_ps(large, _mm256_and_ps(x, _mm256_set1_ps(-0.0f)));  // copy the sign of x
    return _mm256_blendv_ps(large, s, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

/// Lanes that are not finite (NaN, ±inf): the callers' libm fallback.
static SFK_INLINE int sfk_nonfinite8(__m256 x) {
    __m256 finite = _mm256_cmp_ps(sfk_abs8(x), _mm256_set1_ps(3.40282347e38f), _CMP_LE_OQ);
    return (~_mm256_movemask_ps(finite)) & 0xFF;
}

/// erfc(z) for 0 ≤ z ≤ 10 with relative error about 1.2e-7 (Numerical Recipes' Chebyshev fit `erfcc`):
/// t = 1/(1 + z/2), erfc = t·exp(−z² + P(t)), with z² given exactly as hi + lo by the caller: an error of
/// one rounding in z² (≈ 1e-6 absolute at z² ≈ 12) would become the same *relative* error of the result.
/// The relative bound is what keeps 0.5·x·erfc(|x|/√2) — GELU's negative tail — accurate.
static SFK_INLINE __m256 sfk_erfc8_nonnegative(__m256 z, __m256 hi, __m256 lo) {
    // A true division: rcp + one Newton step measured no faster here and costs 2^-22 of accuracy.
    __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(z, _mm256_set1_ps(0.5f), _mm256_set1_ps(1.0f)));
    // P(t) by Estrin's scheme (depth 4 instead of Horner's 9): the chain's latency, not the FMA count, is
    // what limits this kernel (one vector's work nearly fills the out-of-order window).
    __m256 t2 = _mm256_mul_ps(t, t), t4 = _mm256_mul_ps(t2, t2), t8 = _mm256_mul_ps(t4, t4);
    __m256 p01 = _mm256_fmadd_ps(_mm256_set1_ps(1.00002368f), t, _mm256_set1_ps(-1.26551223f));
    __m256 p23 = _mm256_fmadd_ps(_mm256_set1_ps(0.09678418f), t, _mm256_set1_ps(0.37409196f));
    __m256 p45 = _mm256_fmadd_ps(_mm256_set1_ps(0.27886807f), t, _mm256_set1_ps(-0.18628806f));
    __m256 p67 = _mm256_fmadd_ps(_mm256_set1_ps(1.48851587f), t, _mm256_set1_ps(-1.13520398f));
    __m256 p89 = _mm256_fmadd_ps(_mm256_set1_ps(0.17087277f), t, _mm256_set1_ps(-0.82215223f));
    __m256 p03 = _mm256_fmadd_ps(p23, t2, p01), p47 = _mm256_fmadd_ps(p67, t2, p45);
    __m256 p07 = _mm256_fmadd_ps(p47, t4, p03);
    __m256 p = _mm256_fmadd_ps(p89, t8, p07);
    __m256 small = _mm256_sub_ps(p, lo);
    __m256 y = sfk_exp8_core2(_mm256_sub_ps(_mm256_setzero_ps(), hi), small);
    __m256 underflow = _mm256_cmp_ps(_mm256_sub_ps(small, hi), _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
    return _mm256_mul_ps(t, _mm256_andnot_ps(underflow, y));
}

/// GELU, erf form: 0.5·x·(2 − erfc(|x|/√2)) for x ≥ 0, 0.5·x·erfc(|x|/√2) for x < 0. Non-finite lanes are
/// the caller's.
static SFK_INLINE __m256 sfk_gelu_erf8(__m256 x) {
    // u = |x|/√2 ≤ 10 (erfc(10) ≈ 2e-45: zero in float); u² = x²/2 exactly as hi + lo from x itself, so
    // the rounding of u does not reach the exponent.
    __m256 ax = _mm256_min_ps(sfk_abs8(x), _mm256_set1_ps(14.142135f));
    __m256 u = _mm256_mul_ps(ax, _mm256_set1_ps(0.70710678118654752f));
    __m256 square = _mm256_mul_ps(ax, ax);
    __m256 hi = _mm256_mul_ps(square, _mm256_set1_ps(0.5f));
    __m256 lo = _mm256_mul_ps(_mm256_fmsub_ps(ax, ax, square), _mm256_set1_ps(0.5f));
    __m256 e = sfk_erfc8_nonnegative(u, hi, lo);
    __m256 positive = _mm256_sub_ps(_mm256_set1_ps(2.0f), e);
    __m256 factor = _mm256_blendv_ps(positive, e, x);  // sign bit of x selects erfc
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), factor);
}

/// GELU, tanh form, as `F.gelu(approximate="tanh")`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
static SFK_INLINE __m256 sfk_gelu_tanh8(__m256 x) {
    __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
    __m256 inner = _mm256_mul_ps(_mm256_set1_ps(0.7978845608028654f), _mm256_fmadd_ps(x3, _mm256_set1_ps(0.044715f), x));
    __m256 half = _mm256_mul_ps(_mm256_set1_ps(0.5f), x);
    return _mm256_fmadd_ps(half, sfk_tanh8(inner), half);
}

/// 1/(1 + e^{−x}); e^{−x} is evaluated with the range fallback folded in: −x > 88 gives e = inf → 0,
/// −x < −87.3 gives e = 0 → 1. NaN lanes are the caller's.
static SFK_INLINE __m256 sfk_sigmoid8(__m256 x) {
    __m256 nx = _mm256_sub_ps(_mm256_setzero_ps(), x);
    __m256 e = sfk_exp8_flush(nx);
    e = _mm256_blendv_ps(e, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(nx, _mm256_set1_ps(88.0f), _CMP_GT_OQ));
    return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

#pragma clang attribute pop

#endif  // __x86_64__
#endif
