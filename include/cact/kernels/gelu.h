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

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

/* 1/sqrt(2 pi) = INVSQ2PI_H + INVSQ2PI_L and sqrt(2/pi) = SQ2PI_H +
 * SQ2PI_L (rounded; the low parts to double) */
#define CACT__INVSQ2PI_H 0.3989422804014327
#define CACT__INVSQ2PI_L -2.49232720227773e-17
#define CACT__SQ2PI_H 0.7978845608028654
#define CACT__SQ2PI_L -4.98465440455546e-17

/* gelu'(x) = Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi), Phi as
 * in the forward (erfc, no cancellation in the tail).  The sum cancels
 * only near its zero, x = -0.7518 (an absolute error there); in the tail
 * x phi dominates (Phi / phi ~ 1/|x|).  Beyond |x| = 40: 1, or dy * 0
 * (gelu'(-40) ~ -40 e^-800 underflows every double). */
CACT_INLINE T CACT__E(gelu_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double v = x, vc = v < -40.0 ? -40.0 : (v > 40.0 ? 40.0 : v);
    double ef = CACT__L(erfc_d)(cact__abs(vc) * 0.7071067811865476);
    double phi = CACT__L(exp_d)(-0.5 * (vc * vc)) * CACT__INVSQ2PI_H; /* vc^2 exact */
    double g = (vc < 0 ? 0.5 * ef : 1.0 - 0.5 * ef) + vc * phi;
    /* below -14 (erfc_d is 0 from 15 on): Phi = phi R, the Mills ratio
     * R = (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8) / |x| (asymptotic; its
     * error there is < 945/x^10 ~ 2^-28 of R, 2^-36 of x + R) */
    double w = 1.0 / (vc * vc);
    double r = CACT__H4(w, 1.0, -1.0, 3.0, -15.0, 105.0) / -vc;
    g = vc < -14.0 ? phi * (vc + r) : g;
    return CACT__E(gmul)(dy, v > 40.0 ? 1.0 : (v < -40.0 ? 0.0 : g));
#else
    double ax = cact__abs(x);
    ax = ax > 40.0 ? 40.0 : ax;
    double xc = x < 0 ? -ax : ax;
    cact__dd a = CACT__L(two_prod)(ax, 0.7071067811865476);
    a.l = CACT__FMA(ax, -4.833646656726457e-17, a.l); /* sqrt(1/2) - 0.7071067811865476 */
    cact__dds ef = CACT__L(erfc_dd)(a.h, a.l);        /* E = erfc(|x| / sqrt 2) */
    cact__dd x2 = CACT__L(two_prod)(xc, xc);
    cact__dds ph = CACT__L(exp_dd)(-0.5 * x2.h, -0.5 * x2.l); /* e^(-x^2/2) */
    cact__dd phi = CACT__L(mul_dd)(ph.h, ph.l, CACT__INVSQ2PI_H, CACT__INVSQ2PI_L);
    cact__dd xp = CACT__L(mul_dd)(xc, 0.0, phi.h, phi.l); /* x phi / s */
    /* x < 0: E/2 + x phi on phi's scale s (erfc's own scale is s, 2s or
     * s/2: its exponent may round the other way) */
    double rho = ef.s / ph.s;
    cact__dd gn = cact__two_sum(0.5 * rho * ef.h, xp.h);
    gn.l += 0.5 * rho * ef.l + xp.l;
    double yn = CACT__E(gdd)(dy, gn.h, gn.l) * ph.s;
    /* x >= 0: 1 - E/2 + x phi, unscaled (x phi < 2^-1000 where s < 1) */
    cact__dd p = cact__fast_two_sum(1.0, -0.5 * ef.h * ef.s);
    cact__dd gp = cact__two_sum(p.h, xp.h * ph.s);
    gp.l += p.l - 0.5 * ef.l * ef.s + xp.l * ph.s;
    double yp = CACT__E(gdd)(dy, gp.h, gp.l);
    double y = x < 0 ? yn : yp;
    return x > 40.0 ? dy : (x < -40.0 ? dy * 0.0 : y);
#endif
}
CACT__GNAN0(gelu_grad, gelu_grad_r)

/* gelu_tanh'(x) = sigmoid(2u) (1 + 2x u' sigmoid(-2u)), u = sqrt(2/pi)
 * (x + a x^3), u' = sqrt(2/pi) (1 + 3a x^2), a = 0.044715 (the forward's
 * x sigmoid(2u), differentiated).  x is clamped to +-1e5 (beyond, the
 * derivative is 1 or 0 to every precision); zero near x = -0.7522, where
 * the error is absolute.  float64: u, u' and the product double-doubles
 * (0.044715 is a decimal constant: a double-double). */
CACT_INLINE T CACT__E(gelu_tanh_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double v = x, vc = v < -1e5 ? -1e5 : (v > 1e5 ? 1e5 : v), v2 = vc * vc;
    double w = 2.0 * CACT__SQ2PI_H * (vc + 0.044715 * v2 * vc);
    double e = CACT__L(exp_d)(-cact__abs(w)), inv = 1.0 / (1.0 + e);
    double sp = (w < 0 ? e : 1.0) * inv, sm = (w < 0 ? 1.0 : e) * inv;
    double t = 2.0 * vc * CACT__SQ2PI_H * (1.0 + 3.0 * 0.044715 * v2) * sm;
    double g = sp * (1.0 + (w > 200.0 ? 0.0 : t));
    return CACT__E(gmul)(dy, w < -200.0 ? 0.0 : g);
#else
    double xc = x < -1e5 ? -1e5 : (x > 1e5 ? 1e5 : x);
    cact__dd x2 = CACT__L(two_prod)(xc, xc);
    cact__dd k = CACT__L(mul_dd)(0.044715, 2.1960211427085595e-18, x2.h, x2.l); /* a x^2 */
    cact__dd w = cact__two_sum(1.0, k.h);                                       /* 1 + a x^2 */
    w.l += k.l;
    cact__dd c = CACT__L(mul_dd)(2.0 * CACT__SQ2PI_H, 2.0 * CACT__SQ2PI_L, xc, 0.0);
    cact__dd z = CACT__L(mul_dd)(c.h, c.l, w.h, w.l); /* 2u */
    cact__dd k3 = CACT__L(two_prod)(3.0, k.h);        /* 3a x^2 */
    k3.l = CACT__FMA(3.0, k.l, k3.l);
    cact__dd w3 = cact__two_sum(1.0, k3.h); /* 1 + 3a x^2 */
    w3.l += k3.l;
    cact__dd t0 = CACT__L(mul_dd)(c.h, c.l, w3.h, w3.l); /* 2 x u' */
    cact__dd q1, qe;
    double s = CACT__E(sig2_dd)(z.h, z.l, &q1, &qe);
    int neg = z.h < 0;
    double mh = neg ? q1.h : qe.h * s, ml = neg ? q1.l : qe.l * s; /* sigmoid(-2u) */
    cact__dd t = CACT__L(mul_dd)(t0.h, t0.l, mh, ml);
    cact__dd b = cact__two_sum(1.0, t.h);
    b.l += t.l;
    cact__dd g = CACT__L(mul_dd)(neg ? qe.h : q1.h, neg ? qe.l : q1.l, b.h, b.l);
    double y = CACT__E(gdd)(dy, g.h, g.l) * (neg ? s : 1.0);
    return z.h < -1400.0 ? dy * 0.0 : y;
#endif
}
CACT__GNAN0(gelu_tanh_grad, gelu_tanh_grad_r)
