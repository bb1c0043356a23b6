# pyx/_axis_grad.pxi -- the softmax family's backward wrappers (included by
# the generated pyx/_grad.pyx): softmax_grad, log_softmax_grad,
# softmin_grad(dy, y, axis=-1, *, out=None), y the forward's output.

cdef extern from "cact/cact.h" nogil:
    void cact_softmax_grad_f32(const float *dy, const float *y, float *dx, size_t outer, size_t len, size_t inner)
    void cact_softmax_grad_f64(const double *dy, const double *y, double *dx, size_t outer, size_t len, size_t inner)
    void cact_log_softmax_grad_f32(const float *dy, const float *y, float *dx, size_t outer, size_t len, size_t inner)
    void cact_log_softmax_grad_f64(const double *dy, const double *y, double *dx, size_t outer, size_t len, size_t inner)
    void cact_softmin_grad_f32(const float *dy, const float *y, float *dx, size_t outer, size_t len, size_t inner)
    void cact_softmin_grad_f64(const double *dy, const double *y, double *dx, size_t outer, size_t len, size_t inner)
    void cact_maxout_grad_f32(const float *dy, const float *x, float *dx, size_t outer, size_t len, size_t inner, size_t pieces)
    void cact_maxout_grad_f64(const double *dy, const double *x, double *dx, size_t outer, size_t len, size_t inner, size_t pieces)
    void cact_prelu_grad_f32(const float *dy, const float *x, float *dx, float *dw, size_t outer, size_t channels, size_t inner, const float *w)
    void cact_prelu_grad_f64(const double *dy, const double *x, double *dx, double *dw, size_t outer, size_t channels, size_t inner, const double *w)


cdef struct AGTask:
    GradOperands op
    AxisView v
    int which        # 0 softmax, 1 log_softmax, 2 softmin


cdef void _run_axis_grad(const void *ctx, size_t lo, size_t hi) noexcept nogil:
    # rows [lo, hi) of the outer dimension
    cdef const AGTask *t = <const AGTask *>ctx
    cdef size_t off = lo * t.v.len * t.v.inner, m = hi - lo
    if t.op.f64:
        if t.which == 0:
            cact_softmax_grad_f64(<const double *>t.op.dy + off, <const double *>t.op.x + off,
                                  <double *>t.op.dx + off, m, t.v.len, t.v.inner)
        elif t.which == 1:
            cact_log_softmax_grad_f64(<const double *>t.op.dy + off, <const double *>t.op.x + off,
                                      <double *>t.op.dx + off, m, t.v.len, t.v.inner)
        else:
            cact_softmin_grad_f64(<const double *>t.op.dy + off, <const double *>t.op.x + off,
                                  <double *>t.op.dx + off, m, t.v.len, t.v.inner)
    else:
        if t.which == 0:
            cact_softmax_grad_f32(<const float *>t.op.dy + off, <const float *>t.op.x + off,
                                  <float *>t.op.dx + off, m, t.v.len, t.v.inner)
        elif t.which == 1:
            cact_log_softmax_grad_f32(<const float *>t.op.dy + off, <const float *>t.op.x + off,
                                      <float *>t.op.dx + off, m, t.v.len, t.v.inner)
        else:
            cact_softmin_grad_f32(<const float *>t.op.dy + off, <const float *>t.op.x + off,
                                  <float *>t.op.dx + off, m, t.v.len, t.v.inner)


cdef object _axis_grad(object dy, object y, object axis, object out, str name, int which):
    cdef AGTask t
    cdef cnp.ndarray o = grad_operands(dy, y, out, name, &t.op, "y")
    cdef cnp.ndarray a = np.asarray(y) if not cnp.PyArray_Check(y) else <cnp.ndarray>y
    split_axis(a, axis, &t.v)
    t.which = which
    cdef size_t row = t.v.len * t.v.inner
    cdef size_t grain = 16384 // row if row and row < 16384 else 1
    if <Py_ssize_t>t.op.n < NOGIL_MIN:
        _run_axis_grad(&t, 0, t.v.outer)
    else:
        with nogil:
            parallel_for(_run_axis_grad, &t, t.v.outer, grain)
    return o


def softmax_grad(dy, y, axis=-1, *, out=None):
    """softmax_grad(dy, y, axis=-1, *, out=None)

    The backward pass of softmax from its output y = softmax(x, axis):
    dx = y * (dy - sum(dy * y, axis)), in one call.

    dy and y: the same shape and dtype (float32 or float64).  out may be dy
    or y (in place) or an array that overlaps neither.  float32 sums in
    double and rounds each result once; float64 sums with exact products
    and compensation (TwoProd, TwoSum), dy - s exact, one rounding.
    Kernels: cact_softmax_grad_f32/_f64 (cact/axis_grad.h).
    """
    return _axis_grad(dy, y, axis, out, "softmax_grad", 0)


def log_softmax_grad(dy, y, axis=-1, *, out=None):
    """log_softmax_grad(dy, y, axis=-1, *, out=None)

    The backward pass of log_softmax from its output y = log_softmax(x, axis):
    dx = dy - exp(y) * sum(dy, axis), in one call.  Sums and rounding as
    softmax_grad; e^y from the math core's exp.
    Kernels: cact_log_softmax_grad_f32/_f64 (cact/axis_grad.h).
    """
    return _axis_grad(dy, y, axis, out, "log_softmax_grad", 1)


def softmin_grad(dy, y, axis=-1, *, out=None):
    """softmin_grad(dy, y, axis=-1, *, out=None)

    The backward pass of softmin from its output y = softmin(x, axis):
    dx = -y * (dy - sum(dy * y, axis)) (softmin(x) = softmax(-x)).
    Kernels: cact_softmin_grad_f32/_f64 (cact/axis_grad.h).
    """
    return _axis_grad(dy, y, axis, out, "softmin_grad", 2)


def maxout_grad(dy, x, pieces, axis=-1, *, out=None):
    """maxout_grad(dy, x, pieces, axis=-1, *, out=None)

    The backward pass of maxout(x, pieces, axis): dy (maxout's output shape)
    goes to the first maximal entry of each run of `pieces` along axis (the
    first NaN of a run holding one), 0 to the others.  Returns an array of
    x's shape and dtype; out may be x (in place) or an array overlapping
    neither dy nor x.  Kernels: cact_maxout_grad_f32/_f64 (cact/axis_grad.h).
    """
    cdef Operands odx, ox
    cdef AxisView v
    cdef cnp.ndarray ady = as_input(dy, "maxout_grad", &odx)
    cdef cnp.ndarray ax = as_input(x, "maxout_grad", &ox)
    cdef Py_ssize_t p = operator_index(pieces)
    if p < 1:
        raise ValueError(f"maxout_grad: pieces must be >= 1, got {p}")
    if odx.f64 != ox.f64:
        raise TypeError(f"maxout_grad: dy has dtype {ady.dtype}, but x has dtype {ax.dtype}; they must match")
    cdef int axn = split_axis(ax, axis, &v)
    if v.len % <size_t>p:
        raise ValueError(f"maxout_grad: the axis has length {v.len}, which is not a multiple of pieces={p}")
    want = list((<object>ax).shape)
    if want:
        want[axn] //= p
    if list((<object>ady).shape) != want:
        raise ValueError(f"maxout_grad: dy has shape {(<object>ady).shape}, but maxout's output has shape "
                         f"{tuple(want)}")
    cdef cnp.ndarray o = as_output(out, x, ax, "maxout_grad", &ox)
    if out is not None:
        olo, ohi = _extent(o)
        lo, hi = _extent(ady)
        if olo < ohi and lo < hi and olo < hi and lo < ohi:
            raise ValueError("maxout_grad: out overlaps dy")
    with nogil:
        if ox.f64:
            cact_maxout_grad_f64(<const double *>odx.x, <const double *>ox.x, <double *>ox.y,
                                 v.outer, v.len, v.inner, <size_t>p)
        else:
            cact_maxout_grad_f32(<const float *>odx.x, <const float *>ox.x, <float *>ox.y,
                                 v.outer, v.len, v.inner, <size_t>p)
    return o


def prelu_grad(dy, x, weight, axis=1, *, out=None):
    """prelu_grad(dy, x, weight, axis=1, *, out=None)

    The backward pass of prelu(x, weight, axis): returns (dx, dweight) with
    dx = dy where x > 0, else weight[c] * dy (PyTorch's convention: the
    slope at 0), and dweight[c] = sum of x * dy over the entries of channel
    c with x <= 0, summed accurately (float32 in double, float64
    compensated), in weight's shape.  weight and axis as prelu's; out (for
    dx) may be dy or x, or an array overlapping neither.
    Kernels: cact_prelu_grad_f32/_f64 (cact/axis_grad.h).
    """
    cdef GradOperands g
    cdef AxisView v
    cdef cnp.ndarray o = grad_operands(dy, x, out, "prelu_grad", &g)
    cdef cnp.ndarray a = np.asarray(x)
    dt = np.float64 if g.f64 else np.float32
    if isinstance(weight, (np.ndarray, np.generic)) and weight.dtype != dt:
        raise TypeError(f"prelu_grad: weight has dtype {weight.dtype}, but x has dtype {np.dtype(dt)}")
    cdef cnp.ndarray w = np.ascontiguousarray(weight, dtype=dt)
    cdef Py_ssize_t nw = cnp.PyArray_SIZE(w)
    cdef Py_ssize_t ax = operator_index(axis)
    if cnp.PyArray_NDIM(a) < 2 and ax == 1:
        ax = 0
    split_axis(a, ax, &v)
    if nw == 1:
        v.inner = v.outer * v.len * v.inner
        v.outer = v.len = 1
    elif <size_t>nw != v.len:
        raise ValueError(f"prelu_grad: weight has {nw} entries, but x has {v.len} channels along axis {axis}")
    cdef cnp.ndarray dw = np.empty_like(w)
    with nogil:
        if g.f64:
            cact_prelu_grad_f64(<const double *>g.dy, <const double *>g.x, <double *>g.dx,
                                <double *>cnp.PyArray_DATA(dw), v.outer, v.len, v.inner,
                                <const double *>cnp.PyArray_DATA(w))
        else:
            cact_prelu_grad_f32(<const float *>g.dy, <const float *>g.x, <float *>g.dx,
                                <float *>cnp.PyArray_DATA(dw), v.outer, v.len, v.inner,
                                <const float *>cnp.PyArray_DATA(w))
    return o, dw


__all__ += ["softmax_grad", "log_softmax_grad", "softmin_grad", "maxout_grad", "prelu_grad"]
