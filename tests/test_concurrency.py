"""Threads and the GIL.

- Every public function (elementwise and along an axis, both dtypes) run
  from 8 Python threads at once on their own arrays, small (the GIL kept),
  medium (GIL released) and large (split over cact's thread pool where the
  function's threshold is reached), new result / out= / in place, gives
  exactly the serial results -- with the pool on (set_num_threads(2)) and
  off.
- The GIL is released while a long kernel runs: another Python thread makes
  progress in the middle of the call (and, as a control, does not during a
  C call known to hold the GIL).
(tests/test_threads.py covers the pool itself: bit-identity, thresholds,
fork.)
"""
import math
import threading
import time

import numpy as np
import pytest
from helpers import default_kwargs

import cact
from cact._catalogue import AXIS, ELEMENTWISE

THREADS = 8

# element counts: below the GIL-release threshold, above it, and above the
# thread pool's threshold for compute-bound kernels (2 * grain = 2**15
# elements, tools/generate.py; the bandwidth-bound ones split only from 16 MB,
# which the pool tests of tests/test_threads.py cover)
SIZES = {"linear": (257, 5000, 100_001)}
DEFAULT_SIZES = (257, 5000, 40_001)


def _calls():
    """[(label, f(x, out) -> result, input arrays by dtype)]"""
    rng = np.random.default_rng(5)
    calls = []
    for func in ELEMENTWISE:
        kw = default_kwargs(func)
        f = getattr(cact, func.name)
        for n in SIZES.get(func.family, DEFAULT_SIZES):
            x = rng.uniform(-20, 20, n)
            calls.append((f"{func.name}[{n}]", lambda x, out, f=f, kw=kw: f(x, out=out, **kw), x, True))
    for name, *_ in AXIS:
        f = getattr(cact, name)
        for shape in [(7, 33), (50, 1030), (300, 40, 7)]:
            x = rng.uniform(-20, 20, shape)
            if name == "maxout":
                calls.append((f"maxout{shape}", lambda x, out, f=f: f(x, 1 if x.shape[-1] % 2 else 2, out=out),
                              x, False))
            elif name == "prelu":
                calls.append((f"prelu{shape}", lambda x, out, f=f: f(x, np.linspace(-1, 1, x.shape[1])
                                                                   .astype(x.dtype), out=out), x, True))
            else:
                calls.append((f"{name}{shape}", lambda x, out, f=f: f(x, axis=1, out=out), x, True))
    return calls


CALLS = _calls()


def _same(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("pool", [1, 2])
def test_every_function_from_eight_threads_matches_serial(pool, num_threads):
    num_threads(pool)
    inputs = [(label, call, {dt: x.astype(dt) for dt in (np.float32, np.float64)}, inplace)
              for label, call, x, inplace in CALLS]
    expect = {(label, dt): call(xs[dt], None) for label, call, xs, _ in inputs for dt in xs}
    errors = []
    start = threading.Barrier(THREADS)

    def work(t):
        try:
            order = np.random.default_rng(t).permutation(len(inputs))
            start.wait()
            for i in order:
                label, call, xs, inplace = inputs[i]
                for dt, x in xs.items():
                    ref = expect[label, dt]
                    if not _same(call(x, None), ref):
                        errors.append((t, label, dt.__name__, "new"))
                    out = np.full_like(ref, np.nan)
                    if call(x, out) is not out or not _same(out, ref):
                        errors.append((t, label, dt.__name__, "out"))
                    if inplace:
                        z = x.copy()
                        call(z, z)
                        if not _same(z, ref):
                            errors.append((t, label, dt.__name__, "in place"))
        except Exception as e:  # reported below
            errors.append((t, repr(e)))

    ts = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []


# --- the GIL ------------------------------------------------------------------

def _progress_during(call):
    """Ticks another Python thread made in the middle half of call()."""
    ticks, stop, running = [], threading.Event(), threading.Event()

    def counter():
        i = 0
        running.set()
        while not stop.is_set():
            i += 1
            if i % 50 == 0:
                ticks.append(time.perf_counter())

    th = threading.Thread(target=counter)
    th.start()
    running.wait()
    t0 = time.perf_counter()
    call()
    t1 = time.perf_counter()
    stop.set()
    th.join()
    lo, hi = t0 + (t1 - t0) / 4, t1 - (t1 - t0) / 4
    return sum(lo < t < hi for t in ticks), t1 - t0


def _long(f, make, target=0.15, cap=1 << 25):
    """An input for f large enough that one call takes about `target` s
    (the cap leaves room for fast kernels on the pool: float32 sigmoid on two
    threads does 2^23 elements in ~5 ms, too short for the ticking thread
    to get a core beside both workers)."""
    n = 1 << 16
    while True:
        x = make(n)
        t = time.perf_counter()
        f(x)
        dt = time.perf_counter() - t
        if dt >= target or n >= cap:
            return x
        n = min(cap, max(2 * n, int(n * target / max(dt, 1e-6))))


def test_detector_sees_a_held_gil():
    """Control: during a C call that holds the GIL, no Python thread runs."""
    k = 20_000
    while True:
        t = time.perf_counter()
        math.factorial(k)
        if time.perf_counter() - t > 0.1 or k > 1_000_000:
            break
        k *= 2
    ticks, dt = _progress_during(lambda: math.factorial(k))
    assert ticks == 0, f"{ticks} ticks in {dt:.3f} s"


@pytest.mark.parametrize("case", ["gelu-f64", "sigmoid-f32-pool", "softmax-f64", "log_softmax-f32-axis0"])
def test_gil_is_released_during_a_long_kernel(case, num_threads):
    rng = np.random.default_rng(0)
    if case == "gelu-f64":
        num_threads(1)
        f, make = cact.gelu, lambda n: rng.uniform(-5, 5, n)
    elif case == "sigmoid-f32-pool":
        num_threads(2)
        f, make = cact.sigmoid, lambda n: rng.uniform(-5, 5, n).astype(np.float32)
    elif case == "softmax-f64":
        f, make = cact.softmax, lambda n: rng.uniform(-5, 5, (n // 512, 512))
    else:
        f = lambda x: cact.log_softmax(x, axis=0)
        make = lambda n: rng.uniform(-5, 5, (64, n // 64)).astype(np.float32)
    x = _long(f, make)
    ticks, dt = _progress_during(lambda: f(x))
    assert ticks >= 3, f"another thread ticked {ticks} times during a {dt:.3f} s call on {x.size} elements"
