/* cact/axis/maxout.h -- maxout: y is [outer, len / pieces, inner], the max
 * of each run of `pieces` consecutive entries along the axis (NaN
 * propagates).
 *
 * Per dtype (see axis/common.h).  Exact: no rounding, so every level gives
 * the same bits.  Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/maxout.h"
#endif

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

/* the body of cact_maxout_<sfx> (hasfma unused) */
CACT_INLINE void AX(maxout_body)(const T *x, T *y, size_t outer, size_t len, size_t inner,
                                 size_t pieces, int hasfma)
{
    const T *CACT_RESTRICT xr = x;
    T *CACT_RESTRICT yr = y;
    size_t ng, o, g, k, j;
    (void)hasfma;
    if (pieces == 0 || outer == 0 || len == 0 || inner == 0) return;
    ng = len / pieces;
    if (inner == 1) {
        size_t n = outer * ng; /* groups are contiguous across rows */
        switch (pieces) {
        case 1:
            for (g = 0; g < n; g++) yr[g] = xr[g];
            break;
        case 2:
            AX(maxout_rows)(xr, yr, n, 2);
            break;
        case 3:
            AX(maxout_rows)(xr, yr, n, 3);
            break;
        case 4:
            AX(maxout_rows)(xr, yr, n, 4);
            break;
        default:
            AX(maxout_rows)(xr, yr, n, pieces);
            break;
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
