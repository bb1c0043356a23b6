/* cact/axis/common.h -- what the axis kernels share: constants, the ISA
 * level mechanism, the float64 exp, and the per-row and per-column pieces
 * (max/min scans, Kahan sums, the per-row constants 1/s and log(s)).
 *
 * Included by cact/axis.h once per dtype, with CACT_T (float / double),
 * CACT_SFX (f32 / f64) and CACT__BITS (32 / 64).  Its first part (up to
 * "per dtype") is compiled once: constants, macros and the helpers that
 * work in double whatever the dtype, named cact__ax_<name>.  The second
 * part, and every other file in cact/axis/, is compiled once per dtype:
 * AX(name) is cact__ax_<name>_f32 or _f64, T the element type, L the lanes
 * of the reductions (axis.h #undefs AX, T and L after the last part).
 * Everything is always_inline (but the float64 rebase, softmax_refmax.h):
 * the per-level variants inline these bodies, so each loop is vectorized
 * for each target.  Do not include this file directly.
 *
 * ISA levels and `hasfma`.  axis.h compiles each public kernel three times
 * (CACT__AXIS_KERNEL below: x86-64-v4, v3 and the baseline) and dispatches
 * once per process on cact_isa_level(), as the elementwise kernels do.  The
 * bodies take a last argument, hasfma, a constant in each variant: 1 at v4
 * and v3, CACT__AX_BASE_FMA at the baseline (1 only where the baseline
 * target itself has an FMA instruction).  After inlining it picks, per path:
 *   - float32 short rows: e^d from the math core's cact__exp_d_v4 (fused;
 *     v3 would give the same bits, the core's v4 and v3 are the same code)
 *     or cact__exp_d_base (cact__ax_exp_d below);
 *   - float32 float-lane rows and tiles: cact__exp_core_fx_v4 or _base
 *     (cact__ax_exp_fx), and y (ah + al) by fmaf or as a double product
 *     (scale1, softmax_rows.h);
 *   - float64: fma() or a separate multiply and add in the exp's reduction
 *     and polynomial (CACT__AXFMA, cact__ax_exp_hl), and e (a + b) rounded
 *     once by fma or by Dekker's exact product (smout).
 * What does not depend on the level: log(s) (cact__ax_log1p, the core's
 * baseline log_dd, once per row), the residual of 1/s (fma(), once per
 * row), the float64 rebase (the core's baseline exp_dd), and every sum's
 * lanes and order.  So v4 and v3 give the same bits; the baseline's
 * unfused exp may round differently, within the same error bounds
 * (tests/test_axis.py, test_levels_agree).  maxout and prelu round
 * nothing: the same bits at every level.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/common.h"
#endif

#ifndef CACT_AXIS_COMMON_H
#  define CACT_AXIS_COMMON_H

#  define CACT__AX_CAT_(a, b) a##b
#  define CACT__AX_CAT(a, b) CACT__AX_CAT_(a, b)

/* ---- sizes ------------------------------------------------------------- */

/* Lanes of the per-row reductions (and entries per block): 16 floats, 8
 * doubles (a float64 block of 16 -- Kahan pairs s, c, and the block's x, d
 * and e -- spills out of AVX2's 16 ymm registers).  The same at every
 * level, so the bits do not depend on the level. */
#  define CACT__AX_L32 16
#  define CACT__AX_L64 8
#  define CACT__AX_CHUNK 1024 /* doubles in the short rows' scratch buffer of exponentials */
#  ifndef CACT__AX_BMAX
#    define CACT__AX_BMAX 1024 /* columns per tile when inner > 1, at most (see cact__ax_tilew) */
#  endif
#  define CACT__AX_PFC 256    /* entries per step of a row's exponential pass (prefetching) */
#  define CACT__AX_SHORT 32   /* rows shorter than this are done 32+ at once */
#  define CACT__AX_QMAX 256   /* ... at most this many rows at once */
#  define CACT__AX_REFK 16    /* rows whose max is a float64 softmax tile's reference */
#  define CACT__AX_OVER 600.0 /* ... and how far above it an entry rebases its column */
#  define CACT__AX_REFMIN 64  /* ... in blocks of at least this many rows and columns */

/* Counts of max entries (float32 log_softmax) are uint32 lanes, flushed
 * into double before any can wrap: every CACT__AX_CNT tile rows, and along
 * a row every CACT__AX_CNT / CACT__AX_PFC steps (a step adds at most
 * CACT__AX_PFC / L to a lane). */
#  define CACT__AX_CNT ((size_t)1 << 30)

/* the operation, the bodies' `op` argument */
#  define CACT__AX_SOFTMAX 0
#  define CACT__AX_LOG_SOFTMAX 1
#  define CACT__AX_SOFTMIN 2

/* How a float32 row (or tile) is taken in float lanes, picked per row from
 * its max m and min (AX(mode), softmax_rows.h): TAME when every d >= -80
 * (no clamp needed; every e^d is normal), PINF when m = +inf (d = 0 at the
 * +inf entries, -inf elsewhere), GEN otherwise; each loop is compiled for
 * each.  float64 has the same three cases as its pinf and tame flags
 * (tame: every d >= -700). */
#  define CACT__AX_GEN 0
#  define CACT__AX_PINF 1
#  define CACT__AX_TAME 2

/* ---- compiler hints ---------------------------------------------------- */

/* A lane loop (for k < L: acc[k] op= x[i + k]) must stay a loop: gcc
 * unrolls it completely and then cannot turn the L scalar chains back into
 * one vector (scalar vmaxss instead of one vmaxps zmm). */
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT__AX_NOUNROLL _Pragma("GCC unroll 1")
#  else
#    define CACT__AX_NOUNROLL
#  endif

/* a hint to bring the cache line at p into every cache level, for
 * reading; nothing where the compiler has no such builtin */
#  if defined(__GNUC__) || defined(__clang__)
#    define CACT__AX_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#  else
#    define CACT__AX_PREFETCH(p) ((void)(p))
#  endif

/* ---- the per-level variants -------------------------------------------- */

/* CACT__AX_BASE_FMA: hasfma at the baseline level.  The float64 softmax
 * uses fma() where the target has a fused multiply-add and an exact
 * (Dekker/Veltkamp) product where it has none, so that its output e (a + b)
 * is rounded once at every level.  (Veltkamp's split needs its products rounded, which a
 * compiler contracting a * b + c into an fma would break on an FMA target:
 * that is why the choice is made per target, not left to the compiler.) */
#  if defined(__FMA__)
#    define CACT__AX_BASE_FMA 1
#  else
#    define CACT__AX_BASE_FMA 0
#  endif

/* a b + c, fused where the target has an fma (hasfma, in scope where this
 * is used, is a constant after inlining) */
#  define CACT__AXFMA(a, b, c) (hasfma ? fma(a, b, c) : (a) * (b) + (c))

/* CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS) defines
 *   void cact_<name>_<sfx>(const T *x, T *y, size_t outer, size_t len, size_t inner PDECL)
 * as BODY(x, y, outer, len, inner BARGS, hasfma), compiled once per ISA
 * level (BODY is always_inline, so its loops are vectorized for each
 * target) and dispatched on cact_isa_level(). */
#  define CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, SUFFIX, ATTR, FMA)   \
    static ATTR CACT__NOINLINE CACT__OPTIMIZE void cact__##name##_##sfx##_##SUFFIX( \
        const T *x, T *y, size_t outer, size_t len, size_t inner CACT__ID PDECL)    \
    {                                                                               \
      BODY(x, y, outer, len, inner CACT__ID BARGS, FMA);                            \
    }

#  if CACT_DISPATCH
#    define CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS)                            \
      CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, v4, CACT__TARGET_V4, 1)                \
      CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, v3, CACT__TARGET_V3, 1)                \
      CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, base, CACT__NOATTR, CACT__AX_BASE_FMA) \
      CACT_API void cact_##name##_##sfx(const T *x, T *y, size_t outer, size_t len,               \
                                        size_t inner CACT__ID PDECL)                              \
      {                                                                                           \
        switch (cact_isa_level()) {                                                               \
        case CACT_ISA_V4:                                                                         \
          cact__##name##_##sfx##_v4(x, y, outer, len, inner CACT__ID PARGS);                      \
          break;                                                                                  \
        case CACT_ISA_V3:                                                                         \
          cact__##name##_##sfx##_v3(x, y, outer, len, inner CACT__ID PARGS);                      \
          break;                                                                                  \
        default:                                                                                  \
          cact__##name##_##sfx##_base(x, y, outer, len, inner CACT__ID PARGS);                    \
          break;                                                                                  \
        }                                                                                         \
      }
#  else
#    define CACT__AXIS_KERNEL(name, sfx, T, PDECL, PARGS, BODY, BARGS)                            \
      CACT__AXIS_VARIANT(name, sfx, T, PDECL, BODY, BARGS, base, CACT__NOATTR, CACT__AX_BASE_FMA) \
      CACT_API void cact_##name##_##sfx(const T *x, T *y, size_t outer, size_t len,               \
                                        size_t inner CACT__ID PDECL)                              \
      {                                                                                           \
        cact__##name##_##sfx##_base(x, y, outer, len, inner CACT__ID PARGS);                      \
      }
#  endif

/* both dtypes: BODY##_f32 and BODY##_f64 */
#  define CACT__AXIS_BOTH(name, PDECL32, PDECL64, PARGS, BODY, BARGS)      \
    CACT__AXIS_KERNEL(name, f32, float, PDECL32, PARGS, BODY##_f32, BARGS) \
    CACT__AXIS_KERNEL(name, f64, double, PDECL64, PARGS, BODY##_f64, BARGS)

/* ---- exp and log, whatever the dtype ----------------------------------- */

/* e^d in double for float32's short rows: the math core's double exp
 * (relative 2^-31), the level's fused instantiation where hasfma */
CACT_INLINE double cact__ax_exp_d(double d, int hasfma)
{
#  if CACT_DISPATCH
    return hasfma ? cact__exp_d_v4(d) : cact__exp_d_base(d);
#  else
    (void)hasfma;
    return cact__exp_d_base(d);
#  endif
}

/* e^(zh + zl) for float32's float lanes in the core's raw form
 * (1 + r + p) s 2^-64; full 0 takes the core's lighter variant (2^-25.5) */
CACT_INLINE cact__fexp cact__ax_exp_fx(float zh, float zl, int full, int hasfma)
{
#  if CACT_DISPATCH
    return hasfma ? cact__exp_core_fx_v4(zh, zl, full) : cact__exp_core_fx_base(zh, zl, full);
#  else
    (void)hasfma;
    return cact__exp_core_fx_base(zh, zl, full);
#  endif
}

/* e^(hi + lo) rounded to double, for hi <= 0 (hi = x - max, lo its TwoSum
 * error, |lo| <= ulp(hi)/2), within 0.5 + ~0.3 ulp; 0 below -745.2 and for
 * -inf, NaN for NaN.  A plain double exp (the double-double cact__exp_dd,
 * good to 2^-59, costs twice as much and the 4-ulp bound of softmax does
 * not need it): Cody-Waite reduction as in the math core (n = rint(z / ln 2)
 * by the shifter, r1 = z - n LN2_HI exact for |n| < 2^11 with or without
 * fma), the argument's low part joining the small term, so that
 * r = r1 + (lo - n LN2_LO) is rounded once (2^-55 absolute); then
 * e^r = 1 + (r + r^2 P(r)), P a degree-9 minimax fit of (e^r - 1 - r)/r^2
 * (relative 2^-52.0, damped by r^2 / e^r <= 0.18; tools/exhaustive/fit.py
 * exp_hl), rounded once by the final addition; 2^n applied in two factors
 * (2^n1, n1 >= -1000, exact; then 2^(n - n1), one rounding where the result
 * is subnormal).  tame (hi >= -700: 2^n is normal) skips the clamp and
 * applies 2^n as one factor: the same bits. */
CACT_INLINE double cact__ax_exp_hl(double hi, double lo, int hasfma, int tame)
{
    double z = !tame && hi < -1400.0 ? -1400.0 : hi; /* NaN passes */
    double zl = !tame && hi < -1400.0 ? 0.0 : lo;
    double ks = CACT__AXFMA(z, CACT__LOG2E, CACT__SHIFTER), k = ks - CACT__SHIFTER;
    double r1 = CACT__AXFMA(-k, CACT__LN2_HI, z); /* exact, fused or not */
    double r = r1 + CACT__AXFMA(-k, CACT__LN2_LO, zl);
    double p = 2.5064010820783613e-08;
    double k1 = k < -1000.0 ? -1000.0 : k;
    p = CACT__AXFMA(p, r, 2.7620159336451825e-07);
    p = CACT__AXFMA(p, r, 2.755736676279147e-06);
    p = CACT__AXFMA(p, r, 2.4801521081918918e-05);
    p = CACT__AXFMA(p, r, 0.0001984126977448631);
    p = CACT__AXFMA(p, r, 0.001388888891743121);
    p = CACT__AXFMA(p, r, 0.008333333333359628);
    p = CACT__AXFMA(p, r, 0.041666666666623296);
    p = CACT__AXFMA(p, r, 0.1666666666666664);
    p = CACT__AXFMA(p, r, 0.5000000000000001);
    if (tame) return (1.0 + CACT__AXFMA(r * r, p, r)) * cact__pow2i_shifted(ks);
    return (1.0 + CACT__AXFMA(r * r, p, r)) * cact__pow2i(k1) * cact__pow2i(k - k1);
}

/* log(1 + u) rounded to double, u > -1 (log(s) = log1p((n - 1) + t), once
 * per row): 1 + u as an exact pair (TwoSum), the core's baseline
 * double-double log of it (relative 2^-57), rounded once */
CACT_INLINE double cact__ax_log1p(double u)
{
    cact__dd v = cact__two_sum(1.0, u);
    cact__dd r = cact__log_dd_base(v.h, v.l);
    return r.h + r.l;
}

/* the rounding error of p = a * b, exactly, without an fma (Dekker 1971,
 * with Veltkamp's split); only where hasfma is 0, where the compiler cannot
 * contract (and so spoil) the split.  (The core's baseline two_prod is the
 * same but fused where a non-dispatching baseline has an fma; this one
 * never is.) */
CACT_INLINE double cact__ax_prod_err(double a, double b, double p)
{
    const double split = 134217729.0; /* 2^27 + 1 */
    double ca = split * a, cb = split * b;
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/* Columns per tile for an [len, inner] block: all of them up to
 * CACT__AX_BMAX, else the fewest equal tiles of at most that many (a
 * multiple of 16 but the last).  Wide tiles, because a tile is nb columns
 * of every row, nb contiguous entries then a jump of a row: where the row
 * is a power of two bytes long, narrow tiles use a fraction of the cache
 * sets (a 1 KB piece of each 4 KB row: a quarter of L1 and L2) and the
 * hardware prefetchers see short runs (docs/performance.md).  The three
 * passes over a tile go forwards (max), backwards (exponentials) and
 * forwards (output), so that each starts on the rows the previous one left
 * in cache. */
CACT_INLINE size_t cact__ax_tilew(size_t inner)
{
    const size_t nt = (inner + CACT__AX_BMAX - 1) / CACT__AX_BMAX;
    return nt <= 1 ? inner : ((inner + nt - 1) / nt + 15) / 16 * 16;
}

#endif /* CACT_AXIS_COMMON_H */

/* ==== per dtype ========================================================== */

#define AX(name) CACT__AX_CAT(CACT__AX_CAT(cact__ax_, name), CACT__AX_CAT(_, CACT_SFX))
#define T CACT_T
#if CACT__BITS == 64
#  define L CACT__AX_L64
#else
#  define L CACT__AX_L32
#endif

/* ---- scalar pieces -------------------------------------------------- */

/* x_i, negated for softmin (exact) */
CACT_INLINE T AX(ld)(T v, int neg) { return neg ? -v : v; }

/* max ignoring NaN (a NaN row is caught later: its d is NaN) */
CACT_INLINE T AX(max2)(T acc, T v) { return v > acc ? v : acc; }
CACT_INLINE T AX(min2)(T acc, T v) { return v < acc ? v : acc; }

/* The row max as the kernels use it: a row with no number above -inf
 * (all -inf, or -inf and NaN) gets NaN, so that its d and its result are
 * NaN (softmax of all -inf is 0/0). */
CACT_INLINE T AX(fixmax)(T m) { return m == -(T)INFINITY ? (T)NAN : m; }

/* d = v - m, and 0 where v == m if pinf (the row's max is +inf): that makes
 * the +inf entries 0 (and the others -inf), which is the limit the kernels
 * return.  For a finite m, v == m gives 0 anyway; the loops are compiled
 * with pinf 0 and 1 and pick per row (or tile), so that rows without +inf
 * do not pay for the select.  float64 also returns the exact rounding
 * error of v - m in *lo (Knuth's TwoSum, 6 additions, valid for any |v|,
 * |m|; TAOCP vol. 2, 4.2.2); lo is 0 where d is 0 or +-inf (TwoSum gives
 * NaN there). */
CACT_INLINE double AX(diff)(T v, T m, double *lo, int pinf)
{
#if CACT__BITS == 32
    double d = (double)v - (double)m; /* exact unless |d| >> 2^29 ulp, where e^d = 0 */
    (void)lo;
    return pinf && v == m ? 0.0 : d;
#else
    const cact__dd d = cact__two_sum(v, -m);
    *lo = d.l == d.l ? d.l : 0.0;
    return pinf && v == m ? 0.0 : d.h;
#endif
}

/* One term into a sum: (s, c) is a Kahan pair for float64 (Kahan 1965;
 * the terms are in [0, 1], so the compensation stays within an ulp for any
 * length; checked in tests/test_axis.py), a plain double sum for float32
 * (relative error <= len * 2^-53, far below float's 2^-24).  For
 * log_softmax (lg), terms equal to 1 (the max entries, and entries within
 * 2^-53 of it) are counted in *n instead: s then holds t, the rest. */
CACT_INLINE void AX(acc1)(double *s, double *c, double *n, double e, int lg)
{
    if (lg) {
        double one = e == 1.0 ? 1.0 : 0.0;
        *n += one;
        e -= one;
    }
#if CACT__BITS == 64
    {
        double y = e - *c, t = *s + y;
        *c = (t - *s) - y;
        *s = t;
    }
#else
    (void)c;
    *s += e;
#endif
}

/* The per-row constants from its sums: softmax, *a = 1/s and *b its
 * residual (1 - s a) / s (float64; a + b = 1/s to ~2^-106); log_softmax,
 * *a = log(s) = log1p((n - 1) + t). */
CACT_INLINE void AX(finish)(double s, double c, double n, int lg, double *a, double *b)
{
#if CACT__BITS == 64
    s = s - c;
#else
    (void)c;
#endif
    if (lg) {
        *a = cact__ax_log1p((n - 1.0) + s);
        *b = 0.0;
    } else {
        double r = 1.0 / s;
        *a = r;
#if CACT__BITS == 64
        *b = fma(-s, r, 1.0) / s; /* exact residual: one rounding in fma */
#else
        *b = 0.0;
#endif
    }
}

/* softmax output from e: e / s = e (a + b), rounded once (float64: the
 * exact e a plus the small e b; float32: the double product, rounded to
 * float).  Without fma, float64 scales tiny e by 2^200 first, so that
 * Dekker's partial products stay exact (above 2^-968) and a subnormal
 * result is rounded once; with fma, e b is below half an ulp of a subnormal
 * result and fma(e, a, e b) rounds e a once as it is. */
CACT_INLINE T AX(smout)(double e, double a, double b, int hasfma)
{
#if CACT__BITS == 64
    if (hasfma) {
        return fma(e, a, e * b);
    } else {
        /* 2^-800, 2^200, 2^-200 in decimal (hexadecimal floating constants are
         * not C++ before C++17); each literal converts to the power exactly */
        const int tiny = e < 1.499696813895631e-241;
        double es = e * (tiny ? 1.6069380442589903e+60 : 1.0), p = es * a;
        return (p + (cact__ax_prod_err(es, a, p) + es * b)) * (tiny ? 6.223015277861142e-61 : 1.0);
    }
#else
    (void)b, (void)hasfma;
    return (T)(e * a);
#endif
}

/* ---- scans of a row and of a tile's columns ----------------------------- */

/* the max and the min of d = v - r over a row, v = -x or x, r one value
 * (rstep 0) or one per entry (rstep 1) (NaN ignored by both), in four sets
 * of L lanes: four independent vectors per chain, so that the loop runs at
 * the max instructions' throughput, not their latency.  max and min are
 * exact: the lanes change no bits. */
CACT_INLINE void AX(mmblk)(const T *x, const T *r, int rstep, int neg, T *hi, T *lo)
{
    int k;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        const T v = AX(ld)(x[k], neg) - r[rstep * k];
        hi[k] = AX(max2)(hi[k], v);
        lo[k] = AX(min2)(lo[k], v);
    }
}

CACT_INLINE void AX(rowscan)(const T *x, const T *r, int rstep, size_t n, int neg, T *mx, T *mn)
{
    T h0[L], h1[L], h2[L], h3[L], l0[L], l1[L], l2[L], l3[L], m, u;
    size_t i = 0;
    int k;
    for (k = 0; k < L; k++)
        h0[k] = h1[k] = h2[k] = h3[k] = -(T)INFINITY, l0[k] = l1[k] = l2[k] = l3[k] = (T)INFINITY;
    for (; i + 4 * L <= n; i += 4 * L) {
        AX(mmblk)(x + i, r + rstep * i, rstep, neg, h0, l0);
        AX(mmblk)(x + i + L, r + rstep * (i + L), rstep, neg, h1, l1);
        AX(mmblk)(x + i + 2 * L, r + rstep * (i + 2 * L), rstep, neg, h2, l2);
        AX(mmblk)(x + i + 3 * L, r + rstep * (i + 3 * L), rstep, neg, h3, l3);
    }
    for (; i + L <= n; i += L) AX(mmblk)(x + i, r + rstep * i, rstep, neg, h0, l0);
    for (k = 0; k < L && i + k < n; k++) {
        const T v = AX(ld)(x[i + k], neg) - r[rstep * (i + k)];
        h1[k] = AX(max2)(h1[k], v);
        l1[k] = AX(min2)(l1[k], v);
    }
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        h0[k] = AX(max2)(AX(max2)(h0[k], h1[k]), AX(max2)(h2[k], h3[k]));
        l0[k] = AX(min2)(AX(min2)(l0[k], l1[k]), AX(min2)(l2[k], l3[k]));
    }
    m = h0[0], u = l0[0];
    for (k = 1; k < L; k++) m = AX(max2)(m, h0[k]), u = AX(min2)(u, l0[k]);
    *mx = m;
    *mn = u;
}

/* the max (fixmax'ed) and the min of a row: v - 0 is v, bit for bit */
CACT_INLINE T AX(rowminmax)(const T *x, size_t n, int neg, T *mn)
{
    const T zero = 0;
    T m;
    AX(rowscan)(x, &zero, 0, n, neg, &m, mn);
    return AX(fixmax)(m);
}

/* the same per column of a tile (nb columns of a [len, inner] block, x at
 * its first): m[j] the max (fixmax'ed), mlo[j] the min; returns whether
 * some column's max is +inf */
CACT_INLINE int AX(tileminmax)(const T *x, size_t len, size_t inner, size_t nb, int neg, T *m,
                               T *mlo)
{
    size_t i, j;
    int pinf = 0;
    for (j = 0; j < nb; j++) m[j] = -(T)INFINITY, mlo[j] = (T)INFINITY;
    for (i = 0; i < len; i++) {
        const T *xi = x + i * inner;
        for (j = 0; j < nb; j++) {
            const T v = AX(ld)(xi[j], neg);
            m[j] = AX(max2)(m[j], v);
            mlo[j] = AX(min2)(mlo[j], v);
        }
    }
    for (j = 0; j < nb; j++) m[j] = AX(fixmax)(m[j]);
    for (j = 0; j < nb; j++) pinf |= m[j] == (T)INFINITY;
    return pinf;
}

/* Prefetch n entries of the next row from its entry i0 (next NULL: there
 * is none), a cache line at a time.  A row's exponential pass runs in steps
 * of CACT__AX_PFC entries, each prefetching the matching piece of the next
 * row, so that the next row's max pass reads it from L1 rather than
 * waiting on L3 or memory: the loads are spread through the compute-bound
 * pass.  The steps are multiples of the lanes, so the sums and the bits are
 * those of one run over the row. */
CACT_INLINE void AX(pfetch)(const T *next, size_t i0, size_t n)
{
    size_t b;
    if (!next) return;
    for (b = 0; b < n; b += 64 / sizeof(T)) CACT__AX_PREFETCH(next + i0 + b);
}
