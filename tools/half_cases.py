"""Measure the float16 / bfloat16 kernels on every input and write what the
tests list: tests/data/half_double_rounding.json (per kernel and dtype, the
inputs, as bit patterns, whose result is not the correctly rounded one --
each a double-rounding case, 1 ulp away -- at any ISA level this CPU has)
and the table between the half markers of docs/accuracy.md.

    python tools/half_cases.py          # rewrite both
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

import numpy as np  # noqa: E402
from half_cases import (  # noqa: E402
    DATA,
    accurate_kernels,
    all_inputs,
    compare,
    correctly_rounded,
    fast_kernels,
    half_dtypes,
    kernel_kwargs,
)
from helpers import available_levels, set_level  # noqa: E402

import cact  # noqa: E402
import cact.fast  # noqa: E402

BEGIN, END = "<!-- BEGIN HALF CASES -->", "<!-- END HALF CASES -->"


def measure():
    cases, counts = {}, {}
    for tier, rows in (("accurate", accurate_kernels()), ("fast", fast_kernels())):
        for f, k in rows:
            fn = getattr(cact.fast if tier == "fast" else cact, f.name)
            bound = f.fast[k].ulp[0] if tier == "fast" else f.ulp[0]
            for dt in half_dtypes():
                x = all_inputs(dt)
                ref, r = correctly_rounded(f, k, x, dt.name)
                per_level = {}
                for lv in available_levels():
                    set_level(lv)
                    bad, _, _ = compare(fn(x, **kernel_kwargs(f, k)), ref, r, dt.name, bound, x)
                    per_level[lv] = set(int(b) for b in x[bad].view(np.uint16))
                set_level(None)
                union = sorted(set().union(*per_level.values()))
                if tier == "accurate":
                    cases.setdefault(k, {})[dt.name] = union
                counts[(tier, k, dt.name)] = {lv: len(v) for lv, v in per_level.items()}
    return cases, counts


def table(counts):
    levels = available_levels()
    L = ["| tier | kernel | dtype | " + " | ".join(levels) + " |",
         "|---|---|---|" + "---|" * len(levels)]
    for (tier, k, dt), c in counts.items():
        if not any(c.values()):
            continue
        L.append(f"| {tier} | `{k}` | {dt} | " + " | ".join(str(c[lv]) for lv in levels) + " |")
    return "\n".join(L)


def main():
    cases, counts = measure()
    with open(DATA, "w") as fh:
        json.dump(cases, fh, indent=0, sort_keys=True)
        fh.write("\n")
    path = os.path.join(ROOT, "docs", "accuracy.md")
    text = open(path).read()
    if BEGIN in text:
        i, j = text.index(BEGIN) + len(BEGIN), text.index(END)
        text = text[:i] + "\n" + table(counts) + "\n" + text[j:]
        open(path, "w").write(text)
    else:
        print(table(counts))


if __name__ == "__main__":
    main()
