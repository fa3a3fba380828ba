// A persistent pool of hot worker threads for the engine's parallel loops (see sfk_parallel_for in CKernels.h).
//
// Why not libdispatch: `DispatchQueue.concurrentPerform` costs ~13–15 µs per call over the ideal split on this
// class of machine (futex wake-ups and a queue per call, measured with a 2-iteration loop of 8–120 µs items). A
// transformer forward makes hundreds of parallel calls (GEMMs, row kernels, elementwise ops), a GPT-2 decode step
// ~100, so the wake-ups alone were several percent of a forward. Here the workers stay hot between calls: after a
// job they poll a generation counter, first with `pause`, then with `sched_yield` (on a busy machine that hands the
// core to whoever needs it instead of burning the time slice), and only then sleep on a condition variable.
//
// Items are handed out one at a time from an atomic counter, so a thread that loses its core on a shared machine
// does not hold the others back: the rest take its items. Every worker checks in for every job and the caller waits
// until all have, so no worker can still be reading an old job when the next one is published. One job runs at a
// time; a caller that finds the pool busy (another thread's job, or a call from inside a job) runs its items
// itself, in order, so nested and concurrent callers stay correct.
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

enum {
    MAX_WORKERS = 63,
    /// Polls with `pause` (tens of µs) before waiting turns to `sched_yield`.
    PAUSE_POLLS = 1 << 10,
    /// Polls in all (a few ms on an idle machine) before a worker sleeps on the condition variable.
    SPIN_POLLS = 1 << 14,
};

static struct {
    pthread_mutex_t submit;      // held by the one caller whose job runs (and while workers are started)
    pthread_mutex_t sleep_lock;  // guards sleeping on `wake`
    pthread_cond_t wake;
    atomic_uint generation;      // bumped once per job, after its fields are written
    atomic_int sleepers;
    atomic_long next_item;       // the next item to hand out
    atomic_int pending;          // workers that have not finished with the current job
    sfk_parallel_task task;
    void *context;
    ptrdiff_t count;
    int helpers;                 // workers that take items in the current job (the others only check in)
    int workers;                 // workers started
} pool = {
    .submit = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

/// Set on pool workers, and on a caller while its job runs: a parallel call made from inside a task runs inline.
static _Thread_local int inside_job;

static void take_items(void) {
    for (;;) {
        ptrdiff_t item = atomic_fetch_add_explicit(&pool.next_item, 1, memory_order_relaxed);
        if (item >= pool.count) return;
        pool.task(pool.context, item);
    }
}

/// `argument`: the worker's id in the low 8 bits, above them the generation current when it was started (read by
/// the starter: the new thread may first run after the next job is published, and must not skip that job).
static void *worker_main(void *argument) {
    int id = (int)((uintptr_t)argument & 0xFF);
    unsigned seen = (unsigned)((uintptr_t)argument >> 8);
    inside_job = 1;
    for (;;) {
        unsigned current;
        int polls = 0;
        while ((current = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) {
            if (polls < PAUSE_POLLS) {
                CPU_RELAX();
            } else if (polls < SPIN_POLLS) {
                sched_yield();
            } else {
                pthread_mutex_lock(&pool.sleep_lock);
                atomic_fetch_add(&pool.sleepers, 1);
                while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
                atomic_fetch_sub(&pool.sleepers, 1);
                pthread_mutex_unlock(&pool.sleep_lock);
            }
            polls++;
        }
        seen = current;
        if (id < pool.helpers) take_items();
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
    }
    return NULL;
}

/// Starts workers until there are `wanted` (called with `submit` held and no job running, so a new worker's
/// first generation is the current one).
static void start_workers(int wanted) {
    if (wanted > MAX_WORKERS) wanted = MAX_WORKERS;
    while (pool.workers < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        uintptr_t argument = ((uintptr_t)atomic_load(&pool.generation) << 8) | (uintptr_t)pool.workers;
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)argument);
        pthread_attr_destroy(&attributes);
        if (failed) return;  // fewer workers: the caller takes more items
        pool.workers++;
    }
}

static void run_inline(ptrdiff_t count, sfk_parallel_task task, void *context) {
    for (ptrdiff_t item = 0; item < count; item++) task(context, item);
}

void sfk_parallel_for(ptrdiff_t count, sfk_parallel_task task, void *context, int threads) {
    if (count <= 0) return;
    if (count == 1 || threads <= 1 || inside_job || pthread_mutex_trylock(&pool.submit) != 0) {
        run_inline(count, task, context);
        return;
    }
    start_workers(threads - 1);
    int helpers = threads - 1 < pool.workers ? threads - 1 : pool.workers;
    if (helpers == 0) {
        pthread_mutex_unlock(&pool.submit);
        run_inline(count, task, context);
        return;
    }
    pool.task = task;
    pool.context = context;
    pool.count = count;
    pool.helpers = helpers;
    atomic_store_explicit(&pool.next_item, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.pending, pool.workers, memory_order_relaxed);
    atomic_fetch_add(&pool.generation, 1);  // publishes the fields above (sequentially consistent)
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
    inside_job = 1;
    take_items();
    inside_job = 0;
    for (int polls = 0; atomic_load_explicit(&pool.pending, memory_order_acquire) > 0; polls++) {
        if (polls < PAUSE_POLLS) CPU_RELAX();
        else sched_yield();
    }
    pthread_mutex_unlock(&pool.submit);
}
