// CQuant: quantized matrix × activation kernels for ggml block formats (Q4_0, Q4_1, Q8_0, Q4_K, Q5_K, Q6_K).
//
// Why C: Swift cannot compile one function for AVX2 while the rest of the binary stays baseline x86-64, and it
// cannot spell `pmaddubsw`. These kernels are compiled twice — with `target("avx2,fma,f16c")` and portably — and
// the AVX2 ones are chosen at run time when the CPU has them.
//
// Approach (llama.cpp's): each activation row is quantized once per call to 8-bit blocks (32 values for
// Q4_0/Q4_1/Q8_0, 256 for the K-quants), then every weight block is multiplied in integer arithmetic and scaled
// into a float accumulator. Results differ from dequantize-then-float-matmul only by the activation rounding
// (at most max|x_block| / 254 per value).
#ifndef CQUANT_H
#define CQUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml type ids of the formats with kernels.
enum {
    CQ_TYPE_Q4_0 = 2,
    CQ_TYPE_Q4_1 = 3,
    CQ_TYPE_Q8_0 = 8,
    CQ_TYPE_Q4_K = 12,
    CQ_TYPE_Q5_K = 13,
    CQ_TYPE_Q6_K = 14,
};

/// Whether `type` (a ggml type id) has a kernel here.
int cq_supports(int type);

/// Bytes of quantized activations one token of `columns` values needs for weights of `type` (0 if unsupported or
/// `columns` is not a whole number of blocks).
size_t cq_activation_bytes(int type, int columns);

/// Quantizes `tokens` rows of `columns` floats into `out` (`tokens × cq_activation_bytes` bytes, 32-byte aligned
/// recommended). Non-finite inputs are treated as 0.
void cq_quantize(int type, const float *x, int tokens, int columns, void *out);

/// `out[t * out_stride + r] = Σ_k W[r, k] · x[t, k]` for rows `row_begin..<row_end` and every token, where `W` is
/// `weights` (rows of `row_bytes` bytes in `type`) and `x` the activations `cq_quantize` produced.
void cq_matmul_rows(int type, const void *weights, size_t row_bytes, int row_begin, int row_end,
                    const void *activations, int tokens, int columns, float *out, size_t out_stride);

/// `cq_matmul_rows` over all `rows`, shared between the caller and `threads − 1` hot workers of the engine's pool
/// (CKernels' `sfk_parallel_for`, pool.c): far cheaper per call than waking threads, which matters for the ~120
/// matrix-vector products of one decode step. Runs on the caller alone when `threads` ≤ 1, inside another parallel
/// loop, or while another thread's loop runs.
void cq_matmul_parallel(int type, const void *weights, size_t row_bytes, int rows, const void *activations,
                        int tokens, int columns, float *out, size_t out_stride, int threads);

/// A buffer of at least `bytes` bytes (64-byte aligned) owned by the calling thread, reused across calls so the
/// decode loop allocates nothing per token; it grows when a larger one is asked for. NULL if allocation fails.
void *cq_thread_scratch(size_t bytes);

/// 1 when the AVX2 kernels run, 0 for the portable ones.
int cq_uses_avx2(void);

/// Tests: 1 forces the portable kernels, 0 returns to run-time detection.
void cq_force_portable(int on);

#ifdef __cplusplus
}
#endif

#endif
