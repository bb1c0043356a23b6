/* cact/math.h -- the math core: the transcendental building blocks of the
 * activations, one name each, for the "wide" type an element function
 * computes in.
 *
 * float32 kernels compute in double and round once at the end; float64
 * kernels compute in long double (x87 80-bit on x86-64).  One step wider
 * than the result makes every composition below (sigmoid, softplus, mish,
 * gelu's erfc tail...) accurate to well under 1 ulp of the result, as long as
 * the formula itself has no cancellation, which the element functions see to.
 *
 * STAGE 1: these wrap libm.  The vectorized core (issue #4) replaces the
 * bodies with range reduction + polynomials that the compiler vectorizes.
 */
#ifndef CACT_MATH_H
#define CACT_MATH_H

#include <math.h>
#include "config.h"

/* the type a kernel computes in, by result dtype */
typedef double cact_w32;
typedef long double cact_w64;

CACT_INLINE cact_w32 cact_exp_w32(cact_w32 x) { return exp(x); }
CACT_INLINE cact_w32 cact_expm1_w32(cact_w32 x) { return expm1(x); }
CACT_INLINE cact_w32 cact_log1p_w32(cact_w32 x) { return log1p(x); }
CACT_INLINE cact_w32 cact_tanh_w32(cact_w32 x) { return tanh(x); }
CACT_INLINE cact_w32 cact_erfc_w32(cact_w32 x) { return erfc(x); }

CACT_INLINE cact_w64 cact_exp_w64(cact_w64 x) { return expl(x); }
CACT_INLINE cact_w64 cact_expm1_w64(cact_w64 x) { return expm1l(x); }
CACT_INLINE cact_w64 cact_log1p_w64(cact_w64 x) { return log1pl(x); }
CACT_INLINE cact_w64 cact_tanh_w64(cact_w64 x) { return tanhl(x); }
CACT_INLINE cact_w64 cact_erfc_w64(cact_w64 x) { return erfcl(x); }

#endif /* CACT_MATH_H */
