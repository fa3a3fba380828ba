// Our own single-precision GEMM for AVX2 + FMA (see include/CKernels.h): Goto/BLIS-style packing and
// a 6×16 register-blocked micro-kernel. One call is single-threaded; the caller (GEMM.swift) splits
// large products over its thread pool into column or row ranges, so threads never wait on each other
// inside a product (each packs only its own range of B, or of A).
//
// Loop structure (BLIS's names): for each NC-wide column block of B, for each KC-deep slice of k,
// pack that kc×nc block of B into 16-column panels (reused by every row of C: lives in L2/L3); then
// for each MC-tall row block of A, pack it into 6-row panels (lives in L2) and run the micro-kernel
// over all 6×16 tiles, one 16-column panel of B (kc × 16 floats, 24 KiB at kc = 384: L1) at a time.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "VectorMathAVX2.h"
#include "PackedGEMMDriver.h"


/// Cache blocking for AMD Zen 3 (32 KiB L1d, 512 KiB L2 per core); see docs/GEMM.md.
/// KC: a 16-column panel of B (kc × 16 floats = 24 KiB) stays in L1 while the row panels stream past.
/// MC: a packed block of A (mc × kc = 144 KiB) stays in L2. NC: packed B (kc × nc = 3 MiB) in L3.
/// Session 5, 2 threads, interleaved runs (C harness): kc/mc 384/96 gave +3–4% over 256/144 at 512³, 1024³
/// and 2048³ (best of 4: 187 vs 180 GFLOP/s at 2048³), 512/72 +2%; fewer k slices means fewer passes
/// over C and fewer tile start-ups.
enum { MC = 96, NC = 2048 };  // KC: PackedGEMMDriver.h
/// How far ahead (in floats, 16 k-steps of a 6-row panel) the micro-kernel prefetches A.
enum { PREFETCH_A = 96 };
/// Limits for reading A in place (see reads_a_in_place).
enum { UNPACKED_A_FLOATS = 64 * 1024, UNPACKED_A_COLUMNS = 512 };

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

// MARK: - Workspace

/// Per-thread packing buffers, grown on demand and kept for the thread's life (freed when it exits):
/// a product must not pay for allocation (glibc serves large blocks with mmap, i.e. fresh page faults
/// on every call).
typedef struct {
    float *a, *b;
    size_t a_capacity, b_capacity;  // floats
} workspace;

static pthread_key_t workspace_key;
static pthread_once_t workspace_once = PTHREAD_ONCE_INIT;

static void workspace_free(void *p) {
    workspace *space = p;
    free(space->a);
    free(space->b);
    free(space);
}

static void workspace_make_key(void) { (void)pthread_key_create(&workspace_key, workspace_free); }

static int reserve(float **buffer, size_t *capacity, size_t floats) {
    if (*capacity >= floats) return 0;
    free(*buffer);
    *buffer = NULL;
    *capacity = 0;
    void *p = NULL;
    if (posix_memalign(&p, 64, floats * sizeof(float)) != 0) return -1;
    *buffer = p;
    *capacity = floats;
    return 0;
}

/// This thread's workspace with room for `a_floats` and `b_floats`, or NULL when out of memory.
static workspace *workspace_reserve(size_t a_floats, size_t b_floats) {
    (void)pthread_once(&workspace_once, workspace_make_key);
    workspace *space = pthread_getspecific(workspace_key);
    if (space == NULL) {
        space = calloc(1, sizeof(workspace));
        if (space == NULL || pthread_setspecific(workspace_key, space) != 0) {
            free(space);
            return NULL;
        }
    }
    if (reserve(&space->a, &space->a_capacity, a_floats) != 0) return NULL;
    if (reserve(&space->b, &space->b_capacity, b_floats) != 0) return NULL;
    return space;
}

// MARK: - Packing

/// 8×8 transpose in registers: r[i] holds row i on entry, column i on exit.
static SFK_INLINE void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// Packs rows [0, m) × columns [0, k) of A (element (i, p) at a[i·rs + p·cs]) into ⌈m/6⌉ panels of
/// k × 6 floats (row p of a panel = the panel's six A values of column p), zero-padding the last panel.
static void pack_a(ptrdiff_t m, ptrdiff_t k, const float *a, ptrdiff_t rs, ptrdiff_t cs, float *out) {
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MR, out += k * MR) {
        ptrdiff_t rows = m - i0 < MR ? m - i0 : MR;
        const float *panel = a + i0 * rs;
        if (rows == MR && cs == 1) {
            // Row-major A: read 8 columns of the six rows, transpose, write 8 groups of 6.
            ptrdiff_t p = 0;
            for (; p + 8 <= k; p += 8) {
                __m256 r[8];
                for (int i = 0; i < MR; i++) r[i] = _mm256_loadu_ps(panel + i * rs + p);
                r[6] = r[7] = _mm256_setzero_ps();
                transpose8(r);
                float *dst = out + p * MR;
                // Overlapping 8-wide stores, in order: each writes its 6 values and 2 that the next
                // one overwrites; the last writes exactly 6.
                for (int q = 0; q < 7; q++) _mm256_storeu_ps(dst + q * MR, r[q]);
                _mm_storeu_ps(dst + 7 * MR, _mm256_castps256_ps128(r[7]));
                _mm_storel_pi((__m64 *)(dst + 7 * MR + 4), _mm256_extractf128_ps(r[7], 1));
            }
            for (; p < k; p++)
                for (int i = 0; i < MR; i++) out[p * MR + i] = panel[i * rs + p];
        } else if (rows == MR && rs == 1) {
            // Column-major (transposed) A: each column's six values are contiguous.
            for (ptrdiff_t p = 0; p < k; p++) {
                const float *src = panel + p * cs;
                _mm_storeu_ps(out + p * MR, _mm_loadu_ps(src));
                out[p * MR + 4] = src[4];
                out[p * MR + 5] = src[5];
            }
        } else {
            for (ptrdiff_t p = 0; p < k; p++)
                for (int i = 0; i < MR; i++) out[p * MR + i] = i < rows ? panel[i * rs + p * cs] : 0.0f;
        }
    }
}

/// Packs rows [0, k) × columns [0, n) of B (element (p, j) at b[p·rs + j·cs]) into ⌈n/16⌉ panels of
/// k × 16 floats, zero-padding the last panel.
static void pack_b(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t rs, ptrdiff_t cs, float *out) {
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR, out += k * NR) {
        ptrdiff_t cols = n - j0 < NR ? n - j0 : NR;
        const float *panel = b + j0 * cs;
        if (cols == NR && cs == 1) {
            for (ptrdiff_t p = 0; p < k; p++) {
                _mm256_store_ps(out + p * NR, _mm256_loadu_ps(panel + p * rs));
                _mm256_store_ps(out + p * NR + 8, _mm256_loadu_ps(panel + p * rs + 8));
            }
        } else if (cols == NR && rs == 1) {
            // B stored transposed ([n, k], e.g. a linear layer's weight): 8×8 transposes.
            ptrdiff_t p = 0;
            for (; p + 8 <= k; p += 8) {
                for (int half = 0; half < 2; half++) {
                    __m256 r[8];
                    for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(panel + (half * 8 + j) * cs + p);
                    transpose8(r);
                    for (int q = 0; q < 8; q++) _mm256_store_ps(out + (p + q) * NR + half * 8, r[q]);
                }
            }
            for (; p < k; p++)
                for (int j = 0; j < NR; j++) out[p * NR + j] = panel[j * cs + p];
        } else {
            for (ptrdiff_t p = 0; p < k; p++)
                for (int j = 0; j < NR; j++) out[p * NR + j] = j < cols ? panel[p * rs + j * cs] : 0.0f;
        }
    }
}

// MARK: - Micro-kernel

/// acc (6×16) = Σ_p a[i·ars + p·aps] · b[p·16 + j] over a B panel, then C = alpha · acc + beta · C
/// (beta == 0: C is not read). A is a packed panel (ars = 1, aps = 6: the call sites pass constants, so
/// this inlines to the packed kernel) or six rows of a row-major A read in place (ars = lda, aps = 1).
/// When the 6×16 tile does not lie wholly inside C (rows × cols smaller), it goes through a local buffer
/// and only rows × cols are written.
static SFK_INLINE void micro_kernel(ptrdiff_t k, const float *restrict a, ptrdiff_t ars, ptrdiff_t aps,
                                    const float *restrict b, float alpha, float beta, float *c, ptrdiff_t ldc,
                                    ptrdiff_t rows, ptrdiff_t cols) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#define SFK_GEMM_STEP(P)                                                  \
    do {                                                                  \
        __m256 b0 = _mm256_load_ps(b + (P) * NR);                         \
        __m256 b1 = _mm256_load_ps(b + (P) * NR + 8);                     \
        __m256 av = _mm256_broadcast_ss(a + (P) * aps);                   \
        c00 = _mm256_fmadd_ps(av, b0, c00);                               \
        c01 = _mm256_fmadd_ps(av, b1, c01);                               \
        av = _mm256_broadcast_ss(a + (P) * aps + 1 * ars);              \
        c10 = _mm256_fmadd_ps(av, b0, c10);                               \
        c11 = _mm256_fmadd_ps(av, b1, c11);                               \
        av = _mm256_broadcast_ss(a + (P) * aps + 2 * ars);              \
        c20 = _mm256_fmadd_ps(av, b0, c20);                               \
        c21 = _mm256_fmadd_ps(av, b1, c21);                               \
        av = _mm256_broadcast_ss(a + (P) * aps + 3 * ars);              \
        c30 = _mm256_fmadd_ps(av, b0, c30);                               \
        c31 = _mm256_fmadd_ps(av, b1, c31);                               \
        av = _mm256_broadcast_ss(a + (P) * aps + 4 * ars);              \
        c40 = _mm256_fmadd_ps(av, b0, c40);                               \
        c41 = _mm256_fmadd_ps(av, b1, c41);                               \
        av = _mm256_broadcast_ss(a + (P) * aps + 5 * ars);              \
        c50 = _mm256_fmadd_ps(av, b0, c50);                               \
        c51 = _mm256_fmadd_ps(av, b1, c51);                               \
    } while (0)
    // The C tile is read (beta ≠ 0, or later k blocks) and written after the loop: start fetching it now,
    // so that its misses overlap the arithmetic instead of following it.
    for (int i = 0; i < MR; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
    ptrdiff_t p = 0;
    for (; p + 4 <= k; p += 4) {
        // B's panel stays in L1 across the row panels; a packed A panel streams from L2: fetch it ahead.
        if (aps == MR) {
            _mm_prefetch((const char *)(a + PREFETCH_A), _MM_HINT_T0);
            _mm_prefetch((const char *)(a + PREFETCH_A + 16), _MM_HINT_T0);
        }
        SFK_GEMM_STEP(0);
        SFK_GEMM_STEP(1);
        SFK_GEMM_STEP(2);
        SFK_GEMM_STEP(3);
        a += 4 * aps;
        b += 4 * NR;
    }
    for (; p < k; p++) {
        SFK_GEMM_STEP(0);
        a += aps;
        b += NR;
    }
#undef SFK_GEMM_STEP
    const __m256 s = _mm256_set1_ps(alpha);
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    if (rows == MR && cols == NR) {
        if (beta == 0.0f) {
            for (int i = 0; i < MR; i++) {
                _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(acc[i][0], s));
                _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(acc[i][1], s));
            }
        } else {
            const __m256 t = _mm256_set1_ps(beta);
            for (int i = 0; i < MR; i++) {
                float *row = c + i * ldc;
                _mm256_storeu_ps(row, _mm256_fmadd_ps(acc[i][0], s, _mm256_mul_ps(_mm256_loadu_ps(row), t)));
                _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(acc[i][1], s, _mm256_mul_ps(_mm256_loadu_ps(row + 8), t)));
            }
        }
        return;
    }
    float tile[MR * NR] __attribute__((aligned(32)));
    for (int i = 0; i < MR; i++) {
        _mm256_store_ps(tile + i * NR, _mm256_mul_ps(acc[i][0], s));
        _mm256_store_ps(tile + i * NR + 8, _mm256_mul_ps(acc[i][1], s));
    }
    for (ptrdiff_t i = 0; i < rows; i++)
        for (ptrdiff_t j = 0; j < cols; j++)
            c[i * ldc + j] = beta == 0.0f ? tile[i * NR + j] : tile[i * NR + j] + beta * c[i * ldc + j];
}

// MARK: - Driver

/// C[m, n] (row stride ldc) = alpha · A·B + beta · C for packed blocks: every 6×16 tile. B's 16-column
/// panels start `panel_stride` floats apart (k·16 when packed per block, the full depth's when pre-packed).
static void macro_kernel(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *pa, const float *pb, ptrdiff_t panel_stride,
                         float alpha, float beta, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t j = 0; j < n; j += NR) {
        const float *panel_b = pb + (j / NR) * panel_stride;
        ptrdiff_t cols = n - j < NR ? n - j : NR;
        for (ptrdiff_t i = 0; i < m; i += MR) {
            ptrdiff_t rows = m - i < MR ? m - i : MR;
            micro_kernel(k, pa + (i / MR) * k * MR, 1, MR, panel_b, alpha, beta, c + i * ldc + j, ldc, rows, cols);
        }
    }
}

/// `macro_kernel` for a row-major A block read in place (element (i, p) at a[i·lda + p]): whole 6-row panels
/// go straight to the micro-kernel; a last panel of fewer rows is packed (zero-padded), since reading six rows
/// would run past A.
static void macro_kernel_unpacked_a(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const float *pb,
                                    ptrdiff_t panel_stride, float alpha, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t full = m / MR * MR;
    float tail[MR * KC] __attribute__((aligned(64)));
    if (full < m) pack_a(m - full, k, a + full * lda, lda, 1, tail);
    for (ptrdiff_t j = 0; j < n; j += NR) {
        const float *panel_b = pb + (j / NR) * panel_stride;
        ptrdiff_t cols = n - j < NR ? n - j : NR;
        for (ptrdiff_t i = 0; i < full; i += MR)
            micro_kernel(k, a + i * lda, lda, 1, panel_b, alpha, beta, c + i * ldc + j, ldc, MR, cols);
        if (full < m) micro_kernel(k, tail, 1, MR, panel_b, alpha, beta, c + full * ldc + j, ldc, m - full, cols);
    }
}

static ptrdiff_t round_up(ptrdiff_t value, ptrdiff_t multiple) { return (value + multiple - 1) / multiple * multiple; }

/// The block size that splits `extent` into ⌈extent / limit⌉ near-equal blocks, rounded up to `unit`.
static ptrdiff_t even_block(ptrdiff_t extent, ptrdiff_t limit, ptrdiff_t unit) {
    ptrdiff_t blocks = (extent + limit - 1) / limit;
    if (blocks < 1) blocks = 1;
    return round_up((extent + blocks - 1) / blocks, unit);
}

// MARK: - Epilogue

/// The epilogue on rows × cols of C starting at c (row stride ldc); `residual` already points at the
/// block's first element. Runs right after the block's last k slice, while it is in L2.
static void apply_epilogue(ptrdiff_t rows, ptrdiff_t cols, float *c, ptrdiff_t ldc, const float *bias,
                           const float *residual, ptrdiff_t ldr, int activation) {
    for (ptrdiff_t i = 0; i < rows; i++) {
        float *row = c + i * ldc;
        const float *add = residual ? residual + i * ldr : NULL;
        if (bias || add) {
            ptrdiff_t j = 0;
            for (; j + 8 <= cols; j += 8) {
                __m256 v = _mm256_loadu_ps(row + j);
                if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + j));
                if (add) v = _mm256_add_ps(v, _mm256_loadu_ps(add + j));
                _mm256_storeu_ps(row + j, v);
            }
            for (; j < cols; j++) {
                float v = row[j];
                if (bias) v += bias[j];
                if (add) v += add[j];
                row[j] = v;
            }
        }
        if (activation >= 0) sfk_unary_f32_avx2((sfk_unary_op)activation, row, row, cols);
    }
}

// MARK: - Entry points

/// Whether the micro-kernel reads A in place instead of packing it: A row-major, small enough to stay in L2
/// (m·k ≤ UNPACKED_A_FLOATS) and few column panels to spread the packing over (n ≤ UNPACKED_A_COLUMNS).
/// Packing costs a pass over A per column block, which small products such as attention heads
/// (128×128 · 128×64) do not amortize: in place measured 2–6% faster there (single thread, C harness), and
/// 1–2% slower on large products, whose packed panels stream better. Same summation order, same results.
static int reads_a_in_place(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, ptrdiff_t csa) {
    return csa == 1 && m * k <= UNPACKED_A_FLOATS && n <= UNPACKED_A_COLUMNS;
}

int sfk_packed_gemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                    ptrdiff_t csa, sfk_b_packer pack, const void *context, float beta, float *c, ptrdiff_t ldc,
                    const sfk_gemm_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return 0;
    // Blocks of equal size (rounded to whole tiles) rather than full blocks and a thin remainder: a
    // 6-row remainder block would stream all of packed B from L3 for a sliver of the work.
    ptrdiff_t kc_max = even_block(k, KC, 1), mc_max = even_block(m, MC, MR), nc_max = even_block(n, NC, NR);
    int in_place = reads_a_in_place(m, n, k, csa);
    workspace *space = workspace_reserve(in_place ? 0 : (size_t)(round_up(mc_max, MR) * kc_max),
                                         (size_t)(round_up(nc_max, NR) * kc_max));
    if (space == NULL) return -1;
    float *pa = space->a, *pb = space->b;
    for (ptrdiff_t jc = 0; jc < n; jc += nc_max) {
        ptrdiff_t nc = n - jc < nc_max ? n - jc : nc_max;
        for (ptrdiff_t pc = 0; pc < k; pc += kc_max) {
            ptrdiff_t kc = k - pc < kc_max ? k - pc : kc_max;
            pack(context, pc, kc, jc, nc, pb);
            float block_beta = pc == 0 ? beta : 1.0f;
            int last_slice = pc + kc >= k;
            for (ptrdiff_t ic = 0; ic < m; ic += mc_max) {
                ptrdiff_t mc = m - ic < mc_max ? m - ic : mc_max;
                if (in_place) {
                    macro_kernel_unpacked_a(mc, nc, kc, a + ic * rsa + pc, rsa, pb, kc * NR, alpha, block_beta,
                                            c + ic * ldc + jc, ldc);
                } else {
                    pack_a(mc, kc, a + ic * rsa + pc * csa, rsa, csa, pa);
                    macro_kernel(mc, nc, kc, pa, pb, kc * NR, alpha, block_beta, c + ic * ldc + jc, ldc);
                }
                if (epilogue && last_slice)
                    apply_epilogue(mc, nc, c + ic * ldc + jc, ldc, epilogue->bias ? epilogue->bias + jc : NULL,
                                   epilogue->residual ? epilogue->residual + ic * epilogue->ldr + jc : NULL,
                                   epilogue->ldr, epilogue->activation);
            }
        }
    }
    return 0;
}

/// A strided B matrix, for `pack_strided_b`.
typedef struct {
    const float *b;
    ptrdiff_t rs, cs;
} strided_b;

static void pack_strided_b(const void *context, ptrdiff_t row, ptrdiff_t rows, ptrdiff_t column, ptrdiff_t columns,
                           float *out) {
    const strided_b *matrix = context;
    pack_b(rows, columns, matrix->b + row * matrix->rs + column * matrix->cs, matrix->rs, matrix->cs, out);
}

// MARK: - Pre-packed B (a layer's weight, packed once)

void sfk_pack_b_avx2(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float *out) {
    if (k > 0 && n > 0) pack_b(k, n, b, rsb, csb, out);
}

int sfk_sgemm_avx2_prepacked(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                             const float *packed_b, float *c, ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue) {
    if (m <= 0 || n <= 0) return 0;
    ptrdiff_t kc_max = even_block(k, KC, 1), mc_max = even_block(m, MC, MR), nc_max = even_block(n, NC, NR);
    int in_place = reads_a_in_place(m, n, k, csa);
    workspace *space = workspace_reserve(in_place ? 0 : (size_t)(round_up(mc_max, MR) * kc_max), 0);
    if (space == NULL) return -1;
    float *pa = space->a;
    for (ptrdiff_t jc = 0; jc < n; jc += nc_max) {
        ptrdiff_t nc = n - jc < nc_max ? n - jc : nc_max;
        for (ptrdiff_t pc = 0; pc < k; pc += kc_max) {
            ptrdiff_t kc = k - pc < kc_max ? k - pc : kc_max;
            const float *pb = packed_b + (jc / NR) * k * NR + pc * NR;
            int last_slice = pc + kc >= k;
            for (ptrdiff_t ic = 0; ic < m; ic += mc_max) {
                ptrdiff_t mc = m - ic < mc_max ? m - ic : mc_max;
                float block_beta = pc == 0 ? 0.0f : 1.0f;
                if (in_place) {
                    macro_kernel_unpacked_a(mc, nc, kc, a + ic * rsa + pc, rsa, pb, k * NR, 1.0f, block_beta,
                                            c + ic * ldc + jc, ldc);
                } else {
                    pack_a(mc, kc, a + ic * rsa + pc * csa, rsa, csa, pa);
                    macro_kernel(mc, nc, kc, pa, pb, k * NR, 1.0f, block_beta, c + ic * ldc + jc, ldc);
                }
                if (epilogue && last_slice)
                    apply_epilogue(mc, nc, c + ic * ldc + jc, ldc, epilogue->bias ? epilogue->bias + jc : NULL,
                                   epilogue->residual ? epilogue->residual + ic * epilogue->ldr + jc : NULL,
                                   epilogue->ldr, epilogue->activation);
            }
        }
    }
    return 0;
}

int sfk_sgemm_avx2_fused(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                         ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                         ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue) {
    strided_b matrix = {b, rsb, csb};
    return sfk_packed_gemm(m, n, k, alpha, a, rsa, csa, pack_strided_b, &matrix, beta, c, ldc, epilogue);
}

int sfk_sgemm_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                   ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                   ptrdiff_t ldc) {
    return sfk_sgemm_avx2_fused(m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc, NULL);
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

int sfk_sgemm_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                   ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                   ptrdiff_t ldc) {
    (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)rsa; (void)csa; (void)b; (void)rsb; (void)csb;
    (void)beta; (void)c; (void)ldc;
    return -1;
}

int sfk_sgemm_avx2_fused(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                         ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                         ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue) {
    (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)rsa; (void)csa; (void)b; (void)rsb; (void)csb;
    (void)beta; (void)c; (void)ldc; (void)epilogue;
    return -1;
}

void sfk_pack_b_avx2(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float *out) {
    (void)k; (void)n; (void)b; (void)rsb; (void)csb; (void)out;
}

int sfk_sgemm_avx2_prepacked(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                             const float *packed_b, float *c, ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue) {
    (void)m; (void)n; (void)k; (void)a; (void)rsa; (void)csa; (void)packed_b; (void)c; (void)ldc; (void)epilogue;
    return -1;
}

#endif
