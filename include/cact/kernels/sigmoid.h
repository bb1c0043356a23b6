/* cact/kernels/sigmoid.h -- the sigmoid family: sigmoid, log_sigmoid,
 * swish, silu, softplus, mish, and the sigmoid and softplus pieces that
 * gelu_tanh (kernels/gelu.h) shares.  Part of cact/kernels/all.h (one
 * dtype, one level).
 *
 * float32: sigmoid, silu and swish for 1 <= |beta| <= 2^64 run in float
 * lanes (sigmoid_ff: an exp as a float pair and one corrected division);
 * the others evaluate in double (_d core).  float64: the _dd core, with
 * the argument beta x as an exact product where the tail amplifies it.
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/sigmoid.h"
#endif

/* e^-600 and e^700 = E700_H + E700_L (rounded; the low part to double):
 * softplus's shifted tails */
#define CACT__EM600 2.6503965530043108e-261
#define CACT__E700_H 1.0142320547350045e+304
#define CACT__E700_L 1.6666571920734673e+287

/* ---- shared pieces --------------------------------------------------- */

/* beta * x > threshold, decided on the exact product (the rounded one may
 * sit on the threshold while the exact one is above) */
CACT_INLINE int CACT__E(above)(double beta, double x, double threshold)
{
    cact__dd z = CACT__L(two_prod)(beta, x);
    return z.h > threshold || (z.h == threshold && z.l > 0);
}

#if CACT__BITS == 32
/* sigmoid(v) = 1 / (1 + e^-v) with e = e^-|v| <= 1 so nothing overflows:
 * v >= 0 -> 1/(1+e), v < 0 -> e/(1+e) (no cancellation). */
CACT_INLINE double CACT__E(sigmoid_d)(double v)
{
    double e = CACT__L(exp_d)(-cact__abs(v));
    return (v < 0 ? e : 1.0) / (1.0 + e);
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow, no
 * cancellation (both terms >= 0). */
CACT_INLINE double CACT__E(softplus_d)(double z)
{
    double e = CACT__L(exp_d)(-cact__abs(z));
    return (z > 0 ? z : 0.0) + CACT__L(log1p01_d)(e);
}
#else
/* sigmoid(zh + zl) as (h + l) s (s < 1 only for results below 2^-1000):
 * e = e^-|z| as a double-double, 1 + e exact, the quotient by div_dd. */
CACT_INLINE cact__dds CACT__E(sigmoid_dds)(double zh, double zl)
{
    int neg = zh < 0;
    cact__dds e = CACT__L(exp_dd)(neg ? zh : -zh, neg ? zl : -zl);
    cact__dd d = cact__fast_two_sum(1.0, e.h);
    cact__dd q = CACT__L(div_dd)(neg ? e.h : 1.0, neg ? e.l : 0.0, d.h, d.l + e.l);
    cact__dds out;
    out.h = q.h;
    out.l = q.l;
    out.s = neg ? e.s : 1.0;
    return out;
}

/* softplus(zh + zl) as (h + l) s: max(z, 0) + log1p(e^-|z|), the sum exact
 * (TwoSum) where z > 0. */
CACT_INLINE cact__dds CACT__E(softplus_dds)(double zh, double zl)
{
    int neg = zh < 0;
    cact__dds e = CACT__L(exp_dd)(neg ? zh : -zh, neg ? zl : -zl);
    cact__dd lg = CACT__L(log1p01_dd)(e.h, e.l);
    cact__dd s = cact__two_sum(zh, lg.h * e.s);
    cact__dds out;
    double l = s.l + (lg.l * e.s + zl);
    out.h = neg ? lg.h : s.h;
    out.l = neg ? lg.l : (l == l ? l : 0.0); /* z = inf: TwoSum's NaN */
    out.s = neg ? e.s : 1.0;
    return out;
}
#endif

#if CACT__BITS == 32
/* sigmoid(x) in float lanes: with z = -x, x <= 20 (sigmoid is 1 to float
 * precision above x = 17; below -110 it underflows, and the kernels select
 * 0 there: z is then outside exp_fr's domain) and
 * e^z = (eh + el) 2^n (exp_fr),
 *   sigmoid(x) = 1 / (1 + e^z) = a / (a + eh + el),   a = 2^-n,
 * a form without overflow or cancellation for either sign of x.  a + eh is
 * summed exactly (Fast2Sum on the larger and the smaller: a and eh are
 * powers of two apart), d = dh + dl, and 1/d = inv (1 + eps) by one float
 * division inv = 1/dh and its residual eps = 1 - inv d (exact but for
 * inv dl).  Returned as inv, eps and A = 2^(64 - n): sigmoid(x) =
 * (inv + inv eps) A 2^-64, rounded once (at inv + inv eps; A is exact, and
 * the last factor rounds again only a subnormal result: within 0.75 ulp
 * there).  The technique of XNNPACK's f32 sigmoid microkernels (an exp and
 * one division), with e^z and a + e^z carried as float pairs and the
 * reciprocal corrected, so that the result is rounded once. */
CACT_INLINE cact__ffs CACT__E(sigmoid_ffz)(float x, float xl)
{
    /* x >= 20: 1 to float precision (clamped: minps); x < -110: 0, and
     * the kernels select it (e^-x beyond 2^126 is not in exp_fr's domain;
     * a clamp here too would merge with the first into a longer select).
     * xl: the argument's low part (swish's beta x), 0 for the others */
    float xc = x < 20.0f ? x : 20.0f, xlc = x < 20.0f ? xl : 0.0f;
    cact__ffs e = CACT__L(exp_fr)(-xc, -xlc); /* e^z = (h + l) s 2^-64 */
    /* A = 2^(64 - n) = 2^128 / s: bits (382 << 23) - bits(s); a = 2^-n,
     * subnormal or 0 for n > 126, where a + e = e to float precision.
     * -x goes up to 110 here, beyond exp_fr's 43.6: there e.s's exponent
     * field wraps (n + 191 > 255), but h + l is right and A, computed from
     * those bits modulo 2^32, is exact (191 - n >= 32) */
    float A = cact__from_bits_f(0xBF000000u - cact__bits_f(e.s));
    float a = A * CACT__2PM64F; /* 2^-64 */
    float big = a > e.h ? a : e.h, small = a > e.h ? e.h : a;
    float dh = big + small, dl = ((big - dh) + small) + e.l;
    float inv = 1.0f / dh;
    cact__ffs o;
    o.h = inv;
    o.l = CACT__FMAF(-inv, dl, CACT__L(rem1_f)(inv, dh));
    o.s = A;
    return o;
}

CACT_INLINE cact__ffs CACT__E(sigmoid_ff)(float x) { return CACT__E(sigmoid_ffz)(x, 0.0f); }

/* x sigmoid(z) from g = sigmoid_ff(z): x (inv + inv eps) A 2^-64, with
 * x inv + x inv eps rounded once (mla_lo_f), then scaled (exact, or one
 * rounding of a subnormal result); the caller selects the tails */
CACT_INLINE float CACT__E(gate_ff)(float x, cact__ffs g)
{
    return (CACT__L(mla_lo_f)(x, g.h, (x * g.h) * g.l) * g.s) * CACT__2PM64F;
}
#endif

/* ---- sigmoid --------------------------------------------------------- */

#if CACT__BITS == 32
CACT_INLINE T CACT__E(sigmoid_r)(T x)
{
    cact__ffs g = CACT__E(sigmoid_ff)(x);
    float y = (CACT__FMAF(g.h, g.l, g.h) * g.s) * CACT__2PM64F;
    return x >= -110.0f ? y : 0.0f;
}
#else
CACT_INLINE T CACT__E(sigmoid_r)(T x)
{
    cact__dds q = CACT__E(sigmoid_dds)(x, 0.0);
    return (q.h + q.l) * q.s;
}
#endif
CACT__NAN_IN0(sigmoid, sigmoid_r)

/* ---- log_sigmoid ----------------------------------------------------- */

#if CACT__BITS == 32
/* log(sigmoid(x)) = -softplus(-x) */
CACT_INLINE T CACT__E(log_sigmoid_r)(T x) { return (T)-CACT__E(softplus_d)(-(double)x); }
#else
/* log(sigmoid(x)) = -softplus(-x) */
CACT_INLINE T CACT__E(log_sigmoid_r)(T x)
{
    cact__dds r = CACT__E(softplus_dds)(-x, 0.0);
    return -((r.h + r.l) * r.s);
}
#endif
CACT__NAN_IN0(log_sigmoid, log_sigmoid_r)

/* ---- swish (SPLIT32) ------------------------------------------------- */

#if CACT__BITS == 32
/* x * sigmoid(beta * x) in double; the double product's rounding (2^-53)
 * is amplified by at most |beta x| < 104 where the result is not 0 or x.
 * beta = 0 gives x / 2, also at x = +-inf (beta x is 0 there, not
 * 0 * inf = NaN). */
CACT_INLINE T CACT__E(swish_d)(T x, double beta)
{
    double v = x, z = beta * v;
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_d)(z == z ? z : 0.0)); /* 0 * inf: 0 */
}

/* x * sigmoid(z) in float lanes, z = beta x = zh + zl, for 1 <= |beta| <=
 * 2^64 split as bh + bl (floats; bh bl x is z to 2^-48): zh = bh x rounded,
 * zl = its rounding error (exact: fma, or Dekker's product) + bl x; then
 * as silu (sigmoid_ffz with the pair).  |beta| >= 1 keeps |x| <= |z|, so
 * that where z < -110 the result, |x| e^z < 110 e^-110, is +-0, and where
 * |x| > 2^60 (|z| > 2^60) it is x or +-0; in between the scaled product
 * x inv A stays below 2^125. */
CACT_INLINE T CACT__E(swish_ff)(T x, float bh, float bl)
{
    float zh = bh * x;
    float zl = bl * x - CACT__L(fnma_f)(bh, x, zh);
    float y = CACT__E(gate_ff)(x, CACT__E(sigmoid_ffz)(zh, zl));
    float zero = cact__from_bits_f(cact__bits_f(x) & 0x80000000u); /* +-0 with x's sign */
    y = zh >= -110.0f ? y : zero;
    return cact__abs_f(x) > CACT__2P60F ? (zh > 0.0f ? x : zero) : y;
}

/* x * sigmoid(beta * x): in float lanes (swish_ff) for 1 <= |beta| <= 2^64,
 * in double for the other betas.  A SPLIT32 kernel (config.h): swish_pick
 * chooses once per call between the loops of swish_fast and swish_slow;
 * swish itself tests per element. */
CACT_INLINE int CACT__E(swish_pick)(int unused, double beta)
{
    double ab = cact__abs(beta);
    (void)unused;
    return ab >= 1.0 && ab <= CACT__2P64;
}

CACT_INLINE T CACT__E(swish_fast_r)(T x, double beta)
{
    float bh = (float)beta;
    return CACT__E(swish_ff)(x, bh, (float)(beta - (double)bh));
}

CACT_INLINE T CACT__E(swish_r)(T x, double beta)
{
    return CACT__E(swish_pick)(0, beta) ? CACT__E(swish_fast_r)(x, beta)
                                        : CACT__E(swish_d)(x, beta);
}
CACT__NAN_IN1(swish_fast, swish_fast_r)
CACT__NAN_IN1(swish_slow, swish_d)
#else
/* x * sigmoid(beta * x), beta x exact: in the tail sigmoid(z) ~ e^z, whose
 * relative error is |z| times z's.  Below z = -1400 the gate is 0 (the
 * result underflows unless |x| > 1e284 with |beta| < 1e-281). */
CACT_INLINE T CACT__E(swish_r)(T x, double beta)
{
    cact__dd z = CACT__L(two_prod)(beta, x);
    z.h = z.h == z.h ? z.h : 0.0; /* beta = 0, x = +-inf: x / 2 (x NaN: nan_in) */
    cact__dds q = CACT__E(sigmoid_dds)(z.h, z.l == z.l ? z.l : 0.0);
    double on = (double)(z.h >= -1400.0); /* a multiply, not a select: see exp_d */
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
}
#endif
CACT__NAN_IN1(swish, swish_r)

/* ---- silu ------------------------------------------------------------ */

#if CACT__BITS == 32
/* x sigmoid(x) in float lanes: x (inv + inv eps) A 2^-64 (sigmoid_ff),
 * x inv + x inv eps rounded once (mla_lo_f), then scaled as in sigmoid.
 * Below x = -110 the result is -0 (it underflows; x = -inf included);
 * above 2^60 it is x (and x inv A would overflow). */
CACT_INLINE T CACT__E(silu_r)(T x)
{
    float y = CACT__E(gate_ff)(x, CACT__E(sigmoid_ff)(x));
    return x > CACT__2P60F ? x : (x >= -110.0f ? y : -0.0f);
}
#else
CACT_INLINE T CACT__E(silu_r)(T x)
{
    cact__dds q = CACT__E(sigmoid_dds)(x, 0.0);
    double on = (double)(x >= -1400.0);
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
}
#endif
CACT__NAN_IN0(silu, silu_r)

/* ---- softplus (SPLIT32) ---------------------------------------------- */

#if CACT__BITS == 32
/* log(1 + e^(beta x)) / beta, and x itself where beta x > threshold
 * (PyTorch's definition; threshold = inf gives the smooth function). */
CACT_INLINE T CACT__E(softplus_r)(T x, double beta, double threshold)
{
    /* softplus_d(z) inlined, with its tail shifted: below z = -650,
     * softplus(z) = e^z to double precision and exp_d's floor (e^-708)
     * would show once divided by a beta below 1e-263, so the tail is
     * e^(z + 600) (e^-600 / beta).  1 / beta may be inf (beta < 2^-1024):
     * every finite x then gives inf, the float32 result. */
    double v = x, z = beta * v;
    int tail = z < -650.0;
    double e = CACT__L(exp_d)(tail ? z + 600.0 : (z < 0 ? z : -z));
    double r = ((z > 0 ? z : 0.0) + CACT__L(log1p01_d)(e)) * (1.0 / beta);
    double rt = e * (CACT__EM600 / beta);
    return CACT__E(above)(beta, v, threshold) ? x : (T)(tail ? rt : r);
}

/* softplus at beta = 1, the default and by far the common case: a SPLIT32
 * kernel (config.h), softplus_pick choosing once per call between the loops
 * of softplus_fast (this) and softplus_slow (softplus_r).  The same bits as softplus_r at
 * beta = 1, about a quarter fewer operations: z = x exactly, so no
 * product, no exact threshold test (x > threshold decides), no division by
 * beta, and no shifted tail (below x = -650 both give +0: exp_d's floor,
 * e^-708, rounds to float's 0 as e^(x + 600) e^-600 does). */
CACT_INLINE int CACT__E(softplus_pick)(int unused, double beta, double threshold)
{
    (void)unused, (void)threshold;
    return beta == 1.0;
}

CACT_INLINE T CACT__E(softplus_fast_r)(T x, double beta, double threshold)
{
    double v = x;
    double r = (v > 0 ? v : 0.0) + CACT__L(log1p01_d)(CACT__L(exp_d)(v < 0 ? v : -v));
    (void)beta;
    return v > threshold ? x : (T)r;
}
CACT__NAN_IN2(softplus_fast, softplus_fast_r)
CACT__NAN_IN2(softplus_slow, softplus_r)
#else
/* log(1 + e^(beta x)) / beta (beta x exact, the division corrected), and x
 * itself where beta x > threshold (PyTorch's definition). */
CACT_INLINE T CACT__E(softplus_r)(T x, double beta, double threshold)
{
    /* For beta < 1e-250 only (per call, so the usual path is unchanged):
     * the quotient by beta is taken by beta 2^200 (below 1e-290, where it
     * would overflow) with 2^200 folded into the scale, and below
     * z = -1000 the tail softplus(z) = e^z is taken as e^(z + 700) / e^700
     * (exp_dd clamps its argument at -1400, and e^z / beta is a double down
     * to z = ln(beta) - 744 < -1400 there). */
    int small = beta < 1e-250;
    double sc = beta < 1e-290 ? CACT__2P200 : 1.0;
    cact__dd b = CACT__L(two_prod)(beta * sc, CACT__E700_H); /* beta sc e^700 */
    cact__dd z = CACT__L(two_prod)(beta, x);
    int tail = small && z.h < -1000.0;
    cact__dds r = CACT__E(softplus_dds)(tail ? z.h + 700.0 : z.h, z.l == z.l ? z.l : 0.0);
    cact__dd q = CACT__L(div_dd)(r.h, r.l, tail ? b.h : beta * sc,
                                 tail ? b.l + beta * sc * CACT__E700_L : 0.0);
    double y = (q.h + (q.l == q.l ? q.l : 0.0)) * (r.s * sc);
    /* x = +inf: the limit inf (with threshold = inf the sums above give NaN) */
    return CACT__E(above)(beta, x, threshold) || x > CACT__DMAX ? x : y;
}
#endif
CACT__NAN_IN2(softplus, softplus_r)

/* ---- mish ------------------------------------------------------------ */

#if CACT__BITS == 32
/* x * tanh(softplus(x)).  With e = e^x, tanh(log(1 + e)) = n / (n + 2),
 * n = e (e + 2): no cancellation for x < 0 (mish ~ x e^x there).  For
 * x > 40, 1 - n/(n+2) < 2e^-80 rounds to 1 and the result is x. */
CACT_INLINE T CACT__E(mish_r)(T x)
{
    double v = x, e = CACT__L(exp_d)(v > 40 ? 40.0 : v), n = e * (e + 2);
    return (T)CACT__E(gate)(v, n / (n + 2));
}
#else
/* x * n / (n + 2), n = e (e + 2), e = e^x, every step a double-double */
CACT_INLINE T CACT__E(mish_r)(T x)
{
    double v = x > 40 ? 40.0 : x;
    cact__dds e = CACT__L(exp_dd)(v, 0.0);
    cact__dd e2 = cact__two_sum(e.h, 2.0);
    cact__dd n = CACT__L(mul_dd)(e.h, e.l, e2.h, e2.l + e.l);
    cact__dd d = cact__two_sum(n.h, 2.0);
    cact__dd t = CACT__L(div_dd)(n.h, n.l, d.h, d.l + n.l);
    double on = (double)(x >= -1400.0); /* above 40, t rounds to 1 - 2e^-80 */
    return CACT__E(gate_dd)(x, t.h * on, t.l * on, e.s);
}
#endif
CACT__NAN_IN0(mish, mish_r)

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

#if CACT__BITS == 32
/* sigmoid'(z) = sigmoid(z) sigmoid(-z) = e / (1 + e)^2, e = e^-|z| <= 1:
 * no overflow, no cancellation */
CACT_INLINE double CACT__E(dsig_d)(double z)
{
    double e = CACT__L(exp_d)(-cact__abs(z)), d = 1.0 + e;
    return e / (d * d);
}

/* swish'(x) / beta-free part: d/dz [z sigmoid(z)] = sigmoid(z) (1 + z
 * sigmoid(-z)), from one e = e^-|z|.  Beyond |z| = 200 it is 0 (below:
 * |g| < 200 e^-200, which times any float dy rounds to 0) or 1 (above:
 * z e^-z < 2^-280).  Near its zero, z = -1.2785, 1 + z sigmoid(-z)
 * cancels: the error there is absolute, ~2^-32 (docs/accuracy.md). */
CACT_INLINE double CACT__E(swish_gd)(double z)
{
    double e = CACT__L(exp_d)(-cact__abs(z)), inv = 1.0 / (1.0 + e);
    double sp = (z < 0 ? e : 1.0) * inv, sm = (z < 0 ? 1.0 : e) * inv;
    double g = sp * (1.0 + (z > 200.0 ? 0.0 : z * sm));
    return z < -200.0 ? 0.0 : g;
}
#else
/* e = e^-|z| for z = zh + zl, as (h + l) s (exp_dd), and from it q1 =
 * 1 / (1 + e) and qe = e q1 / s, double-doubles: sigmoid(z) is qe s for
 * z < 0 and q1 for z >= 0, sigmoid(-z) the other.  Returns s. */
CACT_INLINE double CACT__E(sig2_dd)(double zh, double zl, cact__dd *q1, cact__dd *qe)
{
    int neg = zh < 0;
    cact__dds e = CACT__L(exp_dd)(neg ? zh : -zh, neg ? zl : -zl);
    cact__dd d = cact__fast_two_sum(1.0, e.h * e.s);
    d.l += e.l * e.s;
    *q1 = CACT__L(div_dd)(1.0, 0.0, d.h, d.l);
    *qe = CACT__L(mul_dd)(e.h, e.l, q1->h, q1->l);
    return e.s;
}

/* dy c sigmoid'(z), sigmoid'(z) = e / (1 + e)^2 = qe q1 s, c a power of
 * two (tanh' is 4 sigmoid'(2x)) */
CACT_INLINE double CACT__E(dsig_dd)(double dy, double z, double c)
{
    cact__dd q1, qe;
    double s = CACT__E(sig2_dd)(z, 0.0, &q1, &qe);
    cact__dd r = CACT__L(mul_dd)(qe.h, qe.l, q1.h, q1.l);
    return CACT__E(gdd)(dy, c * r.h, c * r.l) * s;
}

/* dy sigmoid(z) (1 + z sigmoid(-z)) for z = zh + zl: every factor a
 * double-double, so that near the zero (z = -1.2785) the error is
 * absolute, ~2^-56.  Below z = -1400 the result is dy * 0 (it underflows
 * every double). */
CACT_INLINE double CACT__E(swish_gdd)(double dy, double zh, double zl)
{
    cact__dd q1, qe;
    double s = CACT__E(sig2_dd)(zh, zl, &q1, &qe);
    int neg = zh < 0;
    double mh = neg ? q1.h : qe.h * s, ml = neg ? q1.l : qe.l * s; /* sigmoid(-z) */
    cact__dd t = CACT__L(mul_dd)(zh, zl, mh, ml);
    cact__dd b = cact__two_sum(1.0, t.h == t.h ? t.h : 0.0); /* z = inf: inf * 0 */
    b.l += t.l == t.l ? t.l : 0.0;
    cact__dd g = CACT__L(mul_dd)(neg ? qe.h : q1.h, neg ? qe.l : q1.l, b.h, b.l);
    double y = CACT__E(gdd)(dy, g.h, g.l) * (neg ? s : 1.0);
    return zh < -1400.0 ? dy * 0.0 : y;
}
#endif

/* sigmoid'(x) = sigmoid(x) sigmoid(-x) */
CACT_INLINE T CACT__E(sigmoid_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    T y = CACT__E(gmul)(dy, CACT__E(dsig_d)(x));
#else
    T y = CACT__E(dsig_dd)(dy, x, 1.0);
#endif
    return CACT__E(glim)(dy, x, y, 0, 0);
}
CACT__GNAN0(sigmoid_grad, sigmoid_grad_r)

/* log_sigmoid'(x) = sigmoid(-x) */
CACT_INLINE T CACT__E(log_sigmoid_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    T y = CACT__E(gmul)(dy, CACT__E(sigmoid_d)(-(double)x));
#else
    cact__dds q = CACT__E(sigmoid_dds)(-x, 0.0);
    T y = CACT__E(gdd)(dy, q.h, q.l) * q.s;
#endif
    return CACT__E(glim)(dy, x, y, 1, 0);
}
CACT__GNAN0(log_sigmoid_grad, log_sigmoid_grad_r)

/* swish'(x) = sigmoid(z) (1 + z sigmoid(-z)), z = beta x (exact in
 * float64: TwoProd); beta = 0 gives 1/2, also at x = +-inf */
CACT_INLINE T CACT__E(swish_grad_r)(T dy, T x, double beta)
{
#if CACT__BITS == 32
    double z = beta * (double)x;
    return CACT__E(gmul)(dy, CACT__E(swish_gd)(z == z ? z : 0.0));
#else
    cact__dd z = CACT__L(two_prod)(beta, x);
    return CACT__E(swish_gdd)(dy, z.h == z.h ? z.h : 0.0, z.l == z.l ? z.l : 0.0);
#endif
}
CACT__GNAN1(swish_grad, swish_grad_r)

CACT_INLINE T CACT__E(silu_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    return CACT__E(gmul)(dy, CACT__E(swish_gd)(x));
#else
    return CACT__E(swish_gdd)(dy, x, 0.0);
#endif
}
CACT__GNAN0(silu_grad, silu_grad_r)

/* softplus'(x) = sigmoid(beta x), and 1 where beta x > threshold (the
 * forward's x itself there: PyTorch's softplus_backward) */
CACT_INLINE T CACT__E(softplus_grad_r)(T dy, T x, double beta, double threshold)
{
#if CACT__BITS == 32
    T y = CACT__E(gmul)(dy, CACT__E(sigmoid_d)(beta * (double)x));
#else
    cact__dd z = CACT__L(two_prod)(beta, x);
    cact__dds q = CACT__E(sigmoid_dds)(z.h, z.l == z.l ? z.l : 0.0);
    T y = CACT__E(gdd)(dy, q.h, q.l) * q.s;
#endif
    y = CACT__E(above)(beta, x, threshold) || x > CACT__GTMAX ? dy : y;
    return CACT__E(glim_lo)(dy, x, y, 0);
}
CACT__GNAN2(softplus_grad, softplus_grad_r)

/* mish'(x) = tanh(sp) + x sigmoid(x) sech^2(sp), sp = softplus(x).  With
 * e = e^x and n = e (e + 2) (so tanh(sp) = n / (n + 2), as the forward),
 *   mish'(x) = e ((e + 2)(n + 2) + 4 x (1 + e)) / (n + 2)^2:
 * no overflow (x is clamped at 40, where mish' rounds to 1) and no
 * cancellation but near the zero x = -1.1924 (an absolute error there).
 * Below x = -200 (float32) / -1400 (float64) it is dy * 0: the result
 * underflows for every dy. */
CACT_INLINE T CACT__E(mish_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double v = x, vc = v > 40.0 ? 40.0 : (v < -200.0 ? -200.0 : v);
    double e = CACT__L(exp_d)(vc), a = e + 2.0, n2 = e * a + 2.0;
    double g = e * (a * n2 + 4.0 * vc * (1.0 + e)) / (n2 * n2);
    return CACT__E(gmul)(dy, v > 40.0 ? 1.0 : (v < -200.0 ? 0.0 : g));
#else
    double xc = x > 40.0 ? 40.0 : (x < -1400.0 ? -1400.0 : x);
    cact__dds e = CACT__L(exp_dd)(xc, 0.0);
    double eh = e.h * e.s, el = e.l * e.s;
    cact__dd a = cact__two_sum(eh, 2.0); /* e + 2 */
    a.l += el;
    cact__dd n = CACT__L(mul_dd)(eh, el, a.h, a.l); /* n */
    cact__dd n2 = cact__two_sum(n.h, 2.0);          /* n + 2 */
    n2.l += n.l;
    cact__dd p = CACT__L(mul_dd)(a.h, a.l, n2.h, n2.l); /* (e + 2)(n + 2) */
    cact__dd b = cact__two_sum(1.0, eh);                /* 1 + e */
    b.l += el;
    cact__dd q = CACT__L(mul_dd)(4.0 * xc, 0.0, b.h, b.l); /* 4 x (1 + e) */
    cact__dd bb = cact__two_sum(p.h, q.h);
    bb.l += p.l + q.l;
    cact__dd num = CACT__L(mul_dd)(e.h, e.l, bb.h, bb.l); /* e B / s */
    cact__dd den = CACT__L(mul_dd)(n2.h, n2.l, n2.h, n2.l);
    cact__dd r = CACT__L(div_dd)(num.h, num.l, den.h, den.l);
    double y = CACT__E(gdd)(dy, r.h, r.l) * e.s;
    return x > 40.0 ? dy : (x < -1400.0 ? dy * 0.0 : y);
#endif
}
CACT__GNAN0(mish_grad, mish_grad_r)
