/* cact/core/log.h -- log and log1p of one ISA level: log1p on [0, 1] in
 * double (_d) and log as a double-double (_dd), both as 2 atanh(s) with
 * s = (m - 1)/(m + 1), an odd series without cancellation.  Part of the
 * per-level instantiation (cact/level.h); coefficients from
 * tools/exhaustive/fit.py (the name quoted at each).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/core/log.h"
#endif

/* log(1 + y) for y in [0, 1] = 2 atanh(s), s = y / (2 + y) in [0, 1/3]:
 * an odd series with no cancellation, relative error < 2^-32. */
CACT_INLINE double CACT__L(log1p01_d)(double y)
{
    double s = y / (2.0 + y), u = s * s;
    /* log1p_d: atanh(s)/s in u = s^2, degree 5, max relative error 2^-33.2 */
    double t = s * CACT__H5(u, 0.9999999999014061, 0.333333395853081, 0.19999351389426734,
                            0.14310200198343612, 0.10698345393971338, 0.12200188750631329);
    return t + t;
}

/* log m + k ln 2 from s = (m - 1)/(m + 1) as a double-double:
 * log m = 2 atanh(s) = 2 (s + s^3 A(s^2)), |s| <= 3 - 2 sqrt 2 */
CACT_INLINE cact__dd CACT__L(log_atanh_dd)(cact__dd s, double k)
{
    double v = s.h * s.h;
    /* log_dd: (atanh(s) - s)/s^3 in v = s^2, |s| <= 3 - 2 sqrt 2, degree 7, relative
     * 2^-54.0 (contributes < 2^-6.7 times that) */
    double t = s.h * v *
               CACT__H7(v, 0.3333333333333333, 0.2000000000000266, 0.14285714284585804,
                        0.11111111327984713, 0.09090886839389466, 0.07693608503261697,
                        0.06623313562404454, 0.0664367216631271);
    /* atanh(sh + sl) = atanh(sh) + sl / (1 - s^2) */
    cact__dd r = cact__fast_two_sum(k * CACT__LN2_HI, 2.0 * s.h);
    r.l += k * CACT__LN2_LO + 2.0 * (CACT__FMA(s.l, v, s.l) + t);
    return r;
}

/* log(xh + xl) for a normal positive x, as a double-double, relative error
 * (absolute near x = 1) < 2^-58.  x = 2^k m with m in [sqrt2/2, sqrt2)
 * (integer arithmetic on the bits, as in musl's log), log m = 2 atanh(s),
 * s = (m - 1)/(m + 1) as a double-double (one division). */
CACT_INLINE cact__dd CACT__L(log_dd)(double xh, double xl)
{
    /* u's top 12 bits hold k + 1024, its low 52 bits m's mantissa offset
     * from sqrt2/2 = 0x3FE6A09E667F3BCD */
    uint64_t u = cact__bits(xh) + 0x00195F619980C433ULL;
    double m = cact__from_bits((u & 0x000FFFFFFFFFFFFFULL) + 0x3FE6A09E667F3BCDULL);
    double k = cact__from_bits((u >> 52) | 0x4338000000000000ULL) - (CACT__SHIFTER + 1024.0);
    double ml = xl * cact__pow2i(-k);
    cact__dd d = cact__fast_two_sum(1.0, m); /* m + 1, m <= sqrt2 */
    return CACT__L(log_atanh_dd)(CACT__L(div_dd)(m - 1.0, ml, d.h, d.l + ml), k); /* m - 1 exact */
}

/* log(1 + yh + yl) for y in [0, 1], as log_dd does it but with the
 * numerator taken from y itself where k = 0, so that a y below 2^-53, where
 * 1 + y rounds to 1, keeps every bit of yh + yl. */
CACT_INLINE cact__dd CACT__L(log1p01_dd)(double yh, double yl)
{
    cact__dd u = cact__fast_two_sum(1.0, yh);
    double sc = u.h > CACT__SQRT2 ? 0.5 : 1.0, k = u.h > CACT__SQRT2 ? 1.0 : 0.0;
    double m = u.h * sc, ml = u.l * sc;
    /* numerator m - 1 + ml + yl/2^k: for k = 0, (m - 1) + ml = yh exactly */
    double nh = k == 0.0 ? (m - 1.0) + ml : m - 1.0;
    double nl = k == 0.0 ? yl : ml + yl * sc;
    cact__dd d = cact__fast_two_sum(1.0, m);
    return CACT__L(log_atanh_dd)(CACT__L(div_dd)(nh, nl, d.h, d.l + (ml + yl * sc)), k);
}
