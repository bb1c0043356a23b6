"""Accuracy machinery: mpmath references, ulp errors, input samples.

Used by the tests and by ``python -m cact``.  Needs mpmath (a test extra),
imported on first use only, so ``import cact`` never pulls it in.

Errors are measured in ulps of the result's dtype against the exact value
(evaluated with mpmath at >= 160 bits), with subnormal results counted at
their true ulp (2**-149 for float32, 2**-1074 for float64): a kernel that
flushes a tiny result to 0 shows up as an error of millions of ulps.
"""
import math

import numpy as np

from ._catalogue import KERNEL_FUNC

PREC = 160  # bits of the reference


def _mp():
    import mpmath
    return mpmath


# --- the exact functions: the catalogue's mpmath expressions, with these helpers

def _clip(mp, v, lo, hi):
    return lo if v < lo else hi if v > hi else v


def _sigmoid(mp, v):
    return 1 / (1 + mp.exp(-v))


def _softplus(mp, v):
    # log(1 + e^v) = v + log1p(e^-v) for v > 0: no huge intermediate
    return v + mp.log1p(mp.exp(-v)) if v > 0 else mp.log1p(mp.exp(v))


def _erfc(mp, z):
    # mpmath's erfc overflows internally for huge |z|; erfc(1e6) ~ e^-1e12
    # and 2 - erfc(-1e6) are far beyond every float format
    if z > 1e6:
        return mp.mpf(0)
    if z < -1e6:
        return mp.mpf(2)
    return mp.erfc(z)


SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"


def _refs(mp):
    """{kernel: exact function} from the catalogue's mpmath expressions,
    evaluated with mp, the helpers above and the kernel's float parameters."""
    ns = {"mp": mp, "clip": lambda v, lo, hi: _clip(mp, v, lo, hi),
          "sigmoid": lambda v: _sigmoid(mp, v), "softplus": lambda v: _softplus(mp, v),
          "erfc": lambda z: _erfc(mp, z), "SELU_ALPHA": SELU_ALPHA, "SELU_SCALE": SELU_SCALE}
    out = {}
    for k, f in KERNEL_FUNC.items():
        args = ", ".join(["x"] + [p.name for p in f.float_params])
        out[k] = eval(f"lambda {args}: {f.mpmath[k]}", ns)
    return out


_REFS = None


def default_params(kernel):
    """The float parameters a kernel runs with by default (examples where required)."""
    return {p.name: p.example for p in KERNEL_FUNC[kernel].float_params}


def reference(kernel, x, params=None):
    """Exact kernel(x) as a (hi, lo) pair: hi (float64) + lo is the value to
    ~2**-106 relative; NaN where the value is NaN; +-inf limits.  lo is a
    numpy longdouble array: near and below float64's subnormal range
    hi's residual is smaller than 2**-1074 and would round to 0 or +-2**-1074
    in float64, blurring the error of a subnormal float64 result by up to half
    an ulp (x86's 80-bit long double has the exponent range to keep it;
    where longdouble is double, that blur remains)."""
    global _REFS
    mp = _mp()
    if _REFS is None:
        _REFS = _refs(mp)
    params = default_params(kernel) if params is None else params
    limits = KERNEL_FUNC[kernel].limits if params == default_params(kernel) else None
    return _exact_pairs(mp, _REFS[kernel], x, params, limits)


def _exact_pairs(mp, fn, x, params, limits):
    """(hi, lo) of fn(x, **params) as reference() describes, with the
    limits (f(-inf), f(+inf)) at infinite x (or None: fn's own value)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    hi = np.empty_like(x)
    lo = np.zeros(x.shape, dtype=np.longdouble)
    with mp.workprec(PREC):
        for i, v in enumerate(x.tolist()):
            if math.isnan(v):
                hi[i] = math.nan
                continue
            if math.isinf(v) and limits is not None:
                hi[i] = limits[v > 0]
                continue
            xv = mp.mpf(v)
            # x - tanh(x) and friends cancel ~2 log2(1/|x|) bits near 0
            extra = 2 * max(0, -math.frexp(v)[1]) + 40 if v != 0 else 0
            with mp.workprec(PREC + extra):
                r = fn(xv, **params)
            h = float(r) if mp.isfinite(r) else (math.inf if r > 0 else -math.inf) if mp.isinf(r) else math.nan
            hi[i] = h
            if math.isfinite(h):
                if abs(h) < 1e-290:
                    d = r - h   # below long double's range (2**-16445) it is 0 there too
                    lo[i] = np.longdouble(mp.nstr(d, 25)) if d == 0 or abs(d) > mp.mpf(2) ** -16000 else 0.0
                else:
                    lo[i] = float(r - h)
    return hi, lo


# --- derivatives -----------------------------------------------------------

_GRAD_REFS = None


def grad_reference(kernel, x, params=None):
    """Exact f'(x) of kernel as a (hi, lo) pair (as reference()), from the
    mpmath expressions of cact/_catalogue_grad.py (PyTorch's kink
    conventions), with its limits at +-inf under the default parameters."""
    global _GRAD_REFS
    from ._catalogue_grad import GRAD
    mp = _mp()
    if _GRAD_REFS is None:
        ns = {"mp": mp, "clip": lambda v, lo, hi: _clip(mp, v, lo, hi),
              "sigmoid": lambda v: _sigmoid(mp, v), "softplus": lambda v: _softplus(mp, v),
              "erfc": lambda z: _erfc(mp, z), "SELU_ALPHA": SELU_ALPHA, "SELU_SCALE": SELU_SCALE}
        _GRAD_REFS = {}
        for k, f in KERNEL_FUNC.items():
            args = ", ".join(["x"] + [p.name for p in f.float_params])
            _GRAD_REFS[k] = eval(f"lambda {args}: {GRAD[k].mpmath}", ns)
    params = default_params(kernel) if params is None else params
    limits = GRAD[kernel].limits if params == default_params(kernel) else None
    return _exact_pairs(mp, _GRAD_REFS[kernel], x, params, limits)


# --- ulp errors -----------------------------------------------------------

def ulp_error(y, hi, lo):
    """|y - (hi + lo)| in ulps of y's dtype (subnormals at their true ulp).
    NaN expected: 0 if y is NaN, else inf.  A reference beyond the dtype's
    range expects the correctly rounded inf."""
    y = np.asarray(y)
    t = y.dtype
    fi = np.finfo(t)
    yd = y.astype(np.float64)
    err = np.zeros(y.shape, dtype=np.float64)
    with np.errstate(over="ignore"):
        ref_t = hi.astype(t)  # correctly rounded (up to double rounding) expectation
    nan_ref = np.isnan(hi)
    err[nan_ref] = np.where(np.isnan(yd[nan_ref]), 0.0, np.inf)
    inf_ref = ~nan_ref & np.isinf(ref_t)
    err[inf_ref] = np.where(yd[inf_ref] == ref_t[inf_ref].astype(np.float64), 0.0, np.inf)
    fin = ~nan_ref & ~inf_ref
    h, l, v = hi[fin], lo[fin], yd[fin]
    _, e = np.frexp(h)                        # |h| in [2**(e-1), 2**e)
    e = np.maximum(e - 1, fi.minexp)          # unbiased exponent, subnormals clamped
    ulp = np.ldexp(1.0, e - fi.nmant)
    with np.errstate(invalid="ignore", over="ignore"):
        # v - h is exact in long double; l may be (see reference())
        d = np.abs((v.astype(np.longdouble) - h) - l) / ulp
    d[~np.isfinite(v)] = np.inf
    err[fin] = d
    return err


def max_ulp(kernel, y, x, params=None, ref=None):
    """(max error, x where it occurs)"""
    hi, lo = ref if ref is not None else reference(kernel, x, params)
    err = ulp_error(y, hi, lo)
    i = int(np.argmax(err)) if err.size else 0
    return (float(err[i]), float(np.asarray(x).ravel()[i])) if err.size else (0.0, math.nan)


# --- along an axis ---------------------------------------------------------

def axis_reference(x, op):
    """softmax, log_softmax or softmin (op) of every row of 2-d x, exactly
    (mpmath, 160 bits), as a (hi, lo) pair of float64 arrays.  Finite rows
    only (tests/test_axis.py checks the special values exactly).  Equal
    values share one exponential, so rows drawn from a small pool of values
    are cheap at any length."""
    mp = _mp()
    x = np.asarray(x, dtype=np.float64)
    hi = np.empty(x.shape)
    lo = np.empty(x.shape)
    with mp.workprec(PREC):
        for r, row in enumerate(x):
            v = -row if op == "softmin" else row
            uniq, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
            top = mp.mpf(float(uniq[-1]))
            d = [mp.mpf(float(u)) - top for u in uniq]
            # below e^-2000 a term is far under float64's smallest subnormal
            e = [mp.exp(di) if di > -2000 else mp.mpf(0) for di in d]
            # rest: the terms other than the max's, so that the log of the sum,
            # log1p(c - 1 + rest), keeps its relative precision when rest is tiny
            rest = mp.fsum(int(c) * ei for c, ei in zip(counts[:-1], e[:-1]))
            if op == "log_softmax":
                ls = mp.log1p(int(counts[-1]) - 1 + rest)
                res = [di - ls for di in d]
            else:
                s = int(counts[-1]) + rest
                res = [ei / s for ei in e]
            h = np.array([float(ri) for ri in res])
            l = np.array([float(ri - hi_i) if mp.isfinite(ri) else 0.0 for ri, hi_i in zip(res, h)])
            hi[r] = h[inverse]
            lo[r] = l[inverse]
    return hi, lo


# --- input samples ----------------------------------------------------------

def sample(dtype, n_log=1500, seed=0):
    """A few thousand inputs of dtype covering the whole domain: special
    values, subnormals, log-uniform magnitudes of both signs over the full
    range, a dense [-10, 10] grid, and the tails where naive formulas fail
    (sigmoid/silu/mish with subnormal results, gelu's negative tail, softplus
    and log_sigmoid for large |x|, elu/tanhshrink/softsign near 0), plus the
    break points of the piecewise functions."""
    t = np.dtype(dtype)
    fi = np.finfo(t)
    rng = np.random.default_rng(seed)
    tiny_sub = float(np.nextafter(t.type(0), t.type(1)))
    special = [0.0, tiny_sub, float(fi.smallest_normal) * (1 - 2.0 ** -fi.nmant), float(fi.smallest_normal),
               1e-30, 1e-8, 1e-4, 0.0625, 0.5, 1, 2, 3, 6, 20, 40, 88.7, 89, 103, 104, 709, 710, 745,
               float(fi.max), float(fi.max) / 6, math.inf, math.nan, 1.5, 0.01, 0.2, 1 / 6]
    special = [s for s in special if math.isnan(s) or abs(s) <= float(fi.max) or math.isinf(s)]
    lo_e, hi_e = math.log2(tiny_sub), math.log2(float(fi.max))
    mags = np.exp2(rng.uniform(lo_e, hi_e, n_log))
    near0 = np.exp2(rng.uniform(-40, 2, 400))          # elu/tanhshrink/softsign near 0
    grid = rng.uniform(-10, 10, 500)
    big = 110.0 if t == np.float32 else 760.0
    tails = [rng.uniform(-big, -big + 40, 200),         # subnormal sigmoid/silu/mish/elu
             rng.uniform(-40.0 if t == np.float64 else -15.0, -4, 300),  # gelu / gelu_tanh tail
             rng.uniform(-25, 50, 200),                  # softplus / log_sigmoid / mish saturation
             rng.uniform(-1.3, -1.1, 50)]                # mish minimum
    breaks = np.array([-3, 3, 6, -1, 1, 0.5, -0.5, 20, 20.000001, 19.999999, 0.01], dtype=np.float64)
    breaks = np.concatenate([breaks, np.nextafter(breaks.astype(t), np.inf).astype(np.float64),
                             np.nextafter(breaks.astype(t), -np.inf).astype(np.float64)])
    allv = np.concatenate([np.array(special), mags, near0, grid, *tails, breaks])
    allv = np.concatenate([allv, -allv])
    return np.unique(allv.astype(t))  # sorted, no duplicates, -0 and 0 kept once each is fine
