// Shared definitions of the CQuant kernels (not part of the public header).
#ifndef CQUANT_INTERNAL_H
#define CQUANT_INTERNAL_H

#include <stdint.h>
#include <string.h>
#include "CQuant.h"

/// An activation block for Q4_0/Q4_1/Q8_0 weights: 32 values `d · qs[i]`, and `s = d · Σ qs` for the formats
/// whose weights carry a minimum (Q4_1) or an offset (Q4_0's −8).
typedef struct {
    float d;
    float s;
    int8_t qs[32];
} cq_q8_block;

/// An activation block for the K-quants: 256 values `d · qs[i]` and the sums of each 16 `qs` (for the minimums
/// and Q6_K's −32 offset).
typedef struct {
    float d;
    int16_t bsums[16];
    int8_t qs[256];
} cq_q8k_block;

/// float16 → float32, exact for every input (the portable path; the AVX2 path uses F16C).
static inline float cq_half(const uint8_t *p) {
    uint16_t h = (uint16_t)(p[0] | (p[1] << 8));
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t bits;
    float f;
    if ((h & 0x7C00) == 0x7C00) {
        bits = sign | 0x7F800000u | ((uint32_t)(h & 0x3FF) << 13);
        memcpy(&f, &bits, 4);
        return f;
    }
    bits = (uint32_t)(h & 0x7FFF) << 13;
    memcpy(&f, &bits, 4);
    f *= 0x1p112f;
    return sign ? -f : f;
}

/// The 6-bit (scale, min) pair `j` of a Q4_K/Q5_K block's 12 scale bytes.
static inline void cq_scale_min_k4(int j, const uint8_t *q, int *scale, int *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Kernels over a range of rows, both ISAs (`tokens` activation rows, `act_stride` bytes each).
void cq_rows_portable(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                      size_t act_stride, int tokens, int blocks, float *out, size_t out_stride);
void cq_rows_avx2(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                  size_t act_stride, int tokens, int blocks, float *out, size_t out_stride);
void cq_quantize_avx2(int type, const float *x, int tokens, int columns, void *out);
void cq_quantize_portable(int type, const float *x, int tokens, int columns, void *out);

#endif
