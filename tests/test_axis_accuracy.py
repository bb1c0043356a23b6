"""softmax, log_softmax and softmin within the catalogue's ulp bounds
against mpmath: rows of 1 to 65536 entries and a 1e6-entry row, spreads
from nearly equal values to +-1e30 (subnormal results included), along the
last axis and along axis 0 (the column kernels), and rows whose max
dominates, where log_softmax must keep every digit of the max entry's
result."""
import math

import numpy as np
import pytest
from helpers import AXIS_ULP, SOFT, exact_rows, max_ulp

import cact

pytest.importorskip("mpmath")


def rows(dtype, n, spread, nrows=3, seed=0, pool=None):
    """nrows rows of n entries of `dtype`: uniform in [-spread, spread],
    or drawn from a pool of that many distinct values (long rows)."""
    # spread * uniform(-1, 1) has random low bits (uniform(-spread, spread)
    # itself is a coarse grid, on which x - max is often exact)
    rng = np.random.default_rng(seed + n)
    if pool:
        values = rng.uniform(-1, 1, pool) * spread
        return values[rng.integers(0, pool, (nrows, n))].astype(dtype)
    return (rng.uniform(-1, 1, (nrows, n)) * spread).astype(dtype)


def as_columns(f, x, ref):
    """f along axis 0 of the rows of x as the columns of a block of 64 (x's
    rows repeated: from 64 rows and columns on, float64 softmax takes its
    reference-max kernel), and the reference to match."""
    k = -(-64 // len(x))
    y = f(np.ascontiguousarray(np.tile(x.T, (1, k))), axis=0).T
    return y, tuple(np.tile(h, (k, 1)) for h in ref)


SPREADS = {"float32": [1e-6, 1.0, 20.0, 60.0, 110.0, 1e4, 1e30],
           "float64": [1e-12, 1.0, 30.0, 350.0, 745.0, 1e5, 1e30]}
LENGTHS = [1, 2, 3, 10, 31, 1000, 1025]


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("n", LENGTHS)
def test_accuracy_rows(op, dt, n):
    """Every output within the catalogue's bound, last axis and axis 0
    (the column kernel), for spreads from nearly equal values to +-1e30
    (subnormal results included: spreads 110 and 745 reach them)."""
    bound = AXIS_ULP[op][dt == "float64"]
    for spread in SPREADS[dt]:
        x = rows(dt, n, spread, nrows=4)
        ref = exact_rows(x, op)
        f = getattr(cact, op)
        e_row = max_ulp(f(x), ref)
        e_col = max_ulp(*as_columns(f, x, ref))
        assert e_row <= bound and e_col <= bound, (op, dt, n, spread, e_row, e_col)


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_accuracy_long_rows(op, dt):
    """Rows of 65536 entries (several chunks of the scratch buffer), as
    rows and as columns of a [65536, 66] array."""
    bound = AXIS_ULP[op][dt == "float64"]
    for spread in ([1.0, 20.0, 90.0] if dt == "float32" else [1.0, 30.0, 700.0]):
        x = rows(dt, 65536, spread, nrows=3, pool=3000)
        ref = exact_rows(x, op)
        f = getattr(cact, op)
        e_row = max_ulp(f(x), ref)
        e_col = max_ulp(*as_columns(f, x, ref))
        assert e_row <= bound and e_col <= bound, (op, dt, spread, e_row, e_col)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_accuracy_million_entries(dt):
    """A 1e6-entry row of a few distinct values: the same terms added a
    million times is where a plain sum drifts."""
    x = rows(dt, 10 ** 6, 3.0, nrows=1, pool=40)
    for op in SOFT:
        ref = exact_rows(x, op)
        assert max_ulp(getattr(cact, op)(x), ref) <= AXIS_ULP[op][dt == "float64"], op


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_log_softmax_keeps_the_digits_of_the_max_entry(dt):
    """log_softmax of the max entry is -log1p(t), t the other terms: with t
    below the dtype's epsilon a result computed as x - max - log(s) is 0 or
    a few digits; cact's is within 1 ulp of the exact value."""
    t = np.dtype(dt).type
    for gap in [30.0, 60.0, 80.0, 200.0, 700.0]:
        x = np.array([0.0, -gap, -gap - 1], dtype=dt)
        y = cact.log_softmax(x)
        exact = -math.log1p(math.exp(-gap) + math.exp(-gap - 1))
        if dt == "float32" and gap > 100:
            exact = -math.log1p(math.exp(-gap))   # e^-gap below float's reach is still exact here
        hi, lo = exact_rows(x[None], "log_softmax")
        assert max_ulp(y[None, :1], (hi[:, :1], lo[:, :1])) <= 1, (gap, y[0], exact)
        assert y[0] != 0 or exact > -float(np.finfo(dt).smallest_subnormal)
    # worked examples: the max entry's digits, and exact 1 and 0 for a dominant entry
    assert cact.log_softmax(np.array([0.0, -30.0]))[0] == -math.log1p(math.exp(-30.0))
    np.testing.assert_array_equal(cact.softmax(np.array([1000.0, 0.0])), [1.0, 0.0])
    assert cact.softmax(np.array([1000.0, 0.0], dtype=t))[0] == 1.0


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_log_softmax_dominant_max(dt):
    """Rows whose max dominates (the other terms 5 to 103 below it, or far
    below): log(s) = log1p(t) with a tiny t made of one or a few terms,
    where the max entry's result -log1p(t) ~ -t needs every term of t to
    about 2^-26 (an exp that drops its second-order correction term exceeds
    the bound here); rows and columns."""
    rng = np.random.default_rng(7)
    for gap, far in [(79.0, 0.0), (103.0, 200.0)]:
        for n in (2, 3, 33):
            x = np.zeros((64, n))
            x[:, 0] = rng.uniform(-50, 50, 64)
            x[:, 1:] = x[:, :1] - rng.uniform(5, gap, (64, n - 1))
            x[:, 2:] -= far
            x = x.astype(dt)
            ref = exact_rows(x, "log_softmax")
            bound = AXIS_ULP["log_softmax"][dt == "float64"]
            assert max_ulp(cact.log_softmax(x), ref) <= bound, (gap, n)
            assert max_ulp(cact.log_softmax(np.ascontiguousarray(x.T), axis=0).T, ref) <= bound, (gap, n)


def test_measured_bounds_are_tight_enough():
    """The float64 results really are better than the rounded-difference
    formula: the naive numpy formulation exceeds the bound on these rows
    (so the bound can fail), cact's does not."""
    x = rows("float64", 1000, 700.0, nrows=2)
    ref = exact_rows(x, "softmax")
    naive = np.exp(x - x.max(1, keepdims=True))
    naive /= naive.sum(1, keepdims=True)
    assert max_ulp(naive, ref) > AXIS_ULP["softmax"][1]
    assert max_ulp(cact.softmax(x), ref) <= AXIS_ULP["softmax"][1]
