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

#define CACT__AG_W 8       /* independent lanes of a row's sum */
#define CACT__AG_TILE 256  /* columns per tile of the other axes (4 KB of sums) */

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
#  define CACT__AG_CALL(sfx, args)                       \
    switch (cact_isa_level()) {                          \
    case CACT_ISA_V4: cact__ag_grad_##sfx##_v4 args; break; \
    case CACT_ISA_V3: cact__ag_grad_##sfx##_v3 args; break; \
    default: cact__ag_grad_##sfx##_base args; break;     \
    }
#else
#  define CACT__AG_CALL(sfx, args) cact__ag_grad_##sfx##_base args;
#endif

#define CACT__AG_PUBLIC(name, sfx, TT, log, sign)                                               \
  static CACT_UNUSED void cact_##name##_grad_##sfx(const TT *dy, const TT *y, TT *dx,           \
                                                   size_t outer, size_t len, size_t inner)      \
  {                                                                                             \
    CACT__AG_CALL(sfx, (dy, y, dx, outer, len, inner, log, sign))                              \
  }
CACT__AG_PUBLIC(softmax, f32, float, 0, 1)
CACT__AG_PUBLIC(softmax, f64, double, 0, 1)
CACT__AG_PUBLIC(softmin, f32, float, 0, -1)
CACT__AG_PUBLIC(softmin, f64, double, 0, -1)
CACT__AG_PUBLIC(log_softmax, f32, float, 1, 1)
CACT__AG_PUBLIC(log_softmax, f64, double, 1, 1)
#undef CACT__AG_PUBLIC
#undef CACT__AG_CALL

#endif /* CACT_AXIS_GRAD_H */
