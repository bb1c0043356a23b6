"""maxout: the max of each group of `pieces` consecutive entries along an
axis, exactly (NaN wins its group), on every axis with every piece count
that divides it; the errors of its own parameter.  (Its out=, layout and
axis errors are in tests/test_axis_contract.py.)"""
import numpy as np
import pytest
from helpers import refused

import cact


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


def test_maxout_parameter_errors(dtype):
    x = np.ones((3, 6), dtype)
    out = np.full((3, 1), 9, dtype)
    refused(ValueError, "not a multiple of pieces=4", cact.maxout, x, pieces=4, out=np.full((3, 1), 9, dtype))
    refused(ValueError, "pieces must be >= 1", cact.maxout, x, pieces=0, out=out)
    refused(ValueError, "pieces must be >= 1", cact.maxout, x, pieces=-2, out=out)
    refused(TypeError, "integer", cact.maxout, x, pieces=2.0, out=out)
    refused(ValueError, "not a multiple", cact.maxout, x, pieces=4, axis=0, out=out)
