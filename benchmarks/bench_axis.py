#!/usr/bin/env python3
"""softmax, log_softmax, softmin, maxout and prelu along an axis: cact against its peers.

    python benchmarks/bench_axis.py                 # speed table (markdown)
    python benchmarks/bench_axis.py --quick         # fewer repeats
    python benchmarks/bench_axis.py --accuracy      # max ulp error, cact and peers
    python benchmarks/bench_axis.py --threads 2     # cact on 1 thread against 2
    python benchmarks/bench_axis.py --shapes 64x50257,1024x1024 --stat min   # some shapes; min of samples

Speed: for the usual shapes -- (1, 10), (1, 1000), (4096, 10) (many
short rows: classifier heads), (64, 50257) (vocabulary-sized rows),
(1024, 1024) on axis -1 and on axis 0 -- float32 and float64, one thread,
inputs uniform in [-8, 8], it times

  cact          cact.f(x, axis, out=y)        (preallocated output; out=x runs
                the same code, but repeated in place the input would drift to
                a fixed point, which flatters a value-dependent exp)
  fast          cact.fast.f(x, axis, out=y)   (the fast tier, where f has one)
  numpy         the max-subtracted formulation (allocates):
                e = exp(x - max); e / sum(e)  and  d - log(sum(exp(d)))
  scipy         scipy.special.softmax / log_softmax (softmax(-x) for softmin)
  torch         torch.softmax / log_softmax(t, dim, out=o), torch.nn.functional
                .softmin; torch.set_num_threads(1)
  ort           ONNX Runtime's Softmax / LogSoftmax (the catalogue's ort=): a
                one-node model of x's shape, io_binding to x and a preallocated
                y, intra_op_num_threads 1 (cact._bench's machinery)

each peer where importable.  A sample is a timeit loop of at least --min-time
seconds; the implementations of one case are sampled in interleaved rounds
(a noisy neighbour slows them alike) and the median of --repeats samples is
reported as ns per element, with the ratio of cact and of cact.fast to
the fastest peer (< 1: cact is faster) and, per dtype and function, axis 0 over axis -1 at
(1024, 1024): from the tables, and paired (both axes timed back to back in
each round, the median of the per-round ratios).

maxout and prelu (in the default speed run, after the softmax tables)
against numpy (reshape + max; np.where(x >= 0, x, w x) with w broadcast)
and torch (torch.amax over the reshaped view, out=; torch.nn.functional
.prelu, which allocates), on their own shapes: maxout of 2 or 4 pieces
along the last axis and axis 0; prelu per feature of (4096, 1024) and
(1, 1000), and per channel of an NCHW (64, 64, 56, 56).

Accuracy (softmax, log_softmax, softmin): max error in ulps against mpmath (cact._reference.axis_reference)
of cact and the peers over rows of 1000 entries with spreads 1, 30 and 90
(float32) / 700 (float64).
"""
import argparse
import glob
import os
import platform
import subprocess
import sys
import timeit

import numpy as np

if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if glob.glob(os.path.join(root, "cact", "_axis*")):
        sys.path.insert(0, root)          # a source checkout with an in-place build

import cact  # noqa: E402
import cact.fast as cact_fast  # noqa: E402
from cact._catalogue import ALONG_AXIS, AXIS_BY_NAME  # noqa: E402
from cact._numpy_peers import np_log_softmax, np_maxout, np_softmax  # noqa: E402

SHAPES = [((1, 10), -1), ((1, 1000), -1), ((4096, 10), -1), ((64, 50257), -1),
          ((1024, 1024), -1), ((1024, 1024), 0)]
FUNCS = tuple(a.name for a in ALONG_AXIS if a.kind == "rows")
OTHER = tuple(a.name for a in ALONG_AXIS if a.kind != "rows")
# (shape, axis, pieces) for maxout, (shape, channel axis) for prelu
MAXOUT_SHAPES = [((4096, 10), -1, 2), ((1024, 1024), -1, 2), ((1024, 1024), -1, 4), ((1024, 1024), 0, 2)]
PRELU_SHAPES = [((1, 1000), 1), ((4096, 1024), 1), ((64, 64, 56, 56), 1)]
DTYPES = ("float32", "float64")
PEERS = ("numpy", "scipy", "torch", "ort")


def _optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def _peers(func, ns):
    """{column: zero-argument callable} for the catalogue's peers of func
    (numpy, scipy, torch), its expressions evaluated in namespace ns; a peer
    whose module is missing, or whose condition (peer_if) fails, is left out."""
    a = AXIS_BY_NAME[func]
    impls = {}
    for col in ("numpy", "scipy", "torch"):          # ort: ort_impl
        expr = getattr(a, col)
        if expr is None or (col == "scipy" and ns.get("special") is None) or \
                (col == "torch" and ns.get("torch") is None):
            continue
        if col in a.peer_if and not eval(a.peer_if[col], {}, ns):
            continue
        code = compile(expr, f"<{func} {col}>", "eval")
        impls[col] = (lambda code=code: eval(code, ns))
    return impls


def ort_impl(func, x, axis):
    """{"ort": callable} running the catalogue's ONNX Runtime op of func on
    x (io_binding, one intra-op thread), or {} where there is none"""
    from cact._bench import ort_bind, ort_model_session
    o = AXIS_BY_NAME[func].ort
    if o is None:
        return {}
    attrs = eval(f"dict({o.attrs})", {}, {"axis": axis})
    sess = ort_model_session(func, o.op, attrs, (), o.domain, o.opset, str(x.dtype), 1, x.shape)
    y = np.empty_like(x)
    io = ort_bind(sess, x, y)
    # the binding holds raw pointers: the callable keeps x and y alive
    return {} if io is None else {"ort": lambda x=x, y=y: sess.run_with_iobinding(io)}


def implementations(func, x, axis):
    """{column: zero-argument callable returning the result}"""
    y = np.empty_like(x)
    f = getattr(cact, func)
    impls = {"cact": lambda: f(x, axis, out=y)}
    if AXIS_BY_NAME[func].fast:
        ff = getattr(cact_fast, func)
        impls["fast"] = lambda: ff(x, axis, out=y)
    special = _optional("scipy.special") and sys.modules.get("scipy.special")
    torch = _optional("torch")
    ns = {"np": np, "np_softmax": np_softmax, "np_log_softmax": np_log_softmax, "x": x, "axis": axis,
          "special": special, "torch": torch}
    if torch is not None:
        t = torch.from_numpy(x)
        ns.update(t=t, o=torch.empty_like(t), dim=axis % x.ndim)
    impls.update(_peers(func, ns))
    impls.update(ort_impl(func, x, axis))
    return impls


def other_implementations(func, x, case):
    """maxout / prelu: {column: zero-argument callable}"""
    impls = {}
    torch = _optional("torch")
    ns = {"np": np, "np_maxout": np_maxout, "x": x, "torch": torch}
    if func == "maxout":
        _, axis, p = case
        a = axis % x.ndim
        y = np.empty(x.shape[:a] + (x.shape[a] // p,) + x.shape[a + 1:], x.dtype)
        impls["cact"] = lambda: cact.maxout(x, p, axis, out=y)
        ns.update(pieces=p, axis=axis, a=a)
        if torch is not None:
            ns.update(tv=torch.from_numpy(x).unflatten(a, (x.shape[a] // p, p)),
                      o=torch.from_numpy(np.empty_like(y)))
    else:
        _, axis = case
        w = np.linspace(-0.5, 0.5, x.shape[axis]).astype(x.dtype)
        y = np.empty_like(x)
        impls["cact"] = lambda: cact.prelu(x, w, axis, out=y)
        ns.update(w=w, wb=w.reshape((-1,) + (1,) * (x.ndim - axis - 1)), axis=axis)
        if torch is not None:
            ns.update(t=torch.from_numpy(x), tw=torch.from_numpy(w))
    impls.update(_peers(func, ns))
    return impls


def speed_other(args, rng):
    """the maxout and prelu tables"""
    for func in (f for f in args.funcs if f in OTHER):
        mo = func == "maxout"
        for dt in args.dtypes:
            print(f"\n## {func}, {dt}\n")
            print("| shape | axis | " + ("pieces | " if mo else "") + "cact | numpy | torch | cact / best peer |")
            print("|---|---|" + ("---|" if mo else "") + "---|---|---|---|")
            for case in (MAXOUT_SHAPES if mo else PRELU_SHAPES):
                x = rng.uniform(-8, 8, case[0]).astype(dt)
                t = time_case(other_implementations(func, x, case), args.repeats, args.min_time)
                best = min(v for k, v in t.items() if k != "cact")
                cells = [f"{t[c] / x.size * 1e9:.3g}" if c in t else "-" for c in ("cact", "numpy", "torch")]
                print(f"| {case[0]} | {case[1]} | " + (f"{case[2]} | " if mo else "") + " | ".join(cells) +
                      f" | {t['cact'] / best:.2f} |")
                sys.stdout.flush()


STAT = {"median": np.median, "min": np.min}


def time_case(impls, repeats, min_time, stat="median"):
    loops = {}
    for name, fn in impls.items():
        fn()                                                   # warm up
        n, t = 1, 0.0
        while True:
            t = timeit.timeit(fn, number=n)
            if t >= min_time:
                break
            n = max(2 * n, int(n * 1.2 * min_time / max(t, 1e-9)))
        loops[name] = n
    samples = {name: [] for name in impls}
    for _ in range(repeats):                                   # interleaved rounds
        for name, fn in impls.items():
            samples[name].append(timeit.timeit(fn, number=loops[name]) / loops[name])
    return {name: float(STAT[stat](v)) for name, v in samples.items()}


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc = "unknown compiler"
    return f"{cpu}, {os.cpu_count()} cores; {cc}; cact kernels at {cact.isa_level()}"


def versions():
    out = [f"numpy {np.__version__}"]
    for name in ("scipy", "torch", "onnxruntime"):
        mod = _optional(name)
        if mod is not None:
            out.append(f"{name} {mod.__version__}")
    return ", ".join(out)


def speed(args):
    torch = _optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
    cact.set_num_threads(1) if hasattr(cact, "set_num_threads") else None
    _optional("scipy.special")
    rng = np.random.default_rng(0)
    print(f"# cact axis functions: ns per element ({args.stat} of {args.repeats}), one thread\n")
    print(f"{machine()}; {versions()}\n")
    cols = ["cact", "fast"] + [p for p in PEERS]
    axis_ratio = {}
    for dt in args.dtypes:
        for func in (f for f in args.funcs if f in FUNCS):
            print(f"\n## {func}, {dt}\n")
            print("| shape | axis | " + " | ".join(cols) + " | cact / best peer | fast / best peer |")
            print("|---|---|" + "---|" * (len(cols) + 2))
            for shape, axis in SHAPES:
                if args.shapes and "x".join(map(str, shape)) not in args.shapes:
                    continue
                x = rng.uniform(-8, 8, shape).astype(dt)
                impls = implementations(func, x, axis)
                t = time_case(impls, args.repeats, args.min_time, args.stat)
                n = x.size
                peers = {k: v for k, v in t.items() if k in PEERS}
                best = min(peers.values()) if peers else float("nan")
                mine = t["cact"]
                cells = [f"{t[c] / n * 1e9:.3g}" if c in t else "-" for c in cols]
                fast = f"{t['fast'] / best:.2f}" if "fast" in t else "-"
                print(f"| {shape} | {axis} | " + " | ".join(cells) + f" | {mine / best:.2f} | {fast} |")
                if shape == (1024, 1024):
                    axis_ratio.setdefault((dt, func), {})[axis] = t["cact"]
                sys.stdout.flush()
    speed_other(args, rng)
    if not axis_ratio:
        return
    print("\n## axis 0 over axis -1, (1024, 1024), cact out=\n")
    print("From the tables (medians of two cases timed at different moments), then paired: both axes "
          "timed in the same rounds, the ratio taken per round (median and quartiles of "
          f"{3 * args.repeats} rounds), which a shared machine's slow phases disturb less.\n")
    for (dt, func), r in axis_ratio.items():
        if 0 in r and -1 in r:
            x = rng.uniform(-8, 8, (1024, 1024)).astype(dt)
            q = paired_ratio(getattr(cact, func), x, 3 * args.repeats, args.min_time)
            print(f"- {func} {dt}: {r[0] / r[-1]:.2f} from the tables; paired {q[1]:.2f} "
                  f"(quartiles {q[0]:.2f}-{q[2]:.2f})")
            sys.stdout.flush()


def paired_ratio(f, x, rounds, min_time):
    """quartiles of time(f(x, axis 0)) / time(f(x, axis -1)), each round
    timing both axes back to back, in alternating order"""
    y = np.empty_like(x)
    calls = {a: (lambda a=a: f(x, a, out=y)) for a in (-1, 0)}
    for fn in calls.values():
        fn()                                                    # warm up
    n = max(1, int(min_time / max(timeit.timeit(calls[0], number=1), 1e-7)))
    ratios = []
    for k in range(rounds):
        t = {}
        for a in ((-1, 0) if k % 2 == 0 else (0, -1)):
            t[a] = timeit.timeit(calls[a], number=n)
        ratios.append(t[0] / t[-1])
    return tuple(float(v) for v in np.percentile(ratios, (25, 50, 75)))


SWEEP = {"float32": (1e-6, 1.0, 20.0, 60.0, 110.0, 1e4, 1e30),
         "float64": (1e-12, 1.0, 30.0, 350.0, 745.0, 1e5, 1e30)}


def fast_rule(err, y, hi, lo):
    """err with the fast tier's float32 rule where the exact value hi + lo
    is subnormal (below 2**-126): there |y - exact| in units of 2**-126"""
    if y.dtype != np.float32:
        return err
    sub = np.abs(hi) < 2.0 ** -126
    d = np.abs(y.astype(np.float64) - hi - lo) / 2.0 ** -126
    return np.where(sub, np.minimum(err, d), err)


def sweep(func, dt, reference, ulp_error, module=cact):
    """the max error of `module`'s func (cact or cact.fast; the fast tier's
    rule for subnormal float32 results) over rows of 1, 2, 3, 10, 1000 and
    65536 entries (the last drawn from 3000 distinct values), every spread
    of SWEEP, as rows (axis -1) and as columns (axis 0) of a block of 64
    columns (the rows repeated: float64 softmax takes its reference-max
    kernel there)"""
    rng = np.random.default_rng(2)
    worst = (0.0, None)
    for n in (1, 2, 3, 10, 1000, 65536):
        for spread in SWEEP[dt]:
            if n == 65536:
                pool = rng.uniform(-1, 1, 3000) * spread
                x = pool[rng.integers(0, 3000, (2, n))].astype(dt)
            else:
                x = (rng.uniform(-1, 1, (4, n)) * spread).astype(dt)
            ref = reference(x, func)
            f = getattr(module, func)
            k = -(-64 // len(x))
            cols = f(np.ascontiguousarray(np.tile(x.T, (1, k))), axis=0).T
            for axis, y, r in ((-1, f(x), ref), (0, cols, [np.tile(h, (k, 1)) for h in ref])):
                e = ulp_error(y, *r)
                if module is not cact:
                    e = fast_rule(e, y, *r)
                e = float(e.max())
                if e > worst[0]:
                    worst = (e, f"n={n}, spread={spread:g}, axis={axis}")
    return worst


def accuracy(args):
    from cact._reference import axis_reference, ulp_error
    torch = _optional("torch")
    special = _optional("scipy.special") and sys.modules.get("scipy.special")
    print("# cact's max error in ulps against mpmath, rows of 1, 2, 3, 10, 1000, 65536 entries\n")
    print(f"spreads {SWEEP}, as rows and as columns; cact.fast: float32 results below 2**-126 "
          "measured in units of 2**-126 (the fast tier's rule)\n")
    print("| function | dtype | cact max ulp | where | cact.fast max ulp | where |")
    print("|---|---|---|---|---|---|")
    refs = {}

    def reference(x, func):                 # both tiers' sweeps draw the same rows
        key = (func, x.dtype.str, x.shape, x.tobytes())
        if key not in refs:
            refs[key] = axis_reference(x, func)
        return refs[key]

    for func in (f for f in args.funcs if f in FUNCS):
        for dt in args.dtypes:
            refs.clear()
            e, where = sweep(func, dt, reference, ulp_error)
            cells = [f"{e:.3g}", where]
            if AXIS_BY_NAME[func].fast:
                cells += [f"{v:.3g}" if isinstance(v, float) else str(v)
                          for v in sweep(func, dt, reference, ulp_error, cact_fast)]
            else:
                cells += ["-", "-"]
            print(f"| {func} | {dt} | " + " | ".join(cells) + " |")
            sys.stdout.flush()
    rng = np.random.default_rng(1)
    print("\n# max error in ulps against mpmath, cact and peers, rows of 1000 entries (4 rows per spread)\n")
    print("| function | dtype | spread | cact | cact.fast | numpy | scipy | torch |")
    print("|---|---|---|---|---|---|---|---|")
    for func in ("softmax", "log_softmax"):
        for dt, spreads in (("float32", (1.0, 30.0, 90.0)), ("float64", (1.0, 30.0, 700.0))):
            for spread in spreads:
                x = (rng.uniform(-1, 1, (4, 1000)) * spread).astype(dt)
                ref = axis_reference(x, func)
                res = {"cact": getattr(cact, func)(x), "cact.fast": getattr(cact_fast, func)(x),
                       "numpy": (np_softmax if func == "softmax" else np_log_softmax)(x, -1)}
                if special is not None:
                    res["scipy"] = getattr(special, func)(x, axis=-1)
                if torch is not None:
                    res["torch"] = getattr(torch, func)(torch.from_numpy(x), -1).numpy()
                cells = [f"{ulp_error(res[k], *ref).max():.3g}" if k in res else "-"
                         for k in ("cact", "cact.fast", "numpy", "scipy", "torch")]
                print(f"| {func} | {dt} | {spread:g} | " + " | ".join(cells) + " |")


def threads(args):
    """cact alone, one thread against args.threads, on the speed shapes
    (the pool splits a call by whole rows of the [outer, len, inner] view;
    axis 0 of a 2-d array is one block and is never split).  Rounds of the
    two settings are interleaved; a probe of how many cores the process
    gets (cact._parallel._probe: 2.0 on an idle 2-core machine) is printed
    before and after."""
    from cact import _parallel
    rng = np.random.default_rng(0)
    nt = args.threads
    saved = cact.get_num_threads()
    probe = lambda: float(np.median([_parallel._probe(nt) for _ in range(5)]))
    print(f"# cact axis functions: 1 thread against {nt}, ns per element (median of {args.repeats})\n")
    print(f"{machine()}\n\nparallelism probe before: {probe():.2f}x\n")
    print(f"| function | dtype | shape | axis | 1 thread | {nt} threads | speed-up |")
    print("|---|---|---|---|---|---|---|")
    try:
        for dt in args.dtypes:
            for func in (f for f in args.funcs if f in FUNCS):
                f = getattr(cact, func)
                for shape, axis in SHAPES:
                    x = rng.uniform(-8, 8, shape).astype(dt)
                    y = np.empty_like(x)
                    samples = {1: [], nt: []}
                    loops = None
                    for _ in range(args.repeats):
                        for n in (1, nt):
                            cact.set_num_threads(n)
                            f(x, axis, out=y)
                            if loops is None:
                                once = timeit.timeit(lambda: f(x, axis, out=y), number=1)
                                loops = max(1, int(args.min_time / max(once, 1e-7)))
                            samples[n].append(timeit.timeit(lambda: f(x, axis, out=y), number=loops) / loops)
                    t1, tn = (float(np.median(samples[n])) / x.size * 1e9 for n in (1, nt))
                    print(f"| {func} | {dt} | {shape} | {axis} | {t1:.3g} | {tn:.3g} | {t1 / tn:.2f} |")
                    sys.stdout.flush()
    finally:
        cact.set_num_threads(saved)
    print(f"\nparallelism probe after: {probe():.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accuracy", action="store_true", help="max ulp errors instead of speed")
    ap.add_argument("--threads", type=int, default=0, metavar="N",
                    help="cact on 1 thread against N (no peers)")
    ap.add_argument("--quick", action="store_true", help="3 repeats, shorter samples")
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--min-time", type=float, default=0.02, help="seconds per sample")
    ap.add_argument("--funcs", default=",".join(FUNCS + OTHER),
                    help="comma-separated (maxout and prelu: speed only)")
    ap.add_argument("--dtypes", default=",".join(DTYPES))
    ap.add_argument("--shapes", default="",
                    help="comma-separated shapes of the speed tables to run, e.g. 64x50257,1024x1024 (default all)")
    ap.add_argument("--stat", choices=sorted(STAT), default="median",
                    help="per implementation, the median or the min of its samples (min: on a loaded machine, "
                         "the least disturbed sample)")
    args = ap.parse_args()
    args.shapes = [s for s in args.shapes.split(",") if s]
    args.funcs = args.funcs.split(",")
    args.dtypes = args.dtypes.split(",")
    if args.quick:
        args.repeats, args.min_time = 3, 0.01
    if args.threads:
        threads(args)
    else:
        accuracy(args) if args.accuracy else speed(args)


if __name__ == "__main__":
    main()
