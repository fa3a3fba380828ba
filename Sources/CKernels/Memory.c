// Tensor storage allocation (see include/CKernels.h).
#define _GNU_SOURCE
#include "CKernels.h"
#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

enum {
    SFK_CACHE_LINE = 64,
    SFK_HUGE_PAGE = 2 << 20,
    SFK_HUGE_THRESHOLD = 4 << 20,
};

void *sfk_allocate(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = 1;
#if defined(__linux__)
    if (bytes >= SFK_HUGE_THRESHOLD) {
        if (posix_memalign(&p, SFK_HUGE_PAGE, bytes) != 0) return NULL;
        // Best effort: with THP in "madvise" mode (the common default) this lets the first touch of
        // each 2 MiB fault in one huge page instead of 512 small ones. Failure changes nothing else.
        (void)madvise(p, bytes, MADV_HUGEPAGE);
        return p;
    }
#endif
    if (posix_memalign(&p, SFK_CACHE_LINE, bytes) != 0) return NULL;
    return p;
}

void sfk_deallocate(void *p) { free(p); }
