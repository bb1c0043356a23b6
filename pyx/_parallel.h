/* pyx/_parallel.h -- the small thread pool behind cact's large-array calls.
 *
 * Included by exactly one translation unit (pyx/_parallel.pyx -> the module
 * cact._parallel), so the process has one pool; the wrapper modules reach it
 * through Cython's cross-module cimport (cact/_parallel.pxd).
 *
 *   cact_parallel_for(fn, ctx, n, grain)
 *
 * applies fn(ctx, lo, hi) to [0, n) split into contiguous chunks whose
 * boundaries are multiples of CACT_PAR_ALIGN (64) elements.  An elementwise
 * kernel started at a multiple of 64 maps every element to the same vector
 * lane, body or tail as a single call over [0, n) does, so the results are
 * bit-identical to the single-thread ones whatever the split.
 *
 * Why a pool of our own and not OpenMP (Cython prange):
 *  - no libgomp/libomp dependency or -fopenmp in the build (clang on macOS
 *    has none), and no clash with the OpenMP runtime PyTorch ships;
 *  - fork-safe: libgomp's pool is not usable in a child after fork()
 *    (multiprocessing), this one is recreated there (pthread_atfork);
 *  - the caller thread works too and takes over chunks a late worker has
 *    not started, so a busy or descheduled core never makes a call slower
 *    than running it alone (2 cores shared with other processes here);
 *  - workers spin only CACT_PAR_SPIN_NS after a job, then sleep on a
 *    condition variable (libgomp's default spin is far longer and burns the
 *    core another process needs);
 *  - several Python threads may call at once: one owns the pool, the others
 *    run their call on their own thread (no blocking, no oversubscription).
 *
 * Work distribution: each participant owns a contiguous range of chunks
 * (the same part of the array on every call, so a buffer processed again
 * and again stays in each core's cache, as with OpenMP's static schedule)
 * and steals from the others' ranges once its own is done.  A range is one
 * 64-bit atomic word (generation, end, next); chunks are claimed by
 * compare-and-swap, so a worker that wakes late can never take a chunk of a
 * later job.
 *
 * Without POSIX threads and gcc/clang atomics (e.g. MSVC), or with
 * CACT_NO_THREADS defined, every call runs on the caller's thread.
 */
#ifndef CACT_PARALLEL_H
#define CACT_PARALLEL_H

#include <stddef.h>

typedef void (*cact_task_fn)(const void *ctx, size_t lo, size_t hi);

#if defined(__GNUC__) || defined(__clang__)
#  define CACT__PAR_API static __attribute__((unused))
#else
#  define CACT__PAR_API static
#endif

#define CACT_PAR_ALIGN 64        /* chunk boundaries: multiples of this many elements */
#define CACT_PAR_MAX_THREADS 256 /* caller included */
#define CACT_PAR_CHUNKS_PER_THREAD 4
#define CACT_PAR_SPIN_NS 50000 /* a worker spins this long for the next job, then sleeps */

/* When > 0, replaces every call's grain (benchmarks/bench.py --tune-threads
 * uses it to find where a second thread starts to pay). */
static size_t cact_parallel_grain_override = 0;

#if (defined(__GNUC__) || defined(__clang__)) && !defined(_WIN32) && !defined(CACT_NO_THREADS)
#  define CACT_THREADS 1
#  include <pthread.h>
#  include <sched.h>
#  include <signal.h>
#  include <stdint.h>
#  include <time.h>
#  if defined(__x86_64__) || defined(__i386__)
#    define CACT__PAUSE() __builtin_ia32_pause()
#  elif defined(__aarch64__)
#    define CACT__PAUSE() __asm__ __volatile__("yield" ::: "memory")
#  else
#    define CACT__PAUSE() ((void)0)
#  endif

/* A job gives every participant t a contiguous range of chunks, in its
 * slot word: generation (32 bits) | end (16) | next (16).  The owner takes
 * chunks from the front of its range; once its range is empty it steals
 * from the back of the others'.  Without stealing, thread t gets the same
 * part of the array call after call (as OpenMP's static schedule), so a
 * buffer processed repeatedly stays in that core's cache. */
#  define CACT__GEN(w) ((uint32_t)((w) >> 32))
#  define CACT__END(w) ((uint32_t)(((w) >> 16) & 0xffffu))
#  define CACT__IDX(w) ((uint32_t)((w)&0xffffu))

struct cact__slot {
    uint64_t w;                      /* atomic */
    char pad[64 - sizeof(uint64_t)]; /* one cache line each */
};

static struct {
    pthread_mutex_t lock; /* with `wake`: sleeping workers */
    pthread_cond_t wake;
    uint64_t job;                         /* atomic: the current generation << 32 */
    uint32_t done;                        /* atomic: chunks finished in the current job */
    int busy;                             /* atomic: a call owns the pool */
    int threads;                          /* atomic (relaxed): threads per call, caller included */
    int active;                           /* atomic: participants 0..active-1 of the current job */
    int started;                          /* workers running (changed by the owner only) */
    int atfork;                           /* pthread_atfork registered */
    uint32_t birth[CACT_PAR_MAX_THREADS]; /* generation current when worker i started */
    /* the job, written by the owner before it publishes a generation */
    cact_task_fn fn;
    const void *ctx;
    size_t n, chunk;
    struct cact__slot slot[CACT_PAR_MAX_THREADS];
} cact__pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 1};

static uint64_t cact__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Claim a chunk of generation `gen` from slot u: the front one (owner) or
 * the back one (thief).  Returns its index, or -1 when the range is empty
 * or belongs to another generation. */
static long cact__par_claim(int u, uint32_t gen, int front)
{
    uint64_t *p = &cact__pool.slot[u].w;
    uint64_t w = __atomic_load_n(p, __ATOMIC_ACQUIRE);
    for (;;) {
        if (CACT__GEN(w) != gen || CACT__IDX(w) >= CACT__END(w)) return -1;
        if (__atomic_compare_exchange_n(p, &w, front ? w + 1 : w - ((uint64_t)1 << 16), 1,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return front ? (long)CACT__IDX(w) : (long)CACT__END(w) - 1;
    }
}

/* Participant t's part of generation `gen`: its own chunks, then the
 * others' that are left.  The job's parameters are read only after a claim
 * succeeded: the job can then neither finish nor be replaced before that
 * chunk is done. */
static void cact__par_work(int t, uint32_t gen)
{
    int k, active = __atomic_load_n(&cact__pool.active, __ATOMIC_ACQUIRE);
    for (k = 0; k < active; k++) {
        int u = (t + k) % active;
        long c;
        while ((c = cact__par_claim(u, gen, k == 0)) >= 0) {
            size_t lo = (size_t)c * cact__pool.chunk;
            size_t hi = lo + cact__pool.chunk;
            if (hi > cact__pool.n) hi = cact__pool.n;
            cact__pool.fn(cact__pool.ctx, lo, hi);
            __atomic_fetch_add(&cact__pool.done, 1, __ATOMIC_RELEASE);
        }
    }
}

static void *cact__par_worker(void *arg)
{
    int id = (int)(intptr_t)arg;          /* 1, 2, ...: the caller is 0 */
    uint32_t seen = cact__pool.birth[id]; /* a job published since is not missed */
    for (;;) {
        uint32_t gen;
        uint64_t t0 = cact__now_ns();
        unsigned spins = 0;
        while ((gen = CACT__GEN(__atomic_load_n(&cact__pool.job, __ATOMIC_ACQUIRE))) == seen) {
            CACT__PAUSE();
            if ((++spins & 255u) == 0 && cact__now_ns() - t0 > CACT_PAR_SPIN_NS) {
                pthread_mutex_lock(&cact__pool.lock);
                while ((gen = CACT__GEN(__atomic_load_n(&cact__pool.job, __ATOMIC_ACQUIRE))) ==
                       seen)
                    pthread_cond_wait(&cact__pool.wake, &cact__pool.lock);
                pthread_mutex_unlock(&cact__pool.lock);
                break;
            }
        }
        seen = gen;
        /* a job for fewer threads than there are workers leaves the rest
         * out (read after the job word: this job's value or a later one's,
         * whose claims then fail) */
        if (id < __atomic_load_n(&cact__pool.active, __ATOMIC_ACQUIRE)) cact__par_work(id, gen);
    }
    return NULL;
}

/* In a child after fork() only the forking thread exists: forget the
 * workers (they are started again on demand) and any call in flight. */
static void cact__par_atfork_child(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    cact__pool.lock = m;
    cact__pool.wake = c;
    cact__pool.started = 0;
    __atomic_store_n(&cact__pool.busy, 0, __ATOMIC_RELAXED);
}

/* Start workers up to `want` (caller excluded); owner only.  Returns how
 * many run.  Workers start with every signal blocked (the interpreter's
 * handlers belong on its own threads). */
static int cact__par_start(int want)
{
    sigset_t all, old;
    pthread_attr_t attr;
    if (!cact__pool.atfork) {
        if (pthread_atfork(NULL, NULL, cact__par_atfork_child) != 0) return cact__pool.started;
        cact__pool.atfork = 1;
    }
    if (cact__pool.started >= want) return cact__pool.started;
    if (pthread_attr_init(&attr) != 0) return cact__pool.started;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (cact__pool.started < want) {
        pthread_t t;
        cact__pool.birth[cact__pool.started + 1] =
            CACT__GEN(__atomic_load_n(&cact__pool.job, __ATOMIC_RELAXED));
        if (pthread_create(&t, &attr, cact__par_worker,
                           (void *)(intptr_t)(cact__pool.started + 1)) != 0)
            break;
        cact__pool.started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return cact__pool.started;
}

/* Calls split over threads so far (the job generation; tests). */
CACT__PAR_API unsigned long cact_parallel_jobs(void)
{
    return CACT__GEN(__atomic_load_n(&cact__pool.job, __ATOMIC_RELAXED));
}

CACT__PAR_API int cact_parallel_get_threads(void)
{
    return __atomic_load_n(&cact__pool.threads, __ATOMIC_RELAXED);
}

CACT__PAR_API void cact_parallel_set_threads(int n)
{
    if (n < 1) n = 1;
    if (n > CACT_PAR_MAX_THREADS) n = CACT_PAR_MAX_THREADS;
    __atomic_store_n(&cact__pool.threads, n, __ATOMIC_RELAXED);
}

/* fn(ctx, lo, hi) over [0, n): on the calling thread alone when fewer than
 * 2 * grain elements, one thread configured, or the pool busy with another
 * caller; else over min(threads, n / grain) threads.  Returns the number of
 * threads used (for tests). */
CACT__PAR_API int cact_parallel_for(cact_task_fn fn, const void *ctx, size_t n, size_t grain)
{
    int threads = __atomic_load_n(&cact__pool.threads, __ATOMIC_RELAXED);
    size_t chunk, nch, per;
    uint32_t gen;
    int t, expect = 0;
    if (cact_parallel_grain_override) grain = cact_parallel_grain_override;
    if (grain < CACT_PAR_ALIGN) grain = CACT_PAR_ALIGN;
    if (threads < 2 || n / 2 < grain ||
        !__atomic_compare_exchange_n(&cact__pool.busy, &expect, 1, 0, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED)) {
        fn(ctx, 0, n);
        return 1;
    }
    if ((size_t)threads > n / grain) threads = (int)(n / grain);
    if (cact__par_start(threads - 1) + 1 < threads)
        threads = cact__pool.started + 1; /* pthread_create failed */
    if (threads < 2) {
        __atomic_store_n(&cact__pool.busy, 0, __ATOMIC_RELEASE);
        fn(ctx, 0, n);
        return 1;
    }
    /* CACT_PAR_CHUNKS_PER_THREAD chunks each, but none below grain / 2,
     * rounded up to a multiple of CACT_PAR_ALIGN elements */
    per = (size_t)threads * CACT_PAR_CHUNKS_PER_THREAD;
    chunk = (n + per - 1) / per;
    if (chunk < grain / 2) chunk = grain / 2;
    chunk = (chunk + CACT_PAR_ALIGN - 1) / CACT_PAR_ALIGN * CACT_PAR_ALIGN;
    nch = (n + chunk - 1) / chunk; /* <= per <= 1024 < 2^16 */
    cact__pool.fn = fn;
    cact__pool.ctx = ctx;
    cact__pool.n = n;
    cact__pool.chunk = chunk;
    __atomic_store_n(&cact__pool.done, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&cact__pool.active, threads, __ATOMIC_RELAXED);
    gen = CACT__GEN(__atomic_load_n(&cact__pool.job, __ATOMIC_RELAXED)) + 1;
    for (t = 0; t < threads; t++) { /* participant t: chunks [nch t / T, nch (t+1) / T) */
        uint64_t lo = nch * (size_t)t / (size_t)threads,
                 hi = nch * (size_t)(t + 1) / (size_t)threads;
        __atomic_store_n(&cact__pool.slot[t].w, ((uint64_t)gen << 32) | (hi << 16) | lo,
                         __ATOMIC_RELAXED);
    }
    __atomic_store_n(&cact__pool.job, (uint64_t)gen << 32, __ATOMIC_RELEASE); /* publish */
    pthread_mutex_lock(&cact__pool.lock);
    pthread_cond_broadcast(&cact__pool.wake);
    pthread_mutex_unlock(&cact__pool.lock);
    cact__par_work(0, gen);
    {
        unsigned spins = 0;
        while (__atomic_load_n(&cact__pool.done, __ATOMIC_ACQUIRE) < (uint32_t)nch) {
            CACT__PAUSE();
            if ((++spins & 1023u) == 0)
                sched_yield(); /* a worker holding a chunk was descheduled */
        }
    }
    __atomic_store_n(&cact__pool.busy, 0, __ATOMIC_RELEASE);
    return threads;
}

#else /* no threads: every call on the caller's thread */
#  define CACT_THREADS 0
static int cact__par_threads = 1;
CACT__PAR_API unsigned long cact_parallel_jobs(void) { return 0; }
CACT__PAR_API int cact_parallel_get_threads(void) { return cact__par_threads; }
CACT__PAR_API void cact_parallel_set_threads(int n) { cact__par_threads = n < 1 ? 1 : n; }
CACT__PAR_API int cact_parallel_for(cact_task_fn fn, const void *ctx, size_t n, size_t grain)
{
    (void)grain;
    fn(ctx, 0, n);
    return 1;
}
#endif

#endif /* CACT_PARALLEL_H */
