/* cact/elementwise_impl.h -- element functions of every elementwise
 * activation, written once per dtype, instantiated per ISA level.
 *
 * Included by cact/elementwise.h once per (dtype, level), with
 *   CACT_T     the element type (float / double)
 *   CACT_SFX   f32 / f64,  CACT__BITS 32 / 64
 *   CACT__LV   the ISA level (v4 / v3 / base): names the math core's
 *              instantiation (cact/math.h) and the functions defined here
 * Each element function is a branch-free select chain the compiler
 * vectorizes: both arms of a select are computed, so an arm may produce
 * NaN or inf for inputs the other arm handles.  NaN propagates through
 * every function (comparisons with NaN are false, so the arm carrying x or
 * a NaN-propagating expression is taken) and +-inf give the limits.
 *
 * float32 kernels evaluate their formula in double with the "_d" math core
 * and round once at the end: every intermediate is good to ~2^-31 relative,
 * so the result is within 0.5 + 2^-6 ulp where the formula has no
 * cancellation, which the formulas below see to.
 * float64 kernels use the "_dd" core (double-double, ~2^-57) and exact
 * products (fma, or Dekker's product in baseline), rounding once at the end;
 * the few places where an argument is amplified (the tails of gelu,
 * gelu_tanh, swish, softplus) carry the argument as a double-double.
 * Measured bounds: README "Accuracy" (tools/exhaustive/ measures them).
 * Do not include this file directly.
 */
#ifndef CACT__IN_ELEMENTWISE
#error "include <cact/cact.h>, not cact/elementwise_impl.h"
#endif

#define CACT__E(name) CACT__CAT3(cact__el_, name, CACT__CAT(CACT__CAT(_, CACT_SFX), CACT__CAT(_, CACT__LV)))
#define CACT__M(fn) CACT__CAT3(cact__, fn, CACT__CAT(_, CACT__LV))
#define CACT__FMA(a, b, c) CACT__M(fma)(a, b, c)
#define CACT__FMAF(a, b, c) CACT__M(fmaf)(a, b, c)
#define T CACT_T

/* ---- helpers --------------------------------------------------------- */

/* clip(v, 0, 1), NaN-propagating */
CACT_INLINE double CACT__E(clip01)(double v)
{
    v = v < 0 ? 0.0 : v;
    return v > 1 ? 1.0 : v;
}

/* x * s for a float32 x and a gate s in [0, 1] (computed in double) that
 * is 0, or e^-708 (exp_d's floor), or 1 at x = +-inf: x is clamped to
 * +-2^200, so that the product is the limit, +-0 (not inf * 0 = NaN, not
 * inf * e^-708 = inf) or +-inf (2^200 s rounds to float32's inf for any
 * s > 2^-72), while every finite float32 x is unchanged. */
CACT_INLINE double CACT__E(gate)(double x, double s)
{
    double xc = x < -1.6069380442589903e+60 ? -1.6069380442589903e+60 : x;
    xc = xc > 1.6069380442589903e+60 ? 1.6069380442589903e+60 : xc;
    return xc * s;
}

/* NaN in gives the same NaN out (its bits, wherever it sits in the array:
 * arithmetic on a NaN may return it or the default NaN depending on the
 * operand order the compiler picked for the vector or the scalar loop) */
CACT_INLINE T CACT__E(nan_in)(T x, T r)
{
    return x != x ? x : r;
}

/* beta * x > threshold, decided on the exact product (the rounded one may
 * sit on the threshold while the exact one is above) */
CACT_INLINE int CACT__E(above)(double beta, double x, double threshold)
{
    cact__dd z = CACT__M(two_prod)(beta, x);
    return z.h > threshold || (z.h == threshold && z.l > 0);
}

#if CACT__BITS == 32
/* sigmoid(v) = 1 / (1 + e^-v) with e = e^-|v| <= 1 so nothing overflows:
 * v >= 0 -> 1/(1+e), v < 0 -> e/(1+e) (no cancellation). */
CACT_INLINE double CACT__E(sigmoid_d)(double v)
{
    double e = CACT__M(exp_d)(-cact__abs(v));
    return (v < 0 ? e : 1.0) / (1.0 + e);
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow, no
 * cancellation (both terms >= 0). */
CACT_INLINE double CACT__E(softplus_d)(double z)
{
    double e = CACT__M(exp_d)(-cact__abs(z));
    return (z > 0 ? z : 0.0) + CACT__M(log1p01_d)(e);
}
#else
/* sigmoid(zh + zl) as (h + l) s (s < 1 only for results below 2^-1000):
 * e = e^-|z| as a double-double, 1 + e exact, the quotient by div_dd. */
CACT_INLINE cact__dds CACT__E(sigmoid_dds)(double zh, double zl)
{
    int neg = zh < 0;
    cact__dds e = CACT__M(exp_dd)(neg ? zh : -zh, neg ? zl : -zl);
    cact__dd d = cact__fast_two_sum(1.0, e.h);
    cact__dd q = CACT__M(div_dd)(neg ? e.h : 1.0, neg ? e.l : 0.0, d.h, d.l + e.l);
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
    cact__dds e = CACT__M(exp_dd)(neg ? zh : -zh, neg ? zl : -zl);
    cact__dd lg = CACT__M(log1p01_dd)(e.h, e.l);
    cact__dd s = cact__two_sum(zh, lg.h * e.s);
    cact__dds out;
    double l = s.l + (lg.l * e.s + zl);
    out.h = neg ? lg.h : s.h;
    out.l = neg ? lg.l : (l == l ? l : 0.0);    /* z = inf: TwoSum's NaN */
    out.s = neg ? e.s : 1.0;
    return out;
}

/* x * (gh + gl) * s for a gate g in [0, 1]: exact product, one rounding.
 * A tiny x is scaled up by 2^106 (a subnormal result is then rounded once,
 * by the multiplication by s) and a huge one down (Dekker's product in the
 * baseline would overflow), the scale folded into s.  x is clamped to
 * +-DBL_MAX, so a gate of 0 gives +-0 at x = +-inf (the limit, not NaN);
 * an infinite x with a nonzero gate gives x * gh. */
CACT_INLINE double CACT__E(gate_dd)(double x, double gh, double gl, double s)
{
    double ax = cact__abs(x);
    double xc = x < -1.7976931348623157e308 ? -1.7976931348623157e308 : x;
    xc = xc > 1.7976931348623157e308 ? 1.7976931348623157e308 : xc;
    int tiny = ax < 1e-290, huge = ax > 1e290;
    double xs = tiny ? xc * 8.112963841460668e+31 : (huge ? xc * 1.232595164407831e-32 : xc);
    double ss = tiny ? s * 1.232595164407831e-32 : (huge ? s * 8.112963841460668e+31 : s);
    double y = CACT__M(mla_lo)(xs, gh, xs * gl) * ss;
    return (ax > 1.7976931348623157e308 && gh != 0) ? x * gh : y;
}
#endif

/* ---- piecewise linear ------------------------------------------------ */

CACT_INLINE T CACT__E(identity)(T x) { return x; }

/* The selects below are arranged so that each compares x itself (not the
 * output of an earlier select) and the last one lets NaN through: with
 * AVX-512 each comparison is a mask register, and a chain of selects on
 * selects made gcc 12 emit 4-6 comparisons per vector where 2 do (relu6
 * float32 at 2^18 elements: 0.095 -> 0.051 ns/element, the streaming pass
 * 0.044). */
CACT_INLINE T CACT__E(binary_step)(T x)
{
    T lo = x < 0 ? (T)0 : x;        /* 0 below, x (NaN) elsewhere */
    return x >= 0 ? (T)1 : lo;
}

CACT_INLINE T CACT__E(relu)(T x) { return x < 0 ? (T)0 : x; }

CACT_INLINE T CACT__E(relu6)(T x)
{
    T lo = x < 0 ? (T)0 : x;
    return x > 6 ? (T)6 : lo;
}

/* float32: the double product of a double and a float, rounded to float,
 * is within 0.5 + 2^-29 ulp; float64: one rounding.  A slope of 0 gives
 * the limit -0 at x = -inf (the sign of 0 * x), not 0 * inf = NaN. */
CACT_INLINE T CACT__E(leaky_relu)(T x, double negative_slope)
{
    T r = (T)(negative_slope * (double)x);
    /* The test on the slope is loop invariant: gcc unswitches the loop on
     * it (two vectorized loops).  A nonzero slope gives NaN only for a NaN
     * x, which the select returns as it is; a slope of 0 needs per-lane
     * selects for 0 * -inf, in the element type (a NaN out of the product
     * is either x's own or 0 * -inf, whose limit is -0). */
    if (negative_slope != 0)
        return x < 0 ? r : x;
    return x >= 0 ? x : (r == r ? r : (x == x ? (T)-0.0 : x));
}

/* clip(x, min_val, max_val) rounded: for float32 the bounds are rounded to
 * float first, which gives the same result (no float lies strictly between
 * a bound and its rounding), in float lanes.  lo is lowered to hi where
 * min_val > max_val (the Python API refuses that; a C caller gets hi
 * everywhere, as from clipping in two steps). */
CACT_INLINE T CACT__E(hardtanh)(T x, double min_val, double max_val)
{
    T lo = (T)min_val, hi = (T)max_val;
    lo = lo > hi ? hi : lo;
    T l = x < lo ? lo : x;
    return x > hi ? hi : l;
}

#if CACT__BITS == 32
/* a b + c for floats, rounded once where the level has a fused
 * multiply-add; elsewhere in double (a b is exact there), which is exact
 * where a b + c is a float (the remainders below: the math core's
 * CACT__FMAF rounds a b to float first in the baseline) and otherwise
 * within 2^-29 ulp of the fused result. */
CACT_INLINE float CACT__E(fmaf)(float a, float b, float c)
{
#if CACT__MCAT(CACT__HAS_FMA_, CACT__LV)
    return __builtin_fmaf(a, b, c);
#else
    return (float)((double)a * b + c);
#endif
}
#endif

/* alpha x + beta with one rounding: near x = -beta/alpha the sum cancels
 * (to 2.8e-17 at x = -3 with alpha = 1/6 rounded to double), and only a
 * fused multiply-add or an exact product keeps the tiny result. */
CACT_INLINE T CACT__E(hard_sigmoid_r)(T x, double alpha, double beta)
{
    /* alpha = 0: the constant clip(beta, 0, 1), also at x = +-inf, where
     * 0 * inf is NaN (a per-lane select: see leaky_relu) */
    double t = CACT__M(fma_acc)(alpha, (double)x, beta);
    return (T)CACT__E(clip01)(t == t ? t : beta);
}

/* float32 with the default parameters (alpha = 1/6 and beta = 1/2; the
 * test is loop invariant and gcc unswitches the loop on it), in float
 * lanes: alpha is 1/6 rounded to double, (1 - 2^-54)/6, so alpha x + beta
 * = (x + 3 - 2^-54 x)/6 exactly (2.8e-17 at x = -3).  x + 3 = sh + sl
 * (Fast2Sum, |x| <= 3), the quotient by 6 as gh + gl with gh = sh c6 and gl
 * from the exact remainder sh - 6 gh (an fma), less 2^-54 x / 6; one
 * rounding at the end.  Same bits as the double path on every float (a
 * sweep of all 2^32, tools/exhaustive and a bit comparison).  Other
 * parameters, and float64: alpha x + beta in double with one rounding. */
CACT_INLINE T CACT__E(hard_sigmoid)(T x, double alpha, double beta)
{
#if CACT__BITS == 32
    if (alpha == 1.0 / 6.0 && beta == 0.5) {
        const float c6 = 0.16666667163372040f;     /* 1/6 rounded to float */
        float sh = x + 3.0f, sl = x - (sh - 3.0f);
        float gh = sh * c6;
        float rem = CACT__E(fmaf)(-gh, 6.0f, sh) + sl;
        rem = CACT__E(fmaf)(x, -5.5511151231257827e-17f, rem);     /* - 2^-54 x */
        float t = gh + rem * c6;
        float lo = x < -3.0f ? 0.0f : t;
        return CACT__E(nan_in)(x, x > 3.0f ? 1.0f : lo);
    }
#endif
    return CACT__E(nan_in)(x, CACT__E(hard_sigmoid_r)(x, alpha, beta));
}

/* x * relu6(x + 3) / 6 = x * clip((x + 3) / 6, 0, 1): never overflows; x
 * itself from 3 on (and NaN: the last select), -0 up to -3.
 * Both dtypes in their own lanes, with exact sums and products (Dekker,
 * Knuth; Muller et al., Handbook of Floating-Point Arithmetic, ch. 4-5):
 * x + 3 = sh + sl exactly (Fast2Sum, |x| < 3); g = (x + 3)/6 = gh + gl with
 * gh = sh c6 (c6 = 1/6 rounded to T) and gl from the exact remainder
 * sh - 6 gh (an fma); the result x gh + x gl rounded once by an fma.  The
 * value before that rounding is within ~2^-45 (float32; float64 ~2^-104) of
 * x (x + 3)/6, so the result is within 0.5 + 2^-21 ulp (tools/exhaustive:
 * every float32; float64 0.5 + 2^-50).  Tiny x: gh = 1/2 exactly (3 c6
 * rounds to 1/2 in both dtypes), x gl ~ x^2/6 and the result is x/2 rounded
 * once.  Without an fma (baseline) float32 takes the fma in double, float64
 * the exact product (fma_acc, mla_lo). */
#if CACT__BITS == 32
#  define CACT__HS_REM(a, b, c) CACT__E(fmaf)(a, b, c)
#  define CACT__HS_MLA(a, b, c) CACT__E(fmaf)(a, b, c)
#else
#  define CACT__HS_REM(a, b, c) CACT__M(fma_acc)(a, b, c)
#  define CACT__HS_MLA(a, b, c) CACT__M(mla_lo)(a, b, c)
#endif
CACT_INLINE T CACT__E(hard_swish)(T x)
{
    const T c6 = (T)(1.0 / 6.0);
    T sh = x + (T)3, sl = x - (sh - (T)3);
    T gh = sh * c6;
    T gl = (CACT__HS_REM(-gh, (T)6, sh) + sl) * c6;
    T y = CACT__HS_MLA(x, gh, x * gl);
    T m = x > (T)-3 ? y : (T)-0.0;
    return x < (T)3 ? m : x;
}
#undef CACT__HS_REM
#undef CACT__HS_MLA

/* x - lambd above lambd, x + lambd below -lambd, 0 with x's sign between.
 * float32 with lambd a float (the default 0.5; the test is loop invariant
 * and gcc unswitches the loop on it): |x| - lambd rounded once in float,
 * x's sign put back (round to nearest is symmetric), in float lanes; the
 * double path below gives the same bits there, because for float x and
 * lambd the double difference is exact or too far from a float midpoint
 * to round onto one.  Otherwise, and for float64, the difference in
 * double, rounded once more to float32. */
CACT_INLINE T CACT__E(softshrink)(T x, double lambd)
{
    double v = x;
#if CACT__BITS == 32
    float lf = (float)lambd;
    if ((double)lf == lambd) {
        float d = fabsf(x) - lf;
        return copysignf(!(d <= 0) ? d : 0.0f, x);    /* NaN: d, x's NaN */
    }
#endif
    return CACT__E(nan_in)(x, (T)(v > lambd ? v - lambd : (v < -lambd ? v + lambd : v * 0)));
}

#if CACT__BITS == 32
/* The largest float <= t (t not NaN; -inf below -FLT_MAX, FLT_MAX for
 * FLT_MAX < t < inf).  For a float x, x <= t exactly when x <= rd(t) and
 * x > t exactly when x > rd(t): no float lies in (rd(t), t].  Loop
 * invariant: computed once per call. */
CACT_INLINE float CACT__E(rd_f)(double t)
{
    float f = (float)t;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u = (double)f <= t ? u : (f > 0 ? u - 1 : (f < 0 ? u + 1 : 0x80000001u));
    memcpy(&f, &u, sizeof f);
    return f;
}
#endif

/* 0 with x's sign inside [-lambd, lambd] (+-inf too when lambd is inf:
 * not inf * 0 = NaN); NaN fails the comparison and stays NaN.  float32
 * compares |x| with lambd rounded down to float, which decides the same. */
CACT_INLINE T CACT__E(hardshrink)(T x, double lambd)
{
#if CACT__BITS == 32
    /* on the bits: |x| <= l as unsigned integers (l >= 0; NaN's bits are
     * above inf's), x's sign bit alone where it holds: one load, two ands
     * and an integer comparison per vector (the float form loaded x three
     * times: 0.063 -> 0.048 ns/element at 2^18, stream 0.044) */
    float l = CACT__E(rd_f)(lambd);
    uint32_t u, lb;
    memcpy(&u, &x, sizeof u);
    memcpy(&lb, &l, sizeof lb);
    u = (u & 0x7fffffffu) <= lb ? (u & 0x80000000u) : u;
    memcpy(&x, &u, sizeof x);
    return x;
#else
    T zero = copysign(0.0, x);
    return cact__abs(x) <= lambd ? zero : x;
#endif
}

/* x > threshold ? x : value; NaN stays NaN (PyTorch would give value):
 * !(x <= t) is x > t or x NaN, one comparison.  float32 compares with
 * threshold rounded down to float, which decides the same. */
CACT_INLINE T CACT__E(threshold)(T x, double threshold, double value)
{
#if CACT__BITS == 32
    float t = CACT__E(rd_f)(threshold);
#else
    double t = threshold;
#endif
    return !(x <= t) ? x : (T)value;
}

/* x / (1 + |x|); the limits +-1 at +-inf (inf/inf would be NaN).
 * float32 in float lanes: 1 + |x| = s + dl exactly (Knuth's TwoSum), q =
 * x (1/s), the remainder x - q s exact (an fma) less q dl, and q corrected
 * by it; beyond 2^25 the result rounds to +-1.  Within 0.5 + 1.1e-7 ulp
 * on every float (0.500000105 at x = 0x1.c2fa7ep-7): the double path it
 * replaces (q in double, rounded to float) gave other bits on 33 of the
 * 2^32 floats (29 in the baseline), where x / (1 + |x|) lies within 1.1e-7
 * ulp of a midpoint between floats.
 * float64: 1 + |x| exact (TwoSum) and a corrected division. */
CACT_INLINE T CACT__E(softsign)(T x)
{
#if CACT__BITS == 32
    float a = fabsf(x);
    float s = a + 1.0f, bb = s - a, dl = (a - (s - bb)) + (1.0f - bb);
    float inv = 1.0f / s, q = x * inv;
    float r = CACT__E(fmaf)(-q, dl, CACT__E(fmaf)(-q, s, x));
    float y = CACT__E(fmaf)(r, inv, q);
    return CACT__E(nan_in)(x, a > 33554432.0f ? copysignf(1.0f, x) : y);
#else
    double v = x, a = cact__abs(v);
    /* beyond 2^60 the result rounds to +-1 (and Dekker's product in the
     * baseline's division would overflow near the top of the range) */
    cact__dd d = cact__two_sum(1.0, a);
    cact__dd qq = CACT__M(div_dd)(v, 0.0, d.h, d.l);
    return CACT__E(nan_in)(x, a > 1.152921504606847e18 ? (v < 0 ? -1.0 : 1.0) : qq.h + qq.l);
#endif
}

/* ---- sigmoid family -------------------------------------------------- */

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
    cact__ffs e = CACT__M(exp_fr)(-xc, -xlc);   /* e^z = (h + l) s 2^-64 */
    /* A = 2^(64 - n) = 2^128 / s: bits (382 << 23) - bits(s); a = 2^-n,
     * subnormal or 0 for n > 126, where a + e = e to float precision.
     * -x goes up to 110 here, beyond exp_fr's 43.6: there e.s's exponent
     * field wraps (n + 191 > 255), but h + l is right and A, computed from
     * those bits modulo 2^32, is exact (191 - n >= 32) */
    float A = cact__from_bits_f(0xBF000000u - cact__bits_f(e.s));
    float a = A * 5.42101086e-20f;                                      /* 2^-64 */
    float big = a > e.h ? a : e.h, small = a > e.h ? e.h : a;
    float dh = big + small, dl = ((big - dh) + small) + e.l;
    float inv = 1.0f / dh;
    cact__ffs o;
    o.h = inv;
    o.l = CACT__FMAF(-inv, dl, CACT__M(rem1_f)(inv, dh));
    o.s = A;
    return o;
}

CACT_INLINE cact__ffs CACT__E(sigmoid_ff)(float x) { return CACT__E(sigmoid_ffz)(x, 0.0f); }

/* x sigmoid(z) from g = sigmoid_ff(z): x (inv + inv eps) A 2^-64, with
 * x inv + x inv eps rounded once (mla_lo_f), then scaled (exact, or one
 * rounding of a subnormal result); the caller selects the tails */
CACT_INLINE float CACT__E(gate_ff)(float x, cact__ffs g)
{
    return (CACT__M(mla_lo_f)(x, g.h, (x * g.h) * g.l) * g.s) * 5.42101086e-20f;
}

CACT_INLINE T CACT__E(sigmoid_r)(T x)
{
    cact__ffs g = CACT__E(sigmoid_ff)(x);
    float y = (CACT__FMAF(g.h, g.l, g.h) * g.s) * 5.42101086e-20f;
    return x >= -110.0f ? y : 0.0f;
}

/* log(sigmoid(x)) = -softplus(-x) */
CACT_INLINE T CACT__E(log_sigmoid_r)(T x) { return (T)-CACT__E(softplus_d)(-(double)x); }

/* x * sigmoid(beta * x) in double; the double product's rounding (2^-53)
 * is amplified by at most |beta x| < 104 where the result is not 0 or x.
 * beta = 0 gives x / 2, also at x = +-inf (beta x is 0 there, not
 * 0 * inf = NaN). */
CACT_INLINE T CACT__E(swish_d)(T x, double beta)
{
    double v = x, z = beta * v;
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_d)(z == z ? z : 0.0));   /* 0 * inf: 0 */
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
    float zl = bl * x - CACT__M(fnma_f)(bh, x, zh);
    float y = CACT__E(gate_ff)(x, CACT__E(sigmoid_ffz)(zh, zl));
    float zero = cact__from_bits_f(cact__bits_f(x) & 0x80000000u);     /* +-0 with x's sign */
    y = zh >= -110.0f ? y : zero;
    return cact__abs_f(x) > 1.15292150e18f ? (zh > 0.0f ? x : zero) : y;
}

/* x * sigmoid(beta * x): in float lanes (swish_ff) for 1 <= |beta| <= 2^64,
 * in double for the other betas.  The kernel runs one loop or the other
 * (CACT__LOOP_SPLIT: swish_fast, swish_slow, swish_pick below); swish_r,
 * the element function, tests per element. */
CACT_INLINE int CACT__E(swish_pick)(int unused, double beta)
{
    double ab = cact__abs(beta);
    (void)unused;
    return ab >= 1.0 && ab <= 1.8446744073709552e19;
}

CACT_INLINE T CACT__E(swish_fast_r)(T x, double beta)
{
    float bh = (float)beta;
    return CACT__E(swish_ff)(x, bh, (float)(beta - (double)bh));
}

CACT_INLINE T CACT__E(swish_r)(T x, double beta)
{
    return CACT__E(swish_pick)(0, beta) ? CACT__E(swish_fast_r)(x, beta) : CACT__E(swish_d)(x, beta);
}

/* x sigmoid(x) in float lanes: x (inv + inv eps) A 2^-64 (sigmoid_ff),
 * x inv + x inv eps rounded once (mla_lo_f), then scaled as in sigmoid.
 * Below x = -110 the result is -0 (it underflows; x = -inf included);
 * above 2^60 it is x (and x inv A would overflow). */
CACT_INLINE T CACT__E(silu_r)(T x)
{
    float y = CACT__E(gate_ff)(x, CACT__E(sigmoid_ff)(x));
    return x > 1.15292150e18f ? x : (x >= -110.0f ? y : -0.0f);
}

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
    double e = CACT__M(exp_d)(tail ? z + 600.0 : (z < 0 ? z : -z));
    double r = ((z > 0 ? z : 0.0) + CACT__M(log1p01_d)(e)) * (1.0 / beta);
    double rt = e * (2.6503965530043108e-261 / beta);                      /* e^-600 / beta */
    return CACT__E(above)(beta, v, threshold) ? x : (T)(tail ? rt : r);
}

/* softplus at beta = 1, the default and by far the common case: the
 * kernel runs this loop or softplus_r's (CACT__LOOP_SPLIT: softplus_fast,
 * softplus_slow, softplus_pick below).  The same bits as softplus_r at
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
    double r = (v > 0 ? v : 0.0) + CACT__M(log1p01_d)(CACT__M(exp_d)(v < 0 ? v : -v));
    (void)beta;
    return v > threshold ? x : (T)r;
}

/* x * tanh(softplus(x)).  With e = e^x, tanh(log(1 + e)) = n / (n + 2),
 * n = e (e + 2): no cancellation for x < 0 (mish ~ x e^x there).  For
 * x > 40, 1 - n/(n+2) < 2e^-80 rounds to 1 and the result is x. */
CACT_INLINE T CACT__E(mish_r)(T x)
{
    double v = x, e = CACT__M(exp_d)(v > 40 ? 40.0 : v), n = e * (e + 2);
    return (T)CACT__E(gate)(v, n / (n + 2));
}

#else /* float64 */

CACT_INLINE T CACT__E(sigmoid_r)(T x)
{
    cact__dds q = CACT__E(sigmoid_dds)(x, 0.0);
    return (q.h + q.l) * q.s;
}

/* log(sigmoid(x)) = -softplus(-x) */
CACT_INLINE T CACT__E(log_sigmoid_r)(T x)
{
    cact__dds r = CACT__E(softplus_dds)(-x, 0.0);
    return -((r.h + r.l) * r.s);
}

/* x * sigmoid(beta * x), beta x exact: in the tail sigmoid(z) ~ e^z, whose
 * relative error is |z| times z's.  Below z = -1400 the gate is 0 (the
 * result underflows unless |x| > 1e284 with |beta| < 1e-281). */
CACT_INLINE T CACT__E(swish_r)(T x, double beta)
{
    cact__dd z = CACT__M(two_prod)(beta, x);
    z.h = z.h == z.h ? z.h : 0.0;     /* beta = 0, x = +-inf: x / 2 (x NaN: nan_in) */
    cact__dds q = CACT__E(sigmoid_dds)(z.h, z.l == z.l ? z.l : 0.0);
    double on = (double)(z.h >= -1400.0);   /* a multiply, not a select: see exp_d */
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
}

CACT_INLINE T CACT__E(silu_r)(T x)
{
    cact__dds q = CACT__E(sigmoid_dds)(x, 0.0);
    double on = (double)(x >= -1400.0);
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
}

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
    double sc = beta < 1e-290 ? 1.6069380442589903e+60 : 1.0;               /* 2^200 */
    cact__dd b = CACT__M(two_prod)(beta * sc, 1.0142320547350045e+304);     /* beta sc e^700 */
    cact__dd z = CACT__M(two_prod)(beta, x);
    int tail = small && z.h < -1000.0;
    cact__dds r = CACT__E(softplus_dds)(tail ? z.h + 700.0 : z.h, z.l == z.l ? z.l : 0.0);
    cact__dd q = CACT__M(div_dd)(r.h, r.l, tail ? b.h : beta * sc,
                                 tail ? b.l + beta * sc * 1.6666571920734673e+287 : 0.0);
    double y = (q.h + (q.l == q.l ? q.l : 0.0)) * (r.s * sc);
    /* x = +inf: the limit inf (with threshold = inf the sums above give NaN) */
    return CACT__E(above)(beta, x, threshold) || x > 1.7976931348623157e308 ? x : y;
}

/* x * n / (n + 2), n = e (e + 2), e = e^x, every step a double-double */
CACT_INLINE T CACT__E(mish_r)(T x)
{
    double v = x > 40 ? 40.0 : x;
    cact__dds e = CACT__M(exp_dd)(v, 0.0);
    cact__dd e2 = cact__two_sum(e.h, 2.0);
    cact__dd n = CACT__M(mul_dd)(e.h, e.l, e2.h, e2.l + e.l);
    cact__dd d = cact__two_sum(n.h, 2.0);
    cact__dd t = CACT__M(div_dd)(n.h, n.l, d.h, d.l + n.l);
    double on = (double)(x >= -1400.0);     /* above 40, t rounds to 1 - 2e^-80 */
    return CACT__E(gate_dd)(x, t.h * on, t.l * on, e.s);
}

#endif

/* ---- tanh family ----------------------------------------------------- */

#if CACT__BITS == 32

/* tanh(|x|) = -m / (2 + m), m = expm1(-2|x|) (expm1n_ff: a float pair,
 * 2^-27), 2 + m exact (Fast2Sum), the quotient by one float division and
 * its remainder, rounded once; x's sign set last (+-0 kept).  |x| is
 * clamped to 10 (tanh = 1 - 4e-9: 1 in float) */
CACT_INLINE T CACT__E(tanh_r)(T x)
{
    float a = cact__abs_f(x);
    a = a < 10.0f ? a : 10.0f;                  /* minps (NaN: nan_in) */
    cact__ff m = CACT__M(expm1n_ff)(-2.0f * a);
    float dh = 2.0f + m.h, dl = ((2.0f - dh) + m.h) + m.l;   /* Fast2Sum: |m| <= 1 */
    float inv = 1.0f / dh, q = -m.h * inv;
    float rem = CACT__M(fnma_f)(q, dh, -m.h) - CACT__FMAF(q, dl, m.l);
    float t = CACT__FMAF(rem, inv, q);
    return cact__from_bits_f((cact__bits_f(t) & 0x7fffffffu) | (cact__bits_f(x) & 0x80000000u));
}

/* x - tanh(x): below |x| = 0.625 the subtraction would cancel (up to all
 * digits near 0), and a series takes over */
CACT_INLINE T CACT__E(tanhshrink_r)(T x)
{
    double v = x;
    return (T)(cact__abs(v) <= 0.625 ? CACT__M(tanhshrink_small_d)(v) : v - CACT__M(tanh_d)(v));
}

#else

CACT_INLINE T CACT__E(tanh_r)(T x)
{
    cact__dd t = CACT__M(tanh_dd)(x);
    return t.h + t.l;
}

/* x - tanh(x): a series below |x| = 0.4; above, x - tanh(x) with tanh a
 * double-double and the subtraction exact (TwoSum); x -+ 1 beyond 20 */
CACT_INLINE T CACT__E(tanhshrink_r)(T x)
{
    double a = cact__abs(x);
    cact__dd t = CACT__M(tanh_dd)(x);
    cact__dd d = cact__two_sum(x, -t.h);
    double big = a > 20.0 ? (x < 0 ? x + 1.0 : x - 1.0) : d.h + (d.l - t.l);
    return a < 0.4 ? CACT__M(tanhshrink_small_dd)(x) : big;
}

#endif

/* ---- exponential linear units ---------------------------------------- */

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
    return v < 0 ? (T)(alpha * CACT__M(expm1n_d)(v)) : x;
}

/* |x/alpha| < 2^-30: alpha expm1(x/alpha) = x (1 + x/(2 alpha)) rounds to
 * x in float32, and the quotient may have underflowed (alpha > 1e270) */
CACT_INLINE T CACT__E(celu_r)(T x, double alpha)
{
    double v = x, t = v * (1.0 / alpha);
    return v < 0 && cact__abs(t) >= 9.313225746154785e-10 ? (T)(alpha * CACT__M(expm1n_d)(t)) : x;
}

CACT_INLINE T CACT__E(selu_r)(T x)
{
    double v = x;
    return (T)(v < 0 ? CACT__SELU_SA_H * CACT__M(expm1n_d)(v) : CACT__SELU_SCALE_H * v);
}

#else

CACT_INLINE T CACT__E(elu_r)(T x, double alpha)
{
    cact__dd m = CACT__M(expm1n_dd)(x, 0.0);
    return x < 0 ? CACT__M(mla_lo)(alpha, m.h, alpha * m.l) : x;
}

/* expm1(x / alpha) with the quotient a double-double (its rounding would
 * otherwise be a full ulp of the result near 0) */
CACT_INLINE T CACT__E(celu_r)(T x, double alpha)
{
    cact__dd z = CACT__M(div_dd)(x, 0.0, alpha, 0.0);
    cact__dd m = CACT__M(expm1n_dd)(z.h, z.l == z.l ? z.l : 0.0);
    /* |x/alpha| < 2^-54: alpha expm1(x/alpha) = x (1 + x/(2 alpha)) rounds to x,
     * and the quotient may be subnormal (its low part lost) */
    return x < 0 && cact__abs(z.h) >= 5.551115123125783e-17 ? CACT__M(mla_lo)(alpha, m.h, alpha * m.l) : x;
}

CACT_INLINE T CACT__E(selu_r)(T x)
{
    cact__dd m = CACT__M(expm1n_dd)(x, 0.0);
    double neg = CACT__M(mla_lo)(CACT__SELU_SA_H, m.h,
                                 CACT__FMA(CACT__SELU_SA_H, m.l, CACT__SELU_SA_L * m.h));
    return x < 0 ? neg : CACT__E(gate_dd)(x, CACT__SELU_SCALE_H, CACT__SELU_SCALE_L, 1.0);
}

#endif

/* ---- GELU ------------------------------------------------------------ */

/* x Phi(x) = x erfc(-x / sqrt 2) / 2.  erfc, not 1 + erf: in the negative
 * tail 1 + erf(x/sqrt 2) cancels to 0 long before the result underflows
 * (gelu(-6.52) = -2.3e-10, not 0).  With a = |x| / sqrt 2 and E = erfc(a):
 * Phi = E/2 for x < 0 and 1 - E/2 (no cancellation, E/2 <= 1/2) for x >= 0. */
CACT_INLINE T CACT__E(gelu_r)(T x)
{
#if CACT__BITS == 32
    double v = x;
    double ef = CACT__M(erfc_d)(cact__abs(v) * 0.7071067811865476);
    return (T)CACT__E(gate)(v, v < 0 ? 0.5 * ef : 1.0 - 0.5 * ef);
#else
    /* a = |x| / sqrt 2 as a double-double: erfc's relative sensitivity is 2a */
    double ax = cact__abs(x);
    ax = ax > 40.0 ? 40.0 : ax;
    cact__dd a = CACT__M(two_prod)(ax, 0.7071067811865476);
    a.l = CACT__FMA(ax, -4.833646656726457e-17, a.l);
    cact__dds ef = CACT__M(erfc_dd)(a.h, a.l);
    cact__dd p = cact__fast_two_sum(1.0, -0.5 * ef.h);
    int neg = x < 0;
    return CACT__E(gate_dd)(x, neg ? 0.5 * ef.h : p.h, neg ? 0.5 * ef.l : p.l - 0.5 * ef.l,
                            neg ? ef.s : 1.0);
#endif
}

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
    double xc = x < -1e5 ? -1e5 : (x > 1e5 ? 1e5 : x);   /* sigmoid(2u) is 0 or 1 beyond */
    cact__dd x2 = CACT__M(two_prod)(xc, xc);
    cact__dd k = CACT__M(mul_dd)(0.044715, 2.1960211427085595e-18, x2.h, x2.l);
    cact__dd w = cact__two_sum(1.0, k.h);                  /* 1 + 0.044715 x^2 */
    cact__dd c = CACT__M(mul_dd)(0.7978845608028654, -4.98465440455546e-17, xc, 0.0);
    cact__dd u = CACT__M(mul_dd)(c.h, c.l, w.h, w.l + k.l);
    cact__dds q = CACT__E(sigmoid_dds)(2.0 * u.h, 2.0 * u.l);
    double on = (double)(u.h >= -700.0);
    return CACT__E(gate_dd)(x, q.h * on, q.l * on, q.s);
#endif
}

/* ---- NaN in, the same NaN out: the public element functions ----------- */

#define CACT__NAN_P0(name) \
    CACT_INLINE T CACT__E(name)(T x) { return CACT__E(nan_in)(x, CACT__E(name##_r)(x)); }
#define CACT__NAN_P1(name) \
    CACT_INLINE T CACT__E(name)(T x, double a) { return CACT__E(nan_in)(x, CACT__E(name##_r)(x, a)); }
#define CACT__NAN_P2(name) \
    CACT_INLINE T CACT__E(name)(T x, double a, double b) { return CACT__E(nan_in)(x, CACT__E(name##_r)(x, a, b)); }
CACT__NAN_P0(sigmoid)
CACT__NAN_P0(log_sigmoid)
CACT__NAN_P0(silu)
CACT__NAN_P0(mish)
CACT__NAN_P0(tanh)
CACT__NAN_P0(tanhshrink)
CACT__NAN_P0(selu)
CACT__NAN_P0(gelu)
CACT__NAN_P0(gelu_tanh)
CACT__NAN_P1(swish)
#if CACT__BITS == 32
CACT__NAN_P1(swish_fast)
CACT_INLINE T CACT__E(swish_slow)(T x, double beta) { return CACT__E(nan_in)(x, CACT__E(swish_d)(x, beta)); }
#endif
CACT__NAN_P1(elu)
CACT__NAN_P1(celu)
CACT__NAN_P2(softplus)
#if CACT__BITS == 32
/* celu at alpha = 1 (the default) runs elu's loop at alpha 1: the same bits
 * (celu_r's own test, |x| < 2^-30, only keeps an x that expm1n_d(x) rounded
 * to float gives anyway) with no quotient x / alpha and no test;
 * CACT__LOOP_SPLIT, as swish and softplus */
CACT_INLINE int CACT__E(celu_pick)(int unused, double alpha)
{
    (void)unused;
    return alpha == 1.0;
}
CACT_INLINE T CACT__E(celu_fast)(T x, double alpha) { (void)alpha; return CACT__E(elu)(x, 1.0); }
CACT_INLINE T CACT__E(celu_slow)(T x, double alpha) { return CACT__E(celu)(x, alpha); }
CACT__NAN_P2(softplus_fast)
CACT_INLINE T CACT__E(softplus_slow)(T x, double a, double b) { return CACT__E(nan_in)(x, CACT__E(softplus_r)(x, a, b)); }
#endif
#undef CACT__NAN_P0
#undef CACT__NAN_P1
#undef CACT__NAN_P2

#undef T
#undef CACT__E
#undef CACT__M
#undef CACT__FMA
#undef CACT__FMAF
