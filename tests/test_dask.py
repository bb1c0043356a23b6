"""cact.dask: the catalogue on dask arrays (docs/dask.md).  Elementwise
functions give cact's bits with x's chunks and dtype; softmax, log_softmax
and softmin across chunks of the axis are within the in-memory bound of the
exact value (long double reference) and have its special values; maxout and
prelu refuse a chunked axis naming the rechunk.  The threaded scheduler
throughout, and a distributed.LocalCluster of two worker processes once."""
import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import AXIS_ULP, data, default_kwargs, longdouble_axis_reference, same_bits, subprocess_env, worst_ulp

import cact
from cact._catalogue import ELEMENTWISE

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
import cact.dask as cd  # noqa: E402  (after the skip)

SOFT = ["softmax", "log_softmax", "softmin"]


@pytest.fixture(autouse=True)
def threads():
    with dask.config.set(scheduler="threads", num_workers=2):
        yield


@pytest.mark.parametrize("name", [f.name for f in ELEMENTWISE])
def test_elementwise_blocks(name, dtype):
    func = next(f for f in ELEMENTWISE if f.name == name)
    kw = default_kwargs(func)
    x = data((9, 50), dtype)
    dx = da.from_array(x, chunks=(4, 17))
    y = getattr(cd, name)(dx, **kw)
    assert y.chunks == dx.chunks and y.dtype == dtype
    r = y.compute()
    assert same_bits(r, getattr(cact, name)(x, **kw))


def test_elementwise_checks_when_built():
    dx = da.zeros((4, 4), chunks=2, dtype=np.float32)
    with pytest.raises(ValueError, match="celu: alpha"):
        cd.celu(dx, alpha=-1.0)
    with pytest.raises(TypeError, match="unsupported dtype"):
        cd.gelu(da.zeros(4, chunks=2, dtype=np.complex64))
    xi = da.arange(-3, 5, chunks=3, dtype=np.int8)          # integers compute in float64, as in cact
    assert cd.gelu(xi).dtype == np.float64
    np.testing.assert_array_equal(cd.gelu(xi).compute(), cact.gelu(np.arange(-3, 5, dtype=np.int8)))
    with pytest.raises(TypeError, match="cact.dask.gelu: out= is not offered"):
        cd.gelu(dx, out=dx)
    np.testing.assert_array_equal(cd.leaky_relu(dx - 1, 0.5).compute(), np.full((4, 4), -0.5, np.float32))


def _rows(dtype, shape, spread, seed):
    return np.random.default_rng(seed).uniform(-spread, spread, shape).astype(dtype)


# (shape, chunks, axis): the axis over 2..9 chunks, uneven, as rows and as columns, 3-d
CASES = [((8, 1000), (3, 300), 1), ((8, 1000), (8, 111), -1), ((1000, 6), (130, 4), 0),
         ((4, 257, 3), (2, 64, 3), 1), ((5, 2), (5, 1), 1)]


@pytest.mark.parametrize("name", SOFT)
@pytest.mark.parametrize("shape,chunks,axis", CASES)
@pytest.mark.parametrize("spread", [1e-6, 10.0, 90.0, 700.0])
def test_soft_across_chunks_within_bound(name, shape, chunks, axis, spread, dtype):
    if dtype == np.float32 and spread > 100:
        spread = 100.0                                   # float32: reaches subnormal results at 100
    x = _rows(dtype, shape, spread, seed=len(shape) + int(spread))
    dx = da.from_array(x, chunks=chunks)
    assert dx.numblocks[axis] > 1
    y = getattr(cd, name)(dx, axis=axis, split_every=2).compute()   # a tree of several levels
    assert y.dtype == dtype and y.shape == x.shape
    err, i = worst_ulp(y, *longdouble_axis_reference(x, name, axis))
    bound = AXIS_ULP[name][0 if dtype == np.float32 else 1]
    assert err <= bound, (err, i)


@pytest.mark.parametrize("name", SOFT)
def test_soft_special_rows_as_in_memory(name, dtype):
    """NaN anywhere, all -inf, -inf blocks in finite rows, +inf entries (one,
    several, in several chunks; softmin's -inf), single entries: the
    in-memory kernel's values (softmax: 1/k exactly; log_softmax: -log(k),
    -0 for one entry at +inf)."""
    x = data((12, 40), dtype)
    inf = np.inf
    x[0, 7] = np.nan
    x[1, :] = -inf
    x[2, :25] = -inf                        # whole chunks of -inf, then finite
    x[3, 3] = inf
    x[4, [1, 15, 33]] = inf                 # +inf in three chunks
    x[5, :] = inf
    x[6, 2] = -inf
    x[6, 30] = -inf                         # softmin's +inf, twice
    x[7, 39] = np.nan
    x[7, 0] = inf                           # NaN beats +inf
    x[8, 10:] = -inf                        # later chunks all -inf
    x[9, :] = 0
    x[10, :] = 1e30 if dtype == np.float64 else 3e38
    dx = da.from_array(x, chunks=(5, 10))
    y = getattr(cd, name)(dx, axis=1).compute()
    r = getattr(cact, name)(x, axis=1)
    top = -inf if name == "softmin" else inf
    limit_rows = (np.isnan(x) | (x == top)).any(axis=1, keepdims=True) | (x == -top).all(axis=1, keepdims=True)
    special = ~np.isfinite(r) | (r == 0) | limit_rows
    assert special[:9].any(axis=1).all()
    # the values, NaN where NaN (log_softmax at a lone +inf among other entries: the in-memory
    # float32 kernel gives -0, float64 and cact.dask +0)
    np.testing.assert_array_equal(np.where(special, y, 0), np.where(special, r, 0))
    err, _ = worst_ulp(y[9:], *longdouble_axis_reference(x[9:], name, 1))
    assert err <= AXIS_ULP[name][0 if dtype == np.float32 else 1]


@pytest.mark.parametrize("name", SOFT)
def test_soft_axis_in_one_chunk_is_the_kernel(name, dtype):
    x = data((9, 30), dtype)
    for chunks, axis in (((4, 30), 1), ((9, 7), 0)):
        y = getattr(cd, name)(da.from_array(x, chunks=chunks), axis=axis)
        assert y.chunks == da.from_array(x, chunks=chunks).chunks
        assert same_bits(y.compute(), getattr(cact, name)(x, axis=axis))


def test_soft_errors():
    dx = da.zeros((4, 6), chunks=2)
    with pytest.raises(np.exceptions.AxisError if hasattr(np, "exceptions") else np.AxisError):
        cd.softmax(dx, axis=2)
    with pytest.raises(TypeError, match="unsupported dtype"):
        cd.softmax(da.zeros((4, 6), chunks=2, dtype=np.complex64))
    xi = np.arange(24, dtype=np.int32).reshape(4, 6) % 5
    y = cd.softmax(da.from_array(xi, chunks=2))             # the axis split: the tree reduction
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.compute(), cact.softmax(xi), rtol=1e-15)
    with pytest.raises(TypeError, match="out= is not offered"):
        cd.log_softmax(dx, out=dx)


def test_maxout_prelu_need_the_axis_whole(dtype):
    x = data((6, 8), dtype)
    dx = da.from_array(x, chunks=(3, 4))
    with pytest.raises(ValueError, match=r"cact.dask.maxout: axis 1 is split into 2 chunks .*x.rechunk\(\{1: -1\}\)"):
        cd.maxout(dx, 2)
    w = np.linspace(-1, 1, 8).astype(dtype)
    with pytest.raises(ValueError, match=r"cact.dask.prelu: axis 1 .*x.rechunk\(\{1: -1\}\)"):
        cd.prelu(dx, w)
    whole = dx.rechunk({1: -1})
    y = cd.maxout(whole, 2)
    assert y.chunks == ((3, 3), (4,))
    assert same_bits(y.compute(), cact.maxout(x, 2))
    assert same_bits(cd.prelu(whole, w).compute(), cact.prelu(x, w))
    assert same_bits(cd.prelu(dx, 0.25).compute(), cact.prelu(x, 0.25))        # one slope: any chunks
    with pytest.raises(ValueError, match="weight has 3 entries"):
        cd.prelu(whole, w[:3])
    with pytest.raises(ValueError, match="not a multiple of pieces"):
        cd.maxout(whole, 3)


def test_cact_imports_without_dask():
    code = ("import sys; sys.modules['dask'] = None; sys.modules['dask.array'] = None\n"
            "import cact, cact.fast\n"
            "assert cact.gelu([1.0]).shape == (1,)\n"
            "try:\n    import cact.dask\nexcept ImportError as e:\n    print(e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env())
    assert r.returncode == 0, r.stderr
    assert "pip install 'cact[dask]'" in r.stdout


@pytest.mark.dask_cluster
@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="the sanitizer run (.ci/sanitize): worker processes would start under the ASan preload")
def test_local_cluster_two_worker_processes():
    """The same calls on a distributed.LocalCluster of 2 worker processes
    (about 5 s here, most of it starting the workers)."""
    distributed = pytest.importorskip("distributed")
    x = _rows(np.float32, (64, 4096), 50.0, seed=5)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  memory_limit="1GiB") as cluster, distributed.Client(cluster) as client:
        dx = da.from_array(x, chunks=(32, 1024))
        p, g = client.compute([cd.softmax(dx, axis=1), cd.gelu(dx, approximate="tanh")], sync=True)
        assert len(client.scheduler_info()["workers"]) == 2
    assert same_bits(g, cact.gelu(x, approximate="tanh"))
    err, _ = worst_ulp(p, *longdouble_axis_reference(x, "softmax", 1))
    assert err <= AXIS_ULP["softmax"][0]


@pytest.mark.parametrize("name", SOFT)
def test_soft_empty_chunks_and_axis(name):
    x = data((4, 12), np.float64)
    dx = da.from_array(x, chunks=(2, 5)).rechunk({1: (5, 0, 4, 3)})
    assert 0 in dx.chunks[1]
    y = getattr(cd, name)(dx, axis=1).compute()
    assert worst_ulp(y, *longdouble_axis_reference(x, name, 1))[0] <= AXIS_ULP[name][1]
    assert getattr(cd, name)(da.zeros((3, 0), chunks=(1, 0)), axis=1).compute().shape == (3, 0)
