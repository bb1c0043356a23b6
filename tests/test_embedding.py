"""cact as a dependency of other compiled code: downstream builds against the
*installed* package, and the public header itself.

- the installed layout: headers inside the package (cact.get_include()), the
  Cython declarations (cact/kernels.pxd) and the static library
  (cact.get_library_dirs()), as a non-editable install has them (built here
  by setup.py's build_py into a scratch site directory, with the in-place
  build's extension modules and library, when the tests run from a source
  checkout or an editable install);
- the three ways to include <cact/cact.h>: declarations only, linked with the
  shipped library (gcc and clang where installed, -O0 and -O2: quick), and
  the kernels compiled in the including file with CACT_IMPLEMENTATION or
  CACT_STATIC (slow); tests/c/downstream/two_kernels.c calls two kernels;
- (a) a C extension module (tests/c/downstream/gelu_ext.c) that includes
  <cact/cact.h>, links the shipped library and applies cact_gelu_f32 in place;
- (b) a Cython module (tests/c/downstream/cy_ext.pyx) that cimports
  cact.kernels and runs cact_gelu_f32 and cact_softmax_f64 in nogil blocks
  and in a prange loop (OpenMP when the compiler has it), built against the
  installed layout and against an editable install (pip install -e of a copy
  of this checkout, in a scratch virtual environment);
- (c) a plain C program (tests/c/check_values.c) that checks values itself
  and applies every kernel (elementwise and along an axis), compiled as C99
  and as C++11 with several sets of flags (-O0, -O2 -pedantic -Werror,
  -O3 -ffast-math -march=native);
- the header compiles warning-free as C99 and C++11 under strict warnings
  and claims no names outside cact_ / CACT_.

Every result is compared with cact's own (the Python API) bit for bit.
Skipped only when there is no C compiler.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from c import build as cbuild  # tests/c/build.py
from helpers import ROOT, run, same_bits

import cact
from cact._reference import sample

# one pytest-xdist worker builds each downstream flavour once for all
pytestmark = pytest.mark.xdist_group("embedding")

CDIR = os.path.join(ROOT, "tests", "c")
CC = cbuild.compiler("CC")

if shutil.which(CC) is None:
    pytest.skip(f"no C compiler ({CC}) for the downstream builds", allow_module_level=True)




def _env(site):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env["PYTHONPATH"] = os.pathsep.join([site] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def _run(cmd, cwd, env, timeout=300):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        cmdline = " ".join(map(str, cmd))
        raise AssertionError(f"{cmdline} failed ({r.returncode}):\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return r.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A directory holding cact laid out as a non-editable install has it."""
    pkg = os.path.dirname(os.path.abspath(cact.__file__))
    if os.path.exists(os.path.join(pkg, "include", "cact", "cact.h")):
        return os.path.dirname(pkg)                      # tests run against an installed cact
    d = str(tmp_path_factory.mktemp("site"))
    _run([sys.executable, "setup.py", "-q", "build_py", "-d", d], ROOT, dict(os.environ))
    for so in glob.glob(os.path.join(pkg, "*.so")) + glob.glob(os.path.join(pkg, "*.pyd")):
        shutil.copy2(so, os.path.join(d, "cact"))
    if os.path.isdir(os.path.join(pkg, "lib")):     # the static library of the in-place build (package data)
        shutil.copytree(os.path.join(pkg, "lib"), os.path.join(d, "cact", "lib"), dirs_exist_ok=True)
    return d


@pytest.fixture(scope="module")
def include(site):
    out = _run([sys.executable, "-c", "import cact; print(cact.get_include()); print(cact.__file__)"],
               site, _env(site)).split("\n")
    inc, init = out[0], out[1]
    assert init.startswith(site), f"imported {init}, not the installed copy in {site}"
    return inc


def test_installed_layout(site, include):
    """get_include() points inside the installed package, which holds every
    header and the Cython declarations."""
    assert os.path.commonpath([include, site]) == site
    assert os.path.isfile(os.path.join(include, "cact", "cact.h"))
    assert os.path.isfile(os.path.join(site, "cact", "kernels.pxd"))
    libdirs = _helpers(site)["get_library_dirs"]
    assert [os.path.commonpath([d, site]) for d in libdirs] == [site] * len(libdirs)
    assert any(os.path.isfile(os.path.join(d, "libcact.a")) for d in libdirs), \
        f"no libcact.a in {libdirs}: build in place first (make build)"
    src = _files(os.path.join(ROOT, "include", "cact"))
    if src:  # a source checkout: every header (and generated include file) is installed, subfolders too
        assert _files(os.path.join(include, "cact")) == src


def _helpers(site):
    """cact.get_include() and its siblings as the package in `site` answers them."""
    import json
    names = ["get_include", "get_cython_include", "get_library_dirs", "get_libraries"]
    out = _run([sys.executable, "-c", "import cact, json; print(json.dumps({n: getattr(cact, n)() for n in %r}))"
                % names], site, _env(site))
    return json.loads(out)


def _files(top):
    """Every file under top, as sorted paths relative to it."""
    return sorted(os.path.relpath(os.path.join(d, f), top) for d, _, fs in os.walk(top) for f in fs)


def test_get_include_of_the_package_under_test():
    assert os.path.isfile(os.path.join(cact.get_include(), "cact", "cact.h"))


# --- the three ways to include cact.h -----------------------------------------

COMPILERS = [c for c in dict.fromkeys([CC, "gcc", "clang"]) if shutil.which(c)]


def _two_kernels(cc, flags, tmp, site, include, link_library):
    """tests/c/downstream/two_kernels.c built by cc with flags (linked with
    the shipped library or not), run; its results compared bit for bit with
    cact's Python API."""
    src = os.path.join(CDIR, "downstream", "two_kernels.c")
    exe, out = os.path.join(tmp, "two_kernels"), os.path.join(tmp, "two_kernels.out")
    link = []
    if link_library:
        h = _helpers(site)
        link = [f"-L{d}" for d in h["get_library_dirs"]] + [f"-l{lib}" for lib in h["get_libraries"]]
    cmd = [cc, *flags, "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I", include, src, "-o", exe]
    _run(cmd + link + ["-lm"], tmp, dict(os.environ))
    env = dict(os.environ)
    env.pop("CACT_ISA", None)
    printed = _run([exe, out], tmp, env)
    assert printed.startswith(cact.__version__ + " "), printed
    raw = open(out, "rb").read()
    n, rc = 20000, 7 * 300
    x = np.frombuffer(raw, np.float32, n, 0)
    y = np.frombuffer(raw, np.float32, n, 4 * n)
    z = np.frombuffer(raw, np.float64, rc, 8 * n).reshape(7, 300)
    s = np.frombuffer(raw, np.float64, rc, 8 * n + 8 * rc).reshape(7, 300)
    assert same_bits(y, cact.gelu(x)), f"cact_gelu_f32 ({cc} {flags}) differs from cact.gelu"
    assert same_bits(s, cact.softmax(z, axis=-1)), f"cact_softmax_f64 ({cc} {flags}) differs from cact.softmax"


@pytest.mark.parametrize("cc", COMPILERS)
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_declarations_and_the_shipped_library(cc, opt, tmp_path, site, include):
    """The default include (declarations only) linked with the package's
    libcact.a: the newcomer's build, at -O0 and -O2 (compiles in well under
    a second; docs/c-api.md has the times)."""
    _two_kernels(cc, [opt], str(tmp_path), site, include, link_library=True)


@pytest.mark.slow
@pytest.mark.parametrize("cc", COMPILERS)
@pytest.mark.parametrize("mode,opt", [("CACT_STATIC", "-O0"), ("CACT_IMPLEMENTATION", "-O2")])
def test_kernels_compiled_in_the_including_file(cc, mode, opt, tmp_path, site, include):
    """-DCACT_IMPLEMENTATION and -DCACT_STATIC: the kernels compiled in the
    program itself (tests/c/kernels.c, linked into check_values below, is the
    stb-style unit of a program of several files)."""
    _two_kernels(cc, [opt, f"-D{mode}"], str(tmp_path), site, include, link_library=False)


def test_declarations_alone_define_nothing(tmp_path, include):
    """The default include declares the kernels and defines no function: an
    object file that calls two kernels leaves both undefined (for the
    library to resolve)."""
    if not shutil.which("nm"):
        pytest.skip("no nm")
    obj = str(tmp_path / "two.o")
    _run([CC, "-O0", "-std=c99", "-I", include, "-c", os.path.join(CDIR, "downstream", "two_kernels.c"),
          "-o", obj], str(tmp_path), dict(os.environ))
    syms = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout.split("\n")
    defined = {s.split()[-1] for s in syms if len(s.split()) == 3 and s.split()[1] in "TDBR"}   # global ones
    undefined = {s.split()[-1] for s in syms if len(s.split()) == 2 and s.split()[0] == "U"}
    assert defined == {"main"}, defined
    assert {"cact_gelu_f32", "cact_softmax_f64", "cact_isa_level", "cact_isa_name"} <= undefined
    for both in (["-DCACT_STATIC", "-DCACT_IMPLEMENTATION"],):
        r = subprocess.run([CC, "-std=c99", "-fsyntax-only", *both, "-I", include,
                            os.path.join(CDIR, "downstream", "two_kernels.c")], capture_output=True, text=True)
        assert r.returncode != 0 and "not both" in r.stderr


# --- (c) the plain C program, as C99 and C++11 with several flag sets ----------
# It references every kernel (kernels_gen.h), so the strict flavours also prove
# the header warning-free (any compiler output fails the build).

# check_values linked with kernels.c compiled in these flavours (tests/c/build.py)
FLAVOURS = {"c99-O2-strict": "plain", "c99-O0": "O0", "gnu-O3-fast-math-native": "fastmath",
            "c++11-O2-strict": "cxx11"}


AXIS_SHAPES = [(40, 38, 1), (3, 50, 7)]   # rows along the last axis; a middle axis (column tiles)


@pytest.fixture(scope="module")
def values(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("values"))
    x32, x64 = sample("float32", n_log=600), sample("float64", n_log=600)
    n = min(x32.size, x64.size)
    x32, x64 = x32[:n], x64[:n]
    x32.tofile(os.path.join(d, "in32"))
    x64.tofile(os.path.join(d, "in64"))
    m = max(int(np.prod(s)) for s in AXIS_SHAPES)
    a64 = np.random.default_rng(7).uniform(-30, 30, m)
    a64[::13] *= 20
    a64[[3, 200, 401]] = [-np.inf, np.inf, np.nan]
    a64.tofile(os.path.join(d, "ax64"))
    a64.astype(np.float32).tofile(os.path.join(d, "ax32"))
    return d, x32, x64, a64


def _flavour(flavour, include):
    """check_values linked with kernels.c in this flavour: (exe, kernels object)."""
    cc = cbuild.compiler(cbuild.FLAVOURS[FLAVOURS[flavour]][0])
    if shutil.which(cc) is None:
        pytest.skip(f"no {cc}")
    return cbuild.built("check_values", FLAVOURS[flavour], include)


@pytest.mark.slow
@pytest.mark.parametrize("flavour", list(FLAVOURS))
def test_plain_c_program(flavour, values, include):
    d, x32, x64, a64 = values
    exe, _ = _flavour(flavour, include)
    out, axout = os.path.join(d, flavour + ".out"), os.path.join(d, flavour + ".axout")
    env = dict(os.environ)
    env.pop("CACT_ISA", None)
    r = subprocess.run([exe, os.path.join(d, "in32"), os.path.join(d, "in64"), str(x32.size), out,
                        os.path.join(d, "ax32"), os.path.join(d, "ax64"), axout] +
                       [",".join(map(str, s)) for s in AXIS_SHAPES],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"cact {cact.__version__}," in r.stdout
    raw = open(out, "rb").read()
    pos = 0
    cat = cbuild.load_catalogue()
    for kernel, sfx, params in cbuild.elementwise_kernels(cat):
        x = x32 if sfx == "f32" else x64
        got = np.frombuffer(raw, dtype=x.dtype, count=x.size, offset=pos)
        pos += got.nbytes
        assert same_bits(got, run(kernel, x)), f"{kernel}_{sfx} differs from cact.{kernel} ({flavour})"
    assert pos == len(raw)
    raw, pos = open(axout, "rb").read(), 0
    for shape in AXIS_SHAPES:
        for kernel, sfx, kind in cbuild.axis_kernels(cat):
            dt = np.float32 if sfx == "f32" else np.float64
            x = a64[:int(np.prod(shape))].astype(dt).reshape(shape)
            if kind == "pieces":
                expect = cact.maxout(x, 2, axis=1)
            elif kind == "weight":
                expect = cact.prelu(x, ((np.arange(shape[1]) % 50) / 64 - 0.25).astype(dt), axis=1)
            else:
                expect = getattr(cact, kernel)(x, axis=1)
            got = np.frombuffer(raw, dtype=dt, count=expect.size, offset=pos).reshape(expect.shape)
            pos += got.nbytes
            assert same_bits(got, expect), f"{kernel}_{sfx} {shape} differs from cact.{kernel} ({flavour})"
    assert pos == len(raw)


# --- the header on its own ----------------------------------------------------

@pytest.mark.slow
def test_header_claims_only_cact_names(tmp_path, include):
    """Every macro the header defines and every symbol it emits is cact_ /
    CACT_; an includer's own short macros survive it."""
    sysh = "#include <stddef.h>\n#include <stdlib.h>\n#include <string.h>\n#include <math.h>\n" \
           "#include <stdint.h>\n#include <float.h>\n#include <limits.h>\n"
    if os.uname().machine in ("x86_64", "AMD64"):
        sysh += "#include <immintrin.h>\n"

    def macros(text):
        p = tmp_path / "m.c"
        p.write_text(text)
        out = subprocess.run([CC, "-std=c99", "-dM", "-E", "-I", include, str(p)], capture_output=True,
                             text=True, check=True).stdout
        return {line.split()[1].split("(")[0] for line in out.splitlines() if line.startswith("#define")}

    new = macros(sysh + "#include <cact/cact.h>\n") - macros(sysh)
    bad = sorted(m for m in new if not re.match(r"(CACT_|cact_)", m))
    assert not bad, f"cact.h defines macros outside its namespace: {bad}"

    # symbols: at -O0 every static function of the header is emitted
    _, obj = _flavour("c99-O0", include)
    if shutil.which("nm"):
        syms = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout.split("\n")
        defined = [s.split()[-1] for s in syms if len(s.split()) == 3 and s.split()[1] in "tTdDbBrR"]
        assert any(s.startswith("cact_softmax_f64") for s in defined)
        # tests/c/kernels.c names its own functions cact_test_*
        bad = sorted({s for s in defined if not s.startswith("cact_") and not s.startswith(".")})
        assert not bad, f"symbols outside the cact_ namespace: {bad}"

    # the includer's macros survive.  Identifiers an includer's macro could
    # replace: names starting with a capital (macros are conventionally
    # upper case) that are neither CACT_ nor standard C.  cact.h must save
    # and restore every one of them (push_macro).
    std = re.compile(r"(INFINITY|NAN|NULL|HUGE_VALL?|HUGE_VALF|FLT_\w+|DBL_\w+|LDBL_\w+|SIZE_MAX|"
                     r"INT\d*_\w+|UINT\d*_\w+|CHAR_BIT|FP_\w+|EOF|_\w+)$")
    short, capitalised = set(), set()
    for h in glob.glob(os.path.join(include, "cact", "**", "*.h"), recursive=True):
        text = open(h).read()
        short |= {m for m in re.findall(r"^\s*#\s*define\s+(\w+)", text, re.M)
                  if not re.match(r"(CACT_|cact_)", m)}
        code = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\])*"', " ", text, flags=re.S)
        code = re.sub(r"^\s*#\s*(error|pragma)[^\n]*", " ", code, flags=re.M)
        # a function-like macro's parameters are not expanded by other macros
        params = {q.strip() for ps in re.findall(r"#\s*define\s+\w+\(([^)]*)\)", code)
                  for q in ps.split(",")}
        capitalised |= {w for w in re.findall(r"\b[A-Z]\w*", code)
                        if not w.startswith("CACT_") and not std.match(w) and w not in params}
    cact_h = open(os.path.join(include, "cact", "cact.h")).read()
    pushed = set(re.findall(r'push_macro\("(\w+)"\)', cact_h))
    unsaved = (capitalised | short) - pushed
    assert not unsaved, f"names an includer's macro would replace, not saved by cact.h's push_macro: {sorted(unsaved)}"
    short |= capitalised
    names = sorted(short | {"T", "W", "N", "V", "E", "M", "L", "X", "Y"})
    lines = [f"#define {m} {1000 + i}" for i, m in enumerate(names)]
    lines += ["#define min(a, b) ((a) < (b) ? (a) : (b))", "#define max(a, b) ((a) > (b) ? (a) : (b))",
              "#include <cact/cact.h>"]
    for i, m in enumerate(names):
        lines += [f"#if !defined({m}) || {m} != {1000 + i}", f'#error "cact.h changed the includer\'s macro {m}"',
                  "#endif"]
    lines += ["int use(float *x, size_t n);",
              "int use(float *x, size_t n) { cact_gelu_f32(x, x, n); return min(1, 2) + max(1, 2); }", ""]
    p = tmp_path / "h.c"
    p.write_text("\n".join(lines))
    # -fsyntax-only: preprocessed, parsed and type-checked, no code generated
    # (at -O0, code for every kernel at every level: a minute of gcc)
    r = subprocess.run([CC, "-std=c99", "-Wall", "-Werror", "-fsyntax-only", "-I", include, str(p)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# --- (a) a C extension module, (b) a Cython module ------------------------------

# as docs/c-api.md tells a downstream setup.py to do it
SETUP_C = """\
from setuptools import setup, Extension
import cact
setup(name="cact_downstream_c", ext_modules=[Extension(
    "cact_downstream_c", ["gelu_ext.c"], include_dirs=[cact.get_include()],
    library_dirs=cact.get_library_dirs(), libraries=cact.get_libraries())])
"""

SETUP_CY = """\
import os
from setuptools import setup, Extension
from Cython.Build import cythonize
import cact
omp = ["-fopenmp"] if os.environ.get("DOWNSTREAM_OPENMP") == "1" else []
setup(name="cy_ext", ext_modules=cythonize([Extension(
    "cy_ext", ["cy_ext.pyx"], include_dirs=[cact.get_include()],
    library_dirs=cact.get_library_dirs(), libraries=cact.get_libraries(),
    extra_compile_args=omp, extra_link_args=omp)],
    include_path=[cact.get_cython_include()], compiler_directives={"language_level": "3"}))
"""


def _openmp(tmp):
    p = os.path.join(tmp, "omp.c")
    with open(p, "w") as fh:
        fh.write("#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n")
    r = subprocess.run([CC, "-fopenmp", p, "-o", os.path.join(tmp, "omp")], capture_output=True)
    return r.returncode == 0


def _build_ext(tmp, setup_text, sources, site, extra_env=None, python=sys.executable):
    for s in sources:
        shutil.copy2(os.path.join(CDIR, "downstream", s), tmp)
    with open(os.path.join(tmp, "setup.py"), "w") as fh:
        fh.write(setup_text)
    env = _env(site) if site else dict(os.environ)
    env.update(extra_env or {})
    _run([python, "setup.py", "-q", "build_ext", "--inplace"], tmp, env)
    return env


@pytest.fixture(scope="module")
def editable(tmp_path_factory):
    """The interpreter of a scratch virtual environment (seeing the system's
    packages) into which a copy of this checkout, its in-place build
    included, is installed in editable mode: pip install -e, as README.md
    sets cact up.  The copy keeps the build's times, so nothing recompiles."""
    pkg = os.path.dirname(os.path.abspath(cact.__file__))
    if not os.path.isfile(os.path.join(ROOT, "setup.py")) or not glob.glob(os.path.join(pkg, "_elementwise*")):
        pytest.skip("not a built source checkout")
    d = tmp_path_factory.mktemp("editable")
    src = os.path.join(str(d), "src")
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", "build", ".venv*", "venv", "__pycache__", "*.egg-info", ".hypothesis", ".pytest_cache",
        "benchmarks", "tests", "docs"))
    venv = os.path.join(str(d), "venv")
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], str(d), dict(os.environ))
    py = os.path.join(venv, "Scripts" if os.name == "nt" else "bin", "python")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    _run([py, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--no-index", "-e", src],
         str(d), env, timeout=600)
    where = _run([py, "-c", "import cact; print(cact.__file__)"], str(d), env).strip()
    assert where.startswith(src), f"the venv imports {where}, not the editable copy in {src}"
    return py


@pytest.mark.slow
def test_c_extension_module(tmp_path, site):
    d = str(tmp_path)
    env = _build_ext(d, SETUP_C, ["gelu_ext.c"], site)
    script = textwrap.dedent("""\
        import sys, numpy as np, cact, cact_downstream_c as ext
        from cact._reference import sample
        assert ext.CACT_VERSION == cact.__version__, (ext.CACT_VERSION, cact.__version__)
        x = np.concatenate([sample("float32"), np.linspace(-9, 9, 5000, dtype=np.float32)])
        for n in (0, 1, 17, x.size):
            y = x[:n].copy()
            ext.gelu_f32(y)
            ref = cact.gelu(x[:n])
            bits = lambda a: a.view(np.uint32)
            ok = np.all((bits(y) == bits(ref)) | (np.isnan(y) & np.isnan(ref)))
            assert ok, n
        print("ok", ext.ISA)
        """)
    out = _run([sys.executable, "-c", script], d, env)
    assert out.startswith("ok")


@pytest.mark.slow
@pytest.mark.parametrize("install", ["installed", "editable"])
def test_cython_module(install, tmp_path, request):
    """The downstream Cython module against the installed layout and against
    an editable install (where Cython finds cact/kernels.pxd only through
    cact.get_cython_include())."""
    d = str(tmp_path)
    omp = _openmp(d)
    extra = {"DOWNSTREAM_OPENMP": "1" if omp else "0", "OMP_NUM_THREADS": "2"}
    if install == "editable":
        py = request.getfixturevalue("editable")
        env = _build_ext(d, SETUP_CY, ["cy_ext.pyx"], None, dict(extra, PYTHONPATH=""), python=py)
    else:
        py = sys.executable
        env = _build_ext(d, SETUP_CY, ["cy_ext.pyx"], request.getfixturevalue("site"), extra)
    script = textwrap.dedent("""\
        import numpy as np, cact, cy_ext
        from cact._reference import sample
        u = lambda a: a.view(np.uint32 if a.dtype == np.float32 else np.uint64)
        same = lambda a, b: bool(np.all((u(a) == u(b)) | (np.isnan(a) & np.isnan(b))))
        x = sample("float32")
        y = x.copy()
        cy_ext.gelu_inplace(y)
        assert same(y, cact.gelu(x)), "gelu"
        cy_ext.gelu_inplace(np.empty(0, np.float32))
        rng = np.random.default_rng(0)
        rows = rng.uniform(-30, 30, (64, 1030))       # longer than the kernel's scratch buffer
        rows[5, 7] = np.inf
        rows[9, :] = -np.inf
        out = np.full_like(rows, np.nan)
        tid = np.full(64, -1, np.int32)
        cy_ext.softmax_rows(rows, out, tid)
        assert same(out, cact.softmax(rows, axis=-1)), "softmax rows"
        z = rng.uniform(-30, 30, (3, 40, 9))
        out3 = np.empty_like(z)
        cy_ext.softmax_middle(z, out3)
        assert same(out3, cact.softmax(z, axis=1)), "softmax axis 1"
        print("threads", len(set(tid.tolist())))
        """)
    out = _run([py, "-c", script], d, env)
    threads = int(out.split()[-1])
    if omp:
        assert threads == 2, f"prange ran on {threads} thread(s) with OMP_NUM_THREADS=2"


# --- half precision in plain C ------------------------------------------------------

HALF_C = r"""
#include <stdio.h>
#include <cact/cact.h>
/* every float16 / bfloat16 input through a few half kernels, written out */
int main(int argc, char **argv)
{
    static cact_f16_t x[65536], y[65536];
    static float f[65536];
    FILE *out;
    size_t i;
    (void)argc;
    for (i = 0; i < 65536; i++) x[i] = (cact_f16_t)i;
    out = fopen(argv[1], "wb");
    if (!out) return 1;
    cact_silu_f16(x, y, 65536);
    fwrite(y, 2, 65536, out);
    cact_fast_silu_bf16(x, y, 65536);
    fwrite(y, 2, 65536, out);
    cact_softplus_bf16(x, y, 65536, 2.0, 20.0);
    fwrite(y, 2, 65536, out);
    cact_gelu_tanh_f16(x, x, 65536); /* in place */
    fwrite(x, 2, 65536, out);
    for (i = 0; i < 65536; i++) x[i] = (cact_bf16_t)(0x3c00 + i % 2048); /* finite bfloat16 */
    if (cact_softmax_bf16(x, y, 256, 256, 1) != 0) return 2;
    fwrite(y, 2, 65536, out);
    cact_bf16_to_f32(x, f, 65536);
    cact_f32_to_f16(f, y, 65536);
    fwrite(y, 2, 65536, out);
    return fclose(out) != 0;
}
"""


@pytest.mark.parametrize("lang", ["c99", "c++11"])
def test_half_kernels_in_plain_c(tmp_path, site, include, lang):
    """cact_<name>_f16 / _bf16 and the conversions embedded with no Python,
    declared by cact.h and linked from the shipped library: the same bits
    as the Python API (float16; bfloat16 where ml_dtypes is installed)."""
    cc = CC if lang == "c99" else cbuild.compiler("CXX")
    if shutil.which(cc) is None:
        pytest.skip(f"no {cc}")
    src = tmp_path / ("half.c" if lang == "c99" else "half.cpp")
    src.write_text(HALF_C)
    exe, out = tmp_path / "half", tmp_path / "half.out"
    flags = ["-std=" + lang, "-O2", "-Wall", "-Wextra", "-Werror", "-I", include]
    h = _helpers(site)
    link = [f"-L{d}" for d in h["get_library_dirs"]] + [f"-l{lib}" for lib in h["get_libraries"]]
    subprocess.run([cc, *flags, str(src), "-o", str(exe), *link, "-lm"], check=True, capture_output=True, text=True)
    env = dict(os.environ)
    env.pop("CACT_ISA", None)
    subprocess.run([str(exe), str(out)], check=True, env=env, timeout=120)
    got = np.fromfile(out, dtype=np.uint16).reshape(6, 65536)
    x16 = np.arange(65536, dtype=np.uint32).astype(np.uint16)
    assert same_bits(got[0].view(np.float16), cact.silu(x16.view(np.float16)))
    assert same_bits(got[3].view(np.float16), cact.gelu(x16.view(np.float16), approximate="tanh"))
    try:
        import ml_dtypes
    except ImportError:
        return
    from cact import fast
    bf = np.dtype(ml_dtypes.bfloat16)
    assert same_bits(got[1].view(bf), fast.silu(x16.view(bf)))
    assert same_bits(got[2].view(bf), cact.softplus(x16.view(bf), beta=2.0))
    xb = (0x3c00 + np.arange(65536) % 2048).astype(np.uint16).view(bf).reshape(256, 256)
    assert same_bits(got[4].view(bf), cact.softmax(xb).ravel())
    assert same_bits(got[5].view(np.float16), xb.astype(np.float32).astype(np.float16).ravel())
