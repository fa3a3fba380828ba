// libjpeg(-turbo) decode/encode behind setjmp, see CImageSupport.h for why.
#include "CImageSupport.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// MARK: - Error plumbing

typedef struct {
    struct jpeg_error_mgr manager;  // must stay first: libjpeg hands us this pointer
    jmp_buf jump;
    char *message;
} jpeg_error_context;

static void on_jpeg_error(j_common_ptr info) {
    jpeg_error_context *context = (jpeg_error_context *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    snprintf(context->message, 256, "%s", text);
    longjmp(context->jump, 1);
}

/// Warnings are ignored (Pillow ignores libjpeg's "corrupt data" warnings too), except a file that
/// ends early: libjpeg would pad it with gray, Pillow raises "image file is truncated", so do we.
static void on_jpeg_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        jpeg_error_context *context = (jpeg_error_context *)info->err;
        snprintf(context->message, 256, "image file is truncated (premature end of JPEG data)");
        longjmp(context->jump, 1);
    }
}

// MARK: - Decoding

int cis_jpeg_decode(const unsigned char *data, size_t size, int64_t max_pixels, cis_image *out) {
    memset(out, 0, sizeof(*out));
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        snprintf(out->message, sizeof(out->message), "not a JPEG file (bad SOI marker)");
        return CIS_ERROR;
    }
    struct jpeg_decompress_struct info;
    jpeg_error_context context;
    context.message = out->message;
    info.err = jpeg_std_error(&context.manager);
    context.manager.error_exit = on_jpeg_error;
    context.manager.emit_message = on_jpeg_message;
    unsigned char *volatile pixels = NULL;
    if (setjmp(context.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&info);
        return CIS_ERROR;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    out->width = (int)info.image_width;
    out->height = (int)info.image_height;
    if (max_pixels > 0 && (int64_t)info.image_width * (int64_t)info.image_height > max_pixels) {
        jpeg_destroy_decompress(&info);
        return CIS_TOO_LARGE;
    }
    switch (info.jpeg_color_space) {
    case JCS_GRAYSCALE:
        info.out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        info.out_color_space = JCS_CMYK;
        break;
    default:
        info.out_color_space = JCS_RGB;
        break;
    }
    out->progressive = jpeg_has_multiple_scans(&info) ? 1 : 0;
    jpeg_start_decompress(&info);
    int channels = info.output_components;
    size_t row_bytes = (size_t)info.output_width * (size_t)channels;
    pixels = (unsigned char *)malloc(row_bytes * info.output_height + 1);
    if (!pixels) {
        snprintf(out->message, sizeof(out->message), "out of memory");
        jpeg_destroy_decompress(&info);
        return CIS_NO_MEMORY;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + row_bytes * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->channels = channels;
    out->bytes_per_sample = 1;
    jpeg_destroy_decompress(&info);
    out->pixels = pixels;
    return CIS_OK;
}

// MARK: - Encoding

int cis_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                    int progressive, cis_buffer *out) {
    memset(out, 0, sizeof(*out));
    if ((channels != 1 && channels != 3) || width <= 0 || height <= 0 || width > 65500 || height > 65500) {
        snprintf(out->message, sizeof(out->message), "cannot write %d-channel image of %dx%d as JPEG", channels,
                 width, height);
        return CIS_ERROR;
    }
    struct jpeg_compress_struct info;
    jpeg_error_context context;
    context.message = out->message;
    info.err = jpeg_std_error(&context.manager);
    context.manager.error_exit = on_jpeg_error;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(context.jump)) {
        jpeg_destroy_compress(&info);
        free(buffer);
        return CIS_ERROR;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, (unsigned char **)&buffer, &buffer_size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    if (progressive) jpeg_simple_progression(&info);
    jpeg_start_compress(&info, TRUE);
    size_t row_bytes = (size_t)width * (size_t)channels;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + row_bytes * info.next_scanline);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    out->data = buffer;
    out->size = buffer_size;
    return CIS_OK;
}
