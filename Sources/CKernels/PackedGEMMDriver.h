// The packed AVX2 GEMM driver (PackedGEMMAVX2.c) with B supplied by a packing callback, shared by the
// plain strided sgemm and the implicit-GEMM convolution (ConvolutionAVX2.c), whose B — the patch
// matrix — is never stored: its panels are packed straight from the image.
// Private to CKernels (not in include/).
#ifndef SWIFTFORMERS_PACKED_GEMM_DRIVER_H
#define SWIFTFORMERS_PACKED_GEMM_DRIVER_H

#include <stddef.h>
#include "CKernels.h"

enum {
    MR = 6,    // rows of the register tile
    NR = 16,   // columns of the register tile (two ymm vectors)
    KC = 384,  // deepest k slice packed at once (a 16-column panel of B, kc × 16 floats = 24 KiB, stays in L1)
};

/// Packs rows [row, row + rows) × columns [column, column + columns) of B into ⌈columns/16⌉ panels of
/// rows × 16 floats (panel-major, each panel row-major), zero-padding the last panel. rows ≤ KC.
typedef void (*sfk_b_packer)(const void *context, ptrdiff_t row, ptrdiff_t rows, ptrdiff_t column,
                             ptrdiff_t columns, float *out);

/// C[m, n] = alpha · A·B + beta · C with A strided (element (i, p) at a[i·rsa + p·csa]) and B packed by
/// `pack`, then `epilogue` (NULL: none) on each finished block. Single-threaded; 0 on success, -1 when the
/// packing buffers cannot be allocated.
int sfk_packed_gemm(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t rsa,
                    ptrdiff_t csa, sfk_b_packer pack, const void *context, float beta, float *c, ptrdiff_t ldc,
                    const sfk_gemm_epilogue *epilogue);

#endif
