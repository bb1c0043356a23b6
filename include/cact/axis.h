/* cact/axis.h -- kernels along an axis: softmax, log_softmax, softmin,
 * maxout and prelu.
 *
 * Every kernel works on a C-contiguous array viewed as [outer, len, inner]
 * (the axis in the middle; inner == 1 for the last axis):
 *
 *   void cact_softmax_f32    (const float *x, float *y, size_t outer, size_t len, size_t inner);
 *   void cact_log_softmax_f32(const float *x, float *y, size_t outer, size_t len, size_t inner);
 *   void cact_softmin_f32    (const float *x, float *y, size_t outer, size_t len, size_t inner);
 *       y has x's shape; y == x computes in place; partial overlap is undefined.
 *   void cact_maxout_f32(const float *x, float *y, size_t outer, size_t len, size_t inner,
 *                        size_t pieces);
 *       y is [outer, len / pieces, inner]: the max of each run of `pieces`
 *       consecutive entries along the axis (NaN propagates); len must be a
 *       multiple of pieces; y must not overlap x.
 *   void cact_prelu_f32(const float *x, float *y, size_t outer, size_t channels, size_t inner,
 *                       const float *w);
 *       y = x where x >= 0, else w[c] * x, c the index along the channel
 *       axis; w has `channels` entries (to broadcast one weight, pass
 *       outer = channels = 1 and inner = the size).  y == x is allowed.
 * and the same with _f64 / double.  Sizes may be 0.
 *
 * softmax rows, for every row (x_0 .. x_{len-1}) along the axis:
 *   - m = max x_j; d_i = x_i - m; y_i = e^d_i / sum_j e^d_j.  float32
 *     rows of CACT__AX_SHORT entries or more, and every other axis, run
 *     in float lanes (axis_impl.h, "float32 rows and tiles in float
 *     lanes": d as an exact float pair, e^d from the math core's
 *     float-pair exp, the sum in double, within ~1.3 ulp); shorter rows
 *     compute d, e^d and the sum in double (0.5 ulp).  float64 forms d exactly as a
 *     pair hi + lo (Knuth's TwoSum), because e^d amplifies an absolute
 *     error of d by |d| (|d| = 700 with a rounded d would cost 700 * 2^-53
 *     relative, hundreds of ulps), and takes e^(hi+lo) by a double exp
 *     whose reduced argument carries lo (within ~0.8 ulp); the
 *     sum is Kahan-compensated per lane, and the division is a product
 *     with 1/s held as a double-double (residual by fma), rounded once.
 *   - log_softmax: y_i = d_i - log(s) with log(s) = log1p((c - 1) + t),
 *     c the number of entries equal to the max (each contributes exactly
 *     1 to s) and t the sum of the others: the max entry's result, -log(s),
 *     keeps its digits when t is tiny (log_softmax([0, -30]) = -e^-30).
 *     d_i <= 0 <= log(s), so the subtraction never cancels.
 *   - special values: a NaN anywhere gives a NaN row; a row of all -inf
 *     gives NaN (0/0); -inf among finite entries gives exactly 0 (softmax)
 *     and -inf (log_softmax); +inf entries give the limit: with k entries
 *     at +inf, softmax is 1/k on them and 0 elsewhere, log_softmax -log(k)
 *     and -inf (NumPy, SciPy and PyTorch give a NaN row).
 *   softmin(x) = softmax(-x).
 *
 * Layout: the max is one pass (along each row for the last axis, in four
 * vectors of lanes; across the contiguous inner dimension for other axes,
 * in tiles of up to CACT__AX_BMAX columns, one accumulator per column,
 * with no transposing copy: a tile's sums live on the stack, about 56 KB
 * for float64 and 48 KB for float32, besides 16 KB of scratch for short
 * rows; define CACT__AX_BMAX smaller for less: the same results).  Then
 * one fused pass computes d, e^d and the sums and writes y (e^d for
 * softmax, d for log_softmax; along the last axis it also prefetches the
 * next row, a piece per step of CACT__AX_PFC entries); the output pass
 * rewrites y in place (times 1/s, or minus log(s)).  float64 softmax and
 * softmin of other axes (blocks of CACT__AX_REFMIN rows and columns or
 * more) skip the max pass: each column's e^(x - r) is
 * taken against the max r of the tile's first CACT__AX_REFK rows, with a
 * rescaling (at most once per column) where a later entry lies more than
 * CACT__AX_OVER above r (axis_impl.h, cols_ref); the same error bound,
 * and each column's bits depend on its own entries only.  Rows
 * shorter than CACT__AX_SHORT are done up to CACT__AX_QMAX at a time: the
 * reductions run across the rows (row q in lane q) and the exponentials
 * of all those rows are one flat loop over a scratch buffer of
 * CACT__AX_CHUNK doubles (on the stack).
 *
 * The loops are compiled per ISA level (x86-64-v4, v3, baseline) and
 * dispatched once per process, like the elementwise kernels (config.h).
 */
#ifndef CACT_AXIS_H
#define CACT_AXIS_H

#include <math.h>
#include "config.h"
#include "math.h"

#define CACT__AX_CAT_(a, b) a##b
#define CACT__AX_CAT(a, b) CACT__AX_CAT_(a, b)

#define CACT__AX_L 16        /* lanes of the float32 reductions (float64: 8, axis_impl.h) */
#define CACT__AX_CHUNK 1024  /* doubles in the scratch buffer of exponentials */
#ifndef CACT__AX_BMAX
#define CACT__AX_BMAX 1024   /* columns per tile when inner > 1, at most (see tilew) */
#endif
#define CACT__AX_PFC 256     /* entries per step of a row's exponential pass (prefetching) */
#define CACT__AX_SHORT 32    /* rows shorter than this are done 32+ at once */
#define CACT__AX_REFK 16     /* rows whose max is a float64 softmax tile's reference */
#define CACT__AX_OVER 600.0  /* ... and how far above it an entry rebases its column */
#define CACT__AX_REFMIN 64   /* ... in blocks of at least this many rows and columns */
#define CACT__AX_QMAX 256    /* ... at most this many rows at once */

/* A lane loop (for k < CACT__AX_L: acc[k] op= x[i + k]) must stay a loop:
 * gcc unrolls it completely and then cannot turn the 16 scalar chains back
 * into one vector (measured: scalar vmaxss, 0.14 ns/element for the row
 * max; as a loop it is vectorized whole, vmaxps zmm). */
#if defined(__GNUC__) || defined(__clang__)
#  define CACT__AX_NOUNROLL _Pragma("GCC unroll 1")
#else
#  define CACT__AX_NOUNROLL
#endif

/* a hint to bring the cache line at p into every cache level, for
 * reading; nothing where the compiler has no such builtin */
#if defined(__GNUC__) || defined(__clang__)
#  define CACT__AX_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#  define CACT__AX_PREFETCH(p) ((void)(p))
#endif

#define CACT__AX_SOFTMAX 0
#define CACT__AX_LOG_SOFTMAX 1
#define CACT__AX_SOFTMIN 2

#define CACT__IN_AXIS 1
#define CACT_T float
#define CACT_SFX f32
#define CACT__BITS 32
#include "axis_impl.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS
#define CACT_T double
#define CACT_SFX f64
#define CACT__BITS 64
#include "axis_impl.h"
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS
#undef CACT__IN_AXIS

/* CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS) defines
 *   void cact_<name>_<sfx>(const T *x, T *y, size_t outer, size_t len, size_t inner PDECL)
 * as BODY(x, y, outer, len, inner BARGS), compiled once per ISA level
 * (BODY is always_inline, so its loops are vectorized for each target) and
 * dispatched on cact_isa_level(). */
#define CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, SUFFIX, ATTR, FMA) \
    static ATTR CACT__NOINLINE CACT__OPTIMIZE void cact__##name##_##sfx##_##SUFFIX( \
        const T *x, T *y, size_t outer, size_t len, size_t inner CACT__ID PDECL) \
    {                                                                           \
        BODY(x, y, outer, len, inner CACT__ID BARGS, FMA);                      \
    }

/* The last argument of a body says whether the target has a fused
 * multiply-add: the float64 softmax uses fma() there and an exact
 * (Dekker/Veltkamp) product where the target has none, so that every level
 * gives the same bits.  (Veltkamp's split needs its products rounded, which
 * gcc's default -ffp-contract=fast would break on an FMA target: that is why
 * the choice is made per target, not left to the compiler.) */
#if defined(__FMA__)
#  define CACT__AX_BASE_FMA 1
#else
#  define CACT__AX_BASE_FMA 0
#endif

#if CACT_DISPATCH
#define CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS)               \
    CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, v4, CACT__TARGET_V4, 1) \
    CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, v3, CACT__TARGET_V3, 1) \
    CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, base, CACT__NOATTR, CACT__AX_BASE_FMA) \
    static CACT_UNUSED void cact_##name##_##sfx(                                \
        const T *x, T *y, size_t outer, size_t len, size_t inner CACT__ID PDECL) \
    {                                                                           \
        switch (cact_isa_level()) {                                             \
        case CACT_ISA_V4: cact__##name##_##sfx##_v4(x, y, outer, len, inner CACT__ID PARGS); break; \
        case CACT_ISA_V3: cact__##name##_##sfx##_v3(x, y, outer, len, inner CACT__ID PARGS); break; \
        default: cact__##name##_##sfx##_base(x, y, outer, len, inner CACT__ID PARGS); break;        \
        }                                                                       \
    }
#else
#define CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS)               \
    CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, base, CACT__NOATTR, CACT__AX_BASE_FMA) \
    static CACT_UNUSED void cact_##name##_##sfx(                                \
        const T *x, T *y, size_t outer, size_t len, size_t inner CACT__ID PDECL) \
    {                                                                           \
        cact__##name##_##sfx##_base(x, y, outer, len, inner CACT__ID PARGS);    \
    }
#endif

#define CACT__AXIS_BOTH(name, PDECL32, PDECL64, PARGS, BODY, BARGS)             \
    CACT__AXIS_KERNEL(name, f32, float, PDECL32, PARGS, BODY##_f32, BARGS)      \
    CACT__AXIS_KERNEL(name, f64, double, PDECL64, PARGS, BODY##_f64, BARGS)

CACT__AXIS_BOTH(softmax, (), (), (), cact__ax_softmax_body, (, CACT__AX_SOFTMAX))
CACT__AXIS_BOTH(log_softmax, (), (), (), cact__ax_softmax_body, (, CACT__AX_LOG_SOFTMAX))
CACT__AXIS_BOTH(softmin, (), (), (), cact__ax_softmax_body, (, CACT__AX_SOFTMIN))
CACT__AXIS_BOTH(maxout, (, size_t pieces), (, size_t pieces), (, pieces), cact__ax_maxout_body, (, pieces))
CACT__AXIS_BOTH(prelu, (, const float *w), (, const double *w), (, w), cact__ax_prelu_body, (, w))

#endif /* CACT_AXIS_H */
