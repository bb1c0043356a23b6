"""Every ISA level the CPU supports gives the same bits (CACT_ISA forces a level)."""
import os

import numpy as np
import pytest

import cact
from cact import _elementwise as ext
from cact._catalogue import KERNELS
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
def test_levels_agree_bit_for_bit(kernel, dtype, isa):
    x = sample(dtype, n_log=500)
    results = {}
    for level in LEVELS:
        results[isa(level)] = run(kernel, x)
    first = next(iter(results.values()))
    for name, y in results.items():
        np.testing.assert_array_equal(y, first, err_msg=f"{kernel} at {name}")
