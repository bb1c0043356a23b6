/* tools/exhaustive/libm_stage.h -- the element functions as first written
 * on libm calls (float32 in double, float64 in x87 long double), frozen as
 * they were before the vectorized math core (git f6f8d55), for bench.c's
 * "libm" column.  Not part of cact.
 * Included twice by bench.c (float / double). */
#define CACT__E(name) LS_CAT3(ls__, name, LS_CAT(_, LS_SFX))
#define CACT__M(fn) LS_CAT3(ls_, fn, LS_CAT(_w, LS_BITS))
#define W LS_W
#define T LS_T
/* ---- helpers --------------------------------------------------------- */

/* clip(v, 0, 1), NaN-propagating */
CACT_INLINE W CACT__E(clip01)(W v)
{
    v = v < 0 ? (W)0 : v;
    return v > 1 ? (W)1 : v;
}

/* x * s where s in [0, 1] is a gate that may be exactly 0 while x is
 * infinite (gelu, silu, mish, hard_swish at -inf): the product is the
 * limit 0 with x's sign, not inf * 0 = NaN. */
CACT_INLINE W CACT__E(gate)(W x, W s) { return s == 0 ? (x < 0 ? (W)-0.0 : (W)0.0) : x * s; }

/* sigmoid(v) = 1 / (1 + e^-v), evaluated with e = e^-|v| <= 1 so nothing
 * overflows: v >= 0 -> 1/(1+e), v < 0 -> e/(1+e) (no cancellation). */
CACT_INLINE W CACT__E(sigmoid_w)(W v)
{
    W e = CACT__M(exp)(v < 0 ? v : -v);
    return (v < 0 ? e : (W)1) / (1 + e);
}

/* softplus(v) = log(1 + e^v) = max(v, 0) + log1p(e^-|v|): no overflow,
 * no cancellation (both terms >= 0). */
CACT_INLINE W CACT__E(softplus_w)(W v)
{
    W e = CACT__M(exp)(v < 0 ? v : -v);
    return (v > 0 ? v : (W)0) + CACT__M(log1p)(e);
}

/* ---- piecewise linear ------------------------------------------------ */

CACT_INLINE T CACT__E(identity)(T x) { return x; }

CACT_INLINE T CACT__E(binary_step)(T x) { return x >= 0 ? (T)1 : (x < 0 ? (T)0 : x); }

CACT_INLINE T CACT__E(relu)(T x) { return x < 0 ? (T)0 : x; }

CACT_INLINE T CACT__E(relu6)(T x)
{
    x = x < 0 ? (T)0 : x;
    return x > 6 ? (T)6 : x;
}

CACT_INLINE T CACT__E(leaky_relu)(T x, double negative_slope)
{
    return x >= 0 ? x : (T)((W)negative_slope * (W)x);
}

CACT_INLINE T CACT__E(hardtanh)(T x, double min_val, double max_val)
{
    W v = x;
    v = v < (W)min_val ? (W)min_val : v;
    return (T)(v > (W)max_val ? (W)max_val : v);
}

/* alpha x + beta with one rounding (fma): near x = -beta/alpha the sum
 * cancels, and only a fused multiply-add keeps the tiny result exact. */
CACT_INLINE T CACT__E(hard_sigmoid)(T x, double alpha, double beta)
{
    return (T)CACT__E(clip01)((W)fma(alpha, (double)x, beta));
}

/* x * relu6(x + 3) / 6 = x * clip((x + 3) / 6, 0, 1): never overflows. */
CACT_INLINE T CACT__E(hard_swish)(T x)
{
    W v = x;
    return (T)CACT__E(gate)(v, CACT__E(clip01)((v + 3) / 6));
}

CACT_INLINE T CACT__E(softshrink)(T x, double lambd)
{
    W v = x, l = (W)lambd;
    return (T)(v > l ? v - l : (v < -l ? v + l : v * 0));
}

CACT_INLINE T CACT__E(hardshrink)(T x, double lambd)
{
    W v = x, l = (W)lambd;
    return (v > l || v < -l) ? x : x * 0;
}

/* x > threshold ? x : value; NaN stays NaN (PyTorch would give value). */
CACT_INLINE T CACT__E(threshold)(T x, double threshold, double value)
{
    return (W)x > (W)threshold ? x : (x != x ? x : (T)value);
}

/* x / (1 + |x|); the limits +-1 at +-inf (inf/inf would be NaN). */
CACT_INLINE T CACT__E(softsign)(T x)
{
    W v = x, a = v < 0 ? -v : v;
    return (T)(a == (W)INFINITY ? (v < 0 ? (W)-1 : (W)1) : v / (1 + a));
}

/* ---- sigmoid family -------------------------------------------------- */

CACT_INLINE T CACT__E(sigmoid)(T x) { return (T)CACT__E(sigmoid_w)((W)x); }

/* log(sigmoid(x)) = -softplus(-x) */
CACT_INLINE T CACT__E(log_sigmoid)(T x) { return (T)-CACT__E(softplus_w)(-(W)x); }

/* x * sigmoid(beta * x) */
CACT_INLINE T CACT__E(swish)(T x, double beta)
{
    W v = x;
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_w)((W)beta * v));
}

CACT_INLINE T CACT__E(silu)(T x)
{
    W v = x;
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_w)(v));
}

/* log(1 + e^(beta x)) / beta, and x itself where beta x > threshold
 * (PyTorch's definition; threshold = inf gives the smooth function). */
CACT_INLINE T CACT__E(softplus)(T x, double beta, double threshold)
{
    W v = x, z = (W)beta * v;
    return z > (W)threshold ? x : (T)(CACT__E(softplus_w)(z) / (W)beta);
}

/* x * tanh(softplus(x)).  With e = e^x, tanh(log(1 + e)) = n / (n + 2),
 * n = e (e + 2): no cancellation for x < 0 (mish ~ x e^x there).  For
 * x > 40, 1 - n/(n+2) < 2e^-80, below half an ulp of the wide type, and
 * e^2x would overflow: the result is x. */
CACT_INLINE T CACT__E(mish)(T x)
{
    W v = x, e = CACT__M(exp)(v > 40 ? (W)40 : v), n = e * (e + 2);
    return (T)(v > 40 ? v : CACT__E(gate)(v, n / (n + 2)));
}

/* ---- tanh family ----------------------------------------------------- */

CACT_INLINE T CACT__E(tanh)(T x) { return (T)CACT__M(tanh)((W)x); }

/* x - tanh(x).  For |x| < 1/16 the subtraction would cancel most digits:
 * use the Taylor series x^3/3 - 2x^5/15 + 17x^7/315 - ... (terms shrink by
 * about 0.4 x^2 < 1.6e-3 each; eight terms leave < 1e-21 relative). */
CACT_INLINE T CACT__E(tanhshrink)(T x)
{
    W v = x, z = v * v;
    W s = v * z *
          ((W)1 / 3 +
           z * ((W)-2 / 15 +
                z * ((W)17 / 315 +
                     z * ((W)-62 / 2835 + z * ((W)1382 / 155925 +
                                               z * ((W)-21844 / 6081075 +
                                                    z * ((W)929569 / 638512875 +
                                                         z * ((W)-6404582 / 10854718875.0L))))))));
    W a = v < 0 ? -v : v;
    return (T)(a < (W)0.0625 ? s : v - CACT__M(tanh)(v));
}

/* ---- exponential linear units ---------------------------------------- */

/* expm1 keeps full precision near 0 (e^x - 1 would cancel) */
CACT_INLINE T CACT__E(elu)(T x, double alpha)
{
    W v = x;
    return v > 0 ? x : (T)((W)alpha * CACT__M(expm1)(v));
}

CACT_INLINE T CACT__E(celu)(T x, double alpha)
{
    W v = x;
    return v > 0 ? x : (T)((W)alpha * CACT__M(expm1)(v / (W)alpha));
}

/* Klambauer et al. 2017 constants, to 35 digits */
#define CACT__SELU_ALPHA 1.6732632423543772848170429916717L
#define CACT__SELU_SCALE 1.0507009873554804934193349852946L
CACT_INLINE T CACT__E(selu)(T x)
{
    W v = x;
    return (T)(v > 0 ? (W)CACT__SELU_SCALE * v
                     : (W)(CACT__SELU_SCALE * CACT__SELU_ALPHA) * CACT__M(expm1)(v));
}

/* ---- GELU ------------------------------------------------------------ */

/* x Phi(x) = x erfc(-x / sqrt 2) / 2.  erfc, not 1 + erf: in the negative
 * tail 1 + erf(x/sqrt 2) cancels to 0 long before the result underflows
 * (gelu(-6.52) = -2.3e-10, not 0). */
CACT_INLINE T CACT__E(gelu)(T x)
{
    W v = x;
    W p = (W)0.5 * CACT__M(erfc)(v * (W)-0.70710678118654752440084436210484903L);
    return (T)CACT__E(gate)(v, p);
}

/* x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3), written as
 * x sigmoid(2u) because 1 + tanh(u) cancels in the negative tail. */
CACT_INLINE T CACT__E(gelu_tanh)(T x)
{
    W v = x;
    W u = (W)0.79788456080286535587989211986876373L * (v + (W)0.044715L * v * v * v);
    return (T)CACT__E(gate)(v, CACT__E(sigmoid_w)(2 * u));
}

#undef W
#undef T
#undef CACT__E
#undef CACT__M
