"""The C kernels themselves, with no Python in between: every kernel of the
catalogue (elementwise and along an axis), both dtypes, every ISA level,
lengths 0..130 and around 4 KiB (axis kernels: rows 0..66 long, chunked
rows, short rows, column tiles, empty shapes), in place and out of place,
buffers ending exactly at (and starting exactly after) a PROT_NONE guard
page, starts offset 1..15 elements -- built once with AddressSanitizer +
UndefinedBehaviorSanitizer (+ float-cast-overflow) and once plain (the guard
pages alone check the uninstrumented machine code).  The programs are in
tests/c/ (see tests/c/build.py); a failure prints the kernel, placement,
length and level.

The Python extension under the sanitizers is a separate run
(``.ci/sanitize``, README "Guarantees").
"""
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

if not sys.platform.startswith("linux"):
    pytest.skip("guard pages via mmap/mprotect: Linux only", allow_module_level=True)


def _load_build():
    """tests/c/build.py, loaded once per process (its build cache is shared)."""
    if "cact_tests_c_build" not in sys.modules:
        spec = importlib.util.spec_from_file_location("cact_tests_c_build", os.path.join(HERE, "c", "build.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sys.modules["cact_tests_c_build"] = mod
    return sys.modules["cact_tests_c_build"]


build = _load_build()


def _asan_works(tmp):
    """Whether the compiler can build and run an ASan+UBSan program here."""
    src = os.path.join(tmp, "probe.c")
    with open(src, "w") as fh:
        fh.write("int main(void) { return 0; }\n")
    exe = os.path.join(tmp, "probe")
    r = subprocess.run([build.compiler(), "-fsanitize=address,undefined", src, "-o", exe], capture_output=True)
    return r.returncode == 0 and subprocess.run([exe]).returncode == 0


@pytest.fixture(scope="module")
def asan_works(tmp_path_factory):
    if shutil.which(build.compiler()) is None:
        pytest.skip(f"no C compiler ({build.compiler()}) to build tests/c")
    return _asan_works(str(tmp_path_factory.mktemp("probe")))


@pytest.mark.parametrize("variant", ["asan", "plain"])
@pytest.mark.parametrize("program", build.PROGRAMS)
def test_c_kernels_guarded(asan_works, program, variant):
    if variant == "asan" and not asan_works:
        pytest.skip(f"{build.compiler()} cannot build AddressSanitizer programs here")
    exe, _ = build.built(program, variant)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    env.pop("CACT_ISA", None)
    env.pop("LD_PRELOAD", None)
    r = subprocess.run([exe], capture_output=True, text=True, env=env, timeout=600)
    report = r.stdout + r.stderr
    assert r.returncode == 0, report[-6000:]
    assert " 0 failures" in r.stdout, report[-6000:]
    assert "baseline:" in r.stdout and "ok" in r.stdout
    assert "FAILED" not in r.stdout


def test_generated_list_covers_the_catalogue():
    """The C drivers' kernel lists are the catalogue's, both dtypes."""
    cat = build.load_catalogue()
    rows = build.elementwise_kernels(cat)
    assert len(rows) == 2 * len(cat.KERNELS)
    assert {k for k, _, _ in rows} == set(cat.KERNELS)
    axis = build.axis_kernels(cat)
    assert {k for k, _, _ in axis} == {row[0] for row in cat.AXIS} and len(axis) == 2 * len(cat.AXIS)
    header = build.gen_kernels_inc(cat)
    for k in list(cat.KERNELS) + [row[0] for row in cat.AXIS]:
        assert f"cact_{k}_f32(" in header and f"cact_{k}_f64(" in header
