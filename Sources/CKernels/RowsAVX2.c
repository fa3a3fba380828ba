// Row kernels for AVX2 + FMA: the pieces of softmax, attention and layer_norm (see include/CKernels.h).
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include "VectorMathAVX2.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

static SFK_INLINE float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static SFK_INLINE float horizontal_max(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

float sfk_row_max_avx2(const float *x, ptrdiff_t n) {
    ptrdiff_t i = 0;
    float m = -INFINITY;
    if (n >= 8) {
        // max_ps(new, acc) returns acc when `new` is NaN, so NaN lanes are skipped like the scalar `>` scan.
        __m256 a0 = _mm256_set1_ps(-INFINITY), a1 = a0;
        for (; i + 16 <= n; i += 16) {
            a0 = _mm256_max_ps(_mm256_loadu_ps(x + i), a0);
            a1 = _mm256_max_ps(_mm256_loadu_ps(x + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8) a0 = _mm256_max_ps(_mm256_loadu_ps(x + i), a0);
        m = horizontal_max(_mm256_max_ps(a0, a1));
    }
    for (; i < n; i++)
        if (x[i] > m) m = x[i];
    return m;
}

float sfk_exp_shifted_sum_avx2(const float *x, float shift, float *out, ptrdiff_t n) {
    const __m256 s = _mm256_set1_ps(shift);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 e0 = sfk_exp8_flush(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        __m256 e1 = sfk_exp8_flush(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), s));
        if (out) {
            _mm256_storeu_ps(out + i, e0);
            _mm256_storeu_ps(out + i + 8, e1);
        }
        acc0 = _mm256_add_ps(acc0, e0);
        acc1 = _mm256_add_ps(acc1, e1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 e = sfk_exp8_flush(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        if (out) _mm256_storeu_ps(out + i, e);
        acc0 = _mm256_add_ps(acc0, e);
    }
    if (i < n) {
        // Masked tail: lanes past the end load as −inf, whose exp is 0.
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lane);
        __m256 v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(x + i, mask), _mm256_castsi256_ps(mask));
        __m256 e = sfk_exp8_flush(_mm256_sub_ps(v, s));
        if (out) _mm256_maskstore_ps(out + i, mask, e);
        acc0 = _mm256_add_ps(acc0, e);
    }
    return horizontal_sum(_mm256_add_ps(acc0, acc1));
}

void sfk_scale_avx2(float *x, float factor, ptrdiff_t n) {
    const __m256 f = _mm256_set1_ps(factor);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), f));
    for (; i < n; i++) x[i] *= factor;
}

void sfk_affine_normalize_avx2(const float *x, float *out, ptrdiff_t n, float mean, float invStd,
                               const float *w, const float *b) {
    // The same operation order as the portable kernel ((x − mean)·invStd, then ·w, then +b; no FMA), so
    // both give identical results.
    const __m256 m = _mm256_set1_ps(mean), is = _mm256_set1_ps(invStd);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 y = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), m), is);
        if (w) y = _mm256_mul_ps(y, _mm256_loadu_ps(w + i));
        if (b) y = _mm256_add_ps(y, _mm256_loadu_ps(b + i));
        _mm256_storeu_ps(out + i, y);
    }
    for (; i < n; i++) {
        float y = (x[i] - mean) * invStd;
        if (w) y *= w[i];
        if (b) y += b[i];
        out[i] = y;
    }
}


double sfk_row_sum_avx2(const float *x, ptrdiff_t n) {
    // Float lanes flushed into a double every 1024 elements: the same accuracy contract as the portable
    // kernel (float partial sums over short spans, double across them), at full AVX2 width.
    double total = 0;
    ptrdiff_t i = 0;
    while (i + 16 <= n) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        ptrdiff_t end = i + 1024 < n ? i + 1024 : n;
        for (; i + 16 <= end; i += 16) {
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
        }
        total += (double)horizontal_sum(_mm256_add_ps(a0, a1));
    }
    for (; i < n; i++) total += (double)x[i];
    return total;
}

double sfk_row_squared_deviations_avx2(const float *x, ptrdiff_t n, float mean) {
    const __m256 m = _mm256_set1_ps(mean);
    double total = 0;
    ptrdiff_t i = 0;
    while (i + 16 <= n) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        ptrdiff_t end = i + 1024 < n ? i + 1024 : n;
        for (; i + 16 <= end; i += 16) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), m);
            __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), m);
            a0 = _mm256_fmadd_ps(d0, d0, a0);
            a1 = _mm256_fmadd_ps(d1, d1, a1);
        }
        total += (double)horizontal_sum(_mm256_add_ps(a0, a1));
    }
    for (; i < n; i++) {
        float d = x[i] - mean;
        total += (double)(d * d);
    }
    return total;
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

float sfk_row_max_avx2(const float *x, ptrdiff_t n) { (void)x; (void)n; return 0; }
float sfk_exp_shifted_sum_avx2(const float *x, float shift, float *out, ptrdiff_t n) {
    (void)x; (void)shift; (void)out; (void)n; return 0;
}
void sfk_scale_avx2(float *x, float factor, ptrdiff_t n) { (void)x; (void)factor; (void)n; }
double sfk_row_sum_avx2(const float *x, ptrdiff_t n) { (void)x; (void)n; return 0; }
double sfk_row_squared_deviations_avx2(const float *x, ptrdiff_t n, float mean) { (void)x; (void)n; (void)mean; return 0; }
void sfk_affine_normalize_avx2(const float *x, float *out, ptrdiff_t n, float mean, float invStd,
                               const float *w, const float *b) {
    (void)x; (void)out; (void)n; (void)mean; (void)invStd; (void)w; (void)b;
}

#endif
