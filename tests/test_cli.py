"""The command line: `python -m cact` (the catalogue with measured
accuracy and speed) and `python -m cact bench` (the benchmark),
run as a user runs them, in a subprocess, with and without the optional
peers (CI's environment has none of scipy/torch/onnxruntime; numpy is
always there)."""
import json
import subprocess
import sys

import pytest

import cact

from helpers import subprocess_env


def run(args, cwd):
    """python -m cact args, in a subprocess that imports the cact under test."""
    p = subprocess.run([sys.executable, "-m", "cact"] + args, cwd=cwd, env=subprocess_env(),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert f"cact {cact.__version__}" in p.stdout
    return p.stdout


def test_main_table(tmp_path):
    out = run(["--quick"], tmp_path)
    rows = [ln.split() for ln in out.splitlines()
            if len(ln.split()) == 7 and ln.split()[1] in ("float32", "float64")]
    # one row per kernel and dtype (gelu's two kernels print as gelu(approximate=...))
    assert len(rows) == 2 * len(cact._catalogue.KERNELS), out
    for r in rows:
        ulp, cact_ns, numpy_ns = float(r[2]), float(r[4]), float(r[5])
        assert 0 <= ulp <= 1.0, r          # the measured error is printed and within the target
        assert cact_ns > 0 and numpy_ns > 0, r


@pytest.mark.parametrize("peers", ["", "numpy", None])
def test_bench_runs(tmp_path, peers):
    args = ["bench", "-f", "relu,sigmoid,gelu", "--sizes", "64,4096", "--repeats", "1", "--no-threads",
            "--out", str(tmp_path / "r.md")]
    if peers is not None:        # None: the default, every peer that is installed
        args += ["--peers", peers]
    out = run(args, tmp_path)
    assert "64-element calls" in out
    text = (tmp_path / "r.md").read_text()
    data = json.loads((tmp_path / "r.json").read_text())
    cells = {(r["kernel"], r["dtype"], r["n"]) for r in data["single"]}
    assert cells == {(k, d, n) for k in ("relu", "sigmoid", "gelu") for d in ("float32", "float64")
                     for n in (64, 4096)}
    for r in data["single"]:
        assert r["seconds_per_call"]["cact"] > 0 and r["seconds_per_call"]["stream"] > 0
        if peers == "":
            assert "numpy" not in r["seconds_per_call"], r
        else:
            assert r["seconds_per_call"]["numpy"] > 0
    assert "sigmoid" in text and cact.isa_level() in text      # the report names the ISA level it ran
