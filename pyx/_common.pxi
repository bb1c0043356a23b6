# pyx/_common.pxi -- argument checks shared by every wrapper module.
#
# The one place where the Python contract is enforced: input conversion,
# dtype, layout and `out` checks.  Everything here runs before a kernel
# writes anything, so a refused call leaves `out` untouched.  Hot path
# (an aligned, native, C-contiguous float32/float64 ndarray) costs a few
# pointer tests and no numpy function call.

cimport numpy as cnp
from libc.stdint cimport uintptr_t
from libc.math cimport isnan, isfinite
import numpy as np
from operator import index as operator_index

cnp.import_array()

# Kernels on fewer elements than this keep the GIL: releasing and
# re-acquiring it costs more than the kernel (numpy's threshold is 500).
cdef Py_ssize_t NOGIL_MIN = 1024


cdef struct Operands:
    void *x          # input data (C-contiguous, aligned, native)
    void *y          # output data, same shape and dtype
    size_t n         # elements
    bint f64         # float64 (else float32)


cdef inline bint _is_float(int t):
    return t == cnp.NPY_FLOAT or t == cnp.NPY_DOUBLE


cdef inline bint _well_behaved(cnp.ndarray a):
    return (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISALIGNED(a)
            and cnp.PyArray_ISNOTSWAPPED(a))


cdef inline size_t _size(cnp.ndarray a) noexcept:
    """Number of elements (PyArray_SIZE without its call into numpy)."""
    cdef size_t n = 1
    cdef int d
    for d in range(cnp.PyArray_NDIM(a)):
        n *= <size_t>cnp.PyArray_DIM(a, d)
    return n


cdef cnp.ndarray as_input(object x, str name, Operands *op):
    """x as an aligned, native, C-contiguous float32/float64 array."""
    cdef cnp.ndarray a
    cdef int t
    if cnp.PyArray_Check(x):
        a = <cnp.ndarray>x
    else:
        a = np.asarray(x)
    t = cnp.PyArray_TYPE(a)
    if cnp.PyArray_ISBOOL(a) or cnp.PyArray_ISINTEGER(a):
        # bool and integer input (arrays, scalars, lists) computes in
        # float64, as numpy's ufuncs and SciPy promote it
        a = a.astype(np.float64)
        t = cnp.NPY_DOUBLE
    if not _is_float(t):
        raise TypeError(f"{name}: unsupported dtype {a.dtype}; supported dtypes are float32 and float64")
    if not _well_behaved(a):
        a = np.array(a, dtype=np.float64 if t == cnp.NPY_DOUBLE else np.float32, order="C", copy=True)
    op.x = cnp.PyArray_DATA(a)
    op.n = _size(a)
    op.f64 = t == cnp.NPY_DOUBLE
    return a


cdef inline (uintptr_t, uintptr_t) _extent(cnp.ndarray a):
    """[lo, hi) byte range spanned by a's elements (empty if a has none)."""
    cdef uintptr_t lo = <uintptr_t>cnp.PyArray_DATA(a), hi = lo
    cdef int d
    cdef Py_ssize_t extent
    if cnp.PyArray_SIZE(a) == 0:
        return lo, lo
    for d in range(cnp.PyArray_NDIM(a)):
        extent = (cnp.PyArray_DIM(a, d) - 1) * cnp.PyArray_STRIDE(a, d)
        if extent < 0:
            lo += extent
        else:
            hi += extent
    return lo, hi + <uintptr_t>cnp.PyArray_ITEMSIZE(a)


cdef cnp.ndarray as_output(object out, object x, cnp.ndarray a, str name, Operands *op):
    """The array the result goes to: new, or `out` after every check."""
    return as_output_shaped(out, x, a, cnp.PyArray_NDIM(a), cnp.PyArray_DIMS(a), name, op, True)


cdef cnp.ndarray as_output_shaped(object out, object x, cnp.ndarray a, int nd, cnp.npy_intp *dims,
                                  str name, Operands *op, bint inplace_ok):
    """as_output for a result of shape dims[:nd] (a's dtype); with
    inplace_ok false, out=x (exact aliasing) is refused too.  inplace_ok
    requires dims to be a's shape."""
    cdef cnp.ndarray o
    cdef int d, t = cnp.PyArray_TYPE(a)
    cdef uintptr_t olo, ohi, xlo, xhi
    if out is None:
        o = cnp.PyArray_EMPTY(nd, dims, t, 0)
        op.y = cnp.PyArray_DATA(o)
        return o
    if inplace_ok and out is <object>a and cnp.PyArray_ISWRITEABLE(a):
        # out=x with x used as is: a passed as_input's checks (dtype,
        # C-contiguous, aligned, native), so only writeability was left
        op.y = op.x
        return a
    if not cnp.PyArray_Check(out):
        raise TypeError(f"{name}: out must be a numpy.ndarray or None, not {type(out).__name__}")
    o = <cnp.ndarray>out
    if out is x and cnp.PyArray_TYPE(o) != t:
        raise TypeError(f"{name}: cannot compute in place in x of dtype {o.dtype}: the result has dtype "
                        f"{a.dtype} (bool and integer input computes in float64); pass out=None or a "
                        f"{a.dtype} out")
    if cnp.PyArray_TYPE(o) != t or not cnp.PyArray_ISNOTSWAPPED(o):
        raise TypeError(f"{name}: out has dtype {o.dtype}, but the result has dtype {a.dtype}")
    cdef bint same = cnp.PyArray_NDIM(o) == nd
    for d in range(nd):
        same = same and cnp.PyArray_DIM(o, d) == dims[d]
    if not same:
        raise ValueError(f"{name}: out has shape {(<object>o).shape}, but the result has shape "
                         f"{tuple([dims[d] for d in range(nd)])}")
    if not cnp.PyArray_IS_C_CONTIGUOUS(o):
        raise ValueError(f"{name}: out must be C-contiguous")
    if not cnp.PyArray_ISWRITEABLE(o):
        raise ValueError(f"{name}: out is read-only")
    if not cnp.PyArray_ISALIGNED(o):
        raise ValueError(f"{name}: out must be aligned")
    if not inplace_ok or cnp.PyArray_DATA(o) != cnp.PyArray_DATA(a):   # not exactly in place
        olo, ohi = _extent(o)
        xlo, xhi = _extent(x if cnp.PyArray_Check(x) else a)
        if olo < ohi and xlo < xhi and olo < xhi and xlo < ohi:
            if not inplace_ok:
                raise ValueError(f"{name}: out overlaps x ({name} cannot compute in place)")
            raise ValueError(f"{name}: out partially overlaps x (only out=x, exact aliasing, computes in place)")
    op.y = cnp.PyArray_DATA(o)
    return o


cdef object result(cnp.ndarray o, object out):
    """What a call returns: o, but a 0-d result made for the caller (out
    None) as a numpy scalar of its dtype, as numpy's ufuncs return one
    (cact.sigmoid(0.5) is numpy.float64(0.62...))."""
    if out is None and cnp.PyArray_NDIM(o) == 0:
        return o[()]
    return o


cdef double as_param(object v, str func, str name) except? -1.0:
    """A float parameter as a C double: anything numpy's ufuncs take as a
    real number (float, int, bool, numpy scalars; __float__ or __index__);
    anything else a TypeError naming the function and the parameter."""
    try:
        return v
    except TypeError:
        raise TypeError(f"{func}: {name} must be a real number, not {type(v).__name__}") from None


# ---- along an axis ---------------------------------------------------------

try:
    from numpy.exceptions import AxisError
except ImportError:                     # numpy < 1.25
    from numpy import AxisError


cdef struct AxisView:
    size_t outer     # product of the dimensions before the axis
    size_t len       # the axis
    size_t inner     # product of the dimensions after it


cdef int split_axis(cnp.ndarray a, object axis, AxisView *v) except -1:
    """The [outer, len, inner] view of C-contiguous a along `axis`
    (an integer, negative counts from the end; numpy's AxisError when out of
    range, TypeError when not an integer).  A 0-d array is one entry on
    axis 0 (or -1).  Returns the normalised axis."""
    cdef int nd = cnp.PyArray_NDIM(a), d
    cdef Py_ssize_t ax = operator_index(axis)
    if ax < -max(nd, 1) or ax >= max(nd, 1):
        raise AxisError(ax, nd)
    if ax < 0:
        ax += max(nd, 1)
    v.outer = v.len = v.inner = 1
    for d in range(nd):
        if d < ax:
            v.outer *= <size_t>cnp.PyArray_DIM(a, d)
        elif d == ax:
            v.len = <size_t>cnp.PyArray_DIM(a, d)
        else:
            v.inner *= <size_t>cnp.PyArray_DIM(a, d)
    return <int>ax
