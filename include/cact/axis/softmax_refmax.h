/* cact/axis/softmax_refmax.h -- float64 softmax and softmin along an axis
 * other than the last, in blocks of CACT__AX_REFMIN rows and columns or
 * more: one pass against a reference max, with a rebase where an entry
 * lies far above it.
 *
 * Per dtype (see axis/common.h); float64 only.  The three passes of cols
 * (softmax_tiles.h) read a tile from memory three times (max, exponentials,
 * output), and a [1024, 1024] block cannot stay in L2 between them.
 * softmax and softmin (not log_softmax, whose result near 0 needs its sums
 * relative to the true max) do without the max pass:
 *   - each column's reference r is the max of the tile's first
 *     CACT__AX_REFK rows (the exact max where that sample holds no number
 *     above -inf, or where the column is no longer than the sample);
 *   - one pass walks the rows forwards, as along the last axis: it scans
 *     a row's d = v - r (rowscan, from L1: the previous row's pass
 *     prefetched it), then computes e^d, the Kahan sums and y = e^d.  A
 *     row is tame when every d >= -700 (no clamp; see cact__ax_exp_hl);
 *   - softmax is e^(v - r) / sum e^(v - r) for any r: the sum is at least
 *     1 (the sample's max entry adds e^0) and each term at most
 *     e^CACT__AX_OVER, so nothing overflows, and the error budget is that
 *     of the exact max (exp_hl's relative error does not depend on the
 *     sign of d);
 *   - an entry more than CACT__AX_OVER above its column's r (or +inf)
 *     rebases that column, at most once (rebase).
 * Each column's bits depend on its own entries only (and on the shape,
 * which picks cols or this).  Blocks narrower or shorter than
 * CACT__AX_REFMIN keep the three passes: there a scan per row of a few
 * vectors, or a sample that is most of a max pass, costs more than the
 * pass it saves (docs/performance.md).  Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/softmax_refmax.h"
#endif

#if CACT__BITS == 64
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
 * every column of every row with a rebase (a diagonal of large entries
 * made every row pay for it). */
static CACT_UNUSED CACT__NOINLINE CACT__OPTIMIZE int
AX(rebase)(double rn, T *r, double *S, double *C, double *fh, double *fl, double *qt)
{
    const double rj = *r;
    cact__dds e;
    e.h = e.l = 0.0, e.s = 1.0;
    if (rn - rj < 1400.0) {
        const cact__dd d = cact__two_sum(rj, -rn); /* r - rn exactly */
        e = cact__exp_dd_base(d.h, d.l);
    }
    /* the rows done hold terms of S, so each of their results is at most
     * S F / (the final sum, >= 1): where S F < 2^-1077 all round to 0, and
     * F = 0 gives them without subnormal arithmetic (2^60 and 2^-1017 keep
     * the test in normal numbers) */
    if ((*S * e.h * 1.152921504606847e+18) * e.s < 7.120236347223045e-307) {
        *fh = 0.0, *fl = 0.0, *qt = 1024.0 * 2048.0 + 1024.0;
        *S = *S * 0.0; /* NaN stays */
        *C = *C * 0.0;
    } else {
        const uint64_t u = cact__bits(e.h), v = cact__bits(e.s); /* both normal */
        const int q = (int)((u >> 52) & 0x7ff) - 1023, t = (int)((v >> 52) & 0x7ff) - 1023;
        *qt = (double)(q + 1024) * 2048.0 + (double)(t + 1024); /* both in [1, 2047] */
        *fh = cact__from_bits((u & 0x000fffffffffffffULL) | (1023ULL << 52));
        *fl = e.l * cact__pow2i((double)-q);
        *S = *S * e.h * e.s;
        *C = *C * e.h * e.s;
    }
    *r = rn;
    return rn == (T)INFINITY;
}

/* One float64 [len, inner] block (inner, len >= CACT__AX_REFMIN), softmax
 * or softmin, in tiles of up to CACT__AX_BMAX columns */
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
    const size_t w = cact__ax_tilew(inner);
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
                if (!rebased) /* every column's max of its rows i.. (see rebase), into fh */
                    AX(tileminmax)(xi, len - i, inner, nb, neg, fh, fl);
                rebased = 1;
                for (j = 0; j < nb; j += L) { /* the columns to rebase, a block of L at a time */
                    const size_t ne = nb - j < L ? nb - j : L;
                    T bm, bl;
                    size_t k;
                    AX(rowscan)(xi + j, r + j, 1, ne, neg, &bm, &bl);
                    if (bm > CACT__AX_OVER)
                        for (k = j; k < j + ne; k++)
                            if (AX(ld)(xi[k], neg) - r[k] > CACT__AX_OVER) {
                                pinf |=
                                    AX(rebase)(fh[k], &r[k], &S[k], &C[k], &fh[k], &fl[k], &A[k]);
                                B[k] = (double)i; /* i > 0: row 0 is in the sample */
                            }
                }
                AX(rowscan)(xi, r, 1, nb, neg, &dmax, &dmin);
            }
            tame = !pinf && dmin >= -700.0;
            for (i0 = 0; i0 < nb; i0 += CACT__AX_PFC) { /* steps: see pfetch */
                const size_t nn = nb - i0 < CACT__AX_PFC ? nb - i0 : CACT__AX_PFC;
                AX(pfetch)(next, i0, nn);
                AX(run)
                (xi + i0, yi + i0, nn, r + i0, 1, S + i0, C + i0, fh + i0, 0, neg, hasfma, pinf,
                 tame);
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
