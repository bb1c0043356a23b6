"""python -m cact: the catalogue, with accuracy and speed measured now.

For every function and dtype: the max error in ulps over a built-in sample
(elementwise: cact._reference.sample, with special values, subnormals,
log-uniform magnitudes and tails; along an axis: rows of a few shapes and
spreads) against mpmath, the worst input, and the time per element of cact
(out of place) next to the natural numpy formulation of the same function.
The two are timed in alternating rounds; the speed-up is the median of the
per-round ratios, marked `~` where the rounds disagree by more than 30%
(a busy machine: run it again, or with more --repeats).

    python -m cact                 # the whole table
    python -m cact -f gelu,softmax # some functions only
    python -m cact --quick         # fewer rounds
    python -m cact bench ...       # the full benchmark against numpy, SciPy, PyTorch and
                                   # ONNX Runtime (python -m cact bench --help)
    python -m cact bench --grad    # the backward kernels against PyTorch's backward ops
"""
import argparse
import math
import platform
import sys
import time

import numpy as np

import cact
from cact._catalogue import ALONG_AXIS, ELEMENTWISE, call_args
from cact._numpy_peers import np_log_softmax, np_maxout, np_softmax
from cact._progress import Progress, add_progress_args

WIDE = 1.3      # max/min of the per-round ratios above which a row is marked


def _erf_impl():
    try:
        from scipy.special import erf
        return erf, ""
    except ImportError:
        return np.frompyfunc(math.erf, 1, 1), " (math.erf: no scipy)"


def _calibrate(fn):
    """Calls per sample so that a sample takes >= 2 ms."""
    fn()
    number = 1
    while True:
        t = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - t > 2e-3 or number > 1 << 20:
            return number
        number *= 4


def paired(fa, fb, rounds):
    """fa and fb timed in alternating rounds: (median seconds per call of
    each, median of the per-round ratios b/a, max/min of those ratios)."""
    na, nb = _calibrate(fa), _calibrate(fb)
    ta, tb = [], []
    for _ in range(rounds):
        for fn, n, out in ((fa, na, ta), (fb, nb, tb)):
            t = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - t) / n)
    ratios = [b / a for a, b in zip(ta, tb)]
    return float(np.median(ta)), float(np.median(tb)), float(np.median(ratios)), max(ratios) / min(ratios)


def parse(argv):
    p = argparse.ArgumentParser(
        prog="python -m cact",
        description="cact's catalogue with its accuracy (max ulp against mpmath) and speed (ns per "
                    "element against numpy) measured on this machine now.  "
                    "'python -m cact bench --help': the full benchmark.")
    names = [f.name for f in ELEMENTWISE] + [a.name for a in ALONG_AXIS]
    p.add_argument("-f", "--functions", default="",
                   help="comma-separated function names (default: all): " + ", ".join(names))
    p.add_argument("--dtypes", default="float32,float64", help="comma-separated (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="3 timing rounds instead of 7")
    p.add_argument("--repeats", type=int, default=None, help="timing rounds (median of the per-round ratios)")
    add_progress_args(p)
    a = p.parse_args(argv)
    a.functions = [s for s in a.functions.split(",") if s]
    unknown = sorted(set(a.functions) - set(names))
    if unknown:
        p.error(f"unknown function(s): {', '.join(unknown)}; choose from {', '.join(names)}")
    a.dtypes = [s for s in a.dtypes.split(",") if s]
    bad = sorted(set(a.dtypes) - {"float32", "float64"})
    if bad:
        p.error(f"unknown dtype(s): {', '.join(bad)}; choose from float32, float64")
    if a.repeats is None:
        a.repeats = 3 if a.quick else 7
    if a.repeats < 1:
        p.error("--repeats must be >= 1")
    return a


def _axis_sample(a, dt, rng):
    """(x, call args) of a few rows covering the working range, for accuracy."""
    if a.kind == "rows":
        x = np.concatenate([rng.normal(scale=s, size=(4, 257)) for s in (1.0, 8.0, 40.0)]).astype(dt)
        return x, (-1,)
    if a.kind == "pieces":
        return rng.normal(size=(16, 256)).astype(dt), (4, -1)
    return rng.normal(size=(16, 8, 33)).astype(dt), (rng.uniform(-1, 1, 8).astype(dt), 1)


def _axis_error(a, x, args, y):
    """max ulp error of y and the worst entry of x"""
    from cact._reference import axis_reference, ulp_error
    if a.kind == "rows":
        hi, lo = axis_reference(x, a.name)
    elif a.kind == "pieces":
        hi, lo = np_maxout(x.astype(np.float64), args[0], args[1]), np.zeros(y.shape)
    else:
        w = np.asarray(args[0], dtype=np.longdouble).reshape(-1, 1)
        p = np.where(x >= 0, x.astype(np.longdouble), w * x.astype(np.longdouble))
        hi = p.astype(np.float64)
        lo = (p - hi).astype(np.longdouble)
    err = ulp_error(y.ravel(), np.ravel(hi), np.ravel(lo))
    i = int(np.argmax(err))
    xi = x.ravel()[i] if a.kind != "pieces" else x.reshape(-1, args[0]).max(axis=1)[i]
    return float(err[i]), float(xi)


def rows(args):
    """(label, dtype, measure) for every selected row; measure() returns
    (max ulp or None, worst x or None, cact s, numpy s, ratio, spread, n)."""
    chosen = set(args.functions) or None
    n = 1 << 16
    erf, _ = _erf_impl()
    rng = np.random.default_rng(0)
    try:
        import mpmath  # noqa: F401

        from cact._reference import reference, sample, ulp_error
        have_ref = True
    except ImportError:
        have_ref = False
    out = []
    for f in ELEMENTWISE:
        if chosen and f.name not in chosen:
            continue
        for k in f.kernels:
            name, kw = call_args(k)
            label = f"{name}({f.select[0]}={kw[f.select[0]]!r})" if f.select else name
            for dt in args.dtypes:
                def measure(f=f, k=k, kw=kw, dt=dt, fn=getattr(cact, name)):
                    acc = worst = None
                    if have_ref:
                        xs = sample(dt)
                        err = ulp_error(fn(xs, **kw), *reference(k, xs))
                        i = int(np.argmax(err))
                        acc, worst = float(err[i]), float(xs[i])
                    x = rng.uniform(-8, 8, n).astype(dt)
                    y = np.empty_like(x)
                    ns = {"np": np, "x": x, "_erf": erf, **{a: v for a, v in kw.items() if not isinstance(v, str)}}
                    code = compile(f.numpy[k], f"<{k} numpy>", "eval")

                    def peer():
                        with np.errstate(all="ignore"):
                            eval(code, ns)
                    return (acc, worst) + paired(lambda: fn(x, out=y, **kw), peer, args.repeats) + (n,)
                out.append((label, dt, measure))
    for a in ALONG_AXIS:
        if chosen and a.name not in chosen:
            continue
        for dt in args.dtypes:
            def measure(a=a, dt=dt, fn=getattr(cact, a.name)):
                acc = worst = None
                x0, cargs = _axis_sample(a, dt, rng)
                if have_ref:
                    acc, worst = _axis_error(a, x0, cargs, fn(x0, *cargs))
                x = rng.uniform(-8, 8, (64, 1024)).astype(dt)
                if a.kind == "rows":
                    call = (-1,)
                elif a.kind == "pieces":
                    call = (4, -1)
                else:
                    call = (rng.uniform(-1, 1, 1024).astype(dt), -1)
                y = np.empty((64, 256) if a.kind == "pieces" else x.shape, dtype=dt)
                ns = {"np": np, "np_softmax": np_softmax, "np_log_softmax": np_log_softmax,
                      "np_maxout": np_maxout, "x": x, "axis": -1, "pieces": 4,
                      "wb": call[0] if a.kind == "weight" else None}
                code = compile(a.numpy, f"<{a.name} numpy>", "eval")
                return (acc, worst) + paired(lambda: fn(x, *call, out=y), lambda: eval(code, ns),
                                             args.repeats) + (x.size,)
            label = {"rows": f"{a.name}(rows=1024)", "pieces": f"{a.name}(pieces=4)",
                     "weight": f"{a.name}(channels=1024)"}[a.kind]
            out.append((label, dt, measure))
    return out, have_ref


def main(argv):
    if argv[:1] == ["bench"] and "--grad" in argv:
        from cact._bench_grad import main as bench_grad  # the backward kernels vs PyTorch's
        return bench_grad(argv[1:])
    if argv[:1] == ["bench"]:
        from cact._bench import main as bench
        return bench(argv[1:])
    args = parse(argv)
    todo, have_ref = rows(args)
    print(f"cact {cact.__version__}: kernels at {cact.isa_level()}; numpy {np.__version__}; "
          f"Python {platform.python_version()}; {platform.machine()}")
    print(f"accuracy: max error in ulps of the dtype over a built-in sample "
          f"({'mpmath reference' if have_ref else 'SKIPPED: pip install mpmath'}); "
          f"speed: ns/element (elementwise 2**16 elements, along an axis (64, 1024)), one thread, "
          f"{args.repeats} alternating rounds; speed-up = median of numpy/cact per round, "
          f"'~' where the rounds spread more than {WIDE}x\n", flush=True)
    head = f"{'function':<30}{'dtype':<9}{'max ulp':>9}  {'worst x':<13}{'cact ns':>9}{'numpy ns':>10}{'speed-up':>10}"
    print(head)
    print("-" * len(head), flush=True)
    wide = 0
    bar = Progress(len(todo), quiet=args.quiet, force=args.progress)
    for label, dt, measure in todo:
        bar.step(f"{label} {dt}")
        acc, worst, t_cact, t_np, ratio, spread, n = measure()
        bar.clear()
        mark = " ~" if spread > WIDE else ""
        wide += bool(mark)
        acc_s = f"{acc:.3g}" if acc is not None else "-"
        worst_s = f"{worst:.6g}" if worst is not None else "-"
        print(f"{label:<30}{dt:<9}{acc_s:>9}  {worst_s:<13}{t_cact / n * 1e9:>9.3f}{t_np / n * 1e9:>10.3f}"
              f"{ratio:>9.2f}x{mark}", flush=True)
    if wide:
        print(f"\n~ {wide} row(s) whose rounds disagree by more than {WIDE}x: the machine was busy; "
              f"run again or raise --repeats.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
