"""A small PyTorch MLP forward on the CPU, one thread: torch's activations
against cact.torch's (both tiers), and the per-call overhead of an
activation on a tiny tensor.

    python benchmarks/bench_torch_mlp.py [--runs 400] [--batches 1,64]

The MLP: Linear(512, 2048) -> activation -> Linear(2048, 512), the
activation GELU (erf), GELU(approximate='tanh') or SiLU, float32, under
torch.inference_mode() (and a second table under torch.no_grad(), the
autograd-enabled tensors' path).  The variants run alternately, round
after round, so that the shared machine's load hits each alike; the figure
is the median per forward.  The overhead rows: one activation call on a
tensor of 8 elements (module call, checks, the output tensor, the kernel).
Run from the repository root (PYTHONPATH=. for an in-place build).
"""
import argparse
import statistics
import time

import torch

import cact
import cact.torch as ct

ACTS = {
    "gelu": (lambda: torch.nn.GELU(), lambda tier: ct.GELU(tier=tier)),
    "gelu_tanh": (lambda: torch.nn.GELU(approximate="tanh"), lambda tier: ct.GELU(approximate="tanh", tier=tier)),
    "silu": (lambda: torch.nn.SiLU(), lambda tier: ct.SiLU(tier=tier)),
}


def mlp(act):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(512, 2048), act, torch.nn.Linear(2048, 512)).eval()


def rounds(calls, runs, inner):
    """{name: median seconds per call} over `runs` rounds, calls alternating."""
    times = {name: [] for name in calls}
    for f in calls.values():                       # warm up
        for _ in range(3):
            f()
    for _ in range(runs):
        for name, f in calls.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                f()
            times[name].append((time.perf_counter() - t0) / inner)
    return {name: statistics.median(v) for name, v in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=400)
    ap.add_argument("--batches", default="1,64")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cact.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, cact {cact.__version__} ({cact.isa_level()}), "
          f"{args.threads} thread(s), median of {args.runs} alternating rounds")
    for mode_name, mode in (("inference_mode", torch.inference_mode), ("no_grad", torch.no_grad)):
        print(f"\n## MLP 512 -> 2048 -> 512 forward, float32, torch.{mode_name}()\n")
        print("| activation | batch | torch (us) | cact accurate (us) | cact fast (us) | accurate / torch | "
              "fast / torch |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for batch in (int(b) for b in args.batches.split(",")):
            x = torch.randn(batch, 512)
            for act, (make_torch, make_cact) in ACTS.items():
                models = {"torch": mlp(make_torch()), "accurate": mlp(make_cact("accurate")),
                          "fast": mlp(make_cact("fast"))}
                with mode():
                    ref = models["torch"](x)
                    for m in models.values():
                        torch.testing.assert_close(m(x), ref, rtol=1e-4, atol=1e-5)
                    inner = 20 if batch == 1 else 4
                    med = rounds({k: (lambda m=m: m(x)) for k, m in models.items()}, args.runs, inner)
                print(f"| {act} | {batch} | {med['torch'] * 1e6:.1f} | {med['accurate'] * 1e6:.1f} | "
                      f"{med['fast'] * 1e6:.1f} | {med['accurate'] / med['torch']:.3f} | "
                      f"{med['fast'] / med['torch']:.3f} |")

    print("\n## The activation alone on the hidden tensor (batch, 2048), float32, torch.inference_mode()\n")
    print("| activation | batch | torch (us) | cact accurate (us) | cact fast (us) | accurate / torch | "
          "fast / torch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for batch in (int(b) for b in args.batches.split(",")):
        h = torch.randn(batch, 2048)
        for act, (make_torch, make_cact) in ACTS.items():
            fs = {"torch": make_torch(), "accurate": make_cact("accurate"), "fast": make_cact("fast")}
            with torch.inference_mode():
                med = rounds({k: (lambda f=f: f(h)) for k, f in fs.items()}, args.runs, 50 if batch == 1 else 5)
            print(f"| {act} | {batch} | {med['torch'] * 1e6:.1f} | {med['accurate'] * 1e6:.1f} | "
                  f"{med['fast'] * 1e6:.1f} | {med['accurate'] / med['torch']:.3f} | "
                  f"{med['fast'] / med['torch']:.3f} |")

    print("\n## One activation call on 8 float32 elements (per-call overhead), torch.inference_mode()\n")
    print("| call | torch (us) | cact.torch (us) | difference (us) |")
    print("|---|---:|---:|---:|")
    t = torch.randn(8)
    pairs = {
        "GELU module": (torch.nn.GELU(), ct.GELU()),
        "SiLU module": (torch.nn.SiLU(), ct.SiLU()),
        "gelu function": (torch.nn.functional.gelu, ct.gelu),
        "silu function": (torch.nn.functional.silu, ct.silu),
        "silu in place": (lambda u: torch.nn.functional.silu(u, inplace=True), lambda u: ct.silu(u, inplace=True)),
        "softmax(dim=-1)": (lambda u: torch.softmax(u, -1), lambda u: ct.softmax(u, -1)),
    }
    with torch.inference_mode():
        for name, (tf, cf) in pairs.items():
            med = rounds({"torch": lambda: tf(t), "cact": lambda: cf(t)}, args.runs, 200)
            print(f"| {name} | {med['torch'] * 1e6:.2f} | {med['cact'] * 1e6:.2f} | "
                  f"{(med['cact'] - med['torch']) * 1e6:+.2f} |")


if __name__ == "__main__":
    main()
