"""float16 and bfloat16 (ml_dtypes): every function of both tiers on every
half-precision input, at every ISA level; the conversions; the contract.

Elementwise: every one of the 65,536 inputs of each dtype against the
correctly rounded result (tests/half_cases.py); a result that differs is
1 ulp away and a double-rounding case (the exact value within the float32
kernel's bound of the midpoint), and for the accurate tier it is one of the
inputs listed in tests/data/half_double_rounding.json (tools/half_cases.py
writes it and the counts in docs/accuracy.md).  bfloat16 runs where
ml_dtypes is installed (the `bfloat16` extra, in the `test` extra).
"""
import numpy as np
import pytest
from half_cases import (
    BF16,
    F16,
    FORMATS,
    accurate_kernels,
    all_inputs,
    compare,
    correctly_rounded,
    fast_kernels,
    kernel_kwargs,
    load_cases,
    ordinal,
    round_half,
    to_dtype,
)
from helpers import SOFT, same_bits

import cact
import cact.fast
from cact import _elementwise
from cact._catalogue import FAST_SUBNORMAL_ABS

HALF = [pytest.param(F16, id="float16"),
        pytest.param(BF16, id="bfloat16",
                     marks=pytest.mark.skipif(BF16 is None, reason="ml_dtypes (the bfloat16 extra) is not installed"))]


@pytest.fixture(params=HALF)
def hdt(request):
    return request.param


# ---- the conversions ----------------------------------------------------------------

def test_widen_every_input_exact(hdt, isa):
    """Widening is exact, every input (NaN stays NaN of its sign), at every level."""
    x = all_inputs(hdt)
    want = x.astype(np.float32)          # numpy / ml_dtypes widen exactly
    for _ in isa.each():
        w = _elementwise._widen(x)
        nan = np.isnan(want)
        assert np.array_equal(np.isnan(w), nan)
        assert np.array_equal(np.signbit(w[nan]), np.signbit(want[nan]))
        assert same_bits(w[~nan], want[~nan])


def _boundary_floats(name):
    """float32 values at, just below and just above every rounding boundary
    (midpoints) and every representable value of the half format, and
    specials."""
    dt = F16 if name == "float16" else BF16
    v = all_inputs(dt).astype(np.float32)
    v = np.unique(v[np.isfinite(v)].astype(np.float64))
    mids = (v[1:] + v[:-1]) / 2
    top = FORMATS[name][2]
    top_mid = top + (top - v[-2]) / 2           # half an ulp above the largest finite: inf
    pts = np.concatenate([v, mids, [top_mid, top * 2, 2.0 ** -140, 2.0 ** -149, 1e-45]])
    pts = pts[pts < 3e38].astype(np.float32)
    bits = pts.view(np.uint32).astype(np.int64)
    near = np.concatenate([bits + d for d in (-2, -1, 0, 1, 2)])
    near = near[(near >= 0) & (near < 0x7f800000)].astype(np.uint32).view(np.float32)
    near = np.concatenate([near, -near, [np.inf, -np.inf, np.nan, -np.nan]]).astype(np.float32)
    return near


def test_narrow_rounds_once(hdt, isa):
    """Narrowing float32 rounds to nearest even, subnormals on their grid,
    overflow to inf, NaN to a quiet NaN of its sign: around every boundary
    and every value of the format, at every level."""
    name = hdt.name
    f = _boundary_floats(name)
    want = round_half(f.astype(np.float64), name)
    for _ in isa.each():
        h = _elementwise._narrow(f, hdt)
        got = h.astype(np.float32).astype(np.float64)
        nan = np.isnan(f)
        assert np.array_equal(np.isnan(got), nan)
        assert np.array_equal(np.signbit(got), np.signbit(np.where(nan, f, want)))
        assert np.array_equal(got[~nan], want[~nan]), np.flatnonzero(got[~nan] != want[~nan])[:5]
        quiet = 0x0200 if name == "float16" else 0x0040
        assert np.all(h[nan].view(np.uint16) & quiet)
    # a signalling NaN keeps its payload's top bits, made quiet
    s = np.array([0x7f800001 | (0x155 << 13), 0xff800000 | (0x2a << 16)], dtype=np.uint32).view(np.float32)
    h = _elementwise._narrow(s, hdt).view(np.uint16)
    if name == "float16":
        assert list(h) == [0x7e00 | 0x155, 0xfe00 | (0x2a << 3)]
    else:
        assert list(h) == [0x7fc0 | (0x155 >> 3), 0xffc0 | 0x2a]


# ---- elementwise, every input -----------------------------------------------------

def _check_every_input(fn, f, k, hdt, bound32, listed=None, fast=False):
    """fn over every input of hdt against the correctly rounded result:
    returns the indices where it differs (each checked here)."""
    name = hdt.name
    x = all_inputs(hdt)
    ref, r = correctly_rounded(f, k, x, name)
    y = fn(x, **kernel_kwargs(f, k))
    assert y.dtype == hdt
    bad, one_ulp, near = compare(y, ref, r, name, bound32, x)
    if fast and name == "bfloat16":
        # a fast float32 result below 2^-126 is within 2^-126 absolute (its bound)
        tiny = np.abs(r[bad]) < 2.0 ** -126
        err = np.abs(y[bad].astype(np.float64) - r[bad])
        ok_tiny = tiny & (err <= FAST_SUBNORMAL_ABS + 2.0 ** -134)
        one_ulp, near = one_ulp | ok_tiny, near | ok_tiny
    assert one_ulp.all(), f"{k} {name}: more than 1 ulp at x = {x[bad[~one_ulp]][:5]}"
    assert near.all(), f"{k} {name}: not a double-rounding case at x = {x[bad[~near]][:5]}"
    if listed is not None:
        xbits = set(int(b) for b in x[bad].view(np.uint16))
        extra = sorted(xbits - set(listed))
        assert not extra, f"{k} {name}: not correctly rounded at unlisted inputs {[hex(b) for b in extra[:8]]}"
    return bad


@pytest.mark.parametrize("f,k", accurate_kernels(), ids=lambda v: getattr(v, "name", v))
def test_every_input_accurate(f, k, hdt, isa):
    listed = load_cases().get(k, {}).get(hdt.name, [])
    for _ in isa.each():
        _check_every_input(getattr(cact, f.name), f, k, hdt, f.ulp[0], listed)


@pytest.mark.parametrize("f,k", fast_kernels(), ids=lambda v: getattr(v, "name", v))
def test_every_input_fast(f, k, hdt, isa):
    for _ in isa.each():
        _check_every_input(getattr(cact.fast, f.name), f, k, hdt, f.fast[k].ulp[0], fast=True)


def test_levels_agree(hdt, isa):
    """v4 and v3 give the same bits (the float32 kernels do; the
    conversions agree everywhere)."""
    x = all_inputs(hdt)
    for f, k in accurate_kernels() + [(f, "fast") for f, _ in fast_kernels()]:
        fn = getattr(cact.fast if k == "fast" else cact, f.name)
        kw = kernel_kwargs(f, f.kernels[0] if k == "fast" else k)
        got = [fn(x, **kw) for _ in isa.each("v4", "v3")]
        assert same_bits(got[0], got[1]), f.name


def test_tails_and_specials():
    """bfloat16 has float32's range: the tails are normal bfloat16 numbers;
    float16 results below 2^-14 are subnormals, rounded as such."""
    if BF16 is not None:
        b = np.array([-6.5, -80.0, -100.0, np.inf, -np.inf, np.nan], dtype=BF16)
        g = cact.gelu(b).astype(np.float64)
        s = cact.sigmoid(b).astype(np.float64)
        assert abs(g[0] / -2.6104003795e-10 - 1) < 2 ** -8          # -6.5 Phi(-6.5), normal in bfloat16
        assert abs(s[1] / 1.8048513878454153e-35 - 1) < 2 ** -8
        assert s[2] == round_half(np.array([3.720075976020836e-44]), "bfloat16")[0]  # a bfloat16 subnormal
        assert list(s[3:5]) == [1.0, 0.0] and np.isnan(s[5])
        assert g[3] == np.inf and g[4] == 0.0 and np.signbit(g[4]) and np.isnan(g[5])
    h = cact.sigmoid(np.array([-12.0, -17.0, -20.0], dtype=F16)).astype(np.float64)
    assert list(h) == list(round_half(np.array([6.144174602214718e-06, 4.139937633089095e-08,
                                                2.0611536181902037e-09]), "float16"))


# ---- along an axis --------------------------------------------------------------

def _axis_data(shape, hdt, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 4).astype(np.float32).astype(hdt)


def _axis_ref(name, x, axis):
    """float64 softmax family of the exact inputs, correctly rounded to the
    storage format (float64 kernels: within 4 ulp of float64)."""
    r = getattr(cact, name)(x.astype(np.float32).astype(np.float64), axis=axis)
    return round_half(r, x.dtype.name)


@pytest.mark.parametrize("name", SOFT)
@pytest.mark.parametrize("shape,axis", [((7, 5), -1), ((3, 40, 6), 1), ((2, 5000), -1), ((5000, 3), 0),
                                         ((2, 300, 70), 1), ((1, 2), 0), ((9000,), 0)])
def test_softmax_family_within_1ulp(name, shape, axis, hdt, isa):
    """softmax, log_softmax, softmin within 1 ulp per element of the
    storage type: short and long rows (a row longer than the stack scratch:
    malloc'd), other axes (tiles of columns, gathered with a stride)."""
    x = _axis_data(shape, hdt)
    ref = _axis_ref(name, x, axis)
    for _ in isa.each():
        y = getattr(cact, name)(x, axis=axis)
        assert y.dtype == hdt
        d = np.abs(ordinal(y) - ordinal(to_dtype(ref, hdt)))
        assert d.max() <= 1, (name, shape, np.unravel_index(d.argmax(), d.shape))


@pytest.mark.parametrize("name", SOFT)
def test_softmax_family_specials(name, hdt):
    x = np.array([[0.0, -np.inf, 1.0], [np.nan, 0.0, 1.0], [np.inf, np.inf, 0.0], [-np.inf] * 3],
                 dtype=np.float32).astype(hdt)
    y = getattr(cact, name)(x).astype(np.float64)
    want = getattr(cact, name)(x.astype(np.float32)).astype(np.float64)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(y), nan)
    assert np.array_equal(y[~nan], round_half(want[~nan], hdt.name))


@pytest.mark.parametrize("shape,axis,pieces", [((4, 12), -1, 3), ((3, 6000, 2), 1, 2), ((2, 9000), 1, 9000),
                                                ((3, 8, 1000), 1, 4)])
def test_maxout_exact(shape, axis, pieces, hdt, isa):
    x = _axis_data(shape, hdt, 1)
    x.flat[5] = np.nan
    want = cact.maxout(x.astype(np.float32), pieces, axis=axis).astype(hdt)
    for _ in isa.each():
        y = cact.maxout(x, pieces, axis=axis)
        assert y.dtype == hdt
        assert same_bits(y.view(np.uint16) & ~np.where(np.isnan(want), 0x3f, 0).astype(np.uint16),
                         want.view(np.uint16) & ~np.where(np.isnan(want), 0x3f, 0).astype(np.uint16)) or \
            np.array_equal(np.isnan(y.astype(np.float32)), np.isnan(want.astype(np.float32)))
        ok = ~np.isnan(want.astype(np.float32))
        assert same_bits(y[ok], want[ok])


@pytest.mark.parametrize("shape,axis", [((5, 7), 1), ((2, 3, 5000), 1), ((3, 9000), 1), ((4, 6, 3), 2)])
def test_prelu_correctly_rounded(shape, axis, hdt, isa):
    x = _axis_data(shape, hdt, 2)
    w = _axis_data((shape[axis],), hdt, 3)
    wb = w.astype(np.float64).reshape([-1 if d == axis % len(shape) else 1 for d in range(len(shape))])
    x64 = x.astype(np.float64)
    want = round_half(np.where(x64 >= 0, x64, wb * x64), hdt.name)   # the exact product rounded once
    for _ in isa.each():
        y = cact.prelu(x, w, axis=axis)
        assert y.dtype == hdt
        assert np.array_equal(y.astype(np.float64), want)


# ---- the contract ------------------------------------------------------------------

@pytest.mark.parametrize("fn", [cact.silu, cact.fast.silu, cact.softmax,
                                lambda x, **kw: cact.prelu(x, np.array(0.5, x.dtype), **kw)])
def test_out_and_in_place(fn, hdt):
    x = _axis_data((8, 700), hdt, 4)
    y = fn(x)
    o = np.full_like(x, 7)
    assert fn(x, out=o) is o and same_bits(o, y)
    z = x.copy()
    assert fn(z, out=z) is z and same_bits(z, y)
    # a non-contiguous input is copied; the result is the same
    xt = np.ascontiguousarray(x.T).T
    assert same_bits(fn(xt), y)


def test_refusals_write_nothing(hdt):
    x = _axis_data((4, 6), hdt, 5)
    for other in (np.float32, np.float16 if hdt != F16 else np.float64):
        o = np.full((4, 6), 3, other)
        with pytest.raises(TypeError, match="out has dtype"):
            cact.gelu(x, out=o)
        assert np.all(o == 3)
    o = np.full((4, 6), 3, hdt)
    with pytest.raises(ValueError, match="C-contiguous"):
        cact.gelu(x, out=np.full((6, 4), 3, hdt).T)
    with pytest.raises(TypeError, match="weight has dtype"):
        cact.prelu(x, np.float32([0.5]), out=o)
    assert np.all(o.astype(np.float32) == 3)


def test_many_lengths_and_offsets(hdt):
    """Every length up to two blocks and unaligned starts: the same bits as
    the whole array (block and vector boundaries change nothing)."""
    x = _axis_data((1600,), hdt, 6)
    whole = cact.tanh(x)
    for n in list(range(0, 40)) + [255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 1537]:
        for off in (0, 1, 3):
            assert same_bits(cact.tanh(x[off:off + n]), whole[off:off + n])


def test_threads_same_bits(hdt, num_threads):
    x = _axis_data((1 << 20,), hdt, 7)
    num_threads(1)
    one = [cact.gelu(x), cact.softmax(x.reshape(1024, 1024))]
    num_threads(2)
    two = [cact.gelu(x), cact.softmax(x.reshape(1024, 1024))]
    assert all(same_bits(a, b) for a, b in zip(one, two))


def test_torch_bfloat16_no_copy():
    """A torch bfloat16 tensor's memory reaches cact through a uint16 view
    (the idiom in README): computed in place, no copy."""
    torch = pytest.importorskip("torch")
    if BF16 is None:
        pytest.skip("ml_dtypes is not installed")
    t = torch.linspace(-4, 4, 1000, dtype=torch.bfloat16)
    want = torch.nn.functional.silu(t.float()).bfloat16()
    a = t.view(torch.int16).numpy().view(BF16)          # the tensor's memory, as ml_dtypes.bfloat16
    assert a.ctypes.data == t.data_ptr()
    cact.silu(a, out=a)
    d = (t.float() - want.float()).abs() / want.float().abs().clamp_min(1e-30)
    assert float(d.max()) <= 2 ** -7


def test_other_ml_dtypes_refused():
    if BF16 is None:
        pytest.skip("ml_dtypes is not installed")
    import ml_dtypes
    for t in (ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2):
        x = np.zeros(4, dtype=t)
        with pytest.raises(TypeError, match="supported dtypes are float32, float64, float16 and bfloat16"):
            cact.silu(x)
        with pytest.raises(TypeError, match="supported dtypes"):
            cact.softmax(x)


def test_works_without_ml_dtypes():
    """cact never imports ml_dtypes: with the module unavailable it imports
    and computes float16 (a subprocess where importing ml_dtypes fails)."""
    import subprocess
    import sys

    from helpers import subprocess_env
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import numpy as np, cact, cact.fast\n"
            "x = np.linspace(-4, 4, 5000).astype(np.float16)\n"
            "y = cact.gelu(x); z = cact.fast.silu(x); s = cact.softmax(x.reshape(50, 100))\n"
            "assert y.dtype == z.dtype == s.dtype == np.float16\n"
            "assert 'ml_dtypes' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(),
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr
