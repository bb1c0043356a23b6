/* cact/kernels/rational.h -- rational functions: softsign.  Part of
 * cact/kernels/all.h (one dtype, one level).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/rational.h"
#endif

/* x / (1 + |x|); the limits +-1 at +-inf (inf/inf would be NaN).
 * float32 in float lanes: 1 + |x| = s + dl exactly (Knuth's TwoSum), q =
 * x (1/s), the remainder x - q s exact (an fma) less q dl, and q corrected
 * by it; beyond 2^25 the result rounds to +-1.  Within 0.5 + 1.1e-7 ulp
 * on every float (0.500000105 at x = 0x1.c2fa7ep-7): the double path it
 * replaces (q in double, rounded to float) gave other bits on 33 of the
 * 2^32 floats (29 in the baseline), where x / (1 + |x|) lies within 1.1e-7
 * ulp of a midpoint between floats.
 * float64: 1 + |x| exact (TwoSum) and a corrected division. */
CACT_INLINE T CACT__E(softsign)(T x)
{
#if CACT__BITS == 32
    float a = fabsf(x);
    float s = a + 1.0f, bb = s - a, dl = (a - (s - bb)) + (1.0f - bb);
    float inv = 1.0f / s, q = x * inv;
    float r = CACT__L(fmaf_d)(-q, dl, CACT__L(fmaf_d)(-q, s, x));
    float y = CACT__L(fmaf_d)(r, inv, q);
    return CACT__E(nan_in)(x, a > CACT__2P25F ? copysignf(1.0f, x) : y);
#else
    double v = x, a = cact__abs(v);
    /* beyond 2^60 the result rounds to +-1 (and Dekker's product in the
     * baseline's division would overflow near the top of the range) */
    cact__dd d = cact__two_sum(1.0, a);
    cact__dd qq = CACT__L(div_dd)(v, 0.0, d.h, d.l);
    return CACT__E(nan_in)(x, a > CACT__2P60 ? (v < 0 ? -1.0 : 1.0) : qq.h + qq.l);
#endif
}

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

/* softsign'(x) = 1 / (1 + |x|)^2, as (dy r) r with r = 1 / (1 + |x|), so
 * that nothing overflows and a tiny result is rounded once (1 + |x|
 * squared would overflow from |x| = 2^512 on).  float32: in double;
 * float64: 1 + |x| exact (TwoSum), r by a corrected division, dy r exact
 * (TwoProd) and the last product rounded once. */
CACT_INLINE T CACT__E(softsign_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double r = 1.0 / (1.0 + cact__abs((double)x));
    return CACT__E(gmul)(dy, r * r);
#else
    cact__dd d = cact__two_sum(1.0, cact__abs(x));
    cact__dd r = CACT__L(div_dd)(1.0, 0.0, d.h, d.l);
    cact__dd u = CACT__L(two_prod)(dy, r.h);
    u.l = CACT__FMA(dy, r.l, u.l);
    double y = CACT__L(mla_lo)(u.h, r.h, CACT__FMA(u.h, r.l, u.l * r.h));
    y = y == y ? y : dy * (r.h * r.h); /* dy = +-inf */
    return CACT__E(glim)(dy, x, y, 0.0, 0.0);
#endif
}
CACT__GNAN0(softsign_grad, softsign_grad_r)
