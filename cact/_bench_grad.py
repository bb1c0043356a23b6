"""The backward kernels' benchmark: ``python -m cact bench --grad [options]``.

For every kernel with a PyTorch backward op (cact/_catalogue_grad.py's
``aten``: torch.ops.aten.sigmoid_backward, gelu_backward, silu_backward,
threshold_backward, elu_backward, softplus_backward, hardswish_backward...),
float32 and float64, 4096 and 2**18 elements, one thread, it times

  cact    cact.<name>_grad(dy, x, out=dx)   (into a preallocated buffer)
  torch   torch.ops.aten.<op>_backward(dy, x or y, ...)  (allocates; sigmoid
          and tanh work from the forward's output y, a product or two)

and the softmax family along the last axis (rows of 1024 and 50257) against
torch.ops.aten._softmax_backward_data / _log_softmax_backward_data.  Each
figure is the median of --repeats samples taken in interleaved rounds
(cact, torch, cact, ...), so a noisy neighbour slows both alike; the ratio
is the figure to read.  Writes a markdown table (--out) and prints it.
"""
import argparse
import datetime
import os
import sys

import numpy as np

import cact
from cact import _parallel
from cact._bench import Impl, _cpu_model, measure
from cact._catalogue import ELEMENTWISE, call_args
from cact._catalogue_grad import GRAD

SIZES = (4096, 1 << 18)
ROWS = ((256, 1024), (4, 50257))


def _elementwise_impls(kernel, dtype, n, torch):
    name, kw = call_args(kernel)
    rng = np.random.default_rng(0)
    x = rng.uniform(-8, 8, n).astype(dtype)
    dy = rng.normal(0, 1, n).astype(dtype)
    dx = np.empty_like(x)
    f = getattr(cact, name + "_grad")
    out = [Impl("cact", "f(dy, x, out=dx, **kw)", {"f": f, "dy": dy, "x": x, "dx": dx, "kw": kw},
                result="dx")]
    g = GRAD[kernel]
    if torch is not None and g.aten:
        xt, gt = torch.from_numpy(x), torch.from_numpy(dy)
        fwd = getattr(cact, name)(x, **kw)
        ns = {"torch": torch, "gt": gt, "xt": xt, "yt": torch.from_numpy(fwd)}
        if kernel == "log_sigmoid":      # its backward takes the forward's buffer
            ns["buf"] = torch.ops.aten.log_sigmoid_forward(xt)[1]
        ns.update({p.name: kw[p.name] for p in ELEMENTWISE[[f.name for f in ELEMENTWISE].index(name)].float_params})
        out.append(Impl("torch", "torch.ops.aten." + g.aten, ns))
    return out


def _axis_impls(name, dtype, shape, torch):
    rng = np.random.default_rng(0)
    x = rng.normal(0, 3, shape).astype(dtype)
    dy = rng.normal(0, 1, shape).astype(dtype)
    y = getattr(cact, name)(x)
    dx = np.empty_like(x)
    f = getattr(cact, name + "_grad")
    out = [Impl("cact", "f(dy, y, out=dx)", {"f": f, "dy": dy, "y": y, "dx": dx}, result="dx")]
    if torch is not None:
        op = "_log_softmax_backward_data" if name == "log_softmax" else "_softmax_backward_data"
        ns = {"torch": torch, "gt": torch.from_numpy(dy), "yt": torch.from_numpy(y)}
        out.append(Impl("torch", f"torch.ops.aten.{op}(gt, yt, 1, yt.dtype)", ns))
    return out


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m cact bench --grad", description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", "-f", help="comma-separated kernels; default all")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--out", default="-", help="markdown report path ('-': print only)")
    return ap.parse_args(argv)


def main(argv):
    args = parse([a for a in argv if a != "--grad"])
    torch = None
    if not args.no_torch:
        try:
            import torch
            torch.set_num_threads(1)
        except ImportError:
            torch = None
    saved = cact.get_num_threads()
    cact.set_num_threads(1)
    kernels = [g.kernel for g in GRAD.values()]
    if args.functions:
        kernels = [k.strip() for k in args.functions.split(",")]
    dtypes = [d for d in args.dtypes.split(",") if d]
    lines = [f"cact {cact.__version__} at {cact.isa_level()}; {_cpu_model()}; {_parallel.COMPILER}; "
             f"torch {torch.__version__ if torch else 'not installed'}; one thread; "
             f"{datetime.datetime.now():%Y-%m-%d %H:%M}; median of {args.repeats} interleaved samples",
             "", "| kernel | dtype | n | cact ns/elt | torch ns/elt | torch / cact |", "|---|---|---|---|---|---|"]
    print(lines[0], flush=True)
    try:
        cases = [(k, d, n, "elementwise") for d in dtypes for n in SIZES for k in kernels]
        cases += [(a, d, s, "axis") for d in dtypes for s in ROWS for a in ("softmax", "log_softmax", "softmin")
                  if not args.functions]
        for what, d, n, kind in cases:
            if kind == "axis":
                impls, size, label = _axis_impls(what, d, n, torch), n[0] * n[1], f"{n[0]}x{n[1]}"
            else:
                impls, size, label = _elementwise_impls(what, d, n, torch), n, str(n)
            secs = measure(impls, size, args.repeats, 1e-3)
            t = dict(zip([im.column for im in impls], secs))
            c = t["cact"] / size * 1e9
            p = t.get("torch")
            row = (f"| {what}_grad | {d} | {label} | {c:.3f} | "
                   + (f"{p / size * 1e9:.3f} | {p / t['cact']:.2f} |" if p else "- | - |"))
            lines.append(row)
            print(row, flush=True)
    finally:
        cact.set_num_threads(saved)
    text = "\n".join(lines) + "\n"
    if args.out != "-":
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as fh:
            fh.write(text)
        print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
