"""No leaks: every public function called 10^5 times (CACT_LEAK_CALLS),
cycling through its success paths (new result, in place, out=, strided and
list inputs, the GIL-free path) and every error path (bad dtype, bad out,
bad parameters, bad axis...), both dtypes (tests/api_cases.py).  Memory must
not grow: tracemalloc (Python objects and numpy's buffers) and the resident
set size (C allocations), and the reference counts of the arguments must be
unchanged (a leaked reference to a reused array would not show as memory).
Under AddressSanitizer (.ci/sanitize) the resident set is not measured: its
allocator holds freed memory in quarantine.
"""
import gc
import os
import sys
import tracemalloc

import numpy as np
import pytest
from api_cases import PUBLIC, cases

import cact
from cact import _parallel

CALLS = int(os.environ.get("CACT_LEAK_CALLS", "100000"))
TRACED_SLACK = 64 * 1024        # bytes: < 1 byte per call over 10^5 calls
RSS_SLACK = 4 * 1024 * 1024


def _asan_loaded():
    """AddressSanitizer's runtime is in this process (.ci/sanitize): its
    allocator quarantines freed memory, so the resident set grows anyway."""
    try:
        with open("/proc/self/maps") as fh:
            return "libasan" in fh.read()
    except OSError:
        return False


ASAN = _asan_loaded()


def rss():
    """Resident set size in bytes (Linux; None elsewhere and under ASan)."""
    if ASAN:
        return None
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def run(cs, n):
    k = len(cs)
    for i in range(n):
        label, thunk, exc = cs[i % k]
        if exc is None:
            thunk()
        else:
            try:
                thunk()
            except exc:
                pass
            else:
                raise AssertionError(f"{label}: no {exc.__name__}")


def watched(cs):
    """The arrays and containers the calls reuse (their reference counts)."""
    seen = {}
    for _, thunk, _ in cs:
        for cell in thunk.__closure__ or ():
            v = cell.cell_contents
            items = list(v.values()) if isinstance(v, dict) else [v]
            for obj in [v] + items:
                if isinstance(obj, (np.ndarray, dict, list)):
                    seen[id(obj)] = obj
    return list(seen.values())


@pytest.mark.parametrize("name", PUBLIC)
def test_no_leaks(name):
    cs = cases(name, np.float32) + cases(name, np.float64)
    for label, thunk, exc in cs:                       # each case does what it declares
        if exc is None:
            thunk()
        else:
            with pytest.raises(exc):
                thunk()
    run(cs, 2000)                                      # warm caches and free lists
    objs = watched(cs)
    gc.collect()
    refs = [sys.getrefcount(o) for o in objs]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        rss0 = rss()
        run(cs, CALLS)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        rss1 = rss()
    finally:
        tracemalloc.stop()
    assert grown < TRACED_SLACK, f"{name}: {grown} bytes still allocated after {CALLS} calls"
    if rss0 is not None:
        assert rss1 - rss0 < RSS_SLACK, f"{name}: resident set grew by {(rss1 - rss0) >> 10} KiB"
    after = [sys.getrefcount(o) for o in objs]
    assert after == refs, f"{name}: reference counts changed {refs} -> {after}"


def test_no_leaks_on_the_thread_pool():
    """Large calls split over threads (and the pool started and joined by
    set_num_threads changes) keep memory flat."""
    saved = cact.get_num_threads()
    x = np.random.default_rng(0).uniform(-8, 8, 600_000).astype(np.float32)
    y = np.empty_like(x)
    try:
        cact.set_num_threads(2)
        for _ in range(20):
            cact.sigmoid(x, out=y)
        rss0 = rss()
        jobs = _parallel._jobs()
        for i in range(300):
            cact.set_num_threads(2 + i % 2)
            cact.sigmoid(x, out=y)
            cact.relu(x)
        if _parallel.HAVE_THREADS:
            assert _parallel._jobs() > jobs          # the pool did the work
        rss1 = rss()
    finally:
        cact.set_num_threads(saved)
    if rss0 is not None:
        assert rss1 - rss0 < RSS_SLACK, f"resident set grew by {(rss1 - rss0) >> 10} KiB"
