/* cact/axis_grad.h -- the backward kernels of the softmax family, from the
 * forward's output y (the axis of an [outer, len, inner] view, as axis.h):
 *
 *   void cact_softmax_grad_f32    (const float *dy, const float *y, float *dx,
 *                                  size_t outer, size_t len, size_t inner);
 *       dx = y (dy - sum(dy y))            along the axis
 *   void cact_log_softmax_grad_f32(...)   dx = dy - e^y sum(dy)
 *   void cact_softmin_grad_f32    (...)   dx = -y (dy - sum(dy y))
 *
 * and the same with _f64 / double.  dx may be dy or y (exactly); partial
 * overlap is undefined.  Sizes may be 0.  Formulas, sums and rounding:
 * axis/grad.h.  Compiled per ISA level and dispatched like the others.
 */
#ifndef CACT_AXIS_GRAD_H
#define CACT_AXIS_GRAD_H

#include "config.h"
#include "instantiate.h"

#define CACT__AG_W 8      /* independent lanes of a row's sum */
#define CACT__AG_TILE 256 /* columns per tile of the other axes (4 KB of sums) */

#if CACT_DISPATCH
#  define CACT__AGLV v4
#  define CACT__AGATTR CACT__TARGET_V4
#  define CACT_T float
#  define T float
#  define CACT_SFX f32
#  define CACT__BITS 32
#  include "axis/grad.h"
#  undef CACT_T
#  undef T
#  undef CACT_SFX
#  undef CACT__BITS
#  define CACT_T double
#  define T double
#  define CACT_SFX f64
#  define CACT__BITS 64
#  include "axis/grad.h"
#  undef CACT_T
#  undef T
#  undef CACT_SFX
#  undef CACT__BITS
#  undef CACT__AGLV
#  undef CACT__AGATTR
#  define CACT__AGLV v3
#  define CACT__AGATTR CACT__TARGET_V3
#  define CACT_T float
#  define T float
#  define CACT_SFX f32
#  define CACT__BITS 32
#  include "axis/grad.h"
#  undef CACT_T
#  undef T
#  undef CACT_SFX
#  undef CACT__BITS
#  define CACT_T double
#  define T double
#  define CACT_SFX f64
#  define CACT__BITS 64
#  include "axis/grad.h"
#  undef CACT_T
#  undef T
#  undef CACT_SFX
#  undef CACT__BITS
#  undef CACT__AGLV
#  undef CACT__AGATTR
#endif
#define CACT__AGLV base
#define CACT__AGATTR
#define CACT_T float
#define T float
#define CACT_SFX f32
#define CACT__BITS 32
#include "axis/grad.h"
#undef CACT_T
#undef T
#undef CACT_SFX
#undef CACT__BITS
#define CACT_T double
#define T double
#define CACT_SFX f64
#define CACT__BITS 64
#include "axis/grad.h"
#undef CACT_T
#undef T
#undef CACT_SFX
#undef CACT__BITS
#undef CACT__AGLV
#undef CACT__AGATTR

#if CACT_DISPATCH
#  define CACT__AG_CALL(sfx, args)     \
    switch (cact_isa_level()) {        \
    case CACT_ISA_V4:                  \
      cact__ag_grad_##sfx##_v4 args;   \
      break;                           \
    case CACT_ISA_V3:                  \
      cact__ag_grad_##sfx##_v3 args;   \
      break;                           \
    default:                           \
      cact__ag_grad_##sfx##_base args; \
      break;                           \
    }
#else
#  define CACT__AG_CALL(sfx, args) cact__ag_grad_##sfx##_base args;
#endif

#define CACT__AG_PUBLIC(name, sfx, TT, log, sign)                                         \
  CACT_API void cact_##name##_grad_##sfx(const TT *dy, const TT *y, TT *dx, size_t outer, \
                                         size_t len, size_t inner)                        \
  {                                                                                       \
    CACT__AG_CALL(sfx, (dy, y, dx, outer, len, inner, log, sign))                         \
  }
CACT__AG_PUBLIC(softmax, f32, float, 0, 1)
CACT__AG_PUBLIC(softmax, f64, double, 0, 1)
CACT__AG_PUBLIC(softmin, f32, float, 0, -1)
CACT__AG_PUBLIC(softmin, f64, double, 0, -1)
CACT__AG_PUBLIC(log_softmax, f32, float, 1, 1)
CACT__AG_PUBLIC(log_softmax, f64, double, 1, 1)
#undef CACT__AG_PUBLIC
#undef CACT__AG_CALL

/* maxout's and prelu's backward kernels (memory-bound selections and one
 * sum per channel: one generic loop, no per-level code):
 *
 *   void cact_maxout_grad_f32(const float *dy, const float *x, float *dx, size_t outer,
 *                             size_t len, size_t inner, size_t pieces);
 *       x and dx [outer, len, inner], dy [outer, len / pieces, inner]: each
 *       run's dy goes to the first maximal piece of x (the first NaN where
 *       the run holds one: the forward's NaN came from it), 0 to the others.
 *       dx may be x; it must not overlap dy.
 *   void cact_prelu_grad_f32(const float *dy, const float *x, float *dx, float *dw,
 *                            size_t outer, size_t channels, size_t inner, const float *w);
 *       dx = dy where x > 0, else w[c] dy (PyTorch's prelu backward: w[c] dy
 *       at 0; x's NaN where x is NaN); dw[c] = the sum of x dy over the
 *       entries with x <= 0 of channel c: float32 in double (exact
 *       products), float64 compensated (TwoProd, TwoSum), one rounding.
 *       dx may be dy or x.
 */
#define CACT__AG_MAXOUT(sfx, TT)                                                          \
  CACT_API void cact_maxout_grad_##sfx(const TT *dy, const TT *x, TT *dx, size_t outer,   \
                                       size_t len, size_t inner, size_t pieces)           \
  {                                                                                       \
    size_t g = pieces ? len / pieces : 0, o, k, p, j;                                     \
    for (o = 0; o < outer; o++)                                                           \
      for (k = 0; k < g; k++) {                                                           \
        const TT *xr = x + (o * len + k * pieces) * inner, *d = dy + (o * g + k) * inner; \
        TT *dr = dx + (o * len + k * pieces) * inner;                                     \
        for (j = 0; j < inner; j++) {                                                     \
          size_t best = 0;                                                                \
          TT m = xr[j];                                                                   \
          for (p = 1; p < pieces; p++) {                                                  \
            TT v = xr[p * inner + j];                                                     \
            if (m == m && (v > m || v != v)) m = v, best = p;                             \
          }                                                                               \
          for (p = 0; p < pieces; p++) dr[p * inner + j] = p == best ? d[j] : (TT)0;      \
        }                                                                                 \
      }                                                                                   \
  }
CACT__AG_MAXOUT(f32, float)
CACT__AG_MAXOUT(f64, double)
#undef CACT__AG_MAXOUT

CACT_API void cact_prelu_grad_f32(const float *dy, const float *x, float *dx, float *dw,
                                  size_t outer, size_t channels, size_t inner, const float *w)
{
    size_t o, c, j;
    for (c = 0; c < channels; c++) {
        double acc = 0.0;
        for (o = 0; o < outer; o++) {
            size_t b = (o * channels + c) * inner;
            for (j = 0; j < inner; j++) {
                float xv = x[b + j], d = dy[b + j];
                acc += xv > 0 ? 0.0 : (double)xv * d;
                dx[b + j] = xv > 0 ? d : (xv != xv ? xv : (float)((double)w[c] * d));
            }
        }
        dw[c] = (float)acc;
    }
}

CACT_API void cact_prelu_grad_f64(const double *dy, const double *x, double *dx, double *dw,
                                  size_t outer, size_t channels, size_t inner, const double *w)
{
    size_t o, c, j;
    for (c = 0; c < channels; c++) {
        double sh = 0.0, sl = 0.0;
        for (o = 0; o < outer; o++) {
            size_t b = (o * channels + c) * inner;
            for (j = 0; j < inner; j++) {
                double xv = x[b + j], d = dy[b + j];
                cact__dd p = cact__two_prod_base(xv > 0 ? 0.0 : xv, d);
                cact__dd t = cact__two_sum(sh, p.h);
                sh = t.h;
                sl += t.l + p.l;
                dx[b + j] = xv > 0 ? d : (xv != xv ? xv : w[c] * d);
            }
        }
        dw[c] = sh + sl == sh + sl ? sh + sl : sh;
    }
}

#endif /* CACT_AXIS_GRAD_H */
