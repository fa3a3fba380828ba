// The row-split quantized matmul on the engine's persistent worker pool (CKernels' WorkerPool.c).
//
// Why a pool at all: a decode step of a small model is ~120 matrix-vector products of 10–100 µs each, and waking
// threads through libdispatch costs several µs to tens of µs per product on each side. The pool's workers stay hot
// between products. Rows go out in chunks (items of the parallel loop, claimed one at a time), so a thread that
// loses its core on a shared machine does not hold the others back.
#include "CKernels.h"
#include "internal.h"

typedef struct {
    int type;
    const void *weights;
    size_t row_bytes;
    int rows;
    const void *activations;
    int tokens;
    int columns;
    float *out;
    size_t out_stride;
    int chunk;
} job_t;

static void run_chunk(void *context, ptrdiff_t item) {
    const job_t *job = context;
    int start = (int)item * job->chunk;
    int end = start + job->chunk < job->rows ? start + job->chunk : job->rows;
    cq_matmul_rows(job->type, job->weights, job->row_bytes, start, end, job->activations, job->tokens, job->columns,
                   job->out, job->out_stride);
}

void cq_matmul_parallel(int type, const void *weights, size_t row_bytes, int rows, const void *activations,
                        int tokens, int columns, float *out, size_t out_stride, int threads) {
    if (rows <= 0 || tokens <= 0) return;
    // About eight chunks per thread (multiples of 4 rows, the decode kernel's tile), at least 16 rows each.
    int chunk = threads > 1 ? rows / (8 * threads) : rows;
    chunk = chunk < 16 ? 16 : (chunk + 3) / 4 * 4;
    job_t job = {type, weights, row_bytes, rows, activations, tokens, columns, out, out_stride, chunk};
    sfk_parallel_for((rows + chunk - 1) / chunk, run_chunk, &job, threads);
}
