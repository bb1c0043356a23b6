/* cact/axis_impl.h -- the axis kernels, written once for both dtypes.
 *
 * Included twice by cact/axis.h, with CACT_T (float / double), CACT_SFX
 * (f32 / f64) and CACT__BITS (32 / 64).  Everything here is always_inline:
 * the per-ISA variants in axis.h inline these bodies, so each loop is
 * vectorized for each target.  Do not include this file directly.
 *
 * Working type: float32 rows of CACT__AX_SHORT entries or more, and tiles
 * of other axes, run in float lanes on the math core's float-pair exp
 * (section "float32 rows and tiles in float lanes"); float32's short rows
 * work in double, on the core's double exp; float64 takes e^d from
 * AX(exp_hl) below.  The level's fused instantiation of the core is used
 * where the target has fma.  The logarithm (once per row) comes from
 * cact_log1p_w32 / _w64.
 */
#ifndef CACT__IN_AXIS
#error "include <cact/cact.h>, not cact/axis_impl.h"
#endif

#define AX(name) CACT__AX_CAT(CACT__AX_CAT(cact__ax_, name), CACT__AX_CAT(_, CACT_SFX))
#define T CACT_T
/* lanes of the per-row reductions (and entries per block): 16 floats, 8
 * doubles.  float64 took 16 until the AVX2 machine: its blocks of 16
 * doubles (Kahan pairs s, c, and the block's x, d and e: 4 ymm registers
 * each) spilled to the stack at v3, and 8 lanes measured 13-21% less time
 * per element on long rows and tiles (C loop, Zen 3, min of 6 interleaved
 * runs); 32 had measured no faster on Zen 4.  The same at every level, so
 * the bits do not depend on it. */
#if CACT__BITS == 64
#define L 8
#else
#define L CACT__AX_L
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
 * with pinf 0 and 1 and pick per row (or tile), because the select costs
 * float32 rows ~20% (measured at (1024, 1024)).  float64
 * also returns the exact rounding error of v - m in *lo (Knuth's TwoSum,
 * 6 additions, valid for any |v|, |m|; TAOCP vol. 2, 4.2.2); lo is 0 where
 * d is 0 or +-inf (TwoSum gives NaN there). */
CACT_INLINE double AX(diff)(T v, T m, double *lo, int pinf)
{
#if CACT__BITS == 32
    double d = (double)v - (double)m;   /* exact unless |d| >> 2^29 ulp, where e^d = 0 */
    (void)lo;
    return pinf && v == m ? 0.0 : d;
#else
    double hi = v - m, bb = hi - v;
    double err = (v - (hi - bb)) + (-m - bb);
    *lo = err == err ? err : 0.0;
    return pinf && v == m ? 0.0 : hi;
#endif
}

/* a b + c, fused where the target has an fma (hasfma is a constant after
 * inlining) */
#define CACT__AXFMA(a, b, c) (hasfma ? fma(a, b, c) : (a) * (b) + (c))

#if CACT__BITS == 64
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
 * is subnormal). */
CACT_INLINE double AX(exp_hl)(double hi, double lo, int hasfma, int tame)
{
    double z = !tame && hi < -1400.0 ? -1400.0 : hi;     /* NaN passes */
    double zl = !tame && hi < -1400.0 ? 0.0 : lo;
    double ks = CACT__AXFMA(z, CACT__LOG2E, CACT__SHIFTER), k = ks - CACT__SHIFTER;
    double r1 = CACT__AXFMA(-k, CACT__LN2_HI, z);     /* exact, fused or not */
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
    if (tame)       /* hi >= -700: 2^n is normal, one factor (the same bits) */
        return (1.0 + CACT__AXFMA(r * r, p, r)) * cact__pow2i_shifted(ks);
    return (1.0 + CACT__AXFMA(r * r, p, r)) * cact__pow2i(k1) * cact__pow2i(k - k1);
}
#endif

/* e^(d + lo) (lo: float64 only), within about an ulp of the result's
 * precision (float32: the math core's double exp, 2^-31; float64:
 * exp_hl).  hasfma picks the level's fused instantiation of the core
 * (v3 and v4 are the same code and give the same bits) or the unfused
 * baseline one. */
CACT_INLINE double AX(expd)(double d, double lo, int hasfma)
{
#if CACT__BITS == 32
    (void)lo;
#  if CACT_DISPATCH
    return hasfma ? cact__exp_d_v4(d) : cact__exp_d_base(d);
#  else
    (void)hasfma;
    return cact__exp_d_base(d);
#  endif
#else
    return AX(exp_hl)(d, lo, hasfma, 0);
#endif
}

#if CACT__BITS == 64
/* the rounding error of p = a * b, exactly, without an fma (Dekker 1971,
 * with Veltkamp's split); only on targets without fma, where the compiler
 * cannot contract (and so spoil) the split */
CACT_INLINE double AX(prod_err)(double a, double b, double p)
{
    const double split = 134217729.0;   /* 2^27 + 1 */
    double ca = split * a, cb = split * b;
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
#endif

CACT_INLINE double AX(log1p)(double u)
{
#if CACT__BITS == 32
    return cact_log1p_w32(u);
#else
    return (double)cact_log1p_w64((cact_w64)u);
#endif
}

/* One term into a sum: (s, c) is a Kahan pair for float64 (Kahan 1965;
 * the terms are in [0, 1], so the compensation stays within an ulp for any
 * length; measured in tests/test_axis.py), a plain double sum for float32
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
        *a = AX(log1p)((n - 1.0) + s);
        *b = 0.0;
    } else {
        double r = 1.0 / s;
        *a = r;
#if CACT__BITS == 64
        *b = fma(-s, r, 1.0) / s;       /* exact residual: one rounding in fma */
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
        return (p + (AX(prod_err)(es, a, p) + es * b)) * (tiny ? 6.223015277861142e-61 : 1.0);
    }
#else
    (void)b, (void)hasfma;
    return (T)(e * a);
#endif
}

/* log_softmax output: d - log(s), d = v - m <= 0 <= ls = log(s), so the
 * subtraction never cancels.  float32: d exact in double, one rounding.
 * float64: d rounded, then d - ls rounded: |d| <= |d - ls|, so d's
 * rounding is at most half an ulp of the result, which is within 1 ulp
 * plus ls's own error (unlike e^d, d - ls does not amplify d's error; a
 * TwoSum-exact form cost 12 operations more per element for ~0.5 ulp). */
CACT_INLINE T AX(logout)(T v, T m, double ls, int pinf)
{
#if CACT__BITS == 32
    double lo = 0.0, hi = AX(diff)(v, m, &lo, pinf);
    return (T)(hi - ls);
#else
    double d = pinf && v == m ? 0.0 : v - m;
    return d - ls;
#endif
}

/* ---- loops over contiguous runs ---------------------------------------- */

/* D[i] = d_i (and Dlo[i] = lo_i) for n entries of one row, max m */
CACT_INLINE void AX(fill_k)(const T *x, double *D, double *Dlo, size_t n, T m, int neg, int pinf)
{
    size_t i;
    for (i = 0; i < n; i++) {
        double lo = 0.0;
        D[i] = AX(diff)(AX(ld)(x[i], neg), m, &lo, pinf);
#if CACT__BITS == 64
        Dlo[i] = lo;
#endif
    }
    (void)Dlo;
}

CACT_INLINE void AX(fill)(const T *x, double *D, double *Dlo, size_t n, T m, int neg, int pinf)
{
    if (pinf) AX(fill_k)(x, D, Dlo, n, m, neg, 1);
    else AX(fill_k)(x, D, Dlo, n, m, neg, 0);
}

/* D[i] = e^D[i]: the one loop with exponentials, flat and contiguous */
CACT_INLINE void AX(expflat)(double *D, const double *Dlo, size_t n, int hasfma)
{
    size_t i;
#if CACT__BITS == 64
    for (i = 0; i < n; i++) D[i] = AX(expd)(D[i], Dlo[i], hasfma);
#else
    (void)Dlo;
    for (i = 0; i < n; i++) D[i] = AX(expd)(D[i], 0.0, hasfma);
#endif
}

/* y[i] = T(e_i / s) from D */
CACT_INLINE void AX(smrow)(const double *D, T *y, size_t n, double a, double b, int hasfma)
{
    size_t i;
    for (i = 0; i < n; i++) y[i] = AX(smout)(D[i], a, b, hasfma);
}

CACT_INLINE void AX(logrow_k)(const T *x, T *y, size_t n, T m, double ls, int neg, int pinf)
{
    size_t i;
    if (x == y) {
        for (i = 0; i < n; i++) y[i] = AX(logout)(AX(ld)(y[i], neg), m, ls, pinf);
    } else {
        const T *CACT_RESTRICT xr = x;
        T *CACT_RESTRICT yr = y;
        for (i = 0; i < n; i++) yr[i] = AX(logout)(AX(ld)(xr[i], neg), m, ls, pinf);
    }
}

CACT_INLINE void AX(logrow)(const T *x, T *y, size_t n, T m, double ls, int neg, int pinf)
{
    if (pinf) AX(logrow_k)(x, y, n, m, ls, neg, 1);
    else AX(logrow_k)(x, y, n, m, ls, neg, 0);
}

/* the max and the min of d = v - r over a row, v = -x or x, r one value
 * (rstep 0) or one per entry (rstep 1) (NaN ignored by both), in four sets
 * of L lanes: four independent vectors per chain, so that the loop runs at
 * the max instructions' throughput, not their latency.  One set measured
 * 0.84 TSC cycles per element for float64 (the Xeon, AVX-512, (1024,
 * 1024)), four 0.44; float32 0.20 and 0.19, bound by reading the row.  max
 * and min are exact: the lanes change no bits. */
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
    for (k = 0; k < L; k++) h0[k] = h1[k] = h2[k] = h3[k] = -(T)INFINITY, l0[k] = l1[k] = l2[k] = l3[k] = (T)INFINITY;
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
 * some column's max is +inf.  (Four rows per sweep, loading and storing m
 * and mlo once per four entries, measured no faster: 1 to 4% slower.) */
CACT_INLINE int AX(tileminmax)(const T *x, size_t len, size_t inner, size_t nb, int neg, T *m, T *mlo)
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

/* Columns per tile for an [len, inner] block: all of them up to
 * CACT__AX_BMAX, else the fewest equal tiles of at most that many (a
 * multiple of 16 but the last).  Wide tiles, because a tile is nb columns
 * of every row, nb contiguous entries then a jump of a row: where the row
 * is a power of two bytes long, narrow tiles use a fraction of the cache
 * sets (a 1 KB piece of each 4 KB row: a quarter of L1 and L2) and the
 * hardware prefetchers see short runs.  Measured (C loop, Xeon with
 * AVX-512, 2 MB L2, hugepages; (1024, 1024) axis 0, float32 / float64
 * softmax, ns per element): 256 columns 0.85 / 1.54, 512 0.73 / 1.42, all
 * 1024 0.68 / 1.40, against 0.62 / 1.09 along the last axis (before
 * the row prefetch, pfetch); inner 1040
 * and 1280 and len 256 to 4096 the same ranking.  The three passes over
 * a tile go forwards (max), backwards (exponentials) and forwards
 * (output), so that each starts on the rows the previous one left in
 * cache. */
CACT_INLINE size_t AX(tilew)(size_t inner)
{
    const size_t nt = (inner + CACT__AX_BMAX - 1) / CACT__AX_BMAX;
    return nt <= 1 ? inner : ((inner + nt - 1) / nt + 15) / 16 * 16;
}

/* Prefetch n entries of the next row from its entry i0 (next NULL: there
 * is none), a cache line at a time.  A row's exponential pass runs in steps of CACT__AX_PFC
 * entries, each prefetching the matching piece of the next row, so that
 * the next row's max pass reads it from L1 rather than waiting on L3 or
 * memory: the loads are spread through the compute-bound pass.  Measured
 * (Xeon, AVX-512, C loop, (1024, 1024) float32 softmax, TSC cycles per
 * element): 1.49-1.59 without, 1.33-1.39 with (the max pass 0.15 -> 0.05);
 * all the next row's lines at once before the pass gained nothing.  The
 * steps are multiples of the lanes, so the sums and the bits are those of
 * one run over the row. */
CACT_INLINE void AX(pfetch)(const T *next, size_t i0, size_t n)
{
    size_t b;
    if (!next) return;
    for (b = 0; b < n; b += 64 / sizeof(T)) CACT__AX_PREFETCH(next + i0 + b);
}

#if CACT__BITS == 32
/* ---- float32 rows and tiles in float lanes ----------------------------- */

/* float32 softmax, log_softmax and softmin (all but rows shorter than
 * CACT__AX_SHORT, which rows_short takes across the rows in double) run
 * in float lanes: 16 per AVX-512 vector, twice the double loop's.  The
 * exponential pass is one fused loop over the row (or a tile's row),
 * with no scratch buffer:
 *   - d = v - m as the exact pair zh + zl (Knuth's TwoSum, 6 float
 *     additions: e^d amplifies an absolute error of d by |d|);
 *   - e^(zh + zl) from the math core's float exp (exp_core_f: relative
 *     2^-28 as a float pair), clamped below at -110 (where e^d rounds to 0
 *     in float) unless the row is TAME (below);
 *   - softmax: e rounded to float into y (0.5 ulp + 2^-4), summed in
 *     double lanes (relative len 2^-53); then y *= 1/s with 1/s as a float
 *     pair ah + al, one rounding (fma): within about 1.1 ulp in all;
 *   - log_softmax: d = v - m rounded into y; the sum in double lanes
 *     from the pair's high part, a float sum of its low parts, and the
 *     entries equal to the max (each exactly 1) counted apart, so that
 *     log(s) = log1p((n - 1) + t) keeps the digits of a tiny t; then
 *     y = (d - lh) - ll with log(s) as a float pair: d and the two
 *     subtractions round (|d| <= |y|), within 1.5 ulp.
 * In a plain C loop (benchmarks/axis_loop.c, AVX-512, (1024, 1024)) the
 * exponential pass of a TAME row takes 0.44 ns/element (softmax; 0.50
 * log_softmax), against 0.6-0.7 for the double loop it replaces (e^d
 * rounded to float from an 8-lane double exp). */

#define CACT__AX_2M64 5.42101086e-20f   /* 2^-64: the core's scale s is 2^(n+64) */

/* How a row (or tile) is taken, picked per row from its max m and min:
 * TAME when every d >= -80 (no clamp needed; every e^d is normal),
 * PINF when m = +inf (d = 0 at the +inf entries, -inf elsewhere), GEN
 * otherwise; each loop is compiled for each. */
#define CACT__AX_GEN 0
#define CACT__AX_PINF 1
#define CACT__AX_TAME 2

CACT_INLINE int AX(mode)(T m, T mn)
{
    return m == (T)INFINITY ? CACT__AX_PINF : mn - m >= -80.0f ? CACT__AX_TAME : CACT__AX_GEN;
}

/* e^(v - m) for v <= m in the core's raw form: (1 + r + p) s 2^-64;
 * full 0 takes the core's lighter variant (2^-25.5) */
CACT_INLINE cact__fexp AX(expvm)(float v, float m, int hasfma, int mode, int full)
{
    float zh = v - m, bb = zh - v;
    float zl = (v - (zh - bb)) + (-m - bb);
    if (mode != CACT__AX_TAME) {
        const int low = zh < -110.0f;       /* -inf and huge gaps too; NaN passes */
        zh = low ? -110.0f : zh;
        zl = low ? 0.0f : zl;
    }
    if (mode == CACT__AX_PINF) {            /* v == m == +inf: d = 0 (the limit) */
        const int z = v == m;
        zh = z ? 0.0f : zh;
        zl = z ? 0.0f : zl;
    }
#if CACT_DISPATCH
    return hasfma ? cact__exp_core_fx_v4(zh, zl, full) : cact__exp_core_fx_base(zh, zl, full);
#else
    (void)hasfma;
    return cact__exp_core_fx_base(zh, zl, full);
#endif
}

/* y_k = e^(v_k - m_k) rounded to float and s_k += y_k, for k < n (<= L);
 * m one value (mstep 0) or one per entry (mstep 1).  x and y may be the
 * same array: the entries are read into a local block first. */
CACT_INLINE void AX(eblk)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                          int neg, int hasfma, int mode)
{
    T xt[L], yt[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        cact__fexp e = AX(expvm)(xt[k], m[mstep * k], hasfma, mode, 1);
        const float h = 1.0f + e.r, l = ((1.0f - h) + e.r) + e.p;   /* Fast2Sum: |r| < 1 */
        yt[k] = ((h + l) * e.s) * CACT__AX_2M64;        /* one rounding: h + l; exact or subnormal */
        s[k] += yt[k];
    }
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* the log_softmax sums of a block, and y_k = d_k rounded to float (the
 * output pass subtracts log(s) from it: y is written here, in the pass
 * that computes, rather than in the light output pass, where a long row's
 * first write to y would wait on memory): entries equal to the max counted in
 * c (their e^d is exactly 1), the others' e^d 2^64 as a float pair (the
 * core's lighter exp, 1 + r + p with r + p rounded once: relative 2^-25): the high
 * parts summed in double, the low parts (each within 2^-24 of its term)
 * in float; unscaled, the caller multiplies the sums by 2^-64 (exact) */
CACT_INLINE void AX(lblk)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                          float *CACT_RESTRICT sl, uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
{
    T xt[L], yt[L], hs[L], ls[L];
    uint32_t on[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        const T mk = m[mstep * k];
        const int one = xt[k] == mk;
        /* below the clamp: e^d < 2^-158, left out (-inf adds exactly 0) */
        const int skip = one | ((mode != CACT__AX_TAME) & (xt[k] - mk < -110.0f));
        cact__fexp e = AX(expvm)(xt[k], mk, hasfma, mode, 0);
        /* 1 + u, u = r + p rounded (2^-26), as the exact pair eh + el
         * (Fast2Sum), |el| <= ulp(eh)/2: the term within 2^-25.5 */
        const float u = e.r + e.p, eh = 1.0f + u, el = (1.0f - eh) + u;
        on[k] = one ? 1u : 0u;
        yt[k] = mode == CACT__AX_PINF && one ? 0.0f : xt[k] - mk;   /* d, rounded */
        hs[k] = skip ? 0.0f : eh * e.s;                 /* exact: s >= 2^-95 */
        ls[k] = skip ? 0.0f : el * e.s;
    }
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) s[k] += hs[k];
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) sl[k] += ls[k];
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) c[k] += on[k];
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* 1/s or log(s) (from finish) as a float pair */
CACT_INLINE void AX(split)(double a, float *h, float *l)
{
    *h = (float)a;
    *l = (float)(a - (double)*h);
}

/* y_i = y_i (ah + al) rounded once; without fma, y_i a in double (the same
 * one rounding of a product good to 2^-48) */
CACT_INLINE T AX(scale1)(T v, float ah, float al, double a, int hasfma)
{
    return hasfma ? fmaf(v, ah, v * al) : (T)((double)v * a);
}

/* eblk / lblk over a contiguous run of n entries: whole blocks, then one
 * partial block (padded with -inf, which adds 0); each loop compiled for
 * each mode */
CACT_INLINE void AX(erun_k)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                            int neg, int hasfma, int mode)
{
    size_t i;
    for (i = 0; i + L <= n; i += L) AX(eblk)(x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, neg, hasfma, mode);
    if (i < n)      /* the -inf padding needs the clamp: GEN gives the other entries the same bits */
        AX(eblk)(x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, neg, hasfma,
                 mode == CACT__AX_TAME ? CACT__AX_GEN : mode);
}

CACT_INLINE void AX(erun)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                          int neg, int hasfma, int mode)
{
    if (mode == CACT__AX_TAME) AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_TAME);
    else if (mode == CACT__AX_PINF) AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_PINF);
    else AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_GEN);
}

CACT_INLINE void AX(lrun_k)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                            float *CACT_RESTRICT sl, uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
{
    size_t i;
    for (i = 0; i + L <= n; i += L)
        AX(lblk)(x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, sl + mstep * i, c + mstep * i, neg, hasfma, mode);
    if (i < n)
        AX(lblk)(x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, sl + mstep * i, c + mstep * i, neg, hasfma,
                 mode == CACT__AX_TAME ? CACT__AX_GEN : mode);
}

CACT_INLINE void AX(lrun)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                          float *CACT_RESTRICT sl, uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
{
    if (mode == CACT__AX_TAME) AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_TAME);
    else if (mode == CACT__AX_PINF) AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_PINF);
    else AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_GEN);
}

/* y = (d - lh) - ll over a run, y holding d (lh, ll one value or one
 * per entry) */
CACT_INLINE void AX(logrun)(T *y, size_t n, const float *CACT_RESTRICT lh, const float *CACT_RESTRICT ll,
                            int mstep)
{
    size_t i;
    for (i = 0; i < n; i++) y[i] = (y[i] - lh[mstep * i]) - ll[mstep * i];
}

/* y *= 1/s over a run */
CACT_INLINE void AX(scalerun)(T *y, size_t n, const float *CACT_RESTRICT ah, const float *CACT_RESTRICT al,
                              const double *CACT_RESTRICT a, int mstep,
                              int hasfma)
{
    size_t i;
    for (i = 0; i < n; i++) y[i] = AX(scale1)(y[i], ah[mstep * i], al[mstep * i], a[mstep * i], hasfma);
}

/* Counts of max entries are uint32 lanes, flushed into double before any
 * can wrap: every CACT__AX_CNT tile rows, and along a row every
 * CACT__AX_CNT / CACT__AX_PFC steps (a step adds at most CACT__AX_PFC / L
 * to a lane). */
#define CACT__AX_CNT ((size_t)1 << 30)

/* One float32 row of any length (>= CACT__AX_SHORT in practice) */
CACT_INLINE void AX(row_f)(const T *x, T *y, size_t len, const T *next, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    double s[L], st = 0.0, nt = 0.0, a, b;
    float sl[L], ah, al;
    uint32_t c[L];
    size_t i0;
    int k;
    T mn, m = AX(rowminmax)(x, len, neg, &mn);
    const int mode = AX(mode)(m, mn);
    for (k = 0; k < L; k++) s[k] = 0.0, sl[k] = 0.0f, c[k] = 0;
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) {      /* steps: see pfetch */
        const size_t nn = len - i0 < CACT__AX_PFC ? len - i0 : CACT__AX_PFC;
        AX(pfetch)(next, i0, nn);
        if (lg) {
            AX(lrun)(x + i0, y + i0, nn, &m, 0, s, sl, c, neg, hasfma, mode);
            if ((i0 / CACT__AX_PFC + 1) % (CACT__AX_CNT / CACT__AX_PFC) == 0)
                for (k = 0; k < L; k++) nt += (double)c[k], c[k] = 0;
        } else {
            AX(erun)(x + i0, y + i0, nn, &m, 0, s, neg, hasfma, mode);
        }
    }
    for (k = 0; k < L; k++) nt += (double)c[k], c[k] = 0;
    /* lanes combined in a fixed order (same bits at every ISA level) */
    for (k = 0; k < L; k++) st += s[k];
    for (k = 0; k < L; k++) st += (double)sl[k];
    if (lg) st *= 5.421010862427522e-20;        /* 2^-64 */
    AX(finish)(st, 0.0, nt, lg, &a, &b);
    AX(split)(a, &ah, &al);
    if (lg) AX(logrun)(y, len, &ah, &al, 0);
    else AX(scalerun)(y, len, &ah, &al, &a, 0, hasfma);
}

/* One [len, inner] block (inner > 1) in tiles of up to CACT__AX_BMAX
 * columns: each pass walks a tile row by row, in float lanes across its
 * columns (contiguous), with one set of sums per column */
CACT_INLINE void AX(cols_f)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    T m[CACT__AX_BMAX], mlo[CACT__AX_BMAX];
    double S[CACT__AX_BMAX], N[CACT__AX_BMAX], A[CACT__AX_BMAX];
    float slo[CACT__AX_BMAX], ahi[CACT__AX_BMAX], alo[CACT__AX_BMAX];
    uint32_t C[CACT__AX_BMAX];
    size_t j0;
    const size_t w = AX(tilew)(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        int pinf, mode = CACT__AX_TAME;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        for (j = 0; j < nb; j++) mode = AX(mode)(m[j], mlo[j]) == CACT__AX_TAME ? mode : CACT__AX_GEN;
        if (pinf) mode = CACT__AX_PINF;
        for (j = 0; j < nb; j++) S[j] = N[j] = 0.0, slo[j] = 0.0f, C[j] = 0;
        for (i = len; i-- > 0;) {       /* backwards: see tilew */
            if (lg) {
                AX(lrun)(xt + i * inner, yt + i * inner, nb, m, 1, S, slo, C, neg, hasfma, mode);
                if ((len - i) % CACT__AX_CNT == 0 || i == 0)
                    for (j = 0; j < nb; j++) N[j] += (double)C[j], C[j] = 0;
            } else {
                AX(erun)(xt + i * inner, yt + i * inner, nb, m, 1, S, neg, hasfma, mode);
            }
        }
        for (j = 0; j < nb; j++) {
            double b;
            AX(finish)((S[j] + (double)slo[j]) * (lg ? 5.421010862427522e-20 : 1.0), 0.0, N[j], lg, &A[j], &b);
            AX(split)(A[j], &ahi[j], &alo[j]);
        }
        for (i = 0; i < len; i++) {
            if (lg) AX(logrun)(yt + i * inner, nb, ahi, alo, 1);
            else AX(scalerun)(yt + i * inner, nb, ahi, alo, A, 1, hasfma);
        }
    }
}
#endif

/* ---- the last axis (inner == 1) ---------------------------------------- */

#if CACT__BITS == 64
/* ---- float64 rows and tiles: one fused exponential pass ------------------ */

/* The same layout as float32's (above), in double lanes and with
 * float64's arithmetic: e^(hi + lo) from exp_hl, Kahan sums per lane, and
 * the output from the double-double 1/s (smout).  A row whose entries all
 * lie within 700 of its max (TAME, as float32's within 80) takes exp_hl
 * without its clamp and with one scaling factor instead of two: the same
 * bits, about 15% less time per element (C loop, Zen 3, (1024, 1024)).
 * Each block stores its results into y (e for softmax, d = x - max for log_softmax) in the
 * pass that computes them; the light output pass then rewrites y in
 * place.  The lanes and the order of every sum are those of the
 * scratch-buffer loops this replaced (entry i in lane i mod L), so the bits
 * are the same; what changed is that e no longer goes through a scratch
 * buffer and a second pass over it. */

/* One block of k < n (<= L) entries: the Kahan sums of e^(v_k - m_k)
 * (log_softmax, lg: the terms equal to 1 counted in cnt, acc1) and
 * y_k = e^d_k (softmax) or d_k (log_softmax) */
CACT_INLINE void AX(blk)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                         double *CACT_RESTRICT c, double *CACT_RESTRICT cnt, int lg, int neg, int hasfma,
                         int pinf, int tame)
{
    T xt[L], yt[L];
    double e[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        double lo = 0.0, hi = AX(diff)(xt[k], m[mstep * k], &lo, pinf);
        e[k] = AX(exp_hl)(hi, lo, hasfma, tame);
        yt[k] = lg ? hi : e[k];
    }
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++)
        if ((size_t)k < n) AX(acc1)(&s[k], &c[k], &cnt[k], e[k], lg);
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* the blocks over a contiguous run of n entries (m and the sums one per
 * lane, mstep 0, or one per entry, mstep 1); compiled for softmax and
 * log_softmax, with the +inf-max select (pinf), for a tame row (every
 * d >= -700: exp_hl needs no clamp and scales once; the partial block,
 * padded with -inf, takes the general loop: the same bits), or neither */
CACT_INLINE void AX(run_k)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                           double *CACT_RESTRICT c, double *CACT_RESTRICT cnt, int lg, int neg, int hasfma,
                           int pinf, int tame)
{
    size_t i;
    for (i = 0; i + L <= n; i += L)
        AX(blk)(x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, c + mstep * i, cnt + mstep * i,
                lg, neg, hasfma, pinf, tame);
    if (i < n)
        AX(blk)(x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, c + mstep * i, cnt + mstep * i,
                lg, neg, hasfma, pinf, 0);
}

CACT_INLINE void AX(run)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                         double *CACT_RESTRICT c, double *CACT_RESTRICT cnt, int lg, int neg, int hasfma, int pinf,
                         int tame)
{
    if (lg && pinf) AX(run_k)(x, y, n, m, mstep, s, c, cnt, 1, neg, hasfma, 1, 0);
    else if (lg && tame) AX(run_k)(x, y, n, m, mstep, s, c, cnt, 1, neg, hasfma, 0, 1);
    else if (lg) AX(run_k)(x, y, n, m, mstep, s, c, cnt, 1, neg, hasfma, 0, 0);
    else if (pinf) AX(run_k)(x, y, n, m, mstep, s, c, cnt, 0, neg, hasfma, 1, 0);
    else if (tame) AX(run_k)(x, y, n, m, mstep, s, c, cnt, 0, neg, hasfma, 0, 1);
    else AX(run_k)(x, y, n, m, mstep, s, c, cnt, 0, neg, hasfma, 0, 0);
}

/* the output pass over a run, in place: softmax y = e / s (smout: e (a +
 * b) rounded once), log_softmax y = d - log(s) */
CACT_INLINE void AX(outrun)(T *y, size_t n, const double *CACT_RESTRICT a, const double *CACT_RESTRICT b,
                            int mstep, int lg, int hasfma)
{
    size_t i;
    if (lg) for (i = 0; i < n; i++) y[i] = y[i] - a[mstep * i];
    else for (i = 0; i < n; i++) y[i] = AX(smout)(y[i], a[mstep * i], b[mstep * i], hasfma);
}

/* One float64 row of any length (>= CACT__AX_SHORT in practice) */
CACT_INLINE void AX(row)(const T *x, T *y, size_t len, const T *next, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    double s[L], c[L], n[L], st = 0.0, ct = 0.0, nt = 0.0, a, b;
    size_t i0;
    int k;
    T mn, m = AX(rowminmax)(x, len, neg, &mn);
    const int pinf = m == (T)INFINITY, tame = m < (T)INFINITY && mn - m >= -700.0;
    for (k = 0; k < L; k++) s[k] = c[k] = n[k] = 0.0;
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) {      /* steps: see pfetch */
        const size_t nn = len - i0 < CACT__AX_PFC ? len - i0 : CACT__AX_PFC;
        AX(pfetch)(next, i0, nn);
        AX(run)(x + i0, y + i0, nn, &m, 0, s, c, n, lg, neg, hasfma, pinf, tame);
    }
    /* lanes combined in a fixed order (same bits at every ISA level) */
    for (k = 0; k < L; k++) {
        AX(acc1)(&st, &ct, &nt, s[k], 0);
        ct += c[k];
        nt += n[k];
    }
    AX(finish)(st, ct, nt, lg, &a, &b);
    AX(outrun)(y, len, &a, &b, 0, lg, hasfma);
}

/* One float64 [len, inner] block (inner > 1) in tiles of up to
 * CACT__AX_BMAX columns, walked row by row across the columns; a tile is
 * TAME when each of its columns is.  log_softmax only: softmax and
 * softmin take cols_ref (below), without the max pass. */
CACT_INLINE void AX(cols)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    T m[CACT__AX_BMAX], mlo[CACT__AX_BMAX];
    double S[CACT__AX_BMAX], C[CACT__AX_BMAX], N[CACT__AX_BMAX], A[CACT__AX_BMAX], B[CACT__AX_BMAX];
    size_t j0;
    const size_t w = AX(tilew)(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        int pinf, tame = 1;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        /* TAME tiles as TAME rows: every column within 700 of its max */
        for (j = 0; j < nb; j++) tame &= m[j] < (T)INFINITY && mlo[j] - m[j] >= -700.0;
        for (j = 0; j < nb; j++) S[j] = C[j] = N[j] = 0.0;
        for (i = len; i-- > 0;)         /* backwards: see tilew */
            AX(run)(xt + i * inner, yt + i * inner, nb, m, 1, S, C, N, lg, neg, hasfma, pinf, tame && !pinf);
        for (j = 0; j < nb; j++) AX(finish)(S[j], C[j], N[j], lg, &A[j], &B[j]);
        for (i = 0; i < len; i++) AX(outrun)(yt + i * inner, nb, A, B, 1, lg, hasfma);
    }
}

/* ---- float64 softmax and softmin of other axes: a reference max --------- */

/* The three passes of cols read a tile from memory three times (max,
 * exponentials, output), and a [1024, 1024] block cannot stay in L2
 * between them.  softmax and softmin (not log_softmax, whose result near
 * 0 needs its sums relative to the true max) do without the max pass:
 *   - each column's reference r is the max of the tile's first
 *     CACT__AX_REFK rows (the exact max where that sample holds no number
 *     above -inf, or where the column is no longer than the sample);
 *   - one pass walks the rows forwards, as along the last axis: it scans
 *     a row's d = v - r (rowscan, from L1: the previous row's pass
 *     prefetched it), then computes e^d, the Kahan sums and y = e^d.  A
 *     row is TAME when every d >= -700 (no clamp; see exp_hl);
 *   - softmax is e^(v - r) / sum e^(v - r) for any r: the sum is at least
 *     1 (the sample's max entry adds e^0) and each term at most
 *     e^CACT__AX_OVER, so nothing overflows, and the error budget is that
 *     of the exact max (exp_hl's relative error does not depend on the
 *     sign of d);
 *   - an entry more than CACT__AX_OVER above its column's r (or +inf)
 *     rebases that column, at most once (rebase).
 * Each column's bits depend on its own entries only (and on the shape,
 * which picks cols or this).  In a C loop (Xeon, AVX-512, (1024, 1024)
 * float64 softmax axis 0, hugepage buffers) this measured 1.19 ns/element
 * against 1.38 for the three passes (TSC cycles per element: row scans
 * 0.16, exponentials 2.6, output 0.66), and 0.91 along the last axis;
 * 0.78-0.90 of the three passes' time from 128 columns and 256 rows up,
 * about even at 64, 1.1-1.3 times at 16 to 32 columns (a scan per row
 * of a few vectors) or 20 to 32 rows (the sample is most of a max pass):
 * blocks narrower or shorter than CACT__AX_REFMIN keep the three passes. */

/* Rebase a column at row ib (the first row with an entry more than
 * CACT__AX_OVER above r, or +inf; its rows before ib hold e^(v - r)) to
 * rn = the max of its rows ib.., so that it rebases once.  cols_ref takes
 * every column's max of its rows i0.. in one pass over the tile at the
 * first such row i0 of the tile: for a column that rebases at ib >= i0
 * that is the max of its rows ib.. (its rows i0..ib-1 lie within
 * CACT__AX_OVER of r, below the entry at ib).  The column's sums are
 * scaled by F = e^(r - rn) now, and its rows before ib will
 * be in the output pass, as e F (A + B) with F = (fh + fl) 2^q s: fh + fl
 * in [1, 2) a double-double (exp_dd, relative 2^-59), 2^q normal and s
 * exp_dd's own scale, so that a result that is a normal double comes from
 * one rounding (smout) and a subnormal one from at most two.  F = 0 where
 * every such result rounds to 0 (below).  The arithmetic (exp_dd's baseline
 * instantiation, exact powers of two) gives the same bits at every level.
 * 2^q and s = 2^t go back as (q + 1024) 2048 + t + 1024 in *qt.  Returns
 * whether rn = +inf.  Not inlined: inlined, gcc if-converted the loop
 * over a row's columns that calls it and vectorized it, taking exp_dd for
 * every column of every row with a rebase (a diagonal of large entries in
 * a (1024, 1024) block: 8.8 ns per element instead of 2.6). */
static CACT_UNUSED CACT__NOINLINE CACT__OPTIMIZE int AX(rebase)(double rn, T *r, double *S, double *C, double *fh,
                                                               double *fl, double *qt)
{
    const double rj = *r;
    cact__dds e;
    e.h = e.l = 0.0, e.s = 1.0;
    if (rn - rj < 1400.0) {
        const double dh = rj - rn, bb = dh - rj, dl = (rj - (dh - bb)) + (-rn - bb);   /* TwoSum */
        e = cact__exp_dd_base(dh, dl);
    }
    /* the rows done hold terms of S, so each of their results is at most
     * S F / (the final sum, >= 1): where S F < 2^-1077 all round to 0, and
     * F = 0 gives them without subnormal arithmetic (2^60 and 2^-1017 keep
     * the test in normal numbers) */
    if ((*S * e.h * 1.152921504606847e+18) * e.s < 7.120236347223045e-307) {
        *fh = 0.0, *fl = 0.0, *qt = 1024.0 * 2048.0 + 1024.0;
        *S = *S * 0.0;      /* NaN stays */
        *C = *C * 0.0;
    } else {
        const uint64_t u = cact__bits(e.h), v = cact__bits(e.s);    /* both normal */
        const int q = (int)((u >> 52) & 0x7ff) - 1023, t = (int)((v >> 52) & 0x7ff) - 1023;
        *qt = (double)(q + 1024) * 2048.0 + (double)(t + 1024);    /* both in [1, 2047] */
        *fh = cact__from_bits((u & 0x000fffffffffffffULL) | (1023ULL << 52));
        *fl = e.l * cact__pow2i((double)-q);
        *S = *S * e.h * e.s;
        *C = *C * e.h * e.s;
    }
    *r = rn;
    return rn == (T)INFINITY;
}

CACT_INLINE void AX(cols_ref)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN;
    /* seven arrays, 56 KB, some in two roles: during the exponential pass
     * r, S, C, after a tile's first rebase each column's max of the rows
     * left (fh), and for rebased columns F (fh, fl, q, t) and the row ib
     * (in A and B, unused there; fh is also run's count argument, which
     * softmax does not touch); in the output pass A, B, and for rebased
     * columns (a1 + b1) = (fh + fl)(A + B) in fh, fl, 2^q in r, s = 2^t
     * in S, ib in C */
    T r[CACT__AX_BMAX];
    double S[CACT__AX_BMAX], C[CACT__AX_BMAX], A[CACT__AX_BMAX], B[CACT__AX_BMAX];
    double fh[CACT__AX_BMAX], fl[CACT__AX_BMAX];
    size_t j0;
    const size_t w = AX(tilew)(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        double ibmax;
        int pinf, exact = 0, rebased = 0;
        /* the references: the sample's max, or the exact max (into fh) for a
         * column whose sample has no number above -inf (fixmax gave NaN) */
        pinf = AX(tileminmax)(xt, len < CACT__AX_REFK ? len : CACT__AX_REFK, inner, nb, neg, r, fl);
        for (j = 0; j < nb; j++) exact |= r[j] != r[j];
        if (exact && len > CACT__AX_REFK) {
            pinf = AX(tileminmax)(xt, len, inner, nb, neg, fh, fl);
            for (j = 0; j < nb; j++) r[j] = r[j] != r[j] ? fh[j] : r[j];
        }
        for (j = 0; j < nb; j++) S[j] = C[j] = B[j] = 0.0;
        for (i = 0; i < len; i++) {
            const T *xi = xt + i * inner, *next = i + 1 < len ? xi + inner : 0;
            T *yi = yt + i * inner;
            T dmax, dmin;
            size_t i0;
            int tame;
            AX(rowscan)(xi, r, 1, nb, neg, &dmax, &dmin);
            if (dmax > CACT__AX_OVER) {
                if (!rebased)   /* every column's max of its rows i.. (see rebase), into fh */
                    AX(tileminmax)(xi, len - i, inner, nb, neg, fh, fl);
                rebased = 1;
                for (j = 0; j < nb; j += L) {   /* the columns to rebase, a block of L at a time */
                    const size_t ne = nb - j < L ? nb - j : L;
                    T bm, bl;
                    size_t k;
                    AX(rowscan)(xi + j, r + j, 1, ne, neg, &bm, &bl);
                    if (bm > CACT__AX_OVER)
                        for (k = j; k < j + ne; k++)
                            if (AX(ld)(xi[k], neg) - r[k] > CACT__AX_OVER) {
                                pinf |= AX(rebase)(fh[k], &r[k], &S[k], &C[k], &fh[k], &fl[k], &A[k]);
                                B[k] = (double)i;       /* i > 0: row 0 is in the sample */
                            }
                }
                AX(rowscan)(xi, r, 1, nb, neg, &dmax, &dmin);
            }
            tame = !pinf && dmin >= -700.0;
            for (i0 = 0; i0 < nb; i0 += CACT__AX_PFC) {   /* steps: see pfetch */
                const size_t nn = nb - i0 < CACT__AX_PFC ? nb - i0 : CACT__AX_PFC;
                AX(pfetch)(next, i0, nn);
                AX(run)(xi + i0, yi + i0, nn, r + i0, 1, S + i0, C + i0, fh + i0, 0, neg, hasfma, pinf, tame);
            }
        }
        if (!rebased) {
            for (j = 0; j < nb; j++) AX(finish)(S[j], C[j], 0.0, 0, &A[j], &B[j]);
            /* backwards: the last rows written are still in L2 */
            for (i = len; i-- > 0;) AX(outrun)(yt + i * inner, nb, A, B, 1, 0, hasfma);
            continue;
        }
        for (j = 0; j < nb; j++) {
            const double qt = A[j], ib = B[j];
            double a, b;
            AX(finish)(S[j], C[j], 0.0, 0, &a, &b);
            A[j] = a, B[j] = b, C[j] = ib;
            if (ib > 0.0) {
                const double qq = (double)(long)(qt / 2048.0), a1 = fh[j] * a;
                fl[j] = fma(fh[j], b, fma(fl[j], a, fma(fh[j], a, -a1)));
                fh[j] = a1;
                r[j] = cact__pow2i(qq - 1024.0);
                S[j] = cact__pow2i(qt - qq * 2048.0 - 1024.0);
            } else {
                fh[j] = a, fl[j] = b, r[j] = S[j] = 1.0;
            }
        }
        /* backwards: the last rows written are still in L2; rows from the
         * last rebase on take the plain loop, the others pick each column's
         * constants (rows before its rebase: a1, b1 and 2^q s; after: A, B
         * and 1, the plain loop's bits) */
        ibmax = 0.0;
        for (j = 0; j < nb; j++) ibmax = C[j] > ibmax ? C[j] : ibmax;
        for (i = len; i-- > 0;) {
            T *yi = yt + i * inner;
            const double di = (double)i;
            if (di >= ibmax) {
                AX(outrun)(yi, nb, A, B, 1, 0, hasfma);
                continue;
            }
            for (j = 0; j < nb; j++) {
                const int old = di < C[j];
                const double a = old ? fh[j] : A[j], b = old ? fl[j] : B[j];
                const double p = old ? r[j] : 1.0, ps = old ? S[j] : 1.0;
                yi[j] = AX(smout)(yi[j], a, b, hasfma) * p * ps;
            }
        }
    }
}
#endif


/* Rows shorter than CACT__AX_SHORT, up to CACT__AX_QMAX at a time: the
 * reductions run across the rows (row q in lane q), so they are not one
 * short dependency chain per row, and the exponentials of all those rows
 * are one flat loop. */
CACT_INLINE void AX(rows_short)(const T *x, T *y, size_t nrows, size_t len, int op,
                                double *D, double *Dlo, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    size_t qmax = CACT__AX_CHUNK / len, r0;
    T M[CACT__AX_QMAX];
    double S[CACT__AX_QMAX], C[CACT__AX_QMAX], N[CACT__AX_QMAX], A[CACT__AX_QMAX], B[CACT__AX_QMAX];
    if (qmax > CACT__AX_QMAX) qmax = CACT__AX_QMAX;
    for (r0 = 0; r0 < nrows; r0 += qmax) {
        size_t nq = nrows - r0 < qmax ? nrows - r0 : qmax, q, i;
        const T *xq = x + r0 * len;
        T *yq = y + r0 * len;
        for (q = 0; q < nq; q++) M[q] = -(T)INFINITY;
        for (i = 0; i < len; i++)
            for (q = 0; q < nq; q++) M[q] = AX(max2)(M[q], AX(ld)(xq[q * len + i], neg));
        for (q = 0; q < nq; q++) M[q] = AX(fixmax)(M[q]);
        for (q = 0; q < nq; q++)
            AX(fill)(xq + q * len, D + q * len, Dlo + q * len, len, M[q], neg, M[q] == (T)INFINITY);
        AX(expflat)(D, Dlo, nq * len, hasfma);
        for (q = 0; q < nq; q++) S[q] = C[q] = N[q] = 0.0;
        for (i = 0; i < len; i++)
            for (q = 0; q < nq; q++) AX(acc1)(&S[q], &C[q], &N[q], D[q * len + i], lg);
        for (q = 0; q < nq; q++) AX(finish)(S[q], C[q], N[q], lg, &A[q], &B[q]);
        for (q = 0; q < nq; q++) {
            if (lg) AX(logrow)(xq + q * len, yq + q * len, len, M[q], A[q], neg, M[q] == (T)INFINITY);
            else AX(smrow)(D + q * len, yq + q * len, len, A[q], B[q], hasfma);
        }
    }
}

/* ---- other axes (inner > 1): tiles of columns --------------------------- */


/* softmax, log_softmax and softmin of an [outer, len, inner] array */
CACT_INLINE void AX(softmax_body)(const T *x, T *y, size_t outer, size_t len, size_t inner, int op,
                                  int hasfma)
{
    double D[CACT__AX_CHUNK];
#if CACT__BITS == 64
    double Dlo[CACT__AX_CHUNK];
#else
    double *Dlo = D;            /* unused for float32 */
#endif
    size_t o;
    if (outer == 0 || len == 0 || inner == 0) return;
    if (inner == 1) {
        if (len < CACT__AX_SHORT) {
            AX(rows_short)(x, y, outer, len, op, D, Dlo, hasfma);
        } else {
#if CACT__BITS == 32
            for (o = 0; o < outer; o++)
                AX(row_f)(x + o * len, y + o * len, len, o + 1 < outer ? x + (o + 1) * len : 0, op, hasfma);
#else
            for (o = 0; o < outer; o++)
                AX(row)(x + o * len, y + o * len, len, o + 1 < outer ? x + (o + 1) * len : 0, op, hasfma);
#endif
        }
    } else {
        for (o = 0; o < outer; o++)
#if CACT__BITS == 32
            AX(cols_f)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
#else
            if (op == CACT__AX_LOG_SOFTMAX || inner < CACT__AX_REFMIN || len < CACT__AX_REFMIN)
                AX(cols)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
            else
                AX(cols_ref)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
#endif
    }
}

/* ---- maxout ------------------------------------------------------------ */

/* max that propagates NaN: a NaN accumulator stays, a NaN value enters */
CACT_INLINE T AX(nanmax)(T acc, T v) { return (v > acc || v != v) ? v : acc; }

/* inner == 1: y[g] = max of x[g p .. g p + p); p a compile-time constant
 * after inlining for the common small cases */
CACT_INLINE void AX(maxout_rows)(const T *CACT_RESTRICT x, T *CACT_RESTRICT y, size_t ng, size_t p)
{
    size_t g, k;
    for (g = 0; g < ng; g++) {
        T acc = x[g * p];
        for (k = 1; k < p; k++) acc = AX(nanmax)(acc, x[g * p + k]);
        y[g] = acc;
    }
}

CACT_INLINE void AX(maxout_body)(const T *x, T *y, size_t outer, size_t len, size_t inner, size_t pieces,
                                 int hasfma)
{
    const T *CACT_RESTRICT xr = x;
    T *CACT_RESTRICT yr = y;
    size_t ng, o, g, k, j;
    (void)hasfma;
    if (pieces == 0 || outer == 0 || len == 0 || inner == 0) return;
    ng = len / pieces;
    if (inner == 1) {
        size_t n = outer * ng;          /* groups are contiguous across rows */
        switch (pieces) {
        case 1: for (g = 0; g < n; g++) yr[g] = xr[g]; break;
        case 2: AX(maxout_rows)(xr, yr, n, 2); break;
        case 3: AX(maxout_rows)(xr, yr, n, 3); break;
        case 4: AX(maxout_rows)(xr, yr, n, 4); break;
        default: AX(maxout_rows)(xr, yr, n, pieces); break;
        }
        return;
    }
    for (o = 0; o < outer; o++) {
        for (g = 0; g < ng; g++) {
            const T *xg = xr + (o * len + g * pieces) * inner;
            T *yg = yr + (o * ng + g) * inner;
            for (j = 0; j < inner; j++) yg[j] = xg[j];
            for (k = 1; k < pieces; k++) {
                const T *xk = xg + k * inner;
                for (j = 0; j < inner; j++) yg[j] = AX(nanmax)(yg[j], xk[j]);
            }
        }
    }
}

/* ---- prelu ------------------------------------------------------------- */

/* x where x >= 0, else w x; with w == 0 the limit at x = -inf is -0 (the
 * sign of 0 * x), not 0 * inf = NaN.  NaN stays NaN. */
CACT_INLINE T AX(prelu1)(T v, T w)
{
    T p = w * v;
    p = (w == 0 && v < 0) ? -w : p;
    return v >= 0 ? v : p;
}

CACT_INLINE void AX(prelu_run)(const T *x, T *y, size_t n, T w)
{
    size_t i;
    if (x == y) {
        for (i = 0; i < n; i++) y[i] = AX(prelu1)(y[i], w);
    } else {
        const T *CACT_RESTRICT xr = x;
        T *CACT_RESTRICT yr = y;
        for (i = 0; i < n; i++) yr[i] = AX(prelu1)(xr[i], w);
    }
}

CACT_INLINE void AX(prelu_runv)(const T *x, T *y, size_t n, const T *w)
{
    size_t i;
    if (x == y) {
        for (i = 0; i < n; i++) y[i] = AX(prelu1)(y[i], w[i]);
    } else {
        const T *CACT_RESTRICT xr = x;
        T *CACT_RESTRICT yr = y;
        for (i = 0; i < n; i++) yr[i] = AX(prelu1)(xr[i], w[i]);
    }
}

CACT_INLINE void AX(prelu_body)(const T *x, T *y, size_t outer, size_t channels, size_t inner, const T *w,
                                int hasfma)
{
    size_t o, c;
    (void)hasfma;
    if (outer == 0 || channels == 0 || inner == 0) return;
    if (inner == 1) {
        for (o = 0; o < outer; o++) AX(prelu_runv)(x + o * channels, y + o * channels, channels, w);
        return;
    }
    for (o = 0; o < outer; o++)
        for (c = 0; c < channels; c++) {
            size_t off = (o * channels + c) * inner;
            AX(prelu_run)(x + off, y + off, inner, w[c]);
        }
}

#undef AX
#undef CACT__AXFMA
#undef T
#undef L
