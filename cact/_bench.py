"""The speed benchmark: every catalogue kernel against its peers, one run.

    python -m cact bench [options]        (or: python benchmarks/bench.py)

For every kernel of cact/_catalogue.py (gelu and gelu_tanh separately),
float32 and float64, and sizes 64, 4096, 2**18 and 2**24 elements, on one
thread, it times

  cact           cact.f(x, out=y)           (into a preallocated buffer)
  cact inplace   cact.f(x, out=x)
  cact.fast      cact.fast.f(x, out=y): the fast accuracy tier, for the
                 kernels that have a fast form (the catalogue's fast=)
  numpy          the catalogue's natural numpy formulation (allocates)
  scipy          scipy.special where it has the function (the catalogue's
                 scipy formulation: expit, log_expit, softplus, x * ndtr(x)...)
  torch          the fastest out-of-place form (out= where the op has one),
                 torch.set_num_threads(1)
  torch inplace  the in-place variant where one exists (sigmoid_, relu_,
                 F.elu(inplace=True), ...)
  ort            ONNX Runtime, a one-node model per function,
                 intra_op_num_threads=1, io_binding to the same buffers
  stream         np.multiply(x, 1, out=x): one in-place pass over the same
                 bytes, the memory bound

each peer optional (measured when importable), plus a table at 2**24 with
the threads the machine has.  Every measurement is the median of
`--repeats` samples; the implementations of one (kernel, dtype, size) are
sampled in interleaved rounds, so a noisy neighbour slows all of them alike
and the ratios hold.  A sample runs the call in a timeit loop long enough to
dwarf the timer; an in-place implementation gets a fresh copy of the input
before each sample (so it sees the same values as the others, not values
driven to 0 or to a fixed point by repeated application).  A peer whose
result disagrees with cact (beyond float tolerance) is shown but flagged and
left out of the "fastest peer".

Writes a markdown report (default benchmarks/results/bench-<host>.md when
run from a source tree, else ./cact-bench.md) and a JSON file of every
median beside it, and prints the tables.
"""
import argparse
import datetime
import json
import os
import platform
import re
import sys
import timeit

import numpy as np

import cact
import cact.fast
from cact import _parallel
from cact._catalogue import ELEMENTWISE, FAST_KERNELS, KERNEL_FUNC, KERNELS, call_args
from cact._progress import Progress, add_progress_args

SIZES = (64, 4096, 1 << 18, 1 << 24)
DTYPES = ("float32", "float64")
# half precision, on request (--dtypes): computed in float32, stored in 2 bytes
HALF_DTYPES = ("float16", "bfloat16")


def np_dtype(name):
    """numpy dtype of a benchmark dtype name (bfloat16: ml_dtypes')."""
    if name == "bfloat16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _torch_tensor(torch, a):
    """a (numpy) as a torch tensor sharing its memory; bfloat16 through
    its 16-bit integer view (torch.from_numpy has no bfloat16)."""
    if a.dtype.name == "bfloat16":
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)
PEERS = ("numpy", "scipy", "torch", "ort")
COLUMNS = ("cact", "cact inplace", "cact.fast", "numpy", "scipy", "torch", "torch inplace", "ort", "stream")
PEER_COLUMNS = ("numpy", "scipy", "torch", "torch inplace", "ort")

# Families whose kernels are piecewise linear (the memory-bound target);
# the rest are transcendental (softsign: rational, reported with them).
LINEAR = {f.name for f in ELEMENTWISE if f.family == "linear"}


# --------------------------------------------------------------------------
# implementations: each is (stmt, namespace, refresh or None)

class Impl:
    """One way to compute a kernel: a statement timed in a timeit loop over
    its namespace; `refresh` restores an in-place input before each sample;
    `result` names the buffer holding the result when the statement
    returns nothing (else its value is the result)."""
    __slots__ = ("column", "stmt", "ns", "refresh", "result")

    def __init__(self, column, stmt, ns, refresh=None, result=None):
        self.column, self.stmt, self.ns, self.refresh, self.result = column, stmt, ns, refresh, result

    def run_once(self):
        """The result of one call on fresh input, as a numpy array."""
        if self.refresh:
            self.refresh()
        with np.errstate(all="ignore"):
            r = eval(self.stmt, self.ns)
        if self.result is not None:
            r = self.ns[self.result]
        if hasattr(r, "detach") and r.element_size() == 2:   # a torch half tensor (no numpy bfloat16)
            r = r.detach().float()
        return np.asarray(r)


def _inplace_buffers(x0):
    x = x0.copy()

    def refresh():
        np.copyto(x, x0)
    return x, refresh


def cact_impls(kernel, x0):
    name, kw = call_args(kernel)
    f = getattr(cact, name)
    y = np.empty_like(x0)
    ns = {"f": f, "x": x0, "y": y, "kw": kw}
    out = [Impl("cact", "f(x, out=y, **kw)", ns, result="y")]
    xi, refresh = _inplace_buffers(x0)
    ns2 = {"f": f, "x": xi, "kw": kw}
    out.append(Impl("cact inplace", "f(x, out=x, **kw)", ns2, refresh, result="x"))
    if kernel in FAST_KERNELS:
        ns3 = {"f": getattr(cact.fast, name), "x": x0, "y": np.empty_like(x0), "kw": kw}
        out.append(Impl("cact.fast", "f(x, out=y, **kw)", ns3, result="y"))
    return out


def _erf():
    try:
        from scipy.special import erf
        return erf
    except ImportError:
        import math as m
        return np.frompyfunc(m.erf, 1, 1)


def numpy_impls(kernel, x0):
    f = KERNEL_FUNC[kernel]
    _, kw = call_args(kernel)
    ns = {"np": np, "x": x0, "_erf": _erf(), **{k: v for k, v in kw.items() if not isinstance(v, str)}}
    return [Impl("numpy", f.numpy[kernel], ns)]


def _float_kw(kw):
    """The float parameters of a call (not gelu's approximate=)."""
    return {k: v for k, v in kw.items() if not isinstance(v, str)}


def _peer_applies(kernel, peer, kw):
    """False where the catalogue's formulation of `peer` hard-codes the
    default parameters (peers_at_defaults) and the call has others."""
    f = KERNEL_FUNC[kernel]
    if peer not in f.peers_at_defaults:
        return True
    return _float_kw(kw) == _float_kw(call_args(kernel)[1])


def scipy_impls(kernel, x0):
    try:
        import scipy.special as sp
    except ImportError:
        return []
    _, kw = call_args(kernel)
    stmt = KERNEL_FUNC[kernel].scipy.get(kernel)
    # a function this scipy lacks (softplus is recent) leaves the peer out
    if not stmt or not _peer_applies(kernel, "scipy", kw) or \
            not all(hasattr(sp, a) for a in re.findall(r"\bsp\.(\w+)", stmt)):
        return []
    y = np.empty_like(x0)
    ns = {"sp": sp, "np": np, "x": x0, "y": y, **_float_kw(kw)}
    return [Impl("scipy", stmt, ns, result="y")]


# torch: (out-of-place statement, in-place statement or None) from the
# catalogue.  Out of place uses out= where the op has one (torch._C._nn
# holds the functional ops' out= overloads), else the allocating form.
def _torch_stmts(kernel, kw):
    if not _peer_applies(kernel, "torch", kw):
        return (None, None)
    return KERNEL_FUNC[kernel].torch.get(kernel, (None, None))


def torch_impls(kernel, x0):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return []
    _, kw = call_args(kernel)
    oop, inp = _torch_stmts(kernel, kw)
    out = []
    y = np.empty_like(x0)
    xt = _torch_tensor(torch, x0)
    ns = {"torch": torch, "F": F, "nn": torch._C._nn, "xt": xt, "yt": _torch_tensor(torch, y),
          "one": torch.ones((), dtype=xt.dtype), **_float_kw(kw)}
    if oop:
        out.append(Impl("torch", oop, ns, result="yt" if "out=yt" in oop or "yt." in oop else None))
    if inp:
        xi, refresh = _inplace_buffers(x0)
        out.append(Impl("torch inplace", inp, dict(ns, xt=_torch_tensor(torch, xi)), refresh, result="xt"))
    return out


# ONNX Runtime: (op, attributes, extra float inputs as constants, domain,
# opset) from the catalogue's Onnx entry, its attributes and inputs
# evaluated with the call's float parameters
def _ort_node(kernel, kw):
    o = KERNEL_FUNC[kernel].ort.get(kernel)
    if o is None or not _peer_applies(kernel, "ort", kw):
        return None
    p = _float_kw(kw)
    attrs = eval(f"dict({o.attrs})", {}, p)
    consts = [float(v) for v in eval(f"[{o.inputs}]", {}, p)]
    return (o.op, attrs, consts, o.domain, o.opset)


_ORT_SESSIONS = {}


def ort_model_session(name, op, attrs, consts, domain, opset, dtype, threads, dims=("n",)):
    """An ONNX Runtime session of the one-node model y = op(x, *consts)
    (attributes attrs, x and y of shape dims: names or sizes), on the CPU
    with `threads` intra-op threads; None without onnxruntime or where the
    op has no kernel for dtype.  Cached by its arguments."""
    try:
        import onnxruntime as ort
        from onnx import TensorProto, helper
    except ImportError:
        return None
    key = (name, op, tuple(sorted(attrs.items())), tuple(consts), domain, opset, dtype, threads, tuple(dims))
    if key in _ORT_SESSIONS:
        return _ORT_SESSIONS[key]
    et = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    inputs = ["x"] + [f"c{i}" for i in range(len(consts))]
    inits = [helper.make_tensor(f"c{i}", et, [], [v]) for i, v in enumerate(consts)]
    node = helper.make_node(op, inputs, ["y"], domain=domain, **attrs)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", et, list(dims))],
                              [helper.make_tensor_value_info("y", et, list(dims))], initializer=inits)
    imports = [helper.make_opsetid("", max(opset, 13) if domain else opset)]
    if domain:
        imports.append(helper.make_opsetid(domain, opset))
    model = helper.make_model(graph, opset_imports=imports)
    model.ir_version = min(model.ir_version, 10)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    try:
        sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    except Exception:         # op without a kernel for this dtype (e.g. float64)
        sess = None
    _ORT_SESSIONS[key] = sess
    return sess


def ort_session(kernel, dtype, threads):
    _, kw = call_args(kernel)
    spec = _ort_node(kernel, kw)
    if spec is None:
        return None
    op, attrs, consts, domain, opset = spec
    return ort_model_session(kernel, op, attrs, consts, domain, opset, dtype, threads)


def ort_bind(sess, x0, y):
    """The io binding of x0 -> y for sess after one trial run, or None where
    the run fails; time it as sess.run_with_iobinding(io).  The binding holds
    raw pointers: the caller keeps x0 and y alive as long as it runs it."""
    if sess is None:
        return None
    io = sess.io_binding()
    io.bind_input("x", "cpu", 0, x0.dtype, list(x0.shape), x0.ctypes.data)
    io.bind_output("y", "cpu", 0, y.dtype, list(y.shape), y.ctypes.data)
    try:
        sess.run_with_iobinding(io)
    except Exception:
        return None
    return io


def ort_impls(kernel, x0, threads=1):
    if x0.dtype.itemsize == 2:          # the float32 / float64 sessions only
        return []
    sess = ort_session(kernel, str(x0.dtype), threads)
    y = np.empty_like(x0)
    io = ort_bind(sess, x0, y)
    if io is None:
        return []
    ns = {"sess": sess, "io": io, "x": x0, "y": y}
    return [Impl("ort", "sess.run_with_iobinding(io)", ns, result="y")]


def stream_impl(x0):
    x, refresh = _inplace_buffers(x0)
    ns = {"np": np, "x": x, "one": x0.dtype.type(1)}
    return Impl("stream", "np.multiply(x, one, out=x)", ns, refresh)


# --------------------------------------------------------------------------
# timing

def _runner(impl):
    return timeit.Timer(impl.stmt, globals=impl.ns).timeit


def measure(impls, n, repeats, min_sample, stat="median"):
    """Median (or, stat="min", least) seconds per call of each impl, sampled
    in interleaved rounds.  The least filters out other jobs' interference
    on a shared machine; the median is the usual figure."""
    runs = []
    for im in impls:
        run = _runner(im)
        with np.errstate(all="ignore"):
            if im.refresh:
                im.refresh()
            t = run(1)                        # warm-up (allocations, first-run setup)
            number = 1
            while True:                       # calibrate: a sample takes >= min_sample
                if im.refresh:
                    im.refresh()
                t = run(number)
                if t >= min_sample or number >= 1 << 22:
                    break
                number = max(number * 2, min(number * 100, int(number * min_sample / max(t, 1e-9) * 1.2)))
        runs.append((run, number))
    samples = [[] for _ in impls]
    with np.errstate(all="ignore"):
        for _ in range(repeats):
            for k, (im, (run, number)) in enumerate(zip(impls, runs)):
                if im.refresh:
                    im.refresh()
                samples[k].append(run(number) / number)
    pick = np.min if stat == "min" else np.median
    return [float(pick(s)) for s in samples]


def _agrees(r, ref):
    r = np.asarray(r)
    if r.shape != ref.shape:
        return False
    tol = {2: 2e-2, 4: 2e-3}.get(ref.dtype.itemsize, 1e-6)
    if r.dtype.name == "bfloat16":
        r = r.astype(np.float32)
    with np.errstate(all="ignore"):
        return bool(np.allclose(r.astype(np.float64), ref.astype(np.float32).astype(np.float64), rtol=tol,
                                atol=tol * 1e-2,
                                equal_nan=True))


def group(kernel, dtype, n, peers, repeats, min_sample, threads=1, rng=None, stat="median"):
    """Time every implementation of one (kernel, dtype, size)."""
    rng = rng or np.random.default_rng(0)
    x0 = rng.uniform(-8, 8, n).astype(np.float32).astype(np_dtype(dtype))
    impls = cact_impls(kernel, x0)
    if "numpy" in peers:
        impls += numpy_impls(kernel, x0)
    if "scipy" in peers:
        impls += scipy_impls(kernel, x0)
    if "torch" in peers:
        impls += torch_impls(kernel, x0)
    if "ort" in peers:
        impls += ort_impls(kernel, x0, threads)
    impls.append(stream_impl(x0))
    name, kw = call_args(kernel)
    ref = getattr(cact, name)(x0, **kw)
    flags = {}
    for im in impls:
        if im.column != "stream":
            try:
                ok = _agrees(im.run_once(), ref)
            except Exception as e:       # a peer that cannot run this case
                ok = False
                print(f"  {im.column} failed on {kernel} {dtype}: {type(e).__name__}: {e}", file=sys.stderr)
            if not ok:
                flags[im.column] = "differs"
    secs = measure(impls, n, repeats, min_sample, stat)
    return {im.column: t for im, t in zip(impls, secs)}, flags


# --------------------------------------------------------------------------
# environment

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(peers):
    env = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
           "cpu": _cpu_model(), "cpus": os.cpu_count(),
           "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
           "isa": cact.isa_level(), "compiler": _parallel.COMPILER,
           "python": platform.python_version(), "numpy": np.__version__, "cact": cact.__version__}
    for mod, key in (("scipy", "scipy"), ("torch", "torch"), ("onnxruntime", "ort")):
        if key in peers or (key == "ort" and "ort" in peers):
            try:
                env[key] = __import__(mod).__version__
            except ImportError:
                env[key] = None
    env["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    env["parallelism"] = round(_probe(2), 2) if _parallel.HAVE_THREADS else None
    return env


def available_peers(wanted):
    have = []
    for p in wanted:
        mod = {"numpy": "numpy", "scipy": "scipy.special", "torch": "torch", "ort": "onnxruntime"}[p]
        try:
            __import__(mod)
            if p == "ort":
                __import__("onnx")
            have.append(p)
        except ImportError:
            pass
    return have


# --------------------------------------------------------------------------
# report

def _fmt(v):
    if v is None:
        return ""
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def best_peer(row, flags):
    cand = [(row[c], c) for c in PEER_COLUMNS if c in row and c not in flags]
    return min(cand) if cand else (None, None)


def size_table(results, dtype, n, columns):
    per_call = n <= 64
    unit = "us per call" if per_call else "ns per element"
    scale = (lambda s: s * 1e6) if per_call else (lambda s: s / n * 1e9)
    lines = [f"### {dtype}, {n} elements ({unit})", "",
             "| function | " + " | ".join(columns) + " | fastest peer | cact speed-up | cact.fast speed-up |",
             "|---|" + "---|" * (len(columns) + 3)]
    for kernel in [k for k in KERNELS if (k, dtype, n) in results]:
        row, flags = results[(kernel, dtype, n)]
        cells = []
        for c in columns:
            v = row.get(c)
            cells.append("" if v is None else _fmt(scale(v)) + (" (!)" if c in flags else ""))
        bp, who = best_peer(row, flags)
        cact_best = min(row["cact"], row["cact inplace"])
        sp = f"{bp / cact_best:.2f}x" if bp else ""
        spf = f"{bp / row['cact.fast']:.2f}x" if bp and row.get("cact.fast") else ""
        lines.append(f"| {kernel} | " + " | ".join(cells) + f" | {who or ''} | {sp} | {spf} |")
    return lines


def targets(results):
    """The speed targets per function: float32 at 4096 and 2**18, and float64."""
    lines = ["## Targets, single thread", "",
             "Transcendental (and rational): cact at least 1.5x faster per element than the fastest peer, "
             "float32 at 4096 and 262144. Piecewise linear: cact in place within 1.2x of the streaming pass "
             "(ratio <= 1.2). float64: at least as fast as the fastest peer (speed-up >= 1). "
             "cact's time is the better of out-of-place and in-place; the peers' the best of every form.", "",
             "| function | dtype | n | target | cact ns/elt | reference ns/elt (who) | ratio | met |",
             "|---|---|---|---|---|---|---|---|"]
    met = missed = 0
    for kernel in KERNELS:
        linear = KERNEL_FUNC[kernel].name in LINEAR
        for dtype in DTYPES:
            for n in (4096, 1 << 18):
                if (kernel, dtype, n) not in results:
                    continue
                row, flags = results[(kernel, dtype, n)]
                cact_t = min(row["cact"], row["cact inplace"]) / n * 1e9
                if dtype == "float32" and linear:
                    ref = row["stream"] / n * 1e9
                    ratio = row["cact inplace"] / row["stream"]
                    ok, what, who, cact_t = ratio <= 1.2, "<= 1.2x stream", "stream", row["cact inplace"] / n * 1e9
                else:
                    bp, who = best_peer(row, flags)
                    if bp is None:
                        continue
                    ref = bp / n * 1e9
                    ratio = ref / cact_t
                    need = 1.5 if dtype == "float32" else 1.0
                    ok, what = ratio >= need, f">= {need}x peer"
                met += ok
                missed += not ok
                lines.append(f"| {kernel} | {dtype} | {n} | {what} | {cact_t:.3g} | {ref:.3g} ({who}) | "
                             f"{ratio:.2f} | {'yes' if ok else '**no**'} |")
    lines += ["", f"{met} met, {missed} missed.", ""]
    return lines


def thread_table(tresults, nthreads):
    lines = [f"## {nthreads} threads, {1 << 24} elements (ns per element)", "",
             f"cact with 1 and {nthreads} threads (out of place, `out=y`), torch (best form) and ONNX Runtime with "
             f"{nthreads} intra-op threads; stream = numpy's single-thread in-place pass.", "",
             f"Each row waits (up to `--wait` s) until a compute-only probe runs about {nthreads}x faster on "
             f"{nthreads} threads, i.e. no other process holds the cores; `probe` is that speed-up before/after "
             f"the row (below {0.9 * nthreads:.1f}: the row was measured on a busy machine).", "",
             f"| function | dtype | cact 1 thread | cact {nthreads} threads | scaling | torch {nthreads}T | "
             f"ort {nthreads}T | stream | probe |", "|---|---|---|---|---|---|---|---|---|"]
    n = 1 << 24
    for (kernel, dtype), row in tresults.items():
        def c(k):
            return _fmt(row[k] / n * 1e9) if row.get(k) is not None else ""
        torch_best = min([row[k] for k in ("torch", "torch inplace") if row.get(k) is not None], default=None)
        tb = _fmt(torch_best / n * 1e9) if torch_best else ""
        pb, pa = row["probe"]
        lines.append(f"| {kernel} | {dtype} | {c('cact1')} | {c('cact')} | {row['cact1'] / row['cact']:.2f}x | "
                     f"{tb} | {c('ort')} | {c('stream')} | {pb:.2f}/{pa:.2f} |")
    return lines + [""]


def call_overhead(peers, repeats, min_sample):
    """Per-call time on 64 float32 elements."""
    x0 = np.random.default_rng(0).uniform(-8, 8, 64).astype(np.float32)
    impls = []
    for label, stmt in (("cact.sigmoid(x, out=x)", "cact.sigmoid(x, out=x)"),
                        ("cact.relu(x, out=x)", "cact.relu(x, out=x)"),
                        ("cact.sigmoid(x)", "cact.sigmoid(x)"),
                        ("np.negative(x, out=x)", "np.negative(x, out=x)")):
        x, refresh = _inplace_buffers(x0)
        impls.append(Impl(label, stmt, {"cact": cact, "np": np, "x": x}, refresh))
    if "torch" in peers:
        import torch
        for label, stmt in (("torch.sigmoid(xt)", "torch.sigmoid(xt)"), ("torch.sigmoid_(xt)", "torch.sigmoid_(xt)")):
            x, refresh = _inplace_buffers(x0)
            impls.append(Impl(label, stmt, {"torch": torch, "xt": torch.from_numpy(x)}, refresh))
    secs = measure(impls, 64, repeats, min_sample)
    return {im.column: t for im, t in zip(impls, secs)}


def overhead_table(ov):
    c = ov["cact.sigmoid(x, out=x)"]
    lines = ["## Call overhead: 64 float32 elements, one call", "",
             "| call | us per call | vs cact.sigmoid(x, out=x) |", "|---|---|---|"]
    for k, v in ov.items():
        lines.append(f"| `{k}` | {v * 1e6:.3f} | {v / c:.2f}x |")
    lines.append("")
    neg = ov["np.negative(x, out=x)"]
    lines.append(f"Target: no more than `np.negative(x, out=x)`: {c * 1e6:.3f} vs {neg * 1e6:.3f} us "
                 f"({'met' if c <= neg else '**missed**'}).")
    if "torch.sigmoid(xt)" in ov:
        r = ov["torch.sigmoid(xt)"] / c
        lines.append(f"Target: at least 3x lower than `torch.sigmoid` on a `torch.from_numpy` view: {r:.1f}x "
                     f"({'met' if r >= 3 else '**missed**'}).")
    return lines + [""]


def report(env, args, results, tresults, nthreads, peers, ov=None):
    L = [f"# cact benchmark, {env['date']}", "",
         f"- machine: {env['cpu']}, {env['cpus']} CPUs ({env['usable_cpus']} usable); kernels at {env['isa']}",
         f"- compiler: {env['compiler']}; Python {env['python']}, numpy {env['numpy']}"
         + "".join(f", {k} {env[k]}" for k in ("scipy", "torch", "ort") if env.get(k))
         + (f"; OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}" if env.get("OPENBLAS_CORETYPE") else ""),
         f"- command: `python -m cact bench {' '.join(args.argv)}`".rstrip() + "",
         f"- parallelism probe (other load on the machine): 2 threads ran {env['parallelism']}x the "
         "compute-only work of one at the start (2.0 on an idle 2-core machine)",
         f"- peers measured: {', '.join(peers) or 'none'}; {args.stat}s of {args.repeats} interleaved samples; "
         "inputs uniform in [-8, 8]; one thread unless stated",
         "- columns: cact = `f(x, out=y)`, cact inplace = `f(x, out=x)`, cact.fast = `cact.fast.f(x, out=y)` "
         "(the fast tier, where the function has a fast kernel: float32 within 4 ulp); "
         "numpy = the catalogue formulation "
         "(allocates); torch = out= form where the op has one; ort = one-node model with io_binding; "
         "stream = `np.multiply(x, 1, out=x)`, the memory bound. (!) = result differs from cact's beyond "
         "float tolerance (left out of fastest peer)", ""]
    for dtype in args.dtypes:
        for n in args.sizes:
            if any((k, dtype, n) in results for k in KERNELS):
                L += size_table(results, dtype, n, [c for c in COLUMNS
                                                    if any(c in results[k][0] for k in results
                                                           if k[1] == dtype and k[2] == n)])
                L.append("")
    if ov:
        L += overhead_table(ov)
    if results:
        L += targets(results)
    if tresults:
        L += thread_table(tresults, nthreads)
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------

def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m cact bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--functions", "-f", help="comma-separated kernels (e.g. sigmoid,gelu_tanh); default all")
    ap.add_argument("--dtypes", default=",".join(DTYPES))
    ap.add_argument("--sizes", help="comma-separated element counts (default 64,4096,262144,16777216)")
    ap.add_argument("--peers", default=",".join(PEERS), help="subset of numpy,scipy,torch,ort ('' for none)")
    ap.add_argument("--repeats", type=int, help="samples per median (default 7, quick 3)")
    ap.add_argument("--stat", choices=("median", "min"), default="median",
                    help="per entry: the median of the samples (default) or the least (a shared, "
                         "loaded machine: filters out the other jobs' interference)")
    ap.add_argument("--quick", action="store_true", help="sizes 64,4096,262144, 3 short samples, no thread table")
    ap.add_argument("--no-threads", action="store_true", help="skip the multi-thread table")
    ap.add_argument("--only-threads", action="store_true", help="only the multi-thread table")
    ap.add_argument("--threads", type=int, help="threads for the thread table (default: usable CPUs)")
    ap.add_argument("--wait", type=float, default=60.0,
                    help="thread table: seconds to wait per row for the other cores to be free (default 60)")
    ap.add_argument("--out", help="markdown report path ('-' for none)")
    ap.add_argument("--tune-threads", action="store_true",
                    help="instead: time cact on 1 and 2 threads, forced, at 2**12..2**21 elements (the "
                         "thresholds in tools/generate.py GRAIN come from this)")
    add_progress_args(ap)
    args = ap.parse_args(argv)
    args.argv = list(argv)
    args.dtypes = [d for d in args.dtypes.split(",") if d]
    for d in args.dtypes:
        if d not in DTYPES + HALF_DTYPES:
            ap.error(f"unknown dtype {d}; choose from {', '.join(DTYPES + HALF_DTYPES)}")
        if d == "bfloat16":
            try:
                import ml_dtypes  # noqa: F401
            except ImportError:
                ap.error("bfloat16 needs ml_dtypes (pip install cact[bfloat16])")
    args.sizes_given = bool(args.sizes)
    if args.sizes:
        args.sizes = [int(s) for s in args.sizes.split(",")]
    else:
        args.sizes = [64, 4096, 1 << 18] if args.quick else list(SIZES)
    args.kernels = KERNELS if not args.functions else [k.strip() for k in args.functions.split(",")]
    for k in args.kernels:
        if k not in KERNELS:
            ap.error(f"unknown kernel {k} (one of {', '.join(KERNELS)})")
    args.peers = [p for p in args.peers.split(",") if p]
    for p in args.peers:
        if p not in PEERS:
            ap.error(f"unknown peer {p}")
    args.repeats = args.repeats or (3 if args.quick else 7)
    args.min_sample = 2e-4 if args.quick else 1e-3
    if args.quick and not args.only_threads:
        args.no_threads = True
    if args.only_threads:
        args.no_threads = False
    return args


def default_out():
    here = os.getcwd()
    if os.path.isdir(os.path.join(here, "benchmarks")):
        host = platform.node().split(".")[0] or "host"
        return os.path.join(here, "benchmarks", "results", f"bench-{host}.md")
    return os.path.join(here, "cact-bench.md")


def _fresh_call_time(f, x, x0, kw, repeats):
    """Median seconds of one call f(x, out=x) right after the calling
    thread rewrote x (the data sits in the caller's cache, as when the
    previous layer just produced it)."""
    import time
    ts = []
    for _ in range(max(repeats, 5) * 3):
        np.copyto(x, x0)
        t = time.perf_counter()
        f(x, out=x, **kw)
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def tune_threads(args):
    """Where does a second thread start to pay?  cact in place (out=x) on 1
    thread and, the pool forced on at every size, on `--threads` threads:
    `loop` calls again and again on the same buffer (each thread keeps its
    part in its own cache); `fresh` times single calls right after the
    calling thread rewrote the buffer (the other thread must fetch its part
    from the caller's cache first)."""
    kernels = args.kernels if args.functions else ["relu", "hard_swish", "softsign", "sigmoid", "tanh", "gelu"]
    sizes = args.sizes if args.sizes_given else [1 << k for k in range(12, 23)]
    nt = args.threads or 2
    saved = cact.get_num_threads()
    print(f"parallelism probe: {nt} threads run {_probe(nt):.2f}x the work of one (compute only)")
    print(f"ns/element on 1 thread, then time on {nt} threads / time on 1 (< 1: the threads pay), "
          "for calls in a loop on one buffer | single calls on freshly written data")
    print(f"{'kernel':<12}{'dtype':<9}" + "".join(f"{n:>22}" for n in sizes))
    try:
        for dtype in args.dtypes:
            for kernel in kernels:
                cells = []
                for n in sizes:
                    x0 = np.random.default_rng(0).uniform(-8, 8, n).astype(dtype)
                    name, kw = call_args(kernel)
                    f = getattr(cact, name)
                    xi, refresh = _inplace_buffers(x0)
                    ns = {"f": f, "x": xi, "kw": kw, "set": cact.set_num_threads,
                          "force": _parallel._grain_override}
                    one = Impl("1", "set(1); f(x, out=x, **kw)", ns, refresh)
                    two = Impl("2", f"set({nt}); force(64); f(x, out=x, **kw); force(0)", ns, refresh)
                    t1, t2 = measure([one, two], n, args.repeats, args.min_sample)
                    cact.set_num_threads(1)
                    f1 = _fresh_call_time(f, xi, x0, kw, args.repeats)
                    cact.set_num_threads(nt)
                    _parallel._grain_override(64)
                    f2 = _fresh_call_time(f, xi, x0, kw, args.repeats)
                    _parallel._grain_override(0)
                    cells.append(f"{t1 / n * 1e9:6.3f} {t2 / t1:4.2f}|{f2 / f1:4.2f}")
                print(f"{kernel:<12}{dtype:<9}" + "".join(f"{c:>22}" for c in cells), flush=True)
    finally:
        _parallel._grain_override(0)
        cact.set_num_threads(saved)
    print(f"parallelism probe after: {_probe(nt):.2f}x")
    return 0


def _probe(nt):
    return float(np.median([_parallel._probe(nt) for _ in range(7)]))


def _wait_for_cores(nt, seconds):
    """The probe, after waiting up to `seconds` for it to reach 90% of nt."""
    import time
    end = time.monotonic() + seconds
    p = _probe(nt)
    while p < 0.9 * nt and time.monotonic() < end:
        time.sleep(1.0)
        p = _probe(nt)
    return p


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.tune_threads:
        return tune_threads(args)
    peers = available_peers(args.peers)
    missing = [p for p in args.peers if p not in peers]
    if "torch" in peers:
        import torch
        torch.set_num_threads(1)
    saved_threads = cact.get_num_threads()
    env = environment(peers)
    print(f"cact {env['cact']} at {env['isa']}; {env['cpu']}; {env['compiler']}; peers: {', '.join(peers) or 'none'}"
          + (f" (not installed: {', '.join(missing)})" if missing else ""), flush=True)
    results = {}
    dtypes = [] if args.only_threads else args.dtypes
    bar = Progress(len(dtypes) * len(args.sizes) * len(args.kernels), quiet=args.quiet, force=args.progress)
    try:
        cact.set_num_threads(1)
        for dtype in dtypes:
            for n in args.sizes:
                for kernel in args.kernels:
                    bar.step(f"{kernel} {dtype} {n}")
                    row, flags = group(kernel, dtype, n, peers, args.repeats if n < 1 << 22 else min(args.repeats, 5),
                                       args.min_sample, stat=args.stat)
                    results[(kernel, dtype, n)] = (row, flags)
                    bp, who = best_peer(row, flags)
                    best = min(row["cact"], row["cact inplace"])
                    bar.clear()
                    print(f"{kernel:<13}{dtype:<8}{n:>9}  cact {best / n * 1e9:8.3f} ns/elt  "
                          f"{('peer ' + who) if who else '':<19}{(bp / n * 1e9) if bp else float('nan'):8.3f}"
                          f"  stream {row['stream'] / n * 1e9:7.3f}"
                          + (f"  cact.fast {row['cact.fast'] / n * 1e9:8.3f}" if "cact.fast" in row else "")
                          + (f"  flagged: {', '.join(flags)}" if flags else ""), flush=True)
        ov = None
        if not args.only_threads:
            ov = call_overhead(peers, max(args.repeats, 5), args.min_sample)
            print("64-element calls: " + ", ".join(f"{k} {v * 1e6:.3f} us" for k, v in ov.items()), flush=True)
        tresults, nthreads = {}, 0
        if not args.no_threads:
            nthreads = args.threads or env["usable_cpus"]
            tresults = threads_run(args, peers, nthreads)
    finally:
        bar.close()
        cact.set_num_threads(saved_threads)
    text = report(env, args, results, tresults, nthreads, peers, ov)
    out = args.out or default_out()
    if out != "-":
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as fh:
            fh.write(text)
        with open(os.path.splitext(out)[0] + ".json", "w") as fh:
            json.dump({"env": env, "overhead_seconds_per_call": ov,
                       "single": [{"kernel": k, "dtype": d, "n": n, "seconds_per_call": r, "flags": f}
                                              for (k, d, n), (r, f) in results.items()],
                       "threads": nthreads,
                       "multi": [{"kernel": k, "dtype": d, "n": 1 << 24, "seconds_per_call": r}
                                 for (k, d), r in tresults.items()]}, fh, indent=1)
    print()
    print(text)
    if out != "-":
        print(f"written: {out}")
    return 0


def threads_run(args, peers, nthreads):
    """cact on 1 and nthreads threads at 2**24 against torch/ORT on nthreads."""
    n = 1 << 24
    out = {}
    torch = None
    if "torch" in peers:
        import torch
        torch.set_num_threads(nthreads)
    try:
        for dtype in args.dtypes:
            for kernel in args.kernels:
                x0 = np.random.default_rng(0).uniform(-8, 8, n).astype(dtype)
                impls = cact_impls(kernel, x0)[:1]
                impls[0].ns = dict(impls[0].ns)
                one = Impl("cact1", "set(1); f(x, out=y, **kw); set(nt)", dict(impls[0].ns, set=cact.set_num_threads,
                                                                           nt=nthreads))
                if "torch" in peers:
                    impls += torch_impls(kernel, x0)
                if "ort" in peers:
                    impls += ort_impls(kernel, x0, nthreads)
                impls.append(stream_impl(x0))
                # The cores are measured only when this process has them:
                # wait (up to --wait seconds) until the probe says the other
                # cores are free, and record the probe before and after.
                before = _wait_for_cores(nthreads, args.wait)
                cact.set_num_threads(nthreads)
                secs = measure([one] + impls, n, min(args.repeats, 5), args.min_sample)
                after = _probe(nthreads)
                row = {im.column: t for im, t in zip([one] + impls, secs)}
                row["probe"] = (before, after)
                out[(kernel, dtype)] = row
                print(f"{kernel:<13}{dtype:<8}{n:>9}  cact 1T {row['cact1'] / n * 1e9:7.3f}  "
                      f"{nthreads}T {row['cact'] / n * 1e9:7.3f} ns/elt  (probe {before:.2f}/{after:.2f})",
                      flush=True)
    finally:
        cact.set_num_threads(1)
        if torch is not None:
            torch.set_num_threads(1)
    return out


if __name__ == "__main__":
    sys.exit(main())
