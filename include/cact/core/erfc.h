/* cact/core/erfc.h -- the complementary error function of one ISA level,
 * with relative accuracy down the whole tail (gelu's negative side):
 * erfc(a) = e^(-a^2) erfcx(a), erfcx(a) = t H(w) with t = c / (c + a) (the
 * variable of Numerical Recipes' erfc, here with Remez polynomials from
 * tools/exhaustive/fit.py instead of Chebyshev) and w = t mapped onto
 * [-1, 1].  Part of the per-level instantiation (cact/level.h).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/core/erfc.h"
#endif

/* erfc(a) for a >= 0 with relative accuracy (2^-32) all the way down the
 * tail, 0 above 10.6 (erfc(10.6) ~ 1e-50: gelu(x) underflows float32 for
 * x < -14.1); t = 3 / (3 + a). */
CACT_INLINE double CACT__L(erfc_d)(double a)
{
    double t = 3.0 / (3.0 + a);
    double w = CACT__FMA(t, 2.5660377358490565, -1.5660377358490567);
    /* erfc_d: erfcx(a)/t, a in [0, 10.6], degree 11, max relative error 2^-34.2 */
    double h = CACT__H11(w, 0.43374086530866357, 0.31034973027986007, 0.16875526684780168,
                         0.067622627462441, 0.018085364742365707, 0.0020984490922296077,
                         -0.00047451194371214597, -0.0001983260773711501, 7.482271459678178e-06,
                         1.3911136271991151e-05, -6.386931080586725e-09, -8.527560206768902e-07);
    double e = CACT__L(exp_d)(-(a * a));
    return a > 10.6 ? 0.0 : e * t * h;
}

/* erfc(ah + al) for a >= 0 (a <= 28), as (h + l) s (see exp_dd), relative
 * error < 2^-54.5; 0 above 27.3, where gelu(x) underflows every double.
 * erfc(a) = e^(-a^2) t H(w), t = c / (c + a) (the variable of Numerical
 * Recipes' erfc), w = S t + O in [-1, 1], in two pieces (c = 4 on [0, 2.5],
 * c = 2 on [2.5, 27.3]) whose coefficients are selected per lane.  Every
 * factor is a double-double: a^2 exactly (the argument's amplification,
 * d erfc/erfc = -2a da, costs nothing), t by a corrected division, w exactly
 * (its rounding, times H'(w), would be 2^-51), H's last two Horner steps,
 * and the product. */
CACT_INLINE cact__dds CACT__L(erfc_dd)(double ah, double al)
{
    int lo = ah < 2.5;
#define CACT__C(l, h) (lo ? (l) : (h))
    double c = CACT__C(4.0, 2.0);
    cact__dd den = cact__two_sum(c, ah);
    cact__dd t = CACT__L(div_dd)(c, 0.0, den.h, den.l + al);
    double sw = CACT__C(5.2, 5.316532258064516);
    cact__dd p = CACT__L(two_prod)(sw, t.h);
    cact__dd ws = cact__two_sum(p.h, CACT__C(-4.2, -1.3629032258064515));
    double w = ws.h, wl = ws.l + CACT__FMA(sw, t.l, p.l); /* S t + O = w + wl */
    /* erfc_dd_lo: erfcx(a)/t, t = 4/(4+a), a in [0, 2.5], degree 16, 2^-58.1;
     * erfc_dd_hi: erfcx(a)/t, t = 2/(2+a), a in [2.5, 27.3], degree 16, 2^-56.7;
     * H = c0 + w (c1 + w H2(w)) */
    double h2 = CACT__H14(w, CACT__C(0.11654093742863378, 0.014502479887794918),
                          CACT__C(0.03601081938806956, 0.0015530612376300258),
                          CACT__C(0.008604072563750322, -1.7603118710006286e-06),
                          CACT__C(0.0015497086795022066, -3.137277675229531e-05),
                          CACT__C(0.00019457408383544026, -3.0007866767911433e-06),
                          CACT__C(1.274813008720683e-05, 6.682205538439738e-07),
                          CACT__C(-5.634022400854786e-07, 1.3476174163634564e-07),
                          CACT__C(-1.9494617537186623e-07, -1.927690907581006e-08),
                          CACT__C(-7.402989925138699e-09, -5.73174088526291e-09),
                          CACT__C(2.0320716806690063e-09, 8.253762818197396e-10),
                          CACT__C(1.749861741008661e-10, 2.5498549744034324e-10),
                          CACT__C(-2.328682419414426e-11, -4.754219081847525e-11),
                          CACT__C(-2.699249980252119e-12, -1.1265880167669633e-11),
                          CACT__C(3.084973054851978e-13, 2.5280924449984e-12),
                          CACT__C(2.964531257810248e-14, 4.021281569699361e-13));
    /* H'(w) to a few percent (it multiplies wl < 2^-50): c1 + 2 c2 w + 3 c3 w^2 + 4 c4 w^3 */
    double dh = CACT__H3(w, CACT__C(0.2911467459397439, 0.0843556373677685),
                         CACT__C(0.23308187485726756, 0.029004959775589836),
                         CACT__C(0.10803245816420869, 0.004659183712890078),
                         CACT__C(0.034416290255001286, -7.041247484002514e-06));
    cact__dd q = CACT__L(two_prod)(w, h2);
    cact__dd p1 = cact__fast_two_sum(CACT__C(0.2911467459397439, 0.0843556373677685), q.h);
    p1.l += q.l;
    cact__dd r = CACT__L(mul_dd)(w, 0.0, p1.h, p1.l);
    cact__dd hp = cact__fast_two_sum(CACT__C(0.545941157356373, 0.37393849552155023), r.h);
    hp.l += r.l + CACT__FMA(wl, dh, CACT__C(1.2297472026525433e-17, 2.655080730452157e-17));
#undef CACT__C
    cact__dd a2 = CACT__L(two_prod)(ah, ah);
    cact__dds e = CACT__L(exp_dd)(-a2.h, -CACT__FMA(2.0 * ah, al, a2.l));
    cact__dd et = CACT__L(mul_dd)(e.h, e.l, t.h, t.l);
    cact__dd ef = CACT__L(mul_dd)(et.h, et.l, hp.h, hp.l);
    cact__dds out;
    out.h = ah > 27.3 ? 0.0 : ef.h;
    out.l = ah > 27.3 ? 0.0 : ef.l;
    out.s = e.s;
    return out;
}
