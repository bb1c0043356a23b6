/* cact/axis/softmax_tiles.h -- softmax, log_softmax and softmin along an
 * axis other than the last (inner > 1): tiles of columns.
 *
 * Per dtype (see axis/common.h).  An [len, inner] block is taken in tiles
 * of up to CACT__AX_BMAX columns (cact__ax_tilew), with no transposing
 * copy: three passes walk a tile row by row, in lanes across its columns
 * (contiguous), with one accumulator per column (the sums live on the
 * stack): the max and min (tileminmax, forwards), the exponentials and
 * sums (the block loops of softmax_rows.h with one max and one sum per
 * entry, mstep 1; backwards), the output (forwards).  float64 softmax and
 * softmin of large blocks skip the max pass instead (softmax_refmax.h).
 * Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/softmax_tiles.h"
#endif

#if CACT__BITS == 32
/* One float32 [len, inner] block (inner > 1) in float lanes (see
 * softmax_rows.h, "float32 rows and tiles in float lanes"); a tile is TAME
 * when each of its columns is, PINF when one column's max is +inf */
CACT_INLINE void AX(cols_f)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
{
    const int neg = op == CACT__AX_SOFTMIN, lg = op == CACT__AX_LOG_SOFTMAX;
    T m[CACT__AX_BMAX], mlo[CACT__AX_BMAX];
    double S[CACT__AX_BMAX], N[CACT__AX_BMAX], A[CACT__AX_BMAX];
    float slo[CACT__AX_BMAX], ahi[CACT__AX_BMAX], alo[CACT__AX_BMAX];
    uint32_t C[CACT__AX_BMAX];
    size_t j0;
    const size_t w = cact__ax_tilew(inner);
    for (j0 = 0; j0 < inner; j0 += w) {
        const size_t nb = inner - j0 < w ? inner - j0 : w;
        const T *xt = x + j0;
        T *yt = y + j0;
        size_t i, j;
        int pinf, mode = CACT__AX_TAME;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        for (j = 0; j < nb; j++)
            mode = AX(mode)(m[j], mlo[j]) == CACT__AX_TAME ? mode : CACT__AX_GEN;
        if (pinf) mode = CACT__AX_PINF;
        for (j = 0; j < nb; j++) S[j] = N[j] = 0.0, slo[j] = 0.0f, C[j] = 0;
        for (i = len; i-- > 0;) { /* backwards: see cact__ax_tilew */
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
            AX(finish)
            ((S[j] + (double)slo[j]) * (lg ? 5.421010862427522e-20 : 1.0), 0.0, N[j], lg, &A[j],
             &b);
            AX(split)(A[j], &ahi[j], &alo[j]);
        }
        for (i = 0; i < len; i++) {
            if (lg) AX(logrun)(yt + i * inner, nb, ahi, alo, 1);
            else AX(scalerun)(yt + i * inner, nb, ahi, alo, A, 1, hasfma);
        }
    }
}

#else
/* One float64 [len, inner] block (inner > 1); a tile is tame when each of
 * its columns is.  log_softmax, and softmax and softmin of blocks with
 * fewer than CACT__AX_REFMIN rows or columns; larger ones take cols_ref
 * (softmax_refmax.h), without the max pass. */
CACT_INLINE void AX(cols)(const T *x, T *y, size_t len, size_t inner, int op, int hasfma)
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
        int pinf, tame = 1;
        pinf = AX(tileminmax)(xt, len, inner, nb, neg, m, mlo);
        /* tame tiles as tame rows: every column within 700 of its max */
        for (j = 0; j < nb; j++) tame &= m[j] < (T)INFINITY && mlo[j] - m[j] >= -700.0;
        for (j = 0; j < nb; j++) S[j] = C[j] = N[j] = 0.0;
        for (i = len; i-- > 0;) /* backwards: see cact__ax_tilew */
            AX(run)
        (xt + i * inner, yt + i * inner, nb, m, 1, S, C, N, lg, neg, hasfma, pinf, tame && !pinf);
        for (j = 0; j < nb; j++) AX(finish)(S[j], C[j], N[j], lg, &A[j], &B[j]);
        for (i = 0; i < len; i++) AX(outrun)(yt + i * inner, nb, A, B, 1, lg, hasfma);
    }
}
#endif
