/* cact/elementwise.h -- every elementwise activation kernel:
 *
 *   void cact_<name>_f32(const float  *x, float  *y, size_t n, <params>);
 *   void cact_<name>_f64(const double *x, double *y, size_t n, <params>);
 *
 * Reads x[0..n) and writes y[0..n) in one pass.  y == x computes in place;
 * partial overlap of x and y is undefined.  n may be 0.  Parameters are
 * double for both dtypes.  NaN in gives NaN out, +-inf give the limits.
 */
#ifndef CACT_ELEMENTWISE_H
#define CACT_ELEMENTWISE_H

#include "config.h"
#include "math.h"

#define CACT__CAT_(a, b) a##b
#define CACT__CAT(a, b) CACT__CAT_(a, b)
#define CACT__CAT3(a, b, c) CACT__CAT(CACT__CAT(a, b), c)

/* The element functions, once per (dtype, ISA level):
 * cact__el_<name>_<dtype>_<level> (elementwise_level.h includes the
 * template for both dtypes at the level CACT__LV names). */
#define CACT__IN_ELEMENTWISE 1
#if CACT_DISPATCH
#  define CACT__LV v4
#  include "elementwise_level.h"
#  undef CACT__LV
#  define CACT__LV v3
#  include "elementwise_level.h"
#  undef CACT__LV
#endif
#define CACT__LV base
#include "elementwise_level.h"
#undef CACT__LV
#undef CACT__IN_ELEMENTWISE

/* The kernels.  One line per function; the parameter lists are the C
 * signatures (after n) of cact_<name>_f32 and cact_<name>_f64. */
CACT__UNARY_BOTH(identity, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(binary_step, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(relu, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(relu6, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(leaky_relu, CACT__P1(negative_slope), CACT__A1(negative_slope))
CACT__UNARY_BOTH(hardtanh, CACT__P2(min_val, max_val), CACT__A2(min_val, max_val))
CACT__UNARY_BOTH(hard_sigmoid, CACT__P2(alpha, beta), CACT__A2(alpha, beta))
CACT__UNARY_BOTH(hard_swish, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(softshrink, CACT__P1(lambd), CACT__A1(lambd))
CACT__UNARY_BOTH(hardshrink, CACT__P1(lambd), CACT__A1(lambd))
CACT__UNARY_BOTH(threshold, CACT__P2(threshold, value), CACT__A2(threshold, value))
CACT__UNARY_BOTH(softsign, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(sigmoid, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(log_sigmoid, CACT__P0, CACT__A0)
CACT__UNARY_BOTH_SPLIT32(swish, CACT__P1(beta), CACT__A1(beta))
CACT__UNARY_BOTH(silu, CACT__P0, CACT__A0)
CACT__UNARY_BOTH_SPLIT32(softplus, CACT__P2(beta, threshold), CACT__A2(beta, threshold))
CACT__UNARY_BOTH(mish, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(tanh, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(tanhshrink, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(elu, CACT__P1(alpha), CACT__A1(alpha))
CACT__UNARY_BOTH_SPLIT32(celu, CACT__P1(alpha), CACT__A1(alpha))
CACT__UNARY_BOTH(selu, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(gelu, CACT__P0, CACT__A0)
CACT__UNARY_BOTH(gelu_tanh, CACT__P0, CACT__A0)

#endif /* CACT_ELEMENTWISE_H */
