# pyx/_common.pxi -- argument checks shared by every wrapper module.
#
# The one place where the DESIGN.md contract is enforced: input conversion,
# dtype, layout and `out` checks.  Everything here runs before a kernel
# writes anything, so a refused call leaves `out` untouched.  Hot path
# (an aligned, native, C-contiguous float32/float64 ndarray) costs a few
# pointer tests and no numpy function call.

cimport numpy as cnp
from libc.stdint cimport uintptr_t
from libc.math cimport isnan, isfinite
import numpy as np

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
        # Python numbers and lists of them compute in float64, as numpy would
        if a.dtype.kind in "biu" and not isinstance(x, np.generic):
            a = a.astype(np.float64)
    t = cnp.PyArray_TYPE(a)
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
    cdef cnp.ndarray o
    cdef int d, t = cnp.PyArray_TYPE(a)
    cdef uintptr_t olo, ohi, xlo, xhi
    if out is None:
        o = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(a), cnp.PyArray_DIMS(a), t, 0)
        op.y = cnp.PyArray_DATA(o)
        return o
    if out is <object>a and cnp.PyArray_ISWRITEABLE(a):
        # out=x with x used as is: a passed as_input's checks (dtype,
        # C-contiguous, aligned, native), so only writeability was left
        op.y = op.x
        return a
    if not cnp.PyArray_Check(out):
        raise TypeError(f"{name}: out must be a numpy.ndarray or None, not {type(out).__name__}")
    o = <cnp.ndarray>out
    if cnp.PyArray_TYPE(o) != t or not cnp.PyArray_ISNOTSWAPPED(o):
        raise TypeError(f"{name}: out has dtype {o.dtype}, but the result has dtype {a.dtype}")
    if cnp.PyArray_NDIM(o) != cnp.PyArray_NDIM(a):
        raise ValueError(f"{name}: out has shape {(<object>o).shape}, but the result has shape {(<object>a).shape}")
    for d in range(cnp.PyArray_NDIM(a)):
        if cnp.PyArray_DIM(o, d) != cnp.PyArray_DIM(a, d):
            raise ValueError(f"{name}: out has shape {(<object>o).shape}, but the result has shape {(<object>a).shape}")
    if not cnp.PyArray_IS_C_CONTIGUOUS(o):
        raise ValueError(f"{name}: out must be C-contiguous")
    if not cnp.PyArray_ISWRITEABLE(o):
        raise ValueError(f"{name}: out is read-only")
    if not cnp.PyArray_ISALIGNED(o):
        raise ValueError(f"{name}: out must be aligned")
    if cnp.PyArray_DATA(o) != cnp.PyArray_DATA(a):       # not exactly in place
        olo, ohi = _extent(o)
        xlo, xhi = _extent(x if cnp.PyArray_Check(x) else a)
        if olo < ohi and xlo < xhi and olo < xhi and xlo < ohi:
            raise ValueError(f"{name}: out partially overlaps x (only out=x, exact aliasing, computes in place)")
    op.y = cnp.PyArray_DATA(o)
    return o
