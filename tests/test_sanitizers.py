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

And cact's thread pool (pyx/_parallel.h) under ThreadSanitizer: caller
threads running kernels through it at once while another changes the
thread count (tests/c/pool_tsan.c).

The Python extension under the sanitizers is a separate run
(``.ci/sanitize``).
"""
import os
import shutil
import subprocess
import sys

import pytest
from c import build  # tests/c/build.py

# one pytest-xdist worker builds kernels.c under ASan (~5 min of gcc) once for all
pytestmark = pytest.mark.xdist_group("c_guard")


if not sys.platform.startswith("linux"):
    pytest.skip("guard pages via mmap/mprotect: Linux only", allow_module_level=True)




def _sanitizer_works(tmp, flag):
    """Whether the compiler can build and run a program with -fsanitize=flag here."""
    src = os.path.join(tmp, "probe.c")
    with open(src, "w") as fh:
        fh.write("int main(void) { return 0; }\n")
    exe = os.path.join(tmp, "probe")
    r = subprocess.run([build.compiler(), f"-fsanitize={flag}", src, "-o", exe], capture_output=True)
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return r.returncode == 0 and subprocess.run([exe], env=env, capture_output=True).returncode == 0


def _asan_works(tmp):
    return _sanitizer_works(tmp, "address,undefined")


@pytest.fixture(scope="module")
def asan_works(tmp_path_factory):
    if shutil.which(build.compiler()) is None:
        pytest.skip(f"no C compiler ({build.compiler()}) to build tests/c")
    return _asan_works(str(tmp_path_factory.mktemp("probe")))


@pytest.mark.slow
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


@pytest.mark.slow
def test_thread_pool_under_thread_sanitizer(tmp_path):
    if shutil.which(build.compiler()) is None:
        pytest.skip(f"no C compiler ({build.compiler()})")
    if not _sanitizer_works(str(tmp_path), "thread"):
        pytest.skip(f"{build.compiler()} cannot build and run ThreadSanitizer programs here")
    exe = build.build_pool_tsan(str(tmp_path))
    env = dict(os.environ, TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1")
    env.pop("LD_PRELOAD", None)
    r = subprocess.run([exe], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, (r.stdout + r.stderr)[-6000:]
    assert " 0 failures" in r.stdout


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
