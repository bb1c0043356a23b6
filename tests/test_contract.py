"""The Python contract of the elementwise functions: out handling, dtypes,
layouts, errors (type, message, and nothing written when refused).  The
functions along an axis: tests/test_axis_contract.py."""
import numpy as np
import pytest
from helpers import data, refused, run

import cact
from cact._catalogue import BY_NAME, ELEMENTWISE, KERNELS, REQUIRED, call_args

NAMES = [f.name for f in ELEMENTWISE]


def _kw(name):
    return call_args(BY_NAME[name].kernels[0])[1]


@pytest.mark.parametrize("kernel", KERNELS)
def test_out_none_inplace_and_out_agree(kernel, dtype):
    x = data((7, 33), dtype)
    x0 = x.copy()
    y = run(kernel, x)
    assert y.dtype == dtype and y.shape == x.shape and y.flags.c_contiguous and y is not x
    np.testing.assert_array_equal(x, x0)          # input untouched
    out = np.full_like(x, np.nan)                 # NaN prefill shows unwritten lanes
    r = run(kernel, x, out=out)
    assert r is out
    np.testing.assert_array_equal(out, y)
    z = x.copy()
    r = run(kernel, z, out=z)
    assert r is z
    np.testing.assert_array_equal(z, y)


@pytest.mark.parametrize("kernel", KERNELS)
def test_every_length_matches_elementwise(kernel, dtype):
    """Lengths 0..70 and a large odd length: tails give the same bits as bodies."""
    base = data(4099, dtype, seed=3)
    ref = np.array([run(kernel, base[i:i + 1])[0] for i in range(80)], dtype=dtype)
    for n in list(range(0, 71)) + [4099]:
        y = run(kernel, base[:n])
        np.testing.assert_array_equal(y[:80], ref[:min(n, 80)])


@pytest.mark.parametrize("name", NAMES)
def test_non_contiguous_input(name, dtype):
    f = getattr(cact, name)
    x = data((16, 20), dtype)
    expect = f(np.ascontiguousarray(x[::2, ::-3]), **_kw(name))
    np.testing.assert_array_equal(f(x[::2, ::-3], **_kw(name)), expect)
    np.testing.assert_array_equal(f(np.asfortranarray(x), **_kw(name)), f(x, **_kw(name)))
    big_endian = x.astype(x.dtype.newbyteorder(">"))
    y = f(big_endian, **_kw(name))
    assert y.dtype == dtype and y.dtype.isnative
    np.testing.assert_array_equal(y, f(x, **_kw(name)))


@pytest.mark.parametrize("name", NAMES)
def test_zero_d_and_empty(name, dtype):
    f = getattr(cact, name)
    y = f(np.array(0.75, dtype=dtype), **_kw(name))
    assert isinstance(y, np.generic) and y.dtype == dtype     # a 0-d result is a numpy scalar, as numpy's
    o = np.array(0.75, dtype=dtype)
    assert f(o, out=o, **_kw(name)) is o                      # but out is returned as given
    assert y == f(np.array([0.75], dtype=dtype), **_kw(name))[0]
    for shape in [(0,), (3, 0), (0, 5, 2)]:
        e = f(np.empty(shape, dtype=dtype), **_kw(name))
        assert e.shape == shape and e.dtype == dtype
        o = np.empty(shape, dtype=dtype)
        assert f(o, out=o, **_kw(name)) is o


def test_python_scalars_and_lists_compute_in_float64():
    y = cact.sigmoid([0.0, 1, 2])
    assert y.dtype == np.float64 and y.shape == (3,)
    assert cact.relu(-3).dtype == np.float64 and cact.relu(-3) == 0
    assert cact.tanh(0.5) == np.tanh(0.5)
    assert cact.relu([[1, -1], [2, -2]]).tolist() == [[1, 0], [2, 0]]
    assert cact.relu(np.float32(-1)).dtype == np.float32


def test_scalar_in_scalar_out():
    """A Python or numpy scalar (or a 0-d array) gives a numpy scalar, as
    numpy's ufuncs do: np.float64 for Python numbers, the dtype otherwise."""
    for x, dt in [(0.5, np.float64), (2, np.float64), (True, np.float64), (np.float32(0.5), np.float32),
                  (np.float64(-1.5), np.float64), (np.int16(3), np.float64)]:
        for name in NAMES:
            y = getattr(cact, name)(x, **_kw(name))
            assert type(y) is dt, (name, x, type(y))
            assert y == getattr(cact, name)(np.array([x], dt), **_kw(name))[0]
    assert type(cact.sigmoid(0.5)) is type(np.exp(0.5))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", ["int8", "int64", "uint16", "uint64", "bool"])
def test_integer_and_bool_compute_in_float64(name, dt):
    """Integer and bool arrays are promoted to float64, as by numpy's ufuncs
    and SciPy: the same bits as the float64 call."""
    f = getattr(cact, name)
    x = (np.arange(-6, 6) % 2 == 0) if dt == "bool" else np.arange(-60, 60, 7).astype(dt)
    y = f(x, **_kw(name))
    assert y.dtype == np.float64 and y.shape == x.shape
    assert y.tobytes() == f(x.astype(np.float64), **_kw(name)).tobytes()
    out = np.full(x.shape, np.nan)
    assert f(x, out=out, **_kw(name)) is out and out.tobytes() == y.tobytes()
    x0 = x.copy()
    refused(TypeError, "cannot compute in place in x of dtype", f, x, out=x, **_kw(name))
    assert (x == x0).all()
    refused(TypeError, "out has dtype", f, x, out=np.zeros(x.shape, np.float32), **_kw(name))


# ---- errors: type, message, and nothing written --------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", ["complex128", "object", "longdouble", "datetime64[s]"])
def test_bad_dtype_is_type_error(name, bad):
    x = np.ones(5, dtype=bad)
    out = np.full(5, 7.0)
    refused(TypeError, "supported dtypes are float32, float64, float16 and bfloat16", getattr(cact, name), x,
            out=out, **_kw(name))


@pytest.mark.parametrize("name", NAMES)
def test_out_errors(name, dtype):
    f = getattr(cact, name)
    kw = _kw(name)
    x = data((4, 6), dtype)
    other = np.float64 if dtype == np.float32 else np.float32
    refused(TypeError, "out must be a numpy.ndarray", f, x, out=[0.0] * 24, **kw)
    refused(TypeError, "out has dtype", f, x, out=np.full((4, 6), 3, other), **kw)
    refused(ValueError, "shape", f, x, out=np.full((6, 4), 3, dtype), **kw)
    refused(ValueError, "shape", f, x, out=np.full((24,), 3, dtype), **kw)
    refused(ValueError, "C-contiguous", f, x, out=np.full((6, 4), 3, dtype).T, **kw)
    refused(ValueError, "C-contiguous", f, x, out=np.full((4, 12), 3, dtype)[:, ::2], **kw)
    ro = np.full((4, 6), 3, dtype)
    ro.flags.writeable = False
    refused(ValueError, "read-only", f, x, out=ro, **kw)
    buf = np.full(30, 3, dtype)
    xs = buf[:24].reshape(4, 6)
    xs[...] = x
    refused(ValueError, "overlaps", f, xs, out=buf[3:27].reshape(4, 6), **kw)
    refused(ValueError, "overlaps", f, xs, out=buf[6:].reshape(4, 6), **kw)
    # the original x, non-contiguous, overlapped by out
    big = np.full((4, 12), 3, dtype)
    refused(ValueError, "overlaps", f, big[:, ::2], out=big[:2].reshape(4, 6), **kw)
    raw = np.zeros(4 * 6 * dtype.itemsize + 1, np.uint8)[1:].view(dtype).reshape(4, 6)
    refused(ValueError, "aligned", f, x, out=raw, **kw)


def test_exact_alias_through_another_view_is_in_place(dtype):
    x = data(100, dtype)
    expect = cact.sigmoid(x)
    cact.sigmoid(x, out=x.view())
    np.testing.assert_array_equal(x, expect)


def test_unaligned_input_is_accepted(dtype):
    x = data(50, dtype)
    raw = np.zeros(50 * dtype.itemsize + 1, np.uint8)[1:].view(dtype)
    raw[...] = x
    assert not raw.flags.aligned
    np.testing.assert_array_equal(cact.gelu(raw), cact.gelu(x))


INVALID = [
    ("celu", {"alpha": 0.0}), ("celu", {"alpha": -1.0}), ("celu", {"alpha": float("nan")}),
    ("hardtanh", {"min_val": 1.0, "max_val": -1.0}), ("hardtanh", {"min_val": float("nan")}),
    ("softshrink", {"lambd": -0.5}), ("hardshrink", {"lambd": -1e-9}), ("softshrink", {"lambd": float("inf")}),
    ("softplus", {"beta": 0.0}), ("softplus", {"beta": -1.0}), ("softplus", {"threshold": float("nan")}),
    ("leaky_relu", {"negative_slope": float("inf")}), ("elu", {"alpha": float("nan")}),
    ("swish", {"beta": float("inf")}), ("hard_sigmoid", {"alpha": float("nan")}),
    ("threshold", {"threshold": float("nan"), "value": 0.0}),
    ("gelu", {"approximate": "fast"}), ("gelu", {"approximate": None}),
]


@pytest.mark.parametrize("name,kw", INVALID, ids=[f"{n}-{k}" for n, k in INVALID])
def test_invalid_parameters_are_value_errors(name, kw, dtype):
    full = dict(_kw(name))
    full.update(kw)
    out = np.full(8, 5, dtype)
    refused(ValueError, "must", getattr(cact, name), data(8, dtype), out=out, **full)


def test_parameter_of_wrong_type_is_type_error():
    out = np.full(3, 7.0)
    refused(TypeError, "elu: alpha must be a real number, not str", cact.elu, np.ones(3), alpha="big", out=out)
    refused(TypeError, "softplus: beta must be a real number, not str", cact.softplus, np.ones(3), beta="a",
            out=out)
    refused(TypeError, "softplus: threshold must be a real number, not complex", cact.softplus, np.ones(3),
            threshold=1j, out=out)
    refused(TypeError, "hardtanh: max_val must be a real number, not NoneType", cact.hardtanh, np.ones(3),
            max_val=None, out=out)
    assert cact.softplus(np.ones(3), beta=np.float32(2), threshold=30).dtype == np.float64   # numbers of any type
    with pytest.raises(TypeError):
        cact.threshold(np.ones(3))          # required parameters missing


def test_required_parameters_have_no_default():
    for f in ELEMENTWISE:
        for p in f.params:
            if p.default is REQUIRED:
                with pytest.raises(TypeError):
                    getattr(cact, f.name)(np.ones(2))


def test_signatures_follow_catalogue():
    """inspect.signature gives the catalogue's parameters; help() shows the
    signature line once (the docstring does not repeat it)."""
    import inspect
    import pydoc
    for f in ELEMENTWISE:
        func = getattr(cact, f.name)
        sig = inspect.signature(func)
        assert list(sig.parameters) == ["x"] + [p.name for p in f.params] + ["out"]
        assert sig.parameters["out"].kind == inspect.Parameter.KEYWORD_ONLY
        text = pydoc.render_doc(func, renderer=pydoc.plaintext)
        assert text.count(f"{f.name}(x") == 1, text[:300]
        assert func.__doc__.lstrip().startswith(f.formula)


def test_large_strided_view():
    x = np.linspace(-5, 5, 300001)
    np.testing.assert_array_equal(cact.relu(x[::3]), np.maximum(x[::3], 0))
    np.testing.assert_array_equal(cact.relu(x[::-1]), np.maximum(x[::-1], 0))
