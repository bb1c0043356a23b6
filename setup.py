"""Build cact: generate the wrappers from the catalogue, cythonize pyx/,
compile against the header-only C core in include/ (CACT_STATIC: a private
copy of the kernels in each extension module), and ship inside the package
the headers (cact.get_include()) and the static library libcact.a built from
src/cact.c (cact.get_library_dirs(), cact.get_libraries())."""
import glob
import os
import shutil
import subprocess
import sys
import sysconfig

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = os.path.dirname(os.path.abspath(__file__))

# The wrappers are generated from cact/_catalogue.py (a no-op when current).
subprocess.check_call([sys.executable, os.path.join(ROOT, "tools", "generate.py")], cwd=ROOT)


def headers():
    """Every file of the C headers: include/cact/ and its subfolders
    (core/, kernels/...), the .h files and the generated .inc tables."""
    base = os.path.join(ROOT, "include", "cact")
    return sorted(f for ext in ("h", "inc")
                  for f in glob.glob(os.path.join(base, "**", "*." + ext), recursive=True))


class build_py_with_headers(build_py):
    """Copy include/cact/ (subfolders included) into the built package as
    cact/include/cact/."""

    def run(self):
        super().run()
        src = os.path.join(ROOT, "include", "cact")
        dest = os.path.join(self.build_lib, "cact", "include", "cact")
        for h in headers():
            d = os.path.join(dest, os.path.dirname(os.path.relpath(h, src)))
            os.makedirs(d, exist_ok=True)
            shutil.copy2(h, d)


def compile_args():
    if sys.platform == "win32":
        return ["/O2"]
    # -fno-math-errno / -fno-trapping-math let gcc vectorize the kernel
    # loops (no errno side effects, selects may evaluate both arms).  No -m
    # flags: the header instantiates each kernel per ISA level itself.
    args = ["-O3", "-fno-math-errno", "-fno-trapping-math", "-Wno-unused-function"]
    # Python's flags carry -g; gcc's variable tracking over the largest kernels
    # costs minutes of compile (and a note that it gave up), for debug info only
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or ""
    if "clang" not in cc:
        args.append("-fno-var-tracking-assignments")
    if os.environ.get("CACT_NATIVE") == "1":
        args.append("-march=native")
    return args + sanitize_args()


def sanitize_args():
    """CACT_SANITIZE=1: build the extensions with AddressSanitizer and
    UndefinedBehaviorSanitizer (gcc/clang), for
        LD_PRELOAD=$(gcc -print-file-name=libasan.so) python -m pytest
    (docs/contract.md).  Any error aborts the process."""
    if os.environ.get("CACT_SANITIZE") != "1" or sys.platform == "win32":
        return []
    return ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g"]


def extension(name, source):
    return Extension(
        name, [source],
        include_dirs=[os.path.join(ROOT, "include"), np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"), ("CACT_STATIC", "1")],
        extra_compile_args=compile_args(),
        extra_link_args=sanitize_args(),
        # rebuild when a header or include changes, not only the .pyx
        depends=sorted(headers() +
                       glob.glob(os.path.join(ROOT, "pyx", "*.h")) +
                       glob.glob(os.path.join(ROOT, "pyx", "*.pxi"))),
        libraries=[] if sys.platform == "win32" else ["m"],
    )


LIB_SOURCE = os.path.join("src", "cact.c")


def _seed_build_lib(cmd):
    """An in-place build compiles into build_lib and copies to the source
    tree, judging what is current by build_lib's files: after `pip install
    -e` (built elsewhere) every module would compile again.  A module whose
    copy in the source tree is newer than its sources and dependencies is
    copied into build_lib first, so it counts as built."""
    for ext in cmd.extensions:
        fn = cmd.get_ext_filename(ext.name)
        tree, lib = os.path.join(ROOT, fn), os.path.join(cmd.build_lib, fn)
        inputs = [os.path.join(ROOT, f) for f in list(ext.sources) + list(ext.depends)]
        if os.path.exists(tree) and not os.path.exists(lib) and all(os.path.exists(f) for f in inputs) and \
                os.path.getmtime(tree) >= max(os.path.getmtime(f) for f in inputs):
            os.makedirs(os.path.dirname(lib), exist_ok=True)
            shutil.copy2(tree, lib)


class build_ext_with_library(build_ext):
    """build_ext, then the static library: src/cact.c (CACT_IMPLEMENTATION)
    compiled with the extensions' flags into cact/lib/libcact.a of the built
    package (and of the source tree when building in place or editable).
    Skipped when the library is newer than its sources."""

    def run(self):
        in_place = bool(self.inplace or getattr(self, "editable_mode", False))
        if in_place:
            _seed_build_lib(self)
        super().run()
        if sanitize_args():
            return   # the sanitizer build (.ci/sanitize) tests the extension, not the library
        # the source tree's first when in place: a current library there is
        # copied, not compiled again (pip install -e of a built checkout)
        dirs = ([os.path.join(ROOT, "cact", "lib")] if in_place else []) + \
            [os.path.join(self.build_lib, "cact", "lib")]
        name = self.compiler.library_filename("cact")
        deps = headers() + [os.path.join(ROOT, LIB_SOURCE)]
        built = None
        for d in dirs:
            target = os.path.join(d, name)
            if not self.force and os.path.exists(target) and \
                    os.path.getmtime(target) >= max(os.path.getmtime(f) for f in deps):
                built = built or target
                continue
            os.makedirs(d, exist_ok=True)
            if built is None:
                objects = self.compiler.compile([LIB_SOURCE], output_dir=self.build_temp,
                                                include_dirs=[os.path.join(ROOT, "include")],
                                                extra_postargs=compile_args() + ([] if sys.platform == "win32"
                                                                                 else ["-fPIC", "-g0"]))
                self.compiler.create_static_lib(objects, "cact", output_dir=d)
                built = target
            else:
                shutil.copy2(built, target)


extensions = [extension("cact._parallel", "pyx/_parallel.pyx"),   # the thread pool
              extension("cact._elementwise", "pyx/_elementwise.pyx"),
              extension("cact._axis", "pyx/_axis.pyx"),
              extension("cact._grad", "pyx/_grad.pyx")]      # the backward kernels



def current_c(ext):
    """The extension with its existing generated C file as the source when
    that file is newer than every Cython input (the .pyx, pyx/*.pxi, the
    .pxd files), else None.  cythonize regenerates any C file that another
    Cython version wrote, so the first in-place build after a pip install
    (whose isolated build env has its own Cython) would regenerate and
    recompile everything although nothing changed."""
    pyx = ext.sources[0]
    c = os.path.splitext(pyx)[0] + ".c"
    inputs = [pyx] + glob.glob(os.path.join(ROOT, "pyx", "*.pxi")) + glob.glob(os.path.join(ROOT, "pyx", "*.pxd")) \
        + glob.glob(os.path.join(ROOT, "cact", "*.pxd"))
    if os.path.exists(c) and os.path.getmtime(c) >= max(os.path.getmtime(f) for f in inputs):
        ext.sources = [c]
        return ext
    return None


ready = [current_c(e) for e in extensions]
setup(
    ext_modules=[r for r in ready if r] +
    cythonize([e for e, r in zip(extensions, ready) if not r], include_path=[ROOT, os.path.join(ROOT, "pyx")],
              compiler_directives={"language_level": "3"}),
    cmdclass={"build_py": build_py_with_headers, "build_ext": build_ext_with_library},
)
