"""Helpers shared by the test modules: `from helpers import ...` (pytest puts
tests/ on sys.path, as it does for conftest.py).  Test modules never import
one another; what two of them need lives here, fixtures in conftest.py.

- calling the API: run (a C kernel by name), default_kwargs, check_passes,
  axis_call;
- inputs: data, and the constants of the functions along an axis;
- checks: refused (an error, and nothing written), bits / same_bits,
  worst_ulp / max_ulp (ulp error against an exact (hi, lo) reference),
  fast_ulp_error / fast_worst_ulp (the same under the fast tier's rule for
  subnormal results);
- references: sample_reference (mpmath on cact._reference.sample, cached),
  exact_rows (mpmath, along the last axis), longdouble_axis_reference;
- ISA levels: LEVELS, hardware_level, available_levels, set_level (the
  `isa` fixture of conftest.py switches levels for a test and restores);
- subprocess_env: an environment in which a child Python imports the cact
  under test.
"""
import functools
import math
import os

import numpy as np
import pytest

import cact
from cact._catalogue import AXIS, call_args
from cact._reference import axis_reference, reference, sample, ulp_error

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

AxisError = getattr(np, "exceptions", np).AxisError
SOFT = ["softmax", "log_softmax", "softmin"]
AXIS_OPS = SOFT + ["maxout", "prelu"]
AXIS_ULP = {name: bound for name, _, _, bound in AXIS}   # name -> (float32 bound, float64 bound)


# ---- calling the API ------------------------------------------------------------

def run(kernel, x, params=None, **extra):
    """Apply `kernel` (a C kernel name, e.g. 'gelu_tanh') through the public API."""
    name, kw = call_args(kernel, params)
    kw.update(extra)
    return getattr(cact, name)(x, **kw)


def default_kwargs(func, params=None):
    """A catalogue function's parameters at their defaults, a required one at
    its example value (`params`: which of func's parameters, all by default)."""
    from cact._catalogue import REQUIRED
    return {p.name: (p.example if p.default is REQUIRED else p.default)
            for p in (func.params if params is None else params)}


def check_passes(check, values):
    """Evaluate a catalogue check expression (C syntax kept Python-valid)
    for the given parameter values."""
    if not check:
        return True
    return bool(eval(check, {"isnan": math.isnan, "isfinite": math.isfinite}, dict(values)))


def axis_call(op):
    """(f, kwargs) calling the function `op` along an axis as f(x, axis=...,
    out=..., **kwargs): maxout with 2 pieces, prelu with a weight per channel
    of the axis (from -1 to 1), the others as they are."""
    if op == "maxout":
        return cact.maxout, {"pieces": 2}
    if op == "prelu":
        return (lambda x, axis=-1, **kw: cact.prelu(x, np.linspace(-1, 1, x.shape[axis]).astype(x.dtype),
                                                    axis=axis, **kw)), {}
    return getattr(cact, op), {}


# ---- inputs -----------------------------------------------------------------------

def data(shape, dtype, seed=0):
    """Uniform in [-8, 8): every kernel's interesting region, no special values."""
    return np.random.default_rng(seed).uniform(-8, 8, shape).astype(dtype)


# ---- checks -----------------------------------------------------------------------

def refused(exc, match, f, x, **kw):
    """f(x, **kw) raises exc with a message matching `match`, and leaves
    out (when it is an array) as it was."""
    out = kw.get("out")
    before = out.copy() if isinstance(out, np.ndarray) else None
    with pytest.raises(exc, match=match):
        f(x, **kw)
    if before is not None:
        np.testing.assert_array_equal(out, before)


def bits(a):
    """The bit patterns of a float32 / float64 / float16 / bfloat16 array."""
    return a.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])


def same_bits(a, b):
    """Equal bit for bit (so +0 differs from -0), any NaN equal to any NaN."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.all((bits(a) == bits(b)) | (np.isnan(a) & np.isnan(b))))


def worst_ulp(y, hi, lo):
    """(largest ulp error of y against the exact hi + lo, its flat index);
    (0.0, None) for an empty y."""
    err = ulp_error(np.asarray(y).ravel(), np.asarray(hi).ravel(), np.asarray(lo).ravel())
    if not err.size:
        return 0.0, None
    i = int(np.argmax(err))
    return float(err[i]), i


def max_ulp(y, ref):
    """Largest ulp error of y against ref = (hi, lo); 0 for an empty y."""
    return worst_ulp(y, *ref)[0]


def fast_ulp_error(y, hi, lo):
    """The fast tier's error of y against the exact hi + lo: ulps (as
    ulp_error) where the exact value is normal; for float32 where it is
    subnormal (below 2**-126), |y - exact| in units of 2**-126 when within
    one, inf when further or when y is a zero of the other sign (the tier's
    rule: the value itself, 0 of its sign, or anything within 2**-126).
    float64 has no such rule: plain ulps."""
    y = np.asarray(y).ravel()
    hi, lo = np.asarray(hi).ravel(), np.asarray(lo).ravel()
    err = ulp_error(y, hi, lo)
    if y.dtype != np.float32:
        return err
    tiny = 2.0 ** -126
    sub = np.isfinite(hi) & (np.abs(hi) < tiny) & np.isfinite(y)
    exact = hi[sub].astype(np.longdouble) + lo[sub]
    d = np.abs(y[sub].astype(np.longdouble) - exact) / np.longdouble(tiny)
    wrong_zero = (y[sub] == 0) & (exact != 0) & (np.signbit(y[sub]) != (exact < 0))
    err[sub] = np.where((d <= 1) & ~wrong_zero, d.astype(np.float64), np.inf)
    return err


def fast_worst_ulp(y, hi, lo):
    """(largest fast_ulp_error, its flat index); (0.0, None) for an empty y."""
    err = fast_ulp_error(y, hi, lo)
    if not err.size:
        return 0.0, None
    i = int(np.argmax(err))
    return float(err[i]), i


# ---- references ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def cached_sample(dtype, **kw):
    """cact._reference.sample, computed once per argument set."""
    return sample(dtype, **kw)


@functools.lru_cache(maxsize=None)
def sample_reference(kernel, dtype, **kw):
    """(hi, lo) of kernel on cached_sample(dtype, **kw), from mpmath."""
    pytest.importorskip("mpmath")
    return reference(kernel, cached_sample(dtype, **kw))


def exact_rows(x, op):
    """(hi, lo) of op ('softmax', 'log_softmax', 'softmin') along the last
    axis of 2-d x, from mpmath (the test skips without it)."""
    pytest.importorskip("mpmath")
    return axis_reference(x, op)


def longdouble_axis_reference(x, op, axis):
    """op along `axis` in long double (64-bit mantissa on x86): good to about
    2**-60 for moderate inputs, as (hi, lo).  Fast enough for every axis of
    arrays that mpmath would take minutes over."""
    v = x.astype(np.longdouble)
    if op == "softmin":
        v = -v
    d = v - v.max(axis=axis, keepdims=True)
    e = np.exp(d)
    s = e.sum(axis=axis, keepdims=True)
    # log(s) = log1p(c - 1 + t), t the terms other than the max's: exact for tiny t
    c = (d == 0).sum(axis=axis, keepdims=True)
    t = np.where(d == 0, 0, e).sum(axis=axis, keepdims=True)
    r = d - np.log1p(c - 1 + t) if op == "log_softmax" else e / s
    hi = r.astype(np.float64)
    return hi, (r - hi).astype(np.float64)


# ---- ISA levels -----------------------------------------------------------------------

LEVELS = ("v4", "v3", "baseline")          # best first: each level's instructions include the next's
LEVEL_NAMES = {"v4": "x86-64-v4 (AVX-512)", "v3": "x86-64-v3 (AVX2+FMA)", "baseline": "baseline"}


def hardware_level():
    """The best level this CPU runs ('v4', 'v3' or 'baseline'), whatever
    CACT_ISA says."""
    from cact import _elementwise
    name = _elementwise._isa_name(hardware=True)
    return next(lv for lv, n in LEVEL_NAMES.items() if n == name)


def available_levels():
    """The levels this CPU runs, best first."""
    return LEVELS[LEVELS.index(hardware_level()):]


def set_level(level):
    """Make every kernel run at `level` (CACT_ISA, re-read by both
    extensions); returns the level now in use, as cact.isa_level() names it.
    A level above the hardware's gives the hardware's: callers that compare
    levels check available_levels() first (the `isa` fixture does)."""
    from cact import _axis, _elementwise
    if level is None:
        os.environ.pop("CACT_ISA", None)
    else:
        os.environ["CACT_ISA"] = level
    name = _elementwise._isa_reset()
    assert _axis._isa_reset() == name
    return name


# ---- subprocesses ------------------------------------------------------------------

def subprocess_env():
    """os.environ with the directory holding the cact under test (an in-place
    build, an installed package or the sanitizer build) first on PYTHONPATH,
    so that a child Python imports the same cact."""
    env = dict(os.environ)
    home = os.path.dirname(os.path.dirname(os.path.abspath(cact.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([home] + [p for p in [env.get("PYTHONPATH")] if p])
    return env
