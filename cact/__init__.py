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

__all__ = list(_elementwise_all) + list(_axis_all) + list(_grad_all) + [
    "get_include", "get_cython_include", "get_library_dirs", "get_libraries", "show_config", "isa_level",
    "get_num_threads", "set_num_threads"]

_HERE = _os.path.dirname(_os.path.abspath(__file__))


def get_include():
    """Directory holding ``cact/cact.h``: a C compiler's include path
    (``-I``, setuptools' ``include_dirs``)."""
    installed = _os.path.join(_HERE, "include")
    if _os.path.exists(_os.path.join(installed, "cact", "cact.h")):
        return installed
    return _os.path.join(_os.path.dirname(_HERE), "include")  # source checkout, editable install


def get_cython_include():
    """Directory holding the ``cact`` package's Cython declarations
    (``cact/kernels.pxd``): put it on ``cythonize(..., include_path=[...])``
    so that ``from cact.kernels cimport ...`` resolves under every install
    mode (an editable install is not on the path Cython searches)."""
    return _os.path.dirname(_HERE)


def get_library_dirs():
    """Directories holding the static library of the kernels (libcact.a,
    cact.lib with MSVC), built with the package: ``library_dirs``."""
    return [_os.path.join(_HERE, "lib")]


def get_libraries():
    """Libraries to link a program that includes ``cact/cact.h`` without
    CACT_IMPLEMENTATION or CACT_STATIC: ``libraries`` (-lcact -lm)."""
    return ["cact"] if _os.name == "nt" else ["cact", "m"]


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
    lib = [d for d in get_library_dirs() if _os.path.isdir(d) and _os.listdir(d)]
    print(f"  library: {lib[0] if lib else 'not built (python setup.py build_ext --inplace)'}")
    print(f"  numpy {np.__version__}")
