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

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

void sfk_gemv_rows_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t rows,
                        float alpha, float beta) {
    (void)w; (void)ldw; (void)x; (void)k; (void)y; (void)rows; (void)alpha; (void)beta;
}

#endif
