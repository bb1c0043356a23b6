"""cact.dask.softmax on a distributed.LocalCluster: time and peak memory per
worker, on 1 and on 2 worker processes (one thread each, cact's own pool at
one thread, so that the workers are the only parallelism).

    python benchmarks/bench_dask.py                       # (2^16, 2^14) float32, 4 GiB, chunks of 256 MiB
    python benchmarks/bench_dask.py --rows 16384          # 1 GiB: a smaller machine

The array is made on the workers (dask.array.random) and persisted before
the clock starts; each run computes the row sums of softmax(x) (every one is
1: a check, and the result stays small), so the time is that of reading x,
softmax and the sum.  Two chunkings of the same byte size: whole rows (the
axis in one chunk: map_blocks with the in-memory kernel) and rows split in
two (the tree reduction, then the map).  Peak memory: each worker's peak
resident set during the runs (VmHWM, reset once x is in memory) beside the
resident set it held before them (its share of x).  The median of --repeat runs.
"""
import argparse
import resource
import statistics
import time

import numpy as np


def _peak_rss_mib():
    """This process's peak resident set: VmHWM (Linux; reset by _reset_peak)
    or else ru_maxrss (which a process keeps across exec from its parent)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak():
    """Start the peak resident set afresh (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _rss_mib():
    import psutil
    return psutil.Process().memory_info().rss / 2**20


def _one_thread():
    import cact
    cact.set_num_threads(1)
    return cact.get_num_threads()


def run(workers, rows, cols, chunk_rows, chunk_cols, repeat):
    import dask.array as da
    import distributed

    import cact.dask as cd
    limit = f"{max(4, 2 * rows * cols * 4 // workers // 2**30 + 3)}GiB"
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", memory_limit=limit) as cluster, \
            distributed.Client(cluster) as client:
        client.run(_one_thread)
        rng = da.random.default_rng(0)
        x = (rng.standard_normal((rows, cols), chunks=(chunk_rows, chunk_cols), dtype=np.float32) * 4)
        x = client.persist(x)
        distributed.wait(x)
        before = client.run(_rss_mib)
        client.run(_reset_peak)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            s = cd.softmax(x, axis=-1).sum(axis=-1, dtype=np.float64).compute()
            times.append(time.perf_counter() - t0)
            assert np.allclose(s, 1.0, atol=1e-4), s[:4]
        peak = client.run(_peak_rss_mib)
    return statistics.median(times), times, before, peak


def in_memory(rows, cols, repeat):
    """The same work without dask: cact.softmax on the whole array in this
    process (one thread), then the row sums."""
    import cact
    cact.set_num_threads(1)
    x = np.random.default_rng(0).standard_normal((rows, cols), dtype=np.float32) * 4
    y = np.empty_like(x)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        s = cact.softmax(x, axis=-1, out=y).sum(axis=-1, dtype=np.float64)
        times.append(time.perf_counter() - t0)
        assert np.allclose(s, 1.0, atol=1e-4)
    return statistics.median(times), times, _peak_rss_mib()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2**16)
    ap.add_argument("--cols", type=int, default=2**14)
    ap.add_argument("--chunk-mib", type=int, default=256)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--in-memory", action="store_true", help="first, the same work without dask (a baseline)")
    a = ap.parse_args()
    elems = a.chunk_mib * 2**20 // 4
    layouts = [("whole rows (axis in one chunk)", max(1, elems // a.cols), a.cols),
               ("rows in two chunks (tree reduction)", max(1, elems // (a.cols // 2)), a.cols // 2)]
    print(f"softmax of ({a.rows}, {a.cols}) float32 ({a.rows * a.cols * 4 / 2**30:.2f} GiB), "
          f"chunks of {a.chunk_mib} MiB, median of {a.repeat}\n")
    print("| chunks | workers | time (s) | GB/s read | runs (s) | RSS before, per worker (MiB) | "
          "peak RSS, per worker (MiB) |")
    print("|---|---|---|---|---|---|---|")
    if a.in_memory:
        med, times, peak = in_memory(a.rows, a.cols, a.repeat)
        print(f"| no dask: cact.softmax on the whole array, one process | - | {med:.2f} | "
              f"{a.rows * a.cols * 4 / med / 1e9:.2f} | {', '.join(f'{t:.2f}' for t in times)} | - | "
              f"{peak:.0f} (this process) |", flush=True)
    for label, cr, cc in layouts:
        for w in [int(v) for v in a.workers.split(",")]:
            med, times, before, peak = run(w, a.rows, a.cols, min(cr, a.rows), cc, a.repeat)
            gbs = a.rows * a.cols * 4 / med / 1e9
            print(f"| {label} ({min(cr, a.rows)}, {cc}) | {w} | {med:.2f} | {gbs:.2f} | "
                  f"{', '.join(f'{t:.2f}' for t in times)} | {', '.join(f'{v:.0f}' for v in before.values())} | "
                  f"{', '.join(f'{v:.0f}' for v in peak.values())} |", flush=True)


if __name__ == "__main__":
    main()
