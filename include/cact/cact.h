/* cact/cact.h -- the one public header of cact: neural-network activation
 * kernels, header-only C99 (also valid C++11), no dependency on Python or
 * numpy.
 *
 *   #include <cact/cact.h>      include path: python -c "import cact; print(cact.get_include())"
 *
 * Nothing to link but libm (-lm).  Every kernel is a static function, so
 * each translation unit that includes this header gets its own copy; each
 * copy is compiled for x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA) and the
 * baseline, and picks the best level the CPU has on its first call (see
 * cact/config.h; the environment variable CACT_ISA=v3|baseline lowers it).
 * With gcc the kernels carry their own optimisation options, so the
 * includer's flags (-O0, -O2, -std=c99, -ffast-math) change neither their
 * speed nor their results.
 *
 * ELEMENTWISE KERNELS (cact/elementwise.h)
 *
 *   void cact_<name>_f32(const float  *x, float  *y, size_t n, <params>);
 *   void cact_<name>_f64(const double *x, double *y, size_t n, <params>);
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
 *   and the same with _f64 / double.
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
 * underscores) are internal and may change in any release.  There is no
 * binary interface to keep stable: the kernels compile into the includer.
 */
#ifndef CACT_CACT_H
#define CACT_CACT_H

/* CACT_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _HEX
 * (e.g. #if CACT_VERSION_HEX >= 0x000100) */
#include "version.h"

/* The system headers cact uses, included before the extern "C" block (C++
 * library headers must not be included with C linkage). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The headers use short macro names internally (T, L, AX, #undef'd after
 * use) and a few capitalised local names; an includer's macros of those
 * names are saved and restored around them (gcc, clang and MSVC know
 * push_macro).  tests/test_embedding.py finds every such name in the
 * headers (subfolders included) and checks it is listed here. */
#pragma push_macro("T")
#pragma push_macro("L")
#pragma push_macro("AX")
#pragma push_macro("A")
#pragma push_macro("B")
#pragma push_macro("C")
#pragma push_macro("D")
#pragma push_macro("Dlo")
#pragma push_macro("M")
#pragma push_macro("N")
#pragma push_macro("S")
#undef T
#undef L
#undef AX
#undef A
#undef B
#undef C
#undef D
#undef Dlo
#undef M
#undef N
#undef S
#include "config.h"
#include "instantiate.h" /* math core and element functions, per ISA level */
#include "elementwise.h" /* the elementwise kernels (functions.inc) */
#include "grad.h"        /* their derivatives (grad.inc) */
#include "axis.h"        /* the kernels along an axis */
#include "axis_grad.h"   /* the softmax family's derivatives */
#pragma pop_macro("S")
#pragma pop_macro("N")
#pragma pop_macro("M")
#pragma pop_macro("Dlo")
#pragma pop_macro("D")
#pragma pop_macro("C")
#pragma pop_macro("B")
#pragma pop_macro("A")
#pragma pop_macro("AX")
#pragma pop_macro("L")
#pragma pop_macro("T")

#ifdef __cplusplus
}
#endif

#endif /* CACT_CACT_H */
