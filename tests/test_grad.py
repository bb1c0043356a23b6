"""The backward kernels, cact.<name>_grad(dy, x, <params>) = dy * f'(x):
accuracy of f'(x) against mpmath (cact/_catalogue_grad.py's expressions and
bounds, every ISA level), the product with dy, the kinks against PyTorch's
autograd, special values and limits, and the wrappers' contract (dtypes,
shapes, in place over dy or x, errors, threads)."""
import math

import numpy as np
import pytest
from helpers import available_levels, same_bits, set_level

import cact
from cact._catalogue import ELEMENTWISE, KERNEL_FUNC, KERNELS, call_args
from cact._catalogue_grad import GRAD
from cact._reference import grad_reference, sample, ulp_error

DTYPES = ("float32", "float64")


def grad_fn(kernel, params=None):
    name, kw = call_args(kernel, params)
    f = getattr(cact, name + "_grad")
    return lambda dy, x, **extra: f(dy, x, **kw, **extra)


def grad_sample(kernel, dt):
    """cact._reference.sample plus, where f' crosses zero, a dense grid of
    its neighbourhood and the floats right around the crossing."""
    x = sample(dt, n_log=600)
    g = GRAD[kernel]
    if g.near:
        lo, hi = g.near[:2]
        grid = np.linspace(lo, hi, 3001).astype(dt)
        x = np.unique(np.concatenate([x, grid]))
    return x


_REFS = {}


def cached_grad_ref(kernel, dt):
    if (kernel, dt) not in _REFS:
        x = grad_sample(kernel, dt)
        _REFS[kernel, dt] = x, grad_reference(kernel, x)
    return _REFS[kernel, dt]


def grad_bad(kernel, dt, x, y, ref, extra_ulp=0.0):
    """Where y misses the bound: more than the row's ulps, unless x lies in
    the zero-crossing neighbourhood and y is within its absolute bound."""
    g = GRAD[kernel]
    f64 = np.dtype(dt) == np.float64
    err = ulp_error(y, *ref)
    bad = err > g.ulp[f64] + extra_ulp
    if g.near:
        lo, hi, a32, a64 = g.near
        near = (x >= lo) & (x <= hi)
        ab = np.abs(y.astype(np.longdouble) - (ref[0].astype(np.longdouble) + ref[1]))
        bad &= ~(near & (ab <= (a64 if f64 else a32)))
    return bad, err


pytest.importorskip("mpmath")


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_accuracy(kernel, dt, isa):
    """f'(x) (dy = 1) within the row's bound on the sample, tails and
    special values included, at every ISA level."""
    x, ref = cached_grad_ref(kernel, dt)
    for lv in isa.each():
        y = grad_fn(kernel)(np.ones_like(x), x)
        bad, err = grad_bad(kernel, dt, x, y, ref)
        i = int(np.argmax(np.where(bad, err, -1)))
        assert not bad.any(), (f"{kernel}_grad {dt} at {lv}: {err[i]:.3g} ulp at x={x[i]!r} "
                               f"(got {y[i]!r}, exact {ref[0][i]!r})")


GRAD_PARAMS = [
    ("leaky_relu", {"negative_slope": -1.5}),
    ("hardtanh", {"min_val": -2.5, "max_val": 0.75}),
    ("hard_sigmoid", {"alpha": 0.2, "beta": 0.5}),
    ("softshrink", {"lambd": 1.25}),
    ("threshold", {"threshold": -1.0, "value": 7.0}),
    ("swish", {"beta": 1.702}),
    ("swish", {"beta": -1.25}),
    ("swish", {"beta": 0.0}),
    ("softplus", {"beta": 2.0, "threshold": 20.0}),
    ("softplus", {"beta": 0.5, "threshold": float("inf")}),
    ("elu", {"alpha": 0.3}),
    ("celu", {"alpha": 2.5}),
    ("celu", {"alpha": 0.1}),
]


@pytest.mark.parametrize("kernel,params", GRAD_PARAMS, ids=[f"{k}-{p}" for k, p in GRAD_PARAMS])
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_accuracy_params(kernel, params, dt):
    x = sample(dt, n_log=200, seed=1)
    x = x[np.isfinite(x)]
    y = grad_fn(kernel, params)(np.ones_like(x), x)
    ref = grad_reference(kernel, x, params)
    err = ulp_error(y, *ref)
    bound = GRAD[kernel].ulp[dt == "float64"]
    if kernel == "swish" and params["beta"] != 0:
        # the zero crossing moves to -1.2785 / beta
        z = x * params["beta"]
        near = (z >= -1.35) & (z <= -1.2)
        ab = np.abs(y.astype(np.longdouble) - (ref[0].astype(np.longdouble) + ref[1]))
        err = np.where(near & (ab <= GRAD[kernel].near[2 + (dt == "float64")]), 0, err)
    i = int(np.argmax(err))
    assert err[i] <= bound, f"{kernel}_grad{params} {dt}: {err[i]:.3g} ulp at x={x[i]!r} (got {y[i]!r})"


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_times_dy(kernel, dt):
    """dx = dy f'(x): the product adds one rounding at most (random dy of
    every magnitude that keeps dy f'(x) in range)."""
    x, (hi, lo) = cached_grad_ref(kernel, dt)
    fin = np.isfinite(x) & np.isfinite(hi) & (np.abs(hi) < 1e30) & (np.abs(hi) > 1e-30)
    x, hi, lo = x[fin], hi[fin], lo[fin]
    if not x.size:
        pytest.skip(f"{kernel}' is 0 or 1 at most: nothing to round")
    rng = np.random.default_rng(3)
    dy = (rng.uniform(0.5, 1.0, x.size) * np.exp2(rng.integers(-20, 21, x.size))
          * rng.choice([-1, 1], x.size)).astype(dt)
    y = grad_fn(kernel)(dy, x)
    d = dy.astype(np.longdouble)
    ph = (hi * d).astype(np.float64)
    pl = (hi * d - ph) + lo * d
    bad, err = grad_bad(kernel, dt, x, y, (ph, pl), extra_ulp=0.5 + 1e-6)
    if GRAD[kernel].near:   # the absolute bound scales with dy
        lo_, hi_, a32, a64 = GRAD[kernel].near
        near = (x >= lo_) & (x <= hi_)
        ab = np.abs(y.astype(np.longdouble) - (ph.astype(np.longdouble) + pl)) / np.abs(d)
        bad &= ~(near & (ab <= (a64 if dt == "float64" else a32) * 1.01))
    i = int(np.argmax(np.where(bad, err, -1)))
    assert not bad.any(), f"{kernel}_grad {dt}: {err[i]:.3g} ulp at x={x[i]!r}, dy={dy[i]!r} (got {y[i]!r})"


# ---- the kinks and the values, against PyTorch's autograd ---------------------

def _kink_points(kernel, params):
    pts = [0.0, -0.0, 0.5, -0.5, 1, -1, 1.5, -1.5, 3, -3, 6, -6, 20, -20, 2.5, 0.75, -2.5, 1.25, -1.25]
    for v in params.values():
        if isinstance(v, float) and math.isfinite(v):
            pts += [v, -v]
    if kernel == "hard_sigmoid":
        a, b = params["alpha"], params["beta"]
        if a:
            pts += [-b / a, (1 - b) / a]
    return pts


# non-default hard_sigmoid parameters are not PyTorch's hardsigmoid (and
# torch.clamp's gradient passes at the bounds): no autograd peer
TORCH_CASES = ([(k, None) for k in KERNELS if GRAD[k].torch]
               + [(k, p) for k, p in GRAD_PARAMS if k != "hard_sigmoid"])
PIECEWISE = {k for k in KERNELS if GRAD[k].ulp[0] <= 0.5 and GRAD[k].kinks} | {"identity", "hard_swish"}


@pytest.mark.parametrize("kernel,params", TORCH_CASES, ids=[f"{k}-{p}" for k, p in TORCH_CASES])
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_matches_torch_autograd(kernel, params, dt):
    """The kinks (exactly where f' is piecewise constant) and random data
    (within PyTorch's own accuracy: its sigmoid and tanh backward work from
    the forward's rounded output, an absolute error ~ulp(1) |dy|)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    name, kw = call_args(kernel, params)
    fparams = {p.name: kw[p.name] for p in KERNEL_FUNC[kernel].float_params}
    kinks = np.array(_kink_points(kernel, fparams), dtype=dt)
    rng = np.random.default_rng(7)
    x = np.concatenate([kinks, rng.normal(0, 4, 2000).astype(dt)])
    dy = rng.normal(0, 1, x.size).astype(dt)
    xt = torch.tensor(x, requires_grad=True)
    yt = eval(GRAD[kernel].torch, {"torch": torch, "F": F, "xt": xt, **fparams})
    yt.backward(torch.tensor(dy))
    want = xt.grad.numpy().astype(np.float64)
    got = cact.__dict__[name + "_grad"](dy, x, **kw).astype(np.float64)
    eps = float(np.finfo(dt).eps)
    # PyTorch rounds some constants to float32 in float64 too: hardsigmoid's
    # 1/6, celu's (1/alpha) alpha; its hardswish' x/3 + 1/2 cancels near -1.5
    if (kernel == "hard_sigmoid" or kernel == "celu" and fparams["alpha"] != 1) and dt == "float64":
        eps = 2.0 ** -23
    if kernel in PIECEWISE:      # the same numbers
        bad = np.abs(got - want) > 2 * eps * (np.abs(want) + (kernel == "hard_swish") * np.abs(dy))
    else:
        bad = np.abs(got - want) > 64 * eps * (np.abs(want) + np.abs(dy))
    i = int(np.argmax(bad))
    assert not bad.any(), (f"{kernel}_grad{params} {dt} vs torch.autograd at x={x[i]!r}, dy={dy[i]!r}: "
                           f"{got[i]!r} != {want[i]!r}")


KINK_VALUES = [   # (kernel, params or None, x, f'(x)) as PyTorch's autograd takes them
    ("relu", None, 0.0, 0.0), ("relu6", None, 0.0, 0.0), ("relu6", None, 6.0, 0.0),
    ("leaky_relu", None, 0.0, 0.01), ("hardtanh", None, -1.0, 0.0), ("hardtanh", None, 1.0, 0.0),
    ("hard_sigmoid", None, -3.0, 0.0), ("hard_sigmoid", None, 3.0, 0.0),
    ("hard_swish", None, -3.0, 0.0), ("hard_swish", None, 3.0, 1.0),
    ("softshrink", None, 0.5, 0.0), ("softshrink", None, -0.5, 0.0),
    ("hardshrink", None, 0.5, 0.0), ("threshold", None, 0.5, 0.0), ("binary_step", None, 0.0, 0.0),
    ("elu", {"alpha": 0.3}, 0.0, 0.3), ("celu", {"alpha": 2.5}, 0.0, 1.0),
    ("softplus", None, 20.0, 0.9999999979388464), ("softplus", None, 20.5, 1.0),
]


@pytest.mark.parametrize("kernel,params,x,want", KINK_VALUES)
@pytest.mark.parametrize("dt", DTYPES)
def test_kink_conventions(kernel, params, x, want, dt):
    got = grad_fn(kernel, params)(np.ones(1, dt), np.array([x], dt))[0]
    assert got == np.dtype(dt).type(want), (kernel, x, got)


# ---- special values ------------------------------------------------------------

@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_nan_and_limits(kernel, dt):
    f = grad_fn(kernel)
    nan, inf = np.nan, np.inf
    # NaN in x or in dy gives NaN
    assert np.isnan(f(np.array([1, nan, 0, nan, -inf], dt), np.array([nan, 1, nan, 0.5, nan], dt))).all()
    # the exact limits at +-inf (dy = 1, -2)
    lo, hi = GRAD[kernel].limits
    y = f(np.array([1, 1, -2, -2], dt), np.array([-inf, inf, -inf, inf], dt))
    want = np.array([lo, hi, -2 * lo, -2 * hi], dt)
    assert same_bits(y, want) or np.array_equal(y, want), (kernel, y, want)
    # dy = inf times a limit of 0 is NaN (IEEE's product), times a nonzero one inf
    y = f(np.array([inf, inf], dt), np.array([-inf, inf], dt))
    for v, lim in zip(y, (lo, hi)):
        assert (np.isnan(v) if lim == 0 else v == inf * lim), (kernel, y)


def test_grad_tails_keep_their_precision():
    """No needless underflow: sigmoid'(-100) in float32 is the subnormal
    e^-100, gelu' keeps its tail, the exact limits."""
    one32 = np.ones(1, np.float32)
    y = cact.sigmoid_grad(one32, np.array([-100], np.float32))[0]
    assert y > 0 and abs(float(y) - math.exp(-100)) <= 2.0 ** -149
    g = cact.gelu_grad(np.ones(1), np.array([-30.0]))[0]
    want = float(grad_reference("gelu", [-30.0])[0][0])
    assert g < 0 and abs(g - want) <= 2 * abs(want) * 2.0 ** -52
    assert cact.softplus_grad(np.ones(1), np.array([np.inf]))[0] == 1.0
    assert cact.softplus_grad(np.ones(1), np.array([np.inf]), threshold=np.inf)[0] == 1.0
    assert cact.gelu_grad(np.ones(1), np.array([-np.inf]))[0] == 0.0
    assert cact.sigmoid_grad(np.ones(1), np.array([-np.inf]))[0] == 0.0


# ---- the wrappers' contract -------------------------------------------------------

@pytest.mark.parametrize("func", [f.name for f in ELEMENTWISE])
@pytest.mark.parametrize("dt", DTYPES)
def test_grad_in_place_and_lengths(func, dt, num_threads):
    """out=dy, out=x and dy is x all give the out-of-place bits, at every
    length around the vector widths and the alignment peel, and with
    threads."""
    kernel = KERNEL_FUNC_BY_NAME[func]
    f = grad_fn(kernel)
    rng = np.random.default_rng(5)
    for n in list(range(0, 40)) + [1023, 1025, 4100, 70001]:
        x = rng.uniform(-8, 8, n).astype(dt)
        dy = rng.normal(0, 1, n).astype(dt)
        want = f(dy, x)
        if n:
            assert same_bits(f(dy[1:], x[1:]), want[1:])        # other alignment
        a = dy.copy()
        assert f(a, x, out=a) is a and same_bits(a, want)
        b = x.copy()
        assert f(dy, b, out=b) is b and same_bits(b, want)
        c = x.copy()
        assert same_bits(f(c, c, out=c), f(x, x))
    x = rng.uniform(-8, 8, 300001).astype(dt)
    dy = rng.normal(0, 1, x.size).astype(dt)
    num_threads(1)
    one = f(dy, x)
    num_threads(4)
    assert same_bits(f(dy, x), one)


KERNEL_FUNC_BY_NAME = {f.name: f.kernels[0] for f in ELEMENTWISE}


def test_grad_levels_agree_where_exact():
    """v4 and v3 give the same bits (the same code, fused)."""
    if not {"v4", "v3"} <= set(available_levels()):
        pytest.skip("needs v4 and v3")
    x = sample("float64", n_log=200)
    dy = np.ones_like(x)
    try:
        for k in KERNELS:
            f = grad_fn(k)
            set_level("v4")
            a = f(dy, x)
            set_level("v3")
            assert same_bits(f(dy, x), a), k
    finally:
        set_level(None)


def test_grad_errors():
    x = np.linspace(-2, 2, 10)
    dy = np.ones_like(x)
    with pytest.raises(TypeError, match="relu_grad: dy has dtype float32, but x has dtype float64"):
        cact.relu_grad(dy.astype(np.float32), x)
    with pytest.raises(ValueError, match=r"relu_grad: dy has shape \(9,\), but x has shape \(10,\)"):
        cact.relu_grad(dy[:9], x)
    with pytest.raises(TypeError, match="relu_grad: unsupported dtype complex128"):
        cact.relu_grad(np.ones(3, np.complex128), np.ones(3, np.complex128))
    with pytest.raises(ValueError, match="leaky_relu_grad: negative_slope must be finite"):
        cact.leaky_relu_grad(dy, x, math.nan)
    with pytest.raises(ValueError, match="gelu_grad: approximate must be one of"):
        cact.gelu_grad(dy, x, approximate="erf")
    buf = np.zeros(20)
    out = buf[5:15]
    before = buf.copy()
    with pytest.raises(ValueError, match="relu_grad: out partially overlaps dy"):
        cact.relu_grad(buf[:10], x, out=buf[5:15])
    with pytest.raises(ValueError, match="out partially overlaps x"):
        cact.relu_grad(dy, buf[:10], out=out)
    with pytest.raises(ValueError, match="relu_grad: out has shape"):
        cact.relu_grad(dy, x, out=np.zeros(11))
    assert np.array_equal(buf, before)
    # non-contiguous inputs and lists are converted; a new array is returned
    xs = np.linspace(-2, 2, 20)[::2]
    assert same_bits(cact.relu_grad(np.ones(10), xs), cact.relu_grad(np.ones(10), xs.copy()))
    assert cact.tanh_grad([1.0], [0.0]).tolist() == [1.0]
    assert cact.gelu_grad(dy, x, approximate="tanh").shape == (10,)


# ---- the softmax family along an axis -------------------------------------------

SOFT = ("softmax", "log_softmax", "softmin")


def _exact_axis_grad(name, dy_row, y_row):
    """dx of one row exactly (rational sums and products; mpmath's exp for
    log_softmax) as (hi, lo)."""
    from fractions import Fraction

    import mpmath as mp
    with mp.workprec(200):
        if name == "log_softmax":
            S = mp.fsum(mp.mpf(float(v)) for v in dy_row)
            ref = [mp.mpf(float(d)) - mp.exp(mp.mpf(float(yy))) * S for d, yy in zip(dy_row, y_row)]
        else:
            s = sum(Fraction(float(d)) * Fraction(float(yy)) for d, yy in zip(dy_row, y_row))
            sign = -1 if name == "softmin" else 1
            ref = [Fraction(float(yy)) * (Fraction(float(d)) - s) * sign for d, yy in zip(dy_row, y_row)]
            ref = [mp.mpf(v.numerator) / v.denominator for v in ref]
        hi = np.array([float(v) for v in ref])
        lo = np.array([float(v - mp.mpf(h)) for v, h in zip(ref, hi)], dtype=np.longdouble)
    return hi, lo


@pytest.mark.parametrize("name", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,axis", [((6, 1030), -1), ((4, 37, 300), 1), ((5, 3), 0), ((2, 3, 17), 0)])
def test_axis_grad_accuracy(name, dt, shape, axis, isa):
    """Within 1 ulp of the exact dx (the sums exact or compensated, one
    rounding per result), every ISA level."""
    rng = np.random.default_rng(11)
    x = rng.normal(0, 3, shape).astype(dt)
    dy = rng.normal(0, 1, shape).astype(dt)
    y = getattr(cact, name)(x, axis=axis)
    rows_y = np.moveaxis(y, axis, -1).reshape(-1, shape[axis])
    rows_d = np.moveaxis(dy, axis, -1).reshape(-1, shape[axis])
    pick = range(0, rows_y.shape[0], max(1, rows_y.shape[0] // 5))
    refs = {r: _exact_axis_grad(name, rows_d[r], rows_y[r]) for r in pick}
    for lv in isa.each():
        dx = getattr(cact, name + "_grad")(dy, y, axis=axis)
        rows_x = np.moveaxis(dx, axis, -1).reshape(-1, shape[axis])
        for r, (hi, lo) in refs.items():
            err = ulp_error(rows_x[r], hi, lo)
            assert err.max() <= 1.0, f"{name}_grad {dt} {shape} axis {axis} at {lv}: {err.max():.3g} ulp"


@pytest.mark.parametrize("name", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
def test_axis_grad_matches_torch_and_in_place(name, dt, num_threads):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    x = rng.normal(0, 2, (300, 257)).astype(dt)
    dy = rng.normal(0, 1, x.shape).astype(dt)
    f = getattr(cact, name + "_grad")
    for axis in (-1, 0):
        y = getattr(cact, name)(x, axis=axis)
        got = f(dy, y, axis=axis)
        yt = torch.tensor(y)
        if name == "log_softmax":
            want = torch.ops.aten._log_softmax_backward_data(torch.tensor(dy), yt, axis % 2, yt.dtype)
        else:
            want = torch.ops.aten._softmax_backward_data(torch.tensor(dy), yt, axis % 2, yt.dtype)
            want = -want if name == "softmin" else want
        scale = np.abs(dy).max() * (1 if name == "log_softmax" else np.abs(y).max())
        np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=64 * float(np.finfo(dt).eps) * scale)
        a = dy.copy()
        assert f(a, y, axis=axis, out=a) is a and same_bits(a, got)
        b = y.copy()
        assert f(dy, b, axis=axis, out=b) is b and same_bits(b, got)
        num_threads(4)
        assert same_bits(f(dy, y, axis=axis), got)
        num_threads(1)


def test_axis_grad_special_values_and_errors():
    # log_softmax: entries at -inf (probability 0) pass dy through
    y = np.array([[0.0, -np.inf, -np.inf]])
    assert cact.log_softmax_grad(np.array([[1.0, 2.0, 3.0]]), y).tolist() == [[1 - 6.0, 2.0, 3.0]]
    assert np.isnan(cact.softmax_grad(np.array([[1.0, np.nan]]), np.array([[0.5, 0.5]]))).all()
    assert cact.softmax_grad(np.zeros((2, 0)), np.zeros((2, 0))).shape == (2, 0)
    with pytest.raises(TypeError, match="softmax_grad: dy has dtype float32, but y has dtype float64"):
        cact.softmax_grad(np.ones(3, np.float32), np.ones(3))
    with pytest.raises(ValueError, match="log_softmax_grad: dy has shape"):
        cact.log_softmax_grad(np.ones(3), np.ones(4))
    with pytest.raises(np.exceptions.AxisError if hasattr(np, "exceptions") else np.AxisError):
        cact.softmin_grad(np.ones(3), np.ones(3), axis=1)


# ---- maxout and prelu ------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,pieces,axis", [((4, 12), 3, -1), ((2, 6, 5), 2, 1), ((8,), 4, 0)])
def test_maxout_grad_routes_to_the_first_max(dt, shape, pieces, axis):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(13)
    x = rng.integers(-3, 3, shape).astype(dt)          # ties: the first maximal piece
    y = cact.maxout(x, pieces, axis=axis)
    dy = rng.normal(0, 1, y.shape).astype(dt)
    dx = cact.maxout_grad(dy, x, pieces, axis=axis)
    xm = np.moveaxis(x, axis, -1)
    xr = xm.reshape(xm.shape[:-1] + (xm.shape[-1] // pieces, pieces))
    first = np.argmax(xr, axis=-1)                     # numpy's argmax: the first maximum
    want = np.zeros(xr.shape, dt)
    np.put_along_axis(want, first[..., None], np.moveaxis(dy, axis, -1)[..., None], axis=-1)
    want = np.moveaxis(want.reshape(xm.shape), -1, axis)
    assert same_bits(dx, want)
    # the gradient torch.amax would spread over ties equals ours where there are none
    xt = torch.tensor(rng.normal(0, 1, shape).astype(dt), requires_grad=True)
    a = axis % len(shape)
    yt = xt.unflatten(a, (shape[a] // pieces, pieces)).amax(a + 1)
    g = torch.tensor(rng.normal(0, 1, tuple(yt.shape)).astype(dt))
    yt.backward(g)
    # (equal values: PyTorch's zeros carry dy's sign)
    np.testing.assert_array_equal(cact.maxout_grad(g.numpy(), xt.detach().numpy(), pieces, axis=axis),
                                  xt.grad.numpy())
    assert np.isnan(cact.maxout(np.array([1.0, np.nan]), 2)[0])
    assert cact.maxout_grad(np.array([5.0]), np.array([1.0, np.nan]), 2).tolist()[1] == 5.0
    with pytest.raises(ValueError, match="maxout_grad: dy has shape"):
        cact.maxout_grad(dy[..., :1] if dy.ndim else dy, x, pieces, axis=axis)


@pytest.mark.parametrize("dt", DTYPES)
def test_prelu_grad_matches_torch(dt):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(14)
    x = rng.normal(0, 1, (6, 5, 7)).astype(dt)
    x[0, 0, :3] = 0.0                                  # the kink: weight * dy, as PyTorch
    w = rng.uniform(-1, 1, 5).astype(dt)
    dy = rng.normal(0, 1, x.shape).astype(dt)
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    torch.nn.functional.prelu(xt, wt).backward(torch.tensor(dy))
    dx, dw = cact.prelu_grad(dy, x, w)
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    # dweight exactly summed (rational arithmetic), rounded once
    from fractions import Fraction
    for c in range(5):
        xs, ds = x[:, c, :].ravel(), dy[:, c, :].ravel()
        exact = sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(xs, ds) if not a > 0)
        assert abs(Fraction(float(dw[c])) - exact) <= abs(exact) * Fraction(1, 2 ** (23 if dt == "float32" else 52))
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-5 if dt == "float32" else 1e-12)
    # one weight for all channels; in place over dy
    dx1, dw1 = cact.prelu_grad(dy, x, np.array([0.25], dt))
    assert dw1.shape == (1,) and np.isclose(dw1[0], np.where(x > 0, 0, x * dy).sum())
    a = dy.copy()
    assert cact.prelu_grad(a, x, w, out=a)[0] is a and same_bits(a, dx)
    with pytest.raises(ValueError, match="prelu_grad: weight has 4 entries"):
        cact.prelu_grad(dy, x, w[:4])
    with pytest.raises(TypeError, match="prelu_grad: weight has dtype"):
        cact.prelu_grad(dy, x, w.astype(np.float16))
