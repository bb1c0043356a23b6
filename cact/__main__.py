"""python -m cact: the catalogue, with accuracy and speed measured now.

For every function and dtype: the max error in ulps over the built-in
sample (cact._reference.sample: special values, subnormals, log-uniform
magnitudes, tails) against mpmath, the worst input, and the time per
element of cact (out of place) next to the natural numpy formulation of
the same function, measured in this run.

    python -m cact            # the table
    python -m cact --quick    # fewer timing repeats
    python -m cact bench ...  # the full speed benchmark against numpy, SciPy,
                              # PyTorch and ONNX Runtime (cact/_bench.py; --help)
"""
import math
import platform
import sys
import time

import numpy as np

import cact
from cact._catalogue import ELEMENTWISE, call_args


def _erf_impl():
    try:
        from scipy.special import erf
        return erf, ""
    except ImportError:
        return np.frompyfunc(math.erf, 1, 1), " (math.erf: no scipy)"


def timeit(fn, n_elems, repeats):
    fn()
    number = 1
    while True:                       # calibrate to >= 2 ms per sample
        t = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t
        if dt > 2e-3 or number > 1 << 20:
            break
        number *= 4
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t) / number)
    return float(np.median(samples)) / n_elems * 1e9   # ns per element


def main(argv):
    if argv[:1] == ["bench"]:
        from cact._bench import main as bench
        return bench(argv[1:])
    quick = "--quick" in argv
    repeats = 3 if quick else 7
    n = 1 << 16
    erf, erf_note = _erf_impl()
    try:
        from cact._reference import reference, sample, ulp_error
        import mpmath  # noqa: F401
        have_ref = True
    except ImportError:
        have_ref = False
    print(f"cact {cact.__version__}: kernels at {cact.isa_level()}; numpy {np.__version__}; "
          f"Python {platform.python_version()}; {platform.machine()}")
    print(f"accuracy: max error in ulps of the dtype over cact._reference.sample "
          f"({'mpmath reference' if have_ref else 'SKIPPED: pip install mpmath'}); "
          f"speed: ns/element at n={n}, median of {repeats}, one thread{erf_note}\n")
    head = f"{'function':<26}{'dtype':<9}{'max ulp':>9}  {'worst x':<13}{'cact ns':>9}{'numpy ns':>10}{'speed-up':>9}"
    print(head)
    print("-" * len(head))
    rng = np.random.default_rng(0)
    for f in ELEMENTWISE:
        for k in f.kernels:
            name, kw = call_args(k)
            fn = getattr(cact, name)
            label = f"{name}({f.select[0]}={kw[f.select[0]]!r})" if f.select else name
            for dt in ("float32", "float64"):
                acc, worst = "", ""
                if have_ref:
                    xs = sample(dt)
                    err = ulp_error(fn(xs, **kw), *reference(k, xs))
                    i = int(np.argmax(err))
                    acc, worst = f"{err[i]:.3g}", f"{xs[i]:.6g}"
                x = rng.uniform(-8, 8, n).astype(dt)
                y = np.empty_like(x)
                t_cact = timeit(lambda: fn(x, out=y, **kw), n, repeats)
                ns = {"np": np, "x": x, "_erf": erf, **{a: v for a, v in kw.items() if not isinstance(v, str)}}
                expr = f.numpy[k]
                with np.errstate(all="ignore"):
                    t_np = timeit(lambda: eval(expr, ns), n, repeats)
                print(f"{label:<26}{dt:<9}{acc:>9}  {worst:<13}{t_cact:>9.3f}{t_np:>10.3f}{t_np / t_cact:>8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
