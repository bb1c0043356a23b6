"""Every ISA level the CPU supports (CACT_ISA forces a level): v4 and v3 give
the same bits (the same fused arithmetic); the baseline, which has no FMA
instruction and computes polynomials with separate multiply and add (exact
products by Dekker's algorithm), may differ in the last bit but meets the
same accuracy bounds."""
import functools
import os

import numpy as np
import pytest

import cact
from cact import _elementwise as ext
from cact._catalogue import KERNEL_FUNC, KERNELS
from cact._reference import sample

from conftest import run

LEVELS = ["v4", "v3", "baseline"]


@pytest.fixture
def isa():
    saved = os.environ.get("CACT_ISA")

    def set_level(level):
        os.environ["CACT_ISA"] = level
        return ext._isa_reset()
    yield set_level
    if saved is None:
        os.environ.pop("CACT_ISA", None)
    else:
        os.environ["CACT_ISA"] = saved
    ext._isa_reset()


def test_levels_are_reported(isa):
    assert cact.isa_level() in ("x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2+FMA)", "baseline")
    assert isa("baseline") == "baseline"


@pytest.mark.parametrize("kernel", KERNELS)
def test_v4_and_v3_agree_bit_for_bit(kernel, dtype, isa):
    x = sample(dtype, n_log=500)
    results = {}
    for level in ("v4", "v3"):
        results[isa(level)] = run(kernel, x)
    first = next(iter(results.values()))
    for name, y in results.items():
        np.testing.assert_array_equal(y, first, err_msg=f"{kernel} at {name}")


@functools.lru_cache(maxsize=None)
def _ref(kernel, dt):
    from cact._reference import reference
    return reference(kernel, sample(dt, n_log=500))


@pytest.mark.parametrize("kernel", KERNELS)
def test_baseline_within_bounds(kernel, dtype, isa):
    pytest.importorskip("mpmath")
    from cact._reference import ulp_error
    dt = np.dtype(dtype).name
    x = sample(dt, n_log=500)
    isa("baseline")
    y = run(kernel, x)
    err = ulp_error(y, *_ref(kernel, dt))
    bound = KERNEL_FUNC[kernel].ulp[dt == "float64"]
    i = int(np.argmax(err))
    assert err[i] <= bound, f"{kernel} {dt} baseline: {err[i]:.3g} ulp at x={x[i]!r}"
