"""float16 and bfloat16: the exhaustive references and the comparison shared
by tests/test_half.py and tools/half_cases.py (which writes the listed
double-rounding cases, tests/data/half_double_rounding.json, and the table
in docs/accuracy.md).

Reference: every one of the 65,536 inputs of a dtype, the exact result
rounded once to the dtype.  The exact result is taken from cact's float64
kernel (within f.ulp[1] ulp of float64, ~2^-53 relative), rounded to the
half-precision grid (round half to even on the quantum of its binade, the
subnormal quantum below the smallest normal); where that float64 value lies
so near a half-precision rounding boundary (a midpoint) that its own error
could put it on the wrong side, mpmath decides (cact._reference, ~2^-106).

A half-precision result is the float32 kernel's result rounded once more,
so it can differ from the correctly rounded one only where the exact value
lies within the float32 kernel's error of a midpoint (double rounding):
then it is the neighbour, 1 ulp away.
"""
import json
import os

import numpy as np

import cact
from cact._catalogue import ELEMENTWISE

try:
    import ml_dtypes
    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:          # the bfloat16 extra is not installed
    ml_dtypes = None
    BF16 = None

F16 = np.dtype(np.float16)
# precision (bits, the implicit one included), the exponent of the smallest normal, largest finite
FORMATS = {"float16": (11, -14, 65504.0), "bfloat16": (8, -126, float.fromhex("0x1.fep127"))}
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "half_double_rounding.json")


def half_dtypes():
    return [F16] + ([BF16] if BF16 is not None else [])


def all_inputs(dt):
    """Every value of the 2-byte dtype dt, in bit order."""
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dt)


def quantum(r, name):
    """The spacing of the half-precision grid at float64 values r (finite)."""
    p, emin, _ = FORMATS[name]
    _, e = np.frexp(np.abs(r))                  # |r| = m 2^e, m in [0.5, 1)
    return np.ldexp(1.0, np.maximum(e, emin + 1) - p)


def round_half(r, name):
    """float64 r rounded once to the half-precision format (ties to even,
    subnormals on their grid, overflow to inf), as float64 values."""
    r = np.asarray(r, dtype=np.float64)
    fin = np.isfinite(r)
    q = quantum(np.where(fin, r, 1.0), name)
    y = np.where(fin, np.round(np.where(fin, r, 0.0) / q) * q, r)   # exact scaling, np.round ties to even
    return np.where(np.abs(y) > FORMATS[name][2], np.copysign(np.inf, y), y)


def to_dtype(v, dt):
    """float64 values already on dt's grid as dt (exact: a float64 -> float32
    -> dt cast of a representable value rounds nothing)."""
    return np.asarray(v, dtype=np.float64).astype(np.float32).astype(dt)


def kwargs(f):
    from cact._catalogue import REQUIRED
    return {p.name: (p.example if p.default is REQUIRED else p.default) for p in f.params}


def kernel_kwargs(f, k):
    kw = kwargs(f)
    if f.select:
        kw[f.select[0]] = next(v for v, kk in f.select[1].items() if kk == k)
    return kw


def correctly_rounded(f, k, x, name):
    """The correctly rounded result (float64 values on the half grid) of
    kernel k of catalogue function f at half-precision inputs x, and the
    float64 exact value used (for the double-rounding test)."""
    kw = kernel_kwargs(f, k)
    with np.errstate(invalid="ignore"):
        x64 = x.astype(np.float32).astype(np.float64)
    r = getattr(cact, f.name)(x64, **kw)
    ref = round_half(r, name)
    # midpoints within the float64 kernel's error (a few float64 ulps) of r
    fin = np.isfinite(r) & (r != 0)
    q = quantum(np.where(fin, r, 1.0), name)
    mid = (np.floor(np.where(fin, r, 0.0) / q) + 0.5) * q
    near = fin & (np.abs(r - mid) <= 8 * np.spacing(np.abs(np.where(fin, r, 1.0))) * max(1.0, f.ulp[1]))
    # +-0 and +-inf: the float32 kernel's special values (its own tests
    # check them against the limits), rounded exactly
    spec = (x64 == 0) | np.isinf(x64)
    ref[spec] = round_half(getattr(cact, f.name)(x64[spec].astype(np.float32), **kw).astype(np.float64), name)
    for i in np.flatnonzero(near):
        from cact._reference import reference
        hi, lo = reference(k, x64[i:i + 1], {p.name: kw[p.name] for p in f.float_params})
        h, m = float(hi[0]), float(mid[i])
        side = int(h > m) - int(h < m) if h != m else int(lo[0] > 0) - int(lo[0] < 0)
        if side == 0:       # exactly a midpoint: ties to even (round_half of the midpoint does it)
            ref[i] = round_half(np.array([m]), name)[0]
        else:
            ref[i] = round_half(np.array([m + side * q[i] / 4]), name)[0]
    return ref, r


def ordinal(y):
    """Half-precision values as integers in value order (+0 and -0 adjacent:
    one apart), for distances in ulps."""
    b = np.asarray(y).view(np.uint16).astype(np.int64)
    return np.where(b & 0x8000, -(b & 0x7fff) - 1, b)


def compare(y, ref, r, name, bound32, x=None):
    """Where y (half dtype) differs from ref (float64 on the grid): the
    indices, and whether each is a double-rounding case: 1 ulp away, the
    exact value r within bound32 float32 ulps of the midpoint between them
    (float32 ulps at r; at least 2^-149)."""
    yd = y.astype(np.float32).astype(np.float64)
    ynan, rnan = np.isnan(yd), np.isnan(ref)
    assert np.array_equal(ynan, rnan), f"NaN where the reference is not at {np.flatnonzero(ynan != rnan)[:5]}"
    same = ynan | ((yd == ref) & (np.signbit(yd) == np.signbit(ref)))
    if x is not None:
        # an exact result below float64's range (the float64 kernel's 0 at a
        # finite nonzero x): a 0 of either sign is accepted
        with np.errstate(invalid="ignore"):
            xf = x.astype(np.float32)
        same |= (r == 0) & np.isfinite(xf) & (xf != 0) & (yd == 0)
    bad = np.flatnonzero(~same)
    refh = to_dtype(ref[bad], y.dtype)
    one_ulp = np.abs(ordinal(y[bad]) - ordinal(refh)) == 1
    mid = (yd[bad] + ref[bad]) / 2
    u32 = np.maximum(np.spacing(np.abs(r[bad]).astype(np.float32)).astype(np.float64), 2.0 ** -149)
    near = np.abs(r[bad] - mid) <= bound32 * u32
    return bad, one_ulp, near


def load_cases():
    if not os.path.exists(DATA):
        return {}
    with open(DATA) as fh:
        return json.load(fh)


def accurate_kernels():
    """(function, kernel) for every elementwise kernel of the accurate tier."""
    return [(f, k) for f in ELEMENTWISE for k in f.kernels]


def fast_kernels():
    return [(f, k) for f in ELEMENTWISE for k in f.fast_kernels]


def infinite_or_nan(x):
    return ~np.isfinite(x.astype(np.float32))


