"""Every public function of cact with a set of calls that exercise its
success paths and each of its error paths, generated from the catalogue
(cact/_catalogue.py) so that a new function is covered without editing this
file.  Used by tests/test_leaks.py.

cases(name, dtype) -> [(label, thunk, exception type or None)]; a thunk
makes one call (its arrays are created once, when the cases are built).
"""
import numpy as np
from helpers import check_passes, data, default_kwargs

import cact
from cact._catalogue import AXIS, ELEMENTWISE

ELEMENTWISE_NAMES = [f.name for f in ELEMENTWISE]
AXIS_NAMES = [row[0] for row in AXIS]
PUBLIC = ELEMENTWISE_NAMES + AXIS_NAMES


def invalid_params(func):
    """[(kwargs with one invalid parameter)] per checked parameter."""
    out = []
    base = default_kwargs(func)
    for p in func.params:
        if func.select and p.name == func.select[0]:
            out.append(dict(base, **{p.name: "no-such-variant"}))
            continue
        for bad in (np.nan, -np.inf, -1.0, 0.0, np.inf):
            kw = dict(base, **{p.name: bad})
            if not check_passes(p.check, kw):
                out.append(kw)
                break
    return out


def _common_out_errors(f, x, dtype, kw, cases):
    other = np.float64 if np.dtype(dtype) == np.float32 else np.float32
    shape = x.shape
    ro = np.zeros(shape, dtype)
    ro.flags.writeable = False
    buf = np.zeros(x.size + 3, dtype)
    xs = buf[:x.size].reshape(shape)
    xs[...] = x
    overlap = buf[3:].reshape(shape)
    wrong = np.zeros(shape, other)
    cases += [
        ("out-readonly", lambda: f(x, out=ro, **kw), ValueError),
        ("out-overlap", lambda: f(xs, out=overlap, **kw), ValueError),
        ("out-dtype", lambda: f(x, out=wrong, **kw), TypeError),
        ("out-not-array", lambda: f(x, out=[0.0], **kw), TypeError),
        ("out-shape", lambda: f(x, out=np.zeros(x.size + 1, dtype), **kw), ValueError),
        ("x-dtype", lambda: f(np.ones(shape, np.complex64), **kw), TypeError),
        ("x-object", lambda: f(np.array(["a", "b"], dtype=object), **kw), TypeError),
    ]


def elementwise_cases(name, dtype):
    func = next(f for f in ELEMENTWISE if f.name == name)
    f = getattr(cact, name)
    kw = default_kwargs(func)
    x = data((6, 11), dtype)
    z = x.copy()
    o = np.empty_like(x)
    big = data(5000, dtype, 1)        # above the GIL-release threshold
    bigo = np.empty_like(big)
    cases = [
        ("new", lambda: f(x, **kw), None),
        ("in-place", lambda: f(z, out=z, **kw), None),
        ("out", lambda: f(x, out=o, **kw), None),
        ("strided", lambda: f(x[:, ::2], **kw), None),
        ("list", lambda: f([0.5, -1.0, 3.0], **kw), None),
        ("0-d", lambda: f(np.float32(0.25) if np.dtype(dtype) == np.float32 else 0.25, **kw), None),
        ("nogil", lambda: f(big, out=bigo, **kw), None),
    ]
    _common_out_errors(f, x, dtype, kw, cases)
    for bad in invalid_params(func):
        cases.append((f"param-{bad}", (lambda bad=bad: f(x, **bad)), ValueError))
    return cases


def axis_cases(name, dtype):
    f = getattr(cact, name)
    x = data((4, 6, 5), dtype)
    o = np.empty_like(x)
    z = x.copy()
    big = data((40, 128), dtype, 1)
    if name == "maxout":
        kw = {"pieces": 2, "axis": 1}
        o = np.empty((4, 3, 5), dtype)
        cases = [("new", lambda: f(x, **kw), None),
                 ("out", lambda: f(x, out=o, **kw), None),
                 ("strided", lambda: f(x[:, :, ::2], **kw), None),
                 ("nogil", lambda: f(big, 4), None),
                 ("pieces-not-divisor", lambda: f(x, 4, axis=1), ValueError),
                 ("pieces-zero", lambda: f(x, 0), ValueError),
                 ("pieces-float", lambda: f(x, 1.5), TypeError)]
    elif name == "prelu":
        w = np.linspace(0, 0.5, 6).astype(dtype)
        kw = {"weight": w, "axis": 1}
        cases = [("new", lambda: f(x, **kw), None),
                 ("in-place", lambda: f(z, out=z, **kw), None),
                 ("out", lambda: f(x, out=o, **kw), None),
                 ("scalar-weight", lambda: f(x, 0.25), None),
                 ("nogil", lambda: f(big, np.float32(0.1) if np.dtype(dtype) == np.float32 else 0.1), None),
                 ("weight-length", lambda: f(x, w[:5], axis=1), ValueError),
                 ("weight-dtype", lambda: f(x, w.astype(np.float16)), TypeError),
                 ("weight-2d", lambda: f(x, np.ones((2, 3), dtype)), ValueError)]
    else:
        kw = {"axis": 1}
        cases = [("new", lambda: f(x, **kw), None),
                 ("in-place", lambda: f(z, out=z, **kw), None),
                 ("out", lambda: f(x, out=o, **kw), None),
                 ("last-axis", lambda: f(x), None),
                 ("strided", lambda: f(x[:, ::2], axis=0), None),
                 ("nogil", lambda: f(big), None)]
    cases.append(("bad-axis", lambda: f(x, **dict(kw, axis=7)), np.exceptions.AxisError
                  if hasattr(np, "exceptions") else np.AxisError))
    if name != "maxout":
        _common_out_errors(f, x, dtype, kw, cases)
    else:
        ro = np.zeros((4, 3, 5), dtype)
        ro.flags.writeable = False
        cases += [("out-readonly", lambda: f(x, out=ro, **kw), ValueError),
                  ("out-shape", lambda: f(x, out=np.zeros(x.shape, dtype), **kw), ValueError),
                  ("x-dtype", lambda: f(np.ones((4, 6), np.complex64), 2), TypeError)]
    return cases


def cases(name, dtype):
    return axis_cases(name, dtype) if name in AXIS_NAMES else elementwise_cases(name, dtype)
