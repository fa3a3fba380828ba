// OpenBLAS's C interface. The engine does not link OpenBLAS at build time: it loads the library with
// dlopen after choosing the core type for this CPU (see Sources/Tensors/GEMM/BLASLoader.swift), because
// OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded. This header only gives the enum types.
#include <dlfcn.h>
#include <cblas.h>
