# pyx/_grad_common.pxi -- the argument checks of the backward wrappers
# (pyx/_grad.pyx), on top of _common.pxi's: two inputs, dy and x, of the
# same shape and dtype, and an `out` that may be either of them exactly.
# Everything here runs before a kernel writes anything.


cdef struct GradOperands:
    void *dy         # incoming gradient (C-contiguous, aligned, native)
    void *x          # the forward's input, same shape and dtype
    void *dx         # the result
    size_t n         # elements
    bint f64         # float64 (else float32)


cdef inline bint _same_shape(cnp.ndarray a, cnp.ndarray b):
    cdef int d
    if cnp.PyArray_NDIM(a) != cnp.PyArray_NDIM(b):
        return False
    for d in range(cnp.PyArray_NDIM(a)):
        if cnp.PyArray_DIM(a, d) != cnp.PyArray_DIM(b, d):
            return False
    return True


cdef cnp.ndarray grad_operands(object dy, object x, object out, str name, GradOperands *g,
                               str xname="x"):
    """dy and x as kernel inputs and the array dx goes to (new, out=dy or
    out=x in place, or a checked `out`)."""
    cdef Operands ody, ox
    cdef cnp.ndarray ady = as_input(dy, name, &ody)
    cdef cnp.ndarray ax = as_input(x, name, &ox)
    cdef uintptr_t olo, ohi, lo, hi
    if ody.f64 != ox.f64:
        raise TypeError(f"{name}: dy has dtype {ady.dtype}, but {xname} has dtype {ax.dtype}; they must match")
    if not _same_shape(ady, ax):
        raise ValueError(f"{name}: dy has shape {(<object>ady).shape}, but {xname} has shape {(<object>ax).shape}")
    g.dy, g.x, g.n, g.f64 = ody.x, ox.x, ox.n, ox.f64
    if out is not None and out is <object>ady and cnp.PyArray_ISWRITEABLE(ady):
        g.dx = g.dy           # in place over dy (checked as dy was)
        return ady
    # out=x in place, a new array, or `out` checked against x (dtype, shape,
    # layout, overlap: exact aliasing of x is in place) ...
    cdef cnp.ndarray o = as_output(out, x, ax, name, &ox)
    g.dx = ox.y
    # ... and against dy: exactly dy's data (a copy's source) or no overlap
    if out is not None and g.dx != g.x and g.dx != g.dy:
        olo, ohi = _extent(o)
        lo, hi = _extent(dy if cnp.PyArray_Check(dy) else ady)
        if olo < ohi and lo < hi and olo < hi and lo < ohi:
            raise ValueError(f"{name}: out partially overlaps dy (only out=dy or out=x, exact aliasing, "
                             f"computes in place)")
    return o


cdef inline cnp.ndarray grad_input(object x, GradOperands *g):
    """x as the wrapper's checks left it (for its shape and the axis)."""
    return <cnp.ndarray>x if cnp.PyArray_Check(x) and cnp.PyArray_DATA(<cnp.ndarray>x) == g.x else np.asarray(x)
