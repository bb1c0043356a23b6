"""Arrays of other libraries: every function (cact.<name> and cact.fast.<name>,
elementwise and along an axis) takes an object exporting DLPack or the
buffer protocol as x, as out= when it is writeable, and prelu's weight, on
the same memory (no copy when contiguous).  The result is always a
numpy.ndarray: a new one, or a view of out's memory when out is given
(docs/contract.md, "Arrays of other libraries").

DLPack is exercised without optional packages by Exporter (a numpy array
seen only through __dlpack__); torch tensors when torch is installed."""
import array
import tracemalloc

import numpy as np
import pytest
from helpers import axis_call, data, default_kwargs, refused

import cact
import cact.fast
from cact._catalogue import ALONG_AXIS, ELEMENTWISE

try:
    import torch
except ImportError:                      # the torch tests skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")

ELEMENTWISE_NAMES = [f.name for f in ELEMENTWISE]
AXIS_NAMES = [f.name for f in ALONG_AXIS]
TIERS = {"cact": cact, "fast": cact.fast}


class Exporter:
    """An array known only by DLPack (no __array__, no buffer protocol)."""

    def __init__(self, a, device=(1, 0)):
        self._a = a
        self._device = device

    def __dlpack__(self, **kw):
        return self._a.__dlpack__(**kw)

    def __dlpack_device__(self):
        return self._device


def _call(tier, name, dtype):
    """(f, kwargs): the function under the tier with its default parameters,
    for x of shape (6, 40)."""
    if name == "prelu":                      # a weight per channel of the last axis
        w = np.linspace(-1, 1, 40).astype(dtype)
        return (lambda x, **kw: TIERS[tier].prelu(x, w, **kw)), {"axis": -1}
    if name in AXIS_NAMES:
        return getattr(TIERS[tier], name), axis_call(name)[1]
    func = next(e for e in ELEMENTWISE if e.name == name)
    return getattr(TIERS[tier], name), default_kwargs(func)


def _out_like(name, x):
    return np.full((x.shape[0], x.shape[1] // 2) if name == "maxout" else x.shape, np.nan, x.dtype)


# ---- DLPack without optional packages ----------------------------------------

@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", ELEMENTWISE_NAMES + AXIS_NAMES)
def test_dlpack_x_and_out_every_function(tier, name, dtype):
    f, kw = _call(tier, name, dtype)
    x = data((6, 40), dtype)
    expect = f(x, **kw)
    y = f(Exporter(x), **kw)
    assert type(y) is np.ndarray and y.dtype == dtype
    np.testing.assert_array_equal(y, expect)
    o = _out_like(name, x)
    r = f(Exporter(x), out=Exporter(o), **kw)
    assert type(r) is np.ndarray and np.shares_memory(r, o)   # a view of out's memory
    np.testing.assert_array_equal(o, expect)
    if name != "maxout":                                      # in place on the exporter's memory
        z = x.copy()
        ez = Exporter(z)
        f(ez, out=ez, **kw)
        np.testing.assert_array_equal(z, expect)


@pytest.mark.parametrize("name", ["gelu", "softmax"])
def test_contiguous_export_is_not_copied(name):
    """tracemalloc sees numpy's data allocations: a contiguous export in and
    out allocates nothing of its size; a strided one is copied, as a strided
    ndarray is."""
    f = getattr(cact, name)
    x = data((256, 1024), np.float32)             # 1 MiB
    o = np.empty_like(x)
    f(Exporter(x), out=Exporter(o))               # warm
    tracemalloc.start()
    try:
        f(Exporter(x), out=Exporter(o))
        contiguous = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        f(Exporter(x[:, ::2]))
        strided = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert contiguous < x.nbytes // 16
    assert strided >= x.nbytes // 2


def test_dlpack_read_only_out_refused(dtype):
    x = data((4, 9), dtype)
    ro = np.zeros_like(x)
    ro.flags.writeable = False                     # exported with DLPack's read-only flag
    refused(ValueError, "sigmoid: out is read-only", cact.sigmoid, x, out=Exporter(ro))
    refused(ValueError, "softmax: out is read-only", cact.softmax, x, out=Exporter(ro))
    np.testing.assert_array_equal(ro, 0)
    # a read-only export is a fine x
    np.testing.assert_array_equal(cact.sigmoid(Exporter(ro)), cact.sigmoid(ro))


def test_dlpack_errors_name_function_and_parameter():
    x = data(8, np.float32)
    with pytest.raises(TypeError, match=r"relu: x is on DLPack device \(2, 0\), not the CPU"):
        cact.relu(Exporter(x, device=(2, 0)))
    with pytest.raises(TypeError, match=r"softmax: out is on DLPack device \(2, 0\)"):
        cact.softmax(x, out=Exporter(np.empty_like(x), device=(2, 0)))
    # an exported integer array computes in float64, as an integer ndarray does
    np.testing.assert_array_equal(cact.tanh(Exporter(np.arange(4, dtype=np.int32))), cact.tanh(np.arange(4.0)))
    with pytest.raises(TypeError, match="tanh: unsupported dtype complex64"):
        cact.tanh(Exporter(np.ones(4, dtype=np.complex64)))
    refused(TypeError, "out has dtype float64", cact.relu, x, out=Exporter(np.zeros(8)))
    refused(ValueError, "out has shape", cact.relu, x, out=Exporter(np.zeros(9, np.float32)))
    buf = np.zeros(11, np.float32)
    buf[:8] = x
    refused(ValueError, "partially overlaps", cact.relu, Exporter(buf[:8]), out=Exporter(buf[3:]))


def test_prelu_weight_exported():
    x = data((5, 4), np.float32)
    w = np.linspace(-1, 1, 4).astype(np.float32)
    np.testing.assert_array_equal(cact.prelu(x, Exporter(w)), cact.prelu(x, w))
    np.testing.assert_array_equal(cact.prelu(x, memoryview(w)), cact.prelu(x, w))
    with pytest.raises(TypeError, match="prelu: weight has dtype float64, but x has dtype float32"):
        cact.prelu(x, Exporter(w.astype(np.float64)))


# ---- the buffer protocol -------------------------------------------------------

def test_buffer_protocol_in_and_out():
    xs = [0.5, -1.0, 3.0, -20.0]
    expect = cact.sigmoid(np.array(xs))
    np.testing.assert_array_equal(cact.sigmoid(array.array("d", xs)), expect)
    np.testing.assert_array_equal(cact.sigmoid(memoryview(array.array("d", xs))), expect)
    out = array.array("d", [0.0] * 4)                     # writeable buffer: written in place
    r = cact.sigmoid(xs, out=out)
    assert type(r) is np.ndarray and np.shares_memory(r, np.asarray(out))
    assert list(out) == list(expect)
    raw = bytearray(16)                                   # float32 through a cast memoryview
    cact.relu(array.array("f", xs), out=memoryview(raw).cast("f"))
    assert np.frombuffer(raw, np.float32).tolist() == [0.5, 0.0, 3.0, 0.0]
    # strided buffer: copied, as a strided ndarray is
    np.testing.assert_array_equal(cact.sigmoid(memoryview(array.array("d", xs))[::2]), expect[::2])


def test_buffer_read_only_out_refused():
    x = np.ones(4)
    frozen = memoryview(np.zeros(4).tobytes()).cast("d")  # bytes-backed: read-only
    refused(ValueError, "relu: out is read-only", cact.relu, x, out=frozen)
    assert frozen.tolist() == [0.0] * 4
    refused(TypeError, "out must be a numpy.ndarray, an array exporting DLPack", cact.relu, x, out=[0.0] * 4)


# ---- torch ------------------------------------------------------------------------

TORCH_DTYPES = {"float32": "float32", "float64": "float64"}


@needs_torch
@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", ELEMENTWISE_NAMES + AXIS_NAMES)
def test_torch_x_and_out(tier, name, dtype):
    f, kw = _call(tier, name, dtype)
    x = data((6, 40), dtype)
    expect = f(x, **kw)
    t = torch.from_numpy(x.copy())
    np.testing.assert_array_equal(f(t, **kw), expect)
    o = torch.full(_out_like(name, x).shape, float("nan"), dtype=getattr(torch, TORCH_DTYPES[str(dtype)]))
    r = f(t, out=o, **kw)
    assert type(r) is np.ndarray and np.shares_memory(r, o.numpy())
    np.testing.assert_array_equal(o.numpy(), expect)
    if name != "maxout":
        f(t, out=t, **kw)                                  # in place on the tensor's memory
        np.testing.assert_array_equal(t.numpy(), expect)


@needs_torch
def test_torch_non_contiguous(dtype):
    """Strided tensors: as x, copied (the contract for strided ndarrays); as
    out, refused with the ndarray's error."""
    x = data((40, 24), dtype)
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(cact.gelu(t.T), cact.gelu(np.ascontiguousarray(x.T)))
    np.testing.assert_array_equal(cact.softmax(t[:, ::3], axis=0), cact.softmax(x[:, ::3], axis=0))
    o = torch.zeros(40, 24, dtype=t.dtype)
    refused(ValueError, "gelu: out must be C-contiguous", cact.gelu, x.T, out=o.T)
    assert not o.any()
    refused(ValueError, "out must be C-contiguous", cact.gelu, t.T, out=t.T)


@needs_torch
def test_torch_refusals():
    t = torch.ones(3, requires_grad=True)
    with pytest.raises(TypeError, match=r"silu: x \(Tensor\) cannot be read through DLPack: .*require"):
        cact.silu(t)
    with pytest.raises(TypeError, match=r"silu: out \(Tensor\) cannot be read through DLPack"):
        cact.silu(np.ones(3, np.float32), out=t)
    with pytest.raises(TypeError, match="relu: x .* cannot be read through DLPack"):
        cact.relu(torch.ones(3, dtype=torch.bfloat16))
    y = cact.relu(torch.arange(-1, 2))               # integers compute in float64
    assert y.dtype == np.float64 and y.tolist() == [0.0, 0.0, 1.0]
    o = torch.zeros(3, dtype=torch.float64)
    with pytest.raises(TypeError, match="relu: out has dtype float64, but the result has dtype float32"):
        cact.relu(torch.ones(3), out=o)
    assert not o.any()


@needs_torch
def test_torch_prelu_weight_and_maxout_out():
    x = torch.from_numpy(data((3, 8), np.float32))
    w = torch.linspace(-1, 1, 8)
    np.testing.assert_array_equal(cact.prelu(x, w), cact.prelu(x.numpy(), w.numpy()))
    o = torch.empty(3, 4)
    cact.maxout(x, 2, out=o)
    np.testing.assert_array_equal(o.numpy(), cact.maxout(x.numpy(), 2))
