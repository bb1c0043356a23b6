"""The command line: `python -m cact` (the catalogue with measured
accuracy and speed) and `python -m cact bench` (the benchmark),
run as a user runs them, in a subprocess, with and without the optional
peers (CI's environment has none of scipy/torch/onnxruntime; numpy is
always there)."""
import json
import subprocess
import sys

import pytest
from helpers import subprocess_env

import cact


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
            if len(ln.split()) in (7, 8) and ln.split()[1] in ("float32", "float64")]
    # one row per kernel and dtype (gelu's two kernels print as gelu(approximate=...)),
    # and one per function along an axis and dtype
    assert len(rows) == 2 * (len(cact._catalogue.KERNELS) + len(cact._catalogue.ALONG_AXIS)), out
    for r in rows:
        name = r[0].split("(")[0]
        ulp, cact_ns, numpy_ns = float(r[2]), float(r[4]), float(r[5])
        bound = max(u for f in cact._catalogue.ELEMENTWISE + cact._catalogue.ALONG_AXIS
                    if f.name == name for u in _bounds(f))
        assert 0 <= ulp <= bound, r        # the measured error is printed and within the asserted bound
        assert cact_ns > 0 and numpy_ns > 0, r
        assert r[6].endswith("x") and (len(r) == 7 or r[7] == "~"), r


def _bounds(f):
    u = f.ulp
    return [v for x in (u.values() if isinstance(u, dict) else [u]) for v in x]


def test_command_line_errors(tmp_path):
    """--help explains; an unknown argument, function or dtype is an error
    with the usage line, and nothing is measured."""
    for args, code, text in ((["--help"], 0, "usage: python -m cact"),
                             (["--bogus"], 2, "unrecognized arguments: --bogus"),
                             (["-f", "nope"], 2, "unknown function(s): nope"),
                             (["--dtypes", "int8"], 2, "unknown dtype(s): int8")):
        p = subprocess.run([sys.executable, "-m", "cact"] + args, cwd=tmp_path, env=subprocess_env(),
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == code, (args, p.stdout, p.stderr)
        assert text in p.stdout + p.stderr, (args, p.stdout, p.stderr)
        assert "worst x" not in p.stdout   # no table


def test_main_table_some_functions(tmp_path):
    out = run(["-f", "relu,softmax", "--dtypes", "float32", "--repeats", "1"], tmp_path)
    rows = [ln.split()[0] for ln in out.splitlines() if " float32 " in ln]
    assert rows == ["relu", "softmax(rows=1024)"], out


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
