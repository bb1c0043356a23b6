/* cact/core/dd.h -- the arithmetic of one ISA level: fused multiply-adds,
 * exact products (TwoProd; Veltkamp's split where there is no fma) and the
 * double-double operations built on them, for double and for float lanes.
 *
 * Part of the per-level instantiation (cact/level.h), with CACT__LV set;
 * it defines, for the rest of the level's core and kernels,
 *   CACT__L(fn)    the name cact__<fn>_<level>
 *   CACT__FMA      a b + c, one rounding where the level fuses (CACT__LV_FMA),
 *                  else two; CACT__FMAF the same in float
 * Under dispatch the baseline never fuses (config.h says why), so its
 * results may differ from v3/v4 in the last bit but meet the same bounds;
 * v4 and v3 are the same code and give the same bits.
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/core/dd.h"
#endif

#define CACT__L(fn) CACT__MCAT(CACT__MCAT(cact__, fn), CACT__MCAT(_, CACT__LV))

#if CACT__LV_FMA
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT__FMA(a, b, c) __builtin_fma(a, b, c)
#    define CACT__FMAF(a, b, c) __builtin_fmaf(a, b, c)
#  else
#    define CACT__FMA(a, b, c) fma(a, b, c)
#    define CACT__FMAF(a, b, c) fmaf(a, b, c)
#  endif
#else
#  define CACT__FMA(a, b, c) ((a) * (b) + (c))
#  define CACT__FMAF(a, b, c) ((a) * (b) + (c))
#endif

/* ---- double ---------------------------------------------------------- */

/* a b + c: fused (one rounding) in v3/v4, two roundings in baseline */
CACT_INLINE double CACT__L(fma)(double a, double b, double c) { return CACT__FMA(a, b, c); }

/* a b = h + l exactly (no overflow: |a|, |b| < 2^995 in baseline).
 * Baseline: Veltkamp's split into 26 + 27-bit halves, Dekker's product. */
CACT_INLINE cact__dd CACT__L(two_prod)(double a, double b)
{
    double h = a * b;
#if CACT__LV_FMA
    return cact__mk_dd(h, CACT__FMA(a, b, -h));
#else
    double ca = CACT__VELTKAMP * a, cb = CACT__VELTKAMP * b;
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return cact__mk_dd(h, ((ah * bh - h) + ah * bl + al * bh) + al * bl);
#endif
}

/* a b + c rounded once in v3/v4 (fma); baseline: the exact product and a
 * TwoSum, the two small parts added last (within one ulp of the fused
 * result; +-inf give the unfused a b + c) */
CACT_INLINE double CACT__L(fma_acc)(double a, double b, double c)
{
#if CACT__LV_FMA
    return CACT__FMA(a, b, c);
#else
    cact__dd p = CACT__L(two_prod)(a, b);
    cact__dd s = cact__two_sum(p.h, c);
    double r = s.h + (s.l + p.l);
    return r == r ? r : a * b + c;
#endif
}

/* a b + c rounded once, for a c much smaller than a b (a correction term):
 * fma in v3/v4; baseline: the exact product plus c, so the result is
 * within 0.5 ulp + |c| 2^-53 there too (a b + c unfused could be 1 ulp off) */
CACT_INLINE double CACT__L(mla_lo)(double a, double b, double c)
{
#if CACT__LV_FMA
    return CACT__FMA(a, b, c);
#else
    /* Dekker's product is exact only above 2^-969 (its partial products
     * would underflow): below, the smaller factor is scaled by 2^106 first
     * (it is then < 2^-379: no overflow), and the result back */
    int sc = cact__abs(a * b) < CACT__2PM969;
    int sa = cact__abs(a) < cact__abs(b);
    double as = sc && sa ? a * CACT__2P106 : a;
    double bs = sc && !sa ? b * CACT__2P106 : b;
    cact__dd p = CACT__L(two_prod)(as, bs);
    double r = p.h + (p.l + (sc ? c * CACT__2P106 : c));
    return sc ? r * CACT__2PM106 : r;
#endif
}

/* (ah + al)(bh + bl) as a double-double (relative error ~2^-104 + the
 * inputs' own) */
CACT_INLINE cact__dd CACT__L(mul_dd)(double ah, double al, double bh, double bl)
{
    cact__dd p = CACT__L(two_prod)(ah, bh);
    p.l += CACT__FMA(ah, bl, al * bh);
    return p;
}

/* (ah + al) / (bh + bl) as a double-double: one division (the reciprocal),
 * the quotient corrected by its exact remainder a - q b (Markstein's
 * scheme); relative error ~2^-100 plus |al/ah| 2^-53.  bh != 0. */
CACT_INLINE cact__dd CACT__L(div_dd)(double ah, double al, double bh, double bl)
{
    double inv = 1.0 / bh, q = ah * inv, rem;
#if CACT__LV_FMA
    rem = CACT__FMA(-q, bh, ah);
#else
    /* q bh by Dekker's product, on q 2^-200 where q is huge (the split
     * would overflow); ah - p.h is exact (Sterbenz) */
    int big = cact__abs(q) > CACT__2P900;
    cact__dd p = CACT__L(two_prod)(big ? q * CACT__2PM200 : q, bh);
    rem = big ? (ah - p.h * CACT__2P200) - p.l * CACT__2P200 : (ah - p.h) - p.l;
#endif
    rem += CACT__FMA(-q, bl, al);
    return cact__mk_dd(q, rem * inv);
}

/* ---- float lanes ----------------------------------------------------- */

/* a b + c: fused in v3/v4, two roundings in baseline (float) */
CACT_INLINE float CACT__L(fmaf)(float a, float b, float c) { return CACT__FMAF(a, b, c); }

/* a b + c for floats, rounded once where the level fuses; elsewhere in
 * double (a b is exact there), which is exact where a b + c is a float (a
 * division's remainder: fmaf above rounds a b to float first in the
 * baseline) and otherwise within 2^-29 ulp of the fused result */
CACT_INLINE float CACT__L(fmaf_d)(float a, float b, float c)
{
#if CACT__LV_FMA
    return CACT__FMAF(a, b, c);
#else
    return (float)((double)a * b + c);
#endif
}

/* c - a b rounded once: fused in v3/v4; baseline: Dekker's product (a b
 * above 2^-100, |a|, |b| < 2^115) and c - h exact (c close to a b, as in
 * a division's remainder) */
CACT_INLINE float CACT__L(fnma_f)(float a, float b, float c)
{
#if CACT__LV_FMA
    return CACT__FMAF(-a, b, c);
#else
    float h = a * b;
    float ca = CACT__VELTKAMP_F * a, cb = CACT__VELTKAMP_F * b;
    float ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return (c - h) - (((ah * bh - h) + ah * bl + al * bh) + al * bl);
#endif
}

/* 1 - a b exactly, for a = 1/b correctly rounded (the residual of a
 * reciprocal is a float): fma, or Dekker's product and Sterbenz's lemma */
CACT_INLINE float CACT__L(rem1_f)(float a, float b) { return CACT__L(fnma_f)(a, b, 1.0f); }

/* a b + c rounded once, for a c much smaller than a b (a correction
 * term): fma in v3/v4; baseline: the exact product (Dekker) plus c, where
 * 2^-60 <= |a| <= 2^60 and |b| <= 2; outside, a b + c rounded twice (there
 * c is below a b's half-ulp or the result is 0, x or x/2: the same number) */
CACT_INLINE float CACT__L(mla_lo_f)(float a, float b, float c)
{
#if CACT__LV_FMA
    return CACT__FMAF(a, b, c);
#else
    float aa = cact__abs_f(a);
    int mid = aa >= CACT__2PM60F && aa <= CACT__2P60F;
    float am = mid ? a : 1.0f, h = am * b;
    return mid ? h - (CACT__L(fnma_f)(am, b, h) - c) : a * b + c;
#endif
}
