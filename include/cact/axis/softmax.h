/* cact/axis/softmax.h -- softmax, log_softmax and softmin of an
 * [outer, len, inner] array: which path takes it.
 *
 * Per dtype (see axis/common.h).  Includes the paths, then picks one per
 * call from the shape and the dtype:
 *   inner == 1, len < CACT__AX_SHORT    rows_short   (softmax_rows.h)
 *   inner == 1, float32                 row_f        (softmax_rows.h)
 *   inner == 1, float64                 row          (softmax_rows.h)
 *   inner > 1, float32                  cols_f       (softmax_tiles.h)
 *   inner > 1, float64 log_softmax, or
 *     len or inner < CACT__AX_REFMIN    cols         (softmax_tiles.h)
 *   inner > 1, float64 otherwise        cols_ref     (softmax_refmax.h)
 * Do not include this file directly.
 */
#ifndef CACT__IN_AXIS
#  error "include <cact/cact.h>, not cact/axis/softmax.h"
#endif

#include "softmax_rows.h"
#include "softmax_tiles.h"
#include "softmax_refmax.h"

/* the body of cact_softmax_<sfx>, cact_log_softmax_<sfx> and
 * cact_softmin_<sfx> (op: CACT__AX_SOFTMAX, _LOG_SOFTMAX, _SOFTMIN) */
CACT_INLINE void AX(softmax_body)(const T *x, T *y, size_t outer, size_t len, size_t inner, int op,
                                  int hasfma)
{
    double D[CACT__AX_CHUNK];
#if CACT__BITS == 64
    double Dlo[CACT__AX_CHUNK];
#else
    double *Dlo = D; /* unused for float32 */
#endif
    size_t o;
    if (outer == 0 || len == 0 || inner == 0) return;
    if (inner == 1) {
        if (len < CACT__AX_SHORT) {
            AX(rows_short)(x, y, outer, len, op, D, Dlo, hasfma);
        } else {
#if CACT__BITS == 32
            for (o = 0; o < outer; o++) AX(row_f)
            (x + o * len, y + o * len, len, o + 1 < outer ? x + (o + 1) * len : 0, op, hasfma);
#else
            for (o = 0; o < outer; o++) AX(row)
            (x + o * len, y + o * len, len, o + 1 < outer ? x + (o + 1) * len : 0, op, hasfma);
#endif
        }
    } else {
        for (o = 0; o < outer; o++)
#if CACT__BITS == 32
            AX(cols_f)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
#else
            if (op == CACT__AX_LOG_SOFTMAX || inner < CACT__AX_REFMIN || len < CACT__AX_REFMIN)
                AX(cols)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
            else AX(cols_ref)(x + o * len * inner, y + o * len * inner, len, inner, op, hasfma);
#endif
    }
}
