"""float16 / bfloat16 against float32 (cact's own, same tier) and against
PyTorch's bfloat16 / float16 CPU ops: median ns per element, one thread,
out of place (cact out=y, torch's out= form where the catalogue has one).

    python benchmarks/bench_half.py [--n 262144] [--repeats 7] [--names silu,gelu]

Prints a markdown table; ratios are within one run (interleaved samples),
so a shared, noisy machine shifts them less than the absolute figures.
"""
import argparse
import platform
import sys

import numpy as np

import cact
import cact.fast
from cact._bench import _float_kw, _torch_stmts, measure
from cact._catalogue import ALONG_AXIS, ELEMENTWISE

try:
    import ml_dtypes
    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:
    BF16 = None


def kw_of(f, k):
    from cact._catalogue import REQUIRED
    kw = {p.name: (p.example if p.default is REQUIRED else p.default) for p in f.params}
    if f.select:
        kw[f.select[0]] = next(v for v, kk in f.select[1].items() if kk == k)
    return kw


def row(label, fn, kw, n, rng, torch_stmt, repeats, min_sample):
    import torch
    import torch.nn.functional as F
    x32 = rng.uniform(-8, 8, n).astype(np.float32)
    impls, cols = [], []

    class Im:
        __slots__ = ("stmt", "ns", "refresh", "column")

        def __init__(self, col, stmt, ns):
            self.column, self.stmt, self.ns, self.refresh = col, stmt, ns, None
    for col, dt in (("f32", np.float32), ("f16", np.float16), ("bf16", BF16)):
        if dt is None:
            continue
        x = x32.astype(dt)
        impls.append(Im("cact " + col, "f(x, out=y, **kw)", {"f": fn, "x": x, "y": np.empty_like(x), "kw": kw}))
        cols.append("cact " + col)
    if torch_stmt:
        for col, tdt in (("f16", torch.float16), ("bf16", torch.bfloat16)):
            xt = torch.from_numpy(x32).to(tdt)
            ns = {"torch": torch, "F": F, "nn": torch._C._nn, "xt": xt, "yt": torch.empty_like(xt),
                  "one": torch.ones((), dtype=tdt), **_float_kw(kw)}
            try:
                eval(torch_stmt, ns)
            except Exception:
                continue
            impls.append(Im("torch " + col, torch_stmt, ns))
            cols.append("torch " + col)
    t = measure(impls, n, repeats, min_sample)
    return label, dict(zip(cols, (v / n * 1e9 for v in t)))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1 << 18)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--min-sample", type=float, default=0.02)
    ap.add_argument("--names", default="")
    a = ap.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    cact.set_num_threads(1)
    rng = np.random.default_rng(0)
    names = set(a.names.split(",")) if a.names else None
    rows = []
    for f in ELEMENTWISE:
        if names and f.name not in names:
            continue
        for k in f.kernels:
            kw = kw_of(f, k)
            stmt = _torch_stmts(k, kw)[0]
            rows.append(row(k, getattr(cact, f.name), kw, a.n, rng, stmt, a.repeats, a.min_sample))
            if k in f.fast:
                rows.append(row("fast " + k, getattr(cact.fast, f.name), kw, a.n, rng, stmt, a.repeats,
                                a.min_sample))
    for ax in ALONG_AXIS:
        if ax.kind != "rows" or (names and ax.name not in names):
            continue
        fn = getattr(cact, ax.name)
        stmt = {"softmax": "torch.softmax(xt.view(-1, 1024), -1, out=yt.view(-1, 1024))",
                "log_softmax": "torch.log_softmax(xt.view(-1, 1024), -1, out=yt.view(-1, 1024))",
                "softmin": "F.softmin(xt.view(-1, 1024), -1)"}[ax.name]
        rows.append(row(ax.name + " (rows of 1024)", lambda x, out, fn=fn: fn(x.reshape(-1, 1024),
                                                                            out=out.reshape(-1, 1024)),
                        {}, a.n, rng, stmt, a.repeats, a.min_sample))
    cols = ["cact f32", "cact f16", "cact bf16", "torch f16", "torch bf16"]
    print(f"{a.n} elements, one thread, median ns per element; torch {torch.__version__}, "
          f"numpy {np.__version__}, Python {platform.python_version()}, ISA {cact.isa_level()}\n")
    print("| kernel | " + " | ".join(cols) + " | f32/f16 | f32/bf16 | torch/cact f16 | torch/cact bf16 |")
    print("|---|" + "---|" * (len(cols) + 4))
    for label, t in rows:
        def g(c):
            return f"{t[c]:.3f}" if c in t else "-"

        def r(a, b):
            return f"{t[a] / t[b]:.2f}" if a in t and b in t else "-"
        print(f"| {label} | " + " | ".join(g(c) for c in cols) + f" | {r('cact f32', 'cact f16')} | "
              f"{r('cact f32', 'cact bf16')} | {r('torch f16', 'cact f16')} | {r('torch bf16', 'cact bf16')} |")


if __name__ == "__main__":
    main(sys.argv[1:])
