"""Multi-threaded large-array calls (cact._parallel): the same bits as one
thread (elementwise kernels and the functions along an axis), the thread
count API, thresholds, concurrent callers and fork.  The fixtures
num_threads and grain (conftest.py) set the thread count and force calls
to split, and restore both after each test."""
import multiprocessing
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from helpers import SOFT, run, subprocess_env

import cact
from cact import _parallel
from cact._catalogue import KERNELS
from cact._reference import sample

# Odd, so chunks and the last tail fall at awkward places; with the grain
# forced down (the grain fixture) every kernel splits it into many chunks.
N = 300_007


def big(dtype):
    """N elements: the reference sample (special values, subnormals, tails)
    tiled, then shuffled."""
    x = np.resize(sample(dtype, n_log=2000), N)
    np.random.default_rng(1).shuffle(x)
    return x


@pytest.mark.parametrize("kernel", KERNELS)
def test_threads_give_single_thread_bits(kernel, dtype, num_threads, grain):
    x = big(dtype)
    grain(4096)
    num_threads(1)
    jobs = _parallel._jobs()
    ref = run(kernel, x)
    assert _parallel._jobs() == jobs                   # one thread: the pool is not used
    for n in (2, 3):
        num_threads(n)
        jobs = _parallel._jobs()
        y = run(kernel, x)
        if _parallel.HAVE_THREADS:
            assert _parallel._jobs() == jobs + 1       # the call was split
        np.testing.assert_array_equal(y, ref, err_msg=f"{kernel} on {n} threads")
        z = x.copy()
        run(kernel, z, out=z)                          # in place, split
        np.testing.assert_array_equal(z, ref, err_msg=f"{kernel} in place on {n} threads")


@pytest.mark.skipif(not _parallel.HAVE_THREADS, reason="built without threads")
@pytest.mark.parametrize("name, dtype, threshold", [("sigmoid", np.float32, 1 << 15),
                                                    ("softsign", np.float64, 1 << 15),
                                                    ("leaky_relu", np.float32, 1 << 15),
                                                    ("relu", np.float32, 1 << 22),
                                                    ("relu", np.float64, 1 << 21)])
def test_tuned_thresholds(name, dtype, threshold, num_threads):
    """The generated wrappers split from their tuned size on (tools/generate.py
    GRAIN_COMPUTE, GRAIN_MEMORY_BYTES), not before."""
    num_threads(2)
    f = getattr(cact, name)
    x = np.zeros(threshold, dtype)
    jobs = _parallel._jobs()
    f(x[:threshold - 64], out=x[:threshold - 64])
    assert _parallel._jobs() == jobs
    f(x, out=x)
    assert _parallel._jobs() == jobs + 1


def test_small_calls_do_not_use_the_pool(num_threads):
    num_threads(2)
    x = np.linspace(-5, 5, 4096, dtype=np.float32)
    jobs = _parallel._jobs()
    for f in (cact.relu, cact.sigmoid, cact.tanh):
        f(x)
        f(x, out=x)
    assert _parallel._jobs() == jobs


@pytest.mark.skipif(not _parallel.HAVE_THREADS, reason="built without threads")
def test_threshold_and_thread_count(num_threads):
    num_threads(4)
    grain = 1 << 14
    assert _parallel._for_test(2 * grain - 1, grain) == 1
    assert _parallel._for_test(2 * grain, grain) == 2
    assert _parallel._for_test(3 * grain, grain) == 3
    assert _parallel._for_test(100 * grain, grain) == 4
    num_threads(1)
    assert _parallel._for_test(100 * grain, grain) == 1


def test_set_and_get_num_threads(num_threads):
    num_threads(3)
    assert cact.get_num_threads() == 3
    num_threads(np.int64(1))
    assert cact.get_num_threads() == 1
    num_threads(10 ** 6)
    assert cact.get_num_threads() == _parallel.MAX_THREADS
    for bad in (0, -1):
        with pytest.raises(ValueError):
            cact.set_num_threads(bad)
    for bad in (1.5, "2", None):
        with pytest.raises(TypeError):
            cact.set_num_threads(bad)
    assert cact.get_num_threads() == _parallel.MAX_THREADS   # refused calls change nothing


def _threads_in_subprocess(env_value):
    env = subprocess_env()
    env.pop("CACT_NUM_THREADS", None)
    if env_value is not None:
        env["CACT_NUM_THREADS"] = env_value
    out = subprocess.run([sys.executable, "-W", "always", "-c", "import cact; print(cact.get_num_threads())"],
                         env=env, capture_output=True, text=True, check=True)
    return int(out.stdout), out.stderr


def test_environment_variable_and_default():
    assert _threads_in_subprocess("3") == (3, "")
    n, _ = _threads_in_subprocess(None)
    expect = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert n == expect
    n, err = _threads_in_subprocess("lots")
    assert n == expect and "CACT_NUM_THREADS" in err


def test_concurrent_callers_get_correct_results(num_threads):
    """Several Python threads at once on their own buffers: one owns the
    pool, the others run alone; every result is right."""
    num_threads(2)
    xs = [np.random.default_rng(i).uniform(-8, 8, N).astype(np.float32) for i in range(4)]
    expect = [cact.sigmoid(x) for x in xs]
    errors = []

    def work(i):
        try:
            for _ in range(10):
                y = cact.sigmoid(xs[i])
                if not np.array_equal(y, expect[i]):
                    errors.append(i)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []


def _child(q):
    x = np.linspace(-8, 8, N, dtype=np.float32)
    jobs = _parallel._jobs()
    same = np.array_equal(cact.tanh(x), cact.tanh(x[::-1])[::-1])
    q.put(bool(same) and _parallel._jobs() == jobs + 2)    # both calls split, none hung


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_pool_works_after_fork(num_threads):
    num_threads(2)
    cact.tanh(np.zeros(N, np.float32))            # the parent's workers exist
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(60)
    assert p.exitcode == 0, "child hung or died"
    assert q.get(timeout=5) is True


# --- along an axis ----------------------------------------------------------------

def test_axis_threads_on_distinct_buffers(dtype):
    """The axis kernels run without the GIL on large inputs; concurrent
    calls on distinct buffers give the single-threaded results."""
    xs = [np.random.default_rng(i).uniform(-9, 9, (64, 2000)).astype(dtype) for i in range(4)]
    want = [(cact.softmax(x), cact.log_softmax(x, axis=0)) for x in xs]
    got = [None] * 4

    def work(i):
        for _ in range(5):
            got[i] = (cact.softmax(xs[i]), cact.log_softmax(xs[i], axis=0))
    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for (a, b), (c, d) in zip(got, want):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("op", SOFT)
def test_axis_split_over_threads_gives_single_thread_bits(op, dtype, num_threads, grain):
    """Large calls along an axis are split over the thread pool by whole
    rows of the [outer, len, inner] view: with the grain forced down to a
    row per chunk, 2 and 3 threads give the bits of one, out of place and
    in place, for short rows (done many at once), long rows (chunked), and
    other axes (column tiles); a single block (outer == 1) and small calls
    are never split."""
    f = getattr(cact, op)
    rng = np.random.default_rng(9)
    cases = [((1000, 7), -1, True), ((300, 40), -1, True), ((9, 3000), -1, True),
             ((70, 1100, 3), 1, True), ((5, 40, 300), 1, True), ((3, 2, 500), 0, False),
             ((40, 20), -1, False)]
    for shape, axis, splits in cases:
        x = (rng.uniform(-1, 1, shape) * 60).astype(dtype)
        x.flat[::97] = -np.inf
        x.flat[5::1013] = np.nan
        x.flat[7::2003] = np.inf
        num_threads(1)
        grain(0)
        jobs = _parallel._jobs()
        ref = f(x, axis=axis)
        assert _parallel._jobs() == jobs
        grain(64)
        for n in (2, 3):
            num_threads(n)
            jobs = _parallel._jobs()
            y = f(x, axis=axis)
            if _parallel.HAVE_THREADS:
                assert _parallel._jobs() == jobs + splits, (shape, axis)
            np.testing.assert_array_equal(y, ref, err_msg=f"{op} {shape} axis {axis} on {n} threads")
            z = x.copy()
            f(z, axis=axis, out=z)
            np.testing.assert_array_equal(z, ref, err_msg=f"{op} {shape} in place on {n} threads")
    if _parallel.HAVE_THREADS:          # the tuned grain: 2**15 elements and more split
        grain(0)
        num_threads(2)
        for shape, splits in (((64, 256), False), ((128, 256), True), ((4096, 10), True)):
            jobs = _parallel._jobs()
            f(np.zeros(shape, dtype))
            assert _parallel._jobs() == jobs + splits, shape
