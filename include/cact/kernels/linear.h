/* cact/kernels/linear.h -- the piecewise-linear family: identity,
 * binary_step, relu, relu6, leaky_relu, hardtanh, hard_sigmoid, hard_swish,
 * softshrink, hardshrink, threshold.  Exact (0 ulp) where the result is x
 * or a constant; one rounding where it is a product or a sum.  Each
 * handles NaN itself (its last select lets x's NaN through) unless it says
 * otherwise.  Part of cact/kernels/all.h (one dtype, one level).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/linear.h"
#endif

/* clip(v, 0, 1), NaN-propagating */
CACT_INLINE double CACT__E(clip01)(double v)
{
    v = v < 0 ? 0.0 : v;
    return v > 1 ? 1.0 : v;
}

CACT_INLINE T CACT__E(identity)(T x) { return x; }

/* The selects below are arranged so that each compares x itself (not the
 * output of an earlier select) and the last one lets NaN through: with
 * AVX-512 each comparison is a mask register, and a chain of selects on
 * selects made gcc 12 emit 4-6 comparisons per vector where 2 do. */
CACT_INLINE T CACT__E(binary_step)(T x)
{
    T lo = x < 0 ? (T)0 : x; /* 0 below, x (NaN) elsewhere */
    return x >= 0 ? (T)1 : lo;
}

CACT_INLINE T CACT__E(relu)(T x) { return x < 0 ? (T)0 : x; }

/* relu(x)^2 (So et al., "Primer", 2021): x x rounded once (0.5 ulp; inf
 * only where the exact square overflows), +0 from -0 down, NaN as given. */
CACT_INLINE T CACT__E(squared_relu)(T x) { return CACT__E(nan_in)(x, x < 0 ? (T)0 : x * x); }

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
    if (negative_slope != 0) return x < 0 ? r : x;
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

/* alpha x + beta with one rounding: near x = -beta/alpha the sum cancels
 * (to 2.8e-17 at x = -3 with alpha = 1/6 rounded to double), and only a
 * fused multiply-add or an exact product keeps the tiny result. */
CACT_INLINE T CACT__E(hard_sigmoid_r)(T x, double alpha, double beta)
{
    /* alpha = 0: the constant clip(beta, 0, 1), also at x = +-inf, where
     * 0 * inf is NaN (a per-lane select: see leaky_relu) */
    double t = CACT__L(fma_acc)(alpha, (double)x, beta);
    return (T)CACT__E(clip01)(t == t ? t : beta);
}

/* (x + 3)/6 as gh + gl, |gl| <= ulp(gh), for |x| <= 3 (Dekker, Knuth;
 * Muller et al., Handbook of Floating-Point Arithmetic, ch. 4-5): x + 3 =
 * sh + sl exactly (Fast2Sum); gh = sh c6 (c6 = 1/6 rounded to T) and gl =
 * (sh - 6 gh + sl) c6, the remainder sh - 6 gh exact (an fma; without one,
 * float32 takes it in double, float64 from the exact product).  gh + gl is
 * within ~2^-45 (float32; float64 ~2^-104) of (x + 3)/6.  Outside
 * [-3, 3] (and at +-inf, where sl is NaN) the callers select constants. */
#if CACT__BITS == 32
#  define CACT__HS_REM(a, b, c) CACT__L(fmaf_d)(a, b, c)
#  define CACT__HS_MLA(a, b, c) CACT__L(fmaf_d)(a, b, c)
#else
#  define CACT__HS_REM(a, b, c) CACT__L(fma_acc)(a, b, c)
#  define CACT__HS_MLA(a, b, c) CACT__L(mla_lo)(a, b, c)
#endif
CACT_INLINE T CACT__E(plus3_div6)(T x, T *gl)
{
    const T c6 = (T)(1.0 / 6.0);
    T sh = x + (T)3, sl = x - (sh - (T)3);
    T gh = sh * c6;
    *gl = (CACT__HS_REM(-gh, (T)6, sh) + sl) * c6;
    return gh;
}

/* The default parameters (alpha = 1/6, beta = 1/2) give the exact function
 * x/6 + 1/2 clipped to [0, 1], as PyTorch's hardsigmoid defines it: 0 from
 * -3 down, 1 from 3 up, gh + gl rounded once in between (within 0.5 +
 * 2^-21 ulp float32, 0.5 + 2^-50 float64), in the element type's lanes.
 * (1/6 as a double is (1 - 2^-54)/6: alpha x + beta with that alpha would
 * give 2.8e-17 at x = -3.)  The test is loop invariant: gcc unswitches the
 * loop on it.  Any other parameters: alpha x + beta as given, in double,
 * rounded once (hard_sigmoid_r). */
CACT_INLINE T CACT__E(hard_sigmoid)(T x, double alpha, double beta)
{
    if (alpha == 1.0 / 6.0 && beta == 0.5) {
        T gl, gh = CACT__E(plus3_div6)(x, &gl);
        T t = gh + gl;
        T lo = x < (T)-3 ? (T)0 : t;
        return CACT__E(nan_in)(x, x > (T)3 ? (T)1 : lo);
    }
    return CACT__E(nan_in)(x, CACT__E(hard_sigmoid_r)(x, alpha, beta));
}

/* x * relu6(x + 3) / 6 = x * clip((x + 3) / 6, 0, 1): never overflows; x
 * itself from 3 on (and NaN: the last select), -0 up to -3.  The result x
 * gh + x gl rounded once by an fma: the value before that rounding is
 * within ~2^-45 (float32; float64 ~2^-104) of x (x + 3)/6, so the result
 * is within 0.5 + 2^-21 ulp (tools/exhaustive: every float32; float64
 * 0.5 + 2^-50).  Tiny x: gh = 1/2 exactly (3 c6 rounds to 1/2 in both
 * dtypes), x gl ~ x^2/6 and the result is x/2 rounded once. */
CACT_INLINE T CACT__E(hard_swish)(T x)
{
    T gl, gh = CACT__E(plus3_div6)(x, &gl);
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
        return copysignf(!(d <= 0) ? d : 0.0f, x); /* NaN: d, x's NaN */
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
     * times) */
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

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

/* The piecewise-constant derivatives are dy times 0 or 1 (exact), with the
 * kinks as PyTorch's autograd takes them: relu'(0) = 0, relu6, hardtanh,
 * hard_sigmoid 0 at their bounds, the shrinks 0 at +-lambd, threshold 0 at
 * the threshold, binary_step' = 0 everywhere, leaky_relu'(0) = the slope.
 * CACT__GMASK(c): dy where c holds, dy * 0 elsewhere. */
#define CACT__GMASK(c) (dy * ((c) ? (T)1 : (T)0))

CACT_INLINE T CACT__E(identity_grad_r)(T dy, T x)
{
    (void)x;
    return dy;
}
CACT__GNAN0(identity_grad, identity_grad_r)

CACT_INLINE T CACT__E(binary_step_grad_r)(T dy, T x)
{
    (void)x;
    return dy * (T)0;
}
CACT__GNAN0(binary_step_grad, binary_step_grad_r)

CACT_INLINE T CACT__E(relu_grad_r)(T dy, T x) { return CACT__GMASK(x > 0); }
CACT__GNAN0(relu_grad, relu_grad_r)

/* 2 max(x, 0) dy, one rounding: float32 in double (exact, then rounded
 * once); float64 doubles the smaller factor first (exact unless it
 * overflows, when the result does) */
CACT_INLINE T CACT__E(squared_relu_grad_r)(T dy, T x)
{
    T t = x > 0 ? x : (T)0;
#if CACT__BITS == 32
    return CACT__E(gmul)(dy, 2.0 * (double)t);
#else
    return cact__abs(dy) < 1.0 ? (2.0 * dy) * t : (dy * t) * 2.0;
#endif
}
CACT__GNAN0(squared_relu_grad, squared_relu_grad_r)

CACT_INLINE T CACT__E(relu6_grad_r)(T dy, T x) { return CACT__GMASK(x > 0 && x < 6); }
CACT__GNAN0(relu6_grad, relu6_grad_r)

CACT_INLINE T CACT__E(leaky_relu_grad_r)(T dy, T x, double negative_slope)
{
#if CACT__BITS == 32
    return CACT__E(gmul)(dy, x > 0 ? 1.0 : negative_slope);
#else
    return dy * (x > 0 ? 1.0 : negative_slope);
#endif
}
CACT__GNAN1(leaky_relu_grad, leaky_relu_grad_r)

CACT_INLINE T CACT__E(hardtanh_grad_r)(T dy, T x, double min_val, double max_val)
{
    return CACT__GMASK(x > min_val && x < max_val);
}
CACT__GNAN2(hardtanh_grad, hardtanh_grad_r)

/* alpha where 0 < alpha x + beta < 1 (the forward's rounded sum decides),
 * else 0; the defaults: dy / 6 on (-3, 3), rounded once */
CACT_INLINE T CACT__E(hard_sigmoid_grad_r)(T dy, T x, double alpha, double beta)
{
    double t = CACT__L(fma_acc)(alpha, (double)x, beta);
    int def = alpha == 1.0 / 6.0 && beta == 0.5;
    int in = def ? (x > -3 && x < 3) : (t > 0 && t < 1);
    T m = in ? dy : dy * (T)0;
#if CACT__BITS == 32
    return def ? (T)((double)m / 6.0) : CACT__E(gmul)(m, alpha);
#else
    return def ? m / 6.0 : m * alpha;
#endif
}
CACT__GNAN2(hard_sigmoid_grad, hard_sigmoid_grad_r)

/* PyTorch's hardswish_backward: 0 up to -3, x/3 + 1/2 = (2x + 3)/6 on
 * (-3, 3), 1 from 3 on (so 0 at -3 and 1 at 3).  2x + 3 is exact near
 * its zero (-1.5, Sterbenz), so the result is within about 1 ulp; float32
 * in double, rounded once */
CACT_INLINE T CACT__E(hard_swish_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double v = x, g = (2.0 * v + 3.0) / 6.0;
    return CACT__E(gmul)(dy, x <= -3 ? 0.0 : (x < 3 ? g : 1.0));
#else
    double s = x <= -3 ? 0.0 : 2.0 * x + 3.0;
    return x >= 3 ? dy : (dy * s) / 6.0;
#endif
}
CACT__GNAN0(hard_swish_grad, hard_swish_grad_r)

CACT_INLINE T CACT__E(softshrink_grad_r)(T dy, T x, double lambd)
{
    return CACT__GMASK(x < -lambd || x > lambd);
}
CACT__GNAN1(softshrink_grad, softshrink_grad_r)

CACT_INLINE T CACT__E(hardshrink_grad_r)(T dy, T x, double lambd)
{
    return CACT__GMASK(x < -lambd || x > lambd);
}
CACT__GNAN1(hardshrink_grad, hardshrink_grad_r)

CACT_INLINE T CACT__E(threshold_grad_r)(T dy, T x, double threshold, double value)
{
    (void)value;
    return CACT__GMASK(x > threshold);
}
CACT__GNAN2(threshold_grad, threshold_grad_r)
#undef CACT__GMASK
