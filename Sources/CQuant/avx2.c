// AVX2 + FMA + F16C versions of the activation quantizer and the row kernels, compiled for those instructions
// function by function (the rest of the binary stays baseline x86-64) and chosen at run time by dispatch.c.
//
// The core step is llama.cpp's: `pmaddubsw` multiplies 32 unsigned weight values (or |w| for Q8_0, with the sign
// moved onto the activation) by 32 signed activation bytes and adds pairs into 16-bit lanes; `pmaddwd` widens
// (and applies the K-quants' sub-block scales) into 32-bit lanes. Nothing overflows: a Q4 pair is ≤ 2·15·127, a
// Q5_K pair ≤ 2·31·127, a Q6_K pair ≤ 2·63·127, a Q8_0 pair ≤ 2·128·127 — all below 2¹⁵.
#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))

INLINE AVX2 float half_avx(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

INLINE AVX2 float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

INLINE AVX2 int hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// Σ pairs of u8 × s8 products, widened to eight 32-bit lanes.
INLINE AVX2 __m256i dot_u8_s8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

// MARK: Activations

/// Eight floats with NaN replaced by 0.
INLINE AVX2 __m256 load_finite(const float *x) {
    __m256 v = _mm256_loadu_ps(x);
    return _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
}

INLINE AVX2 __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

INLINE AVX2 float hmax_ps(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Rounds 32 floats times `id` to bytes at `q`; returns the eight 32-bit lanes' sums of each half (16 values).
INLINE AVX2 void quantize32(const float *x, float id, int8_t *q, int *sum_low, int *sum_high) {
    __m256 scale = _mm256_set1_ps(id);
    __m256i i[4];
    for (int k = 0; k < 4; k++) {
        __m256 v = _mm256_mul_ps(load_finite(x + 8 * k), scale);
        v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));  // inf · 0
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127)), _mm256_set1_ps(127));
        i[k] = _mm256_cvtps_epi32(_mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    *sum_low = hsum_epi32(_mm256_add_epi32(i[0], i[1]));
    *sum_high = hsum_epi32(_mm256_add_epi32(i[2], i[3]));
    __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i[0], i[1]), _mm256_packs_epi32(i[2], i[3]));
    p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)q, p);
}

INLINE AVX2 float amax_of(const float *x, int n) {
    __m256 m = _mm256_setzero_ps();
    for (int k = 0; k < n; k += 8) m = _mm256_max_ps(m, abs_ps(load_finite(x + k)));
    float amax = hmax_ps(m);
    return amax > 3.0e38f ? 0 : amax;  // an infinity gives a zero block, as the portable path
}

AVX2 void cq_quantize_avx2(int type, const float *x, int tokens, int columns, void *out) {
    int k = type == CQ_TYPE_Q4_K || type == CQ_TYPE_Q5_K || type == CQ_TYPE_Q6_K;
    int blocks = tokens * (columns / (k ? 256 : 32));
    for (int b = 0; b < blocks; b++) {
        if (k) {
            const float *v = x + 256 * (size_t)b;
            cq_q8k_block *y = (cq_q8k_block *)out + b;
            float d = amax_of(v, 256) / 127, id = d ? 1 / d : 0;
            y->d = d;
            for (int c = 0; c < 8; c++) {
                int lo, hi;
                quantize32(v + 32 * c, id, y->qs + 32 * c, &lo, &hi);
                y->bsums[2 * c] = (int16_t)lo;
                y->bsums[2 * c + 1] = (int16_t)hi;
            }
        } else {
            const float *v = x + 32 * (size_t)b;
            cq_q8_block *y = (cq_q8_block *)out + b;
            float d = amax_of(v, 32) / 127, id = d ? 1 / d : 0;
            int lo, hi;
            quantize32(v, id, y->qs, &lo, &hi);
            y->d = d;
            y->s = d * (float)(lo + hi);
        }
    }
}

// MARK: Q4_0, Q4_1, Q8_0: tiles of RR rows × NT tokens

/// The 32 values of a Q4 block's 16 nibble bytes, in value order (low nibbles, then high nibbles).
INLINE AVX2 __m256i unpack_q4(const uint8_t *qs) {
    __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// `RR` weight rows × `NT` activation rows; every weight block is unpacked once and used for all `NT` tokens.
/// Q4_0's offset −8 and Q4_1's minimum enter through the activation block sum `s = d · Σq`.
INLINE AVX2 void tile_q(int type, int RR, int NT, const uint8_t *w, size_t row_bytes, const uint8_t *act,
                        size_t act_stride, int nb, float *out, size_t out_stride) {
    const size_t bsz = type == CQ_TYPE_Q4_0 ? 18 : type == CQ_TYPE_Q4_1 ? 20 : 34;
    __m256 acc[4][4];
    float corr[4][4];
    for (int r = 0; r < RR; r++)
        for (int t = 0; t < NT; t++) { acc[r][t] = _mm256_setzero_ps(); corr[r][t] = 0; }
    for (int b = 0; b < nb; b++) {
        for (int r = 0; r < RR; r++) {
            const uint8_t *blk = w + (size_t)r * row_bytes + (size_t)b * bsz;
            float dw = half_avx(blk);
            __m256i q, uq;
            float mw = 0;
            if (type == CQ_TYPE_Q8_0) {
                q = _mm256_loadu_si256((const __m256i *)(blk + 2));
                uq = _mm256_sign_epi8(q, q);
            } else if (type == CQ_TYPE_Q4_1) {
                q = uq = unpack_q4(blk + 4);
                mw = half_avx(blk + 2);
            } else {
                q = uq = unpack_q4(blk + 2);
                mw = -8 * dw;
            }
            for (int t = 0; t < NT; t++) {
                const cq_q8_block *x = (const cq_q8_block *)(act + (size_t)t * act_stride) + b;
                __m256i y = _mm256_loadu_si256((const __m256i *)x->qs);
                if (type == CQ_TYPE_Q8_0) y = _mm256_sign_epi8(y, q);
                __m256 p = _mm256_cvtepi32_ps(dot_u8_s8(uq, y));
                acc[r][t] = _mm256_fmadd_ps(p, _mm256_set1_ps(dw * x->d), acc[r][t]);
                if (type != CQ_TYPE_Q8_0) corr[r][t] += mw * x->s;
            }
        }
    }
    for (int r = 0; r < RR; r++)
        for (int t = 0; t < NT; t++) out[(size_t)t * out_stride + r] = hsum_ps(acc[r][t]) + corr[r][t];
}

/// Q4_1 decode (one token), four rows: each block's (d, m) halves convert in one `vcvtph2ps` and multiply the
/// activation's (d, s) pair in one `vmulps`; lane 0 scales the integer dot, lane 1 is the minimum's term, summed
/// in a vector accumulator instead of a scalar chain.
INLINE AVX2 void tile_q4_1_decode(const uint8_t *w, size_t row_bytes, const uint8_t *act, int nb, float *out) {
    __m256 acc[4];
    __m128 corr[4];
    for (int r = 0; r < 4; r++) { acc[r] = _mm256_setzero_ps(); corr[r] = _mm_setzero_ps(); }
    const cq_q8_block *x = (const cq_q8_block *)act;
    for (int b = 0; b < nb; b++, x++) {
        __m256i y = _mm256_loadu_si256((const __m256i *)x->qs);
        __m128 xds = _mm_castpd_ps(_mm_load_sd((const double *)&x->d));  // (d, s, 0, 0)
        for (int r = 0; r < 4; r++) {
            const uint8_t *blk = w + (size_t)r * row_bytes + (size_t)b * 20;
            __m128 dm = _mm_cvtph_ps(_mm_cvtsi32_si128(*(const int32_t *)blk));  // (d, m, 0, 0)
            __m128 scales = _mm_mul_ps(dm, xds);
            __m256 p = _mm256_cvtepi32_ps(dot_u8_s8(unpack_q4(blk + 4), y));
            acc[r] = _mm256_fmadd_ps(p, _mm256_broadcastss_ps(scales), acc[r]);
            corr[r] = _mm_add_ps(corr[r], scales);
        }
    }
    for (int r = 0; r < 4; r++) out[r] = hsum_ps(acc[r]) + _mm_cvtss_f32(_mm_movehdup_ps(corr[r]));
}

/// All rows r0..<r1 × all tokens for one of the 32-value formats, in register tiles.
INLINE AVX2 void rows_q(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                        size_t act_stride, int tokens, int nb, float *out, size_t out_stride) {
    int r = r0;
    if (tokens == 1) {  // decode: four independent rows hide the FMA latency and share the activation loads
        if (type == CQ_TYPE_Q4_1) {
            for (; r + 4 <= r1; r += 4) tile_q4_1_decode(w + (size_t)r * row_bytes, row_bytes, act, nb, out + r);
        }
        for (; r + 4 <= r1; r += 4)
            tile_q(type, 4, 1, w + (size_t)r * row_bytes, row_bytes, act, act_stride, nb, out + r, out_stride);
        for (; r < r1; r++)
            tile_q(type, 1, 1, w + (size_t)r * row_bytes, row_bytes, act, act_stride, nb, out + r, out_stride);
        return;
    }
    for (; r < r1; r += 2) {
        int rr = r + 2 <= r1 ? 2 : 1;
        const uint8_t *wr = w + (size_t)r * row_bytes;
        int t = 0;
        for (; t + 4 <= tokens; t += 4) {
            const uint8_t *a = act + (size_t)t * act_stride;
            float *o = out + (size_t)t * out_stride + r;
            if (rr == 2) tile_q(type, 2, 4, wr, row_bytes, a, act_stride, nb, o, out_stride);
            else tile_q(type, 1, 4, wr, row_bytes, a, act_stride, nb, o, out_stride);
        }
        for (; t < tokens; t++) {
            const uint8_t *a = act + (size_t)t * act_stride;
            float *o = out + (size_t)t * out_stride + r;
            if (rr == 2) tile_q(type, 2, 1, wr, row_bytes, a, act_stride, nb, o, out_stride);
            else tile_q(type, 1, 1, wr, row_bytes, a, act_stride, nb, o, out_stride);
        }
    }
}

static AVX2 void rows_q4_0(const uint8_t *w, size_t rb, int r0, int r1, const uint8_t *a, size_t as, int nt, int nb,
                           float *o, size_t os) { rows_q(CQ_TYPE_Q4_0, w, rb, r0, r1, a, as, nt, nb, o, os); }
static AVX2 void rows_q4_1(const uint8_t *w, size_t rb, int r0, int r1, const uint8_t *a, size_t as, int nt, int nb,
                           float *o, size_t os) { rows_q(CQ_TYPE_Q4_1, w, rb, r0, r1, a, as, nt, nb, o, os); }
static AVX2 void rows_q8_0(const uint8_t *w, size_t rb, int r0, int r1, const uint8_t *a, size_t as, int nt, int nb,
                           float *o, size_t os) { rows_q(CQ_TYPE_Q8_0, w, rb, r0, r1, a, as, nt, nb, o, os); }

// MARK: K-quants: one row × one token per call

/// Q4_K (`five_bits` 0) and Q5_K: eight sub-blocks of 32 with 6-bit scales and minimums.
INLINE AVX2 float dot_q45_k(const uint8_t *w, const cq_q8k_block *x, int nb, int five_bits) {
    const size_t bytes = five_bits ? 176 : 144;
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float minimums = 0;
    for (int b = 0; b < nb; b++, w += bytes) {
        const int8_t *y = x[b].qs;
        int sc[8], m[8], msum = 0;
        for (int j = 0; j < 8; j++) {
            cq_scale_min_k4(j, w + 4, &sc[j], &m[j]);
            msum += m[j] * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
        }
        minimums += half_avx(w + 2) * x[b].d * (float)msum;
        const uint8_t *qs = w + (five_bits ? 48 : 16);
        __m256i high = five_bits ? _mm256_loadu_si256((const __m256i *)(w + 16)) : _mm256_setzero_si256();
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_and_si256(q, low4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            if (five_bits) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(high, one), 4));
                high = _mm256_srli_epi16(high, 1);
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(high, one), 4));
                high = _mm256_srli_epi16(high, 1);
            }
            __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(y + 64 * c)));
            __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(y + 64 * c + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(plo, _mm256_set1_epi16((short)sc[2 * c])));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(phi, _mm256_set1_epi16((short)sc[2 * c + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_avx(w) * x[b].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum_ps(acc) - minimums;
}

/// Q6_K: 6-bit values (low nibbles + 2 high bits) minus 32, sixteen int8 scales per 16 values.
INLINE AVX2 float dot_q6_k(const uint8_t *w, const cq_q8k_block *x, int nb) {
    const __m256i low4 = _mm256_set1_epi8(0x0F), low2 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++, w += 210) {
        const int8_t *sc = (const int8_t *)(w + 192), *y = x[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int n = 0; n < 2; n++) {
            __m256i qla = _mm256_loadu_si256((const __m256i *)(w + 64 * n));
            __m256i qlb = _mm256_loadu_si256((const __m256i *)(w + 64 * n + 32));
            __m256i qh = _mm256_loadu_si256((const __m256i *)(w + 128 + 32 * n));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(qla, low4), _mm256_slli_epi16(_mm256_and_si256(qh, low2), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(qlb, low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), low2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qla, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), low2), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qlb, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), low2), 4));
            for (int k = 0; k < 4; k++) {
                int g = 8 * n + 2 * k;
                __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[g + 1]), _mm_set1_epi16(sc[g]));
                __m256i p = _mm256_maddubs_epi16(q[k], _mm256_loadu_si256((const __m256i *)(y + 128 * n + 32 * k)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scales));
            }
        }
        // The −32 offset: 32 · Σ_g scale_g · Σ(q_x in group g).
        __m256i offset = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)x[b].bsums),
                                           _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc)));
        sumi = _mm256_sub_epi32(sumi, _mm256_slli_epi32(offset, 5));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_avx(w + 208) * x[b].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum_ps(acc);
}

static AVX2 void rows_k(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                        size_t act_stride, int tokens, int nb, float *out, size_t out_stride) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t = 0; t < tokens; t++) {
            const cq_q8k_block *x = (const cq_q8k_block *)(act + (size_t)t * act_stride);
            float v = type == CQ_TYPE_Q6_K ? dot_q6_k(row, x, nb) : dot_q45_k(row, x, nb, type == CQ_TYPE_Q5_K);
            out[(size_t)t * out_stride + r] = v;
        }
    }
}

void cq_rows_avx2(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                  size_t act_stride, int tokens, int blocks, float *out, size_t out_stride) {
    switch (type) {
    case CQ_TYPE_Q4_0: rows_q4_0(w, row_bytes, r0, r1, act, act_stride, tokens, blocks, out, out_stride); break;
    case CQ_TYPE_Q4_1: rows_q4_1(w, row_bytes, r0, r1, act, act_stride, tokens, blocks, out, out_stride); break;
    case CQ_TYPE_Q8_0: rows_q8_0(w, row_bytes, r0, r1, act, act_stride, tokens, blocks, out, out_stride); break;
    default: rows_k(type, w, row_bytes, r0, r1, act, act_stride, tokens, blocks, out, out_stride); break;
    }
}

#else  // not x86: the dispatcher never selects these

void cq_rows_avx2(int type, const uint8_t *w, size_t row_bytes, int r0, int r1, const uint8_t *act,
                  size_t act_stride, int tokens, int blocks, float *out, size_t out_stride) {
    cq_rows_portable(type, w, row_bytes, r0, r1, act, act_stride, tokens, blocks, out, out_stride);
}

void cq_quantize_avx2(int type, const float *x, int tokens, int columns, void *out) {
    cq_quantize_portable(type, x, tokens, columns, out);
}

#endif
