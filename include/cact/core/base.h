/* cact/core/base.h -- the level-independent part of the math core: types,
 * bit access, the error-free sums, powers of two, Horner's scheme and the
 * named constants.  Everything that depends on the ISA level (fused or
 * unfused arithmetic) is in the other core/ files, instantiated per level
 * by cact/level.h.
 *
 * Glossary of internal names
 *
 *   cact__<fn>_<lv>     a math-core function instantiated at ISA level <lv>:
 *                       v4 (AVX-512), v3 (AVX2+FMA) or base (see config.h);
 *                       CACT__LV names the level being instantiated and
 *                       CACT__L(fn) spells cact__<fn>_<CACT__LV>
 *   cact__el_<name>_<dtype>_<lv>
 *                       an element function of an elementwise kernel
 *                       (kernels/), <dtype> f32 or f64; CACT__E(name)
 *   <fn>_d              double in, double out, relative error ~2^-31: the
 *                       float32 kernels evaluate in double and round once
 *   <fn>_dd             double-double result (and often argument), relative
 *                       error ~2^-57: the float64 kernels
 *   <fn>_f, <fn>_ff     float lanes: a float, or a float pair h + l
 *                       (16 lanes per zmm instead of 8), for float32 kernels
 *   <fn>_fx, <fn>_fr    float-lane exp in raw form (cact__fexp: 1 + r + p and
 *                       a scale s) and as a normalized pair times s
 *   dd, dds             double-double h + l; the same times a power of two s
 *                       applied last, (h + l) s, so that a subnormal result
 *                       is rounded once (ff, ffs: the float versions)
 *   <fn>_r              an element function before its NaN wrapper
 *                       (kernels/common.h: CACT__NAN_IN*)
 *   _fast, _slow, _pick the two float32 loops of a SPLIT32 kernel and the
 *                       parameter test choosing between them (config.h)
 *   n, k, ks            Cody-Waite: n = rint(z / ln 2); k is n as a double,
 *                       ks = k + 0x1.8p52 holds n in its low bits (core/exp.h)
 *
 * Techniques: Cody-Waite range reduction with a rounding constant ("shifter")
 * for n and 2^n assembled in the exponent bits (as in SLEEF and XNNPACK's exp
 * kernels); minimax polynomials from a Remez fit (tools/exhaustive/fit.py
 * regenerates every coefficient: its name for each is quoted at the
 * polynomial); error-free transformations (Knuth's TwoSum, Dekker's Fast2Sum
 * and TwoProduct, Veltkamp's splitting) for the double-double steps, as in
 * Muller et al., "Handbook of Floating-Point Arithmetic", ch. 4 and 14.  The
 * bounds are measured on every float32 and on float64 samples by
 * tools/exhaustive/ (docs/accuracy.md); the design is in docs/design.md.
 */
#ifndef CACT_CORE_BASE_H
#define CACT_CORE_BASE_H

#include <stdint.h>
#include <string.h>
#include "../config.h"

/* ---- types ----------------------------------------------------------- */

/* a double-double: value h + l, |l| <= ulp(h) (not always normalized: the
 * functions say when) */
typedef struct {
    double h, l;
} cact__dd;
/* a double-double times a power of two applied last: (h + l) * s.  Used by
 * exp where the result may be subnormal: the kernel computes with h + l
 * (always normal) and multiplies by s once at the end, so a subnormal result
 * is rounded once. */
typedef struct {
    double h, l, s;
} cact__dds;
/* float lanes: a float pair h + l, and a pair times a power of two applied
 * last, (h + l) s, as cact__dd / cact__dds */
typedef struct {
    float h, l;
} cact__ff;
typedef struct {
    float h, l, s;
} cact__ffs;
/* e^z = (1 + r + p) s 2^-64 (exp_core_fx in core/exp.h) */
typedef struct {
    float r, p, s;
} cact__fexp;
/* a Cody-Waite reduction (core/exp.h): z = k ln 2 + rh + rl, k = n as a
 * double, ks = k + 0x1.8p52 (n in its low bits) */
typedef struct {
    double ks, k, rh, rl;
} cact__cw;

/* ---- constants ------------------------------------------------------- */

/* powers of two, written in decimal (C++11 has no hexadecimal floating
 * constants); each is exact */
#define CACT__2P200 1.6069380442589903e+60   /* 0x1p200 */
#define CACT__2PM200 6.223015277861142e-61   /* 0x1p-200 */
#define CACT__2P900 8.452712498170644e+270   /* 0x1p900 */
#define CACT__2P106 8.112963841460668e+31    /* 0x1p106 */
#define CACT__2PM106 1.232595164407831e-32   /* 0x1p-106 */
#define CACT__2PM300 4.909093465297727e-91   /* 0x1p-300 */
#define CACT__2PM969 2.0041683600089728e-292 /* 0x1p-969 */
#define CACT__2P64 1.8446744073709552e19     /* 0x1p64 */
#define CACT__2P60 1.152921504606847e18      /* 0x1p60 */
#define CACT__2PM30 9.313225746154785e-10    /* 0x1p-30 */
#define CACT__2PM54 5.551115123125783e-17    /* 0x1p-54 */
#define CACT__DMAX 1.7976931348623157e308    /* DBL_MAX, 0x1.fffffffffffffp1023 */
#define CACT__2P64F 1.84467441e19f           /* 0x1p64f */
#define CACT__2PM64F 5.42101086e-20f         /* 0x1p-64f */
#define CACT__2P60F 1.15292150e18f           /* 0x1p60f */
#define CACT__2PM60F 8.67361738e-19f         /* 0x1p-60f */
#define CACT__2P25F 33554432.0f              /* 0x1p25f */
#define CACT__2PM54F 5.5511151231257827e-17f /* 0x1p-54f */
/* Veltkamp's splitting constants 2^27 + 1 (double: 26 + 27-bit halves) and
 * 2^12 + 1 (float: 12-bit halves) */
#define CACT__VELTKAMP 134217729.0
#define CACT__VELTKAMP_F 4097.0f

#define CACT__SHIFTER 6755399441055744.0 /* 0x1.8p52: x + it rounds x to an integer */
#define CACT__LOG2E 1.4426950408889634   /* 1/ln 2 */
#define CACT__LN2 0.6931471805599453     /* ln 2, nearest double */
/* Cody-Waite: ln 2 = LN2_HI + LN2_LO, LN2_HI with 42 significant bits so
 * that n * LN2_HI is exact for |n| < 2^11 without an fma */
#define CACT__LN2_HI 0.6931471805598903 /* 0x1.62e42fefa38p-1 */
#define CACT__LN2_LO 5.497923018708371e-14
#define CACT__SQRT2 1.4142135623730951
/* float lanes: the shifter 0x1.8p23, 1/ln 2, and ln 2 = LN2_HI_F + LN2_LO_F
 * with LN2_HI_F of 16 significant bits (0x1.62e4p-1), so that n LN2_HI_F
 * is exact for |n| < 2^8 without an fma, and LN2_LO_F = ln 2 - LN2_HI_F
 * rounded to float (0x1.7f7d1cp-20, off by 5.5e-14) */
#define CACT__SHIFTER_F 12582912.0f
#define CACT__LOG2E_F 1.44269502f
#define CACT__LN2_HI_F 0.693145752f
#define CACT__LN2_LO_F 1.42860677e-6f

/* ---- bits ------------------------------------------------------------ */

CACT_INLINE uint64_t cact__bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

CACT_INLINE double cact__from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

CACT_INLINE double cact__abs(double x) { return cact__from_bits(cact__bits(x) & ~(1ULL << 63)); }

CACT_INLINE uint32_t cact__bits_f(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

CACT_INLINE float cact__from_bits_f(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

CACT_INLINE float cact__abs_f(float x) { return cact__from_bits_f(cact__bits_f(x) & 0x7fffffffu); }

/* 2^n for an integer-valued double n in [-1022, 1023] */
CACT_INLINE double cact__pow2i(double n)
{
    /* n + 0x1.8p52 holds n in its low mantissa bits; adding 1023 and
     * shifting 52 places moves n + 1023 into the exponent field */
    return cact__from_bits((cact__bits(n + CACT__SHIFTER) + 1023) << 52);
}

/* the same from n + 0x1.8p52 itself, where the caller has it */
CACT_INLINE double cact__pow2i_shifted(double n_plus_shifter)
{
    return cact__from_bits((cact__bits(n_plus_shifter) + 1023) << 52);
}

/* ---- error-free sums (no multiplication: the same at every level) ---- */

CACT_INLINE cact__dd cact__mk_dd(double h, double l)
{
    cact__dd r;
    r.h = h;
    r.l = l;
    return r;
}

CACT_INLINE cact__ff cact__mk_ff(float h, float l)
{
    cact__ff r;
    r.h = h;
    r.l = l;
    return r;
}

/* Dekker's Fast2Sum: a + b = h + l exactly, if |a| >= |b| (or a's exponent
 * >= b's) */
CACT_INLINE cact__dd cact__fast_two_sum(double a, double b)
{
    double h = a + b;
    return cact__mk_dd(h, b - (h - a));
}

/* Knuth's TwoSum: a + b = h + l exactly, any order */
CACT_INLINE cact__dd cact__two_sum(double a, double b)
{
    double h = a + b, bb = h - a;
    return cact__mk_dd(h, (a - (h - bb)) + (b - bb));
}

/* ---- polynomials ----------------------------------------------------- */

/* Horner's scheme, c0 + x (c1 + x (c2 + ...)), one fused multiply-add per
 * degree (CACT__FMA is the level's: core/dd.h).  x must be a plain variable
 * (it is evaluated once per degree). */
#define CACT__H1(x, c0, c1) CACT__FMA(x, c1, c0)
#define CACT__H2(x, c0, c1, c2) CACT__FMA(x, CACT__H1(x, c1, c2), c0)
#define CACT__H3(x, c0, c1, c2, c3) CACT__FMA(x, CACT__H2(x, c1, c2, c3), c0)
#define CACT__H4(x, c0, c1, c2, c3, c4) CACT__FMA(x, CACT__H3(x, c1, c2, c3, c4), c0)
#define CACT__H5(x, c0, c1, c2, c3, c4, c5) CACT__FMA(x, CACT__H4(x, c1, c2, c3, c4, c5), c0)
#define CACT__H6(x, c0, c1, c2, c3, c4, c5, c6) \
  CACT__FMA(x, CACT__H5(x, c1, c2, c3, c4, c5, c6), c0)
#define CACT__H7(x, c0, c1, c2, c3, c4, c5, c6, c7) \
  CACT__FMA(x, CACT__H6(x, c1, c2, c3, c4, c5, c6, c7), c0)
#define CACT__H8(x, c0, c1, c2, c3, c4, c5, c6, c7, c8) \
  CACT__FMA(x, CACT__H7(x, c1, c2, c3, c4, c5, c6, c7, c8), c0)
#define CACT__H9(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9) \
  CACT__FMA(x, CACT__H8(x, c1, c2, c3, c4, c5, c6, c7, c8, c9), c0)
#define CACT__H10(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) \
  CACT__FMA(x, CACT__H9(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10), c0)
#define CACT__H11(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11) \
  CACT__FMA(x, CACT__H10(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11), c0)
#define CACT__H12(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12) \
  CACT__FMA(x, CACT__H11(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12), c0)
#define CACT__H13(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13) \
  CACT__FMA(x, CACT__H12(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13), c0)
#define CACT__H14(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14) \
  CACT__FMA(x, CACT__H13(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14), c0)

#endif /* CACT_CORE_BASE_H */
