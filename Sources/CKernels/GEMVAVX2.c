// Matrix-vector product for AVX2 + FMA (see include/CKernels.h). It is memory-bound: the whole
// matrix streams through once, so the loops keep several independent rows in flight and let the
// hardware prefetcher see long sequential streams.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "VectorMathAVX2.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

static SFK_INLINE float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static SFK_INLINE void store_result(float *y, float dot, float alpha, float beta) {
    *y = beta == 0.0f ? alpha * dot : alpha * dot + beta * *y;
}

/// Dot products of `ROWS` consecutive rows with x; each row has two accumulators so the FMA latency
/// is hidden while the loads stream.
#define GEMV_ROW_BLOCK(ROWS)                                                                   \
    static void gemv_block_##ROWS(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, \
                                  float *y, float alpha, float beta) {                        \
        __m256 acc[ROWS][2];                                                                   \
        for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();           \
        ptrdiff_t j = 0;                                                                       \
        for (; j + 16 <= k; j += 16) {                                                         \
            __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);               \
            for (int r = 0; r < ROWS; r++) {                                                   \
                acc[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * ldw + j), x0, acc[r][0]);  \
                acc[r][1] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * ldw + j + 8), x1, acc[r][1]); \
            }                                                                                  \
        }                                                                                      \
        for (; j + 8 <= k; j += 8) {                                                           \
            __m256 x0 = _mm256_loadu_ps(x + j);                                                \
            for (int r = 0; r < ROWS; r++)                                                     \
                acc[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * ldw + j), x0, acc[r][0]);  \
        }                                                                                      \
        for (int r = 0; r < ROWS; r++) {                                                       \
            float dot = horizontal_sum(_mm256_add_ps(acc[r][0], acc[r][1]));                   \
            for (ptrdiff_t t = j; t < k; t++) dot += w[r * ldw + t] * x[t];                    \
            store_result(y + r, dot, alpha, beta);                                             \
        }                                                                                      \
    }

GEMV_ROW_BLOCK(4)
GEMV_ROW_BLOCK(1)

void sfk_gemv_rows_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t rows,
                        float alpha, float beta) {
    ptrdiff_t r = 0;
    for (; r + 4 <= rows; r += 4) gemv_block_4(w + r * ldw, ldw, x, k, y + r, alpha, beta);
    for (; r < rows; r++) gemv_block_1(w + r * ldw, ldw, x, k, y + r, alpha, beta);
}


/// y[0..n) += Σ_r x[r] · w[r·ldw + 0..n) over four rows at a time: four sequential weight streams and one
/// pass of y (which stays in L1) per four rows, the axpy form of x·W for a row-major W [k, n].
static void gemv_columns_range(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t n) {
    ptrdiff_t r = 0;
    for (; r + 4 <= k; r += 4) {
        const float *w0 = w + r * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m256 x0 = _mm256_set1_ps(x[r]), x1 = _mm256_set1_ps(x[r + 1]);
        __m256 x2 = _mm256_set1_ps(x[r + 2]), x3 = _mm256_set1_ps(x[r + 3]);
        ptrdiff_t j = 0;
        for (; j + 8 <= n; j += 8) {
            __m256 a = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + j), x0, _mm256_loadu_ps(y + j));
            __m256 b = _mm256_mul_ps(_mm256_loadu_ps(w1 + j), x1);
            a = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + j), x2, a);
            b = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + j), x3, b);
            _mm256_storeu_ps(y + j, _mm256_add_ps(a, b));
        }
        for (; j < n; j++) y[j] += x[r] * w0[j] + x[r + 1] * w1[j] + x[r + 2] * w2[j] + x[r + 3] * w3[j];
    }
    for (; r < k; r++) {
        const float *w0 = w + r * ldw;
        __m256 x0 = _mm256_set1_ps(x[r]);
        ptrdiff_t j = 0;
        for (; j + 8 <= n; j += 8) _mm256_storeu_ps(y + j, _mm256_fmadd_ps(_mm256_loadu_ps(w0 + j), x0, _mm256_loadu_ps(y + j)));
        for (; j < n; j++) y[j] += x[r] * w0[j];
    }
}

void sfk_gemv_columns_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t n,
                           float alpha, float beta) {
    // Column blocks of 4096 (16 KiB) keep the block of y in L1 while the four row streams pass over it; GPT-2's
    // widest projection (3072) is one block, so every weight row streams in one piece.
    float block[4096];
    for (ptrdiff_t j0 = 0; j0 < n; j0 += 4096) {
        ptrdiff_t width = n - j0 < 4096 ? n - j0 : 4096;
        for (ptrdiff_t j = 0; j < width; j++) block[j] = 0.0f;
        gemv_columns_range(w + j0, ldw, x, k, block, width);
        for (ptrdiff_t j = 0; j < width; j++) store_result(y + j0 + j, block[j], alpha, beta);
    }
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

void sfk_gemv_rows_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t rows,
                        float alpha, float beta) {
    (void)w; (void)ldw; (void)x; (void)k; (void)y; (void)rows; (void)alpha; (void)beta;
}

void sfk_gemv_columns_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t n,
                           float alpha, float beta) {
    (void)w; (void)ldw; (void)x; (void)k; (void)y; (void)n; (void)alpha; (void)beta;
}

#endif
