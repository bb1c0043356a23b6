"""cact: neural-network activation kernels for numpy arrays and C.

Every function takes an array (float32 or float64), computes in the input's
precision, and returns an array of the same shape and dtype; ``out=x``
computes in place.  See README.md for the contract and measured accuracy.
"""
import os as _os

from . import _catalogue  # noqa: F401  (the table: cact._catalogue)
from . import _elementwise as _ext
from ._axis import *  # noqa: F401,F403  (softmax, log_softmax, softmin, maxout, prelu)
from ._axis import __all__ as _axis_all
from ._elementwise import *  # noqa: F401,F403  (the compiled wrappers)
from ._elementwise import __all__ as _elementwise_all
from ._grad import *  # noqa: F401,F403  (the backward kernels, <name>_grad)
from ._grad import __all__ as _grad_all
from ._parallel import get_num_threads, set_num_threads
from ._version import __version__  # generated from pyproject.toml by tools/generate.py

__all__ = list(_elementwise_all) + list(_axis_all) + list(_grad_all) + ["get_include", "show_config", "isa_level",
                                                      "get_num_threads", "set_num_threads"]


def get_include():
    """Directory holding ``cact/cact.h`` (add it to your include path)."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    installed = _os.path.join(here, "include")
    if _os.path.exists(_os.path.join(installed, "cact", "cact.h")):
        return installed
    return _os.path.join(_os.path.dirname(here), "include")  # source checkout


def isa_level():
    """Name of the instruction-set level the kernels run at."""
    return _ext._isa_name()


def show_config():
    """Print how this build of cact runs here."""
    import numpy as np
    print(f"cact {__version__}")
    print(f"  kernels: {isa_level()}  (hardware: {_ext._isa_name(hardware=True)}; "
          f"set CACT_ISA=v4|v3|baseline to lower it)")
    print(f"  threads: {get_num_threads()} for large arrays (cact.set_num_threads, $CACT_NUM_THREADS)")
    print(f"  headers: {get_include()}")
    print(f"  numpy {np.__version__}")
