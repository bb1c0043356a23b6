/* cact/math.h -- the math core: exp, expm1, log1p, tanh, erfc and their
 * double-double variants, branch-free static inline C99 that gcc and clang
 * vectorize inside the kernel loops (no libm call, no errno, no table
 * lookup, no branch).
 *
 * Two precisions, one per result dtype:
 *
 *  - "_d" functions serve the float32 kernels.  They take and return double
 *    with a relative error below ~2^-31, so a float32 kernel that evaluates
 *    its formula in double and rounds once at the end is within 0.5 + 2^-6
 *    ulp of the exact value (a few formulas lose a few more bits, see
 *    elementwise_impl.h; the exhaustive checker in tools/exhaustive/ measures
 *    every float32 input).
 *  - "_dd" functions serve the float64 kernels.  They return double-double
 *    pairs (hi + lo, |lo| <= ulp(hi)) with a relative error below 2^-57
 *    (exp, expm1, log1p; erfc 2^-54.5, tools/exhaustive/fit.py), and
 *    take double-double arguments where the kernel's argument is itself
 *    amplified (gelu's erfc(x/sqrt 2), gelu_tanh's sigmoid(2u), swish's
 *    sigmoid(beta x)); the kernels combine them with exact products (fma)
 *    and one final rounding.
 *
 * Every function is instantiated once per ISA level (see config.h), by
 * including cact/math_impl.h with CACT__LV = v4, v3 or base: the v4/v3
 * instantiations use fused multiply-adds, the baseline (SSE2, no FMA
 * instruction; a C99 fma() call there would be a slow library call that
 * blocks vectorization) uses separate multiply and add in polynomials and
 * Dekker/Veltkamp splitting where an exact product is needed, so baseline
 * results may differ from v3/v4 in the last bit but meet the same bounds.
 * The v4 and v3 instantiations are the same code and give the same bits.
 *
 * Names: cact__<function>_<precision>_<level>, e.g. cact__exp_d_v4(z).
 * Another kernel compiled per level calls its own level's instantiation;
 * cact_exp_w32 / cact_exp_w64 / cact_log1p_w32 / cact_log1p_w64 below are
 * level-independent aliases of the baseline instantiation (vectorizable in
 * any loop, never fused, so the same bits under any flags); the axis
 * kernels use the log1p ones (once per row) and, for float32, the level's
 * cact__exp_d_<level> (their float64 exp is their own, cact/axis_impl.h).
 *
 * Techniques: Cody-Waite range reduction with a rounding-constant ("shifter")
 * for n = rint(z / ln 2) and 2^n assembled in the exponent bits (as in SLEEF
 * and XNNPACK's exp kernels); minimax polynomials from a Remez fit
 * (tools/exhaustive/fit.py regenerates every coefficient below); error-free
 * transformations (Knuth's TwoSum, Dekker's Fast2Sum and TwoProduct,
 * Veltkamp's splitting) for the double-double steps, as in Muller et al.,
 * "Handbook of Floating-Point Arithmetic", ch. 4 and 14.
 */
#ifndef CACT_MATH_H
#define CACT_MATH_H

#include <stdint.h>
#include <string.h>
#include "config.h"

/* ---- level-independent helpers -------------------------------------- */

/* a double-double: value h + l, |l| <= ulp(h) (not always normalized: the
 * functions say when) */
typedef struct { double h, l; } cact__dd;
/* a double-double times a power of two applied last: (h + l) * s.  Used by
 * exp where the result may be subnormal: the kernel computes with h + l
 * (always normal) and multiplies by s once at the end, so a subnormal result
 * is rounded once. */
typedef struct { double h, l, s; } cact__dds;

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

CACT_INLINE double cact__abs(double x)
{
    return cact__from_bits(cact__bits(x) & ~(1ULL << 63));
}

CACT_INLINE cact__dd cact__mk_dd(double h, double l)
{
    cact__dd r;
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

/* float lanes (16 per zmm at v4): a float pair h + l, and a pair times a
 * power of two applied last, (h + l) s, as cact__dd / cact__dds */
typedef struct { float h, l; } cact__ff;
typedef struct { float h, l, s; } cact__ffs;
/* e^z = (1 + r + p) s 2^-64 (exp_core_f in math_impl.h) */
typedef struct { float r, p, s; } cact__fexp;

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

CACT_INLINE float cact__abs_f(float x)
{
    return cact__from_bits_f(cact__bits_f(x) & 0x7fffffffu);
}

CACT_INLINE cact__ff cact__mk_ff(float h, float l)
{
    cact__ff r;
    r.h = h;
    r.l = l;
    return r;
}

/* 2^n for an integer-valued double n in [-1022, 1023] */
CACT_INLINE double cact__pow2i(double n)
{
    /* n + 0x1.8p52 holds n in its low mantissa bits; adding 1023 and
     * shifting 52 places moves n + 1023 into the exponent field */
    return cact__from_bits((cact__bits(n + 6755399441055744.0) + 1023) << 52);
}

/* the same from n + 0x1.8p52 itself, where the caller has it */
CACT_INLINE double cact__pow2i_shifted(double n_plus_shifter)
{
    return cact__from_bits((cact__bits(n_plus_shifter) + 1023) << 52);
}

/* Horner's scheme, c0 + x (c1 + x (c2 + ...)), one fused multiply-add per
 * degree (CACT__FMA is the level's: fused in v3/v4, mul + add in baseline).
 * x must be a plain variable (it is evaluated once per degree). */
#define CACT__H1(x, c0, c1) CACT__FMA(x, c1, c0)
#define CACT__H2(x, c0, c1, c2) \
    CACT__FMA(x, CACT__H1(x, c1, c2), c0)
#define CACT__H3(x, c0, c1, c2, c3) \
    CACT__FMA(x, CACT__H2(x, c1, c2, c3), c0)
#define CACT__H4(x, c0, c1, c2, c3, c4) \
    CACT__FMA(x, CACT__H3(x, c1, c2, c3, c4), c0)
#define CACT__H5(x, c0, c1, c2, c3, c4, c5) \
    CACT__FMA(x, CACT__H4(x, c1, c2, c3, c4, c5), c0)
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
#define CACT__H15(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15) \
    CACT__FMA(x, CACT__H14(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15), c0)
#define CACT__H16(x, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16) \
    CACT__FMA(x, CACT__H15(x, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16), c0)

/* ---- constants ------------------------------------------------------- */

#define CACT__SHIFTER 6755399441055744.0     /* 0x1.8p52: x + it rounds x to an integer */
#define CACT__LOG2E 1.4426950408889634       /* 1/ln 2 */
#define CACT__LN2 0.6931471805599453         /* ln 2, nearest double */
/* Cody-Waite: ln 2 = LN2_HI + LN2_LO, LN2_HI with 42 significant bits so
 * that n * LN2_HI is exact for |n| < 2^11 without an fma */
#define CACT__LN2_HI 0.6931471805598903      /* 0x1.62e42fefa38p-1 */
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

/* ---- per-level instantiations ------------------------------------------ */

#define CACT__MCAT_(a, b) a##b
#define CACT__MCAT(a, b) CACT__MCAT_(a, b)

/* CACT__HAS_FMA_<level>: whether that level's arithmetic is fused */
#if CACT_DISPATCH
#  define CACT__HAS_FMA_v4 1
#  define CACT__HAS_FMA_v3 1
#  define CACT__LV v4
#  define CACT__LV_FMA 1
#  include "math_impl.h"
#  undef CACT__LV
#  undef CACT__LV_FMA
#  define CACT__LV v3
#  define CACT__LV_FMA 1
#  include "math_impl.h"
#  undef CACT__LV
#  undef CACT__LV_FMA
#endif
/* baseline: with per-level dispatch, never fused, so that it gives the same
 * bits whatever -m flags the includer compiles with (the level-independent
 * functions below serve the axis kernels inside every level's loop); the
 * only level of a build without dispatch uses fused multiply-adds where the
 * flags give the instruction (-mfma, -march=native, aarch64, POWER VSX) */
#if !CACT_DISPATCH && (defined(__FMA__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA) || \
                       (defined(__powerpc64__) && defined(__VSX__)))
#  define CACT__HAS_FMA_base 1
#else
#  define CACT__HAS_FMA_base 0
#endif
#define CACT__LV base
#define CACT__LV_FMA CACT__HAS_FMA_base
#include "math_impl.h"
#undef CACT__LV
#undef CACT__LV_FMA

/* Level-independent names (the baseline instantiation: vectorizable in any
 * loop, with Dekker's products instead of fused ones), kept for code written
 * against the stage-1 core (the axis kernels use the log1p ones): exp in
 * double for float32 results (relative error < 2^-31, z <= 709), exp and
 * log1p rounded to double for float64 results (< 1 ulp; log1p for u > -1).
 * New code compiled per level calls that level's functions above. */
typedef double cact_w32;
typedef double cact_w64;
CACT_INLINE double cact_exp_w32(double x) { return cact__exp_d_base(x); }
CACT_INLINE double cact_exp_w64(double x)
{
    cact__dds e = cact__exp_dd_base(x, 0);
    return (e.h + e.l) * e.s;
}
CACT_INLINE double cact_log1p_w64(double u)
{
    cact__dd v = cact__two_sum(1.0, u);
    cact__dd r = cact__log_dd_base(v.h, v.l);
    return r.h + r.l;
}
CACT_INLINE double cact_log1p_w32(double u) { return cact_log1p_w64(u); }

#endif /* CACT_MATH_H */
