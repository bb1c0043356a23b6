"""The fast tier along an axis: cact.fast.softmax, log_softmax, softmin
(include/cact/axis/softmax_fast.h; docs/accuracy.md, "Fast tier").

- the API: cact.fast's functions are the fast kernels, with cact's
  signatures and names;
- accuracy: within the catalogue's fast bound (Fast.ulp: 4 ulp float32
  under the tier's subnormal rule, 8 ulp float64) against mpmath on rows of
  32 to 1025 entries and long double on rows of 50257, with spreads up to
  the float32 / float64 underflow and shifts that take each of the kernels'
  three ways of forming x - max exactly (max <= 0; every entry within the
  max's binade; neither), along the last axis and axis 0 (the tiles), at
  every ISA level; short rows (below 32 entries) are the accurate tier's;
- adversarial sums: rows whose terms cancel no digits but whose sum a plain
  float accumulation would drift on (one dominant term and 50256 tiny
  ones; all terms equal; a geometric ladder);
- special values: NaN rows, +-inf entries, all -inf rows, empty axes give
  the accurate tier's bits; a row's -inf entries give exactly 0 / -inf;
- in place, out= and a split over threads give the bits of one call.
"""
import inspect

import numpy as np
import pytest
from helpers import SOFT, bits, exact_rows, fast_worst_ulp, longdouble_axis_reference, same_bits

import cact
import cact.fast
from cact._catalogue import AXIS_BY_NAME

pytest.importorskip("mpmath")

DTYPES = ["float32", "float64"]


def bound(op, dt):
    return AXIS_BY_NAME[op].fast.ulp[dt == "float64"]


def check(op, dt, y, ref, what, acc=None):
    """y within the fast bound of ref = (hi, lo); where the exact value is
    below half float32's least subnormal (it rounds to 0) a zero y may have
    the sign the accurate tier gives there (acc: its result), as when
    log(s) underflows to 0 in d - log(s) along the columns."""
    if dt == "float32" and acc is not None:
        hi = np.asarray(ref[0])
        z = (np.abs(hi) < 2.0 ** -150) & (y == 0) & (acc == 0) & (np.signbit(y) == np.signbit(acc))
        ref = (np.where(z, 0.0, hi) * np.where(z & np.signbit(y), -1.0, 1.0), np.where(z, 0.0, ref[1]))
    err, i = fast_worst_ulp(y, *ref)
    assert err <= bound(op, dt), f"fast {op} {dt} {what}: {err} ulp at flat index {i} (bound {bound(op, dt)})"
    return err


# ---- the API --------------------------------------------------------------------

@pytest.mark.parametrize("op", SOFT)
def test_fast_functions_are_the_fast_kernels(op):
    f = getattr(cact.fast, op)
    assert f is not getattr(cact, op)
    assert f.__name__ == op
    assert inspect.signature(f) == inspect.signature(getattr(cact, op))
    assert "cact_fast_" + op in f.__doc__
    x = (np.random.default_rng(1).uniform(-1, 1, (3, 1000)) * 20).astype(np.float32)
    if op != "log_softmax":       # (its d - log(s) rounds as the accurate tier's on such rows)
        assert not same_bits(f(x), getattr(cact, op)(x))     # a different kernel runs


# ---- accuracy ---------------------------------------------------------------------

def rows(dt, n, spread, shift, nrows=3, seed=0):
    # spread * uniform(-1, 1): random low bits (x - max is rarely exact)
    rng = np.random.default_rng(seed + n)
    return (rng.uniform(-1, 1, (nrows, n)) * spread + shift).astype(dt)


SPREADS = {"float32": [1e-3, 1.0, 20.0, 60.0, 86.0, 100.0, 1e4],
           "float64": [1e-9, 1.0, 30.0, 350.0, 700.0, 745.0, 1e5]}
# shifts: every entry <= 0 (Fast2Sum from v), entries within the max's binade
# (Fast2Sum from -max), a max above 0 with entries far below (TwoSum)
SHIFTS = [-1000.0, -3.0, 0.0, 0.5, 3.0, 1000.0]


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [1, 7, 31, 32, 33, 100, 1025])
def test_within_bound_rows_and_columns(op, dt, n, isa):
    f, g = getattr(cact.fast, op), getattr(cact, op)
    for spread in SPREADS[dt]:
        for shift in SHIFTS:
            x = rows(dt, n, spread, shift * (spread if spread > 1 else 1))
            ref = exact_rows(x, op)
            xc = np.ascontiguousarray(np.tile(x.T, (1, 6)))     # columns: [n, 18], axis 0
            refc = tuple(np.tile(h.T, (1, 6)) for h in ref)
            for lv in isa.each():
                check(op, dt, f(x), ref, f"n={n} spread={spread} shift={shift} at {lv}", g(x))
                check(op, dt, f(xc, axis=0), refc, f"columns n={n} spread={spread} shift={shift} at {lv}",
                      g(xc, axis=0))


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
def test_within_bound_long_rows(op, dt, isa):
    """Rows of 50257 entries (a vocabulary), as rows and as the columns of
    a [50257, 20] block; long double reference."""
    f = getattr(cact.fast, op)
    for spread in ([1.0, 20.0, 87.0] if dt == "float32" else [1.0, 30.0, 700.0]):
        for shift in (-5.0, 0.25, 40.0):
            x = rows(dt, 50257, spread, shift * spread, nrows=2)
            ref = longdouble_axis_reference(x, op, -1)
            # the columns' reference from the rows' (numpy sums a long double
            # column one term after another: 50257 terms drift by ~2^-48,
            # 10 float64 ulp; along a row it sums pairwise)
            xc = np.ascontiguousarray(np.tile(x.T, (1, 10)))
            refc = tuple(np.tile(h.T, (1, 10)) for h in ref)
            for lv in isa.each():
                check(op, dt, f(x), ref, f"spread={spread} shift={shift} at {lv}")
                check(op, dt, f(xc, axis=0), refc, f"columns spread={spread} shift={shift} at {lv}")


def adversarial_rows(dt, n=50257):
    """Rows where the sum is hard: one dominant entry and n - 1 entries 17
    below it (each term ~4e-8, their total ~2e-3: a float sum adding them
    one by one to ~1 would lose them); all entries equal (every result
    1/n); a geometric ladder (every term a different binade); entries
    alternating between two values 1e-3 apart; the dominant entry 90
    above the rest (float32: the rest's results are subnormal)."""
    rng = np.random.default_rng(3)
    out = []
    r = np.full(n, -17.0)
    r[n // 2] = 0.0
    out.append(r)
    out.append(np.full(n, 0.7))
    out.append(-np.arange(n) * (80.0 / n) + 1.0)
    out.append(np.where(np.arange(n) % 2 == 0, 3.0, 3.001))
    r = rng.uniform(-1, 0, n)
    r[7] = 90.0
    out.append(r)
    return np.array(out).astype(dt)


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
def test_within_bound_adversarial_sums(op, dt, isa):
    x = adversarial_rows(dt)
    ref = longdouble_axis_reference(x, op, -1)
    for lv in isa.each():
        check(op, dt, getattr(cact.fast, op)(x), ref, f"adversarial at {lv}")


@pytest.mark.parametrize("dt", DTYPES)
def test_log_softmax_keeps_the_digits_of_the_max_entry(dt):
    """log_softmax of the max entry is -log1p(t): the fast tier counts the
    max entries apart too, so a tiny t keeps its digits."""
    for gap in [20.0, 30.0, 60.0, 80.0, 95.0, 200.0]:
        x = np.zeros((2, 40), dtype=dt)
        x[:, 1:] = -gap - np.arange(39, dtype=dt)[None, :] / 8
        y = cact.fast.log_softmax(x)
        if gap < 100 or dt == "float64":
            check("log_softmax", dt, y, exact_rows(x, "log_softmax"), f"gap={gap}")
            assert y[0, 0] != 0
        else:                 # float32: -log1p(e^-200) is below every float: the accurate tier's 0
            assert same_bits(y[:, 0], cact.log_softmax(x)[:, 0])


# ---- special values ---------------------------------------------------------------

def special_rows(dt, n):
    """Rows of n entries holding special values, each row once."""
    base = np.linspace(-3, 2, n)
    r = []
    for pos in (0, n // 2, n - 1):
        for v in (np.nan, np.inf, -np.inf):
            row = base.copy()
            row[pos] = v
            r.append(row)
    row = base.copy()
    row[[0, n - 1]] = np.inf                     # two entries at +inf
    r.append(row)
    r.append(np.full(n, -np.inf))                # all -inf: NaN
    r.append(np.full(n, np.inf))                 # all +inf: 1/n
    row = np.full(n, -np.inf)
    row[n // 3] = 5.0                            # one finite entry: 1 and 0
    r.append(row)
    row = np.full(n, -np.inf)
    row[n // 3] = np.nan
    r.append(row)
    r.append(np.zeros(n) * -1.0)                 # -0 everywhere
    row = base.copy()
    row[1::3] = -np.inf
    r.append(row)
    return np.array(r).astype(dt)


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [3, 40, 1000])
def test_special_values_are_the_accurate_tiers(op, dt, n, isa):
    """Rows holding a NaN, a +inf, or only -inf give the accurate tier's
    bits (NaN rows; the limits 1/k and 0, -log(k) and -inf); in rows of
    finite entries and -inf, the -inf entries give the accurate tier's
    exact 0 (-inf) and the others the fast bound; last axis and axis 0."""
    x = special_rows(dt, n)
    v = -x if op == "softmin" else x          # softmin(x) = softmax(-x)
    whole = (np.isnan(v) | np.isposinf(v)).any(axis=1) | np.isneginf(v).all(axis=1)
    exact = whole[:, None] | np.isneginf(v)
    ref = longdouble_axis_reference(np.where(whole[:, None], 0, x), op, -1)
    for lv in isa.each():
        for axis, xa in ((-1, x), (0, np.ascontiguousarray(x.T))):
            y = getattr(cact.fast, op)(xa, axis=axis)
            want = getattr(cact, op)(xa, axis=axis)
            if axis == 0:
                y, want = y.T, want.T
            assert same_bits(y[exact], want[exact]), (lv, axis, x[exact], y[exact], want[exact])
            err, _ = fast_worst_ulp(y[~exact], ref[0][~exact], ref[1][~exact])
            assert err <= bound(op, dt), (lv, axis, err)


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
def test_empty_and_zero_d(op, dt):
    f, g = getattr(cact.fast, op), getattr(cact, op)
    for shape, axis in [((0,), -1), ((3, 0), -1), ((0, 5), 0), ((4, 0, 2), 1), ((), -1), ((1,), 0)]:
        x = np.ones(shape, dtype=dt)
        assert same_bits(f(x, axis=axis), g(x, axis=axis)), (shape, axis)


# ---- in place, out=, threads ---------------------------------------------------------

@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", DTYPES)
def test_in_place_out_and_threads(op, dt):
    f = getattr(cact.fast, op)
    for shape, axis in [((64, 1000), -1), ((300, 70), 0), ((5, 40, 33), 1), ((2, 50257), -1)]:
        x = rows(dt, shape[-1], 30.0, 1.0, nrows=int(np.prod(shape[:-1])), seed=5).reshape(shape)
        want = f(x, axis=axis)
        out = np.empty_like(x)
        assert f(x, axis=axis, out=out) is out and same_bits(out, want)
        xi = x.copy()
        assert f(xi, axis=axis, out=xi) is xi and same_bits(xi, want)
        saved = cact.get_num_threads()
        try:
            cact.set_num_threads(2)
            assert same_bits(f(x, axis=axis), want)
        finally:
            cact.set_num_threads(saved)
        assert bits(want).shape == x.shape
