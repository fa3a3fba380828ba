// Run-time ISA check for the AVX2 kernels (see include/CKernels.h).
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
int sfk_cpu_has_avx2_fma(void) {
    static int cached = -1;  // benign race: every thread computes the same answer
    if (cached < 0) {
        __builtin_cpu_init();
        // __builtin_cpu_supports checks the cpuid bits and that the OS saves the YMM state (XCR0).
        cached = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    }
    return cached;
}
#else
int sfk_cpu_has_avx2_fma(void) { return 0; }
#endif
