"""Property-based tests of the whole Python API (hypothesis).

For every public function: random shapes (0-d to 5-d, zero-size axes),
dtypes (float32, float64 and unsupported ones), memory layouts (C, Fortran,
strided, negative strides, offset views, unaligned, byte-swapped, read-only,
Python lists), values (NaN, +-inf, +-0, subnormals, huge), parameters
(defaults, NaN, +-inf, 0, negative, wrong types), axes (valid and not), and
out (None, a new array, x itself, another view of x, a partial overlap, the
wrong dtype / shape / layout, read-only, not an array).

The property: either the call is valid and the result has the right shape
and dtype and equals the exact value (mpmath, or exact arithmetic) within
the catalogue's ulp bound, or it raises one of the exceptions the contract
names for what is wrong -- and then `out` is unchanged.  Never a crash, a
wrong shape, or a write to x unless out is x.

Examples per test: CACT_HYPOTHESIS_EXAMPLES (default 40); the examples are
derandomized (the same on every run, so CI is reproducible) unless
CACT_HYPOTHESIS_RANDOM=1.
"""
import math
import os
import warnings
from fractions import Fraction

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from helpers import AXIS_ULP, AxisError, check_passes, default_kwargs, worst_ulp  # noqa: E402
from hypothesis import HealthCheck, Phase, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cact  # noqa: E402
from cact import _reference as _ref  # noqa: E402
from cact._catalogue import AXIS, ELEMENTWISE, REQUIRED  # noqa: E402
from cact._reference import axis_reference, reference  # noqa: E402

pytest.importorskip("mpmath")

SETTINGS = settings(max_examples=int(os.environ.get("CACT_HYPOTHESIS_EXAMPLES", "40")), deadline=None,
                    derandomize=os.environ.get("CACT_HYPOTHESIS_RANDOM") != "1",
                    suppress_health_check=list(HealthCheck), database=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])

SUPPORTED = [np.float32, np.float64]
PROMOTED = [np.int8, np.int64, np.uint16, np.bool_]          # compute in float64, as numpy's ufuncs
# float16 and bfloat16 are supported; their accuracy is asserted on every input by test_half.py
UNSUPPORTED = [np.complex64, np.complex128, np.longdouble, object]
LAYOUTS = ["C", "F", "strided", "negative", "offset", "unaligned", "byteswapped", "readonly", "list"]
# out modes, valid ones repeated so that about half of the calls are valid
OUTS = [None] * 4 + ["new"] * 3 + ["x"] * 2 + ["xview", "partial", "noncontig", "readonly", "wrong_dtype",
                                                "wrong_shape", "byteswapped", "not_array"]
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-310, -1e-310, 1e-40, -1e-40, 3e38, -3e38,
           1e308, -1e308, 1e-8, -1e-8, 88.7, -88.7, 745.0, -745.0, 20.0, -20.0, 6.0, -3.0, 1.0]


# ---- inputs -------------------------------------------------------------------

@st.composite
def shapes(draw):
    # zero-size axes, but not so often that most arrays are empty
    return tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3, 1, 2, 3, 2, 3]), min_size=0, max_size=5)))


@st.composite
def values(draw, n):
    pick = st.one_of(st.sampled_from(SPECIAL), st.floats(-30, 30), st.floats(allow_nan=True, allow_infinity=True))
    return np.array(draw(st.lists(pick, min_size=n, max_size=n)), dtype=np.float64)


def make_x(v, shape, dtype, layout):
    """x of `shape` holding the values v (float64) in `dtype` and `layout`."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        a = v.reshape(shape).astype(dtype)
    if layout == "C" or a.dtype == object or (layout in ("strided", "negative") and not shape):
        return a
    if layout == "list":
        return a.tolist()
    if layout == "F":
        return np.array(a, order="F")          # (asfortranarray makes 0-d arrays 1-d)
    if layout == "strided":
        big = np.zeros(tuple(2 * s for s in shape), a.dtype)
        view = big[tuple(slice(None, None, 2) for _ in shape)]
        view[...] = a
        return view
    if layout == "negative":
        big = np.zeros(shape, a.dtype)
        view = big[tuple(slice(None, None, -1) for _ in shape)]
        view[...] = a
        return view
    if layout == "offset":
        buf = np.zeros(a.size + 1, a.dtype)
        view = buf[1:].reshape(shape)
        view[...] = a
        return view
    if layout == "unaligned":
        raw = np.zeros(a.nbytes + 1, np.uint8)[1:]
        view = raw.view(a.dtype).reshape(shape)
        view[...] = a
        return view
    if layout == "byteswapped":
        return a.astype(a.dtype.newbyteorder())
    if layout == "readonly":
        a.flags.writeable = False
        return a
    raise AssertionError(layout)


def make_out(mode, x, rshape, rdtype):
    """(out, note) for an out mode; rshape/rdtype: the result's."""
    other = np.float32 if rdtype == np.float64 else np.float64
    if mode is None:
        return None
    if mode == "not_array":
        return [0.0]
    if mode in ("x", "xview", "partial") and not isinstance(x, np.ndarray):
        mode = "new"
    if mode == "x":
        return x
    if mode == "xview":
        return x.view()
    if mode == "partial":
        buf = np.zeros(x.size + 1, x.dtype)
        xs = buf[:x.size].reshape(x.shape)
        return buf[1:].reshape(x.shape), xs  # x replaced by a view of the same buffer
    if mode == "new":
        return np.full(rshape, 7.0, rdtype)
    if mode == "noncontig":
        big = np.full(tuple(2 * s for s in rshape) or (), 7.0, rdtype)
        return big[tuple(slice(None, None, 2) for _ in rshape)] if rshape else big
    if mode == "readonly":
        o = np.full(rshape, 7.0, rdtype)
        o.flags.writeable = False
        return o
    if mode == "wrong_dtype":
        return np.full(rshape, 7.0, other)
    if mode == "wrong_shape":
        return np.full(rshape + (1,), 7.0, rdtype)
    if mode == "byteswapped":
        return np.full(rshape, 7.0, np.dtype(rdtype).newbyteorder())
    raise AssertionError(mode)


def _ptr(a):
    return a.__array_interface__["data"][0]


def out_errors(out, x, rshape, rdtype):
    """The exceptions the contract allows for this out (empty: out is valid)."""
    if out is None:
        return set()
    if not isinstance(out, np.ndarray):
        return {TypeError}
    errs = set()
    if out.dtype != np.dtype(rdtype):
        errs.add(TypeError)
    if out.shape != rshape or not out.flags.c_contiguous or not out.flags.writeable or not out.flags.aligned:
        errs.add(ValueError)
    if isinstance(x, np.ndarray) and out.size and x.size and np.shares_memory(out, x):
        well_behaved = (x.flags.c_contiguous and x.flags.aligned and x.dtype.isnative
                        and x.dtype in (np.float32, np.float64))
        exact = well_behaved and _ptr(out) == _ptr(x) and out.shape == x.shape and out.dtype == x.dtype
        if not exact:
            errs.add(ValueError)
    return errs


def input_dtype(x):
    """The dtype the call computes in, or None if unsupported."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "biu":
            return np.dtype(np.float64)   # bool and integer arrays compute in float64
        return x.dtype.newbyteorder("=") if x.dtype.kind == "f" and x.dtype.itemsize in (4, 8) else None
    return np.dtype(np.float64)           # lists / Python floats


def snapshot(a):
    return a.copy() if isinstance(a, np.ndarray) else None


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and (a.tobytes() == b.tobytes() or
                                                           np.array_equal(a, b, equal_nan=True))


def call_and_check(f, x, out, errs, kwargs, check_result, rshape, rdtype):
    """Call f; either one of errs is raised and out/x are unchanged, or
    errs is empty and check_result(result) holds."""
    x_before, out_before = snapshot(x), snapshot(out)
    in_place = isinstance(out, np.ndarray) and isinstance(x, np.ndarray) and np.shares_memory(out, x) \
        and not errs
    try:
        r = f(x, **kwargs) if out is None else f(x, out=out, **kwargs)
    except Exception as e:
        event(f"refused: {type(e).__name__}")
        assert errs, f"unexpected {type(e).__name__}: {e}"
        assert isinstance(e, tuple(errs)), f"{type(e).__name__}: {e}; expected one of {errs}"
        if out_before is not None:
            assert same_bits(out, out_before), "out written by a refused call"
        if x_before is not None:
            assert same_bits(x, x_before), "x written by a refused call"
        return
    event("computed" if np.size(x) else "computed (empty)")
    assert not errs, f"no exception; expected one of {errs}"
    if out is None and rshape == ():      # a 0-d result comes back as a numpy scalar, as from numpy's ufuncs
        assert isinstance(r, np.generic) and r.dtype == rdtype, type(r)
        r = np.asarray(r)
    assert isinstance(r, np.ndarray) and r.shape == rshape and r.dtype == rdtype, (type(r), getattr(r, "shape", None))
    if out is not None:
        assert r is out
    else:
        assert r.flags.c_contiguous and (rshape == () or r.flags.writeable)
    if x_before is not None and not in_place:
        assert same_bits(x, x_before), "x written although out is another array"
    check_result(r, x_before if x_before is not None else np.asarray(x, dtype=np.float64))


# ---- exact references -----------------------------------------------------------

def elementwise_exact(kernel, x, params):
    """(hi, lo) of kernel(x) for float64 x.  At x = +-inf: the definition
    evaluated there when it gives a number (mpmath's infinities:
    sigmoid(-inf) = 0, threshold(-inf, threshold=-inf) = value), else the
    limit (inf * 0 forms: gelu(-inf), mish(-inf), leaky_relu(-inf,
    negative_slope=0)), taken as the value at 10**(+-10**4) where that equals
    the value at 10**(+-2*10**4) to double precision, and the infinity of
    its sign where it does not (the function grows without bound)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    hi, lo = reference(kernel, np.where(np.isinf(x), 0.0, x), params)
    if not np.isinf(x).any():
        return hi, lo
    mp = _ref._mp()
    fn = _ref._refs(mp)[kernel]
    with mp.workprec(_ref.PREC):
        for i in np.nonzero(np.isinf(x))[0]:
            s = 1 if x[i] > 0 else -1
            r = fn(mp.mpf(s) * mp.inf, **params)
            if mp.isnan(r):
                a = fn(s * mp.mpf(10) ** 10000, **params)
                b = fn(s * mp.mpf(10) ** 20000, **params)
                fa, fb = float(a), float(b)
                r = a if fa == fb else mp.inf * (1 if b > 0 else -1)
            hi[i] = float(r) if not mp.isinf(r) else (math.inf if r > 0 else -math.inf)
            lo[i] = 0.0
    return hi, lo


def softmax_exact(x2d, op):
    """(hi, lo) for every row of 2-d float64 x, special values included."""
    hi = np.zeros(x2d.shape)
    lo = np.zeros(x2d.shape)
    for r, row in enumerate(x2d):
        v = -row if op == "softmin" else row
        if row.size == 0:
            continue
        if np.isnan(v).any() or (v == -np.inf).all():
            hi[r] = np.nan
        elif (v == np.inf).any():
            k = int((v == np.inf).sum())
            if op == "log_softmax":
                h = float(-np.log(k))
                hi[r] = np.where(v == np.inf, h, -np.inf)
            else:
                hi[r] = np.where(v == np.inf, 1.0 / k, 0.0)
                lo[r] = np.where(v == np.inf, float(Fraction(1, k) - Fraction(1.0 / k)), 0.0)
        else:
            h, l = axis_reference(row[None, :], op)
            hi[r], lo[r] = h[0], l[0]
    return hi, lo


def assert_ulp(y, hi, lo, bound, what):
    err, i = worst_ulp(y, hi, lo)
    assert err <= bound, f"{what}: {err:.3g} ulp (got {np.asarray(y).ravel()[i]!r}, exact {hi.ravel()[i]!r})"


# ---- elementwise ------------------------------------------------------------------

def param_values(p):
    return st.one_of(st.just(p.example if p.default is REQUIRED else p.default),
                     st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 1e-300, 1e300, 0.5, 2.0]),
                     st.floats(-10, 10), st.just("1.0"))


@st.composite
def elementwise_calls(draw, func):
    shape = draw(shapes())
    n = int(np.prod(shape))
    dtype = draw(st.sampled_from(SUPPORTED * 9 + PROMOTED + UNSUPPORTED))
    layout = draw(st.sampled_from(LAYOUTS)) if dtype in SUPPORTED else "C"
    v = draw(values(n))
    kw = {}
    for p in func.params:
        if func.select and p.name == func.select[0]:
            kw[p.name] = draw(st.sampled_from(list(func.select[1]) + ["bogus"]))
        elif draw(st.integers(0, 2)) == 0 or p.default is REQUIRED:
            kw[p.name] = draw(param_values(p))
    return shape, dtype, layout, v, kw, draw(st.sampled_from(OUTS))


def _elementwise_test(func):
    f = getattr(cact, func.name)

    @SETTINGS
    @given(call=elementwise_calls(func))
    def test(call):
        shape, dtype, layout, v, kw, mode = call
        x = make_x(v, shape, dtype, layout)
        shape = np.shape(x)                             # a list of empty lists has lost its shape
        cdt = input_dtype(x)
        rdtype = cdt if cdt is not None else np.dtype(np.float64)
        out = make_out(mode, x, shape, rdtype)
        if isinstance(out, tuple):                      # partial overlap: x lives in out's buffer
            out, xs = out
            xs[...] = x
            x = xs
        errs = set()
        full = {p.name: (p.default if p.name not in kw else kw[p.name]) for p in func.params}
        if any(isinstance(val, str) for k, val in full.items() if not (func.select and k == func.select[0])):
            errs.add(TypeError)
        elif func.select and full[func.select[0]] not in func.select[1]:
            errs.add(ValueError)
        elif not all(check_passes(p.check, full) for p in func.float_params):
            errs.add(ValueError)
        if cdt is None:
            errs.add(TypeError)
        errs |= out_errors(out, x, shape, rdtype)
        kernel = func.select[1].get(full[func.select[0]]) if func.select else func.name
        params = {p.name: float(full[p.name]) for p in func.float_params} if not errs else None

        def check(r, x0):
            hi, lo = elementwise_exact(kernel, np.asarray(x0, dtype=np.float64), params)
            bound = func.ulp[r.dtype == np.float64]
            # a parameter the dtype cannot represent, where the result can be
            # the parameter itself (threshold's value, hardtanh's bounds), is
            # rounded once: half an ulp, whatever the function's own bound
            with np.errstate(over="ignore"):
                if r.dtype == np.float32 and any(math.isfinite(v) and float(np.float32(v)) != v
                                                 for v in params.values()):
                    bound = max(bound, 0.501)
            assert_ulp(r, hi, lo, bound, f"{func.name}{params}")

        call_and_check(f, x, out, errs, kw, check, shape, rdtype)

    return test


for _func in ELEMENTWISE:
    globals()[f"test_{_func.name}_property"] = _elementwise_test(_func)


# ---- along an axis ------------------------------------------------------------

@st.composite
def axis_calls(draw, name):
    shape = draw(shapes())
    n = int(np.prod(shape))
    dtype = draw(st.sampled_from(SUPPORTED * 9 + PROMOTED + UNSUPPORTED[:2]))
    layout = draw(st.sampled_from(LAYOUTS)) if dtype in SUPPORTED else "C"
    v = draw(values(n))
    nd = len(shape)
    axis = draw(st.integers(-nd - 2, nd + 2) if draw(st.integers(0, 4)) == 0 else
                st.integers(-max(nd, 1), max(nd, 1) - 1))
    extra = {}
    if name == "maxout":
        extra["pieces"] = draw(st.one_of(st.integers(1, 3), st.sampled_from([0, -1, 1.5])))
    if name == "prelu":
        extra["weight"] = draw(st.sampled_from(["scalar", "match", "short", "dtype", "2d"]))
    return shape, dtype, layout, v, axis, extra, draw(st.sampled_from(OUTS))


def _axis_test(name):
    f = getattr(cact, name)

    @SETTINGS
    @given(call=axis_calls(name))
    def test(call):
        shape, dtype, layout, v, axis, extra, mode = call
        x = make_x(v, shape, dtype, layout)
        shape = np.shape(x)                             # a list of empty lists has lost its shape
        cdt = input_dtype(x)
        rdtype = cdt if cdt is not None else np.dtype(np.float64)
        nd = len(shape)
        errs = set() if cdt is not None else {TypeError}
        kw = {"axis": axis}
        # prelu: a 1-d or 0-d x has no batch axis, its channel axis is 0 (axis 1 means 0)
        eff = 0 if (name == "prelu" and nd < 2 and axis == 1) else axis
        ax_ok = (-max(nd, 1) <= eff < max(nd, 1))
        if not ax_ok:
            errs.add(AxisError)
        ax = (eff % max(nd, 1)) if ax_ok else 0
        alen = shape[ax] if nd else 1
        rshape = shape
        if name == "maxout":
            p = extra["pieces"]
            kw["pieces"] = p
            if not isinstance(p, int):
                errs.add(TypeError)
            elif p < 1:
                errs.add(ValueError)
            elif ax_ok and alen % p:
                errs.add(ValueError)
            elif ax_ok and nd:
                rshape = tuple(s // p if i == ax else s for i, s in enumerate(shape))
        if name == "prelu":
            wmode = extra["weight"]
            wdt = rdtype if rdtype in (np.float32, np.float64) else np.float64
            w = {"scalar": lambda: 0.25, "match": lambda: np.linspace(-1, 1, alen).astype(wdt),
                 "short": lambda: np.linspace(-1, 1, alen + 1).astype(wdt),
                 "dtype": lambda: np.ones(alen, np.float16), "2d": lambda: np.ones((1, alen), wdt)}[wmode]()
            kw["weight"] = w
            if wmode == "short" and alen + 1 != 1:
                errs.add(ValueError)
            if wmode == "dtype":
                errs.add(TypeError)
            if wmode == "2d":
                errs.add(ValueError)
        out = make_out(mode, x, rshape, rdtype)
        if isinstance(out, tuple):
            out, xs = out
            xs[...] = x
            x = xs
        errs |= out_errors(out, x, rshape, rdtype)
        if name == "maxout" and isinstance(out, np.ndarray) and isinstance(x, np.ndarray) \
                and out.size and x.size and np.shares_memory(out, x):
            errs.add(ValueError)                           # maxout never computes in place

        def check(r, x0):
            if r.size == 0:
                return
            x0 = np.asarray(x0, dtype=np.float64).reshape(shape)
            xa = np.moveaxis(x0, ax, -1) if nd else x0.reshape(1)
            if name == "maxout":
                p = kw["pieces"]
                g = xa.reshape(xa.shape[:-1] + (xa.shape[-1] // p, p))
                exact = np.max(g, axis=-1) if g.size else np.zeros(g.shape[:-1])
                ref = np.moveaxis(exact, -1, ax) if nd else exact.reshape(())
                assert same_bits(r, ref.astype(r.dtype)), "maxout"
            elif name == "prelu":
                wv = np.asarray(kw["weight"], dtype=np.float64).ravel()
                wa = np.broadcast_to(wv if wv.size > 1 else wv[:1], xa.shape[-1:]) if xa.size else wv
                hi = np.empty(xa.shape)
                lo = np.zeros(xa.shape)
                for idx in np.ndindex(xa.shape):
                    xv, wc = xa[idx], float(wa[idx[-1]]) if wa.size > 1 else float(wa[0])
                    if np.isnan(xv) or xv >= 0:
                        hi[idx] = xv
                    elif np.isinf(xv):
                        hi[idx] = -0.0 if wc == 0 else math.copysign(math.inf, -wc)
                    else:
                        e = Fraction(wc) * Fraction(xv)
                        hi[idx] = float(e)
                        lo[idx] = float(e - Fraction(hi[idx])) if math.isfinite(hi[idx]) else 0.0
                ref_hi = np.moveaxis(hi, -1, ax) if nd else hi.reshape(())
                ref_lo = np.moveaxis(lo, -1, ax) if nd else lo.reshape(())
                assert_ulp(r, ref_hi, ref_lo, AXIS_ULP[name][r.dtype == np.float64], "prelu")
            else:
                rows = xa.reshape(-1, xa.shape[-1])
                hi, lo = softmax_exact(rows, name)
                hi = hi.reshape(xa.shape)
                lo = lo.reshape(xa.shape)
                ref_hi = np.moveaxis(hi, -1, ax) if nd else hi.reshape(())
                ref_lo = np.moveaxis(lo, -1, ax) if nd else lo.reshape(())
                assert_ulp(r, ref_hi, ref_lo, AXIS_ULP[name][r.dtype == np.float64], name)

        call_and_check(f, x, out, errs, kw, check, rshape, rdtype)

    return test


for _name in [row[0] for row in AXIS]:
    globals()[f"test_{_name}_property"] = _axis_test(_name)


# ---- a deterministic sweep of the edges ----------------------------------------
# Every parameter at 0, -0, +-inf, the tiniest and the largest values its
# check accepts (the others at their defaults), against x at +-inf, NaN, +-0
# and a few finite values: the cases random draws reach rarely, where an
# inf * 0 inside a formula gives NaN instead of the limit (leaky_relu(-inf,
# negative_slope=0), hard_sigmoid(+-inf, alpha=0), hardshrink(inf,
# lambd=inf), swish(inf, beta=0)).

EDGE_PARAMS = [0.0, -0.0, math.inf, -math.inf, 5e-324, -5e-324, 1e-300, 1e300, -1e300, 1.0, -1.0]
EDGE_X = [-math.inf, math.inf, math.nan, 0.0, -0.0, 1e-30, -1e-30, 0.75, -2.5, 1e30, -1e30, 3e38, -3e38]


def _edge_cases():
    for func in ELEMENTWISE:
        base = default_kwargs(func, func.float_params)
        variants = [base] + [dict(base, **{p.name: v}) for p in func.float_params for v in EDGE_PARAMS]
        for kernel in func.kernels:
            seen = []
            for kw in variants:
                if kw in seen or not all(check_passes(p.check, kw) for p in func.float_params):
                    continue
                seen.append(kw)
                yield pytest.param(func, kernel, kw, id=f"{kernel}-{kw}")


@pytest.mark.parametrize("func,kernel,kw", list(_edge_cases()))
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_edge_parameters_and_inputs(func, kernel, kw, dt):
    x = np.array(EDGE_X, dtype=np.float64).astype(dt)
    call = dict(kw)
    if func.select:
        call[func.select[0]] = next(v for v, k in func.select[1].items() if k == kernel)
    y = getattr(cact, func.name)(x, **call)
    hi, lo = elementwise_exact(kernel, x.astype(np.float64), kw)
    bound = func.ulp[dt == "float64"]
    with np.errstate(over="ignore"):
        if dt == "float32" and any(math.isfinite(v) and float(np.float32(v)) != v for v in kw.values()):
            bound = max(bound, 0.501)
    assert_ulp(y, hi, lo, bound, f"{kernel}{kw} {dt}")
