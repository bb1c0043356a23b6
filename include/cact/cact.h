/* cact/cact.h -- the one public header of cact: neural-network activation
 * kernels, header-only C99 (also valid C++11), no dependency on Python or
 * numpy.
 *
 * Three ways to include it (define the macro before the first #include):
 *
 *   #include <cact/cact.h>
 *       declarations only, compiles in milliseconds at any -O; link the
 *       kernels from the static library shipped inside the Python package
 *       (cact.get_library_dirs(), cact.get_libraries(): -L<dir> -lcact -lm)
 *       or from one translation unit of your own that does:
 *   #define CACT_IMPLEMENTATION
 *   #include <cact/cact.h>
 *       the kernels themselves, with external linkage: exactly one
 *       translation unit of a program (stb style; the costly compile, once);
 *   #define CACT_STATIC
 *   #include <cact/cact.h>
 *       header-only: the kernels as static functions, a private copy in
 *       every translation unit that does this (nothing to link but libm;
 *       each such unit pays the compile).  cact's own Python extension
 *       builds this way.
 *
 *   include path: python -c "import cact; print(cact.get_include())"
 *
 * The kernels are compiled for x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA)
 * and the baseline, and pick the best level the CPU has on their first call
 * (see cact/config.h; the environment variable CACT_ISA=v3|baseline lowers
 * it).  With gcc the kernels carry their own optimisation options, so the
 * flags of the unit that compiles them (-O0, -O2, -std=c99, -ffast-math)
 * change neither their speed nor their results.
 *
 * ELEMENTWISE KERNELS (cact/elementwise.h)
 *
 *   void cact_<name>_f32(const float  *x, float  *y, size_t n, <params>);
 *   void cact_<name>_f64(const double *x, double *y, size_t n, <params>);
 *
 *   void cact_<name>_f16(const cact_f16_t *x, cact_f16_t *y, size_t n, <params>);
 *   void cact_<name>_bf16(const cact_bf16_t *x, cact_bf16_t *y, size_t n, <params>);
 *
 *   for every row CACT_ELEMENTWISE(name, loop, PDECL, PARGS) of
 *   cact/functions.inc, whose PDECL lists the parameters (all double, for
 *   both dtypes); docs/c-api.md and the Python docstrings (cact.<name>)
 *   document each kernel.
 *
 *   - Reads x[0..n) and writes y[0..n), each element once, in one pass;
 *     nothing before x / y or at or after x + n / y + n is touched.
 *   - y == x computes in place.  Any other overlap of x and y is undefined.
 *   - n may be 0 (then x and y are not dereferenced).  x and y need only the
 *     alignment of their element type.
 *   - The result of an element does not depend on its position, on n or on
 *     the alignment: every path gives the same bits.  The v4 and v3 levels
 *     give the same bits; the baseline (no fused multiply-add) may differ
 *     from them in the last bit, within the same bound.
 *   - NaN in gives NaN out (relu, hardtanh, binary_step, threshold
 *     included); +-inf give the mathematical limits (sigmoid(-inf) = 0,
 *     gelu(-inf) = -0); no intermediate overflows for finite x.
 *   - float16 / bfloat16 (cact_f16_t / cact_bf16_t: uint16_t holding the
 *     bits): blocks widened exactly to float32, the float32 kernel, one
 *     rounding to nearest even back (cact/core/half.h, which also has the
 *     public conversions cact_f16_to_f32, cact_f32_to_f16, cact_bf16_to_f32,
 *     cact_f32_to_bf16); within 1 ulp of the storage type.
 *   - Parameters are not validated here (the Python layer does it): pass
 *     values the Python API would accept (e.g. celu alpha > 0).
 *
 * KERNELS ALONG AN AXIS (cact/axis.h, which documents each one)
 *
 *   void cact_softmax_f32(const float *x, float *y, size_t outer, size_t len, size_t inner);
 *   ... log_softmax, softmin (same signature), and
 *   void cact_maxout_f32(const float *x, float *y, size_t outer, size_t len, size_t inner,
 *                        size_t pieces);
 *   void cact_prelu_f32(const float *x, float *y, size_t outer, size_t channels, size_t inner,
 *                       const float *w);
 *   and the same with _f64 / double; with _f16 / _bf16 over cact_f16_t /
 *   cact_bf16_t, returning int (0, or -1 where scratch could not be
 *   allocated: cact/axis/half.h).
 *
 *   - x is a C-contiguous array viewed as [outer, len, inner], the axis in
 *     the middle (inner == 1 for the last axis); any size may be 0.
 *   - softmax, log_softmax, softmin, prelu: y has x's shape, y == x computes
 *     in place.  maxout: y is [outer, len / pieces, inner], len a multiple
 *     of pieces >= 1, y must not overlap x.  Other overlaps are undefined.
 *   - Only x[0 .. outer*len*inner) (and w[0 .. channels)) are read and only
 *     y's own elements written; scratch space is on the stack (a few KiB).
 *   - A NaN in a row gives a NaN row; a row of all -inf gives NaN; +inf
 *     entries give the limits (cact/axis.h).
 *
 * BOTH KINDS
 *
 *   - Reentrant and thread-safe: no global state but the cached ISA level.
 *   - The floating-point environment is the caller's: the results above
 *     assume the default one (round to nearest, subnormals kept).  A program
 *     linked with -ffast-math sets flush-to-zero and denormals-are-zero at
 *     start-up (gcc's crtfastmath.o), and then
 *     subnormal inputs read as 0 and subnormal results become 0.
 *
 * STABILITY.  Within a major version (0.x: within a minor version) the names,
 * parameter lists and semantics above do not change; new kernels and new
 * macros may be added.  Identifiers beginning with cact__ / CACT__ (two
 * underscores) are internal and may change in any release.  The static
 * library matches the headers installed beside it (same version); link a
 * program against the library of the cact whose headers it compiled with.
 */
#ifndef CACT_CACT_H
#define CACT_CACT_H

/* CACT_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _HEX
 * (e.g. #if CACT_VERSION_HEX >= 0x000100) */
#include "version.h"

#if defined(CACT_IMPLEMENTATION) || defined(CACT_STATIC)

/* The system headers cact uses, included before the extern "C" block (C++
 * library headers must not be included with C linkage). */
#  include <stddef.h>
#  include <stdlib.h>
#  include <string.h>
#  include <math.h>
#  include <stdint.h>
#  if !defined(CACT_NO_DISPATCH) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#    include <immintrin.h> /* F16C / AVX-512F conversions (core/half.h) */
#  endif

#  ifdef __cplusplus
extern "C" {
#  endif

/* The headers use short macro names internally (T, L, AX, #undef'd after
 * use) and a few capitalised local names; an includer's macros of those
 * names are saved and restored around them (gcc, clang and MSVC know
 * push_macro).  tests/test_embedding.py finds every such name in the
 * headers (subfolders included) and checks it is listed here. */
#  pragma push_macro("T")
#  pragma push_macro("L")
#  pragma push_macro("AX")
#  pragma push_macro("A")
#  pragma push_macro("B")
#  pragma push_macro("C")
#  pragma push_macro("D")
#  pragma push_macro("Dlo")
#  pragma push_macro("M")
#  pragma push_macro("N")
#  pragma push_macro("S")
#  pragma push_macro("Q")
#  pragma push_macro("AGF")
#  pragma push_macro("AGL")
#  undef T
#  undef L
#  undef AX
#  undef A
#  undef B
#  undef C
#  undef D
#  undef Dlo
#  undef M
#  undef N
#  undef S
#  undef Q
#  undef AGF
#  undef AGL
#  include "config.h"
#  include "instantiate.h" /* math core and element functions, per ISA level */
#  include "elementwise.h" /* the elementwise kernels (functions.inc) */
#  include "grad.h"        /* their derivatives (grad.inc) */
#  include "axis.h"        /* the kernels along an axis */
#  include "axis_grad.h"   /* the softmax family's derivatives */
#  pragma pop_macro("AGL")
#  pragma pop_macro("AGF")
#  pragma pop_macro("Q")
#  pragma pop_macro("S")
#  pragma pop_macro("N")
#  pragma pop_macro("M")
#  pragma pop_macro("Dlo")
#  pragma pop_macro("D")
#  pragma pop_macro("C")
#  pragma pop_macro("B")
#  pragma pop_macro("A")
#  pragma pop_macro("AX")
#  pragma pop_macro("L")
#  pragma pop_macro("T")

#  ifdef __cplusplus
}
#  endif

#else /* declarations only */

#  include <stddef.h>
#  ifdef __cplusplus
extern "C" {
#  endif
#  include "api.h"
#  ifdef __cplusplus
}
#  endif

#endif /* CACT_IMPLEMENTATION || CACT_STATIC */

#endif /* CACT_CACT_H */
