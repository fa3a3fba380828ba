// Tensor storage allocation (see include/CKernels.h).
#define _GNU_SOURCE
#include "CKernels.h"
#include <stdint.h>
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

void sfk_release_mapped_pages(void *p, size_t bytes) {
#if defined(__linux__)
    uintptr_t page = 4096, start = ((uintptr_t)p + page - 1) & ~(page - 1), end = ((uintptr_t)p + bytes) & ~(page - 1);
#if defined(MADV_PAGEOUT)
    // Reclaim rather than discard: a page of a copy-on-write mapping that was written goes to swap (or stays),
    // never loses its contents; clean file pages simply leave the resident set.
    if (end > start) (void)madvise((void *)start, end - start, MADV_PAGEOUT);
#endif
#else
    (void)p;
    (void)bytes;
#endif
}
