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


__all__ += ["softmax_grad", "log_softmax_grad", "softmin_grad"]
