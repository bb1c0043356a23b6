/* cact/axis/grad.h -- the backward kernels of the softmax family, one
 * (dtype, ISA level): included by cact/axis_grad.h with CACT_T, CACT_SFX,
 * CACT__BITS, CACT__AGLV (v4 / v3 / base) and CACT__AGATTR (its target
 * attribute).  Do not include this file directly.
 *
 * From the forward's output y, along the axis of an [outer, len, inner]
 * view, for every row:
 *   softmax:      dx_i = y_i (dy_i - s),  s = sum_j dy_j y_j
 *   softmin:      dx_i = -y_i (dy_i - s)  (softmin(x) = softmax(-x))
 *   log_softmax:  dx_i = dy_i - e^(y_i) S, S = sum_j dy_j
 * float32: the sums in double (the products dy y exact there), each result
 * rounded once from double.  float64: the sums compensated (exact products
 * by TwoProd, TwoSum per lane; Muller et al., Handbook of Floating-Point
 * Arithmetic, ch. 5), dy - s exact as a pair, the result rounded once; e^y
 * from the math core's exp_dd.  The sums run in CACT__AG_W independent
 * lanes (vectors), so each row's bits do not depend on threads.  dx may be
 * dy or y (the sums are taken before any dx of the row is written).
 * The last axis runs row by row; other axes in tiles of up to CACT__AG_TILE
 * columns (one accumulator per column, no transposing copy).
 */
#ifndef CACT__AGLV
#  error "include <cact/cact.h>, not cact/axis/grad.h"
#endif

#define AGF(name)                         \
  CACT__MCAT(CACT__MCAT(cact__ag_, name), \
             CACT__MCAT(CACT__MCAT(_, CACT_SFX), CACT__MCAT(_, CACT__AGLV)))
#define AGL(fn) CACT__MCAT(CACT__MCAT(cact__, fn), CACT__MCAT(_, CACT__AGLV))

#if CACT__BITS == 32
/* sum of dy y (log: of dy) over one row of stride 1, in double lanes */
static CACT__AGATTR CACT__OPTIMIZE double AGF(rsum)(const float *dy, const float *y, size_t len,
                                                    int log)
{
    double acc[CACT__AG_W] = {0};
    size_t i = 0, k;
    for (; i + CACT__AG_W <= len; i += CACT__AG_W)
        for (k = 0; k < CACT__AG_W; k++)
            acc[k] += log ? (double)dy[i + k] : (double)dy[i + k] * y[i + k];
    for (; i < len; i++) acc[0] += log ? (double)dy[i] : (double)dy[i] * y[i];
    double s = 0;
    for (k = 0; k < CACT__AG_W; k++) s += acc[k];
    return s;
}
#else
/* the same, compensated: sum of TwoProd(dy, y) (or of dy) as sh + sl */
static CACT__AGATTR CACT__OPTIMIZE cact__dd AGF(rsum)(const double *dy, const double *y, size_t len,
                                                      int log)
{
    double sh[CACT__AG_W] = {0}, sl[CACT__AG_W] = {0};
    size_t i = 0, k;
    for (; i + CACT__AG_W <= len; i += CACT__AG_W)
        for (k = 0; k < CACT__AG_W; k++) {
            cact__dd p = log ? cact__mk_dd(dy[i + k], 0.0) : AGL(two_prod)(dy[i + k], y[i + k]);
            cact__dd t = cact__two_sum(sh[k], p.h);
            sh[k] = t.h;
            sl[k] += t.l + p.l;
        }
    for (; i < len; i++) {
        cact__dd p = log ? cact__mk_dd(dy[i], 0.0) : AGL(two_prod)(dy[i], y[i]);
        cact__dd t = cact__two_sum(sh[0], p.h);
        sh[0] = t.h;
        sl[0] += t.l + p.l;
    }
    cact__dd s = cact__mk_dd(0.0, 0.0);
    for (k = 0; k < CACT__AG_W; k++) {
        cact__dd t = cact__two_sum(s.h, sh[k]);
        s.h = t.h;
        s.l += t.l + sl[k];
    }
    return cact__fast_two_sum(s.h, s.l);
}
#endif

/* one result from dy, y and the row's sum (sh + sl); sign -1 for softmin */
#if CACT__BITS == 32
#  define CACT__AG_OUT(d, yv, sh, sl, log, sign)                 \
    ((float)((log) ? (double)(d)-AGL(exp_d)((double)(yv)) * (sh) \
                   : (sign) * ((double)(yv) * ((double)(d) - (sh)))))
#else
CACT_INLINE double AGF(out)(double d, double yv, double sh, double sl, int log, double sign)
{
    if (log) {
        cact__dds e = AGL(exp_dd)(yv, 0.0);
        cact__dd p = AGL(mul_dd)(e.h, e.l, sh, sl);
        cact__dd t = cact__two_sum(d, -(p.h * e.s));
        double r = t.h + (t.l - p.l * e.s);
        return r == r ? r : d - p.h * e.s; /* inf: the plain sum */
    }
    cact__dd t = cact__two_sum(d, -sh);
    double r = AGL(mla_lo)(yv, t.h, yv * (t.l - sl));
    r = r == r ? r : yv * (d - sh);
    return sign * r;
}
#  define CACT__AG_OUT(d, yv, sh, sl, log, sign) AGF(out)(d, yv, sh, sl, log, sign)
#endif

/* the kernel: log = 1 for log_softmax, sign = -1 for softmin */
static CACT__AGATTR CACT__NOINLINE CACT__OPTIMIZE void
AGF(grad)(const T *dy, const T *y, T *dx, size_t outer, size_t len, size_t inner, int log, int sign)
{
    size_t o, i, j, j0;
    double sg = sign;
    for (o = 0; o < outer; o++) {
        const T *d = dy + o * len * inner, *yy = y + o * len * inner;
        T *r = dx + o * len * inner;
        if (inner == 1) {
#if CACT__BITS == 32
            double sh = AGF(rsum)(d, yy, len, log), sl = 0.0;
#else
            cact__dd s = AGF(rsum)(d, yy, len, log);
            double sh = s.h, sl = s.l;
#endif
            (void)sl;
            for (i = 0; i < len; i++) r[i] = CACT__AG_OUT(d[i], yy[i], sh, sl, log, sg);
            continue;
        }
        for (j0 = 0; j0 < inner; j0 += CACT__AG_TILE) {
            size_t w = inner - j0 < CACT__AG_TILE ? inner - j0 : CACT__AG_TILE;
            double sh[CACT__AG_TILE], sl[CACT__AG_TILE];
            for (j = 0; j < w; j++) sh[j] = sl[j] = 0.0;
            for (i = 0; i < len; i++) {
                const T *dr = d + i * inner + j0, *yr = yy + i * inner + j0;
                for (j = 0; j < w; j++) {
#if CACT__BITS == 32
                    sh[j] += log ? (double)dr[j] : (double)dr[j] * yr[j];
#else
                    cact__dd p = log ? cact__mk_dd(dr[j], 0.0) : AGL(two_prod)(dr[j], yr[j]);
                    cact__dd t = cact__two_sum(sh[j], p.h);
                    sh[j] = t.h;
                    sl[j] += t.l + p.l;
#endif
                }
            }
            for (j = 0; j < w; j++) {
                cact__dd t = cact__fast_two_sum(sh[j], sl[j]);
                sh[j] = t.h;
                sl[j] = t.l;
            }
            for (i = 0; i < len; i++) {
                const T *dr = d + i * inner + j0, *yr = yy + i * inner + j0;
                T *rr = r + i * inner + j0;
                for (j = 0; j < w; j++) rr[j] = CACT__AG_OUT(dr[j], yr[j], sh[j], sl[j], log, sg);
            }
        }
    }
}

#undef CACT__AG_OUT
#undef AGF
#undef AGL
