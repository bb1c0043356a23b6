/* cact/math_impl.h -- one ISA level's instantiation of the math core.
 *
 * Included by cact/math.h once per level, with
 *   CACT__LV      v4, v3 or base: the suffix of every name defined here
 *   CACT__LV_FMA  1 where the level has a fused multiply-add instruction
 * Do not include this file directly.  Every coefficient below comes from
 * `python3 tools/exhaustive/fit.py <name>` (Remez minimax, rounded to
 * double); the error quoted with each is that of the rounded polynomial.
 */
#ifndef CACT__LV
#error "include <cact/cact.h>, not cact/math_impl.h"
#endif

#define CACT__F(name) CACT__MCAT(CACT__MCAT(cact__, name), CACT__MCAT(_, CACT__LV))

#if CACT__LV_FMA
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT__FMA(a, b, c) __builtin_fma(a, b, c)
#  else
#    define CACT__FMA(a, b, c) fma(a, b, c)
#  endif
#else
#  define CACT__FMA(a, b, c) ((a) * (b) + (c))
#endif

/* ---- arithmetic of the level ---------------------------------------- */

/* a b + c: fused (one rounding) in v3/v4, two roundings in baseline */
CACT_INLINE double CACT__F(fma)(double a, double b, double c) { return CACT__FMA(a, b, c); }

/* a b + c rounded once in v3/v4 (fma); baseline: the exact product and a
 * TwoSum, the two small parts added last (within one ulp of the fused
 * result; +-inf give the unfused a b + c) */
CACT_INLINE double CACT__F(fma_acc)(double a, double b, double c);

/* a b = h + l exactly (no overflow: |a|, |b| < 2^995 in baseline).
 * Baseline: Veltkamp's split into 26 + 27-bit halves, Dekker's product. */
CACT_INLINE cact__dd CACT__F(two_prod)(double a, double b)
{
    double h = a * b;
#if CACT__LV_FMA
    return cact__mk_dd(h, CACT__FMA(a, b, -h));
#else
    double ca = 134217729.0 * a, cb = 134217729.0 * b;
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return cact__mk_dd(h, ((ah * bh - h) + ah * bl + al * bh) + al * bl);
#endif
}

CACT_INLINE double CACT__F(fma_acc)(double a, double b, double c)
{
#if CACT__LV_FMA
    return CACT__FMA(a, b, c);
#else
    cact__dd p = CACT__F(two_prod)(a, b);
    cact__dd s = cact__two_sum(p.h, c);
    double r = s.h + (s.l + p.l);
    return r == r ? r : a * b + c;
#endif
}

/* a b + c rounded once, for a c much smaller than a b (a correction term):
 * fma in v3/v4; baseline: the exact product plus c, so the result is
 * within 0.5 ulp + |c| 2^-53 there too (a b + c unfused could be 1 ulp off) */
CACT_INLINE double CACT__F(mla_lo)(double a, double b, double c)
{
#if CACT__LV_FMA
    return CACT__FMA(a, b, c);
#else
    /* Dekker's product is exact only above 2^-969 (its partial products
     * would underflow): below, the smaller factor is scaled by 2^106 first
     * (it is then < 2^-379: no overflow), and the result back */
    int sc = cact__abs(a * b) < 2.0041683600089728e-292;          /* 2^-969 */
    int sa = cact__abs(a) < cact__abs(b);
    double as = sc && sa ? a * 8.112963841460668e+31 : a;
    double bs = sc && !sa ? b * 8.112963841460668e+31 : b;
    cact__dd p = CACT__F(two_prod)(as, bs);
    double r = p.h + (p.l + (sc ? c * 8.112963841460668e+31 : c));
    return sc ? r * 1.232595164407831e-32 : r;
#endif
}

/* (ah + al)(bh + bl) as a double-double (relative error ~2^-104 + the
 * inputs' own) */
CACT_INLINE cact__dd CACT__F(mul_dd)(double ah, double al, double bh, double bl)
{
    cact__dd p = CACT__F(two_prod)(ah, bh);
    p.l += CACT__FMA(ah, bl, al * bh);
    return p;
}

/* (ah + al) / (bh + bl) as a double-double: one division (the reciprocal),
 * the quotient corrected by its exact remainder a - q b (Markstein's
 * scheme); relative error ~2^-100 plus |al/ah| 2^-53.  bh != 0. */
CACT_INLINE cact__dd CACT__F(div_dd)(double ah, double al, double bh, double bl)
{
    double inv = 1.0 / bh, q = ah * inv, rem;
#if CACT__LV_FMA
    rem = CACT__FMA(-q, bh, ah);
#else
    /* q bh by Dekker's product, on q 2^-200 where q is huge (the split
     * would overflow); ah - p.h is exact (Sterbenz) */
    int big = cact__abs(q) > 8.452712498170644e+270;              /* 2^900 */
    cact__dd p = CACT__F(two_prod)(big ? q * 6.223015277861142e-61 : q, bh);
    rem = big ? (ah - p.h * 1.6069380442589903e+60) - p.l * 1.6069380442589903e+60
              : (ah - p.h) - p.l;
#endif
    rem += CACT__FMA(-q, bl, al);
    return cact__mk_dd(q, rem * inv);
}

/* ===================================================================== */
/* float32 core: double in, double out, relative error < 2^-31            */
/* ===================================================================== */

/* e^z for z <= 709; e^-708 (~3e-308) below -708, -inf included: no float32
 * result depends on the difference (gate() sees to x * e^z at x = -inf).  n = rint(z / ln 2) by the shifter,
 * r = z - n ln 2 (|r| <= ln2/2; one constant is enough for 2^-43 here),
 * e^z = 2^n (1 + r P(r)). */
CACT_INLINE double CACT__F(exp_d)(double z)
{
    double zc = z < -708.0 ? -708.0 : z;      /* NaN passes */
    double ks = CACT__FMA(zc, CACT__LOG2E, CACT__SHIFTER), k = ks - CACT__SHIFTER;
    double r = CACT__FMA(k, -CACT__LN2, zc);
    /* exp_d: (e^r - 1)/r, |r| <= ln2/2, degree 6, max relative error 2^-32.0 */
    double p = CACT__H6(r, 1.0000000000311968, 0.5000000046541787, 0.1666666621218444,
                        0.04166635481803151, 0.008333412915154602, 0.0013940980375568672,
                        0.00019835279448638207);
    return CACT__FMA(r, p, 1.0) * cact__pow2i_shifted(ks);
}

/* e^z - 1 for z <= ln2/2, relative error < 2^-31.5 (no cancellation near
 * 0: for n = 0 the result is r P(r) itself).  Below -40 it is -1 (+4e-18). */
CACT_INLINE double CACT__F(expm1n_d)(double z)
{
    double zc = z < -40.0 ? -40.0 : z;        /* NaN passes */
    double ks = CACT__FMA(zc, CACT__LOG2E, CACT__SHIFTER), k = ks - CACT__SHIFTER;
    double r = CACT__FMA(k, -CACT__LN2, zc);
    double p = CACT__H6(r, 1.0000000000311968, 0.5000000046541787, 0.1666666621218444,
                        0.04166635481803151, 0.008333412915154602, 0.0013940980375568672,
                        0.00019835279448638207);
    double s = cact__pow2i_shifted(ks);
    return CACT__FMA(s, r * p, s - 1.0);      /* 2^n (e^r - 1) + (2^n - 1) */
}

/* log(1 + y) for y in [0, 1] = 2 atanh(s), s = y / (2 + y) in [0, 1/3]:
 * an odd series with no cancellation, relative error < 2^-32. */
CACT_INLINE double CACT__F(log1p01_d)(double y)
{
    double s = y / (2.0 + y), u = s * s;
    /* log1p_d: atanh(s)/s in u = s^2, degree 5, max relative error 2^-33.2 */
    double t = s * CACT__H5(u, 0.9999999999014061, 0.333333395853081, 0.19999351389426734,
                            0.14310200198343612, 0.10698345393971338, 0.12200188750631329);
    return t + t;
}

/* tanh(x) = -m / (2 + m) with m = expm1(-2|x|), the sign of x (+-0 kept);
 * relative error < 2^-30.5 */
CACT_INLINE double CACT__F(tanh_d)(double x)
{
    double m = CACT__F(expm1n_d)(-2.0 * cact__abs(x));
    double t = -m / (2.0 + m);
    return x == 0 ? x : (x < 0 ? -t : t);       /* +-0 kept */
}

/* x - tanh(x) for |x| <= 0.625 as x^3 S(x^2) (the subtraction would cancel
 * up to all digits); relative error < 2^-32 */
CACT_INLINE double CACT__F(tanhshrink_small_d)(double x)
{
    double u = x * x;
    /* tanhshrink_d: (x - tanh x)/x^3 in u = x^2, |x| <= 0.625, degree 6, 2^-32.3 */
    return x * u * CACT__H6(u, 0.33333333327419346, -0.13333331823000397, 0.053967631523767906,
                            -0.02185980188908641, 0.008790527684751269, -0.003305145274717919,
                            0.000861267055745567);
}

/* erfc(a) for a >= 0 with relative accuracy (2^-32) all the way down the
 * tail, 0 above 10.6 (erfc(10.6) ~ 1e-50: gelu(x) underflows float32 for
 * x < -14.1).  erfc(a) = e^(-a^2) erfcx(a), erfcx(a) = t H(w) with
 * t = 3 / (3 + a) (Numerical Recipes' erfc variable, here with a Remez
 * polynomial instead of Chebyshev), w = t mapped onto [-1, 1]. */
CACT_INLINE double CACT__F(erfc_d)(double a)
{
    double t = 3.0 / (3.0 + a);
    double w = CACT__FMA(t, 2.5660377358490565, -1.5660377358490567);
    /* erfc_d: erfcx(a)/t, a in [0, 10.6], degree 11, max relative error 2^-34.2 */
    double h = CACT__H11(w, 0.43374086530866357, 0.31034973027986007, 0.16875526684780168,
                         0.067622627462441, 0.018085364742365707, 0.0020984490922296077,
                         -0.00047451194371214597, -0.0001983260773711501, 7.482271459678178e-06,
                         1.3911136271991151e-05, -6.386931080586725e-09, -8.527560206768902e-07);
    double e = CACT__F(exp_d)(-(a * a));
    return a > 10.6 ? 0.0 : e * t * h;
}

/* ===================================================================== */
/* float32 core in float lanes: float pairs, relative error ~2^-30        */
/* ===================================================================== */

/* Float arithmetic: 16 lanes per zmm at v4 instead of the double core's 8,
 * and no double division.  The results are float pairs (h + l) good to
 * ~2^-30, so that a kernel built on them rounds once at the end and stays
 * within ~0.5 + 2^-5 ulp where its formula does not cancel. */

#if CACT__LV_FMA
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT__FMAF(a, b, c) __builtin_fmaf(a, b, c)
#  else
#    define CACT__FMAF(a, b, c) fmaf(a, b, c)
#  endif
#else
#  define CACT__FMAF(a, b, c) ((a) * (b) + (c))
#endif

/* a b + c: fused in v3/v4, two roundings in baseline (float) */
CACT_INLINE float CACT__F(fmaf)(float a, float b, float c) { return CACT__FMAF(a, b, c); }

/* c - a b rounded once: fused in v3/v4; baseline: Dekker's product (a b
 * above 2^-100, |a|, |b| < 2^115) and c - h exact (c close to a b, as in
 * a division's remainder) */
CACT_INLINE float CACT__F(fnma_f)(float a, float b, float c)
{
#if CACT__LV_FMA
    return CACT__FMAF(-a, b, c);
#else
    float h = a * b;
    float ca = 4097.0f * a, cb = 4097.0f * b;
    float ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return (c - h) - (((ah * bh - h) + ah * bl + al * bh) + al * bl);
#endif
}

/* 1 - a b exactly, for a = 1/b correctly rounded (the residual of a
 * reciprocal is a float): fma, or Dekker's product and Sterbenz's lemma */
CACT_INLINE float CACT__F(rem1_f)(float a, float b)
{
    return CACT__F(fnma_f)(a, b, 1.0f);
}

/* a b + c rounded once, for a c much smaller than a b (a correction
 * term): fma in v3/v4; baseline: the exact product (Dekker) plus c, where
 * 2^-60 <= |a| <= 2^60 and |b| <= 2; outside, a b + c rounded twice (there
 * c is below a b's half-ulp or the result is 0, x or x/2: the same number) */
CACT_INLINE float CACT__F(mla_lo_f)(float a, float b, float c)
{
#if CACT__LV_FMA
    return CACT__FMAF(a, b, c);
#else
    float aa = cact__abs_f(a);
    int mid = aa >= 8.67361738e-19f && aa <= 1.15292150e18f;     /* 2^-60, 2^60 */
    float am = mid ? a : 1.0f, h = am * b;
    return mid ? h - (CACT__F(fnma_f)(am, b, h) - c) : a * b + c;
#endif
}

/* e^(zh + zl), |zl| <= ulp(zh)/2, in raw form, for zh in [-130, 43.6]
 * (the caller clamps; NaN gives NaN in h and l):
 *   e^z = (h + l) s 2^-64
 * with h + l a normalized float pair (h in [0.7, 1.42], |l| <= ulp(h)/2,
 * relative error < 2^-28) and s = 2^(n+64) exactly, n = rint(z / ln 2),
 * a normal float: a kernel scales by s (exact while normal) and rounds a
 * subnormal result once, at its last multiplication by 2^-64.
 *
 * Technique (as in SLEEF's expf and XNNPACK's f32 exp / sigmoid
 * microkernels): n by the float shifter 0x1.8p23, Cody-Waite reduction with
 * a 16-bit ln2_hi (r1 = z - n ln2_hi exact, fused or not), r = r1 - n ln2_lo
 * rounded with its rounding error rl kept (plus zl); e^(r + rl) = 1 + r +
 * r^2 P(r) (1 + rl) + rl (1 + r), P a degree-5 minimax polynomial for (e^r - 1 - r)/r^2
 * (tools/exhaustive/fit.py exp_f, float coefficients, 2^-27.7) evaluated
 * in Estrin's scheme (a shorter dependency chain than Horner's); 1 + r by
 * Fast2Sum, so that every rounding falls on terms below 0.08, and the sum
 * renormalized by Fast2Sum; 2^(n+64) in the exponent bits. */
CACT_INLINE cact__fexp CACT__F(exp_core_fx)(float zh, float zl, int full)
{
    float ks = CACT__FMAF(zh, CACT__LOG2E_F, CACT__SHIFTER_F), k = ks - CACT__SHIFTER_F;
    float r1 = CACT__FMAF(-k, CACT__LN2_HI_F, zh);         /* exact */
    float r = CACT__FMAF(-k, CACT__LN2_LO_F, r1);
    float rl = full ? CACT__FMAF(-k, CACT__LN2_LO_F, r1 - r) + zl : zl;
    /* exp_f: (e^r - 1 - r)/r^2, |r| <= ln2/2, degree 5, float coefficients,
     * max relative error 2^-27.7 */
    float r2 = r * r;
    float q = CACT__FMAF(r2, CACT__FMAF(r2, CACT__FMAF(r, 0.00019713442f, 0.0013930501f),
                                        CACT__FMAF(r, 0.008333598f, 0.04166651f)),
                         CACT__FMAF(r, 0.16666666f, 0.5f));
    cact__fexp e;
    e.r = r;
    /* e^(r + rl) - 1 - r = r^2 q + rl e^r = r^2 q (1 + rl) + rl (1 + r), to rl^2
     * (rl carries zl, up to 2^-18 in a sigmoid's argument near -110) */
    e.p = CACT__FMAF(r2, CACT__FMAF(q, rl, q), CACT__FMAF(rl, r, rl));
    /* bits(ks) = 0x4B400000 + n: n + 64 + 127 into the exponent field */
    e.s = cact__from_bits_f((cact__bits_f(ks) + 191u) << 23);
    return e;
}

CACT_INLINE cact__fexp CACT__F(exp_core_f)(float zh, float zl)
{
    return CACT__F(exp_core_fx)(zh, zl, 1);
}

/* exp_core_f less the rounding error of r = r1 - n ln2_lo (|r| <= 0.35:
 * 2^-26 absolute): relative error ~2^-25.8, two operations fewer, for
 * sums whose terms need no more (log_softmax's s) */
CACT_INLINE cact__fexp CACT__F(exp_core_f26)(float zh, float zl)
{
    return CACT__F(exp_core_fx)(zh, zl, 0);
}

CACT_INLINE cact__ffs CACT__F(exp_fr)(float zh, float zl)
{
    cact__fexp c = CACT__F(exp_core_f)(zh, zl);
    float h = 1.0f + c.r, l = ((1.0f - h) + c.r) + c.p;   /* Fast2Sum: |r| < 1 */
    cact__ffs e;
    e.h = h + l;
    e.l = (h - e.h) + l;                                    /* Fast2Sum: |l| < h */
    e.s = c.s;
    return e;
}

/* e^z - 1 for z in [-130, 0.34] (n <= 0; the caller clamps) as a
 * normalized float pair mh + ml, relative error < 2^-27: for n = 0
 * the reduced r + p itself (no cancellation near 0: r = z exactly there),
 * for n < 0, 2^n (1 + r + p) - 1 with 2^n (1 + r) - 1 by Fast2Sum (no
 * cancellation: e^z <= 0.71).  NaN gives NaN. */
CACT_INLINE cact__ff CACT__F(expm1n_ff)(float z)
{
    cact__fexp c = CACT__F(exp_core_f)(z, 0.0f);
    float u = c.s * 5.42101086e-20f;                        /* 2^n */
    float h = 1.0f + c.r, hl = ((1.0f - h) + c.r) + c.p;   /* Fast2Sum */
    float hu = h * u, th = hu - 1.0f, tl = ((-1.0f - th) + hu) + hl * u;
    float th2 = th + tl, tl2 = (th - th2) + tl;             /* normalized: Fast2Sum */
    float mh = c.r + c.p, ml = (c.r - mh) + c.p;           /* Fast2Sum: |p| < |r| or r = 0 */
    int n0 = c.s == 1.84467441e19f;                         /* 2^64: n = 0 */
    return cact__mk_ff(n0 ? mh : th2, n0 ? ml : tl2);
}

/* ===================================================================== */
/* float64 core: double-double results, relative error ~2^-57             */
/* ===================================================================== */

/* e^r - 1 for the reduced argument r = rh + rl (|rh| <= ln2/2; |rl| < 2^-26,
 * more than rounding: it carries a double-double argument's low part) as a
 * normalized double-double, relative error (to e^r) < 2^-58:
 * r + r^2/2 exactly (TwoProd, Fast2Sum), r^3 Q(r) rounded, and
 * e^(rh + rl) = e^rh + rl e^rh (1 + O(rl)). */
CACT_INLINE cact__dd CACT__F(expm1r_dd)(double rh, double rl)
{
    cact__dd p2 = CACT__F(two_prod)(rh, rh);
    cact__dd s = cact__fast_two_sum(rh, 0.5 * p2.h);
    /* exp_dd: (e^r - 1 - r - r^2/2)/r^3, |r| <= ln2/2, degree 9, relative 2^-53.0
     * (the error it contributes is r^3 Q / e^r < 2^-6.4 times that) */
    double q = CACT__H9(rh, 0.16666666666666669, 0.04166666666666666, 0.008333333333328885,
                        0.0013888888888897446, 0.00019841269866567395, 2.4801587284485273e-05,
                        2.755726457098676e-06, 2.7557319234899955e-07, 2.5101820762058712e-08,
                        2.089781372013611e-09);
    double lo = CACT__FMA(p2.h * rh, q, 0.5 * p2.l + s.l);   /* e^rh - 1 = s.h + lo */
    return cact__fast_two_sum(s.h, lo + CACT__FMA(rl, s.h + lo, rl));
}

/* Cody-Waite reduction of zh + zl: n (as a double) and r = rh + rl with
 * z = n ln2 + r; |n| < 2^11 keeps n LN2_HI exact. */
#define CACT__EXP_REDUCE(z, zl, k, rh, rl)                                      \
    double k##s = CACT__FMA(z, CACT__LOG2E, CACT__SHIFTER), k = k##s - CACT__SHIFTER; \
    double k##_r1 = CACT__FMA(-k, CACT__LN2_HI, z);   /* exact, fused or not */  \
    double k##_t = k * CACT__LN2_LO;                                            \
    double rh = k##_r1 - k##_t;                                                 \
    double rl = ((k##_r1 - rh) - k##_t) + (zl)

/* e^(zh + zl) for zh <= 709, as (h + l) s: h + l is always a normal
 * double-double (relative error < 2^-59) and s = 1 unless e^z < 2^-1000,
 * where s in [2^-1020, 1) carries the rest of the scale, so that a kernel
 * whose result is proportional to e^z in the tail (sigmoid, silu, softplus,
 * gelu...) rounds a subnormal result once, at its last multiplication.
 * zh is clamped at -1400 (e^-1400 underflows every double product). */
CACT_INLINE cact__dds CACT__F(exp_dd)(double zh, double zl)
{
    double z = zh < -1400.0 ? -1400.0 : zh;   /* NaN passes */
    double zlc = zh < -1400.0 ? 0.0 : zl;
    CACT__EXP_REDUCE(z, zlc, k, rh, rl);
    cact__dd p = CACT__F(expm1r_dd)(rh, rl);
    cact__dd e = cact__fast_two_sum(1.0, p.h);
    double k1 = k < -1000.0 ? -1000.0 : k, s1 = cact__pow2i(k1);
    cact__dds out;
    out.h = e.h * s1;
    out.l = (e.l + p.l) * s1;
    out.s = cact__pow2i(k - k1);
    return out;
}

/* e^(zh + zl) - 1 for zh <= ln2/2 as a normalized double-double, relative
 * error < 2^-58; -1 (+ e^-40) below -40.  n = 0: the reduced expm1 itself;
 * n < 0: -1 + 2^n e^r, which no longer cancels (|result| >= 0.29). */
CACT_INLINE cact__dd CACT__F(expm1n_dd)(double zh, double zl)
{
    double z = zh < -40.0 ? -40.0 : zh;       /* NaN passes */
    double zlc = zh < -40.0 ? 0.0 : zl;
    CACT__EXP_REDUCE(z, zlc, k, rh, rl);
    cact__dd p = CACT__F(expm1r_dd)(rh, rl);
    double s = cact__pow2i_shifted(ks);
    cact__dd e = cact__fast_two_sum(1.0, p.h);
    cact__dd m = cact__fast_two_sum(-1.0, e.h * s);
    m.l += (e.l + p.l) * s;
    return k == 0.0 ? p : m;
}

/* log m + k ln 2 from s = (m - 1)/(m + 1) as a double-double:
 * log m = 2 atanh(s) = 2 (s + s^3 A(s^2)), |s| <= 3 - 2 sqrt 2 */
CACT_INLINE cact__dd CACT__F(log_atanh_dd)(cact__dd s, double k)
{
    double v = s.h * s.h;
    /* log_dd: (atanh(s) - s)/s^3 in v = s^2, |s| <= 3 - 2 sqrt 2, degree 7, relative
     * 2^-54.0 (contributes < 2^-6.7 times that) */
    double t = s.h * v * CACT__H7(v, 0.3333333333333333, 0.2000000000000266, 0.14285714284585804,
                                  0.11111111327984713, 0.09090886839389466, 0.07693608503261697,
                                  0.06623313562404454, 0.0664367216631271);
    /* atanh(sh + sl) = atanh(sh) + sl / (1 - s^2) */
    cact__dd r = cact__fast_two_sum(k * CACT__LN2_HI, 2.0 * s.h);
    r.l += k * CACT__LN2_LO + 2.0 * (CACT__FMA(s.l, v, s.l) + t);
    return r;
}

/* log(xh + xl) for a normal positive x, as a double-double, relative error
 * (absolute near x = 1) < 2^-58.  x = 2^k m with m in [sqrt2/2, sqrt2)
 * (integer arithmetic on the bits, as in musl's log), log m = 2 atanh(s),
 * s = (m - 1)/(m + 1) as a double-double (one division). */
CACT_INLINE cact__dd CACT__F(log_dd)(double xh, double xl)
{
    /* u's top 12 bits hold k + 1024, its low 52 bits m's mantissa offset
     * from sqrt2/2 = 0x3FE6A09E667F3BCD */
    uint64_t u = cact__bits(xh) + 0x00195F619980C433ULL;
    double m = cact__from_bits((u & 0x000FFFFFFFFFFFFFULL) + 0x3FE6A09E667F3BCDULL);
    double k = cact__from_bits((u >> 52) | 0x4338000000000000ULL) - (CACT__SHIFTER + 1024.0);
    double ml = xl * cact__pow2i(-k);
    cact__dd d = cact__fast_two_sum(1.0, m);   /* m + 1, m <= sqrt2 */
    return CACT__F(log_atanh_dd)(CACT__F(div_dd)(m - 1.0, ml, d.h, d.l + ml), k);   /* m - 1 exact */
}

/* log(1 + yh + yl) for y in [0, 1], as log_dd does it but with the
 * numerator taken from y itself where k = 0, so that a y below 2^-53, where
 * 1 + y rounds to 1, keeps every bit of yh + yl. */
CACT_INLINE cact__dd CACT__F(log1p01_dd)(double yh, double yl)
{
    cact__dd u = cact__fast_two_sum(1.0, yh);
    double sc = u.h > CACT__SQRT2 ? 0.5 : 1.0, k = u.h > CACT__SQRT2 ? 1.0 : 0.0;
    double m = u.h * sc, ml = u.l * sc;
    /* numerator m - 1 + ml + yl/2^k: for k = 0, (m - 1) + ml = yh exactly */
    double nh = k == 0.0 ? (m - 1.0) + ml : m - 1.0;
    double nl = k == 0.0 ? yl : ml + yl * sc;
    cact__dd d = cact__fast_two_sum(1.0, m);
    return CACT__F(log_atanh_dd)(CACT__F(div_dd)(nh, nl, d.h, d.l + (ml + yl * sc)), k);
}

/* tanh(x) as a double-double with x's sign: -m / (2 + m), m = expm1(-2|x|)
 * (relative error < 2^-57); +-1 (to 2^-57) beyond |x| = 20 */
CACT_INLINE cact__dd CACT__F(tanh_dd)(double x)
{
    double a = cact__abs(x);
    cact__dd m = CACT__F(expm1n_dd)(-2.0 * (a > 20.0 ? 20.0 : a), 0.0);
    cact__dd d = cact__fast_two_sum(2.0, m.h);
    cact__dd t = CACT__F(div_dd)(-m.h, -m.l, d.h, d.l + m.l);
    int neg = x < 0;
    return cact__mk_dd(x == 0 ? x : (neg ? -t.h : t.h), x == 0 ? x : (neg ? -t.l : t.l));
}

/* x - tanh(x) for |x| <= 0.4 as x^3 S(x^2), S = c0 + u S1(u) with c0 kept as
 * a double-double and x^3 exact, so the result is rounded once (the
 * subtraction would cancel up to all digits).  Relative error < 2^-57. */
CACT_INLINE double CACT__F(tanhshrink_small_dd)(double x)
{
    /* below 2^-200, x^3 and its low part would reach the subnormals: x^3 is
     * formed from x 2^200 and the result scaled by 2^-600 (two exact steps
     * then one rounding); S(u) = c0 there (u S1(u) < 2^-400) */
    int tiny = cact__abs(x) < 6.223015277861142e-61;              /* 2^-200 */
    double xs = tiny ? x * 1.6069380442589903e+60 : x;           /* 2^200 */
    cact__dd u = CACT__F(two_prod)(xs, xs);
    cact__dd x3 = CACT__F(two_prod)(xs, u.h);
    x3.l = CACT__FMA(xs, u.l, x3.l);
    double v = tiny ? 0.0 : u.h;
    /* tanhshrink_dd: (x - tanh x)/x^3 in u = x^2, |x| <= 0.4, degree 9, relative 2^-58.9;
     * c0 = 0.3333333333333333 + 1.7903790040176415e-17 */
    double t = v * CACT__H8(v, -0.13333333333333258, 0.05396825396809855, -0.021869488523679634,
                              0.008863235020672367, -0.0035921160705790173, 0.0014556625742459543,
                              -0.0005884907096613544, 0.0002307160816844943, -7.060389825479207e-05);
    cact__dd s = cact__fast_two_sum(0.3333333333333333, t);
    s.l += 1.7903790040176415e-17;
    double r = CACT__F(mla_lo)(x3.h, s.h, CACT__FMA(x3.h, s.l, x3.l * s.h));
    return tiny ? (r * 4.909093465297727e-91) * 4.909093465297727e-91 : r;   /* 2^-300 twice */
}

/* erfc(ah + al) for a >= 0 (a <= 28), as (h + l) s (see exp_dd), relative
 * error < 2^-54.5; 0 above 27.3, where gelu(x) underflows every double.
 * erfc(a) = e^(-a^2) t H(w), t = c / (c + a) (the variable of Numerical
 * Recipes' erfc), w = S t + O in [-1, 1], in two pieces (c = 4 on [0, 2.5],
 * c = 2 on [2.5, 27.3]) whose coefficients are selected per lane.  Every
 * factor is a double-double: a^2 exactly (the argument's amplification,
 * d erfc/erfc = -2a da, costs nothing), t by a corrected division, w exactly
 * (its rounding, times H'(w), would be 2^-51), H's last two Horner steps,
 * and the product. */
CACT_INLINE cact__dds CACT__F(erfc_dd)(double ah, double al)
{
    int lo = ah < 2.5;
#define CACT__C(l, h) (lo ? (l) : (h))
    double c = CACT__C(4.0, 2.0);
    cact__dd den = cact__two_sum(c, ah);
    cact__dd t = CACT__F(div_dd)(c, 0.0, den.h, den.l + al);
    double sw = CACT__C(5.2, 5.316532258064516);
    cact__dd p = CACT__F(two_prod)(sw, t.h);
    cact__dd ws = cact__two_sum(p.h, CACT__C(-4.2, -1.3629032258064515));
    double w = ws.h, wl = ws.l + CACT__FMA(sw, t.l, p.l);       /* S t + O = w + wl */
    /* erfc_dd_lo: erfcx(a)/t, t = 4/(4+a), a in [0, 2.5], degree 16, 2^-58.1;
     * erfc_dd_hi: erfcx(a)/t, t = 2/(2+a), a in [2.5, 27.3], degree 16, 2^-56.7;
     * H = c0 + w (c1 + w H2(w)) */
    double h2 = CACT__H14(w,
        CACT__C(0.11654093742863378, 0.014502479887794918),
        CACT__C(0.03601081938806956, 0.0015530612376300258),
        CACT__C(0.008604072563750322, -1.7603118710006286e-06),
        CACT__C(0.0015497086795022066, -3.137277675229531e-05),
        CACT__C(0.00019457408383544026, -3.0007866767911433e-06),
        CACT__C(1.274813008720683e-05, 6.682205538439738e-07),
        CACT__C(-5.634022400854786e-07, 1.3476174163634564e-07),
        CACT__C(-1.9494617537186623e-07, -1.927690907581006e-08),
        CACT__C(-7.402989925138699e-09, -5.73174088526291e-09),
        CACT__C(2.0320716806690063e-09, 8.253762818197396e-10),
        CACT__C(1.749861741008661e-10, 2.5498549744034324e-10),
        CACT__C(-2.328682419414426e-11, -4.754219081847525e-11),
        CACT__C(-2.699249980252119e-12, -1.1265880167669633e-11),
        CACT__C(3.084973054851978e-13, 2.5280924449984e-12),
        CACT__C(2.964531257810248e-14, 4.021281569699361e-13));
    /* H'(w) to a few percent (it multiplies wl < 2^-50): c1 + 2 c2 w + 3 c3 w^2 + 4 c4 w^3 */
    double dh = CACT__H3(w, CACT__C(0.2911467459397439, 0.0843556373677685),
                         CACT__C(0.23308187485726756, 0.029004959775589836),
                         CACT__C(0.10803245816420869, 0.004659183712890078),
                         CACT__C(0.034416290255001286, -7.041247484002514e-06));
    cact__dd q = CACT__F(two_prod)(w, h2);
    cact__dd p1 = cact__fast_two_sum(CACT__C(0.2911467459397439, 0.0843556373677685), q.h);
    p1.l += q.l;
    cact__dd r = CACT__F(mul_dd)(w, 0.0, p1.h, p1.l);
    cact__dd hp = cact__fast_two_sum(CACT__C(0.545941157356373, 0.37393849552155023), r.h);
    hp.l += r.l + CACT__FMA(wl, dh, CACT__C(1.2297472026525433e-17, 2.655080730452157e-17));
#undef CACT__C
    cact__dd a2 = CACT__F(two_prod)(ah, ah);
    cact__dds e = CACT__F(exp_dd)(-a2.h, -CACT__FMA(2.0 * ah, al, a2.l));
    cact__dd et = CACT__F(mul_dd)(e.h, e.l, t.h, t.l);
    cact__dd ef = CACT__F(mul_dd)(et.h, et.l, hp.h, hp.l);
    cact__dds out;
    out.h = ah > 27.3 ? 0.0 : ef.h;
    out.l = ah > 27.3 ? 0.0 : ef.l;
    out.s = e.s;
    return out;
}

#undef CACT__EXP_REDUCE
#undef CACT__FMA
#undef CACT__FMAF
#undef CACT__F
