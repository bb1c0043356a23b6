/* cact/axis/softmax_fast.h -- the fast tier of softmax, log_softmax and
 * softmin: cact_fast_softmax_f32/_f64, cact_fast_log_softmax_f32/_f64,
 * cact_fast_softmin_f32/_f64 (axis.h), behind cact.fast.
 *
 * Per dtype (see axis/common.h).  The same layouts, passes and special
 * values as the accurate tier (softmax.h): a max pass (rowminmax along the
 * last axis, tileminmax across a tile's columns), one fused pass computing
 * e^(v - m), the sums and y (e for softmax, d = v - m for log_softmax), and
 * the output pass rewriting y in place (times 1/s as a float pair, or
 * minus log(s); the per-row constants from axis/common.h's finish, once per
 * row, as the accurate tier).  Rows shorter than CACT__AX_SHORT take the
 * accurate tier's rows_short (already in double, a few ns per row).  What
 * is cheaper, per element:
 *   - d = v - m as an exact pair by Fast2Sum (3 additions) instead of
 *     TwoSum (6) where the row (or tile) allows it: m <= 0 gives
 *     |v| >= |m| for every v <= m (Fast2Sum with v first); m > 0 with every
 *     v above -2^(e+1), 2^e <= m < 2^(e+1), gives exponent(v) <= exponent(m)
 *     (Fast2Sum with -m first; Dekker 1971, in the exponent form of Boldo
 *     and Daumas).  Other rows keep TwoSum.  The pair matters: e^d
 *     amplifies an absolute error of d by |d| (a rounded d near -80 would
 *     cost 2^-18 relative, 64 ulp).
 *   - float32: e^(zh + zl) by kernels/fast.h's float exp (one Cody-Waite
 *     reduction, degree-6 polynomial, 2^n by shifting the shifter's bits;
 *     relative 2^-25.8), not the accurate tier's float-pair exp; the sums
 *     as Kahan pairs in float lanes (four operations a vector, where double
 *     lanes take seven; relative 2u + n u^2, n the terms per lane), of the
 *     entries rounded to float (those are the numbers the output pass
 *     scales, by 1/s as a float pair: one rounding).  Per vector of 16
 *     (v4, a row within 87 of its max, Fast2Sum): about 20 floating-point
 *     operations in the exponential pass, 2 in the max pass (max and min),
 *     2 in the output pass.
 *   - float64: the accurate tier's double exp (cact__ax_exp_hl, 0.5 + 0.3
 *     ulp), its terms summed without Kahan's compensation per term: each
 *     block of four vectors is added pairwise (two roundings per term) and
 *     the block joins the lane's Kahan pair (four operations per block, not
 *     per vector), so the sum stays within ~3 ulp relative for any length;
 *     the output e (a + b), 1/s = a + b, one rounding (fma).
 * Measured (rows and columns of 50257 entries, spreads to 87 / 700 and
 * adversarial sums, long double reference; every level): float32 softmax
 * 1.78 ulp, softmin 1.81, log_softmax 1.05; float64 softmax 2.74, softmin
 * 2.69, log_softmax 0.95.  Asserted: 4 ulp float32, 8 ulp float64
 * (tests/test_fast_axis.py).
 * Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/softmax_fast.h"
#endif

#ifndef CACT_AXIS_SOFTMAX_FAST_H
#  define CACT_AXIS_SOFTMAX_FAST_H

/* how d = v - m is split into an exact pair zh + zl (see the top) */
#  define CACT__AXF_TWOSUM 0 /* Knuth's TwoSum: any v, m */
#  define CACT__AXF_VFIRST 1 /* Fast2Sum(v, -m): m <= 0 */
#  define CACT__AXF_MFIRST 2 /* Fast2Sum(-m, v): exponent(v) <= exponent(m) */

/* the shifter 0x1.8p23 plus the exponent bias 127 (kernels/fast.h's
 * fast__exp then returns e^z itself), and plus 191 (e^z 2^64: log_softmax's
 * terms, whose sum must keep the terms below float's range, see flblk) */
#  define CACT__AXF_MAGIC127 12583039.0f
#  define CACT__AXF_MAGIC191 12583103.0f

/* e^(zh + zl) 2^(B - 127) (magic: the shifter plus B), zh >= -88 for
 * B = 127 (at -88 the scale is +0) or >= -132 for B = 191, |zl| <=
 * ulp(zh)/2: kernels/fast.h's fast__exp at the level's fusing */
CACT_INLINE float cact__axf_exp(float zh, float zl, float magic, int hasfma)
{
#  if CACT_DISPATCH
    return hasfma ? cact__el_fast__exp_f32_v4(zh, zl, magic)
                  : cact__el_fast__exp_f32_base(zh, zl, magic);
#  else
    (void)hasfma;
    return cact__el_fast__exp_f32_base(zh, zl, magic);
#  endif
}

#endif /* CACT_AXIS_SOFTMAX_FAST_H */

/* ---- per dtype ----------------------------------------------------------- */

/* the split of d for a row (or tile) whose max is m (finite, not NaN) and
 * min is mn */
CACT_INLINE int AX(fdmode)(T m, T mn)
{
    int e;
    if (m != m || m == (T)INFINITY) return CACT__AXF_TWOSUM;
    if (m <= 0) return CACT__AXF_VFIRST;
    /* m = f 2^e, f in [0.5, 1): every v above -2^e has exponent(v) <=
     * exponent(m); a subnormal m's exponent is the least normal one's
     * (float: 2^-125 bounds the v sharing it; double: 2^-1021) */
    (void)frexp((double)m, &e);
#if CACT__BITS == 32
    e = e < -125 ? -125 : e;
#else
    e = e < -1021 ? -1021 : e;
#endif
    return (double)mn > -ldexp(1.0, e) ? CACT__AXF_MFIRST : CACT__AXF_TWOSUM;
}

/* d = v - m as zh + zl exactly (dm says how; see the top) */
CACT_INLINE T AX(fdiff)(T v, T m, T *zl, int dm)
{
    const T zh = v - m;
    if (dm == CACT__AXF_VFIRST) {
        *zl = -m - (zh - v);
    } else if (dm == CACT__AXF_MFIRST) {
        *zl = v - (zh + m);
    } else {
        const T bb = zh - v;
        *zl = (v - (zh - bb)) + (-m - bb);
    }
    return zh;
}

#if CACT__BITS == 32
/* ---- float32 -------------------------------------------------------------- */

/* e^(v - m) in float for v <= m: mode as AX(mode) (TAME: every d >= -87,
 * no clamp; PINF: the max is +inf, d = 0 at the +inf entries).  softmax
 * (lg 0): e^d, clamped at -88, where the scale is +0 (a result below
 * e^-87.3 is subnormal: the tier's rule allows 0).  log_softmax (lg 1):
 * e^d 2^64, clamped at -110 (the caller drops the term there: e^-110
 * = 2^-158.7, far below what a row's sum can notice, as in the accurate
 * tier): its max entry's result -log1p(t) is normal down to t = 2^-126,
 * which tens of thousands of terms each below e^-87.3 can make. */
CACT_INLINE float AX(fexpvm)(float v, float m, int hasfma, int mode, int dm, int lg)
{
    const float lim = lg ? -110.0f : -88.0f;
    float zl, zh = AX(fdiff)(v, m, &zl, dm);
    if (mode != CACT__AX_TAME) {
        const int low = zh < lim; /* -inf and huge gaps too; NaN passes */
        zh = low ? lim : zh;
        zl = low ? 0.0f : zl;
    }
    if (mode == CACT__AX_PINF) { /* v == m == +inf: d = 0 (the limit) */
        const int z = v == m;
        zh = z ? 0.0f : zh;
        zl = z ? 0.0f : zl;
    }
    return cact__axf_exp(zh, zl, lg ? CACT__AXF_MAGIC191 : CACT__AXF_MAGIC127, hasfma);
}

/* s_k += t_k by Kahan's compensated step, q_k the compensation (the sum
 * is s - q): float lanes, four operations, where a double lane costs seven
 * (two conversions and an extraction); relative error 2u + n u^2 for n
 * terms per lane (Kahan 1965; u = 2^-24: 2^-36 for 3200 terms, the lanes
 * of a 50257-entry row) */
CACT_INLINE void AX(fkahan)(float *CACT_RESTRICT s, float *CACT_RESTRICT q,
                            const float *CACT_RESTRICT t)
{
    int k;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        const float u = t[k] - q[k], v = s[k] + u;
        q[k] = (v - s[k]) - u;
        s[k] = v;
    }
}

/* softmax: y_k = e^(v_k - m_k), summed into the Kahan pairs (s_k, q_k),
 * k < n <= L */
CACT_INLINE void AX(feblk)(const T *x, T *y, size_t n, const T *m, int mstep,
                           float *CACT_RESTRICT s, float *CACT_RESTRICT q, int neg, int hasfma,
                           int mode, int dm)
{
    T xt[L], yt[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) yt[k] = AX(fexpvm)(xt[k], m[mstep * k], hasfma, mode, dm, 0);
    AX(fkahan)(s, q, yt);
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* log_softmax: y_k = d_k rounded; the entries equal to the max counted in
 * c (their e^d is exactly 1), the others' e^d 2^64 summed into (s, q)
 * (the caller scales the sum by 2^-64), those below the clamp left out */
CACT_INLINE void AX(flblk)(const T *x, T *y, size_t n, const T *m, int mstep,
                           float *CACT_RESTRICT s, float *CACT_RESTRICT q,
                           uint32_t *CACT_RESTRICT c, int neg, int hasfma, int mode, int dm)
{
    T xt[L], yt[L], es[L];
    uint32_t on[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        const T mk = m[mstep * k];
        const int one = xt[k] == mk;
        const int skip = one | ((mode != CACT__AX_TAME) & (xt[k] - mk < -110.0f));
        const float e = AX(fexpvm)(xt[k], mk, hasfma, mode, dm, 1);
        on[k] = one ? 1u : 0u;
        yt[k] = mode == CACT__AX_PINF && one ? 0.0f : xt[k] - mk; /* d, rounded */
        es[k] = skip ? 0.0f : e;
    }
    AX(fkahan)(s, q, es);
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) c[k] += on[k];
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* the blocks over a run of n entries, each loop compiled per (mode, dm);
 * the partial block (padded with -inf) takes the clamping loop */
CACT_INLINE void AX(frun_k)(const T *x, T *y, size_t n, const T *m, int mstep,
                            float *CACT_RESTRICT s, float *CACT_RESTRICT q,
                            uint32_t *CACT_RESTRICT c, int lg, int neg, int hasfma, int mode,
                            int dm)
{
    const int pmode = mode == CACT__AX_TAME ? CACT__AX_GEN : mode;
    size_t i;
    if (lg) {
        for (i = 0; i + L <= n; i += L) AX(flblk)
        (x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, q + mstep * i, c + mstep * i, neg,
         hasfma, mode, dm);
        if (i < n) AX(flblk)
        (x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, q + mstep * i, c + mstep * i,
         neg, hasfma, pmode, dm);
    } else {
        for (i = 0; i + L <= n; i += L) AX(feblk)
        (x + i, y + i, L, m + mstep * i, mstep, s + mstep * i, q + mstep * i, neg, hasfma, mode,
         dm);
        if (i < n) AX(feblk)
        (x + i, y + i, n - i, m + mstep * i, mstep, s + mstep * i, q + mstep * i, neg, hasfma,
         pmode, dm);
    }
}

CACT_INLINE void AX(frun)(const T *x, T *y, size_t n, const T *m, int mstep, float *CACT_RESTRICT s,
                          float *CACT_RESTRICT q, uint32_t *CACT_RESTRICT c, int lg, int neg,
                          int hasfma, int mode, int dm)
{
#  define CACT__AXF_RUN(LG, MODE, DM) \
    AX(frun_k)(x, y, n, m, mstep, s, q, c, LG, neg, hasfma, MODE, DM)
#  define CACT__AXF_DMS(LG, MODE)                                               \
    if (dm == CACT__AXF_VFIRST) CACT__AXF_RUN(LG, MODE, CACT__AXF_VFIRST);      \
    else if (dm == CACT__AXF_MFIRST) CACT__AXF_RUN(LG, MODE, CACT__AXF_MFIRST); \
    else CACT__AXF_RUN(LG, MODE, CACT__AXF_TWOSUM)
    if (mode == CACT__AX_PINF) { /* rare: one loop each */
        if (lg) CACT__AXF_RUN(1, CACT__AX_PINF, CACT__AXF_TWOSUM);
        else CACT__AXF_RUN(0, CACT__AX_PINF, CACT__AXF_TWOSUM);
    } else if (lg) {
        if (mode == CACT__AX_TAME) {
            CACT__AXF_DMS(1, CACT__AX_TAME);
        } else {
            CACT__AXF_DMS(1, CACT__AX_GEN);
        }
    } else {
        if (mode == CACT__AX_TAME) {
            CACT__AXF_DMS(0, CACT__AX_TAME);
        } else {
            CACT__AXF_DMS(0, CACT__AX_GEN);
        }
    }
#  undef CACT__AXF_DMS
#  undef CACT__AXF_RUN
}

/* the exp mode of a row: AX(mode)'s, with the fast exp's range (-87) */
CACT_INLINE int AX(fmode)(T m, T mn)
{
    return m == (T)INFINITY ? CACT__AX_PINF : mn - m >= -87.0f ? CACT__AX_TAME : CACT__AX_GEN;
}

/* One float32 row (>= CACT__AX_SHORT entries in practice) */
CACT_INLINE void AX(frow)(const T *x, T *y, size_t len, const T *next, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    double st = 0.0, nt = 0.0, a, b;
    float s[L], q[L], ah, al;
    uint32_t c[L];
    size_t i0;
    int k;
    T mn, m = AX(rowminmax)(x, len, neg, &mn);
    const int mode = AX(fmode)(m, mn), dm = AX(fdmode)(m, mn);
    for (k = 0; k < L; k++) s[k] = q[k] = 0.0f, c[k] = 0;
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) { /* steps: see pfetch */
        const size_t nn = len - i0 < CACT__AX_PFC ? len - i0 : CACT__AX_PFC;
        AX(pfetch)(next, i0, nn);
        AX(frun)(x + i0, y + i0, nn, &m, 0, s, q, c, lg, neg, hasfma, mode, dm);
        if (lg && (i0 / CACT__AX_PFC + 1) % (CACT__AX_CNT / CACT__AX_PFC) == 0)
            for (k = 0; k < L; k++) nt += (double)c[k], c[k] = 0;
    }
    for (k = 0; k < L; k++) nt += (double)c[k], c[k] = 0;
    for (k = 0; k < L; k++) st += (double)s[k] - (double)q[k]; /* fixed order */
    if (lg) st *= 5.421010862427522e-20;                       /* 2^-64 */
    AX(finish)(st, 0.0, nt, lg, &a, &b);
    AX(split)(a, &ah, &al);
    if (lg) AX(logrun)(y, len, &ah, &al, 0);
    else AX(scalerun)(y, len, &ah, &al, &a, 0, hasfma);
}

/* One float32 [len, inner] block (inner > 1): tiles as cols_f, the same
 * block loops with one max and one sum per column (mstep 1) */
CACT_INLINE void AX(fcols)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    T m[CACT__AX_BMAX], mlo[CACT__AX_BMAX];
    double N[CACT__AX_BMAX], A[CACT__AX_BMAX];
    float S[CACT__AX_BMAX], Q[CACT__AX_BMAX], ahi[CACT__AX_BMAX], alo[CACT__AX_BMAX];
    uint32_t C[CACT__AX_BMAX];
    size_t j0;
    const size_t w = cact__ax_tilew(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        int pinf, mode = CACT__AX_TAME, dm = -1;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        for (j = 0; j < nb; j++) {
            const int dj = AX(fdmode)(m[j], mlo[j]);
            mode = AX(fmode)(m[j], mlo[j]) == CACT__AX_TAME ? mode : CACT__AX_GEN;
            dm = dm < 0 || dm == dj ? dj : CACT__AXF_TWOSUM;
        }
        if (pinf) mode = CACT__AX_PINF, dm = CACT__AXF_TWOSUM;
        for (j = 0; j < nb; j++) S[j] = Q[j] = 0.0f, N[j] = 0.0, C[j] = 0;
        for (i = len; i-- > 0;) { /* backwards: see cact__ax_tilew */
            AX(frun)(xt + i * inner, yt + i * inner, nb, m, 1, S, Q, C, lg, neg, hasfma, mode, dm);
            if (lg && ((len - i) % CACT__AX_CNT == 0 || i == 0))
                for (j = 0; j < nb; j++) N[j] += (double)C[j], C[j] = 0;
        }
        for (j = 0; j < nb; j++) {
            double b;
            const double sj = (double)S[j] - (double)Q[j];
            AX(finish)(sj * (lg ? 5.421010862427522e-20 : 1.0), 0.0, N[j], lg, &A[j], &b);
            AX(split)(A[j], &ahi[j], &alo[j]);
        }
        for (i = 0; i < len; i++) {
            if (lg) AX(logrun)(yt + i * inner, nb, ahi, alo, 1);
            else AX(scalerun)(yt + i * inner, nb, ahi, alo, A, 1, hasfma);
        }
    }
}

#else
/* ---- float64 -------------------------------------------------------------- */

/* one block of n <= L entries: e_k = e^(v_k - m_k) (exp_hl, d as an exact
 * pair), y_k = e_k (softmax) or d_k rounded (log_softmax: the entries equal
 * to the max counted in cnt, the others summed); the block's terms are
 * returned in e (0 past n) for the caller's pairwise sum */
CACT_INLINE void AX(fblk)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT e, double *CACT_RESTRICT cnt, int lg, int neg,
                          int hasfma, int pinf, int tame, int dm)
{
    T xt[L], yt[L];
    int k;
    for (k = 0; k < L; k++) xt[k] = (size_t)k < n ? AX(ld)(x[k], neg) : -(T)INFINITY;
    CACT__AX_NOUNROLL
    for (k = 0; k < L; k++) {
        const T mk = m[mstep * k];
        double lo, hi = AX(fdiff)(xt[k], mk, &lo, dm), ek;
        if (pinf) { /* d = 0 at the +inf entries (the -inf elsewhere: exp_hl clamps) */
            const int z = xt[k] == mk;
            hi = z ? 0.0 : hi;
            lo = z ? 0.0 : lo;
        }
        ek = cact__ax_exp_hl(hi, lo, hasfma, tame);
        if (lg) {
            const int one = xt[k] == mk;
            cnt[k] += one ? 1.0 : 0.0;
            ek = one ? 0.0 : ek;
            yt[k] = pinf && one ? 0.0 : xt[k] - mk;
        } else {
            yt[k] = ek;
        }
        e[k] = ek;
    }
    for (k = 0; k < L && (size_t)k < n; k++) y[k] = yt[k];
}

/* the lanes' Kahan pair (s, c) += t */
CACT_INLINE void AX(fkahan64)(double *CACT_RESTRICT s, double *CACT_RESTRICT c,
                              const double *CACT_RESTRICT t, int n)
{
    int k;
    CACT__AX_NOUNROLL
    for (k = 0; k < n; k++) {
        const double u = t[k] - c[k], v = s[k] + u;
        c[k] = (v - s[k]) - u;
        s[k] = v;
    }
}

/* the blocks over a run of n entries: four blocks at a time, their terms
 * added pairwise, ((e0 + e1) + (e2 + e3)), then joining the Kahan pairs
 * (s, c) (one per lane, mstep 0, or one per entry, mstep 1) */
CACT_INLINE void AX(frun_k)(const T *x, T *y, size_t n, const T *m, int mstep,
                            double *CACT_RESTRICT s, double *CACT_RESTRICT c,
                            double *CACT_RESTRICT cnt, int lg, int neg, int hasfma, int pinf,
                            int tame, int dm)
{
    double e0[L], e1[L], e2[L], e3[L], t[L];
    size_t i;
    int k;
    if (mstep == 0) {
        for (i = 0; i + 4 * L <= n; i += 4 * L) {
            AX(fblk)(x + i, y + i, L, m, 0, e0, cnt, lg, neg, hasfma, pinf, tame, dm);
            AX(fblk)(x + i + L, y + i + L, L, m, 0, e1, cnt, lg, neg, hasfma, pinf, tame, dm);
            AX(fblk)
            (x + i + 2 * L, y + i + 2 * L, L, m, 0, e2, cnt, lg, neg, hasfma, pinf, tame, dm);
            AX(fblk)
            (x + i + 3 * L, y + i + 3 * L, L, m, 0, e3, cnt, lg, neg, hasfma, pinf, tame, dm);
            CACT__AX_NOUNROLL
            for (k = 0; k < L; k++) t[k] = (e0[k] + e1[k]) + (e2[k] + e3[k]);
            AX(fkahan64)(s, c, t, L);
        }
    } else {
        i = 0;
    }
    for (; i + L <= n; i += L) {
        AX(fblk)
        (x + i, y + i, L, m + mstep * i, mstep, e0, cnt + mstep * i, lg, neg, hasfma, pinf, tame,
         dm);
        AX(fkahan64)(s + mstep * i, c + mstep * i, e0, L);
    }
    if (i < n) {
        AX(fblk)
        (x + i, y + i, n - i, m + mstep * i, mstep, e0, cnt + mstep * i, lg, neg, hasfma, pinf, 0,
         dm);
        AX(fkahan64)(s + mstep * i, c + mstep * i, e0, (int)(n - i)); /* its entries only */
    }
}

CACT_INLINE void AX(frun)(const T *x, T *y, size_t n, const T *m, int mstep,
                          double *CACT_RESTRICT s, double *CACT_RESTRICT c,
                          double *CACT_RESTRICT cnt, int lg, int neg, int hasfma, int pinf,
                          int tame, int dm)
{
#  define CACT__AXF_RUN(LG, P, TM, DM) \
    AX(frun_k)(x, y, n, m, mstep, s, c, cnt, LG, neg, hasfma, P, TM, DM)
#  define CACT__AXF_DMS(LG, TM)                                                  \
    if (dm == CACT__AXF_VFIRST) CACT__AXF_RUN(LG, 0, TM, CACT__AXF_VFIRST);      \
    else if (dm == CACT__AXF_MFIRST) CACT__AXF_RUN(LG, 0, TM, CACT__AXF_MFIRST); \
    else CACT__AXF_RUN(LG, 0, TM, CACT__AXF_TWOSUM)
    if (pinf) {
        if (lg) CACT__AXF_RUN(1, 1, 0, CACT__AXF_TWOSUM);
        else CACT__AXF_RUN(0, 1, 0, CACT__AXF_TWOSUM);
    } else if (lg) {
        if (tame) {
            CACT__AXF_DMS(1, 1);
        } else {
            CACT__AXF_DMS(1, 0);
        }
    } else {
        if (tame) {
            CACT__AXF_DMS(0, 1);
        } else {
            CACT__AXF_DMS(0, 0);
        }
    }
#  undef CACT__AXF_DMS
#  undef CACT__AXF_RUN
}

/* the output pass: softmax y = e (1/s) rounded once (e a + e b, b the
 * residual of 1/s, with fma; else e a), log_softmax y = d - log(s) */
CACT_INLINE void AX(fout)(T *y, size_t n, const double *CACT_RESTRICT a,
                          const double *CACT_RESTRICT b, int mstep, int lg, int hasfma)
{
    size_t i;
    if (lg)
        for (i = 0; i < n; i++) y[i] = y[i] - a[mstep * i];
    else if (hasfma)
        for (i = 0; i < n; i++) y[i] = fma(y[i], a[mstep * i], y[i] * b[mstep * i]);
    else
        for (i = 0; i < n; i++) y[i] = y[i] * a[mstep * i];
}

/* One float64 row (>= CACT__AX_SHORT entries in practice) */
CACT_INLINE void AX(frow)(const T *x, T *y, size_t len, const T *next, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    double s[L], c[L], n[L], st = 0.0, ct = 0.0, nt = 0.0, a, b;
    size_t i0;
    int k;
    T mn, m = AX(rowminmax)(x, len, neg, &mn);
    const int pinf = m == (T)INFINITY, tame = m < (T)INFINITY && mn - m >= -700.0;
    const int dm = AX(fdmode)(m, mn);
    for (k = 0; k < L; k++) s[k] = c[k] = n[k] = 0.0;
    for (i0 = 0; i0 < len; i0 += CACT__AX_PFC) { /* steps: see pfetch */
        const size_t nn = len - i0 < CACT__AX_PFC ? len - i0 : CACT__AX_PFC;
        AX(pfetch)(next, i0, nn);
        AX(frun)(x + i0, y + i0, nn, &m, 0, s, c, n, lg, neg, hasfma, pinf, tame, dm);
    }
    for (k = 0; k < L; k++) {
        AX(acc1)(&st, &ct, &nt, s[k], 0);
        ct += c[k];
        nt += n[k];
    }
    AX(finish)(st, ct, nt, lg, &a, &b);
    AX(fout)(y, len, &a, &b, 0, lg, hasfma);
}

/* One float64 [len, inner] block (inner > 1): tiles of columns */
CACT_INLINE void AX(fcols)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    T m[CACT__AX_BMAX], mlo[CACT__AX_BMAX];
    double S[CACT__AX_BMAX], C[CACT__AX_BMAX], N[CACT__AX_BMAX], A[CACT__AX_BMAX], B[CACT__AX_BMAX];
    size_t j0;
    const size_t w = cact__ax_tilew(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        int pinf, tame = 1, dm = -1;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        for (j = 0; j < nb; j++) {
            const int dj = AX(fdmode)(m[j], mlo[j]);
            tame &= m[j] < (T)INFINITY && mlo[j] - m[j] >= -700.0;
            dm = dm < 0 || dm == dj ? dj : CACT__AXF_TWOSUM;
        }
        if (pinf) dm = CACT__AXF_TWOSUM;
        for (j = 0; j < nb; j++) S[j] = C[j] = N[j] = 0.0;
        for (i = len; i-- > 0;) /* backwards: see cact__ax_tilew */
            AX(frun)
        (xt + i * inner, yt + i * inner, nb, m, 1, S, C, N, lg, neg, hasfma, pinf, tame && !pinf,
         dm);
        for (j = 0; j < nb; j++) AX(finish)(S[j], C[j], N[j], lg, &A[j], &B[j]);
        for (i = 0; i < len; i++) AX(fout)(yt + i * inner, nb, A, B, 1, lg, hasfma);
    }
}
#endif

/* the body of cact_fast_softmax_<sfx>, cact_fast_log_softmax_<sfx> and
 * cact_fast_softmin_<sfx>: the paths of softmax_body, with the fast rows and
 * tiles (short rows: the accurate tier's, in double) */
CACT_INLINE void AX(fast_softmax_body)(const T *x, T *y, size_t outer, size_t len, size_t inner,
                                       int op, int hasfma)
{
    size_t o;
    if (outer == 0 || len == 0 || inner == 0) return;
    if (inner == 1 && len < CACT__AX_SHORT) {
        double D[CACT__AX_CHUNK];
#if CACT__BITS == 64
        double Dlo[CACT__AX_CHUNK];
#else
        double *Dlo = D; /* unused for float32 */
#endif
        AX(rows_short)(x, y, outer, len, op, D, Dlo, hasfma);
    } else if (inner == 1) {
        for (o = 0; o < outer; o++) AX(frow)
        (x + o * len, y + o * len, len, o + 1 < outer ? x + (o + 1) * len : 0, op, hasfma);
    } else {
        for (o = 0; o < outer; o++)
            AX(fcols)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
    }
}
