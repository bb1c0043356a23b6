"""Max ulp error of every kernel, both dtypes, against mpmath, on a sample
covering the whole domain (cact._reference.sample): special values,
subnormals, log-uniform magnitudes, tails; at default and at other
parameters.  The bound asserted is the catalogue's (cact/_catalogue.py).
The functions along an axis: tests/test_axis_accuracy.py."""
import numpy as np
import pytest
from helpers import cached_sample, run, sample_reference, worst_ulp

from cact._catalogue import KERNEL_FUNC, KERNELS
from cact._reference import reference, sample, ulp_error

pytest.importorskip("mpmath")


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_max_ulp(kernel, dt):
    x = cached_sample(dt)
    y = run(kernel, x)
    err, i = worst_ulp(y, *sample_reference(kernel, dt))
    bound = KERNEL_FUNC[kernel].ulp[dt == "float64"]
    assert err <= bound, f"{kernel} {dt}: {err:.3g} ulp at x={x[i]!r} (got {y[i]!r})"


# Non-default parameters: the formulas must stay accurate for them too.
PARAMS = [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu", {"negative_slope": -1.5}),
    ("hardtanh", {"min_val": -2.5, "max_val": 0.75}),
    ("hard_sigmoid", {"alpha": 0.2, "beta": 0.5}),
    ("softshrink", {"lambd": 1.25}),
    ("hardshrink", {"lambd": 0.0}),
    ("threshold", {"threshold": -1.0, "value": 7.0}),
    ("swish", {"beta": 1.702}),
    ("swish", {"beta": -1.25}),
    ("swish", {"beta": 3.0e9}),
    ("swish", {"beta": -0.5}),
    ("swish", {"beta": 0.0}),
    ("softplus", {"beta": 2.0, "threshold": 20.0}),
    ("softplus", {"beta": 0.5, "threshold": float("inf")}),
    ("elu", {"alpha": 0.3}),
    ("celu", {"alpha": 2.5}),
    ("celu", {"alpha": 0.1}),
]


@pytest.mark.parametrize("kernel,params", PARAMS, ids=[f"{k}-{p}" for k, p in PARAMS])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_max_ulp_params(kernel, params, dt):
    x = sample(dt, n_log=300, seed=1)
    x = x[np.isfinite(x)]
    y = run(kernel, x, params)
    err, i = worst_ulp(y, *reference(kernel, x, params))
    bound = KERNEL_FUNC[kernel].ulp[dt == "float64"]
    assert err <= bound, f"{kernel}{params} {dt}: {err:.3g} ulp at x={x[i]!r} (got {y[i]!r})"


def test_ulp_error_counts_subnormals_and_flushes():
    """The measuring stick itself: a flushed subnormal is a huge error."""
    hi = np.array([1e-40, 1.0, np.nan, np.inf])
    lo = np.zeros(4)
    y = np.array([0.0, 1.0, np.nan, np.inf], dtype=np.float32)
    err = ulp_error(y, hi, lo)
    assert err[0] > 1e4 and err[1] == 0 and err[2] == 0 and err[3] == 0
    y2 = np.array([np.float32(1e-40), np.nextafter(np.float32(1), np.float32(2)), 0, 1], dtype=np.float32)
    err2 = ulp_error(y2, hi, lo)
    assert err2[0] <= 0.5 and err2[1] == 1 and np.isinf(err2[2]) and np.isinf(err2[3])
