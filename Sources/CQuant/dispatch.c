// Run-time choice between the AVX2 and the portable kernels, and the public entry points.
#include <stdlib.h>
#include "internal.h"

static int forced_portable = 0;

static int cpu_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    return cached;
#else
    return 0;
#endif
}

int cq_uses_avx2(void) { return !forced_portable && cpu_has_avx2(); }

void cq_force_portable(int on) { forced_portable = on; }

int cq_supports(int type) {
    switch (type) {
    case CQ_TYPE_Q4_0: case CQ_TYPE_Q4_1: case CQ_TYPE_Q8_0:
    case CQ_TYPE_Q4_K: case CQ_TYPE_Q5_K: case CQ_TYPE_Q6_K:
        return 1;
    default:
        return 0;
    }
}

static int is_k_quant(int type) { return type == CQ_TYPE_Q4_K || type == CQ_TYPE_Q5_K || type == CQ_TYPE_Q6_K; }

size_t cq_activation_bytes(int type, int columns) {
    if (!cq_supports(type) || columns < 0) return 0;
    if (is_k_quant(type)) return columns % 256 ? 0 : (size_t)(columns / 256) * sizeof(cq_q8k_block);
    return columns % 32 ? 0 : (size_t)(columns / 32) * sizeof(cq_q8_block);
}

void cq_quantize(int type, const float *x, int tokens, int columns, void *out) {
    if (!cq_activation_bytes(type, columns)) return;
    if (cq_uses_avx2()) cq_quantize_avx2(type, x, tokens, columns, out);
    else cq_quantize_portable(type, x, tokens, columns, out);
}

void cq_matmul_rows(int type, const void *weights, size_t row_bytes, int row_begin, int row_end,
                    const void *activations, int tokens, int columns, float *out, size_t out_stride) {
    size_t stride = cq_activation_bytes(type, columns);
    if (!stride || row_begin >= row_end || tokens <= 0) return;
    int blocks = columns / (is_k_quant(type) ? 256 : 32);
    if (cq_uses_avx2())
        cq_rows_avx2(type, weights, row_bytes, row_begin, row_end, activations, stride, tokens, blocks, out, out_stride);
    else
        cq_rows_portable(type, weights, row_bytes, row_begin, row_end, activations, stride, tokens, blocks, out, out_stride);
}

void *cq_thread_scratch(size_t bytes) {
    static _Thread_local void *buffer = NULL;
    static _Thread_local size_t capacity = 0;
    if (bytes <= capacity) return buffer;
    size_t grown = bytes < 4096 ? 4096 : bytes + bytes / 2;
    void *fresh = NULL;
    if (posix_memalign(&fresh, 64, grown) != 0) return NULL;
    free(buffer);
    buffer = fresh;
    capacity = grown;
    return buffer;
}
