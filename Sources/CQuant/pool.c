// A persistent pool of spin-waiting workers for the row-split matmul.
//
// Why: a decode step of a small model is ~120 matrix-vector products of 10–100 µs each. Waking threads through
// libdispatch (futex wake-ups, a queue per call) costs several µs to tens of µs per product on each side, a large
// share of the step. Here the workers stay hot between products: they poll a generation counter (with `pause`) for a
// while after each job, and only then sleep on a condition variable. The caller computes a share itself and spins
// for the stragglers. Rows are handed out in chunks from an atomic counter, so a thread that loses its core (a shared
// machine) does not hold the others back. Waiting turns from `pause` to `sched_yield` quickly, so an overloaded
// machine does not starve the threads that hold the work (llama.cpp's pure spinning collapses there).
//
// Every worker takes part in every job and the caller waits for all of them, so no worker can still be inside an
// old job when the next one is published. One job runs at a time: a caller that finds the pool busy (another thread inside `cq_matmul_parallel`) computes its
// whole product alone, so concurrent callers stay correct.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

enum {
    MAX_WORKERS = 63,
    /// Polls with `pause` before waiting turns to `sched_yield` (free on an idle core, and on a busy machine it hands
    /// the core to whoever needs it — a worker of ours included — instead of burning the time slice).
    PAUSE_POLLS = 1 << 10,
    /// Polls (yields) before a worker sleeps on the condition variable: a few ms on an idle machine.
    SPIN_POLLS = 1 << 14,
};

static inline void wait_a_little(int polls) {
    if (polls < PAUSE_POLLS) CPU_RELAX();
    else sched_yield();
}

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

static struct {
    pthread_mutex_t submit;  // held by the one caller whose job runs
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    atomic_uint generation;  // bumped once per job
    atomic_int sleepers;
    atomic_int next_row;     // the next chunk's first row
    atomic_int pending;      // workers still inside the current job
    int workers;             // started so far; every one takes part in every job
    job_t job;
} pool = {
    .submit = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

/// Takes chunks of rows until none are left.
static void run_chunks(const job_t *job) {
    for (;;) {
        int start = atomic_fetch_add_explicit(&pool.next_row, job->chunk, memory_order_relaxed);
        if (start >= job->rows) return;
        int end = start + job->chunk < job->rows ? start + job->chunk : job->rows;
        cq_matmul_rows(job->type, job->weights, job->row_bytes, start, end, job->activations, job->tokens,
                       job->columns, job->out, job->out_stride);
    }
}

/// `arg`: the generation current when the worker was created (a job published before the thread first runs must
/// still be seen as new).
static void *worker_main(void *arg) {
    unsigned seen = (unsigned)(uintptr_t)arg;
    for (;;) {
        unsigned now;
        int polls = 0;
        while ((now = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) {
            if (++polls < SPIN_POLLS) { wait_a_little(polls); continue; }
            pthread_mutex_lock(&pool.sleep_lock);
            atomic_fetch_add(&pool.sleepers, 1);
            while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.sleep_lock);
            polls = 0;
        }
        seen = now;
        run_chunks(&pool.job);
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
    }
    return NULL;
}

/// Starts workers up to `count`; returns how many exist.
static int ensure_workers(int count) {
    if (count > MAX_WORKERS) count = MAX_WORKERS;
    while (pool.workers < count) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main,
                                    (void *)(uintptr_t)atomic_load(&pool.generation));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.workers++;
    }
    return pool.workers;
}

void cq_matmul_parallel(int type, const void *weights, size_t row_bytes, int rows, const void *activations,
                        int tokens, int columns, float *out, size_t out_stride, int threads) {
    if (rows <= 0 || tokens <= 0) return;
    if (threads <= 1 || pthread_mutex_trylock(&pool.submit) != 0) {
        cq_matmul_rows(type, weights, row_bytes, 0, rows, activations, tokens, columns, out, out_stride);
        return;
    }
    // The pool only grows: a later call asking for fewer threads still shares its rows with every worker (the
    // thread count is process-wide in practice, `SWIFTFORMERS_THREADS`).
    int helpers = ensure_workers(threads - 1);
    // About eight chunks per thread (multiples of 4 rows, the decode kernel's tile), at least 16 rows each.
    int chunk = rows / (8 * threads);
    chunk = chunk < 16 ? 16 : (chunk + 3) / 4 * 4;
    pool.job = (job_t){type, weights, row_bytes, rows, activations, tokens, columns, out, out_stride, chunk};
    atomic_store_explicit(&pool.next_row, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.pending, helpers, memory_order_relaxed);
    atomic_fetch_add(&pool.generation, 1);  // publishes the job (sequentially consistent: pairs with `sleepers`)
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    run_chunks(&pool.job);
    for (int polls = 0; atomic_load_explicit(&pool.pending, memory_order_acquire) > 0; polls++) wait_a_little(polls);
    pthread_mutex_unlock(&pool.submit);
}
