# The thread pool of cact (pyx/_parallel.h), for the wrapper modules:
#     from cact._parallel cimport task_fn, parallel_for
# parallel_for(fn, ctx, n, grain) runs fn(ctx, lo, hi) over [0, n) in
# contiguous chunks starting at multiples of 64 elements, on up to
# get_num_threads() threads (the caller included) when n >= 2 * grain, else
# as one call fn(ctx, 0, n) on the caller's thread.  Call it without the GIL.

ctypedef void (*task_fn)(const void *ctx, size_t lo, size_t hi) noexcept nogil

cdef int parallel_for(task_fn fn, const void *ctx, size_t n, size_t grain) noexcept nogil
