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
 * and the same with _f64 / double.  Sizes may be 0.  float16 and bfloat16
 * (cact_<name>_f16 / _bf16 over cact_f16_t / cact_bf16_t, returning int):
 * axis/half.h.
 *
 * softmax rows, for every row (x_0 .. x_{len-1}) along the axis:
 *   - m = max x_j; d_i = x_i - m; y_i = e^d_i / sum_j e^d_j.  float32
 *     rows of CACT__AX_SHORT entries or more, and every other axis, run
 *     in float lanes (axis/softmax_rows.h, "float32 rows and tiles in float
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
 * CACT__AX_OVER above r (axis/softmax_refmax.h); the same error bound,
 * and each column's bits depend on its own entries only.  Rows
 * shorter than CACT__AX_SHORT are done up to CACT__AX_QMAX at a time: the
 * reductions run across the rows (row q in lane q) and the exponentials
 * of all those rows are one flat loop over a scratch buffer of
 * CACT__AX_CHUNK doubles (on the stack).
 *
 * The loops are compiled per ISA level (x86-64-v4, v3, baseline) and
 * dispatched once per process, like the elementwise kernels (config.h;
 * axis/common.h says what differs between levels: v4 and v3 give the same
 * bits, the baseline's exp may round differently within the same bounds).
 *
 * Files (include/cact/axis/; each but common.h's first part is compiled
 * once per dtype, the dtype's names cact__ax_<name>_f32 / _f64):
 *   common.h          constants, the per-level variants, the float64 exp,
 *                     max/min scans, Kahan sums, 1/s and log(s)
 *   softmax.h         which path takes a softmax call; includes:
 *   softmax_rows.h      the last axis: short rows in double, float32 rows
 *                       in float lanes, float64 rows; the block loops
 *   softmax_tiles.h     other axes: tiles of columns, three passes
 *   softmax_refmax.h    float64 softmax / softmin of other axes: one pass
 *                       against a reference max, rebase
 *   maxout.h, prelu.h
 * Design and error bounds: docs/design.md, docs/accuracy.md.
 */
#ifndef CACT_AXIS_H
#define CACT_AXIS_H

#include <math.h>
#include "config.h"
#include "instantiate.h"

/* The kernels, written once for both dtypes: the files below are included
 * with float, then with double (CACT_T, CACT_SFX, CACT__BITS; axis/common.h
 * defines AX, T and L for them) */
#define CACT__IN_AXIS 1
#define CACT_T float
#define CACT_SFX f32
#define CACT__BITS 32
#include "axis/common.h"
#include "axis/softmax.h"
#include "axis/softmax_fast.h"
#include "axis/maxout.h"
#include "axis/prelu.h"
#undef AX
#undef T
#undef L
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS
#define CACT_T double
#define CACT_SFX f64
#define CACT__BITS 64
#include "axis/common.h"
#include "axis/softmax.h"
#include "axis/softmax_fast.h"
#include "axis/maxout.h"
#include "axis/prelu.h"
#undef AX
#undef T
#undef L
#undef CACT_T
#undef CACT_SFX
#undef CACT__BITS
#undef CACT__IN_AXIS

/* the public kernels (axis/common.h, CACT__AXIS_KERNEL): the body and its
 * arguments after (x, y, outer, len, inner) */
CACT__AXIS_BOTH(softmax, (), (), (), cact__ax_softmax_body, (, CACT__AX_SOFTMAX))
CACT__AXIS_BOTH(log_softmax, (), (), (), cact__ax_softmax_body, (, CACT__AX_LOG_SOFTMAX))
CACT__AXIS_BOTH(softmin, (), (), (), cact__ax_softmax_body, (, CACT__AX_SOFTMIN))
/* the fast tier (axis/softmax_fast.h) */
CACT__AXIS_BOTH(fast_softmax, (), (), (), cact__ax_fast_softmax_body, (, CACT__AX_SOFTMAX))
CACT__AXIS_BOTH(fast_log_softmax, (), (), (), cact__ax_fast_softmax_body, (, CACT__AX_LOG_SOFTMAX))
CACT__AXIS_BOTH(fast_softmin, (), (), (), cact__ax_fast_softmax_body, (, CACT__AX_SOFTMIN))
CACT__AXIS_BOTH(maxout, (, size_t pieces), (, size_t pieces), (, pieces), cact__ax_maxout_body,
                (, pieces))
CACT__AXIS_BOTH(prelu, (, const float *w), (, const double *w), (, w), cact__ax_prelu_body, (, w))

/* float16 and bfloat16 over the float32 kernels: tiles widened to float32
 * scratch (cact_softmax_f16, ... cact_prelu_bf16; they return 0, or -1
 * where scratch could not be allocated) */
#define CACT__IN_AXIS 1
#include "axis/half.h"
#undef CACT__IN_AXIS

#endif /* CACT_AXIS_H */
