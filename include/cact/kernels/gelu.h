/* cact/kernels/gelu.h -- the GELU family: gelu (x Phi(x), on erfc) and
 * gelu_tanh (its tanh approximation, as x sigmoid(2u), on kernels/
 * sigmoid.h's sigmoid).  Part of cact/kernels/all.h (one dtype, one level).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/gelu.h"
#endif

/* x Phi(x) = x erfc(-x / sqrt 2) / 2.  erfc, not 1 + erf: in the negative
 * tail 1 + erf(x/sqrt 2) cancels to 0 long before the result underflows
 * (gelu(-6.52) = -2.3e-10, not 0).  With a = |x| / sqrt 2 and E = erfc(a):
 * Phi = E/2 for x < 0 and 1 - E/2 (no cancellation, E/2 <= 1/2) for x >= 0. */
CACT_INLINE T CACT__E(gelu_r)(T x)
{
#if CACT__BITS == 32
    double v = x;
    double ef = CACT__L(erfc_d)(cact__abs(v) * 0.7071067811865476);
    return (T)CACT__E(gate)(v, v < 0 ? 0.5 * ef : 1.0 - 0.5 * ef);
#else
    /* a = |x| / sqrt 2 as a double-double: erfc's relative sensitivity is 2a */
    double ax = cact__abs(x);
    ax = ax > 40.0 ? 40.0 : ax;
    cact__dd a = CACT__L(two_prod)(ax, 0.7071067811865476);
    a.l = CACT__FMA(ax, -4.833646656726457e-17, a.l); /* sqrt(1/2) - 0.7071067811865476 */
    cact__dds ef = CACT__L(erfc_dd)(a.h, a.l);
    cact__dd p = cact__fast_two_sum(1.0, -0.5 * ef.h);
    int neg = x < 0;
    return CACT__E(gate_dd)(x, neg ? 0.5 * ef.h : p.h, neg ? 0.5 * ef.l : p.l - 0.5 * ef.l,
                            neg ? ef.s : 1.0);
#endif
}
CACT__NAN_IN0(gelu, gelu_r)

/* x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3), written as
 * x sigmoid(2u) because 1 + tanh(u) cancels in the negative tail.
 * float64: sigmoid(2u) ~ e^2u there amplifies u's relative error by 2|u|
 * (up to 745), so u is a double-double (with 0.044715 and sqrt(2/pi) as
 * double-doubles: 0.044715 is a decimal constant, not a double). */
CACT_INLINE T CACT__E(gelu_tanh_r)(T x)
{
#if CACT__BITS == 32
    double v = x;
    double u = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_d)(2.0 * u));
#else
    double xc = x < -1e5 ? -1e5 : (x > 1e5 ? 1e5 : x); /* sigmoid(2u) is 0 or 1 beyond */
    cact__dd x2 = CACT__L(two_prod)(xc, xc);
    cact__dd k = CACT__L(mul_dd)(0.044715, 2.1960211427085595e-18, x2.h, x2.l);
    cact__dd w = cact__two_sum(1.0, k.h); /* 1 + 0.044715 x^2 */
    cact__dd c = CACT__L(mul_dd)(0.7978845608028654, -4.98465440455546e-17, xc, 0.0);
    cact__dd u = CACT__L(mul_dd)(c.h, c.l, w.h, w.l + k.l);
    cact__dds q = CACT__E(sigmoid_dds)(2.0 * u.h, 2.0 * u.l);
    double on = (double)(u.h >= -700.0);
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
#endif
}
CACT__NAN_IN0(gelu_tanh, gelu_tanh_r)
