#!/usr/bin/env python3
"""The fast tier's measured maxima along an axis (cact.fast.softmax,
log_softmax, softmin): max error in ulps (the fast tier's rule for subnormal
float32 results) on rows of 50257 entries and the columns of a [50257, 20]
block, spreads 1, 20, 87 (float32) / 1, 30, 700 (float64) times shifts -5,
0.25, 40, and the adversarial rows of tests/test_fast_axis.py; at every ISA
level the CPU has; long double reference (the columns' taken from the
rows').  Prints a markdown table.

    python benchmarks/fast_axis_bounds.py
"""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from helpers import available_levels, fast_worst_ulp, longdouble_axis_reference, set_level  # noqa: E402
from test_fast_axis import adversarial_rows, rows  # noqa: E402

import cact.fast  # noqa: E402


def main():
    print("| function | dtype | level | max ulp | where |\n|---|---|---|---|---|")
    for lv in available_levels():
        set_level(lv)
        for op in ("softmax", "log_softmax", "softmin"):
            for dt in ("float32", "float64"):
                worst = (0.0, "")
                spreads = [1.0, 20.0, 87.0] if dt == "float32" else [1.0, 30.0, 700.0]
                cases = [(rows(dt, 50257, sp, sh * sp, nrows=2), f"spread {sp:g} shift {sh:g}")
                         for sp in spreads for sh in (-5.0, 0.25, 40.0)]
                cases.append((adversarial_rows(dt), "adversarial"))
                for x, what in cases:
                    r = longdouble_axis_reference(x, op, -1)
                    for axis, xa in ((-1, x), (0, np.ascontiguousarray(np.tile(x.T, (1, 10))))):
                        ref = r if axis == -1 else tuple(np.tile(h.T, (1, 10)) for h in r)
                        e, _ = fast_worst_ulp(getattr(cact.fast, op)(xa, axis=axis), *ref)
                        if e > worst[0]:
                            worst = (e, f"{what}, axis {axis}")
                print(f"| {op} | {dt} | {lv} | {worst[0]:.3f} | {worst[1]} |", flush=True)


if __name__ == "__main__":
    main()
