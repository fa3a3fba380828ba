// AVX2 kernels for the two passes of Pillow's 8-bit convolution resize (Resample.c's ImagingResampleHorizontal_8bpc
// and ImagingResampleVertical_8bpc), bit-exact with Pillow's scalar C — see include/CImageSupport.h.
//
// Exactness: Pillow sums `pixel · weight` in a C `int` with 22-bit fixed-point weights, starting at 2^21, and clips
// `sum >> 22` to 0…255. Both kernels compute the same integer sum modulo 2^32 (two's-complement adds and multiplies
// are exact modulo 2^32 whatever the order), so the clipped bytes are identical:
// - vertical: 8 samples per vector, `vpmulld` (32-bit products) with the row's weight broadcast;
// - horizontal: weights split as w = hi·2^11 + lo (hi signed, lo in 0…2047, both fit int16), so `vpmaddwd` multiplies
//   pixel pairs by 16-bit weights: Σ p·w = 2^11·Σ p·hi + Σ p·lo. Four taps per step: their pixels are loaded once
//   (16 bytes), shuffled into (tap, tap+1) int16 pairs per channel, and multiplied by both halves.
#include "CImageSupport.h"

#include <stdlib.h>
#include <string.h>

#define PRECISION_BITS 22
#define SPLIT_BITS 11

// MARK: - Portable reference (edge pixels, other CPUs)

static inline unsigned char clip8(int32_t sum) {
    int32_t shifted = sum >> PRECISION_BITS;
    return shifted <= 0 ? 0 : shifted >= 255 ? 255 : (unsigned char)shifted;
}

/// One output pixel of the horizontal pass, Pillow's way (wrapping 32-bit sums via unsigned arithmetic).
static inline void horizontal_pixel(const unsigned char *input, int channels, int count, const int32_t *weights,
                                    unsigned char *output) {
    for (int c = 0; c < channels; c++) {
        uint32_t sum = 1u << (PRECISION_BITS - 1);
        for (int t = 0; t < count; t++) sum += (uint32_t)input[t * channels + c] * (uint32_t)weights[t];
        output[c] = clip8((int32_t)sum);
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

int cis_resample_has_avx2(void) {
    static int cached = -1;  // benign race: every thread computes the same answer
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached;
}

// MARK: - Horizontal

#define AVX2 __attribute__((target("avx2")))

/// 2^11·hi + lo summed, both 128-bit halves (taps 0–1 and 2–3 of every group) added, rounded, clipped, packed.
AVX2 static inline __m128i finish_pixel(__m256i hi, __m256i lo) {
    __m256i sum = _mm256_add_epi32(_mm256_slli_epi32(hi, SPLIT_BITS), lo);
    __m128i total = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
    total = _mm_add_epi32(total, _mm_set1_epi32(1 << (PRECISION_BITS - 1)));
    total = _mm_srai_epi32(total, PRECISION_BITS);
    total = _mm_packs_epi32(total, total);  // saturating packs clip exactly like clip8
    return _mm_packus_epi16(total, total);
}

AVX2 static inline void store_pixel(unsigned char *output, __m128i packed, int channels, int room_for_four) {
    if (channels == 4 || room_for_four) {
        // For 3 channels the fourth byte lands on the next pixel of the same row, written after this one.
        int32_t word = _mm_cvtsi128_si32(packed);
        memcpy(output, &word, 4);
    } else {
        int32_t word = _mm_cvtsi128_si32(packed);
        memcpy(output, &word, 3);
    }
}

AVX2 void cis_resample_horizontal8_avx2(const unsigned char *src, ptrdiff_t src_stride, int src_width, int channels,
                                        int rows, unsigned char *dst, ptrdiff_t dst_stride, int out_x0, int out_x1,
                                        const int32_t *first, const int32_t *count, const int32_t *kernel, int taps) {
    if (channels != 3 && channels != 4) return;
    int out_width = out_x1 - out_x0;
    if (out_width <= 0 || rows <= 0) return;
    int groups = (taps + 3) / 4;
    // Per output pixel and group of four taps: the hi and lo weight vectors, laid out as the shuffled pixels are
    // (int16 pairs (w_t, w_t+1) repeated per channel in the low 128 bits, (w_t+2, w_t+3) in the high 128 bits).
    int16_t *table = (int16_t *)aligned_alloc(32, (size_t)out_width * (size_t)groups * 2 * 16 * sizeof(int16_t));
    unsigned char *vectorizable = (unsigned char *)malloc((size_t)out_width);
    if (!table || !vectorizable) {
        free(table);
        free(vectorizable);
        for (int r = 0; r < rows; r++)
            for (int x = out_x0; x < out_x1; x++)
                horizontal_pixel(src + r * src_stride + (ptrdiff_t)first[x] * channels, channels, count[x],
                                 kernel + (ptrdiff_t)x * taps, dst + r * dst_stride + (ptrdiff_t)(x - out_x0) * channels);
        return;
    }
    int splittable = 1;
    for (int x = out_x0; x < out_x1; x++) {
        int n = count[x], used = (n + 3) / 4;
        // The last group reads 16 bytes from pixel first + 4·(used − 1): it must stay inside the row.
        vectorizable[x - out_x0] = (ptrdiff_t)(first[x] + 4 * (used - 1)) * channels + 16 <= (ptrdiff_t)src_width * channels;
        for (int g = 0; g < groups; g++) {
            int16_t *hi = table + ((size_t)(x - out_x0) * groups + g) * 32, *lo = hi + 16;
            for (int half = 0; half < 2; half++) {
                for (int pair = 0; pair < 2; pair++) {
                    int t = 4 * g + 2 * half + pair;
                    int32_t w = t < n ? kernel[(ptrdiff_t)x * taps + t] : 0;
                    if (w >= (1 << 26) || w < -(1 << 26)) splittable = 0;  // hi must fit int16
                    int16_t wh = (int16_t)(w >> SPLIT_BITS), wl = (int16_t)(w & ((1 << SPLIT_BITS) - 1));
                    for (int c = 0; c < 4; c++) {
                        hi[half * 8 + c * 2 + pair] = wh;
                        lo[half * 8 + c * 2 + pair] = wl;
                    }
                }
            }
        }
    }
    if (!splittable) memset(vectorizable, 0, (size_t)out_width);
    // Byte shuffles (per 128-bit half): pixel bytes of taps (0, 1) | (2, 3) into int16 (tap, tap+1) pairs per channel.
    const __m256i shuffle = channels == 3
        ? _mm256_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1,
                           6, -1, 9, -1, 7, -1, 10, -1, 8, -1, 11, -1, -1, -1, -1, -1)
        : _mm256_setr_epi8(0, -1, 4, -1, 1, -1, 5, -1, 2, -1, 6, -1, 3, -1, 7, -1,
                           8, -1, 12, -1, 9, -1, 13, -1, 10, -1, 14, -1, 11, -1, 15, -1);
    const ptrdiff_t group_bytes = 4 * channels;
    int r = 0;
    // Four rows at a time share each weight load.
    for (; r + 4 <= rows; r += 4) {
        const unsigned char *s0 = src + r * src_stride, *s1 = s0 + src_stride, *s2 = s1 + src_stride, *s3 = s2 + src_stride;
        unsigned char *d0 = dst + r * dst_stride, *d1 = d0 + dst_stride, *d2 = d1 + dst_stride, *d3 = d2 + dst_stride;
        for (int x = out_x0; x < out_x1; x++) {
            ptrdiff_t at = (ptrdiff_t)first[x] * channels, to = (ptrdiff_t)(x - out_x0) * channels;
            int room = x + 1 < out_x1;
            if (!vectorizable[x - out_x0]) {
                const int32_t *w = kernel + (ptrdiff_t)x * taps;
                horizontal_pixel(s0 + at, channels, count[x], w, d0 + to);
                horizontal_pixel(s1 + at, channels, count[x], w, d1 + to);
                horizontal_pixel(s2 + at, channels, count[x], w, d2 + to);
                horizontal_pixel(s3 + at, channels, count[x], w, d3 + to);
                continue;
            }
            __m256i h0 = _mm256_setzero_si256(), h1 = h0, h2 = h0, h3 = h0, l0 = h0, l1 = h0, l2 = h0, l3 = h0;
            const __m256i *weights = (const __m256i *)(table + (size_t)(x - out_x0) * groups * 32);
            int used = (count[x] + 3) / 4;
            for (int g = 0; g < used; g++, at += group_bytes) {
                __m256i wh = _mm256_load_si256(weights + 2 * g), wl = _mm256_load_si256(weights + 2 * g + 1);
                __m256i p;
#define STEP(S, H, L)                                                                                 \
    p = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(S + at))), shuffle); \
    H = _mm256_add_epi32(H, _mm256_madd_epi16(p, wh));                                                \
    L = _mm256_add_epi32(L, _mm256_madd_epi16(p, wl));
                STEP(s0, h0, l0)
                STEP(s1, h1, l1)
                STEP(s2, h2, l2)
                STEP(s3, h3, l3)
            }
            store_pixel(d0 + to, finish_pixel(h0, l0), channels, room);
            store_pixel(d1 + to, finish_pixel(h1, l1), channels, room);
            store_pixel(d2 + to, finish_pixel(h2, l2), channels, room);
            store_pixel(d3 + to, finish_pixel(h3, l3), channels, room);
        }
    }
    for (; r < rows; r++) {
        const unsigned char *s0 = src + r * src_stride;
        unsigned char *d0 = dst + r * dst_stride;
        for (int x = out_x0; x < out_x1; x++) {
            ptrdiff_t at = (ptrdiff_t)first[x] * channels, to = (ptrdiff_t)(x - out_x0) * channels;
            if (!vectorizable[x - out_x0]) {
                horizontal_pixel(s0 + at, channels, count[x], kernel + (ptrdiff_t)x * taps, d0 + to);
                continue;
            }
            __m256i h0 = _mm256_setzero_si256(), l0 = h0;
            const __m256i *weights = (const __m256i *)(table + (size_t)(x - out_x0) * groups * 32);
            int used = (count[x] + 3) / 4;
            for (int g = 0; g < used; g++, at += group_bytes) {
                __m256i wh = _mm256_load_si256(weights + 2 * g), wl = _mm256_load_si256(weights + 2 * g + 1);
                __m256i p;
                STEP(s0, h0, l0)
            }
#undef STEP
            store_pixel(d0 + to, finish_pixel(h0, l0), channels, x + 1 < out_x1);
        }
    }
    free(table);
    free(vectorizable);
}

// MARK: - Vertical

/// 32 int32 sums (4 vectors) >> 22, clipped and packed into 32 bytes in order.
AVX2 static inline __m256i pack32(__m256i a0, __m256i a1, __m256i a2, __m256i a3) {
    __m256i p01 = _mm256_packs_epi32(_mm256_srai_epi32(a0, PRECISION_BITS), _mm256_srai_epi32(a1, PRECISION_BITS));
    __m256i p23 = _mm256_packs_epi32(_mm256_srai_epi32(a2, PRECISION_BITS), _mm256_srai_epi32(a3, PRECISION_BITS));
    // The in-lane packs leave 4-sample groups in the order 0 2 4 6 | 1 3 5 7.
    return _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

AVX2 static inline __m256i widen8(const unsigned char *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

AVX2 void cis_resample_vertical8_avx2(const unsigned char *src, ptrdiff_t src_stride, ptrdiff_t row_bytes,
                                      unsigned char *dst, ptrdiff_t dst_stride, int out_rows, const int32_t *first,
                                      const int32_t *count, const int32_t *kernel, int taps) {
    const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
    for (int y = 0; y < out_rows; y++) {
        const unsigned char *base = src + (ptrdiff_t)first[y] * src_stride;
        const int32_t *weights = kernel + (ptrdiff_t)y * taps;
        int n = count[y];
        unsigned char *out = dst + (ptrdiff_t)y * dst_stride;
        ptrdiff_t i = 0;
        for (; i + 32 <= row_bytes; i += 32) {
            __m256i a0 = half, a1 = half, a2 = half, a3 = half;
            const unsigned char *row = base + i;
            for (int t = 0; t < n; t++, row += src_stride) {
                __m256i w = _mm256_set1_epi32(weights[t]);
                a0 = _mm256_add_epi32(a0, _mm256_mullo_epi32(widen8(row), w));
                a1 = _mm256_add_epi32(a1, _mm256_mullo_epi32(widen8(row + 8), w));
                a2 = _mm256_add_epi32(a2, _mm256_mullo_epi32(widen8(row + 16), w));
                a3 = _mm256_add_epi32(a3, _mm256_mullo_epi32(widen8(row + 24), w));
            }
            _mm256_storeu_si256((__m256i *)(out + i), pack32(a0, a1, a2, a3));
        }
        for (; i < row_bytes; i++) {
            uint32_t sum = 1u << (PRECISION_BITS - 1);
            const unsigned char *row = base + i;
            for (int t = 0; t < n; t++, row += src_stride) sum += (uint32_t)*row * (uint32_t)weights[t];
            out[i] = clip8((int32_t)sum);
        }
    }
}

#else

int cis_resample_has_avx2(void) { return 0; }

void cis_resample_horizontal8_avx2(const unsigned char *src, ptrdiff_t src_stride, int src_width, int channels,
                                   int rows, unsigned char *dst, ptrdiff_t dst_stride, int out_x0, int out_x1,
                                   const int32_t *first, const int32_t *count, const int32_t *kernel, int taps) {
    (void)src_width;
    for (int r = 0; r < rows; r++)
        for (int x = out_x0; x < out_x1; x++)
            horizontal_pixel(src + r * src_stride + (ptrdiff_t)first[x] * channels, channels, count[x],
                             kernel + (ptrdiff_t)x * taps, dst + r * dst_stride + (ptrdiff_t)(x - out_x0) * channels);
}

void cis_resample_vertical8_avx2(const unsigned char *src, ptrdiff_t src_stride, ptrdiff_t row_bytes,
                                 unsigned char *dst, ptrdiff_t dst_stride, int out_rows, const int32_t *first,
                                 const int32_t *count, const int32_t *kernel, int taps) {
    for (int y = 0; y < out_rows; y++)
        for (ptrdiff_t i = 0; i < row_bytes; i++) {
            uint32_t sum = 1u << (PRECISION_BITS - 1);
            for (int t = 0; t < count[y]; t++)
                sum += (uint32_t)src[(first[y] + t) * src_stride + i] * (uint32_t)kernel[y * taps + t];
            dst[y * dst_stride + i] = clip8((int32_t)sum);
        }
}

#endif
