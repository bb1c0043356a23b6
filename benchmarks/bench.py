#!/usr/bin/env python3
"""The speed benchmark of cact against numpy, SciPy, PyTorch and ONNX Runtime.

    python benchmarks/bench.py [--quick] [--functions sigmoid,relu] [--sizes 4096] ...
    python -m cact bench ...          (the same, from an installed cact)

The code lives in cact/_bench.py so that an installed cact can run it; see
its docstring (or --help) for what is measured and how.
"""
import glob
import os
import sys

if __name__ == "__main__":
    # from a source checkout with an in-place build, use that build
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if glob.glob(os.path.join(root, "cact", "_elementwise*")):
        sys.path.insert(0, root)
    from cact._bench import main
    sys.exit(main())
