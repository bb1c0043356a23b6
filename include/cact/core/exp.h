/* cact/core/exp.h -- exp and expm1 of one ISA level, in the three
 * precisions (_d, float lanes, _dd), on one Cody-Waite reduction.
 *
 * Every exp-like function reduces z = n ln 2 + r with n = rint(z / ln 2)
 * taken by the shifter (exp_n: ks = z log2(e) + 0x1.8p52 rounds to n in its
 * low bits, k = ks - 0x1.8p52 = n exactly), |r| <= ln2/2 (plus rounding),
 * then takes e^r by a polynomial and 2^n in the exponent bits (pow2i).  r in
 * one of two precisions:
 *   exp_reduce_d    r = z - n ln2 with one constant and one rounding
 *                   (|r| error ~2^-43 relative to e^z's needs: the _d functions)
 *   exp_reduce_dd   r = rh + rl: z - n LN2_HI exact (|n| < 2^11), n LN2_LO
 *                   subtracted with its rounding error and the argument's
 *                   low part zl carried in rl (the _dd functions)
 * The float-lane exp_core_fx makes the same steps in float (its own
 * constants: a 16-bit LN2_HI_F).  Part of the per-level instantiation
 * (cact/level.h); coefficients from tools/exhaustive/fit.py (the name
 * quoted at each), rounded; the error quoted is the rounded polynomial's.
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/core/exp.h"
#endif

/* ---- the reduction --------------------------------------------------- */

/* n = rint(z / ln 2): ks and k set, rh = z, rl = 0 */
CACT_INLINE cact__cw CACT__L(exp_n)(double z)
{
    cact__cw c;
    c.ks = CACT__FMA(z, CACT__LOG2E, CACT__SHIFTER);
    c.k = c.ks - CACT__SHIFTER;
    c.rh = z;
    c.rl = 0.0;
    return c;
}

/* r = z - n ln 2, one constant (rl = 0) */
CACT_INLINE cact__cw CACT__L(exp_reduce_d)(double z)
{
    cact__cw c = CACT__L(exp_n)(z);
    c.rh = CACT__FMA(c.k, -CACT__LN2, z);
    return c;
}

/* r = rh + rl = z + zl - n ln 2 to ~2^-100 (rl also carries zl) */
CACT_INLINE cact__cw CACT__L(exp_reduce_dd)(double z, double zl)
{
    cact__cw c = CACT__L(exp_n)(z);
    double r1 = CACT__FMA(-c.k, CACT__LN2_HI, z); /* exact, fused or not */
    double t = c.k * CACT__LN2_LO;
    c.rh = r1 - t;
    c.rl = ((r1 - c.rh) - t) + zl;
    return c;
}

/* ===================================================================== */
/* float32 core: double in, double out, relative error < 2^-31            */
/* ===================================================================== */

/* P(r) = (e^r - 1)/r for |r| <= ln2/2 */
CACT_INLINE double CACT__L(exp_p_d)(double r)
{
    /* exp_d: (e^r - 1)/r, |r| <= ln2/2, degree 6, max relative error 2^-32.0 */
    return CACT__H6(r, 1.0000000000311968, 0.5000000046541787, 0.1666666621218444,
                    0.04166635481803151, 0.008333412915154602, 0.0013940980375568672,
                    0.00019835279448638207);
}

/* e^z for z <= 709; e^-708 (~3e-308) below -708, -inf included: no float32
 * result depends on the difference (the kernels' gate() sees to x * e^z at
 * x = -inf).  e^z = 2^n (1 + r P(r)). */
CACT_INLINE double CACT__L(exp_d)(double z)
{
    cact__cw c = CACT__L(exp_reduce_d)(z < -708.0 ? -708.0 : z); /* NaN passes */
    double p = CACT__L(exp_p_d)(c.rh);
    return CACT__FMA(c.rh, p, 1.0) * cact__pow2i_shifted(c.ks);
}

/* e^z - 1 for z <= ln2/2, relative error < 2^-31.5 (no cancellation near
 * 0: for n = 0 the result is r P(r) itself).  Below -40 it is -1 (+4e-18). */
CACT_INLINE double CACT__L(expm1n_d)(double z)
{
    cact__cw c = CACT__L(exp_reduce_d)(z < -40.0 ? -40.0 : z); /* NaN passes */
    double p = CACT__L(exp_p_d)(c.rh);
    double s = cact__pow2i_shifted(c.ks);
    return CACT__FMA(s, c.rh * p, s - 1.0); /* 2^n (e^r - 1) + (2^n - 1) */
}

/* ===================================================================== */
/* float32 core in float lanes: float pairs, relative error ~2^-28        */
/* ===================================================================== */

/* Float arithmetic: 16 lanes per zmm at v4 instead of the double core's 8,
 * and no double division.  The results are float pairs (h + l) good to
 * ~2^-28, so that a kernel built on them rounds once at the end and stays
 * within ~0.5 + 2^-5 ulp where its formula does not cancel. */

/* e^(zh + zl), |zl| <= ulp(zh)/2, in raw form, for zh in [-130, 43.6]
 * (the caller clamps; NaN gives NaN in r and p):
 *   e^z = (1 + r + p) s 2^-64
 * with |r| <= 0.35, p the rest (relative error < 2^-28 with full, ~2^-25.8
 * without) and s = 2^(n+64) exactly, a normal float: a kernel scales by s
 * (exact while normal) and rounds a subnormal result once, at its last
 * multiplication by 2^-64.
 *
 * Technique (as in SLEEF's expf and XNNPACK's f32 exp / sigmoid
 * microkernels): n by the float shifter 0x1.8p23, Cody-Waite reduction with
 * a 16-bit ln2_hi (r1 = z - n ln2_hi exact, fused or not), r = r1 - n ln2_lo
 * rounded with its rounding error rl kept (plus zl; full = 0 drops that
 * error: two operations fewer, for sums whose terms need no more, such as
 * log_softmax's); e^(r + rl) = 1 + r + r^2 P(r) (1 + rl) + rl (1 + r), P a
 * degree-5 minimax polynomial for (e^r - 1 - r)/r^2 evaluated in Estrin's
 * scheme (a shorter dependency chain than Horner's). */
CACT_INLINE cact__fexp CACT__L(exp_core_fx)(float zh, float zl, int full)
{
    float ks = CACT__FMAF(zh, CACT__LOG2E_F, CACT__SHIFTER_F), k = ks - CACT__SHIFTER_F;
    float r1 = CACT__FMAF(-k, CACT__LN2_HI_F, zh); /* exact */
    float r = CACT__FMAF(-k, CACT__LN2_LO_F, r1);
    float rl = full ? CACT__FMAF(-k, CACT__LN2_LO_F, r1 - r) + zl : zl;
    /* exp_f: (e^r - 1 - r)/r^2, |r| <= ln2/2, degree 5, float coefficients,
     * max relative error 2^-27.7 */
    float r2 = r * r;
    float q = CACT__FMAF(r2,
                         CACT__FMAF(r2, CACT__FMAF(r, 0.00019713442f, 0.0013930501f),
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

CACT_INLINE cact__fexp CACT__L(exp_core_f)(float zh, float zl)
{
    return CACT__L(exp_core_fx)(zh, zl, 1);
}

/* exp_core_f less the rounding error of r = r1 - n ln2_lo (|r| <= 0.35:
 * 2^-26 absolute): relative error ~2^-25.8 */
CACT_INLINE cact__fexp CACT__L(exp_core_f26)(float zh, float zl)
{
    return CACT__L(exp_core_fx)(zh, zl, 0);
}

/* e^(zh + zl) = (h + l) s 2^-64, h + l a normalized float pair (h in
 * [0.7, 1.42], |l| <= ulp(h)/2, relative error < 2^-28): 1 + r by
 * Fast2Sum, so that every rounding falls on terms below 0.08, and the sum
 * renormalized by Fast2Sum */
CACT_INLINE cact__ffs CACT__L(exp_fr)(float zh, float zl)
{
    cact__fexp c = CACT__L(exp_core_f)(zh, zl);
    float h = 1.0f + c.r, l = ((1.0f - h) + c.r) + c.p; /* Fast2Sum: |r| < 1 */
    cact__ffs e;
    e.h = h + l;
    e.l = (h - e.h) + l; /* Fast2Sum: |l| < h */
    e.s = c.s;
    return e;
}

/* e^z - 1 for z in [-130, 0.34] (n <= 0; the caller clamps) as a
 * normalized float pair mh + ml, relative error < 2^-27: for n = 0
 * the reduced r + p itself (no cancellation near 0: r = z exactly there),
 * for n < 0, 2^n (1 + r + p) - 1 with 2^n (1 + r) - 1 by Fast2Sum (no
 * cancellation: e^z <= 0.71).  NaN gives NaN. */
CACT_INLINE cact__ff CACT__L(expm1n_ff)(float z)
{
    cact__fexp c = CACT__L(exp_core_f)(z, 0.0f);
    float u = c.s * CACT__2PM64F;                        /* 2^n */
    float h = 1.0f + c.r, hl = ((1.0f - h) + c.r) + c.p; /* Fast2Sum */
    float hu = h * u, th = hu - 1.0f, tl = ((-1.0f - th) + hu) + hl * u;
    float th2 = th + tl, tl2 = (th - th2) + tl;  /* normalized: Fast2Sum */
    float mh = c.r + c.p, ml = (c.r - mh) + c.p; /* Fast2Sum: |p| < |r| or r = 0 */
    int n0 = c.s == CACT__2P64F;                 /* n = 0 */
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
CACT_INLINE cact__dd CACT__L(expm1r_dd)(double rh, double rl)
{
    cact__dd p2 = CACT__L(two_prod)(rh, rh);
    cact__dd s = cact__fast_two_sum(rh, 0.5 * p2.h);
    /* exp_dd: (e^r - 1 - r - r^2/2)/r^3, |r| <= ln2/2, degree 9, relative 2^-53.0
     * (the error it contributes is r^3 Q / e^r < 2^-6.4 times that) */
    double q = CACT__H9(rh, 0.16666666666666669, 0.04166666666666666, 0.008333333333328885,
                        0.0013888888888897446, 0.00019841269866567395, 2.4801587284485273e-05,
                        2.755726457098676e-06, 2.7557319234899955e-07, 2.5101820762058712e-08,
                        2.089781372013611e-09);
    double lo = CACT__FMA(p2.h * rh, q, 0.5 * p2.l + s.l); /* e^rh - 1 = s.h + lo */
    return cact__fast_two_sum(s.h, lo + CACT__FMA(rl, s.h + lo, rl));
}

/* e^(zh + zl) for zh <= 709, as (h + l) s: h + l is always a normal
 * double-double (relative error < 2^-59) and s = 1 unless e^z < 2^-1000,
 * where s in [2^-1020, 1) carries the rest of the scale, so that a kernel
 * whose result is proportional to e^z in the tail (sigmoid, silu, softplus,
 * gelu...) rounds a subnormal result once, at its last multiplication.
 * zh is clamped at -1400 (e^-1400 underflows every double product). */
CACT_INLINE cact__dds CACT__L(exp_dd)(double zh, double zl)
{
    double z = zh < -1400.0 ? -1400.0 : zh; /* NaN passes */
    double zlc = zh < -1400.0 ? 0.0 : zl;
    cact__cw c = CACT__L(exp_reduce_dd)(z, zlc);
    cact__dd p = CACT__L(expm1r_dd)(c.rh, c.rl);
    cact__dd e = cact__fast_two_sum(1.0, p.h);
    double k1 = c.k < -1000.0 ? -1000.0 : c.k, s1 = cact__pow2i(k1);
    cact__dds out;
    out.h = e.h * s1;
    out.l = (e.l + p.l) * s1;
    out.s = cact__pow2i(c.k - k1);
    return out;
}

/* e^(zh + zl) - 1 for zh <= ln2/2 as a normalized double-double, relative
 * error < 2^-58; -1 (+ e^-40) below -40.  n = 0: the reduced expm1 itself;
 * n < 0: -1 + 2^n e^r, which no longer cancels (|result| >= 0.29). */
CACT_INLINE cact__dd CACT__L(expm1n_dd)(double zh, double zl)
{
    double z = zh < -40.0 ? -40.0 : zh; /* NaN passes */
    double zlc = zh < -40.0 ? 0.0 : zl;
    cact__cw c = CACT__L(exp_reduce_dd)(z, zlc);
    cact__dd p = CACT__L(expm1r_dd)(c.rh, c.rl);
    double s = cact__pow2i_shifted(c.ks);
    cact__dd e = cact__fast_two_sum(1.0, p.h);
    cact__dd m = cact__fast_two_sum(-1.0, e.h * s);
    m.l += (e.l + p.l) * s;
    return c.k == 0.0 ? p : m;
}
