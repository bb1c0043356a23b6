/* cact/kernels/common.h -- what the family files of one (dtype, level)
 * share: the naming macro, the NaN wrapper and the gates.
 *
 * Part of cact/kernels/all.h, included once per (dtype, level) with
 *   CACT_T      the element type (float / double), also spelled T
 *   CACT_SFX    f32 / f64,  CACT__BITS 32 / 64
 *   CACT__LV    the ISA level (v4 / v3 / base), whose math core (core/) is
 *               instantiated already: CACT__L(fn) calls it
 * and CACT__E(name) spelling the element function cact__el_<name>_<sfx>_<lv>.
 *
 * An element function is a branch-free select chain the compiler
 * vectorizes: both arms of a select are computed, so an arm may produce
 * NaN or inf for inputs the other arm handles.  NaN propagates through
 * every function (comparisons with NaN are false, so the arm carrying x or
 * a NaN-propagating expression is taken, or the NaN wrapper below returns
 * x itself) and +-inf give the limits.  float32 kernels evaluate in double
 * with the _d core (or in float lanes with the _f/_ff core) and round once
 * at the end; float64 kernels use the _dd core and exact products (fma, or
 * Dekker's product in the baseline), rounding once at the end, and carry an
 * argument as a double-double where it is amplified (the tails of gelu,
 * gelu_tanh, swish, softplus).  Bounds: docs/accuracy.md (tools/exhaustive/
 * measures them).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/common.h"
#endif

#define CACT__E(name)                     \
  CACT__MCAT(CACT__MCAT(cact__el_, name), \
             CACT__MCAT(CACT__MCAT(_, CACT_SFX), CACT__MCAT(_, CACT__LV)))
#define T CACT_T

/* NaN in gives the same NaN out (its bits, wherever it sits in the array:
 * arithmetic on a NaN may return it or the default NaN depending on the
 * operand order the compiler picked for the vector or the scalar loop) */
CACT_INLINE T CACT__E(nan_in)(T x, T r) { return x != x ? x : r; }

/* The public element function <name> of a kernel: raw (the function before
 * its NaN wrapper, usually <name>_r) with NaN in, the same NaN out.  Used
 * right after raw's definition, with 0, 1 or 2 double parameters. */
#define CACT__NAN_IN0(name, raw) \
  CACT_INLINE T CACT__E(name)(T x) { return CACT__E(nan_in)(x, CACT__E(raw)(x)); }
#define CACT__NAN_IN1(name, raw) \
  CACT_INLINE T CACT__E(name)(T x, double a) { return CACT__E(nan_in)(x, CACT__E(raw)(x, a)); }
#define CACT__NAN_IN2(name, raw)                       \
  CACT_INLINE T CACT__E(name)(T x, double a, double b) \
  {                                                    \
    return CACT__E(nan_in)(x, CACT__E(raw)(x, a, b));  \
  }

/* x * s for a float32 x and a gate s in [0, 1] (computed in double) that
 * is 0, or e^-708 (exp_d's floor), or 1 at x = +-inf: x is clamped to
 * +-2^200, so that the product is the limit, +-0 (not inf * 0 = NaN, not
 * inf * e^-708 = inf) or +-inf (2^200 s rounds to float32's inf for any
 * s > 2^-72), while every finite float32 x is unchanged. */
CACT_INLINE double CACT__E(gate)(double x, double s)
{
    double xc = x < -CACT__2P200 ? -CACT__2P200 : x;
    xc = xc > CACT__2P200 ? CACT__2P200 : xc;
    return xc * s;
}

#if CACT__BITS == 64
/* x * (gh + gl) * s for a gate g in [0, 1]: exact product, one rounding.
 * A tiny x is scaled up by 2^106 (a subnormal result is then rounded once,
 * by the multiplication by s) and a huge one down (Dekker's product in the
 * baseline would overflow), the scale folded into s.  x is clamped to
 * +-DBL_MAX, so a gate of 0 gives +-0 at x = +-inf (the limit, not NaN);
 * every zero result has x's sign, as x * g in IEEE arithmetic;
 * an infinite x with a nonzero gate gives x * gh. */
CACT_INLINE double CACT__E(gate_dd)(double x, double gh, double gl, double s)
{
    double ax = cact__abs(x);
    double xc = x < -CACT__DMAX ? -CACT__DMAX : x;
    xc = xc > CACT__DMAX ? CACT__DMAX : xc;
    int tiny = ax<1e-290, huge = ax> 1e290;
    double xs = tiny ? xc * CACT__2P106 : (huge ? xc * CACT__2PM106 : xc);
    double ss = tiny ? s * CACT__2PM106 : (huge ? s * CACT__2P106 : s);
    double y = CACT__L(mla_lo)(xs, gh, xs * gl) * ss;
    /* a zero result takes x's sign (the gate is >= +0): the compensated
     * product of a zero gate sums x gh = -0 with its error term +0, which
     * rounds to +0 (silu(-inf), gelu_tanh(-30), gelu(-0) would be +0) */
    y = y == 0.0 ? xc * 0.0 : y;
    return (ax > CACT__DMAX && gh != 0) ? x * gh : y;
}
#endif

/* ---- derivatives: the _grad element functions ------------------------ */

/* A _grad element function <name>_grad(dy, x, params) returns
 * dx = dy f'(x), the product with dy rounded once more at most: float32
 * takes f'(x) in double (the _d core, relative error ~2^-31) and rounds
 * dy f'(x) once to float; float64 forms f'(x) as a double-double and
 * multiplies by dy with one rounding (mla_lo).  NaN in x gives x's NaN
 * (CACT__GNAN*), NaN in dy propagates through the product.  The product is
 * IEEE's: where f'(x) = 0, dy = +-inf gives NaN and the zero takes dy's
 * sign.  Kinks follow PyTorch's autograd (docs/contract.md). */
#define CACT__GNAN0(name, raw) \
  CACT_INLINE T CACT__E(name)(T dy, T x) { return CACT__E(nan_in)(x, CACT__E(raw)(dy, x)); }
#define CACT__GNAN1(name, raw)                         \
  CACT_INLINE T CACT__E(name)(T dy, T x, double a)     \
  {                                                    \
    return CACT__E(nan_in)(x, CACT__E(raw)(dy, x, a)); \
  }
#define CACT__GNAN2(name, raw)                               \
  CACT_INLINE T CACT__E(name)(T dy, T x, double a, double b) \
  {                                                          \
    return CACT__E(nan_in)(x, CACT__E(raw)(dy, x, a, b));    \
  }

#if CACT__BITS == 32
#  define CACT__GTMAX 3.40282347e38f /* FLT_MAX */
/* dy g rounded once to float (the double product is exact to 2^-53) */
CACT_INLINE T CACT__E(gmul)(T dy, double g) { return (T)((double)dy * g); }
#else
#  define CACT__GTMAX CACT__DMAX
/* dy (h + l) rounded once (h + l a double-double factor); dy = +-inf gives
 * dy h (dy l would be inf * 0 = NaN for l = 0) */
CACT_INLINE double CACT__E(gdd)(double dy, double h, double l)
{
    double r = CACT__L(mla_lo)(dy, h, dy * l);
    return r == r ? r : dy * h;
}
#endif

/* r, except at x = -inf / +inf: dy times f's limits lo / hi there, so
 * that dy = +-inf with a limit of 0 gives NaN (0 * inf), where the
 * finite-argument formula would leave a tiny nonzero floor (exp_d's
 * e^-708) */
CACT_INLINE T CACT__E(glim)(T dy, T x, T r, T lo, T hi)
{
    return x < -CACT__GTMAX ? dy * lo : (x > CACT__GTMAX ? dy * hi : r);
}

/* the same at x = -inf only (r is right at +inf) */
CACT_INLINE T CACT__E(glim_lo)(T dy, T x, T r, T lo) { return x < -CACT__GTMAX ? dy * lo : r; }
