/* cact/axis/prelu.h -- prelu: y = x where x >= 0, else w[c] x, c the index
 * along the channel axis.
 *
 * Per dtype (see axis/common.h).  One product per element, the same at
 * every level.  Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/prelu.h"
#endif

/* x where x >= 0, else w x; with w == 0 the limit at x = -inf is -0 (the
 * sign of 0 * x), not 0 * inf = NaN.  NaN stays NaN. */
CACT_INLINE T AX(prelu1)(T v, T w)
{
    T p = w * v;
    p = (w == 0 && v < 0) ? -w : p;
    return v >= 0 ? v : p;
}

/* n entries, their weights w[0], w[wstep], w[2 wstep] ... (wstep 0: one
 * weight for the run, 1: one per entry) */
CACT_INLINE void AX(prelu_run)(const T *x, T *y, size_t n, const T *w, int wstep)
{
    size_t i;
    if (x == y) {
        for (i = 0; i < n; i++) y[i] = AX(prelu1)(y[i], w[wstep * i]);
    } else {
        const T *CACT_RESTRICT xr = x;
        T *CACT_RESTRICT yr = y;
        for (i = 0; i < n; i++) yr[i] = AX(prelu1)(xr[i], w[wstep * i]);
    }
}

/* the body of cact_prelu_<sfx> (hasfma unused) */
CACT_INLINE void AX(prelu_body)(const T *x, T *y, size_t outer, size_t channels, size_t inner,
                                const T *w, int hasfma)
{
    size_t o, c;
    (void)hasfma;
    if (outer == 0 || channels == 0 || inner == 0) return;
    if (inner == 1) {
        for (o = 0; o < outer; o++)
            AX(prelu_run)(x + o * channels, y + o * channels, channels, w, 1);
        return;
    }
    for (o = 0; o < outer; o++)
        for (c = 0; c < channels; c++) {
            const size_t off = (o * channels + c) * inner;
            const T wc = w[c]; /* a local: y cannot alias it */
            AX(prelu_run)(x + off, y + off, inner, &wc, 0);
        }
}
