"""Special values: NaN, +-inf, +-0, huge and tiny inputs, for every
elementwise kernel.  Along an axis: tests/test_axis_special.py."""
import math

import numpy as np
import pytest
from helpers import run

import cact
import cact.fast
from cact._catalogue import KERNEL_FUNC, KERNELS
from cact._reference import reference


@pytest.mark.parametrize("kernel", KERNELS)
def test_nan_propagates(kernel, dtype):
    x = np.array([np.nan, 1.0, -np.nan, -1.0] * 9, dtype=dtype)  # vector body and tail
    y = run(kernel, x)
    assert np.isnan(y[0::2]).all() and not np.isnan(y[1::2]).any()


@pytest.mark.parametrize("kernel", KERNELS)
def test_infinities_give_limits(kernel, dtype):
    lim = KERNEL_FUNC[kernel].limits
    if lim is None:
        pytest.skip("limits depend on the parameters")
    y = run(kernel, np.array([-np.inf, np.inf], dtype=dtype))
    assert y[0] == lim[0] and y[1] == lim[1], (y, lim)


@pytest.mark.parametrize("kernel", KERNELS)
def test_finite_in_finite_out(kernel, dtype):
    """No overflow or NaN from intermediates for any finite input: results are
    finite wherever the true value is within the dtype's range."""
    fi = np.finfo(dtype)
    x = np.array([fi.max, -fi.max, fi.max / 7, -fi.max / 7, fi.smallest_subnormal, -fi.smallest_subnormal,
                  1e30, -1e30, 1e10, -1e10, 1000, -1000, 100, -100, 88.8, -88.8, 0.0, -0.0], dtype=dtype)
    y = run(kernel, x)
    assert not np.isnan(y).any()
    exact, _ = reference(kernel, x)   # rounded to float64: inf where it is out of float64's range
    fine = np.abs(exact) <= fi.max   # selu of max, squared_relu of 1e30: the exact value overflows
    assert np.isfinite(y[fine]).all()
    assert np.isinf(y[np.abs(exact) > float(fi.max) * (1 + float(fi.eps))]).all()


def test_documented_values():
    f64 = np.float64
    assert cact.softplus(f64(1000)) == 1000
    assert cact.softplus(np.float32(1000)) == 1000
    assert cact.log_sigmoid(f64(-1000)) == -1000
    assert cact.log_sigmoid(np.float32(-1000)) == -1000
    assert cact.sigmoid(f64(-1000)) == 0            # true value 5e-435 underflows
    assert cact.sigmoid(np.float32(-100)) == np.float32(math.exp(-100))  # subnormal, not flushed
    assert cact.sigmoid(f64(-740)) == math.exp(-740)
    assert cact.tanh(f64(np.inf)) == 1 and cact.sigmoid(f64(-np.inf)) == 0
    # gelu's negative tail: erfc, not 1 + erf (peers return -0.0 here)
    g = cact.gelu(np.array([-5.84, -6.52], f64))
    assert g[0] == pytest.approx(-1.5e-8, rel=0.02) and g[1] == pytest.approx(-2.3e-10, rel=0.02)
    assert cact.gelu(np.float32(-5.84)) < 0
    assert cact.gelu(f64(-np.inf)) == 0 and cact.gelu(f64(np.inf)) == np.inf
    # no overflow in intermediates (torch: gelu(1.7e38) = inf in float32)
    assert cact.gelu(np.float32(1.7e38)) == np.float32(1.7e38)
    assert cact.hard_swish(np.float32(5.7e37)) == np.float32(5.7e37)
    assert cact.gelu(np.float32(3e38), approximate="tanh") == np.float32(3e38)
    # elu near 0 keeps its digits (exp(x) - 1 would give 0)
    assert cact.elu(f64(-3e-8)) == pytest.approx(-3e-8, rel=1e-7)
    assert cact.elu(np.float32(-3e-8)) == np.float32(-3e-8)
    # tanhshrink near 0: x^3/3
    assert cact.tanhshrink(f64(1e-5)) == pytest.approx(1e-15 / 3, rel=1e-12)
    # softsign saturates to +-1 at +-inf
    assert cact.softsign(f64(np.inf)) == 1 and cact.softsign(f64(-np.inf)) == -1


def test_signed_zero():
    for f in (cact.relu, cact.identity, cact.leaky_relu, cact.elu, cact.gelu, cact.silu, cact.tanh):
        y = f(np.array([0.0, -0.0]))
        assert (y == 0).all()
    assert math.copysign(1, cact.tanh(np.float64(-0.0))) == -1
    assert math.copysign(1, cact.identity(np.float64(-0.0))) == -1


def test_nan_where_peers_give_value():
    """threshold keeps NaN (PyTorch returns value); hardtanh/relu6/binary_step too."""
    for f, kw in ((cact.threshold, dict(threshold=0.0, value=1.0)), (cact.hardtanh, {}), (cact.relu6, {}),
                  (cact.binary_step, {}), (cact.hard_sigmoid, {}), (cact.hardshrink, {}), (cact.softshrink, {})):
        assert np.isnan(f(np.array([np.nan], np.float32), **kw)).all()


def test_hard_sigmoid_default_is_exact():
    """The default parameters give x/6 + 1/2 itself (PyTorch's hardsigmoid):
    0 at -3 and 1 at 3 in both dtypes, correctly rounded near the kink,
    where alpha * x + beta with alpha = 1/6 rounded to double would not be;
    an explicit pair keeps alpha * x + beta rounded once."""
    for dt in (np.float32, np.float64):
        y = cact.hard_sigmoid(np.array([-3, 3, -3.5, 3.5, 0], dtype=dt))
        assert y.tolist() == [0, 1, 0, 1, 0.5]
    x = -2.9984903577417548
    assert cact.hard_sigmoid(np.float64(x)) == (x + 3) / 6 == 0.0002516070430408727   # x + 3 exact
    xf = np.arange(-3, 3, 2 ** -12, dtype=np.float32)          # every 2^-12 step: x + 3 exact in float32
    expect = ((xf.astype(np.float64) + 3) / 6).astype(np.float32)  # one rounding of a double good to 2^-53
    assert np.array_equal(cact.hard_sigmoid(xf), expect)
    assert cact.hard_sigmoid(np.float64(-3.0), alpha=0.2, beta=0.6) == 0.0
    assert cact.hard_sigmoid(np.float64(-3.0), alpha=1 / 6 + 1e-17, beta=0.5) == 0.0  # 1/6 rounds to the default
    assert cact.hard_sigmoid(np.float64(-2.0), alpha=0.2, beta=0.5) == 0.2 * -2.0 + 0.5


# x * gate with the gate rounding to 0: the zero keeps x's sign (IEEE x * 0).
# float64 silu, swish and mish returned +0 below about -1400 and at -inf,
# gelu(approximate='tanh') below -26.7, and the baseline level's gelu in the
# tail and at -0, where float32 and the other levels give -0.
GATED_ZEROS = [("silu", {}), ("swish", {}), ("swish", {"beta": 1.702}), ("swish", {"beta": 0.3}),
               ("swish", {"beta": 1e-300}), ("mish", {}), ("gelu", {}), ("gelu", {"approximate": "tanh"}),
               ("selu", {})]


@pytest.mark.parametrize("name,kw", GATED_ZEROS, ids=[f"{n}{k}" for n, k in GATED_ZEROS])
def test_zero_results_of_negative_x_are_negative_zero(name, kw, dtype, isa):
    x = np.array([-np.inf, -np.finfo(dtype).max, -1e300, -1e10, -5000, -2000, -1405, -1400.5, -800, -120,
                  -40, -30, -26.75, -0.0], dtype=np.float64)
    x = x[(np.abs(x) <= np.finfo(dtype).max) | np.isinf(x)].astype(dtype)
    for lv in isa.each():
        for tier in (cact, cact.fast):
            y = getattr(tier, name)(x, **kw)
            zero = y == 0
            assert np.signbit(y[zero]).all(), (tier.__name__, lv, x[zero & ~np.signbit(y)])
            assert (zero | (y < 0)).all()                           # and no positive result
    # the cases filed: float64 silu / swish / mish at -1405 and -inf, gelu_tanh at -26.75
    if dtype == np.float64 and name in ("silu", "swish", "mish"):
        assert math.copysign(1, getattr(cact, name)(np.float64(-1405), **kw)) == -1
    if dtype == np.float64 and kw.get("approximate") == "tanh":
        assert math.copysign(1, cact.gelu(np.float64(-26.75), approximate="tanh")) == -1
