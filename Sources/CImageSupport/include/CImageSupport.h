// CImageSupport — a thin C layer over libpng and libjpeg for the Media target.
//
// Why C: both libraries report fatal errors by calling an error handler that must not return;
// the only way to recover is setjmp/longjmp, which Swift cannot express. Every entry point here
// sets its own jump buffer, so a corrupt or truncated file comes back as a nonzero status and a
// message instead of aborting the process.
#ifndef CIMAGESUPPORT_H
#define CIMAGESUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// Status codes shared by every entry point.
enum {
    CIS_OK = 0,
    CIS_ERROR = 1,        ///< decoder/encoder error; see `message`
    CIS_TOO_LARGE = 2,    ///< width × height above the caller's pixel limit
    CIS_NO_MEMORY = 3,
};

/// Colour layout of a decoded JPEG before any conversion.
enum {
    CIS_JPEG_GRAY = 1,
    CIS_JPEG_RGB = 3,
    CIS_JPEG_CMYK = 4,    ///< four channels as libjpeg delivers them (Adobe-inverted files stay inverted)
};

/// A decoded image: `pixels` is malloc'd (free with `cis_free`), rows are tightly packed,
/// `bytes_per_sample` is 1, or 2 for 16-bit grayscale PNG (little-endian).
typedef struct {
    unsigned char *pixels;
    int width;
    int height;
    int channels;
    int bytes_per_sample;
    int progressive;      ///< JPEG only: 1 when the file is progressive
    char message[256];
} cis_image;

/// An encoded file in memory; `data` is malloc'd (free with `cis_free`).
typedef struct {
    unsigned char *data;
    size_t size;
    char message[256];
} cis_buffer;

/// Decodes a PNG. Palette images are expanded to RGB, or RGBA when a tRNS chunk is present;
/// 16-bit samples keep their high byte except 16-bit grayscale (returned as 2 bytes per sample);
/// 16-bit gray+alpha becomes RGBA as in Pillow; 1/2/4-bit gray is scaled to 0…255; tRNS of gray/RGB images is ignored (Pillow keeps those as L/RGB).
int cis_png_decode(const unsigned char *data, size_t size, int64_t max_pixels, cis_image *out);

/// Decodes a JPEG to gray, RGB or raw CMYK (see `CIS_JPEG_*` in `channels`). A file that ends early is an error.
int cis_jpeg_decode(const unsigned char *data, size_t size, int64_t max_pixels, cis_image *out);

/// Encodes tightly packed pixels as PNG (channels 1–4; bytes_per_sample 2 only with 1 channel, little-endian).
int cis_png_encode(const unsigned char *pixels, int width, int height, int channels, int bytes_per_sample,
                   int compression_level, cis_buffer *out);

/// Encodes gray (1 channel) or RGB (3 channels) pixels as baseline JPEG at `quality` (1…100).
int cis_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                    int progressive, cis_buffer *out);

void cis_free(void *pointer);

// MARK: - Resize kernels (resample.c)

/// 1 when this CPU runs the AVX2 resample kernels (checked once). Elsewhere the `_avx2` functions are portable C.
int cis_resample_has_avx2(void);

/// Pillow's 8-bit horizontal resample pass (Resample.c, bit-exact) for 3- or 4-channel interleaved rows: output
/// pixel x in [out_x0, out_x1) of each of `rows` rows reads `count[x]` source pixels from `first[x]` with 22-bit
/// fixed-point weights `kernel[x·taps …]`, and is written at column x − out_x0 of `dst`.
void cis_resample_horizontal8_avx2(const unsigned char *src, ptrdiff_t src_stride, int src_width, int channels,
                                   int rows, unsigned char *dst, ptrdiff_t dst_stride, int out_x0, int out_x1,
                                   const int32_t *first, const int32_t *count, const int32_t *kernel, int taps);

/// Pillow's 8-bit vertical resample pass (bit-exact): output row y (first `row_bytes` bytes) sums `count[y]` source
/// rows from `first[y]` with weights `kernel[y·taps …]`.
void cis_resample_vertical8_avx2(const unsigned char *src, ptrdiff_t src_stride, ptrdiff_t row_bytes,
                                 unsigned char *dst, ptrdiff_t dst_stride, int out_rows, const int32_t *first,
                                 const int32_t *count, const int32_t *kernel, int taps);

#endif
