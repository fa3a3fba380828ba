// Elementwise float32 kernels for AVX2 + FMA (see include/CKernels.h for the contract).
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <string.h>
#include "VectorMathAVX2.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

// MARK: - Binary

static SFK_INLINE __m256 apply_binary(sfk_binary_op op, __m256 a, __m256 b) {
    switch (op) {
    case SFK_BINARY_ADD: return _mm256_add_ps(a, b);
    case SFK_BINARY_SUB: return _mm256_sub_ps(a, b);
    case SFK_BINARY_MUL: return _mm256_mul_ps(a, b);
    default: return _mm256_div_ps(a, b);
    }
}

static SFK_INLINE float apply_binary_scalar(sfk_binary_op op, float a, float b) {
    switch (op) {
    case SFK_BINARY_ADD: return a + b;
    case SFK_BINARY_SUB: return a - b;
    case SFK_BINARY_MUL: return a * b;
    default: return a / b;
    }
}

/// The loop for one op and one stride pattern; `op`, `sa` and `sb` are compile-time constants at each
/// call site below, so each instance is a plain two-loads-one-op-one-store loop, unrolled by four vectors.
static SFK_INLINE void binary_loop(sfk_binary_op op, const float *a, ptrdiff_t sa, const float *b, ptrdiff_t sb,
                               float *out, ptrdiff_t n) {
    ptrdiff_t i = 0;
    const __m256 a0 = _mm256_set1_ps(a[0]), b0 = _mm256_set1_ps(b[0]);
    for (; i + 32 <= n; i += 32) {
        for (int u = 0; u < 32; u += 8) {
            __m256 x = sa ? _mm256_loadu_ps(a + i + u) : a0;
            __m256 y = sb ? _mm256_loadu_ps(b + i + u) : b0;
            _mm256_storeu_ps(out + i + u, apply_binary(op, x, y));
        }
    }
    for (; i + 8 <= n; i += 8) {
        __m256 x = sa ? _mm256_loadu_ps(a + i) : a0;
        __m256 y = sb ? _mm256_loadu_ps(b + i) : b0;
        _mm256_storeu_ps(out + i, apply_binary(op, x, y));
    }
    for (; i < n; i++) out[i] = apply_binary_scalar(op, a[i * sa], b[i * sb]);
}

#define BINARY_CASES(OP)                                                          \
    if (sa == 1 && sb == 1) binary_loop(OP, a, 1, b, 1, out, n);                  \
    else if (sa == 1) binary_loop(OP, a, 1, b, 0, out, n);                        \
    else if (sb == 1) binary_loop(OP, a, 0, b, 1, out, n);                        \
    else binary_loop(OP, a, 0, b, 0, out, n);

void sfk_binary_f32_avx2(sfk_binary_op op, const float *a, ptrdiff_t sa, const float *b, ptrdiff_t sb,
                         float *out, ptrdiff_t n) {
    if (n <= 0) return;
    switch (op) {
    case SFK_BINARY_ADD: BINARY_CASES(SFK_BINARY_ADD); break;
    case SFK_BINARY_SUB: BINARY_CASES(SFK_BINARY_SUB); break;
    case SFK_BINARY_MUL: BINARY_CASES(SFK_BINARY_MUL); break;
    case SFK_BINARY_DIV: BINARY_CASES(SFK_BINARY_DIV); break;
    }
}

// MARK: - Unary

static float sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

static float gelu_erf_scalar(float x) { return (float)(0.5 * (double)x * (1.0 + erf((double)x * 0.70710678118654752))); }

static float gelu_tanh_scalar(float x) {
    float inner = 0.7978845608028654f * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + tanhf(inner));
}

/// The libm definition of each op, for lanes the vector code leaves to libm and for tails.
static float unary_scalar(sfk_unary_op op, float x) {
    switch (op) {
    case SFK_UNARY_EXP: return expf(x);
    case SFK_UNARY_TANH: return tanhf(x);
    case SFK_UNARY_SIGMOID: return sigmoid_scalar(x);
    case SFK_UNARY_SILU: return x * sigmoid_scalar(x);
    case SFK_UNARY_GELU_ERF: return gelu_erf_scalar(x);
    case SFK_UNARY_QUICK_GELU: return x * sigmoid_scalar(1.702f * x);
    default: return gelu_tanh_scalar(x);
    }
}

/// Eight lanes of `op`; `*fallback` gets the mask of lanes that must be recomputed with libm.
static SFK_INLINE __m256 unary8(sfk_unary_op op, __m256 x, int *fallback) {
    switch (op) {
    case SFK_UNARY_EXP:
        *fallback = sfk_exp8_outside(x);
        return sfk_exp8_core(x);
    case SFK_UNARY_TANH:
        *fallback = sfk_nonfinite8(x);
        return sfk_tanh8(x);
    case SFK_UNARY_SIGMOID:
        *fallback = sfk_nonfinite8(x);
        return sfk_sigmoid8(x);
    case SFK_UNARY_SILU:
        *fallback = sfk_nonfinite8(x);
        return _mm256_mul_ps(x, sfk_sigmoid8(x));
    case SFK_UNARY_GELU_ERF:
        *fallback = sfk_nonfinite8(x);
        return sfk_gelu_erf8(x);
    case SFK_UNARY_QUICK_GELU: {
        __m256 scaled = _mm256_mul_ps(x, _mm256_set1_ps(1.702f));
        *fallback = sfk_nonfinite8(scaled);
        return _mm256_mul_ps(x, sfk_sigmoid8(scaled));
    }
    default:
        *fallback = sfk_nonfinite8(x);
        return sfk_gelu_tanh8(x);
    }
}

/// Lanes of `lanes` flagged in `fallback`, recomputed with libm into out[0..<8].
static void unary_fix_lanes(sfk_unary_op op, __m256 v, int fallback, float *out) {
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    for (int lane = 0; lane < 8; lane++)
        if (fallback & (1 << lane)) out[lane] = unary_scalar(op, lanes[lane]);
}

static SFK_INLINE void unary_loop(sfk_unary_op op, const float *x, float *out, ptrdiff_t n) {
    ptrdiff_t i = 0;
    // Two independent vectors per step: the transcendental chains are long (division, exp), and
    // interleaving two of them keeps the FMA units busy where one chain would wait on latency.
    for (; i + 16 <= n; i += 16) {
        __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
        int f0 = 0, f1 = 0;
        __m256 y0 = unary8(op, v0, &f0), y1 = unary8(op, v1, &f1);
        _mm256_storeu_ps(out + i, y0);
        _mm256_storeu_ps(out + i + 8, y1);
        if (__builtin_expect((f0 | f1) != 0, 0)) {
            if (f0) unary_fix_lanes(op, v0, f0, out + i);
            if (f1) unary_fix_lanes(op, v1, f1, out + i + 8);
        }
    }
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        int fallback = 0;
        __m256 y = unary8(op, v, &fallback);
        _mm256_storeu_ps(out + i, y);
        if (__builtin_expect(fallback != 0, 0)) unary_fix_lanes(op, v, fallback, out + i);
    }
    if (i < n) {
        // Tail: run the vector code on a zero-padded copy, so the tail gets the same approximation.
        float lanes[8] = {0}, result[8];
        memcpy(lanes, x + i, (size_t)(n - i) * sizeof(float));
        int fallback = 0;
        _mm256_storeu_ps(result, unary8(op, _mm256_loadu_ps(lanes), &fallback));
        for (ptrdiff_t lane = 0; lane < n - i; lane++)
            out[i + lane] = (fallback & (1 << lane)) ? unary_scalar(op, lanes[lane]) : result[lane];
    }
}

void sfk_unary_f32_avx2(sfk_unary_op op, const float *x, float *out, ptrdiff_t n) {
    if (n <= 0) return;
    switch (op) {
    case SFK_UNARY_EXP: unary_loop(SFK_UNARY_EXP, x, out, n); break;
    case SFK_UNARY_TANH: unary_loop(SFK_UNARY_TANH, x, out, n); break;
    case SFK_UNARY_SIGMOID: unary_loop(SFK_UNARY_SIGMOID, x, out, n); break;
    case SFK_UNARY_SILU: unary_loop(SFK_UNARY_SILU, x, out, n); break;
    case SFK_UNARY_GELU_ERF: unary_loop(SFK_UNARY_GELU_ERF, x, out, n); break;
    case SFK_UNARY_GELU_TANH: unary_loop(SFK_UNARY_GELU_TANH, x, out, n); break;
    case SFK_UNARY_QUICK_GELU: unary_loop(SFK_UNARY_QUICK_GELU, x, out, n); break;
    }
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

void sfk_binary_f32_avx2(sfk_binary_op op, const float *a, ptrdiff_t sa, const float *b, ptrdiff_t sb,
                         float *out, ptrdiff_t n) {
    (void)op; (void)a; (void)sa; (void)b; (void)sb; (void)out; (void)n;
}
void sfk_unary_f32_avx2(sfk_unary_op op, const float *x, float *out, ptrdiff_t n) {
    (void)op; (void)x; (void)out; (void)n;
}

#endif
