# cython: language_level=3
"""cact._parallel: the process's one thread pool for large-array calls.

The pool itself is C (pyx/_parallel.h, which explains the design); this
module owns it, exports parallel_for to the other wrapper modules through
cact/_parallel.pxd, and holds the Python-visible thread count.
"""
import os as _os

cdef extern from "_parallel.h" nogil:
    ctypedef void (*cact_task_fn)(const void *ctx, size_t lo, size_t hi) noexcept nogil
    int CACT_THREADS
    int CACT_PAR_MAX_THREADS
    unsigned long cact_parallel_jobs()
    int cact_parallel_get_threads()
    void cact_parallel_set_threads(int n)
    int cact_parallel_for(cact_task_fn fn, const void *ctx, size_t n, size_t grain)
    size_t cact_parallel_grain_override

cdef extern from *:
    """
    #if defined(__clang__)
    #  define CACT__COMPILER "clang " __clang_version__
    #elif defined(__GNUC__)
    #  define CACT__COMPILER "gcc " __VERSION__
    #elif defined(_MSC_VER)
    #  define CACT__COMPILER "MSVC"
    #else
    #  define CACT__COMPILER "unknown compiler"
    #endif
    """
    const char *CACT__COMPILER


cdef int parallel_for(task_fn fn, const void *ctx, size_t n, size_t grain) noexcept nogil:
    return cact_parallel_for(<cact_task_fn>fn, ctx, n, grain)


HAVE_THREADS = bool(CACT_THREADS)
COMPILER = CACT__COMPILER.decode()     # the compiler that built cact
MAX_THREADS = CACT_PAR_MAX_THREADS


def set_num_threads(n):
    """Use up to n threads (the calling thread included) for large arrays.

    Only calls on arrays large enough for a second thread to pay use more
    than one (the threshold depends on the function; see docs/performance.md);
    smaller ones never touch the pool.  Results are bit-identical whatever
    n is.  The setting is process-wide; the default is the number of CPUs
    this process may run on, or $CACT_NUM_THREADS.
    """
    import operator
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"set_num_threads: n must be >= 1, got {n}")
    cact_parallel_set_threads(min(n, CACT_PAR_MAX_THREADS))


def get_num_threads():
    """The number of threads large-array calls may use (caller included)."""
    return cact_parallel_get_threads()


cdef void _noop(const void *ctx, size_t lo, size_t hi) noexcept nogil:
    pass


def _for_test(size_t n, size_t grain):
    """Run a no-op task through the pool; returns the threads it used."""
    cdef int used
    with nogil:
        used = cact_parallel_for(_noop, NULL, n, grain)
    return used


def _grain_override(size_t grain):
    """Use `grain` for every call instead of the function's own (0: back to
    those).  For tuning the thresholds only."""
    global cact_parallel_grain_override
    cact_parallel_grain_override = grain


def _jobs():
    """How many calls have been split over threads so far (tests)."""
    return cact_parallel_jobs()


cdef void _spin(const void *ctx, size_t lo, size_t hi) noexcept nogil:
    # pure compute: a dependent chain of floating-point operations
    cdef double acc = 0.0
    cdef size_t i
    for i in range(lo, hi):
        acc = acc * 0.999999 + 1.0
    (<double *>ctx)[0] += acc * 0.0


def _probe(int threads=2, size_t work=1 << 22):
    """How many cores this process gets right now: the speed-up of a
    compute-only job on `threads` threads over one (about `threads` on an
    idle machine; near 1 when other processes hold the other cores)."""
    import time
    cdef double sink = 0.0
    cdef int saved = cact_parallel_get_threads()
    cdef double t1, tn
    try:
        cact_parallel_set_threads(1)
        t = time.perf_counter()
        with nogil:
            cact_parallel_for(_spin, &sink, work, 1 << 12)
        t1 = time.perf_counter() - t
        cact_parallel_set_threads(threads)
        t = time.perf_counter()
        with nogil:
            cact_parallel_for(_spin, &sink, work, 1 << 12)
        tn = time.perf_counter() - t
    finally:
        cact_parallel_set_threads(saved)
    return t1 / tn


def default_num_threads():
    """$CACT_NUM_THREADS if set (an integer >= 1), else the CPUs this
    process may run on (its affinity mask, as os.sched_getaffinity)."""
    env = _os.environ.get("CACT_NUM_THREADS", "").strip()
    if env:
        try:
            n = int(env)
            if n >= 1:
                return n
        except ValueError:
            pass
        import warnings
        warnings.warn(f"CACT_NUM_THREADS={env!r} is not an integer >= 1; ignored", RuntimeWarning)
    try:
        return max(1, len(_os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, _os.cpu_count() or 1)


set_num_threads(default_num_threads())
