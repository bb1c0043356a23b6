"""cact.fast: the fast accuracy tier.

Every function of cact under the same name and signature, elementwise and
along an axis, so that ``import cact.fast as act`` switches a program::

    import cact.fast as act
    y = act.silu(x)

Where a function has a faster kernel (the catalogue's ``fast=`` rows:
sigmoid, silu, swish, tanh, tanhshrink, gelu with approximate='tanh'; along an
axis, softmax, log_softmax and softmin: 4 ulp float32, 8 ulp float64, the
same edge cases as cact's) its float32 result is within 4 ulp of the exact
value where that value is normal; a subnormal exact result may come out as
itself, 0 of its sign, or anything within 2**-126.  Special values (NaN,
+-inf, -0, huge finite inputs) give the accurate tier's results bit for
bit.  float64 is within 4 ulp (sigmoid and silu in plain double; the others
run the accurate kernels).  float16 and bfloat16 run the fast float32
kernel on widened blocks and round once more: within 1 ulp of their dtype
(a bfloat16 result below 2**-126 within 2**-126), measured on every input
(docs/accuracy.md, "float16 and bfloat16").  Every other function is cact's own function,
re-exported: ``cact.fast.relu is cact.relu``.  The table of which is which:
docs/accuracy.md, "Fast tier".  The default ``cact.<name>`` is unchanged.
"""
import cact as _cact

from . import _axis as _axis_ext
from . import _elementwise as _ext
from ._catalogue import ALONG_AXIS as _ALONG_AXIS
from ._catalogue import ELEMENTWISE as _ELEMENTWISE


def _tier():
    out = {}
    for f in list(_ELEMENTWISE) + list(_ALONG_AXIS):
        if f.fast:
            # generated: pyx/_elementwise.pyx, pyx/_axis.pyx
            fn = getattr(_axis_ext if f in _ALONG_AXIS else _ext, "fast_" + f.name)
            try:
                fn.__name__ = fn.__qualname__ = f.name
                fn.__module__ = __name__
            except (AttributeError, TypeError):       # not a writable function object
                pass
        else:
            fn = getattr(_cact, f.name)
        out[f.name] = fn
    return out


globals().update(_tier())
__all__ = [f.name for f in _ELEMENTWISE] + [a.name for a in _ALONG_AXIS]
del _tier
