import numpy as np
import pytest

import cact
from cact._catalogue import DTYPES, ELEMENTWISE, KERNELS, call_args


def run(kernel, x, params=None, **extra):
    """Apply `kernel` (a C kernel name, e.g. 'gelu_tanh') through the public API."""
    name, kw = call_args(kernel, params)
    kw.update(extra)
    return getattr(cact, name)(x, **kw)


@pytest.fixture(params=DTYPES)
def dtype(request):
    return np.dtype(request.param)


kernels = pytest.mark.parametrize("kernel", KERNELS)
functions = pytest.mark.parametrize("func", ELEMENTWISE, ids=[f.name for f in ELEMENTWISE])


# The groups that build C code for minutes (their modules' xdist_group
# marks; `pytest -n auto --dist loadgroup`, README) are collected first,
# longest first, so that no worker starts one of them when the rest of the
# suite is done; without xdist, the order changes nothing.
_FIRST = ("test_sanitizers.py", "test_embedding.py", "test_math_core.py")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _FIRST.index(item.path.name) if item.path.name in _FIRST else len(_FIRST))
