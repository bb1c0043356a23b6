# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Functions along an axis: softmax, log_softmax, softmin, maxout, prelu.

Thin wrappers: validate with pyx/_common.pxi, view the array as
[outer, len, inner] around the axis, call one C kernel of cact/axis.h
(without the GIL for large inputs).  No copy is made of a C-contiguous
input; any other input is copied once to C order.
"""

from cact.kernels cimport *
from cact._parallel cimport parallel_for
include "_common.pxi"

__all__ = ["softmax", "log_softmax", "softmin", "maxout", "prelu"]

def _isa_reset():
    """Re-read $CACT_ISA for this module's kernels; returns the level's name (tests)."""
    return cact_isa_name(cact_isa_reset()).decode()


cdef enum:
    SOFTMAX = 0
    LOG_SOFTMAX = 1
    SOFTMIN = 2


cdef inline void _run_softmax(const Operands *op, const AxisView *v, int which) noexcept nogil:
    if op.f64:
        if which == SOFTMAX:
            cact_softmax_f64(<const double *>op.x, <double *>op.y, v.outer, v.len, v.inner)
        elif which == LOG_SOFTMAX:
            cact_log_softmax_f64(<const double *>op.x, <double *>op.y, v.outer, v.len, v.inner)
        else:
            cact_softmin_f64(<const double *>op.x, <double *>op.y, v.outer, v.len, v.inner)
    else:
        if which == SOFTMAX:
            cact_softmax_f32(<const float *>op.x, <float *>op.y, v.outer, v.len, v.inner)
        elif which == LOG_SOFTMAX:
            cact_log_softmax_f32(<const float *>op.x, <float *>op.y, v.outer, v.len, v.inner)
        else:
            cact_softmin_f32(<const float *>op.x, <float *>op.y, v.outer, v.len, v.inner)


# Large calls are split over the thread pool (cact.set_num_threads) by
# whole rows of the [outer, len, inner] view: each row's result depends on
# that row alone (its max, its sum in a fixed order, the same per-element
# arithmetic whatever rows are done with it), so any split gives the bits of
# one thread (tests/test_axis.py).  The pool cuts [0, n) at multiples of 64,
# so a row is handed to it as ROW_UNITS units.
cdef enum:
    ROW_UNITS = 64
# a second thread pays from about this many elements per chunk (the
# compute-bound elementwise kernels' grain; measured with
# `python benchmarks/bench_axis.py --threads`)
cdef enum:
    SOFTMAX_GRAIN = 16384

cdef struct SoftTask:
    Operands op
    AxisView v
    int which


cdef void _run_softmax_rows(const void *ctx, size_t lo, size_t hi) noexcept nogil:
    cdef const SoftTask *t = <const SoftTask *>ctx
    cdef Operands op = t.op
    cdef AxisView v = t.v
    cdef size_t r0 = lo // ROW_UNITS
    cdef size_t off = r0 * v.len * v.inner * (8 if op.f64 else 4)
    v.outer = hi // ROW_UNITS - r0
    op.x = <char *>op.x + off
    op.y = <char *>op.y + off
    _run_softmax(&op, &v, t.which)


cdef object _softmax_family(object x, object axis, object out, str name, int which):
    cdef SoftTask t
    cdef cnp.ndarray a = as_input(x, name, &t.op)
    split_axis(a, axis, &t.v)
    cdef cnp.ndarray o = as_output(out, x, a, name, &t.op)
    cdef size_t row = t.v.len * t.v.inner
    t.which = which
    if <Py_ssize_t>t.op.n < NOGIL_MIN:
        _run_softmax(&t.op, &t.v, which)
    elif t.v.outer < 2 or row == 0:
        with nogil:
            _run_softmax(&t.op, &t.v, which)
    else:
        with nogil:
            parallel_for(_run_softmax_rows, &t, t.v.outer * ROW_UNITS,
                         (SOFTMAX_GRAIN + row - 1) // row * ROW_UNITS)
    return o


_SOFTMAX_DOC = """{sig}

    {what}

    Parameters
    ----------
    x : array_like, float32 or float64
    axis : int, default -1
        The axis along which the rows run (any axis; negative counts from
        the end).  A 0-d x is a row of one entry.
    out : ndarray, optional
        Where the result goes: x itself (in place) or a writeable C-contiguous
        array of x's shape and dtype that does not partially overlap x.

    Returns
    -------
    ndarray of x's shape and dtype (out, if given).

    Every row is computed stably (the row max is subtracted exactly; float32
    works in double, float64 with an exact two-term difference and a
    compensated sum), within {ulp32} ulp (float32) and {ulp64} ulp (float64)
    of the exact result, subnormal results included.  A NaN anywhere in a row
    gives a NaN row; a row of all {allinf} gives NaN (0/0); {inf} entries give
    the limit {limit} (NumPy, SciPy and PyTorch give NaN there).  An empty axis
    gives an empty result (scipy.special raises ValueError).

    Kernels: cact_{name}_f32 / cact_{name}_f64 (cact/axis.h).
    """


def softmax(x, axis=-1, *, out=None):
    return _softmax_family(x, axis, out, "softmax", SOFTMAX)


def log_softmax(x, axis=-1, *, out=None):
    return _softmax_family(x, axis, out, "log_softmax", LOG_SOFTMAX)


def softmin(x, axis=-1, *, out=None):
    return _softmax_family(x, axis, out, "softmin", SOFTMIN)


softmax.__doc__ = _SOFTMAX_DOC.format(
    sig="softmax(x, axis=-1, *, out=None)", name="softmax", ulp32=2, ulp64=4,
    what="exp(x - max) / sum(exp(x - max)) along axis: entries in [0, 1] summing to 1.",
    allinf="-inf", inf="+inf",
    limit="(1/k on each of the k entries at +inf, 0 elsewhere)")
log_softmax.__doc__ = _SOFTMAX_DOC.format(
    sig="log_softmax(x, axis=-1, *, out=None)", name="log_softmax", ulp32=2, ulp64=4,
    what=("x - max - log(sum(exp(x - max))) along axis, the log of softmax.  The\n"
          "    largest entry keeps full precision when its result is tiny:\n"
          "    log_softmax([0, -30])[0] = -log1p(e**-30) = -9.36e-14, not 0."),
    allinf="-inf", inf="+inf",
    limit="(-log(k) on each of the k entries at +inf, -inf elsewhere)")
softmin.__doc__ = _SOFTMAX_DOC.format(
    sig="softmin(x, axis=-1, *, out=None)", name="softmin", ulp32=2, ulp64=4,
    what="softmax(-x): exp(min - x) / sum(exp(min - x)) along axis.",
    allinf="+inf", inf="-inf",
    limit="(1/k on each of the k entries at -inf, 0 elsewhere)")


def maxout(x, pieces, axis=-1, *, out=None):
    """maxout(x, pieces, axis=-1, *, out=None)

    The max of every run of `pieces` consecutive entries along axis: the
    result has x's shape with that axis divided by pieces.  NaN propagates
    (a run holding a NaN gives NaN).

    Parameters
    ----------
    x : array_like, float32 or float64
    pieces : int >= 1
        Entries per run; x.shape[axis] must be a multiple of it (ValueError).
    axis : int, default -1
    out : ndarray, optional
        A writeable C-contiguous array of the result's shape and dtype that
        does not overlap x (maxout cannot compute in place).

    Returns
    -------
    ndarray of x's dtype (out, if given).

    Kernels: cact_maxout_f32 / cact_maxout_f64 (cact/axis.h).
    """
    cdef Operands op
    cdef AxisView v
    cdef Py_ssize_t p = operator_index(pieces)
    cdef cnp.npy_intp dims[64]       # NPY_MAXDIMS (numpy 2)
    cdef int d, nd, ax
    if p < 1:
        raise ValueError(f"maxout: pieces must be >= 1, got {p}")
    cdef cnp.ndarray a = as_input(x, "maxout", &op)
    ax = split_axis(a, axis, &v)
    if v.len % <size_t>p:
        raise ValueError(f"maxout: the axis has length {v.len}, which is not a multiple of pieces={p}")
    nd = cnp.PyArray_NDIM(a)
    for d in range(nd):
        dims[d] = cnp.PyArray_DIM(a, d)
    if nd:
        dims[ax] //= p
    cdef cnp.ndarray o = as_output_shaped(out, x, a, nd, dims, "maxout", &op, False)
    if <Py_ssize_t>op.n < NOGIL_MIN:
        _run_maxout(&op, &v, <size_t>p)
    else:
        with nogil:
            _run_maxout(&op, &v, <size_t>p)
    return o


cdef inline void _run_maxout(const Operands *op, const AxisView *v, size_t p) noexcept nogil:
    if op.f64:
        cact_maxout_f64(<const double *>op.x, <double *>op.y, v.outer, v.len, v.inner, p)
    else:
        cact_maxout_f32(<const float *>op.x, <float *>op.y, v.outer, v.len, v.inner, p)


cdef cnp.ndarray _weight(object weight, cnp.ndarray a):
    """prelu's weight as an aligned contiguous array of a's dtype."""
    cdef cnp.ndarray w
    if cnp.PyArray_Check(weight) or isinstance(weight, np.generic):
        w = np.asarray(weight)
        if cnp.PyArray_TYPE(w) != cnp.PyArray_TYPE(a):
            raise TypeError(f"prelu: weight has dtype {w.dtype}, but x has dtype {a.dtype}; they must match")
    else:                               # Python numbers and lists take x's dtype
        w = np.asarray(weight)
        if w.dtype.kind not in "biuf":
            raise TypeError(f"prelu: weight must be real numbers, not {w.dtype}")
        w = w.astype(a.dtype)
    if cnp.PyArray_NDIM(w) > 1:
        raise ValueError(f"prelu: weight must be a scalar or 1-d, got shape {(<object>w).shape}")
    if not _well_behaved(w):
        w = np.ascontiguousarray(w, dtype=a.dtype)
    return w


def prelu(x, weight, axis=1, *, out=None):
    """prelu(x, weight, axis=1, *, out=None)

    x where x >= 0, else weight[c] * x, where c is the entry's index along
    the channel axis (PyTorch's PReLU).  With weight 0 the result at
    x = -inf is -0 (the limit), not NaN.  NaN stays NaN.

    Parameters
    ----------
    x : array_like, float32 or float64
    weight : ndarray, scalar or list
        The negative slopes: length x.shape[axis], or one entry (or a scalar)
        for all channels.  An ndarray (or numpy scalar) must have x's dtype
        (TypeError otherwise); Python numbers and lists are converted to it.
    axis : int, default 1
        The channel axis: 1 is NCHW's C and [batch, features]'s features.
        A 1-d (or 0-d) x has no batch axis: its channel axis is 0, and axis
        may be 0, -1 or the default 1.
    out : ndarray, optional
        Where the result goes: x itself (in place) or a writeable C-contiguous
        array of x's shape and dtype that does not partially overlap x.

    Returns
    -------
    ndarray of x's shape and dtype (out, if given).

    Kernels: cact_prelu_f32 / cact_prelu_f64 (cact/axis.h).
    """
    cdef Operands op
    cdef AxisView v
    cdef cnp.ndarray a = as_input(x, "prelu", &op)
    cdef cnp.ndarray w = _weight(weight, a)
    cdef Py_ssize_t nw = cnp.PyArray_SIZE(w)
    cdef Py_ssize_t ax = operator_index(axis)
    if cnp.PyArray_NDIM(a) < 2 and ax == 1:
        ax = 0
    split_axis(a, ax, &v)
    if nw == 1:                         # one slope for everything
        v.inner = v.outer * v.len * v.inner
        v.outer = v.len = 1
    elif <size_t>nw != v.len:
        raise ValueError(f"prelu: weight has {nw} entries, but x has {v.len} channels along axis {axis}")
    cdef cnp.ndarray o = as_output(out, x, a, "prelu", &op)
    cdef const void *wp = cnp.PyArray_DATA(w)
    if <Py_ssize_t>op.n < NOGIL_MIN:
        _run_prelu(&op, &v, wp)
    else:
        with nogil:
            _run_prelu(&op, &v, wp)
    return o


cdef inline void _run_prelu(const Operands *op, const AxisView *v, const void *w) noexcept nogil:
    if op.f64:
        cact_prelu_f64(<const double *>op.x, <double *>op.y, v.outer, v.len, v.inner, <const double *>w)
    else:
        cact_prelu_f32(<const float *>op.x, <float *>op.y, v.outer, v.len, v.inner, <const float *>w)
