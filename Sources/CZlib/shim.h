// zlib for the test targets: fixtures are committed gzip-compressed to keep the repository small.
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/// Inflates a whole gzip (or zlib) stream into a buffer from malloc (free it); NULL when the input is corrupt.
static inline unsigned char *czlib_inflate(const unsigned char *source, size_t count, size_t *outCount) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return NULL;
    size_t capacity = count * 4 + 1024, used = 0;
    unsigned char *out = (unsigned char *)malloc(capacity);
    if (!out) { inflateEnd(&stream); return NULL; }
    stream.next_in = (unsigned char *)source;
    stream.avail_in = (uInt)count;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (used == capacity) {
            capacity *= 2;
            unsigned char *bigger = (unsigned char *)realloc(out, capacity);
            if (!bigger) { free(out); inflateEnd(&stream); return NULL; }
            out = bigger;
        }
        stream.next_out = out + used;
        stream.avail_out = (uInt)(capacity - used);
        status = inflate(&stream, Z_NO_FLUSH);
        used = capacity - stream.avail_out;
        if (status != Z_OK && status != Z_STREAM_END) { free(out); inflateEnd(&stream); return NULL; }
        if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) { free(out); inflateEnd(&stream); return NULL; }
    }
    inflateEnd(&stream);
    *outCount = used;
    return out;
}
