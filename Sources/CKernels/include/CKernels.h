// CKernels: the engine's hot float32 loops, compiled for AVX2 + FMA with per-function target
// attributes and chosen at run time.
//
// Why C: Swift compiles a whole module for one ISA (the package targets baseline x86-64, SSE2), and
// has no per-function target attribute. Clang does: every kernel here is built with
// `__attribute__((target("avx2,fma")))`, so the rest of the binary stays baseline and still runs on
// any x86-64. The caller (Sources/Tensors/Kernels/NativeKernels.swift) asks `sfk_cpu_has_avx2_fma()`
// once and uses these functions only when it returns 1; otherwise it keeps the portable Swift kernels.
// On other architectures the `_avx2` functions are empty stubs and `sfk_cpu_has_avx2_fma()` is 0.
//
// Contract of every `_avx2` function: call it only after `sfk_cpu_has_avx2_fma()` returned 1. Pointers
// may be unaligned; output ranges must not partially overlap inputs (exact aliasing, out == a, is fine).
#ifndef SWIFTFORMERS_CKERNELS_H
#define SWIFTFORMERS_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU and OS run AVX2 and FMA instructions (cpuid + XSAVE state, checked once), else 0.
int sfk_cpu_has_avx2_fma(void);

// MARK: - Memory

/// A 64-byte-aligned allocation of `bytes` bytes (NULL when out of memory), released with
/// `sfk_deallocate`. From 4 MiB on (Linux) it is 2 MiB-aligned and advised for transparent huge pages:
/// a fresh 64 MB tensor then costs 32 page faults instead of 16384, which measured as ~4× faster for a
/// 16M-element add into a new output (the faults, not the arithmetic, dominated).
void *sfk_allocate(size_t bytes);

/// Reclaims the whole pages inside [p, p + bytes) of a file mapping (madvise MADV_PAGEOUT; Linux ≥ 5.4, else
/// nothing): clean pages leave the resident set and are read again from the file on the next access; pages a
/// copy-on-write mapping modified keep their contents (swapped out, or left resident).
void sfk_release_mapped_pages(void *p, size_t bytes);

/// Frees what `sfk_allocate` returned.
void sfk_deallocate(void *p);

// MARK: - Parallel loops

/// One item of a parallel loop: `context` is the caller's, `item` in [0, count).
typedef void (*sfk_parallel_task)(void *context, ptrdiff_t item);

/// Runs task(context, item) for every item in [0, count) on the calling thread and up to `threads − 1` persistent
/// pool workers (WorkerPool.c), and returns when all are done. Items must be independent (disjoint outputs). Runs
/// inline, in order, when threads ≤ 1, from inside another parallel task, or while another thread's loop runs.
void sfk_parallel_for(ptrdiff_t count, sfk_parallel_task task, void *context, int threads);

// MARK: - Elementwise

/// The binary float ops with an AVX2 kernel.
typedef enum {
    SFK_BINARY_ADD = 0,
    SFK_BINARY_SUB = 1,
    SFK_BINARY_MUL = 2,
    SFK_BINARY_DIV = 3,
} sfk_binary_op;

/// out[i] = a[i·sa] op b[i·sb] for i < n, where each stride is 1 (a contiguous run) or 0 (a scalar
/// broadcast along the run). Other strides are the caller's strided path.
void sfk_binary_f32_avx2(sfk_binary_op op, const float *a, ptrdiff_t sa, const float *b, ptrdiff_t sb,
                         float *out, ptrdiff_t n);

/// The unary float ops with an AVX2 kernel.
typedef enum {
    SFK_UNARY_EXP = 0,
    SFK_UNARY_TANH = 1,
    SFK_UNARY_SIGMOID = 2,
    SFK_UNARY_SILU = 3,
    SFK_UNARY_GELU_ERF = 4,
    SFK_UNARY_GELU_TANH = 5,
    /// x·sigmoid(1.702·x), CLIP's `quick_gelu`.
    SFK_UNARY_QUICK_GELU = 6,
} sfk_unary_op;

/// out[i] = op(x[i]) for i < n over contiguous buffers. Results match libm on special values (NaN,
/// ±inf, overflow and underflow lanes are recomputed with the scalar libm function).
void sfk_unary_f32_avx2(sfk_unary_op op, const float *x, float *out, ptrdiff_t n);

// MARK: - Rows (softmax, attention, normalization)

/// Largest element of x[0..<n] (−inf for n = 0; NaN lanes are skipped, as PyTorch's max scan).
float sfk_row_max_avx2(const float *x, ptrdiff_t n);

/// out[i] = exp(x[i] − shift) for i < n (out may be x, or NULL to only sum); returns Σ out[i].
float sfk_exp_shifted_sum_avx2(const float *x, float shift, float *out, ptrdiff_t n);

/// x[i] *= factor for i < n.
void sfk_scale_avx2(float *x, float factor, ptrdiff_t n);

/// out[i] = (x[i] − mean) · invStd · w[i] + b[i] (w or b may be NULL for 1 and 0).
/// Σ x[i] and Σ (x[i] − mean)² over one row, float lanes summed into a double every 1024 elements: the
/// two statistics of layer_norm/rms_norm (PyTorch also accumulates them at float width per vector).
double sfk_row_sum_avx2(const float *x, ptrdiff_t n);
double sfk_row_squared_deviations_avx2(const float *x, ptrdiff_t n, float mean);
void sfk_affine_normalize_avx2(const float *x, float *out, ptrdiff_t n, float mean, float invStd,
                               const float *w, const float *b);

// MARK: - GEMV

/// y[r] = alpha · Σ_k w[r·ldw + k] · x[k] + beta · y[r] for r < rows (beta = 0 ignores y's contents).
/// The matrix-vector product of a row-major weight, e.g. the LM head's [vocab, hidden] weight times one
/// hidden state. Memory-bound: four rows are streamed at once with software prefetch ahead of them.
void sfk_gemv_rows_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t rows,
                        float alpha, float beta);

/// y[j] = alpha · Σ_r x[r] · w[r·ldw + j] + beta · y[j] for j < n: a row vector times a row-major W [k, n]
/// (row stride ldw), e.g. one token through a GPT-2 `Conv1D` weight kept in its checkpoint layout [in, out].
/// Memory-bound: four weight rows stream at once into an L1-resident block of y.
void sfk_gemv_columns_avx2(const float *w, ptrdiff_t ldw, const float *x, ptrdiff_t k, float *y, ptrdiff_t n,
                           float alpha, float beta);

// MARK: - Small products (attention blocks)

/// C = alpha · A · B for row-major A [m, k] (row stride lda, unit column stride), B [k, n] (row stride
/// ldb, unit column stride) and C [m, n] (row stride ldc); C is only written. No packing: meant for
/// attention's per-head blocks (e.g. 128×128×64), where a BLAS call spends much of its time packing.
void sfk_sgemm_nn_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
                       const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

// MARK: - Packed GEMM

/// C = alpha · A · B + beta · C, single-threaded, for A [m, k] with element (i, p) at a[i·rsa + p·csa],
/// B [k, n] with element (p, j) at b[p·rsb + j·csb] (any strides: transposed and broadcast views need
/// no copy) and row-major C (row stride ldc). beta == 0 does not read C. k must be ≥ 1. Goto/BLIS-style
/// packing into per-thread buffers and a 6×16 micro-kernel. Returns 0, or −1 when the packing buffers
/// could not be allocated (C untouched).
int sfk_sgemm_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                   ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                   ptrdiff_t ldc);

// MARK: - Convolution

/// The geometry of one 2-D convolution over one image and one group (all sizes in elements).
typedef struct {
    ptrdiff_t channels, height, width;  // input, for this group
    ptrdiff_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
    ptrdiff_t out_h, out_w;
} sfk_conv_geometry;

/// Output pixels [first_pixel, first_pixel + pixel_count) of a 2-D convolution as an implicit GEMM:
/// out[o·ldo + j] = Σ_r weight[o·R + r] · patch(r, first_pixel + j) + beta · out[o·ldo + j] for the
/// out_channels rows o, with R = channels·kernel_h·kernel_w and patch(r, ·) the im2col row r (zero where
/// the window leaves the image). The patch matrix is never stored: its panels are packed straight from
/// `input` (channels contiguous planes). Single-threaded; 0, or −1 when buffers could not be allocated.
int sfk_conv2d_avx2(const sfk_conv_geometry *geometry, const float *input, const float *weight,
                    ptrdiff_t out_channels, ptrdiff_t first_pixel, ptrdiff_t pixel_count, float beta, float *out,
                    ptrdiff_t ldo);

/// What `sfk_sgemm_avx2_fused` applies to each finished block of C while the block is still in cache:
/// C[i, j] = activation(C[i, j] + bias[j] + residual[i·ldr + j]) — a linear layer's bias, its activation
/// or the residual add that follows it, without another pass over the output.
typedef struct {
    /// n values added to every row, or NULL.
    const float *bias;
    /// m rows of n values (row stride ldr) added to C, or NULL. May not alias C.
    const float *residual;
    ptrdiff_t ldr;
    /// An sfk_unary_op applied last, or −1 for none.
    int activation;
} sfk_gemm_epilogue;

/// `sfk_sgemm_avx2` followed by `epilogue` (NULL: none) on every element of C.
int sfk_sgemm_avx2_fused(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                         ptrdiff_t csa, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float beta, float *c,
                         ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue);

/// Packs B [k, n] (element (p, j) at b[p·rsb + j·csb]) once for `sfk_sgemm_avx2_prepacked`: ⌈n/16⌉ panels
/// of k × 16 floats (16·k·⌈n/16⌉ floats in `out`, 32-byte aligned), the last zero-padded.
void sfk_pack_b_avx2(ptrdiff_t k, ptrdiff_t n, const float *b, ptrdiff_t rsb, ptrdiff_t csb, float *out);

/// C = A · B (then `epilogue`, NULL: none) with B pre-packed by `sfk_pack_b_avx2`; `packed_b` points at
/// the panel of C's first column (a multiple of 16 into the packed matrix), whose depth is k. A layer's
/// weight is then packed once instead of on every product: at a few dozen rows (CLIP's 50 patches, a
/// sentence's tokens) packing the weight cost about a third of the product.
int sfk_sgemm_avx2_prepacked(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                             const float *packed_b, float *c, ptrdiff_t ldc, const sfk_gemm_epilogue *epilogue);

#ifdef __cplusplus
}
#endif

#endif
