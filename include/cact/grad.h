/* cact/grad.h -- the backward kernels: for each row of cact/grad.inc,
 *
 *   void cact_<name>_grad_f32(const float  *dy, const float  *x, float  *dx, size_t n, <params>);
 *   void cact_<name>_grad_f64(const double *dy, const double *x, double *dx, size_t n, <params>);
 *
 * dx[i] = dy[i] f'(x[i]) (f the kernel <name>, its parameters as the
 * forward's), from the element functions <name>_grad of kernels/ (the
 * family files' "derivatives" sections) that cact/instantiate.h compiled
 * at every level.  dx may be dy or x (exactly: in place), or both when
 * dy == x; partial overlap is not allowed.  Each case runs its own loop
 * over restrict parameters, so the vectorizer needs no run-time alias
 * check; from CACT__PEEL_MIN bytes on, the elements before dx's 64-byte
 * boundary take a call of their own (as config.h's forward loops).
 * Kinks and special values: docs/contract.md, "Derivatives".
 */
#ifndef CACT_GRAD_H
#define CACT_GRAD_H

#include "config.h"
#include "instantiate.h"

/* the loops over element function cact__el_<el>_<sfx>_<SUFFIX>(dy, x):
 * out of place, dx == dy, dx == x, and dx == dy == x */
#define CACT__GLOOPS(el, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                                       \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_oop(                             \
      const T *CACT_RESTRICT dy, const T *CACT_RESTRICT x, T *CACT_RESTRICT dx,                    \
      size_t n CACT__ID PDECL)                                                                     \
  {                                                                                                \
    size_t i;                                                                                      \
    for (i = 0; i < n; i++) dx[i] = cact__el_##el##_##sfx##_##SUFFIX(dy[i], x[i] CACT__ID PARGS);  \
  }                                                                                                \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_idy(                             \
      T *CACT_RESTRICT dx, const T *CACT_RESTRICT x, size_t n CACT__ID PDECL)                      \
  {                                                                                                \
    size_t i;                                                                                      \
    for (i = 0; i < n; i++) dx[i] = cact__el_##el##_##sfx##_##SUFFIX(dx[i], x[i] CACT__ID PARGS);  \
  }                                                                                                \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_ix(                              \
      const T *CACT_RESTRICT dy, T *CACT_RESTRICT dx, size_t n CACT__ID PDECL)                     \
  {                                                                                                \
    size_t i;                                                                                      \
    for (i = 0; i < n; i++) dx[i] = cact__el_##el##_##sfx##_##SUFFIX(dy[i], dx[i] CACT__ID PARGS); \
  }                                                                                                \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_iall(T *dx,                      \
                                                                       size_t n CACT__ID PDECL)    \
  {                                                                                                \
    size_t i;                                                                                      \
    for (i = 0; i < n; i++) dx[i] = cact__el_##el##_##sfx##_##SUFFIX(dx[i], dx[i] CACT__ID PARGS); \
  }

/* one stretch [o, o + m) through the loop that fits the aliasing */
#define CACT__GRUN(el, sfx, SUFFIX, PARGS, o, m)                                                 \
  do {                                                                                           \
    if (dx == dy && dx == x) cact__##el##_##sfx##_##SUFFIX##_iall(dx + (o), m CACT__ID PARGS);   \
    else if (dx == dy) cact__##el##_##sfx##_##SUFFIX##_idy(dx + (o), x + (o), m CACT__ID PARGS); \
    else if (dx == x) cact__##el##_##sfx##_##SUFFIX##_ix(dy + (o), dx + (o), m CACT__ID PARGS);  \
    else cact__##el##_##sfx##_##SUFFIX##_oop(dy + (o), x + (o), dx + (o), m CACT__ID PARGS);     \
  } while (0)

#define CACT__GLOOP(el, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                     \
  CACT__GLOOPS(el, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                          \
  static ATTR CACT__NOINLINE CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX( \
      const T *dy, const T *x, T *dx, size_t n CACT__ID PDECL)                  \
  {                                                                             \
    size_t head = 0;                                                            \
    if (n * sizeof(T) >= CACT__PEEL_MIN && (size_t)dx % sizeof(T) == 0)         \
      head = (size_t)(-(size_t)dx % CACT__ALIGN) / sizeof(T);                   \
    if (head) CACT__GRUN(el, sfx, SUFFIX, PARGS, 0, head);                      \
    CACT__GRUN(el, sfx, SUFFIX, PARGS, head, n - head);                         \
  }

#if CACT_DISPATCH
#  define CACT__GRAD_DT(el, sfx, T, PDECL, PARGS)                                            \
    CACT__GLOOP(el, sfx, T, PDECL, PARGS, v4, CACT__TARGET_V4)                               \
    CACT__GLOOP(el, sfx, T, PDECL, PARGS, v3, CACT__TARGET_V3)                               \
    CACT__GLOOP(el, sfx, T, PDECL, PARGS, base, CACT__NOATTR)                                \
    CACT_API void cact_##el##_##sfx(const T *dy, const T *x, T *dx, size_t n CACT__ID PDECL) \
    {                                                                                        \
      switch (cact_isa_level()) {                                                            \
      case CACT_ISA_V4:                                                                      \
        cact__##el##_##sfx##_v4(dy, x, dx, n CACT__ID PARGS);                                \
        break;                                                                               \
      case CACT_ISA_V3:                                                                      \
        cact__##el##_##sfx##_v3(dy, x, dx, n CACT__ID PARGS);                                \
        break;                                                                               \
      default:                                                                               \
        cact__##el##_##sfx##_base(dy, x, dx, n CACT__ID PARGS);                              \
        break;                                                                               \
      }                                                                                      \
    }
#else
#  define CACT__GRAD_DT(el, sfx, T, PDECL, PARGS)                                            \
    CACT__GLOOP(el, sfx, T, PDECL, PARGS, base, CACT__NOATTR)                                \
    CACT_API void cact_##el##_##sfx(const T *dy, const T *x, T *dx, size_t n CACT__ID PDECL) \
    {                                                                                        \
      cact__##el##_##sfx##_base(dy, x, dx, n CACT__ID PARGS);                                \
    }
#endif

#define CACT_GRAD(name, PDECL, PARGS)                  \
  CACT__GRAD_DT(name##_grad, f32, float, PDECL, PARGS) \
  CACT__GRAD_DT(name##_grad, f64, double, PDECL, PARGS)
#include "grad.inc"

#endif /* CACT_GRAD_H */
