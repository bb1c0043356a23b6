/* cact/kernels/fast.h -- the fast accuracy tier's element functions:
 * fast_sigmoid, fast_silu, fast_swish (SPLIT32), fast_tanh, fast_tanhshrink,
 * fast_gelu_tanh,
 * the kernels cact_fast_<name>_f32/_f64 (rows of cact/functions.inc) behind
 * cact.fast.  Part of cact/kernels/all.h (one dtype, one level).
 *
 * Bound (float32): <= 4 ulp of the exact result where it is normal; where
 * the exact result is subnormal (below 2^-126) the result may be that value,
 * 0 of its sign or anything within 2^-126 absolute; a normal result is
 * never flushed.  Special values as the accurate tier, bit for bit: NaN in
 * -> the input NaN, +-inf -> the limits, -0 where the accurate tier gives
 * -0, no intermediate overflow (huge finite x gives the limit or x).
 * float64: sigmoid and silu have plain-double fast forms (<= 4 ulp on the
 * checker's float64 samples); swish, tanh and gelu_tanh run the accurate
 * element functions (the same bits as cact_<name>_f64).
 *
 * float32 evaluates in float lanes with one float division and a cheaper
 * exp than the accurate tier's (core/exp.h): no float pair for e^z, no
 * corrected quotient, so the result carries a few roundings instead of one.
 * Operation counts below are the x86-64-v4 loop's instructions per 16
 * elements (objdump; load, store and loop control included).  A select
 * on a condition tested twice (x < 0 before and after the division) is
 * avoided: gcc threads the jumps before if-conversion and then computes
 * the division in both arms.
 * Every function is a branch-free select chain that gives the same bits in
 * the vector body as in the scalar tail (fused operations only through
 * CACT__FMAF; the kernels carry -ffp-contract=off).
 *
 * Coefficients: Lawson minimax fits on the relative error, rounded to float
 * one coefficient at a time with the rest refitted (the exp: degree 6,
 * 2^-25.8; tanh's e^r - 1: degree 6, 2^-26.1).  Max errors measured by
 * tools/exhaustive/check.c (CACT_CHECK_FAST rows) at each function below
 * and in docs/accuracy.md, "Fast tier".
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/fast.h"
#endif

#if CACT__BITS == 32

/* ---- exp in float lanes ----------------------------------------------
 * n = rint(z log2 e) by the shifter 0x1.8p23 plus a bias B, so that
 * bits(z log2e + shifter + B) << 23 is 2^(n + B - 127) directly (one shift):
 * B = 127 gives 2^n, B = 191 gives 2^(n+64) (the extended scale of the silu
 * family, whose results stay normal where e^z is subnormal).  Cody-Waite
 * with core/base.h's LN2_HI_F (16 bits: z - n LN2_HI_F is exact, fused or
 * not) and LN2_LO_F; e^r = 1 + r P(r), |r| <= ln2/2 (1 + 2^-12), P degree 5
 * (Horner), relative error 2^-25.8 for the rounded coefficients. */
#  define CACT__FAST_MAGIC127 12583039.0f /* 0x1.8p23 + 127 */
#  define CACT__FAST_MAGIC191 12583103.0f /* 0x1.8p23 + 191 */
#  define CACT__FAST_E2 0.49999994f       /* 0x1.fffffcp-2 */
#  define CACT__FAST_E3 0.16666432f       /* 0x1.55541ap-3 */
#  define CACT__FAST_E4 0.041668f         /* 0x1.555822p-5 */
#  define CACT__FAST_E5 0.008374175f      /* 0x1.1267acp-7 */
#  define CACT__FAST_E6 0.001384363f      /* 0x1.6ae708p-10 */

/* e^(zh + zl) 2^(B - 127) for zh where n + B is in [0, 254] (the caller
 * clamps; n + B = 0 gives the scale +0, a limit without a select),
 * |zl| <= 2^-20 (-0 where there is none: the compiler drops r + -0):
 * r = zh - n LN2_HI_F - n LN2_LO_F + zl, p = 1 + r P(r),
 * returned as p 2^(n + B - 127) (one product: exact unless subnormal).
 * Relative error of p ~0.6 ulp. */
CACT_INLINE float CACT__E(fast__exp)(float zh, float zl, float magic)
{
    float ks = CACT__FMAF(zh, CACT__LOG2E_F, magic), k = ks - magic;
    float r1 = CACT__FMAF(k, -CACT__LN2_HI_F, zh); /* exact */
    float r = CACT__FMAF(k, -CACT__LN2_LO_F, r1) + zl;
    float q = CACT__FMAF(CACT__FAST_E6, r, CACT__FAST_E5);
    q = CACT__FMAF(q, r, CACT__FAST_E4);
    q = CACT__FMAF(q, r, CACT__FAST_E3);
    q = CACT__FMAF(q, r, CACT__FAST_E2);
    q = CACT__FMAF(q, r, 1.0f);
    return CACT__FMAF(q, r, 1.0f) * cact__from_bits_f(cact__bits_f(ks) << 23);
}

/* fast__exp(-t, -tl, magic) with the negation folded into the
 * operations (t >= 0, the callers' clamp of |z| is then one min): the
 * reduction of t to r' = -r and the polynomial with its odd coefficients'
 * signs flipped give every intermediate as the exact negation of
 * fast__exp's, so the same bits; 2 operations fewer per vector. */
CACT_INLINE float CACT__E(fast__expn)(float t, float tl, float magic)
{
    float ks = CACT__FMAF(t, -CACT__LOG2E_F, magic), k = ks - magic;
    float r1 = CACT__FMAF(k, CACT__LN2_HI_F, t); /* exact */
    float r = CACT__FMAF(k, CACT__LN2_LO_F, r1) + tl;
    float q = CACT__FMAF(r, -CACT__FAST_E6, CACT__FAST_E5);
    q = CACT__FMAF(q, r, -CACT__FAST_E4);
    q = CACT__FMAF(q, r, CACT__FAST_E3);
    q = CACT__FMAF(q, r, -CACT__FAST_E2);
    q = CACT__FMAF(q, r, 1.0f);
    return CACT__FMAF(-q, r, 1.0f) * cact__from_bits_f(cact__bits_f(ks) << 23);
}

/* a b - h exactly for h = a b rounded: an fma, or Dekker's product where
 * the level has none (core/dd.h's fnma_f: a b above 2^-100, |a|, |b| < 2^115) */
CACT_INLINE float CACT__E(fast__mul_lo)(float a, float b, float h)
{
    return -CACT__L(fnma_f)(a, b, h);
}

/* |r| with the sign bit of x (r >= 0 or +0) */
CACT_INLINE float CACT__E(fast__xsign)(float r, float x)
{
    return cact__from_bits_f(cact__bits_f(r) ^ (cact__bits_f(x) & 0x80000000u));
}

/* ---- sigmoid ---------------------------------------------------------
 * sigmoid(x) = (x < 0 ? e : 1) / (1 + e), e = e^-|x| <= 1: no overflow, no
 * cancellation (XNNPACK's f32 sigmoid scheme).  -|x| is clamped at -88:
 * there n = -127 and the scale 2^n is +0, so sigmoid(-inf) = +0 with no
 * select; results below 2^-126 (x < -87.34) are subnormal (within 2^-149
 * here, or 0).  28 instructions, one division.
 * Measured (every 97th float32 pattern, tools/exhaustive/check.c): 2.40 ulp
 * at v4, v3 and base, worst x = -0x1.b8cb3p+1. */
CACT_INLINE T CACT__E(fast_sigmoid)(T x)
{
    float a = cact__abs_f(x);
    float ez = CACT__E(fast__expn)(a < 88.0f ? a : 88.0f, -0.0f, CACT__FAST_MAGIC127);
    return CACT__E(nan_in)(x, (x < 0.0f ? ez : 1.0f) / (1.0f + ez));
}

/* ---- x sigmoid(z), z = zh + zl (silu, swish, gelu_tanh) ----------------
 * x e/(1+e) for z < 0, x/(1+e) for z >= 0, e = e^-|z|.  Where z < 0 the
 * result x e^z stays normal below e^z's underflow (silu(-88) = -5.3e-37),
 * so e is carried as e 2^64 (MAGIC191) and the quotient scaled by 2^-64
 * last (exact unless the result is subnormal, which is then rounded once
 * more: within 2^-148).  -|z| is clamped at -132.5, where the exponent
 * field n + 191 is 0 and the scale +0: xn (x clamped to +-2^64 so that
 * xn 0 is not NaN) times it is +-0, the limit.  The caller guarantees that
 * |x| e^z 2^64 cannot overflow (|z| >= |x| where |x| > 2^64, as for
 * |beta| >= 1), and zl = 0 where |zh| >= 132 or zh is not finite. */
CACT_INLINE float CACT__E(fast__xsig_q)(float xn, float xp, float zh, float zl)
{
    int neg = zh < 0.0f;
    float za = cact__abs_f(zh);
    float e64 = CACT__E(fast__expn)(za < 132.5f ? za : 132.5f, neg ? -zl : zl, CACT__FAST_MAGIC191);
    return (neg ? xn * e64 : xp) / CACT__FMAF(e64, CACT__2PM64F, 1.0f);
}

/* x in [-2^64, 2^64] (clamped only where the result is x or +-0) */
CACT_INLINE float CACT__E(fast__xclamp)(float x)
{
    float xm = x > -CACT__2P64F ? x : -CACT__2P64F;
    return xm < CACT__2P64F ? xm : CACT__2P64F;
}

CACT_INLINE float CACT__E(fast__xsig)(float x, float zh, float zl)
{
    float q = CACT__E(fast__xsig_q)(CACT__E(fast__xclamp)(x), x, zh, zl);
    /* zh's sign bit rather than zh < 0 (the same but for zh = -0, where
     * x = +-0 and q = +-0): a second float test of zh < 0 makes gcc
     * duplicate the quotient into both arms (jump threading) */
    return (cact__bits_f(zh) >> 31) ? q * CACT__2PM64F : q;
}

/* ---- silu ------------------------------------------------------------
 * x sigmoid(x) = x m / (1 + e), e = e^-|x| carried as e64 = e 2^64 (as
 * fast__xsig), m = e64 for x < 0 and 2^64 above, the quotient scaled by
 * 2^-64 without a select (x 2^64 / (1 + e) 2^-64 is x / (1 + e) but for
 * a subnormal result's second rounding).  x is clamped below at -2^64
 * (-inf e64 = -inf 0 would be NaN); x >= 2^64, where x 2^64 overflows and
 * silu(x) = x, and NaN select x.  32 instructions, one division (44 with
 * fast__xsig's selects, 0.40 against 0.26 ns per element).
 * Measured (every 97th float32 pattern): 3.09 ulp at v4, v3 and base,
 * worst x = -0x1.9e384ep+1; every float32 pattern: 3.344 ulp at v4/v3
 * (x = -0x1.7c16d4p+2), 3.464 at base (x = -0x1.9e122cp+1). */
CACT_INLINE T CACT__E(fast_silu)(T x)
{
    int neg = x < 0.0f;
    float a = cact__abs_f(x);
    float e64 = CACT__E(fast__expn)(a < 132.5f ? a : 132.5f, -0.0f, CACT__FAST_MAGIC191);
    float xn = x > -CACT__2P64F ? x : -CACT__2P64F;
    float q = xn * (neg ? e64 : CACT__2P64F) / CACT__FMAF(e64, CACT__2PM64F, 1.0f);
    /* x >= 2^64 (+inf included, where q is inf) and NaN: x itself */
    return !(x < CACT__2P64F) ? x : q * CACT__2PM64F;
}

/* ---- swish (SPLIT32) -------------------------------------------------
 * x sigmoid(beta x), beta = bh + bl (floats); z = beta x as zh + zl,
 * zl = (bh x - zh) exactly (fma or Dekker) + bl x, so that the tail e^z
 * keeps its accuracy (|z| up to 92: z's rounding alone would cost
 * |z| 2^-24 relative).
 * |beta| >= 1 (fast_swish_fast): fast__xsig directly; beta = 1 gives
 * silu's bits but for subnormal results (silu rounds those twice).  |beta| < 1, 0 included (fast_swish_slow): |x| may exceed
 * 2^64 with |z| small, so x is scaled by 2^-64 first where |x| > 2^32 (and
 * the result back), and z = 0 inf is taken as 0 (x/2 at beta = 0, x =
 * +-inf: the accurate tier's limit).  fast_swish_pick chooses the loop once
 * per call (config.h's CACT__LOOP_SPLIT).
 * Measured (every 97th float32 pattern): beta = 1: 3.09 ulp as silu;
 * beta = 1.702: 3.00 ulp at v4/v3 (x = -0x1.0476c4p+1), 3.18 at base
 * (x = -0x1.4bf636p+1); beta = -1.25: 3.09 at every level (x =
 * 0x1.90bdbep+1).  The |beta| < 1 loop: the tests' samples only. */
CACT_INLINE int CACT__E(fast_swish_pick)(int unused, double beta)
{
    (void)unused;
    return beta >= 1.0 || beta <= -1.0;
}

CACT_INLINE float CACT__E(fast__swish_z)(float x, float bh, float bl, float *zl)
{
    float zh = bh * x;
    float l = CACT__E(fast__mul_lo)(bh, x, zh) + bl * x;
    *zl = cact__abs_f(zh) < 132.0f ? l : 0.0f; /* NaN (inf - inf): 0 */
    return zh;
}

CACT_INLINE T CACT__E(fast_swish_fast)(T x, double beta)
{
    float bh = (float)beta, bl = (float)(beta - (double)bh), zl;
    float zh = CACT__E(fast__swish_z)(x, bh, bl, &zl);
    return CACT__E(nan_in)(x, CACT__E(fast__xsig)(x, zh, zl));
}

CACT_INLINE T CACT__E(fast_swish_slow)(T x, double beta)
{
    /* |x| > 2^32: x 2^-64 (normal), so x e^-|z| 2^64 cannot overflow,
     * the final scale then 1 (z < 0) or 2^64; beta x is then taken as
     * (beta 2^64)(x 2^-64), the same products (powers of two are exact)
     * with the factors inside Dekker's range (the baseline's exact product
     * of beta and x = 3e38 would overflow) */
    int big = cact__abs_f(x) > 4294967296.0f;
    float xs = big ? x * CACT__2PM64F : x;
    float bh = (float)beta, bl = (float)(beta - (double)bh), zl;
    float bs = big ? bh * CACT__2P64F : bh, bls = big ? bl * CACT__2P64F : bl;
    float zh = CACT__E(fast__swish_z)(xs, bs, bls, &zl);
    zh = zh == zh ? zh : 0.0f; /* 0 * inf */
    float q = CACT__E(fast__xsig_q)(CACT__E(fast__xclamp)(xs), xs, zh, zl);
    float f = zh < 0.0f ? (big ? 1.0f : CACT__2PM64F) : (big ? CACT__2P64F : 1.0f);
    return CACT__E(nan_in)(x, q * f);
}

CACT_INLINE T CACT__E(fast_swish)(T x, double beta)
{
    return CACT__E(fast_swish_pick)(0, beta) ? CACT__E(fast_swish_fast)(x, beta)
                                             : CACT__E(fast_swish_slow)(x, beta);
}

/* ---- tanh -------------------------------------------------------------
 * tanh|x| = m/(m + 2), m = e^(2|x|) - 1 >= 0 (no cancellation anywhere:
 * the form of expm1 keeps tanh's relative accuracy near 0), x's sign put
 * back on the bits (+-0 kept).  m by one reduction 2|x| = k ln2 + r,
 * |r| <= ln2/2: m = 2^k (e^r - 1) + (2^k - 1) as one fma, e^r - 1 =
 * r + r^2 P(r) (P degree 4; at k = 0 m is that polynomial alone, and r =
 * 2|x| exactly).  2^k - 1 is exact for k <= 24; above, tanh rounds to 1
 * whatever m's last bits.  |x| is clamped at 10, where m + 2 rounds to m
 * (m ~ 4.9e8): tanh(+-inf) = +-1 exactly.  29 instructions, one
 * division, against 38 for e^-2|x| with (1 - e)/(1 + e) and an odd
 * polynomial below 0.625 (0.245 against 0.30 ns per element).
 * Measured (every 97th float32 pattern): 2.42 ulp at v4 and v3 (x =
 * -0x1.fb6164p-7), 2.46 at base (x = 0x1.ea375cp-5); every float32
 * pattern: 2.566 at v4/v3 (x = 0x1.fc1832p-5), 2.606 at base. */
#  define CACT__FAST_M2 0.49999997f  /* 0x1.fffffep-2 */
#  define CACT__FAST_M3 0.16666546f  /* 0x1.5554b4p-3 */
#  define CACT__FAST_M4 0.041667439f /* 0x1.5556f4p-5 */
#  define CACT__FAST_M5 0.008366256f /* 0x1.12253ep-7 */
#  define CACT__FAST_M6 0.001387022f /* 0x1.6b9978p-10 */
CACT_INLINE float CACT__E(fast__tanh_abs)(float a)
{
    float z = 2.0f * (a < 10.0f ? a : 10.0f);
    float ks = CACT__FMAF(z, CACT__LOG2E_F, CACT__FAST_MAGIC127), k = ks - CACT__FAST_MAGIC127;
    float r = CACT__FMAF(k, -CACT__LN2_HI_F, z); /* exact */
    r = CACT__FMAF(k, -CACT__LN2_LO_F, r);
    float p = CACT__FMAF(CACT__FAST_M6, r, CACT__FAST_M5);
    p = CACT__FMAF(p, r, CACT__FAST_M4);
    p = CACT__FMAF(p, r, CACT__FAST_M3);
    p = CACT__FMAF(p, r, CACT__FAST_M2);
    float pm1 = CACT__FMAF(r * r, p, r);
    float s = cact__from_bits_f(cact__bits_f(ks) << 23);
    float m = CACT__FMAF(s, pm1, s - 1.0f);
    return m / (m + 2.0f);
}

CACT_INLINE T CACT__E(fast_tanh)(T x)
{
    float t = CACT__E(fast__tanh_abs)(cact__abs_f(x));
    return CACT__E(nan_in)(x, CACT__E(fast__xsign)(t, x));
}

/* ---- tanhshrink ---------------------------------------------------------
 * x - tanh x, on |x| with x's sign put back.  |x| >= 1.4: |x| - tanh|x|
 * (fast__tanh_abs; the difference is >= 0.51 there, so tanh's error of
 * ~2.4 ulp of a value below 1 stays ~2.4 ulp of the result).  Below, the
 * subtraction would cancel: x^3 P(x^2), P degree 9, a Lawson fit of
 * (x - tanh x)/x^3 on [0, 1.4] relative (2^-25.0 with the float
 * coefficients; P(0) = 1/3 rounded).  Both evaluated, then a select:
 * 44 instructions, one division (the accurate kernel: double lanes).
 * Measured (every 97th float32 pattern): 3.25 ulp at v4 and v3 (x =
 * 0x1.5f0fcp+0), 3.18 at base (x = -0x1.4fc6a6p+0). */
#  define CACT__FAST_S0 0.33333334f     /* 0x1.555556p-2 */
#  define CACT__FAST_S1 -0.13333392f    /* -0x1.11116p-3 */
#  define CACT__FAST_S2 0.053973883f    /* 0x1.ba277p-5 */
#  define CACT__FAST_S3 -0.021886775f   /* -0x1.6697cap-6 */
#  define CACT__FAST_S4 0.0088702859f   /* 0x1.22a95ap-7 */
#  define CACT__FAST_S5 -0.0035217395f  /* -0x1.cd99f8p-9 */
#  define CACT__FAST_S6 0.0012744524f   /* 0x1.4e170ep-10 */
#  define CACT__FAST_S7 -0.00036693961f /* -0x1.80c39ap-12 */
#  define CACT__FAST_S8 6.9424335e-05f  /* 0x1.232fdp-14 */
#  define CACT__FAST_S9 -6.1656774e-06f /* -0x1.9dc588p-18 */
CACT_INLINE T CACT__E(fast_tanhshrink)(T x)
{
    float a = cact__abs_f(x), u = a * a;
    float p = CACT__FMAF(CACT__FAST_S9, u, CACT__FAST_S8);
    p = CACT__FMAF(p, u, CACT__FAST_S7);
    p = CACT__FMAF(p, u, CACT__FAST_S6);
    p = CACT__FMAF(p, u, CACT__FAST_S5);
    p = CACT__FMAF(p, u, CACT__FAST_S4);
    p = CACT__FMAF(p, u, CACT__FAST_S3);
    p = CACT__FMAF(p, u, CACT__FAST_S2);
    p = CACT__FMAF(p, u, CACT__FAST_S1);
    p = CACT__FMAF(p, u, CACT__FAST_S0);
    float small = (a * u) * p;
    float big = a - CACT__E(fast__tanh_abs)(a);
    return CACT__E(nan_in)(x, CACT__E(fast__xsign)(a < 1.4f ? small : big, x));
}

/* ---- gelu_tanh --------------------------------------------------------
 * x (1 + tanh u)/2 = x sigmoid(w), w = 2u = x (C1 + C3 x^2), C1 =
 * 2 sqrt(2/pi), C3 = 0.044715 C1.  In the negative tail x e^w the relative
 * error of the result is w's absolute error (|w| up to 90), so w is a float
 * pair: x^2 = x2 + x2l exactly, s = C1 + C3 x^2 by TwoSum with the
 * products' low parts, w = x s with its low part; then fast__xsig.  65
 * instructions, one division.
 * Measured (every 97th float32 pattern): 3.10 ulp at v4, v3 and base,
 * worst x = -0x1.60582p+0. */
#  define CACT__FAST_C1H 1.5957692f     /* 0x1.988454p+0: 2 sqrt(2/pi) */
#  define CACT__FAST_C1L -4.534068e-08f /* -0x1.857936p-25 */
#  define CACT__FAST_C3H 0.071354814f   /* 0x1.2444f2p-4: 0.044715 C1 */
#  define CACT__FAST_C3L 2.3988325e-09f /* 0x1.49b16ap-29 */
CACT_INLINE T CACT__E(fast_gelu_tanh)(T x)
{
    float x2 = x * x, x2l = CACT__E(fast__mul_lo)(x, x, x2);
    float m = CACT__FAST_C3H * x2;
    float ml = CACT__E(fast__mul_lo)(CACT__FAST_C3H, x2, m);
    ml = CACT__FMAF(CACT__FAST_C3H, x2l, ml);
    ml = CACT__FMAF(CACT__FAST_C3L, x2, ml);
    float s = CACT__FAST_C1H + m, bb = s - m; /* TwoSum C1H + m */
    float sl = (CACT__FAST_C1H - bb) + (m - (s - bb));
    sl = sl + (ml + CACT__FAST_C1L);
    float w = x * s;
    float wl = CACT__FMAF(x, sl, CACT__E(fast__mul_lo)(x, s, w));
    wl = cact__abs_f(w) < 132.0f ? wl : 0.0f; /* inf, NaN: 0 */
    return CACT__E(nan_in)(x, CACT__E(fast__xsig)(x, w, wl));
}

#else /* float64: sigmoid and silu in plain double; the rest are the
        * accurate element functions */

/* ---- float64 exp, scaled ---------------------------------------------
 * e^-t 2^64 for t in [0, 753.5] (the caller clamps): n = rint(-t log2 e)
 * by the shifter 0x1.8p52 plus 1087 (= 1023 + 64), so bits(ks) << 52 is
 * 2^(n + 64) (n + 1087 in [0, 2046]; at t = 753.5 it is 0 and the scale
 * +0, the limit without a select).  Cody-Waite with core/base.h's LN2_HI
 * (42 bits: exact, fused or not) and LN2_LO; e^-r' by a polynomial of
 * degree 11, |r'| <= ln2/2: mpmath's Chebyshev fit (chebyfit) of e^r,
 * 2^-58.1, 2^-55.7 with the double coefficients (c0 = c1 = 1); Horner with
 * the odd terms' signs flipped (r' = -r).  ~1 ulp; 15 operations.  As in
 * float32, e 2^64 keeps x e^-t normal (silu) and the sigmoid tail's
 * subnormal results rounded once, below e^-t's own underflow. */
#  define CACT__FAST_MAGIC1087 6755399441056831.0 /* 0x1.8p52 + 1087 */
#  define CACT__FAST_2PM64 5.421010862427522e-20  /* 0x1p-64 */
#  define CACT__FAST_X2 0.5000000000000019        /* 0x1.0000000000011p-1 */
#  define CACT__FAST_X3 0.1666666666666668        /* 0x1.555555555555ap-3 */
#  define CACT__FAST_X4 0.0416666666664881        /* 0x1.555555554f0cfp-5 */
#  define CACT__FAST_X5 0.008333333333319601      /* 0x1.111111110f225p-7 */
#  define CACT__FAST_X6 0.0013888888952314775     /* 0x1.6c16c187fbe02p-10 */
#  define CACT__FAST_X7 0.00019841269890047113    /* 0x1.a01a01b14378fp-13 */
#  define CACT__FAST_X8 2.4801485482328114e-05    /* 0x1.a01991ac8729ap-16 */
#  define CACT__FAST_X9 2.7557240918578677e-06    /* 0x1.71ddf5749d0e1p-19 */
#  define CACT__FAST_X10 2.76326396391815e-07     /* 0x1.28b4057f4a8ebp-22 */
#  define CACT__FAST_X11 2.5110037606071793e-08   /* 0x1.af631d0061b72p-26 */
CACT_INLINE double CACT__E(fast__expn64)(double t)
{
    double ks = CACT__FMA(t, -CACT__LOG2E, CACT__FAST_MAGIC1087), k = ks - CACT__FAST_MAGIC1087;
    double r1 = CACT__FMA(k, CACT__LN2_HI, t); /* exact */
    double r = CACT__FMA(k, CACT__LN2_LO, r1);
    double q = CACT__FMA(r, -CACT__FAST_X11, CACT__FAST_X10);
    q = CACT__FMA(q, r, -CACT__FAST_X9);
    q = CACT__FMA(q, r, CACT__FAST_X8);
    q = CACT__FMA(q, r, -CACT__FAST_X7);
    q = CACT__FMA(q, r, CACT__FAST_X6);
    q = CACT__FMA(q, r, -CACT__FAST_X5);
    q = CACT__FMA(q, r, CACT__FAST_X4);
    q = CACT__FMA(q, r, -CACT__FAST_X3);
    q = CACT__FMA(q, r, CACT__FAST_X2);
    q = CACT__FMA(q, r, -1.0);
    return CACT__FMA(q, r, 1.0) * cact__from_bits(cact__bits(ks) << 52);
}

/* sigmoid(x) = m / (1 + e) 2^-64, e = e^-|x|, m = e 2^64 (x < 0) or 2^64:
 * the float32 scheme with silu's select-free scale.  34 instructions per 8
 * elements at v4, one division.
 * Measured (tools/exhaustive/check.c f64, 10^7 samples, tails included):
 * 2.21 ulp at v4 and v3 (x = -0x1.b9c5bd0c3cd4ep+1), 2.30 at base
 * (x = -0x1.3638fc7030fa7p+2). */
CACT_INLINE T CACT__E(fast_sigmoid)(T x)
{
    double a = cact__abs(x);
    double e64 = CACT__E(fast__expn64)(a < 753.5 ? a : 753.5);
    double q = (x < 0.0 ? e64 : CACT__2P64) / CACT__FMA(e64, CACT__FAST_2PM64, 1.0);
    return CACT__E(nan_in)(x, q * CACT__FAST_2PM64);
}

/* silu(x) = xn m / (1 + e) 2^-64 as float32's fast_silu: xn = max(x,
 * -2^64), x >= 2^64 and NaN give x; below x = -1400 (-inf included) -0,
 * the limit with x's sign, as the accurate float64 kernel gives.
 * 42 instructions per 8 elements at v4, one division.
 * Measured (10^7 samples): 3.02 ulp at v4 and v3 (x =
 * -0x1.7c00fc2e229aep+2), 3.06 at base (x = -0x1.55fd01c1f89f8p+3). */
CACT_INLINE T CACT__E(fast_silu)(T x)
{
    double a = cact__abs(x);
    double e64 = CACT__E(fast__expn64)(a < 753.5 ? a : 753.5);
    double xn = x > -CACT__2P64 ? x : -CACT__2P64;
    double q = xn * (x < 0.0 ? e64 : CACT__2P64) / CACT__FMA(e64, CACT__FAST_2PM64, 1.0);
    return !(x < CACT__2P64) ? x : (x >= -1400.0 ? q * CACT__FAST_2PM64 : -0.0);
}

CACT_INLINE T CACT__E(fast_swish)(T x, double beta) { return CACT__E(swish)(x, beta); }
CACT_INLINE T CACT__E(fast_tanh)(T x) { return CACT__E(tanh)(x); }
CACT_INLINE T CACT__E(fast_tanhshrink)(T x) { return CACT__E(tanhshrink)(x); }
CACT_INLINE T CACT__E(fast_gelu_tanh)(T x) { return CACT__E(gelu_tanh)(x); }

#endif
