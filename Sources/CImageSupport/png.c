// libpng decode/encode behind setjmp, see CImageSupport.h for why.
#include "CImageSupport.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Error plumbing

typedef struct {
    jmp_buf jump;
    char *message;   // points into the caller's cis_image/cis_buffer
} png_error_context;

static void on_png_error(png_structp png, png_const_charp text) {
    png_error_context *context = (png_error_context *)png_get_error_ptr(png);
    snprintf(context->message, 256, "%s", text ? text : "libpng error");
    longjmp(context->jump, 1);
}

static void on_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // Ancillary-chunk problems: Pillow ignores them too.
}

// MARK: - Decoding

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
} png_memory_reader;

static void read_from_memory(png_structp png, png_bytep target, png_size_t length) {
    png_memory_reader *reader = (png_memory_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "image file is truncated");
    }
    memcpy(target, reader->data + reader->offset, length);
    reader->offset += length;
}

int cis_png_decode(const unsigned char *data, size_t size, int64_t max_pixels, cis_image *out) {
    memset(out, 0, sizeof(*out));
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(out->message, sizeof(out->message), "not a PNG file (bad signature)");
        return CIS_ERROR;
    }
    png_error_context context;
    context.message = out->message;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, on_png_error, on_png_warning);
    if (!png) return CIS_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return CIS_NO_MEMORY;
    }
    png_memory_reader reader = {data, size, 0};
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(context.jump)) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return CIS_ERROR;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    // Decompression bombs are refused by our own pixel limit, not libpng's default 1,000,000 columns.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    out->width = (int)width;
    out->height = (int)height;
    if (max_pixels > 0 && (int64_t)width * (int64_t)height > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        return CIS_TOO_LARGE;
    }

    int channels = 1;
    int bytes_per_sample = 1;
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
        if (bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
        if (bit_depth == 16) {
            bytes_per_sample = 2;
            png_set_swap(png);  // PNG is big-endian; Pillow's "I;16" is little-endian
        }
        channels = 1;
        break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        channels = 2;
        if (bit_depth == 16) {
            png_set_gray_to_rgb(png);  // Pillow opens 16-bit gray+alpha as RGBA ("LA;16B" → RGBA)
            channels = 4;
        }
        break;
    case PNG_COLOR_TYPE_RGB:
        channels = 3;
        break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
        channels = 4;
        break;
    case PNG_COLOR_TYPE_PALETTE:
        png_set_palette_to_rgb(png);
        channels = 3;
        if (png_get_valid(png, info, PNG_INFO_tRNS)) {
            png_set_tRNS_to_alpha(png);
            channels = 4;
        }
        break;
    default:
        png_error(png, "unsupported PNG color type");
    }
    if (bit_depth == 16 && bytes_per_sample == 1) {
        png_set_strip_16(png);  // keeps the high byte, as Pillow's "RGB;16B"-style unpackers do
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)bytes_per_sample;
    if (png_get_rowbytes(png, info) != row_bytes) {
        png_error(png, "unexpected PNG row size after transformations");
    }
    pixels = (unsigned char *)malloc(row_bytes * (size_t)height + 1);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * ((size_t)height + 1));
    if (!pixels || !rows) {
        png_error(png, "out of memory");
    }
    for (png_uint_32 y = 0; y < height; y++) {
        rows[y] = pixels + row_bytes * y;
    }
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->pixels = pixels;
    out->channels = channels;
    out->bytes_per_sample = bytes_per_sample;
    return CIS_OK;
}

// MARK: - Encoding

typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
} png_memory_writer;

static void write_to_memory(png_structp png, png_bytep source, png_size_t length) {
    png_memory_writer *writer = (png_memory_writer *)png_get_io_ptr(png);
    if (writer->size + length > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity * 2 : 4096;
        while (capacity < writer->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(writer->data, capacity);
        if (!grown) png_error(png, "out of memory");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, source, length);
    writer->size += length;
}

static void flush_memory(png_structp png) { (void)png; }

int cis_png_encode(const unsigned char *pixels, int width, int height, int channels, int bytes_per_sample,
                   int compression_level, cis_buffer *out) {
    memset(out, 0, sizeof(*out));
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4 || (bytes_per_sample == 2 && channels != 1) || width <= 0 || height <= 0) {
        snprintf(out->message, sizeof(out->message), "cannot write %d-channel, %d-byte image of %dx%d as PNG",
                 channels, bytes_per_sample, width, height);
        return CIS_ERROR;
    }
    png_error_context context;
    context.message = out->message;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_png_error, on_png_warning);
    if (!png) return CIS_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return CIS_NO_MEMORY;
    }
    png_memory_writer writer = {NULL, 0, 0, 0};
    png_bytep *volatile rows = NULL;
    if (setjmp(context.jump)) {
        free(writer.data);
        free(rows);
        png_destroy_write_struct(&png, &info);
        return CIS_ERROR;
    }
    png_set_write_fn(png, &writer, write_to_memory, flush_memory);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bytes_per_sample * 8, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (bytes_per_sample == 2) png_set_swap(png);
    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)bytes_per_sample;
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (!rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) {
        rows[y] = (png_bytep)(pixels + row_bytes * (size_t)y);
    }
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    out->data = writer.data;
    out->size = writer.size;
    return CIS_OK;
}

void cis_free(void *pointer) { free(pointer); }
