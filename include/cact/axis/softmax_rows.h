/* cact/axis/softmax_rows.h -- softmax, log_softmax and softmin along the
 * last axis (inner == 1), and the block loops that the tiles of other axes
 * (softmax_tiles.h, softmax_refmax.h) run across a tile's row.
 *
 * Per dtype (see axis/common.h).  Three paths:
 *   - rows shorter than CACT__AX_SHORT (both dtypes): several rows at once,
 *     d, e^d and the sums in double (rows_short, at the end);
 *   - float32 rows of CACT__AX_SHORT entries or more: float lanes, on the
 *     math core's float-pair exp (row_f);
 *   - float64 rows of CACT__AX_SHORT entries or more: double lanes, e^d from
 *     cact__ax_exp_hl, Kahan sums (row).
 * The long rows are two passes after the max: one fused pass computes d,
 * e^d and the sums and writes y (e^d for softmax, d for log_softmax; it
 * also prefetches the next row, see pfetch); the output pass rewrites y in
 * place (times 1/s, or minus log(s)).  Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/softmax_rows.h"
#endif

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
 *     in float) unless the row is TAME (axis/common.h);
 *   - softmax: e rounded to float into y (0.5 ulp + 2^-4), summed in
 *     double lanes (relative len 2^-53); then y *= 1/s with 1/s as a float
 *     pair ah + al, one rounding (fma): within about 1.1 ulp in all;
 *   - log_softmax: d = v - m rounded into y; the sum in double lanes
 *     from the pair's high part, a float sum of its low parts, and the
 *     entries equal to the max (each exactly 1) counted apart, so that
 *     log(s) = log1p((n - 1) + t) keeps the digits of a tiny t; then
 *     y = (d - lh) - ll with log(s) as a float pair: d and the two
 *     subtractions round (|d| <= |y|), within 1.5 ulp. */

#  define CACT__AX_2M64 5.42101086e-20f /* 2^-64: the core's scale s is 2^(n+64) */

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
        const int low = zh < -110.0f; /* -inf and huge gaps too; NaN passes */
        zh = low ? -110.0f : zh;
        zl = low ? 0.0f : zl;
    }
    if (mode == CACT__AX_PINF) { /* v == m == +inf: d = 0 (the limit) */
        const int z = v == m;
        zh = z ? 0.0f : zh;
        zl = z ? 0.0f : zl;
    }
    return cact__ax_exp_fx(zh, zl, full, hasfma);
}

/* y_k = e^(v_k - m_k) rounded to float and s_k += y_k, for k < n (<= L);
 * m one value (mstep 0) or one per entry (mstep 1).  x and y may be the
 * same array: the entries are read into a local block first. */
CACT_INLINE void AX(eblk)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT s, int neg, int hasfma, int mode)
{
    T xt[L], yt[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        cact__fexp e = AX(expvm)(xt[k], m[mstep * k], hasfma, mode, 1);
        const float h = 1.0f + e.r, l = ((1.0f - h) + e.r) + e.p; /* Fast2Sum: |r| < 1 */
        yt[k] = ((h + l) * e.s) * CACT__AX_2M64; /* one rounding: h + l; exact or subnormal */
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
CACT_INLINE void AX(lblk)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT s, float *CACT_RESTRICT sl,
                          uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
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
        yt[k] = mode == CACT__AX_PINF && one ? 0.0f : xt[k] - mk; /* d, rounded */
        hs[k] = skip ? 0.0f : eh * e.s;                           /* exact: s >= 2^-95 */
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
CACT_INLINE void AX(erun_k)(const T *x, T *y, size_t n, const T *m, int mstep,
                            double *CACT_RESTRICT s, int neg, int hasfma, int mode)
{
    size_t i;
    for (i = 0; i + L <= n; i += L)
        AX(eblk)(x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, neg, hasfma, mode);
    if (i < n) /* the -inf padding needs the clamp: GEN gives the other entries the same bits */
        AX(eblk)
    (x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, neg, hasfma,
     mode == CACT__AX_TAME ? CACT__AX_GEN : mode);
}

CACT_INLINE void AX(erun)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT s, int neg, int hasfma, int mode)
{
    if (mode == CACT__AX_TAME) AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_TAME);
    else if (mode == CACT__AX_PINF) AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_PINF);
    else AX(erun_k)(x, y, n, m, mstep, s, neg, hasfma, CACT__AX_GEN);
}

CACT_INLINE void AX(lrun_k)(const T *x, T *y, size_t n, const T *m, int mstep,
                            double *CACT_RESTRICT s, float *CACT_RESTRICT sl,
                            uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
{
    size_t i;
    for (i = 0; i + L <= n; i += L) AX(lblk)
    (x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, sl + mstep * i, c + mstep * i, neg,
     hasfma, mode);
    if (i < n) AX(lblk)
    (x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, sl + mstep * i, c + mstep * i, neg,
     hasfma, mode == CACT__AX_TAME ? CACT__AX_GEN : mode);
}

CACT_INLINE void AX(lrun)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT s, float *CACT_RESTRICT sl,
                          uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode)
{
    if (mode == CACT__AX_TAME) AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_TAME);
    else if (mode == CACT__AX_PINF)
        AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_PINF);
    else AX(lrun_k)(x, y, n, m, mstep, s, sl, c, neg, hasfma, CACT__AX_GEN);
}

/* y = (d - lh) - ll over a run, y holding d (lh, ll one value or one
 * per entry) */
CACT_INLINE void AX(logrun)(T *y, size_t n, const float *CACT_RESTRICT lh,
                            const float *CACT_RESTRICT ll, int mstep)
{
    size_t i;
    for (i = 0; i < n; i++) y[i] = (y[i] - lh[mstep * i]) - ll[mstep * i];
}

/* y *= 1/s over a run */
CACT_INLINE void AX(scalerun)(T *y, size_t n, const float *CACT_RESTRICT ah,
                              const float *CACT_RESTRICT al, const double *CACT_RESTRICT a,
                              int mstep, int hasfma)
{
    size_t i;
    for (i = 0; i < n; i++)
        y[i] = AX(scale1)(y[i], ah[mstep * i], al[mstep * i], a[mstep * i], hasfma);
}

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
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) { /* steps: see pfetch */
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
    if (lg) st *= 5.421010862427522e-20; /* 2^-64 */
    AX(finish)(st, 0.0, nt, lg, &a, &b);
    AX(split)(a, &ah, &al);
    if (lg) AX(logrun)(y, len, &ah, &al, 0);
    else AX(scalerun)(y, len, &ah, &al, &a, 0, hasfma);
}

#else
/* ---- float64 rows and tiles: one fused exponential pass ------------------ */

/* The same layout as float32's, in double lanes and with float64's
 * arithmetic: d = x - max as an exact pair (diff), e^(hi + lo) from
 * cact__ax_exp_hl, Kahan sums per lane, and the output from the
 * double-double 1/s (smout).  A row whose entries all lie within 700 of its
 * max (tame, as float32's TAME within 80) takes exp_hl without its clamp and
 * with one scaling factor instead of two: the same bits, less time.  Each
 * block stores its results into y (e for softmax, d = x - max for
 * log_softmax) in the pass that computes them; the light output pass then
 * rewrites y in place.  Entry i of a run goes to lane i mod L and the lanes
 * are combined in a fixed order, so the bits do not depend on the level. */

/* One block of k < n (<= L) entries: the Kahan sums of e^(v_k - m_k)
 * (log_softmax, lg: the terms equal to 1 counted in cnt, acc1) and
 * y_k = e^d_k (softmax) or d_k (log_softmax) */
CACT_INLINE void AX(blk)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                         double *CACT_RESTRICT c, double *CACT_RESTRICT cnt, int lg, int neg,
                         int hasfma, int pinf, int tame)
{
    T xt[L], yt[L];
    double e[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        double lo = 0.0, hi = AX(diff)(xt[k], m[mstep * k], &lo, pinf);
        e[k] = cact__ax_exp_hl(hi, lo, hasfma, tame);
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
CACT_INLINE void AX(run_k)(const T *x, T *y, size_t n, const T *m, int mstep,
                           double *CACT_RESTRICT s, double *CACT_RESTRICT c,
                           double *CACT_RESTRICT cnt, int lg, int neg, int hasfma, int pinf,
                           int tame)
{
    size_t i;
    for (i = 0; i + L <= n; i += L) AX(blk)
    (x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, c + mstep * i, cnt + mstep * i, lg, neg,
     hasfma, pinf, tame);
    if (i < n) AX(blk)
    (x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, c + mstep * i, cnt + mstep * i, lg,
     neg, hasfma, pinf, 0);
}

CACT_INLINE void AX(run)(const T *x, T *y, size_t n, const T *m, int mstep, double *CACT_RESTRICT s,
                         double *CACT_RESTRICT c, double *CACT_RESTRICT cnt, int lg, int neg,
                         int hasfma, int pinf, int tame)
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
CACT_INLINE void AX(outrun)(T *y, size_t n, const double *CACT_RESTRICT a,
                            const double *CACT_RESTRICT b, int mstep, int lg, int hasfma)
{
    size_t i;
    if (lg)
        for (i = 0; i < n; i++) y[i] = y[i] - a[mstep * i];
    else
        for (i = 0; i < n; i++) y[i] = AX(smout)(y[i], a[mstep * i], b[mstep * i], hasfma);
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
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) { /* steps: see pfetch */
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
#endif

/* ---- short rows, several at once, in double ----------------------------- */

/* e^(d + lo) (lo: float64 only), within about an ulp of the result's
 * precision (float32: the math core's double exp, 2^-31; float64:
 * exp_hl) */
CACT_INLINE double AX(expd)(double d, double lo, int hasfma)
{
#if CACT__BITS == 32
    (void)lo;
    return cact__ax_exp_d(d, hasfma);
#else
    return cact__ax_exp_hl(d, lo, hasfma, 0);
#endif
}

/* log_softmax output: d - log(s), d = v - m <= 0 <= ls = log(s), so the
 * subtraction never cancels.  float32: d exact in double, one rounding.
 * float64: d rounded, then d - ls rounded: |d| <= |d - ls|, so d's
 * rounding is at most half an ulp of the result, which is within 1 ulp
 * plus ls's own error (unlike e^d, d - ls does not amplify d's error; a
 * TwoSum-exact form would cost 12 operations more per element for ~0.5
 * ulp). */
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

/* Rows shorter than CACT__AX_SHORT, up to CACT__AX_QMAX at a time (and at
 * most CACT__AX_CHUNK entries: D and Dlo, the caller's scratch buffers):
 * the reductions run across the rows (row q in lane q), so they are not
 * one short dependency chain per row, and the exponentials of all those
 * rows are one flat loop. */
CACT_INLINE void AX(rows_short)(const T *x, T *y, size_t nrows, size_t len, int op, double *D,
                                double *Dlo, int hasfma)
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
            if (lg)
                AX(logrow)(xq + q * len, yq + q * len, len, M[q], A[q], neg, M[q] == (T)INFINITY);
            else AX(smrow)(D + q * len, yq + q * len, len, A[q], B[q], hasfma);
        }
    }
}
