"""The fast accuracy tier, cact.fast (docs/contract.md, "Fast tier").

- the API: cact.fast has every catalogue function under cact's name and
  signature; the functions without a fast kernel are cact's own objects;
- accuracy: every fast kernel within its catalogue bound (Fast.ulp) against
  mpmath on the sample (tails included), at every ISA level, float32 under
  the tier's subnormal rule (helpers.fast_ulp_error); swish at parameters
  of both of its float32 loops;
- special values: the accurate tier's bits (NaN payloads, +-inf, +-0, huge
  finite inputs); float64 gives the accurate kernels' bits everywhere (its
  fast form is the accurate element function);
- position independence: every length 0..70, an odd large length and
  misaligned offsets give the bits of one-element calls;
- out= and in place as the accurate tier.
"""
import inspect

import numpy as np
import pytest
from helpers import bits, cached_sample, fast_worst_ulp, same_bits, sample_reference

import cact
import cact.fast
from cact._catalogue import ALONG_AXIS, BY_NAME, ELEMENTWISE, FAST_KERNELS, KERNEL_FUNC, call_args
from cact._reference import reference

NAMES = [f.name for f in ELEMENTWISE] + [a.name for a in ALONG_AXIS]


def fast_run(kernel, x, params=None, **extra):
    """Apply `kernel` (a C kernel name) through cact.fast."""
    name, kw = call_args(kernel, params)
    kw.update(extra)
    return getattr(cact.fast, name)(x, **kw)


def acc_run(kernel, x, params=None, **extra):
    name, kw = call_args(kernel, params)
    kw.update(extra)
    return getattr(cact, name)(x, **kw)


# ---- the API --------------------------------------------------------------------

def test_every_catalogue_name_with_cacts_signature():
    assert sorted(cact.fast.__all__) == sorted(NAMES)
    for name in NAMES:
        f = getattr(cact.fast, name)
        assert callable(f), name
        assert inspect.signature(f) == inspect.signature(getattr(cact, name)), name


def test_functions_without_a_fast_kernel_are_cacts_own():
    for f in ELEMENTWISE:
        same = getattr(cact.fast, f.name) is getattr(cact, f.name)
        assert same == (not f.fast), f.name
    for a in ALONG_AXIS:                # the fast axis kernels: tests/test_fast_axis.py
        assert (getattr(cact.fast, a.name) is getattr(cact, a.name)) == (not a.fast), a.name
    assert cact.fast.sigmoid.__name__ == "sigmoid"


def test_default_tier_is_not_the_fast_one():
    """cact.<name> keeps its accurate kernel: at a float32 input where the
    fast kernel rounds differently, the default is the correctly rounded value."""
    x = cached_sample(np.float32)
    x = x[np.isfinite(x) & (np.abs(x) < 20)]
    hi, lo = reference("sigmoid", x)
    assert fast_worst_ulp(cact.sigmoid(x), hi, lo)[0] <= BY_NAME["sigmoid"].ulp[0]
    assert not same_bits(cact.fast.sigmoid(x), cact.sigmoid(x))


# ---- accuracy ---------------------------------------------------------------------

# swish at parameters of both float32 loops (|beta| >= 1, |beta| < 1)
SWISH_BETAS = [1.702, -1.25, -1.0, 4.0, 0.5, -0.3, 0.0]


def _check_bound(kernel, x, y, ref, dt, what=""):
    bound = KERNEL_FUNC[kernel].fast[kernel].ulp[dt == np.float64]
    err, i = fast_worst_ulp(y, *ref)
    assert err <= bound, f"fast {kernel} {np.dtype(dt).name}{what}: {err} ulp at x={x.ravel()[i]!r} (bound {bound})"


@pytest.mark.parametrize("kernel", FAST_KERNELS)
def test_within_bound_at_every_level(kernel, dtype, isa):
    x = cached_sample(dtype)
    ref = sample_reference(kernel, dtype)
    for lv in isa.each():
        _check_bound(kernel, x, fast_run(kernel, x), ref, dtype, f" at {lv}")


@pytest.mark.parametrize("beta", SWISH_BETAS)
def test_swish_within_bound_at_other_betas(beta, dtype, isa):
    x = cached_sample(dtype, n_log=300, seed=3)
    x = x[np.isfinite(x)]             # +-inf: the special values' test (the limits depend on beta)
    ref = reference("swish", x, {"beta": beta})
    for lv in isa.each():
        _check_bound("swish", x, cact.fast.swish(x, beta), ref, dtype, f" beta={beta} at {lv}")


@pytest.mark.parametrize("kernel", FAST_KERNELS)
def test_float64_is_the_accurate_kernel(kernel, isa):
    """The float64 fast kernels run the accurate element functions (Fast.f64
    'accurate'): the same bits everywhere."""
    if KERNEL_FUNC[kernel].fast[kernel].f64 != "accurate":
        pytest.skip("a float64 fast form of its own")
    x = cached_sample(np.float64)
    for _ in isa.each():
        assert same_bits(fast_run(kernel, x), acc_run(kernel, x))


# ---- special values -----------------------------------------------------------------

def _specials(dtype):
    fi = np.finfo(dtype)
    u = np.uint32 if dtype == np.float32 else np.uint64
    nbits = 32 if dtype == np.float32 else 64
    quiet = u(1) << u(fi.nmant - 1)
    exp_all = ((u(1) << u(nbits - fi.nmant - 1)) - u(1)) << u(fi.nmant)
    sign = u(1) << u(nbits - 1)
    payloads = np.array([exp_all | quiet, exp_all | quiet | u(0x1234), exp_all | u(1),   # quiet, payload, signalling
                         sign | exp_all | quiet | u(0x55)], dtype=u).view(dtype)
    vals = np.array([np.inf, -np.inf, 0.0, -0.0, fi.max, -fi.max, fi.max / 3, -fi.max / 3,
                     1e30, -1e30, 1e19, -1e19, 2.0 ** 64, -(2.0 ** 64), 5e9, -5e9], dtype=dtype)
    return np.concatenate([payloads, vals])


@pytest.mark.parametrize("kernel", FAST_KERNELS)
def test_special_values_are_the_accurate_tiers(kernel, dtype, isa):
    x = _specials(dtype)
    xs = np.tile(x, 5)                      # vector body and tail
    for lv in isa.each():
        y, want = fast_run(kernel, xs), acc_run(kernel, xs)
        assert np.array_equal(bits(y), bits(want)), (lv, x, y[:len(x)], want[:len(x)])
        if kernel == "swish":
            for beta in SWISH_BETAS:
                y, want = cact.fast.swish(xs, beta), cact.swish(xs, beta)
                assert np.array_equal(bits(y), bits(want)), (lv, beta, x, y[:len(x)], want[:len(x)])


# ---- position and length independence ----------------------------------------------

@pytest.mark.parametrize("kernel", FAST_KERNELS)
def test_every_length_and_offset_gives_the_bits_of_one_element_calls(kernel, dtype, isa):
    pool = cached_sample(dtype)
    rng = np.random.default_rng(11)
    big = rng.choice(pool, 5003)
    for _ in isa.each():
        single = np.concatenate([fast_run(kernel, big[i:i + 1]) for i in range(len(big))])
        for n in list(range(71)) + [5003]:
            assert np.array_equal(bits(fast_run(kernel, big[:n])), bits(single[:n])), n
        buf = np.empty(len(big) + 8, dtype=dtype)
        for off in range(1, 4):             # views off the 64-byte boundary, long enough to peel
            v = buf[off:off + 4001]
            v[:] = big[:4001]
            assert np.array_equal(bits(fast_run(kernel, v)), bits(single[:4001])), off
            fast_run(kernel, v, out=v)
            assert np.array_equal(bits(v), bits(single[:4001])), off


# ---- out= and in place ----------------------------------------------------------------

@pytest.mark.parametrize("kernel", FAST_KERNELS)
def test_out_and_in_place(kernel, dtype):
    x = cached_sample(dtype)[:1000].reshape(40, 25)
    want = fast_run(kernel, x)
    assert want.shape == x.shape and want.dtype == x.dtype
    o = np.empty_like(x)
    assert fast_run(kernel, x, out=o) is o and np.array_equal(bits(o), bits(want))
    xi = x.copy()
    assert fast_run(kernel, xi, out=xi) is xi and np.array_equal(bits(xi), bits(want))
    # a refused out= is refused as by the accurate tier, with its exception
    bad = np.empty(x.shape, dtype=np.float64 if dtype == np.float32 else np.float32)
    for f in (fast_run, acc_run):
        with pytest.raises(TypeError):
            f(kernel, x, out=bad)
    # scalars, lists and 0-d inputs as the accurate tier
    assert np.asarray(fast_run(kernel, 0.5)).dtype == np.asarray(acc_run(kernel, 0.5)).dtype


def test_parameters_are_checked_as_by_the_accurate_tier():
    x = np.ones(3, np.float32)
    for f in (cact.swish, cact.fast.swish):
        with pytest.raises(ValueError, match="beta must be finite"):
            f(x, np.nan)
    for f in (cact.gelu, cact.fast.gelu):
        with pytest.raises(ValueError, match="approximate"):
            f(x, approximate="fast")
    # gelu's erf form has no fast kernel: the accurate one's bits
    xs = cached_sample(np.float32)
    assert same_bits(cact.fast.gelu(xs), cact.gelu(xs))
