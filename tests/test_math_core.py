"""The vectorized math core of the elementwise kernels:

- accuracy: the C checker of tools/exhaustive/ on a stride of every float32
  bit pattern and a float64 random sample, every kernel, every ISA level the
  CPU has, against the catalogue's bounds (tools/exhaustive/ also runs
  every float32 input);
- the checker's long double references against mpmath (so that the checker
  itself can be trusted, tails and cancelling regions included);
- vectorization: the object code of every kernel has packed AVX-512 / AVX2
  arithmetic at the v4 / v3 levels and calls no libm function at any level;
- position and length independence: a value gives the same bits at every
  offset of a vector and in arrays of every length, special values
  included, at every ISA level the CPU has.

The C parts skip cleanly where there is no C compiler (or objdump).
"""
import functools
import math
import os
import platform
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import LEVELS, ROOT, bits, run

from cact._catalogue import FAST_KERNELS, KERNEL_FUNC, KERNELS
from cact._catalogue_grad import GRAD

# one pytest-xdist worker builds the checker and the object code once for all
pytestmark = pytest.mark.xdist_group("math_core")

TOOLS = os.path.join(ROOT, "tools", "exhaustive")
INCLUDE = os.path.join(ROOT, "include")
# the flags setup.py compiles the kernels with (no -m flags: per-level instantiation)
KFLAGS = ["-O3", "-fno-math-errno", "-fno-trapping-math"]
# the C kernels: the accurate ones and the fast tier's (cact_fast_<kernel>)
ALL_KERNELS = tuple(KERNELS) + tuple("fast_" + k for k in FAST_KERNELS)
F32_STRIDE = 331          # ~13 million float32 patterns per kernel and level
F64_SAMPLES = 1_500_000


def _cc():
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    return cc


needs_cc = pytest.mark.skipif(_cc() is None or not os.path.exists(TOOLS),
                              reason="no C compiler, or not a source checkout")


@functools.lru_cache(maxsize=None)
def _checker(tmpdir):
    exe = os.path.join(tmpdir, "check")
    cmd = [_cc(), *KFLAGS, "-I" + INCLUDE, "-o", exe, os.path.join(TOOLS, "check.c"), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail("cannot build the checker:\n" + r.stderr[-3000:])
    return exe


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    return _checker(str(tmp_path_factory.mktemp("mathcore")))


LINE = re.compile(r"^(f32|f64)\s+(\w+)\s+(v4|v3|base)\s+max\s+(\S+)\s+ulp at x=\s*(\S+).*"
                  r">0\.5:\s+(\d+)\s+>1:\s+(\d+)\s+n=(\d+)(?: differs-from-v4=(\d+))?")


def _parse(out):
    rows = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            dt, k, lv, mx, x, _, over1, n, diff = m.groups()
            rows[(dt, k, lv)] = (float(mx), x, int(over1), int(n), None if diff is None else int(diff))
    return rows


# the checker's entries for a kernel at other parameters: <kernel>_b<tag>
VARIANT = re.compile(r"^(\w+?)_b[m0-9]+$")


def _kernel_of(entry):
    m = VARIANT.match(entry)
    return m.group(1) if m else entry


def _bound(entry, dt):
    """The catalogue's bound of a checker entry: fast_<kernel> entries (the
    fast tier) have their Fast.ulp, the others the kernel's ulp."""
    k = _kernel_of(entry)
    if k.endswith("_grad"):                     # a backward kernel: f'(x), cact/_catalogue_grad.py
        return GRAD[k[:-len("_grad")]].ulp[dt == "f64"]
    if k.startswith("fast_"):
        k = k[len("fast_"):]
        return KERNEL_FUNC[k].fast[k].ulp[dt == "f64"]
    return KERNEL_FUNC[k].ulp[dt == "f64"]


def _check_rows(rows, dt):
    assert rows, "the checker printed nothing"
    kernels = {_kernel_of(k) for (_, k, _) in rows}
    want = set(KERNELS) | {"fast_" + k for k in FAST_KERNELS} | {g + "_grad" for g in GRAD}
    assert kernels == want, kernels ^ want
    failures = []
    for (d, k, lv), (mx, x, over1, n, diff) in sorted(rows.items()):
        bound = _bound(k, dt)
        if not mx <= bound:
            failures.append(f"{d} {k} {lv}: {mx} ulp at x={x} (bound {bound})")
        if lv == "v3" and diff:
            failures.append(f"{d} {k}: v3 differs from v4 in {diff} results")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
@needs_cc
def test_float32_strided_every_kernel_and_level(checker):
    """Every 331st float32 bit pattern: max ulp within the catalogue bound at
    every level (the fast tier's kernels within theirs, subnormal results
    under the tier's rule); v3 gives v4's bits."""
    r = subprocess.run([checker, "f32", "--stride", str(F32_STRIDE)], capture_output=True, text=True)
    # exit status 1: a fast kernel over its bound (the rows below say which)
    assert r.returncode in (0, 1), r.stderr
    _check_rows(_parse(r.stdout), "f32")
    assert r.returncode == 0, r.stdout[-3000:]


@pytest.mark.slow
@needs_cc
def test_float64_sampled_every_kernel_and_level(checker):
    r = subprocess.run([checker, "f64", "--samples", str(F64_SAMPLES), "--seed", "7"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    _check_rows(_parse(r.stdout), "f64")


# --- the checker's references against mpmath ------------------------------

def _ref_inputs(dtype):
    from cact._reference import sample
    x = sample(dtype, n_log=40, seed=5)
    x = x[::4]
    extra = np.array([-5.84, -6.52, -14.0, -38.0, -37.6, -30.0, -21.18, -9.0, 1e-9, -3e-8, 0.0625,
                      0.49, 0.51, -708.5, -745.0, 709.5, 36.7, -36.7, 2.5 * math.sqrt(2), -3.0 + 2 ** -40,
                      1e-100, -1e-200, 3e-103])
    if dtype == np.float32:
        extra = extra[np.abs(extra) < 3e38]
    return np.unique(np.concatenate([x, extra.astype(dtype)]))


@pytest.mark.slow
@needs_cc
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_checker_references_match_mpmath(checker, dt):
    """The long double references agree with mpmath to 2^-58 relative for
    float64 inputs (gelu/gelu_tanh tails, tanhshrink near 0, hard_sigmoid near
    its kink included) and 2^-44 for float32 inputs (where two references
    use plain long double formulas, the exp family double libm), so the checker measures ulps to +-0.03
    (float64) and +-2^-20 (float32)."""
    pytest.importorskip("mpmath")
    from cact._reference import reference
    t = np.dtype(dt)
    x = _ref_inputs(t)
    x = x[np.isfinite(x)]
    mode = "ref32" if t == np.float32 else "ref64"
    rel = 2.0 ** -44 if t == np.float32 else 2.0 ** -58   # 2^-20 / 2^-5 of an ulp
    text = "\n".join(float(v).hex() for v in x) + "\n"
    bad = []
    for k in KERNELS:
        r = subprocess.run([checker, mode, k], input=text, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        got = np.array([[float.fromhex(a) for a in line.split()] for line in r.stdout.split("\n") if line])
        ghi = got[:, 0]
        glo = got[:, 1].astype(np.longdouble)                      # the C side's residual,
        small = np.abs(ghi) < 2.0 ** -500                              # scaled by 2^600 there
        glo[small] = np.ldexp(glo[small], -600)
        hi, lo = reference(k, x)
        for i in range(len(x)):
            if math.isnan(hi[i]):
                if not math.isnan(ghi[i]):
                    bad.append((k, x[i], "nan expected"))
                continue
            if math.isinf(hi[i]):
                if ghi[i] != hi[i]:
                    bad.append((k, x[i], "inf expected"))
                continue
            diff = abs((np.longdouble(ghi[i]) - hi[i]) + (glo[i] - lo[i]))
            scale = abs(np.longdouble(hi[i]) + lo[i])
            if diff > rel * scale + np.ldexp(np.longdouble(1), -1100):
                bad.append((k, float(x[i]), float(diff / scale) if scale else float(diff)))
    assert not bad, bad[:20]


# --- vectorization, verified in the object code ----------------------------

def _objdump():
    return shutil.which("objdump")


def _disassembly(tmpdir):
    src = os.path.join(tmpdir, "kernels.c")
    obj = os.path.join(tmpdir, "kernels.o")
    with open(src, "w") as f:
        f.write("#define CACT_STATIC\n#include <cact/cact.h>\n"
                "#define K(n) (void (*)(void))cact_##n##_f32, (void (*)(void))cact_##n##_f64,\n")
        keep = " ".join(f"K({k})" for k in ALL_KERNELS)
        f.write("void (*cact_test_keep[])(void) = { " + keep + " };\n")
    r = subprocess.run([_cc(), *KFLAGS, "-I" + INCLUDE, "-c", src, "-o", obj], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(r.stderr[-3000:])
    # -r: a call out of an unlinked object shows its target as a relocation
    # on the next line; fold it into the call ("call <memmove>")
    d = subprocess.run([_objdump(), "-dr", "--no-show-raw-insn", obj], capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in d.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:", line)
        if m:
            cur = m.group(1)
            funcs[cur] = []
            continue
        rel = re.search(r"R_X86_64_\w+\s+([\w.@]+)", line)
        if cur and rel and funcs[cur] and funcs[cur][-1].startswith(("call", "jmp")):
            funcs[cur][-1] = funcs[cur][-1].split()[0] + f" <{rel.group(1)}>"
        elif cur and "\t" in line:
            funcs[cur].append(line.split("\t", 1)[1].strip())
    return funcs


needs_x86_tools = pytest.mark.skipif(
    _cc() is None or _objdump() is None or platform.machine() not in ("x86_64", "AMD64"),
    reason="needs a C compiler, objdump and x86-64")

PACKED = re.compile(r"^v(fn?m(add|sub)\d+p[sd]|mulp[sd]|addp[sd]|subp[sd]|divp[sd]|cvt\w*p[sd]\w*)\b")
# a call out of a kernel is a libm (or other) function call: none is allowed,
# except memmove/memcpy for identity's copy
ALLOWED_CALLS = re.compile(r"<(memcpy|memmove)(@plt)?>")


@pytest.fixture(scope="module")
def disassembly(tmp_path_factory):
    return _disassembly(str(tmp_path_factory.mktemp("objdump")))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="gcc/clang object code")
@needs_x86_tools
@pytest.mark.parametrize("kernel", ALL_KERNELS)
def test_kernels_are_vectorized_and_call_no_libm(kernel, disassembly):
    funcs = disassembly
    def loops(name):
        # the level's kernel and the loops it calls: cact__<k>_<dt>_<lv>_oop / _ip,
        # or for a split kernel (config.h CACT__LOOP_SPLIT) cact__<k>_fast_<dt>_<lv>_oop ...
        k = f"cact__{kernel}_"
        # (gcc may clone a loop whose parameter it does not read: .constprop.0)
        return re.compile(re.escape(k) + r"(fast_|slow_)?" + re.escape(name[len(k):]) + r"(_oop|_ip)?"
                          r"(\.(constprop|isra)\.\d+)*")

    def body_of(name):
        pat = loops(name)
        return [i for f, b in funcs.items() if pat.fullmatch(f) for i in b]

    def own_call(i, name):
        return re.search("<" + loops(name).pattern + ">", i) is not None

    # a fast kernel whose float64 form is the accurate element function
    # compiles to the accurate kernel's code (gcc may fold the two): checked there
    fast64 = kernel.startswith("fast_") and KERNEL_FUNC[kernel[5:]].fast[kernel[5:]].f64 == "accurate"
    for dt in ("f32",) if fast64 else ("f32", "f64"):
        for lv, reg in (("v4", "%zmm"), ("v3", "%ymm")):
            name = f"cact__{kernel}_{dt}_{lv}"
            assert name in funcs, f"{name} missing from the object code"
            body = body_of(name)
            calls = [i for i in body if i.startswith("call") and not ALLOWED_CALLS.search(i)
                     and not own_call(i, name)]
            assert not calls, f"{name} calls {calls}"
            if kernel == "identity":
                continue   # a copy: memmove, or moves
            packed = [i for i in body if PACKED.match(i) and reg in i] + \
                     [i for i in body if re.match(r"^v(max|min|blendm|and|or|cmp|mov)\w*p[sd]", i) and reg in i]
            assert packed, f"{name}: no packed {reg} arithmetic: the loop is not vectorized"
        # baseline (SSE2, no FMA): packed xmm arithmetic too, and no libm call
        # (its loop may be inlined into the dispatcher cact_<kernel>_<dtype>)
        name = f"cact__{kernel}_{dt}_base"
        base = body_of(name) if name in funcs else funcs.get(f"cact_{kernel}_{dt}", [])
        calls = [i for i in base if i.startswith("call") and not ALLOWED_CALLS.search(i)
                 and "cact_isa" not in i and "getenv" not in i and "cpu" not in i and f"cact__{kernel}" not in i]
        assert not calls, f"{kernel} {dt} baseline calls {calls}"
        if kernel != "identity":
            sse = [i for i in base if re.match(r"^(mul|add|sub|div|max|min|and|andn|or|cmp\w*|cvt\w*)p[sd]\b", i)]
            assert sse, f"{kernel} {dt} baseline: no packed SSE2 arithmetic: the loop is not vectorized"


# --- the same value at every position, in arrays of every length ------------

def _specials(dtype):
    t = np.dtype(dtype)
    fi = np.finfo(t)
    v = [0.0, -0.0, np.inf, -np.inf, np.nan, float(fi.smallest_subnormal), -float(fi.smallest_subnormal),
         float(fi.smallest_normal), -float(fi.tiny) * 0.75, float(fi.max), -float(fi.max), 1.0, -1.0, 3.0, -3.0,
         0.0625, -0.4, 0.625, -5.84, -14.1, -38.0, -20.9, -88.7, -104.0, 20.0, -708.5, 745.0, 1e-8, -2.5e-7]
    return np.array([x for x in v if not (abs(x) > fi.max and math.isfinite(x))], dtype=t)


@pytest.fixture(params=LEVELS)
def level(request, isa):
    """Each ISA level in turn (skipped where the CPU lacks it)."""
    isa(request.param)
    return request.param


@pytest.mark.parametrize("kernel", KERNELS)
def test_same_bits_at_every_offset_and_length(kernel, dtype, level):
    """Vector body, masked/scalar tail: a value's result never depends on where
    it sits in the array or how long the array is (NaN, +-inf, +-0,
    subnormals included), at each ISA level."""
    vals = _specials(dtype)
    single = np.array([bits(run(kernel, vals[i:i + 1]))[0] for i in range(len(vals))])
    filler = np.full(64, 0.75, dtype=dtype)
    for i, v in enumerate(vals):
        # at every offset of a 64-element array (four AVX-512 float64 vectors)
        a = np.tile(filler, (64, 1))
        a[np.arange(64), np.arange(64)] = v
        y = bits(run(kernel, a.ravel()).reshape(64, 64))
        assert (y[np.arange(64), np.arange(64)] == single[i]).all(), \
            f"{kernel}({v!r}) depends on its offset"
        # in arrays of every length 1..70
        for n in range(1, 71):
            yn = bits(run(kernel, np.full(n, v, dtype=dtype)))
            assert (yn == single[i]).all(), f"{kernel}({v!r}) depends on the array length {n}"


@pytest.mark.slow
@needs_cc
def test_default_parameter_loops_give_the_general_loops_bits(tmp_path):
    """float32 softplus at beta = 1 and celu at alpha = 1 run loops of their
    own (fewer operations); they must give the bits of the general loops:
    every 331st float32 bit pattern and the special values, several softplus
    thresholds, each level the CPU has (tests/c/split_bits.c; stride 1,
    every float32 pattern, is the program's full run)."""
    exe = str(tmp_path / "split_bits")
    src = os.path.join(ROOT, "tests", "c", "split_bits.c")
    r = subprocess.run([_cc(), *KFLAGS, "-I" + INCLUDE, "-o", exe, src, "-lm"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([exe, "331"], capture_output=True, text=True)
    assert r.returncode == 0 and " 0 differences" in r.stdout, r.stdout[-3000:]
