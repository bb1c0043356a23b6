# pyx/_common.pxi -- argument checks shared by every wrapper module.
#
# The one place where the Python contract is enforced: input conversion,
# dtype, layout and `out` checks.  Everything here runs before a kernel
# writes anything, so a refused call leaves `out` untouched.  Hot path
# (an aligned, native, C-contiguous float32/float64/float16 ndarray) costs a
# few pointer tests and no numpy function call.
#
# Half precision: numpy's float16 and ml_dtypes.bfloat16 (an optional
# dependency, never imported here: a dtype named bfloat16, 2 bytes, of a
# registered user type is recognised on first sight and its type number
# remembered).  Cython has no half-precision type: their data travel as
# uint16_t to the cact_<name>_f16 / _bf16 kernels.

cimport numpy as cnp
from cpython.buffer cimport PyObject_CheckBuffer
from libc.stdint cimport uintptr_t, uint16_t
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
    bint f64         # float64 (else float32, or half below)
    int half         # 0: float32/float64, HALF_F16: float16, HALF_BF16: bfloat16
    size_t isz       # bytes per element


cdef extern from "numpy/arrayobject.h":
    enum:
        NPY_HALF        # numpy's float16
        NPY_USERDEF     # the first type number of a registered user dtype

cdef enum:
    HALF_F16 = 1
    HALF_BF16 = 2

# numpy's type number of ml_dtypes.bfloat16 once seen (-1 before)
cdef int _bf16_num = -1

SUPPORTED = "supported dtypes are float32, float64, float16 and bfloat16 (ml_dtypes)"


cdef inline bint _is_float(int t):
    return t == cnp.NPY_FLOAT or t == cnp.NPY_DOUBLE


cdef int _half_kind(cnp.ndarray a):
    """HALF_F16, HALF_BF16 or 0 for a's dtype."""
    global _bf16_num
    cdef int t = cnp.PyArray_TYPE(a)
    if t == NPY_HALF:
        return HALF_F16
    if t == _bf16_num:
        return HALF_BF16
    if _bf16_num < 0 and t >= NPY_USERDEF:
        dt = (<object>a).dtype
        if dt.name == "bfloat16" and dt.itemsize == 2:
            _bf16_num = t
            return HALF_BF16
    return 0


# ---- arrays of other libraries ---------------------------------------------
# An object that is not an ndarray but exports its memory -- through DLPack
# (__dlpack__: a CPU torch tensor, a JAX array) or the buffer protocol
# (memoryview, array.array, bytearray) -- is taken as the numpy array on
# the same memory: np.from_dlpack / np.asarray(memoryview(obj)), no copy.
# It is then an ndarray like any other: the same dtype, layout and
# writeability rules apply (a non-contiguous x is copied; a read-only
# export is refused as out=; integers and bool compute in float64).

cdef inline bint exports_array(object obj):
    """obj (not an ndarray) exports its memory: DLPack or the buffer
    protocol.  numpy scalars keep numpy's own path."""
    return (hasattr(type(obj), "__dlpack__")
            or (PyObject_CheckBuffer(obj) and not isinstance(obj, np.generic)))


cdef cnp.ndarray exported_array(object obj, str name, str param):
    """The ndarray on obj's memory (exports_array(obj) is true).  A device
    other than the CPU, or an export the library refuses (a torch tensor that
    requires grad, a dtype DLPack or numpy lacks), is a TypeError naming the
    function and the parameter."""
    cdef object dev
    if hasattr(type(obj), "__dlpack__"):
        dev = getattr(obj, "__dlpack_device__", None)
        if dev is not None:
            dev = dev()
            if int(dev[0]) != 1:            # kDLCPU
                raise TypeError(f"{name}: {param} is on DLPack device {tuple(int(d) for d in dev)}, "
                                f"not the CPU; cact computes on the CPU: copy it there first "
                                f"(torch: .cpu())")
        try:
            return np.from_dlpack(obj)
        except (BufferError, RuntimeError, TypeError, ValueError) as e:
            raise TypeError(f"{name}: {param} ({type(obj).__name__}) cannot be read through "
                            f"DLPack: {e}") from e
    return np.asarray(memoryview(obj))


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
    """x as an aligned, native, C-contiguous float32/float64/float16/bfloat16
    array (op.half says which half type)."""
    cdef cnp.ndarray a
    cdef int t
    if cnp.PyArray_Check(x):
        a = <cnp.ndarray>x
    elif exports_array(x):
        a = exported_array(x, name, "x")
    else:
        a = np.asarray(x)
    t = cnp.PyArray_TYPE(a)
    if cnp.PyArray_ISBOOL(a) or cnp.PyArray_ISINTEGER(a):
        # bool and integer input (arrays, scalars, lists) computes in
        # float64, as numpy's ufuncs and SciPy promote it
        a = a.astype(np.float64)
        t = cnp.NPY_DOUBLE
    op.half = 0 if _is_float(t) else _half_kind(a)
    if not _is_float(t) and not op.half:
        raise TypeError(f"{name}: unsupported dtype {a.dtype}; {SUPPORTED}")
    if not _well_behaved(a):
        a = np.array(a, dtype=a.dtype.newbyteorder("="), order="C", copy=True)
    op.x = cnp.PyArray_DATA(a)
    op.n = _size(a)
    op.f64 = t == cnp.NPY_DOUBLE
    op.isz = 8 if op.f64 else (2 if op.half else 4)
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
    if cnp.PyArray_Check(out):
        o = <cnp.ndarray>out
    elif exports_array(out):
        o = exported_array(out, name, "out")
    else:
        raise TypeError(f"{name}: out must be a numpy.ndarray, an array exporting DLPack or the "
                        f"buffer protocol, or None, not {type(out).__name__}")
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


# ---- the conversions alone (tests) -------------------------------------------

def _narrow(f, dtype):
    """float32 array f rounded to dtype (float16 or bfloat16) by cact's
    narrowing (core/half.h, the running ISA level)."""
    cdef cnp.ndarray a = np.ascontiguousarray(f, dtype=np.float32)
    cdef cnp.ndarray o = np.empty((<object>a).shape, dtype=dtype)
    cdef Operands op
    as_input(o, "_narrow", &op)
    if not op.half:
        raise TypeError(f"_narrow: {o.dtype} is not a half-precision dtype")
    if op.half == HALF_F16:
        cact_f32_to_f16(<const float *>cnp.PyArray_DATA(a), <uint16_t *>cnp.PyArray_DATA(o), _size(a))
    else:
        cact_f32_to_bf16(<const float *>cnp.PyArray_DATA(a), <uint16_t *>cnp.PyArray_DATA(o), _size(a))
    return o


def _widen(h):
    """half-precision array h widened to float32 by cact's conversion."""
    cdef Operands op
    cdef cnp.ndarray a = as_input(h, "_widen", &op)
    if not op.half:
        raise TypeError(f"_widen: {a.dtype} is not a half-precision dtype")
    cdef cnp.ndarray o = np.empty((<object>a).shape, dtype=np.float32)
    if op.half == HALF_F16:
        cact_f16_to_f32(<const uint16_t *>cnp.PyArray_DATA(a), <float *>cnp.PyArray_DATA(o), _size(a))
    else:
        cact_bf16_to_f32(<const uint16_t *>cnp.PyArray_DATA(a), <float *>cnp.PyArray_DATA(o), _size(a))
    return o
