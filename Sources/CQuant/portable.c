// Portable (any CPU) versions of the activation quantizer and the row kernels. Same arithmetic as the AVX2 ones:
// integer block dot products, scaled into float per block (or per 256-value super-block for the K-quants).
#include "internal.h"

// MARK: Activations

static float block_amax(const float *x, int n) {
    float amax = 0;
    for (int i = 0; i < n; i++) {
        float a = x[i] < 0 ? -x[i] : x[i];
        if (a > amax) amax = a;  // NaN compares false: ignored
    }
    return amax > 3.0e38f ? 0 : amax;  // an infinity gives a zero block
}

/// Rounds to nearest (ties away from zero) and clamps to ±127; NaN gives 0. No libm call: the C target links
/// nothing beyond libc.
static int8_t round_q8(float v) {
    if (!(v == v)) return 0;
    if (v > 127) return 127;
    if (v < -127) return -127;
    int r = (int)v;  // toward zero, exact for |v| ≤ 127
    float rest = v - (float)r;
    if (rest >= 0.5f) r += 1;
    if (rest <= -0.5f) r -= 1;
    return (int8_t)r;
}

void cq_quantize_portable(int type, const float *x, int tokens, int columns, void *out) {
    int k = type == CQ_TYPE_Q4_K || type == CQ_TYPE_Q5_K || type == CQ_TYPE_Q6_K;
    int blocks = tokens * (columns / (k ? 256 : 32));
    for (int b = 0; b < blocks; b++) {
        if (k) {
            const float *v = x + 256 * (size_t)b;
            cq_q8k_block *y = (cq_q8k_block *)out + b;
            float d = block_amax(v, 256) / 127, id = d ? 1 / d : 0;
            y->d = d;
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int i = 0; i < 16; i++) {
                    int8_t q = round_q8(v[16 * g + i] * id);
                    y->qs[16 * g + i] = q;
                    sum += q;
                }
                y->bsums[g] = (int16_t)sum;
            }
        } else {
            const float *v = x + 32 * (size_t)b;
            cq_q8_block *y = (cq_q8_block *)out + b;
            float d = block_amax(v, 32) / 127, id = d ? 1 / d : 0;
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                y->qs[i] = round_q8(v[i] * id);
                sum += y->qs[i];
            }
            y->d = d;
            y->s = d * (float)sum;
        }
    }
}

// MARK: Dot products of one weight row with one activation row

static float dot_q4_0(const uint8_t *w, const cq_q8_block *x, int nb) {
    float acc = 0;
    for (int b = 0; b < nb; b++, w += 18) {
        int sum = 0;
        for (int i = 0; i < 16; i++) sum += (w[2 + i] & 0xF) * x[b].qs[i] + (w[2 + i] >> 4) * x[b].qs[i + 16];
        float d = cq_half(w);
        acc += d * x[b].d * (float)sum - 8 * d * x[b].s;
    }
    return acc;
}

static float dot_q4_1(const uint8_t *w, const cq_q8_block *x, int nb) {
    float acc = 0;
    for (int b = 0; b < nb; b++, w += 20) {
        int sum = 0;
        for (int i = 0; i < 16; i++) sum += (w[4 + i] & 0xF) * x[b].qs[i] + (w[4 + i] >> 4) * x[b].qs[i + 16];
        acc += cq_half(w) * x[b].d * (float)sum + cq_half(w + 2) * x[b].s;
    }
    return acc;
}

static float dot_q8_0(const uint8_t *w, const cq_q8_block *x, int nb) {
    float acc = 0;
    for (int b = 0; b < nb; b++, w += 34) {
        int sum = 0;
        for (int i = 0; i < 32; i++) sum += (int8_t)w[2 + i] * x[b].qs[i];
        acc += cq_half(w) * x[b].d * (float)sum;
    }
    return acc;
}

static float dot_q4_k(const uint8_t *w, const cq_q8k_block *x, int nb, int five_bits) {
    float acc = 0;
    size_t bytes = five_bits ? 176 : 144;
    for (int b = 0; b < nb; b++, w += bytes) {
        const uint8_t *scales = w + 4, *qh = w + 16, *qs = w + (five_bits ? 48 : 16);
        int sum = 0, mins = 0;
        for (int j = 0; j < 8; j++) {
            int sc, m, part = 0;
            cq_scale_min_k4(j, scales, &sc, &m);
            const int8_t *y = x[b].qs + 32 * j;
            const uint8_t *q = qs + 32 * (j / 2);
            for (int l = 0; l < 32; l++) {
                int v = (j & 1) ? q[l] >> 4 : q[l] & 0xF;
                if (five_bits && (qh[l] >> j & 1)) v += 16;
                part += v * y[l];
            }
            sum += sc * part;
            mins += m * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
        }
        acc += cq_half(w) * x[b].d * (float)sum - cq_half(w + 2) * x[b].d * (float)mins;
    }
    return acc;
}

static float dot_q6_k(const uint8_t *w, const cq_q8k_block *x, int nb) {
    float acc = 0;
    for (int b = 0; b < nb; b++, w += 210) {
        const uint8_t *ql = w, *qh = w + 128;
        const int8_t *sc = (const int8_t *)(w + 192);
        int sum = 0;
        for (int n = 0; n < 2; n++) {
            const int8_t *y = x[b].qs + 128 * n;
            for (int l = 0; l < 32; l++) {
                int q1 = (ql[64 * n + l] & 0xF) | ((qh[32 * n + l] >> 0 & 3) << 4);
                int q2 = (ql[64 * n + l + 32] & 0xF) | ((qh[32 * n + l] >> 2 & 3) << 4);
                int q3 = (ql[64 * n + l] >> 4) | ((qh[32 * n + l] >> 4 & 3) << 4);
                int q4 = (ql[64 * n + l + 32] >> 4) | ((qh[32 * n + l] >> 6 & 3) << 4);
                int g = 8 * n + l / 16;
                sum += sc[g] * q1 * y[l] + sc[g + 2] * q2 * y[l + 32] + sc[g + 4] * q3 * y[l + 64] + sc[g + 6] * q4 * y[l + 96];
            }
        }
        int offset = 0;
        for (int g = 0; g < 16; g++) offset += sc[g] * x[b].bsums[g];
        acc += cq_half(w + 208) * x[b].d * (float)(sum - 32 * offset);
    }
    return acc;
}

void cq_rows_portable(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                      size_t act_stride, int tokens, int blocks, float *out, size_t out_stride) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t = 0; t < tokens; t++) {
            const void *x = act + (size_t)t * act_stride;
            float v = 0;
            switch (type) {
            case CQ_TYPE_Q4_0: v = dot_q4_0(row, x, blocks); break;
            case CQ_TYPE_Q4_1: v = dot_q4_1(row, x, blocks); break;
            case CQ_TYPE_Q8_0: v = dot_q8_0(row, x, blocks); break;
            case CQ_TYPE_Q4_K: v = dot_q4_k(row, x, blocks, 0); break;
            case CQ_TYPE_Q5_K: v = dot_q4_k(row, x, blocks, 1); break;
            case CQ_TYPE_Q6_K: v = dot_q6_k(row, x, blocks); break;
            }
            out[(size_t)t * out_stride + r] = v;
        }
    }
}
