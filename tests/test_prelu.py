"""prelu: x where x >= 0, weight * x elsewhere, one weight per channel of the
axis (or one for all), exactly, on every axis; special values (the limit
at -inf with a zero weight is -0, not NaN); the default channel axis; the
errors of the weight.  (Its out=, layout and axis errors are in
tests/test_axis_contract.py.)"""
import numpy as np
import pytest
from helpers import refused

import cact


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


def test_prelu_weight_errors(dtype):
    x = np.ones((2, 3, 4), dtype)
    out = np.full((2, 3, 4), 9, dtype)
    other = np.float64 if dtype == np.float32 else np.float32
    refused(TypeError, "weight has dtype", cact.prelu, x, weight=np.ones(3, other), out=out)
    refused(TypeError, "weight has dtype", cact.prelu, x, weight=other(0.25), out=out)
    refused(TypeError, "weight has dtype", cact.prelu, x, weight=np.ones(3, np.int64), out=out)
    refused(TypeError, "real numbers", cact.prelu, x, weight=[1j, 2, 3], out=out)
    refused(ValueError, "weight has 4 entries, but x has 3 channels", cact.prelu, x, weight=np.ones(4, dtype),
            out=out)
    refused(ValueError, "weight has 2 entries", cact.prelu, x, weight=np.ones(2, dtype), axis=2, out=out)
    refused(ValueError, "scalar or 1-d", cact.prelu, x, weight=np.ones((3, 1), dtype), out=out)
    refused(ValueError, "weight has 0 entries", cact.prelu, x, weight=np.ones(0, dtype), out=out)
