// A small-matrix product for AVX2 + FMA, for attention's per-head blocks (see include/CKernels.h).
// No packing: A's rows are read in place (one broadcast per element), B's rows are contiguous vectors.
// At attention sizes (128×128×64) packing is a large share of a BLAS call; this kernel skips it.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "VectorMathAVX2.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

/// ROWS×16 tile of C: C[r, 0..<16] = alpha · Σ_p A[r, p] · B[p, 0..<16].
#define SMALL_GEMM_TILE(ROWS)                                                                         \
    static SFK_INLINE void tile_##ROWS##x16(ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,  \
                                            const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) { \
        __m256 acc[ROWS][2];                                                                          \
        for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();                  \
        for (ptrdiff_t p = 0; p < k; p++) {                                                           \
            __m256 b0 = _mm256_loadu_ps(b + p * ldb), b1 = _mm256_loadu_ps(b + p * ldb + 8);          \
            for (int r = 0; r < ROWS; r++) {                                                          \
                __m256 av = _mm256_broadcast_ss(a + r * lda + p);                                     \
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);                                       \
                acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);                                       \
            }                                                                                         \
        }                                                                                             \
        const __m256 s = _mm256_set1_ps(alpha);                                                       \
        for (int r = 0; r < ROWS; r++) {                                                              \
            _mm256_storeu_ps(c + r * ldc, _mm256_mul_ps(acc[r][0], s));                               \
            _mm256_storeu_ps(c + r * ldc + 8, _mm256_mul_ps(acc[r][1], s));                           \
        }                                                                                             \
    }

SMALL_GEMM_TILE(6)
SMALL_GEMM_TILE(1)

/// Columns past the last multiple of 16, one row at a time, scalar: rare (attention widths are
/// multiples of 16 in every model we run) and kept simple.
static void edge_columns(ptrdiff_t m, ptrdiff_t n0, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a,
                         ptrdiff_t lda, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = n0; j < n; j++) {
            float sum = 0;
            for (ptrdiff_t p = 0; p < k; p++) sum = __builtin_fmaf(a[i * lda + p], b[p * ldb + j], sum);
            c[i * ldc + j] = alpha * sum;
        }
}

void sfk_sgemm_nn_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
                       const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    ptrdiff_t n16 = n - n % 16;
    for (ptrdiff_t j = 0; j < n16; j += 16) {
        ptrdiff_t i = 0;
        for (; i + 6 <= m; i += 6) tile_6x16(k, alpha, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc);
        for (; i < m; i++) tile_1x16(k, alpha, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc);
    }
    if (n16 < n) edge_columns(m, n16, n, k, alpha, a, lda, b, ldb, c, ldc);
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

void sfk_sgemm_nn_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
                       const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc;
}
#endif
