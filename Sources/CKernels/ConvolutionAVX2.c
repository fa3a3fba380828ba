// 2-D convolution as an implicit GEMM (see include/CKernels.h, sfk_conv2d_avx2): the packed GEMM
// driver with a B packer that reads the image directly instead of an im2col matrix.
//
// Why: through im2col every patch value is written once to a (9× for 3×3) larger matrix, read back and
// written again by the packing, then read by the micro-kernel; with tiles small enough to stay in L2 the
// products got small (ResNet 3×3: 64×224×576) and the weight was repacked per tile. Here the only copy
// is the packed panel (kc × 16 floats, L1-sized), filled from the input rows, which stay in cache.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "PackedGEMMDriver.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

typedef struct {
    const sfk_conv_geometry *g;
    const float *input;
    ptrdiff_t first_pixel;
} conv_source;

/// Packs patch rows [row, row + rows) × pixels [first_pixel + column, … + columns) into 16-pixel panels.
static void pack_patches(const void *context, ptrdiff_t row, ptrdiff_t rows, ptrdiff_t column, ptrdiff_t columns,
                         float *out) {
    const conv_source *source = context;
    const sfk_conv_geometry *g = source->g;
    // Per patch row: the input plane, and the offsets of the kernel tap from the window's corner.
    ptrdiff_t plane[KC], dy[KC], dx[KC];
    const ptrdiff_t taps = g->kernel_h * g->kernel_w;
    for (ptrdiff_t kk = 0; kk < rows; kk++) {
        ptrdiff_t r = row + kk, tap = r % taps;
        plane[kk] = (r / taps) * g->height * g->width;
        dy[kk] = (tap / g->kernel_w) * g->dilation_h - g->pad_h;
        dx[kk] = (tap % g->kernel_w) * g->dilation_w - g->pad_w;
    }
    for (ptrdiff_t j0 = 0; j0 < columns; j0 += NR, out += rows * NR) {
        ptrdiff_t cols = columns - j0 < NR ? columns - j0 : NR;
        ptrdiff_t pixel = source->first_pixel + column + j0;
        ptrdiff_t oh = pixel / g->out_w, ow = pixel % g->out_w;
        if (cols == NR && g->stride_w == 1 && ow + NR <= g->out_w) {
            // 16 pixels of one output row: for each tap, 16 consecutive input values (or zeros at edges).
            ptrdiff_t iy0 = oh * g->stride_h;
            for (ptrdiff_t kk = 0; kk < rows; kk++) {
                float *dst = out + kk * NR;
                ptrdiff_t iy = iy0 + dy[kk], ix = ow + dx[kk];
                if (iy < 0 || iy >= g->height) {
                    _mm256_store_ps(dst, _mm256_setzero_ps());
                    _mm256_store_ps(dst + 8, _mm256_setzero_ps());
                    continue;
                }
                const float *line = source->input + plane[kk] + iy * g->width;
                if (ix >= 0 && ix + NR <= g->width) {
                    _mm256_store_ps(dst, _mm256_loadu_ps(line + ix));
                    _mm256_store_ps(dst + 8, _mm256_loadu_ps(line + ix + 8));
                } else {
                    for (ptrdiff_t j = 0; j < NR; j++) {
                        ptrdiff_t x = ix + j;
                        dst[j] = x >= 0 && x < g->width ? line[x] : 0.0f;
                    }
                }
            }
            continue;
        }
        // General panel (row wrap, stride > 1, last partial panel): each pixel's window corner.
        ptrdiff_t y0[NR], x0[NR];
        for (ptrdiff_t j = 0; j < NR; j++) {
            y0[j] = oh * g->stride_h;
            x0[j] = ow * g->stride_w;
            if (++ow == g->out_w) {
                ow = 0;
                oh++;
            }
        }
        for (ptrdiff_t kk = 0; kk < rows; kk++) {
            float *dst = out + kk * NR;
            const float *base = source->input + plane[kk];
            for (ptrdiff_t j = 0; j < NR; j++) {
                ptrdiff_t y = y0[j] + dy[kk], x = x0[j] + dx[kk];
                dst[j] = j < cols && y >= 0 && y < g->height && x >= 0 && x < g->width ? base[y * g->width + x] : 0.0f;
            }
        }
    }
}

int sfk_conv2d_avx2(const sfk_conv_geometry *geometry, const float *input, const float *weight,
                    ptrdiff_t out_channels, ptrdiff_t first_pixel, ptrdiff_t pixel_count, float beta, float *out,
                    ptrdiff_t ldo) {
    conv_source source = {geometry, input, first_pixel};
    ptrdiff_t patch = geometry->channels * geometry->kernel_h * geometry->kernel_w;
    return sfk_packed_gemm(out_channels, pixel_count, patch, 1.0f, weight, patch, 1, pack_patches, &source, beta, out,
                           ldo, NULL);
}

#pragma clang attribute pop

#else  // not x86-64: never called (sfk_cpu_has_avx2_fma() is 0)

int sfk_conv2d_avx2(const sfk_conv_geometry *geometry, const float *input, const float *weight,
                    ptrdiff_t out_channels, ptrdiff_t first_pixel, ptrdiff_t pixel_count, float beta, float *out,
                    ptrdiff_t ldo) {
    (void)geometry; (void)input; (void)weight; (void)out_channels; (void)first_pixel; (void)pixel_count;
    (void)beta; (void)out; (void)ldo;
    return -1;
}

#endif
