/* cact/api.h -- the declarations of every public function of cact, and the
 * linkage rule that cact/cact.h's three ways of including it share:
 *
 *   (default)             declarations only: cheap to compile at any -O;
 *                         the definitions come from the shipped static
 *                         library (cact.get_library_dirs(), -lcact) or
 *                         from one translation unit of the program that
 *                         defines CACT_IMPLEMENTATION;
 *   CACT_IMPLEMENTATION   the definitions, with external linkage (exactly
 *                         one translation unit of a program);
 *   CACT_STATIC           the definitions, static: every translation unit
 *                         that defines it gets its own private copy
 *                         (nothing to link; the slow compile in each).
 *
 * CACT_API is the linkage of the public functions: static under
 * CACT_STATIC, external otherwise.  The definitions (config.h, the
 * CACT_ELEMENTWISE rows of elementwise.h, axis.h) follow these
 * declarations in the same translation unit, so the compiler checks that
 * they agree. */
#ifndef CACT_API_H
#define CACT_API_H

#include <stddef.h>
#include <stdint.h>

#if defined(CACT_STATIC) && defined(CACT_IMPLEMENTATION)
#  error "define CACT_STATIC or CACT_IMPLEMENTATION before including cact/cact.h, not both"
#endif

#ifdef CACT_STATIC
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT_API static __attribute__((unused))
#  else
#    define CACT_API static
#  endif
#else
#  define CACT_API extern
#endif

/* float16 and bfloat16 data: their bits, as stored (cact/core/half.h) */
typedef uint16_t cact_f16_t;
typedef uint16_t cact_bf16_t;

/* Parameter lists travel through the macros parenthesised, as one
 * argument, and are opened with CACT__ID where they are used. */
#define CACT__ID(...) __VA_ARGS__
#define CACT__P0 ()
#define CACT__P1(a) (, double a)
#define CACT__P2(a, b) (, double a, double b)
#define CACT__A0 ()
#define CACT__A1(a) (, a)
#define CACT__A2(a, b) (, a, b)

/* ISA levels (cact/config.h) */
#define CACT_ISA_BASELINE 0
#define CACT_ISA_V3 2
#define CACT_ISA_V4 3
CACT_API int cact_isa_hardware(void);          /* the level the CPU supports */
CACT_API int cact_isa_select(void);            /* that level, lowered by $CACT_ISA */
CACT_API int cact_isa_level(void);             /* the level the kernels use (cached) */
CACT_API int cact_isa_reset(void);             /* re-read $CACT_ISA; the new level */
CACT_API const char *cact_isa_name(int level); /* e.g. "x86-64-v3 (AVX2+FMA)" */

/* the elementwise kernels: one row of cact/functions.inc each */
#define CACT_ELEMENTWISE(name, loop, PDECL, PARGS)                                              \
  CACT_API void cact_##name##_f32(const float *x, float *y, size_t n CACT__ID PDECL);           \
  CACT_API void cact_##name##_f64(const double *x, double *y, size_t n CACT__ID PDECL);         \
  CACT_API void cact_##name##_f16(const cact_f16_t *x, cact_f16_t *y, size_t n CACT__ID PDECL); \
  CACT_API void cact_##name##_bf16(const cact_bf16_t *x, cact_bf16_t *y, size_t n CACT__ID PDECL);
#include "functions.inc"

/* the backward kernels, dx = dy f'(x): one row of cact/grad.inc each */
#define CACT_GRAD(name, PDECL, PARGS)                                                 \
  CACT_API void cact_##name##_grad_f32(const float *dy, const float *x, float *dx,    \
                                       size_t n CACT__ID PDECL);                      \
  CACT_API void cact_##name##_grad_f64(const double *dy, const double *x, double *dx, \
                                       size_t n CACT__ID PDECL);
#include "grad.inc"

/* the kernels along an axis (cact/axis.h) */
#define CACT__AXIS_DECL(name, T, sfx, PDECL) \
  CACT_API void cact_##name##_##sfx(const T *x, T *y, size_t outer, size_t len, size_t inner PDECL);
CACT__AXIS_DECL(softmax, float, f32, )
CACT__AXIS_DECL(softmax, double, f64, )
CACT__AXIS_DECL(log_softmax, float, f32, )
CACT__AXIS_DECL(log_softmax, double, f64, )
CACT__AXIS_DECL(softmin, float, f32, )
CACT__AXIS_DECL(softmin, double, f64, )
CACT__AXIS_DECL(maxout, float, f32, CACT__ID(, size_t pieces))
CACT__AXIS_DECL(maxout, double, f64, CACT__ID(, size_t pieces))
CACT__AXIS_DECL(prelu, float, f32, CACT__ID(, const float *w))
CACT__AXIS_DECL(prelu, double, f64, CACT__ID(, const double *w))
CACT__AXIS_DECL(fast_softmax, float, f32, )
CACT__AXIS_DECL(fast_softmax, double, f64, )
CACT__AXIS_DECL(fast_log_softmax, float, f32, )
CACT__AXIS_DECL(fast_log_softmax, double, f64, )
CACT__AXIS_DECL(fast_softmin, float, f32, )
CACT__AXIS_DECL(fast_softmin, double, f64, )
#undef CACT__AXIS_DECL
/* float16 / bfloat16 along an axis: 0, or -1 (nothing written) when the
 * float32 scratch of a long row cannot be allocated (cact/axis/half.h) */
#define CACT__AXIS_HALF_DECL(h)                                                                    \
  CACT_API int cact_softmax_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,          \
                                size_t inner);                                                     \
  CACT_API int cact_log_softmax_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,      \
                                    size_t inner);                                                 \
  CACT_API int cact_softmin_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,          \
                                size_t inner);                                                     \
  CACT_API int cact_fast_softmax_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,     \
                                     size_t inner);                                                \
  CACT_API int cact_fast_log_softmax_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len, \
                                         size_t inner);                                            \
  CACT_API int cact_fast_softmin_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,     \
                                     size_t inner);                                                \
  CACT_API int cact_maxout_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,           \
                               size_t inner, size_t pieces);                                       \
  CACT_API int cact_prelu_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t channels,       \
                              size_t inner, const uint16_t *w);
CACT__AXIS_HALF_DECL(f16)
CACT__AXIS_HALF_DECL(bf16)
#undef CACT__AXIS_HALF_DECL

/* the backward kernels along an axis (cact/axis_grad.h) */
#define CACT__AXIS_GRAD_DECL(T, sfx)                                                              \
  CACT_API void cact_softmax_grad_##sfx(const T *dy, const T *y, T *dx, size_t outer, size_t len, \
                                        size_t inner);                                            \
  CACT_API void cact_log_softmax_grad_##sfx(const T *dy, const T *y, T *dx, size_t outer,         \
                                            size_t len, size_t inner);                            \
  CACT_API void cact_softmin_grad_##sfx(const T *dy, const T *y, T *dx, size_t outer, size_t len, \
                                        size_t inner);                                            \
  CACT_API void cact_maxout_grad_##sfx(const T *dy, const T *x, T *dx, size_t outer, size_t len,  \
                                       size_t inner, size_t pieces);                              \
  CACT_API void cact_prelu_grad_##sfx(const T *dy, const T *x, T *dx, T *dw, size_t outer,        \
                                      size_t channels, size_t inner, const T *w);
CACT__AXIS_GRAD_DECL(float, f32)
CACT__AXIS_GRAD_DECL(double, f64)
#undef CACT__AXIS_GRAD_DECL

/* float16 / bfloat16 <-> float32, exact widening, narrowing rounded to
 * nearest even (cact/core/half.h) */
CACT_API void cact_f16_to_f32(const cact_f16_t *h, float *f, size_t n);
CACT_API void cact_f32_to_f16(const float *f, cact_f16_t *h, size_t n);
CACT_API void cact_bf16_to_f32(const cact_bf16_t *h, float *f, size_t n);
CACT_API void cact_f32_to_bf16(const float *f, cact_bf16_t *h, size_t n);

#endif /* CACT_API_H */
