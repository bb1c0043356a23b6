/* cact/elementwise.h -- the elementwise kernels: for each row of
 * cact/functions.inc,
 *
 *   void cact_<name>_f32(const float  *x, float  *y, size_t n, <params>);
 *   void cact_<name>_f64(const double *x, double *y, size_t n, <params>);
 *   void cact_<name>_f16(const cact_f16_t *x, cact_f16_t *y, size_t n, <params>);
 *   void cact_<name>_bf16(const cact_bf16_t *x, cact_bf16_t *y, size_t n, <params>);
 *
 * made by config.h's CACT__UNARY_BOTH_PLAIN or CACT__UNARY_BOTH_SPLIT32
 * (the row's loop) from the element functions of kernels/ that
 * cact/instantiate.h compiled at every level.  The contract: cact/cact.h.
 */
#ifndef CACT_ELEMENTWISE_H
#define CACT_ELEMENTWISE_H

#include "config.h"
#include "instantiate.h"
#include "core/half.h"

/* every row: float32 and float64, then float16 and bfloat16 over the
 * float32 kernel (core/half.h), so every float32 kernel, of either tier,
 * has its half-precision forms */
#define CACT_ELEMENTWISE(name, loop, PDECL, PARGS) \
  CACT__UNARY_BOTH_##loop(name, PDECL, PARGS) CACT__UNARY_HALF(name, PDECL, PARGS)
#include "functions.inc"

#endif /* CACT_ELEMENTWISE_H */
