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
