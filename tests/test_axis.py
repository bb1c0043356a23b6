"""softmax, log_softmax, softmin, maxout and prelu along any axis.

Accuracy against mpmath (rows of 1..65536 entries, spreads up to 1e30, and
a 1e6-entry row), special values, every axis of 1-d..4-d arrays, the
DESIGN.md contract (out, in place, layouts, errors, nothing written when
refused), ISA levels and threads.
"""
import importlib.util
import math
import os
import platform
import shutil
import threading

import numpy as np
import pytest

import cact
from cact import _axis as axext
from cact import _elementwise as elext
from cact._catalogue import AXIS
from cact._reference import axis_reference, ulp_error

from test_contract import _refused

AxisError = getattr(np, "exceptions", np).AxisError
ULP = {name: bound for name, _, _, bound in AXIS}
SOFT = ["softmax", "log_softmax", "softmin"]
INF = math.inf
NAN = math.nan


# ---- the exact result ------------------------------------------------------

def exact_rows(x, op):
    pytest.importorskip("mpmath")
    return axis_reference(x, op)


def max_err(y, ref):
    err = ulp_error(np.asarray(y), *ref)
    return float(err.max()) if err.size else 0.0


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
    bound = ULP[op][dt == "float64"]
    for spread in SPREADS[dt]:
        x = rows(dt, n, spread, nrows=4)
        ref = exact_rows(x, op)
        f = getattr(cact, op)
        e_row = max_err(f(x), ref)
        e_col = max_err(*as_columns(f, x, ref))
        assert e_row <= bound and e_col <= bound, (op, dt, n, spread, e_row, e_col)


def as_columns(f, x, ref):
    """f along axis 0 of the rows of x as the columns of a block of 64
    (x's rows repeated: from 64 rows and columns on float64 softmax takes
    its reference-max kernel), and the reference to match"""
    k = -(-64 // len(x))
    y = f(np.ascontiguousarray(np.tile(x.T, (1, k))), axis=0).T
    return y, tuple(np.tile(h, (k, 1)) for h in ref)


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_accuracy_long_rows(op, dt):
    """Rows of 65536 entries (several chunks of the scratch buffer), as
    rows and as columns of a [65536, 66] array."""
    bound = ULP[op][dt == "float64"]
    for spread in ([1.0, 20.0, 90.0] if dt == "float32" else [1.0, 30.0, 700.0]):
        x = rows(dt, 65536, spread, nrows=3, pool=3000)
        ref = exact_rows(x, op)
        f = getattr(cact, op)
        e_row = max_err(f(x), ref)
        e_col = max_err(*as_columns(f, x, ref))
        assert e_row <= bound and e_col <= bound, (op, dt, spread, e_row, e_col)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_accuracy_million_entries(dt):
    """A 1e6-entry row of a few distinct values: the same terms added a
    million times is where a plain sum drifts."""
    x = rows(dt, 10 ** 6, 3.0, nrows=1, pool=40)
    for op in SOFT:
        ref = exact_rows(x, op)
        assert max_err(getattr(cact, op)(x), ref) <= ULP[op][dt == "float64"], op


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_log_softmax_keeps_the_digits_of_the_max_entry(dt):
    t = np.dtype(dt).type
    for gap in [30.0, 60.0, 80.0, 200.0, 700.0]:
        x = np.array([0.0, -gap, -gap - 1], dtype=dt)
        y = cact.log_softmax(x)
        exact = -math.log1p(math.exp(-gap) + math.exp(-gap - 1))
        if dt == "float32" and gap > 100:
            exact = -math.log1p(math.exp(-gap))   # e^-gap below float's reach is still exact here
        hi, lo = exact_rows(x[None], "log_softmax")
        assert max_err(y[None, :1], (hi[:, :1], lo[:, :1])) <= 1, (gap, y[0], exact)
        assert y[0] != 0 or exact > -float(np.finfo(dt).smallest_subnormal)
    # the DESIGN.md examples
    assert cact.log_softmax(np.array([0.0, -30.0]))[0] == -math.log1p(math.exp(-30.0))
    np.testing.assert_array_equal(cact.softmax(np.array([1000.0, 0.0])), [1.0, 0.0])
    assert cact.softmax(np.array([1000.0, 0.0], dtype=t))[0] == 1.0


def test_measured_bounds_are_tight_enough():
    """The f64 results really are better than the rounded-difference
    formula (not a test that cannot fail: the naive numpy formulation
    exceeds the bound here)."""
    x = rows("float64", 1000, 700.0, nrows=2)
    ref = exact_rows(x, "softmax")
    naive = np.exp(x - x.max(1, keepdims=True))
    naive /= naive.sum(1, keepdims=True)
    assert max_err(naive, ref) > ULP["softmax"][1]
    assert max_err(cact.softmax(x), ref) <= ULP["softmax"][1]


# ---- special values --------------------------------------------------------

def _all_paths(f, row, dt):
    """f on `row` as a short row, a long row (padded with -inf, which must
    not change the other results), and along axis 0: all must agree."""
    x = np.array(row, dtype=dt)
    n = len(row)
    out = [f(x)]
    pad = 3000
    long = np.concatenate([x, np.full(pad, -INF if f is not cact.softmin else INF, dt)])
    out.append(f(long)[:n])
    out.append(f(np.ascontiguousarray(np.repeat(x[:, None], 5, axis=1)), axis=0)[:, 2])
    out.append(f(np.ascontiguousarray(np.repeat(x[None, :], 40, axis=0)), axis=1)[7])
    return out


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_special_values(dt):
    k3 = -np.log(np.float64(3))
    cases = [  # row, softmax, log_softmax
        ([1.0, NAN, 2.0], [NAN] * 3, [NAN] * 3),
        ([NAN, -INF, INF], [NAN] * 3, [NAN] * 3),
        ([-INF, -INF], [NAN] * 2, [NAN] * 2),
        ([-INF], [NAN], [NAN]),
        ([NAN], [NAN], [NAN]),
        ([5.0], [1.0], [0.0]),
        ([-1e30], [1.0], [0.0]),
        ([INF], [1.0], [0.0]),
        ([0.0, -INF, 0.0], [0.5, 0.0, 0.5], [-np.log(2), -INF, -np.log(2)]),
        ([1.0, INF, -INF, INF, 3.0, INF], [0, 1 / 3, 0, 1 / 3, 0, 1 / 3], [-INF, k3, -INF, k3, -INF, k3]),
        ([INF, 2.0], [1.0, 0.0], [0.0, -INF]),
        ([-INF, 7.0, -INF], [0.0, 1.0, 0.0], [-INF, 0.0, -INF]),
        ([3.0, 3.0, 3.0, 3.0], [0.25] * 4, [-np.log(4)] * 4),
    ]
    for row, sm, lsm in cases:
        for name, expect in [("softmax", sm), ("log_softmax", lsm)]:
            want = np.array(expect, dtype=np.float64).astype(dt)
            for got in _all_paths(getattr(cact, name), row, dt):
                np.testing.assert_allclose(got, want, rtol=2 * np.finfo(dt).eps, atol=0,
                                           err_msg=f"{name}({row})")
                np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
                np.testing.assert_array_equal(got == 0, want == 0, err_msg=f"{name}({row})")
        # softmin is softmax of -x
        neg = [-v for v in row]
        for got in _all_paths(cact.softmin, neg, dt):
            np.testing.assert_allclose(got, np.array(sm, dtype=np.float64).astype(dt),
                                       rtol=2 * np.finfo(dt).eps, atol=0, err_msg=f"softmin({neg})")


@pytest.mark.parametrize("op", SOFT)
def test_nan_anywhere_poisons_only_its_row(op, dtype):
    f = getattr(cact, op)
    for n in [1, 5, 31, 32, 100, 1500]:
        for pos in {0, n // 2, n - 1}:
            x = np.random.default_rng(n).uniform(-5, 5, (3, n)).astype(dtype)
            x[1, pos] = np.nan
            y = f(x)
            assert np.isnan(y[1]).all() and not np.isnan(y[[0, 2]]).any(), (n, pos)
            yc = f(np.ascontiguousarray(x.T), axis=0).T
            assert np.isnan(yc[1]).all() and not np.isnan(yc[[0, 2]]).any(), (n, pos)


def test_rows_of_one_are_exactly_one_and_zero(dtype):
    x = np.random.default_rng(1).uniform(-1e6, 1e6, (7, 1)).astype(dtype)
    assert (cact.softmax(x) == 1).all() and (cact.softmin(x) == 1).all()
    assert (cact.log_softmax(x) == 0).all()
    assert (cact.softmax(x, axis=1) == 1).all() and (cact.softmax(x.reshape(1, 7, 1), axis=0) == 1).all()


def test_empty_and_zero_d(dtype):
    for op in SOFT:
        f = getattr(cact, op)
        for shape, axis in [((0,), 0), ((3, 0), -1), ((3, 0), 0), ((0, 4), 0), ((0, 4), 1), ((2, 0, 3), 1)]:
            y = f(np.empty(shape, dtype), axis=axis)
            assert y.shape == shape and y.dtype == dtype
        z = f(np.array(2.5, dtype), axis=0)
        assert z.shape == () and z.dtype == dtype
        assert z == (0 if op == "log_softmax" else 1)
        assert f(np.array(2.5, dtype), axis=-1) == z
        assert np.isnan(f(np.array(np.nan, dtype)))
    assert cact.maxout(np.array(1.5, dtype), 1).shape == ()
    assert cact.maxout(np.empty((3, 0), dtype), 4).shape == (3, 0)
    assert cact.maxout(np.empty((0, 4), dtype), 2).shape == (0, 2)
    assert cact.prelu(np.array(-2.0, dtype), 0.5) == -1.0
    assert cact.prelu(np.empty((2, 0, 3), dtype), np.ones(0, dtype)).shape == (2, 0, 3)


# ---- every axis, every layout ----------------------------------------------

def numpy_reference(x, op, axis):
    """The same functions in long double (64-bit mantissa): a reference
    good to ~2**-60 for moderate inputs, as (hi, lo)."""
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


SHAPES = [(5,), (1000,), (4, 7), (3, 40), (40, 3), (2, 3, 4), (3, 1, 17), (2, 300, 5), (2, 3, 4, 5),
          (1, 33, 1, 2), (3, 2, 600)]


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_every_axis(op, shape, dtype):
    x = np.random.default_rng(len(shape)).uniform(-20, 20, shape).astype(dtype)
    f = getattr(cact, op)
    for axis in range(-len(shape), len(shape)):
        y = f(x, axis=axis)
        assert y.shape == x.shape and y.dtype == dtype and y.flags.c_contiguous
        err = ulp_error(y, *numpy_reference(x, op, axis)).max()
        assert err <= ULP[op][dtype == np.float64], (axis, err)
        # the same rows moved to the last axis give results within the bound too
        moved = np.moveaxis(f(np.ascontiguousarray(np.moveaxis(x, axis, -1))), -1, axis)
        np.testing.assert_allclose(y, moved, rtol=8 * np.finfo(dtype).eps, atol=0)


def test_long_inner_tiles(dtype):
    """inner beyond one tile (1024 columns: 1040 is cut into tiles of 528
    and 512 columns, 2100 into 704, 704 and 692), len beyond one chunk:
    columns of every tile, one with a NaN, one with +inf and one of -inf."""
    rng = np.random.default_rng(2)
    for shape in [(2, 700, 600), (2, 40, 1040), (1, 300, 2100)]:
        x = rng.uniform(-30, 30, shape).astype(dtype)
        x[0, 3, -1] = np.nan
        x[-1, 5, -2] = np.inf
        x[0, :, -600] = -np.inf
        plain = np.ones(shape[-1], bool)
        plain[[-1, -2, -600]] = False
        rest = np.arange(shape[1]) != 5
        for op in SOFT:
            y = getattr(cact, op)(x, axis=1)
            bound = ULP[op][dtype == np.float64]
            assert ulp_error(y[..., plain], *numpy_reference(x[..., plain], op, 1)).max() <= bound
            assert np.isnan(y[0, :, -1]).all()
            if op == "softmax":
                assert np.isnan(y[0, :, -600]).all()
                assert y[-1, 5, -2] == 1 and (y[-1, rest, -2] == 0).all()
            elif op == "log_softmax":
                assert np.isnan(y[0, :, -600]).all()
                assert y[-1, 5, -2] == 0 and (y[-1, rest, -2] == -np.inf).all()
            else:       # softmin: the -inf column is all at the limit 1/len, the +inf entry 0
                np.testing.assert_allclose(y[0, :, -600], 1 / shape[1], rtol=4 * np.finfo(dtype).eps)
                assert y[-1, 5, -2] == 0


def _rebase_block(dtype):
    """A [200, 70] block (axis 0 of 64 rows and columns or more takes the
    float64 kernel's reference max, the max of the first 16 rows:
    axis_impl.h, cols_ref) whose first 10 columns break that reference: a
    later entry far above it rescales the rows already done by e^(r - R),
    in double-double (600 < R - r < 1400) or to 0 (beyond); +inf arriving
    late; a sample of -inf (the exact max instead); NaN after the rebase;
    and a column of -inf."""
    rng = np.random.default_rng(21)
    x = rng.uniform(-1, 1, (200, 70))
    x[100, 0], x[40:100:7, 0] = 650.0, 590.0       # old rows end near e^-60
    x[50, 1], x[60:70, 1] = 1000.5, 550.25          # rebase here, at row 50; old e^-450
    x[16, 2] = 740.0                                # right after the sample: subnormal results
    x[199, 3] = 720.0                               # the last row
    x[150, 4] = INF                                 # then +inf: 1 there, 0 elsewhere
    x[30, 5] = 1e6                                  # far above: the rows before go to 0
    x[:16, 6], x[16:40, 6] = -INF, -INF             # the sample's max is -inf
    x[120, 7] = NAN
    x[:, 8] = -INF
    x[:, 9:] *= 300.0                               # plain, in the rebased tile
    return x.astype(dtype)


def test_reference_max_rebase(dtype):
    """Columns whose later entries dwarf the first rows', for softmax and
    softmin: within the bound against mpmath, special columns exactly, in
    place equal to out of place."""
    x = _rebase_block(dtype)
    finite = [0, 1, 2, 3, 5, 6] + list(range(9, 70))
    for op in ("softmax", "softmin"):
        v = -x if op == "softmin" else x
        y = getattr(cact, op)(v, axis=0)
        bound = ULP[op][dtype == np.float64]
        ref = exact_rows(np.ascontiguousarray(v[:, finite].T), op)
        assert max_err(y[:, finite].T, ref) <= bound, op
        assert (y[6, 6] == 0) and y[:40, 6].max() == 0 and y[40:, 6].min() > 0
        want = np.zeros(200, dtype)
        want[150] = 1
        np.testing.assert_array_equal(y[:, 4], want)
        assert np.isnan(y[:, 7]).all() and np.isnan(y[:, 8]).all()
        assert y[:30, 5].max() == 0 and y[30, 5] == 1
        z = v.copy()
        getattr(cact, op)(z, axis=0, out=z)
        np.testing.assert_array_equal(z, y)
        # each column from its own entries only: the same bits beside other
        # columns (shuffled), and in a second tile of a wider block
        perm = np.random.default_rng(5).permutation(70)
        np.testing.assert_array_equal(getattr(cact, op)(np.ascontiguousarray(v[:, perm]), axis=0), y[:, perm])
        wide = np.concatenate([v] * 16, axis=1)
        np.testing.assert_array_equal(getattr(cact, op)(wide, axis=0)[:, -70:], y)
        assert max_err(getattr(cact, op)(wide, axis=0)[:, finite].T, ref) <= bound


def test_reference_max_rebase_on_many_rows(dtype):
    """Columns that rebase each at its own row (a diagonal of entries 600
    to 1500 above the sample, past the range where the rows before keep
    nonzero results), and every column at once, in place too."""
    rng = np.random.default_rng(22)
    x = rng.uniform(-4, 4, (400, 300))
    k = np.arange(300)
    x[16 + k, k] = 600.0 + 3.0 * k
    y0 = rng.uniform(-4, 4, (200, 64))
    y0[17:] += 700.0
    for v in (x, y0):
        v = v.astype(dtype)
        for op in ("softmax", "softmin"):
            w = -v if op == "softmin" else v
            y = getattr(cact, op)(w, axis=0)
            ref = exact_rows(np.ascontiguousarray(w.T), op)
            assert max_err(y.T, ref) <= ULP[op][dtype == np.float64], op
            z = w.copy()
            getattr(cact, op)(z, axis=0, out=z)
            np.testing.assert_array_equal(z, y)


def test_reference_max_rebase_levels(dtype, isa):
    """The rebase's scalar arithmetic gives the same bits at v3 and v4,
    and every level stays within the bound."""
    x = _rebase_block(dtype)
    got = {}
    for lvl in ("v4", "v3", "baseline"):
        isa(lvl)
        got[lvl] = cact.softmax(x, axis=0)
    np.testing.assert_array_equal(got["v3"], got["v4"])
    cols = [0, 1, 2, 3, 5, 9, 40]
    ref = exact_rows(np.ascontiguousarray(x[:, cols].T), "softmax")
    for lvl, y in got.items():
        assert max_err(y[:, cols].T, ref) <= ULP["softmax"][dtype == np.float64], lvl


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
def test_out_none_inplace_and_out_agree(op, dtype):
    f, kw = _fn(op)
    for shape, axis in [((6, 40), -1), ((6, 40), 0), ((3, 8, 5), 1), ((4000,), 0), ((4, 2000), 0)]:
        x = np.random.default_rng(3).uniform(-8, 8, shape).astype(dtype)
        x0 = x.copy()
        y = f(x, axis=axis, **kw)
        np.testing.assert_array_equal(x, x0)
        out = np.full_like(y, np.nan)
        assert f(x, axis=axis, out=out, **kw) is out
        np.testing.assert_array_equal(out, y)
        if op != "maxout":
            z = x.copy()
            assert f(z, axis=axis, out=z, **kw) is z
            np.testing.assert_array_equal(z, y)


def _fn(op):
    if op == "maxout":
        return cact.maxout, {"pieces": 2}
    if op == "prelu":
        return (lambda x, axis=-1, **kw: cact.prelu(x, np.linspace(-1, 1, x.shape[axis]).astype(x.dtype),
                                                    axis=axis, **kw)), {}
    return getattr(cact, op), {}


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
def test_non_contiguous_and_foreign_layouts(op, dtype):
    f, kw = _fn(op)
    x = np.random.default_rng(4).uniform(-8, 8, (12, 20)).astype(dtype)
    for view in [x[::2, ::-2], x.T, np.asfortranarray(x), x[:, 3:17]]:
        for axis in (0, 1):
            np.testing.assert_array_equal(f(view, axis=axis, **kw), f(np.ascontiguousarray(view), axis=axis, **kw))
    be = x.astype(x.dtype.newbyteorder(">"))
    np.testing.assert_array_equal(f(be, axis=0, **kw), f(x, axis=0, **kw))
    raw = np.zeros(x.size * dtype.itemsize + 1, np.uint8)[1:].view(dtype).reshape(x.shape)
    raw[...] = x
    np.testing.assert_array_equal(f(raw, axis=1, **kw), f(x, axis=1, **kw))


def test_python_inputs_compute_in_float64():
    y = cact.softmax([1, 2, 3])
    assert y.dtype == np.float64 and abs(y.sum() - 1) < 1e-15
    assert cact.log_softmax([[0.0, 1.0]], axis=0).tolist() == [[0.0, 0.0]]
    assert cact.maxout([1, 5, 2, 0], 2).tolist() == [5.0, 2.0]
    assert cact.prelu([-2, 3], 0.5).tolist() == [-1.0, 3.0]
    assert cact.softmax(np.float32(4)).dtype == np.float32


# ---- errors: class, message, nothing written ---------------------------------
# (_refused: the call raises exc matching `match` and leaves out untouched)


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
@pytest.mark.parametrize("bad", ["int64", "int8", "bool", "complex128", "float16", "object", "longdouble"])
def test_bad_dtype_is_type_error(op, bad):
    f, kw = _fn(op)
    x = np.ones((2, 4), dtype=bad)
    out = np.full((2, 4), 7.0)
    if op == "prelu":
        kw = {"weight": np.ones(4)}
        f = cact.prelu
    _refused(TypeError, "supported dtypes are float32 and float64", f, x, out=out, **kw)


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
def test_axis_errors(op, dtype):
    f, kw = _fn(op)
    if op == "prelu":
        f, kw = cact.prelu, {"weight": np.ones(4, dtype)}
    x = np.ones((3, 4), dtype)
    out = np.full((3, 4) if op != "maxout" else (3, 2), 5, dtype)
    for axis in [2, -3, 10]:
        _refused(AxisError, "out of bounds", f, x, axis=axis, out=out, **kw)
    # AxisError is both a ValueError and an IndexError, as in numpy
    with pytest.raises(ValueError):
        f(x, axis=5, **kw)
    for axis in [1.0, "1", None]:
        _refused(TypeError, "integer", f, x, axis=axis, out=out, **kw)
    if op in SOFT:
        _refused(AxisError, "out of bounds", f, np.array(1.0, dtype), axis=1)


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
def test_out_errors(op, dtype):
    f, kw = _fn(op)
    x = np.random.default_rng(5).uniform(-3, 3, (4, 6)).astype(dtype)
    shape = (4, 3) if op == "maxout" else (4, 6)
    other = np.float64 if dtype == np.float32 else np.float32
    _refused(TypeError, "out must be a numpy.ndarray", f, x, out=[0.0] * 24, **kw)
    _refused(TypeError, "out has dtype", f, x, out=np.full(shape, 3, other), **kw)
    _refused(ValueError, "shape", f, x, out=np.full(shape[::-1], 3, dtype), **kw)
    _refused(ValueError, "shape", f, x, out=np.full(shape + (1,), 3, dtype), **kw)
    _refused(ValueError, "C-contiguous", f, x, out=np.full(shape[::-1], 3, dtype).T, **kw)
    ro = np.full(shape, 3, dtype)
    ro.flags.writeable = False
    _refused(ValueError, "read-only", f, x, out=ro, **kw)
    raw = np.zeros(int(np.prod(shape)) * dtype.itemsize + 1, np.uint8)[1:].view(dtype).reshape(shape)
    _refused(ValueError, "aligned", f, x, out=raw, **kw)
    buf = np.full(40, 3, dtype)
    xs = buf[:24].reshape(4, 6)
    xs[...] = x
    n = int(np.prod(shape))
    _refused(ValueError, "overlaps", f, xs, out=buf[3:3 + n].reshape(shape), **kw)
    if op == "maxout":
        # maxout never computes in place, even where the shapes would allow it
        _refused(ValueError, "cannot compute in place", cact.maxout, xs, pieces=1, out=xs)
        _refused(ValueError, "overlaps", f, xs, out=buf[:12].reshape(shape), **kw)


def test_maxout_parameter_errors(dtype):
    x = np.ones((3, 6), dtype)
    out = np.full((3, 1), 9, dtype)
    _refused(ValueError, "not a multiple of pieces=4", cact.maxout, x, pieces=4, out=np.full((3, 1), 9, dtype))
    _refused(ValueError, "pieces must be >= 1", cact.maxout, x, pieces=0, out=out)
    _refused(ValueError, "pieces must be >= 1", cact.maxout, x, pieces=-2, out=out)
    _refused(TypeError, "integer", cact.maxout, x, pieces=2.0, out=out)
    _refused(ValueError, "not a multiple", cact.maxout, x, pieces=4, axis=0, out=out)


def test_prelu_weight_errors(dtype):
    x = np.ones((2, 3, 4), dtype)
    out = np.full((2, 3, 4), 9, dtype)
    other = np.float64 if dtype == np.float32 else np.float32
    _refused(TypeError, "weight has dtype", cact.prelu, x, weight=np.ones(3, other), out=out)
    _refused(TypeError, "weight has dtype", cact.prelu, x, weight=other(0.25), out=out)
    _refused(TypeError, "weight has dtype", cact.prelu, x, weight=np.ones(3, np.int64), out=out)
    _refused(TypeError, "real numbers", cact.prelu, x, weight=[1j, 2, 3], out=out)
    _refused(ValueError, "weight has 4 entries, but x has 3 channels", cact.prelu, x, weight=np.ones(4, dtype),
             out=out)
    _refused(ValueError, "weight has 2 entries", cact.prelu, x, weight=np.ones(2, dtype), axis=2, out=out)
    _refused(ValueError, "scalar or 1-d", cact.prelu, x, weight=np.ones((3, 1), dtype), out=out)
    _refused(ValueError, "weight has 0 entries", cact.prelu, x, weight=np.ones(0, dtype), out=out)


# ---- maxout and prelu values -------------------------------------------------

@pytest.mark.parametrize("shape", [(24,), (3, 24), (4, 12, 5), (2, 6, 3, 10), (1, 60, 1)], ids=str)
def test_maxout_every_axis_and_piece_count(shape, dtype):
    x = np.random.default_rng(6).standard_normal(shape).astype(dtype)
    x.flat[::13] = np.nan
    x.flat[5::17] = -np.inf
    for axis in range(-len(shape), len(shape)):
        n = shape[axis]
        for p in [p for p in (1, 2, 3, 4, 5, 6, 12, 24, 60) if n % p == 0]:
            y = cact.maxout(x, p, axis=axis)
            moved = np.moveaxis(x, axis, -1)
            want = np.moveaxis(moved.reshape(moved.shape[:-1] + (n // p, p)).max(axis=-1), -1, axis)
            assert y.dtype == dtype and y.shape == want.shape
            np.testing.assert_array_equal(y, want, err_msg=f"axis={axis} pieces={p}")


def test_maxout_nan_in_any_position(dtype):
    for p in [2, 3, 4, 7]:
        for pos in range(p):
            x = np.zeros((3, 2 * p), dtype)
            x[1, pos] = np.nan
            y = cact.maxout(x, p)
            assert np.isnan(y[1, 0]) and not np.isnan(y[1, 1]) and not np.isnan(y[[0, 2]]).any()


@pytest.mark.parametrize("shape", [(7,), (5, 9), (2, 3, 40), (2, 17, 3, 3), (4, 1)], ids=str)
def test_prelu_every_axis(shape, dtype):
    rng = np.random.default_rng(7)
    x = rng.uniform(-4, 4, shape).astype(dtype)
    specials = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0], dtype)
    x.flat[::7] = np.resize(specials, x.flat[::7].shape)
    for axis in range(-len(shape), len(shape)):
        c = shape[axis]
        w = rng.uniform(-0.5, 0.5, c).astype(dtype)
        bshape = [1] * len(shape)
        bshape[axis] = c
        want = np.where(x >= 0, x, w.reshape(bshape) * x)
        np.testing.assert_array_equal(cact.prelu(x, w, axis=axis), want)
    for w in [0.25, np.array(0.25, dtype), np.array([0.25], dtype), [0.25]]:
        np.testing.assert_array_equal(cact.prelu(x, w), np.where(x >= 0, x, dtype.type(0.25) * x))


def test_prelu_special_values_and_default_axis(dtype):
    x = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -3.0, 2.0], dtype)
    y = cact.prelu(x, np.full(7, 0.5, dtype))          # 1-d: the channel axis is 0
    np.testing.assert_array_equal(y, [np.nan, -np.inf, np.inf, -0.0, 0.0, -1.5, 2.0])
    assert np.signbit(y[3]) and not np.signbit(y[4])
    z = cact.prelu(x, dtype.type(0))                   # the limit at -inf is -0, not NaN
    np.testing.assert_array_equal(z, [np.nan, -0.0, np.inf, -0.0, 0.0, -0.0, 2.0])
    assert np.signbit(z[1]) and np.isnan(z[0])
    assert np.isnan(cact.prelu(np.array([-1.0], dtype), dtype.type(np.nan))[0])
    x2 = np.arange(-6, 6, dtype=dtype).reshape(2, 6)
    w = np.linspace(0.1, 0.6, 6).astype(dtype)
    np.testing.assert_array_equal(cact.prelu(x2, w), np.where(x2 >= 0, x2, w * x2))   # axis=1 default
    np.testing.assert_array_equal(cact.prelu(x2[0], w, axis=-1), cact.prelu(x2[0], w))
    np.testing.assert_array_equal(cact.prelu(x2[0], w, axis=0), cact.prelu(x2[0], w))


# ---- ISA levels, threads, the C API ----------------------------------------

@pytest.fixture
def isa():
    saved = os.environ.get("CACT_ISA")

    def set_level(level):
        os.environ["CACT_ISA"] = level
        elext._isa_reset()
        return axext._isa_reset()
    if set_level("v4") != "x86-64-v4 (AVX-512)":
        pytest.skip("needs an AVX-512 (x86-64-v4) CPU to compare the levels")
    yield set_level
    if saved is None:
        os.environ.pop("CACT_ISA", None)
    else:
        os.environ["CACT_ISA"] = saved
    elext._isa_reset()
    axext._isa_reset()


@pytest.mark.parametrize("op", SOFT + ["maxout", "prelu"])
def test_levels_agree(op, dtype, isa):
    """x86-64-v4 and v3 give the same bits (same operations, fused alike);
    the baseline has no fma, and the math core's polynomials may round
    differently there (cact/math.h): every level within the accuracy bound
    (maxout and prelu round nothing: the same bits everywhere)."""
    f, kw = _fn(op)
    rng = np.random.default_rng(8)
    inputs = [(rng.uniform(-700, 50, (5, 3000)), -1), (rng.uniform(-30, 30, (70, 10)), -1),
              (rng.uniform(-80, 80, (34, 300)), 0), (rng.uniform(-5, 5, (3, 900, 20)), 1)]
    for x, axis in inputs:
        x = x.astype(dtype)
        got = {}
        for lvl in ("v4", "v3", "baseline"):
            isa(lvl)
            got[lvl] = f(x, axis=axis, **kw)
        np.testing.assert_array_equal(got["v3"], got["v4"], err_msg=f"{op} at v3")
        if op in SOFT:
            ref = numpy_reference(x, op, axis)
            for lvl, y in got.items():
                err = ulp_error(y, *ref).max()
                assert err <= ULP[op][dtype == np.float64], (lvl, err)
        else:
            np.testing.assert_array_equal(got["baseline"], got["v4"], err_msg=f"{op} at baseline")


def test_threads_on_distinct_buffers(dtype):
    """The kernels run without the GIL on large inputs; concurrent calls on
    distinct buffers give the single-threaded results."""
    xs = [np.random.default_rng(i).uniform(-9, 9, (64, 2000)).astype(dtype) for i in range(4)]
    want = [(cact.softmax(x), cact.log_softmax(x, axis=0)) for x in xs]
    got = [None] * 4

    def work(i):
        for _ in range(5):
            got[i] = (cact.softmax(xs[i]), cact.log_softmax(xs[i], axis=0))
    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for (a, b), (c, d) in zip(got, want):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("op", SOFT)
def test_split_over_threads_gives_single_thread_bits(op, dtype):
    """Large calls are split over the thread pool by whole rows of the
    [outer, len, inner] view (pyx/_axis.pyx): with the grain forced down to
    a row per chunk, 2 and 3 threads give the bits of one, out of place and
    in place, for short rows (done many at once), long rows (chunked), and
    other axes (column tiles); a single block (outer == 1) and small calls
    are never split."""
    from cact import _parallel
    f = getattr(cact, op)
    rng = np.random.default_rng(9)
    cases = [((1000, 7), -1, True), ((300, 40), -1, True), ((9, 3000), -1, True),
             ((70, 1100, 3), 1, True), ((5, 40, 300), 1, True), ((3, 2, 500), 0, False),
             ((40, 20), -1, False)]
    saved = cact.get_num_threads()
    try:
        for shape, axis, splits in cases:
            x = (rng.uniform(-1, 1, shape) * 60).astype(dtype)
            x.flat[::97] = -INF
            x.flat[5::1013] = NAN
            x.flat[7::2003] = INF
            cact.set_num_threads(1)
            _parallel._grain_override(0)
            jobs = _parallel._jobs()
            ref = f(x, axis=axis)
            assert _parallel._jobs() == jobs
            _parallel._grain_override(64)
            for n in (2, 3):
                cact.set_num_threads(n)
                jobs = _parallel._jobs()
                y = f(x, axis=axis)
                if _parallel.HAVE_THREADS:
                    assert _parallel._jobs() == jobs + splits, (shape, axis)
                np.testing.assert_array_equal(y, ref, err_msg=f"{op} {shape} axis {axis} on {n} threads")
                z = x.copy()
                f(z, axis=axis, out=z)
                np.testing.assert_array_equal(z, ref, err_msg=f"{op} {shape} in place on {n} threads")
        if _parallel.HAVE_THREADS:          # the tuned grain: 2**15 elements and more split
            _parallel._grain_override(0)
            cact.set_num_threads(2)
            for shape, splits in (((64, 256), False), ((128, 256), True), ((4096, 10), True)):
                jobs = _parallel._jobs()
                f(np.zeros(shape, dtype))
                assert _parallel._jobs() == jobs + splits, shape
    finally:
        cact.set_num_threads(saved)
        _parallel._grain_override(0)


def test_axis_functions_are_exported():
    for name, _, _, _ in AXIS:
        assert callable(getattr(cact, name)) and name in cact.__all__
        assert getattr(cact, name).__doc__.startswith(name + "(x")


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 object code")
def test_object_code_is_vectorized_per_level():
    """Every axis kernel's x86-64-v4 instantiation uses zmm registers and
    its v3 instantiation ymm (read from the built extension with objdump);
    they call out of line nothing but what the elementwise kernels call
    (libm while cact/math.h wraps it), log1p, once per row, memset,
    which gcc makes of the loops that zero a tile's sums, and the float64
    softmax's rebase (axis_impl.h: at most once per column, kept out of
    line so that its column loop is not vectorized)."""
    tool = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools", "objdump_kernels.py")
    if not os.path.exists(tool) or shutil.which("objdump") is None:
        pytest.skip("needs tools/objdump_kernels.py and objdump")
    spec = importlib.util.spec_from_file_location("objdump_kernels", tool)
    od = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(od)
    table = od.kernels(od.disassemble(axext.__file__))
    elem = od.kernels(od.disassemble(elext.__file__))
    if any("__asan" in c or "__ubsan" in c for v in table.values() for c in v["calls"]):
        pytest.skip("sanitizer build (.ci/sanitize): the object code is instrumented, not the shipped one")
    allowed = {c for (k, _, lv), v in elem.items() if k == "sigmoid" and lv == "v4" for c in v["calls"]}
    for name, _, _, _ in AXIS:
        for dt in ("f32", "f64"):
            v4, v3 = table[(name, dt, "v4")], table[(name, dt, "v3")]
            assert v4["zmm"] > 0 and v3["ymm"] > 0 and v3["zmm"] == 0, (name, dt, v4, v3)
            calls = {c.split("@")[0] for c in v4["calls"] + v3["calls"]}
            extra = {"log1p", "log1pl", "fma", "memset"} | ({"cact__ax_rebase_f64"} if dt == "f64" else set())
            assert calls <= {c.split("@")[0] for c in allowed} | extra, (name, dt, calls)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_log_softmax_dominant_max(dt):
    """Rows whose max dominates (the other terms 5 to 103 below it, or far
    below): log(s) = log1p(t) with a tiny t made of one or a few terms,
    where the max entry's result -log1p(t) ~ -t needs every term of t to
    about 2^-26.  (A lighter exp that dropped the r^2 q zl term gave 2.15
    ulp on such rows; rows and columns.)"""
    rng = np.random.default_rng(7)
    for gap, far in [(79.0, 0.0), (103.0, 200.0)]:
        for n in (2, 3, 33):
            x = np.zeros((64, n))
            x[:, 0] = rng.uniform(-50, 50, 64)
            x[:, 1:] = x[:, :1] - rng.uniform(5, gap, (64, n - 1))
            x[:, 2:] -= far
            x = x.astype(dt)
            ref = exact_rows(x, "log_softmax")
            bound = ULP["log_softmax"][dt == "float64"]
            assert max_err(cact.log_softmax(x), ref) <= bound, (gap, n)
            assert max_err(cact.log_softmax(np.ascontiguousarray(x.T), axis=0).T, ref) <= bound, (gap, n)
