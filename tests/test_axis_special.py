"""Special values along an axis: NaN (poisons its own row only), +-inf,
rows all -inf, rows of one entry, empty arrays and 0-d arrays, for
softmax, log_softmax and softmin, on every path (short rows, long rows,
columns, column tiles); the empty and 0-d cases of maxout and prelu too."""
import math

import numpy as np
import pytest
from helpers import AXIS_ULP, SOFT, longdouble_axis_reference

import cact
from cact._reference import ulp_error

INF = math.inf
NAN = math.nan


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
        assert isinstance(z, np.generic) and z.dtype == dtype      # a 0-d result: a numpy scalar
        assert z == (0 if op == "log_softmax" else 1)
        assert f(np.array(2.5, dtype), axis=-1) == z
        assert np.isnan(f(np.array(np.nan, dtype)))
    assert cact.maxout(np.array(1.5, dtype), 1).shape == ()
    assert cact.maxout(np.empty((3, 0), dtype), 4).shape == (3, 0)
    assert cact.maxout(np.empty((0, 4), dtype), 2).shape == (0, 2)
    assert cact.prelu(np.array(-2.0, dtype), 0.5) == -1.0
    assert cact.prelu(np.empty((2, 0, 3), dtype), np.ones(0, dtype)).shape == (2, 0, 3)


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
            bound = AXIS_ULP[op][dtype == np.float64]
            assert ulp_error(y[..., plain], *longdouble_axis_reference(x[..., plain], op, 1)).max() <= bound
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
