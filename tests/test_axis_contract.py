"""The Python contract of the functions along an axis (softmax, log_softmax,
softmin, maxout, prelu): every axis of 1-d to 4-d arrays, the result's
shape, dtype and layout, out= and in place, foreign layouts and Python
inputs, and errors (type, message, and nothing written when refused).
maxout's and prelu's own parameters: tests/test_maxout.py,
tests/test_prelu.py."""
import numpy as np
import pytest
from helpers import AXIS_OPS, AXIS_ULP, SOFT, AxisError, axis_call, longdouble_axis_reference, refused

import cact
from cact._catalogue import AXIS
from cact._reference import ulp_error

SHAPES = [(5,), (1000,), (4, 7), (3, 40), (40, 3), (2, 3, 4), (3, 1, 17), (2, 300, 5), (2, 3, 4, 5),
          (1, 33, 1, 2), (3, 2, 600)]


def test_axis_functions_are_exported():
    for name, _, _, _ in AXIS:
        assert callable(getattr(cact, name)) and name in cact.__all__
        import inspect
        assert list(inspect.signature(getattr(cact, name)).parameters)[0] == "x"
        assert not getattr(cact, name).__doc__.startswith(name + "(")   # help() shows the signature


@pytest.mark.parametrize("op", SOFT)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_every_axis(op, shape, dtype):
    """Along every axis (negative ones too): a new C-contiguous array of x's
    shape and dtype, within the bound of a long double reference, and close
    to the same rows moved to the last axis."""
    x = np.random.default_rng(len(shape)).uniform(-20, 20, shape).astype(dtype)
    f = getattr(cact, op)
    for axis in range(-len(shape), len(shape)):
        y = f(x, axis=axis)
        assert y.shape == x.shape and y.dtype == dtype and y.flags.c_contiguous
        err = ulp_error(y, *longdouble_axis_reference(x, op, axis)).max()
        assert err <= AXIS_ULP[op][dtype == np.float64], (axis, err)
        # the same rows moved to the last axis give results within the bound too
        moved = np.moveaxis(f(np.ascontiguousarray(np.moveaxis(x, axis, -1))), -1, axis)
        np.testing.assert_allclose(y, moved, rtol=8 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("op", AXIS_OPS)
def test_out_none_inplace_and_out_agree(op, dtype):
    """A new result, out= and in place (maxout never computes in place) give
    the same bits; x is left untouched; out= returns out."""
    f, kw = axis_call(op)
    for shape, axis in [((6, 40), -1), ((6, 40), 0), ((3, 8, 5), 1), ((4000,), 0), ((4, 2000), 0)]:
        x = np.random.default_rng(3).uniform(-8, 8, shape).astype(dtype)
        x0 = x.copy()
        y = f(x, axis=axis, **kw)
        np.testing.assert_array_equal(x, x0)
        out = np.full_like(y, np.nan)
        assert f(x, axis=axis, out=out, **kw) is out
        np.testing.assert_array_equal(out, y)
        if op != "maxout":
            z = x.copy()
            assert f(z, axis=axis, out=z, **kw) is z
            np.testing.assert_array_equal(z, y)


@pytest.mark.parametrize("op", AXIS_OPS)
def test_non_contiguous_and_foreign_layouts(op, dtype):
    """Strided, transposed, Fortran-ordered, offset, byte-swapped and
    unaligned inputs give the bits of a C-contiguous copy."""
    f, kw = axis_call(op)
    x = np.random.default_rng(4).uniform(-8, 8, (12, 20)).astype(dtype)
    for view in [x[::2, ::-2], x.T, np.asfortranarray(x), x[:, 3:17]]:
        for axis in (0, 1):
            np.testing.assert_array_equal(f(view, axis=axis, **kw), f(np.ascontiguousarray(view), axis=axis, **kw))
    be = x.astype(x.dtype.newbyteorder(">"))
    np.testing.assert_array_equal(f(be, axis=0, **kw), f(x, axis=0, **kw))
    raw = np.zeros(x.size * dtype.itemsize + 1, np.uint8)[1:].view(dtype).reshape(x.shape)
    raw[...] = x
    np.testing.assert_array_equal(f(raw, axis=1, **kw), f(x, axis=1, **kw))


def test_python_inputs_compute_in_float64():
    y = cact.softmax([1, 2, 3])
    assert y.dtype == np.float64 and abs(y.sum() - 1) < 1e-15
    assert cact.log_softmax([[0.0, 1.0]], axis=0).tolist() == [[0.0, 0.0]]
    assert cact.maxout([1, 5, 2, 0], 2).tolist() == [5.0, 2.0]
    assert cact.prelu([-2, 3], 0.5).tolist() == [-1.0, 3.0]
    assert cact.softmax(np.float32(4)).dtype == np.float32


# ---- errors: class, message, nothing written ---------------------------------


@pytest.mark.parametrize("op", AXIS_OPS)
@pytest.mark.parametrize("bad", ["complex128", "object", "longdouble"])
def test_bad_dtype_is_type_error(op, bad):
    f, kw = axis_call(op)
    x = np.ones((2, 4), dtype=bad)
    out = np.full((2, 4), 7.0)
    if op == "prelu":
        kw = {"weight": np.ones(4)}
        f = cact.prelu
    refused(TypeError, "supported dtypes are float32, float64, float16 and bfloat16", f, x, out=out, **kw)


@pytest.mark.parametrize("op", AXIS_OPS)
def test_axis_errors(op, dtype):
    f, kw = axis_call(op)
    if op == "prelu":
        f, kw = cact.prelu, {"weight": np.ones(4, dtype)}
    x = np.ones((3, 4), dtype)
    out = np.full((3, 4) if op != "maxout" else (3, 2), 5, dtype)
    for axis in [2, -3, 10]:
        refused(AxisError, "out of bounds", f, x, axis=axis, out=out, **kw)
    # AxisError is both a ValueError and an IndexError, as in numpy
    with pytest.raises(ValueError):
        f(x, axis=5, **kw)
    for axis in [1.0, "1", None]:
        refused(TypeError, "integer", f, x, axis=axis, out=out, **kw)
    if op in SOFT:
        refused(AxisError, "out of bounds", f, np.array(1.0, dtype), axis=1)


@pytest.mark.parametrize("op", AXIS_OPS)
def test_out_errors(op, dtype):
    f, kw = axis_call(op)
    x = np.random.default_rng(5).uniform(-3, 3, (4, 6)).astype(dtype)
    shape = (4, 3) if op == "maxout" else (4, 6)
    other = np.float64 if dtype == np.float32 else np.float32
    refused(TypeError, "out must be a numpy.ndarray", f, x, out=[0.0] * 24, **kw)
    refused(TypeError, "out has dtype", f, x, out=np.full(shape, 3, other), **kw)
    refused(ValueError, "shape", f, x, out=np.full(shape[::-1], 3, dtype), **kw)
    refused(ValueError, "shape", f, x, out=np.full(shape + (1,), 3, dtype), **kw)
    refused(ValueError, "C-contiguous", f, x, out=np.full(shape[::-1], 3, dtype).T, **kw)
    ro = np.full(shape, 3, dtype)
    ro.flags.writeable = False
    refused(ValueError, "read-only", f, x, out=ro, **kw)
    raw = np.zeros(int(np.prod(shape)) * dtype.itemsize + 1, np.uint8)[1:].view(dtype).reshape(shape)
    refused(ValueError, "aligned", f, x, out=raw, **kw)
    buf = np.full(40, 3, dtype)
    xs = buf[:24].reshape(4, 6)
    xs[...] = x
    n = int(np.prod(shape))
    refused(ValueError, "overlaps", f, xs, out=buf[3:3 + n].reshape(shape), **kw)
    if op == "maxout":
        # maxout never computes in place, even where the shapes would allow it
        refused(ValueError, "cannot compute in place", cact.maxout, xs, pieces=1, out=xs)
        refused(ValueError, "overlaps", f, xs, out=buf[:12].reshape(shape), **kw)
