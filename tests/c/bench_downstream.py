#!/usr/bin/env python3
"""A downstream build's kernel speed against cact's own.

    python tests/c/bench_downstream.py

Builds tests/c/downstream/gelu_ext.c (a CPython extension that includes
<cact/cact.h>, see tests/test_embedding.py) with the kernels compiled in it
(-DCACT_STATIC), in a scratch directory with
Python's default flags, with -O0, with -O2, and with -O2 plus
-DCACT_NO_OPTIMIZE_ATTRIBUTE (the header without its own optimisation
options), then times each in-place kernel against cact.<name>(x, out=x) on
one thread.  Prints ns per element (medians of repeated runs).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import timeit

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
import cact  # noqa: E402

VARIANTS = {"default (-O3 from sysconfig)": [], "-O0": ["-O0"], "-O2": ["-O2"],
            "-O2, no optimize attribute": ["-O2", "-DCACT_NO_OPTIMIZE_ATTRIBUTE"]}
KERNELS = ["relu", "hard_swish", "sigmoid", "gelu"]
SIZES = [4096, 262144]


def build(d, name, flags):
    shutil.copy2(os.path.join(HERE, "downstream", "gelu_ext.c"), os.path.join(d, f"{name}.c"))
    src = open(os.path.join(d, f"{name}.c")).read().replace("cact_downstream_c", name)
    open(os.path.join(d, f"{name}.c"), "w").write(src)
    with open(os.path.join(d, f"setup_{name}.py"), "w") as fh:
        fh.write(textwrap.dedent(f"""\
            from setuptools import setup, Extension
            setup(name={name!r}, ext_modules=[Extension({name!r}, [{name + '.c'!r}],
                  include_dirs=[{cact.get_include()!r}], extra_compile_args={["-DCACT_STATIC"] + flags!r},
                  libraries=["m"])])
            """))
    subprocess.run([sys.executable, f"setup_{name}.py", "-q", "build_ext", "--inplace"], cwd=d, check=True,
                   capture_output=True)


def per_element(f, x, n=None):
    n = n or max(1, int(2e6 / x.size))
    return min(timeit.repeat(lambda: f(x), number=n, repeat=7)) / n / x.size * 1e9


def main():
    cact.set_num_threads(1)
    d = tempfile.mkdtemp()
    sys.path.insert(0, d)
    mods = {}
    for i, (label, flags) in enumerate(VARIANTS.items()):
        build(d, f"ds{i}", flags)
        mods[label] = __import__(f"ds{i}")
    print(f"cact {cact.__version__}, {cact.isa_level()}; ns per element, float32, in place, one thread")
    print("| kernel | n | cact | " + " | ".join(f"downstream {k}" for k in VARIANTS) + " |")
    print("|---|---|---|" + "---|" * len(VARIANTS))
    rng = np.random.default_rng(0)
    for k in KERNELS:
        for n in SIZES:
            x = rng.uniform(-8, 8, n).astype(np.float32)
            f = getattr(cact, k)
            row = [per_element(lambda a: f(a, out=a), x)]
            row += [per_element(getattr(m, f"{k}_f32"), x) for m in mods.values()]
            print(f"| {k} | {n} | " + " | ".join(f"{t:.3f}" for t in row) + " |")
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
