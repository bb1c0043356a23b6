/* cact/kernels/elu.h -- the exponential linear units: elu, celu, selu,
 * alpha expm1(x) (or its scaled forms) below 0 and x (or scale x) above.
 * expm1, not e^x - 1, which would cancel near 0.  Part of
 * cact/kernels/all.h (one dtype, one level).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/elu.h"
#endif

/* Klambauer et al. 2017 constants (the 35-digit values PyTorch documents),
 * as double-doubles: scale, and scale * alpha */
#define CACT__SELU_SCALE_H 1.0507009873554805
#define CACT__SELU_SCALE_L 3.9874847667154144e-17
#define CACT__SELU_SA_H 1.7580993408473768
#define CACT__SELU_SA_L 1.41535193800845e-17

#if CACT__BITS == 32

/* expm1 keeps full precision near 0 (e^x - 1 would cancel); x (+-0
 * included) where x >= 0 */
CACT_INLINE T CACT__E(elu_r)(T x, double alpha)
{
    double v = x;
    return v < 0 ? (T)(alpha * CACT__L(expm1n_d)(v)) : x;
}

#else

CACT_INLINE T CACT__E(elu_r)(T x, double alpha)
{
    cact__dd m = CACT__L(expm1n_dd)(x, 0.0);
    return x < 0 ? CACT__L(mla_lo)(alpha, m.h, alpha * m.l) : x;
}

#endif
CACT__NAN_IN1(elu, elu_r)

#if CACT__BITS == 32

/* |x/alpha| < 2^-30: alpha expm1(x/alpha) = x (1 + x/(2 alpha)) rounds to
 * x in float32, and the quotient may have underflowed (alpha > 1e270) */
CACT_INLINE T CACT__E(celu_r)(T x, double alpha)
{
    double v = x, t = v * (1.0 / alpha);
    return v < 0 && cact__abs(t) >= CACT__2PM30 ? (T)(alpha * CACT__L(expm1n_d)(t)) : x;
}

#else

/* expm1(x / alpha) with the quotient a double-double (its rounding would
 * otherwise be a full ulp of the result near 0) */
CACT_INLINE T CACT__E(celu_r)(T x, double alpha)
{
    cact__dd z = CACT__L(div_dd)(x, 0.0, alpha, 0.0);
    cact__dd m = CACT__L(expm1n_dd)(z.h, z.l == z.l ? z.l : 0.0);
    /* |x/alpha| < 2^-54: alpha expm1(x/alpha) = x (1 + x/(2 alpha)) rounds to x,
     * and the quotient may be subnormal (its low part lost) */
    return x < 0 && cact__abs(z.h) >= CACT__2PM54 ? CACT__L(mla_lo)(alpha, m.h, alpha * m.l) : x;
}

#endif
CACT__NAN_IN1(celu, celu_r)

/* celu at alpha = 1 (the default) is a SPLIT32 kernel (config.h):
 * celu_pick chooses once per call elu's loop at alpha 1, the same bits
 * (celu_r's own test, |x| < 2^-30, only keeps an x that expm1n_d(x) rounded
 * to float gives anyway) with no quotient x / alpha and no test, or celu's */
#if CACT__BITS == 32
CACT_INLINE int CACT__E(celu_pick)(int unused, double alpha)
{
    (void)unused;
    return alpha == 1.0;
}
CACT_INLINE T CACT__E(celu_fast)(T x, double alpha)
{
    (void)alpha;
    return CACT__E(elu)(x, 1.0);
}
CACT_INLINE T CACT__E(celu_slow)(T x, double alpha) { return CACT__E(celu)(x, alpha); }
#endif

#if CACT__BITS == 32

CACT_INLINE T CACT__E(selu_r)(T x)
{
    double v = x;
    return (T)(v < 0 ? CACT__SELU_SA_H * CACT__L(expm1n_d)(v) : CACT__SELU_SCALE_H * v);
}

#else

CACT_INLINE T CACT__E(selu_r)(T x)
{
    cact__dd m = CACT__L(expm1n_dd)(x, 0.0);
    double neg = CACT__L(mla_lo)(CACT__SELU_SA_H, m.h,
                                 CACT__FMA(CACT__SELU_SA_H, m.l, CACT__SELU_SA_L * m.h));
    return x < 0 ? neg : CACT__E(gate_dd)(x, CACT__SELU_SCALE_H, CACT__SELU_SCALE_L, 1.0);
}

#endif
CACT__NAN_IN0(selu, selu_r)

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

/* elu'(x) = 1 for x > 0, alpha e^x for x <= 0 (PyTorch's elu_backward:
 * alpha at 0); celu'(x) = e^(x / alpha) for x <= 0; selu'(x) = scale for
 * x > 0, scale alpha e^x for x <= 0.  float32: e^x in double (exp_d, whose
 * floor e^-708 times dy rounds to 0 in float for any alpha below 1e200);
 * float64: e^x as (h + l) s (exp_dd), the constant times it exact to
 * 2^-104 (mul_dd), dy times that rounded once, then scaled (a subnormal
 * result rounded there). */
#if CACT__BITS == 32
CACT_INLINE T CACT__E(elu_grad_r)(T dy, T x, double alpha)
{
    double v = x, g = v > 0 ? 1.0 : alpha * CACT__L(exp_d)(v > 0 ? 0.0 : v);
    return CACT__E(glim_lo)(dy, x, CACT__E(gmul)(dy, g), 0.0f);
}
CACT_INLINE T CACT__E(celu_grad_r)(T dy, T x, double alpha)
{
    double v = x, z = v / alpha, g = v > 0 ? 1.0 : CACT__L(exp_d)(v > 0 ? 0.0 : z);
    return CACT__E(glim_lo)(dy, x, CACT__E(gmul)(dy, g), 0.0f);
}
CACT_INLINE T CACT__E(selu_grad_r)(T dy, T x)
{
    double v = x;
    double g = v > 0 ? CACT__SELU_SCALE_H : CACT__SELU_SA_H * CACT__L(exp_d)(v > 0 ? 0.0 : v);
    return CACT__E(glim_lo)(dy, x, CACT__E(gmul)(dy, g), 0.0f);
}
#else
/* dy (ch + cl) e^(zh + zl) for z <= 0; x > 0: dy (ph + pl) */
CACT_INLINE double CACT__E(elu_gdd)(double dy, double x, double zh, double zl, double ch, double cl,
                                    double ph, double pl)
{
    int pos = x > 0;
    cact__dds e = CACT__L(exp_dd)(pos ? 0.0 : zh, pos ? 0.0 : zl);
    cact__dd p = CACT__L(mul_dd)(ch, cl, e.h, e.l);
    double neg = CACT__E(gdd)(dy, p.h, p.l) * e.s;
    return pos ? CACT__E(gdd)(dy, ph, pl) : neg;
}
CACT_INLINE T CACT__E(elu_grad_r)(T dy, T x, double alpha)
{
    return CACT__E(glim_lo)(dy, x, CACT__E(elu_gdd)(dy, x, x, 0.0, alpha, 0.0, 1.0, 0.0), 0.0);
}
/* x / alpha as a double-double (z + its remainder / alpha): e^z amplifies
 * z's rounding by |z| */
CACT_INLINE T CACT__E(celu_grad_r)(T dy, T x, double alpha)
{
    double z = x / alpha, zl = CACT__FMA(-z, alpha, x) / alpha;
    zl = zl == zl ? zl : 0.0; /* z = -inf */
    return CACT__E(glim_lo)(dy, x, CACT__E(elu_gdd)(dy, x, z, zl, 1.0, 0.0, 1.0, 0.0), 0.0);
}
CACT_INLINE T CACT__E(selu_grad_r)(T dy, T x)
{
    double y = CACT__E(elu_gdd)(dy, x, x, 0.0, CACT__SELU_SA_H, CACT__SELU_SA_L, CACT__SELU_SCALE_H,
                                CACT__SELU_SCALE_L);
    return CACT__E(glim_lo)(dy, x, y, 0.0);
}
#endif
CACT__GNAN1(elu_grad, elu_grad_r)
CACT__GNAN1(celu_grad, celu_grad_r)
CACT__GNAN0(selu_grad, selu_grad_r)
