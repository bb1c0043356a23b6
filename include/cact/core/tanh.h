/* cact/core/tanh.h -- tanh and x - tanh(x) of one ISA level: tanh(|x|) =
 * -m / (2 + m) with m = expm1(-2|x|) (core/exp.h), and below a bound a
 * series for x - tanh(x), where the subtraction would cancel.  Part of the
 * per-level instantiation (cact/level.h); coefficients from
 * tools/exhaustive/fit.py (the name quoted at each).  The float-lane tanh
 * of the float32 kernel is in kernels/tanh.h, on expm1n_ff.
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/core/tanh.h"
#endif

/* ---- float32 core: double, relative error ~2^-31 ---------------------- */

/* tanh(x) = -m / (2 + m) with m = expm1(-2|x|), the sign of x (+-0 kept);
 * relative error < 2^-30.5 */
CACT_INLINE double CACT__L(tanh_d)(double x)
{
    double m = CACT__L(expm1n_d)(-2.0 * cact__abs(x));
    double t = -m / (2.0 + m);
    return x == 0 ? x : (x < 0 ? -t : t); /* +-0 kept */
}

/* x - tanh(x) for |x| <= 0.625 as x^3 S(x^2) (the subtraction would cancel
 * up to all digits); relative error < 2^-32 */
CACT_INLINE double CACT__L(tanhshrink_small_d)(double x)
{
    double u = x * x;
    /* tanhshrink_d: (x - tanh x)/x^3 in u = x^2, |x| <= 0.625, degree 6, 2^-32.3 */
    return x * u *
           CACT__H6(u, 0.33333333327419346, -0.13333331823000397, 0.053967631523767906,
                    -0.02185980188908641, 0.008790527684751269, -0.003305145274717919,
                    0.000861267055745567);
}

/* ---- float64 core: double-double, relative error ~2^-57 --------------- */

/* tanh(x) as a double-double with x's sign: -m / (2 + m), m = expm1(-2|x|)
 * (relative error < 2^-57); +-1 (to 2^-57) beyond |x| = 20 */
CACT_INLINE cact__dd CACT__L(tanh_dd)(double x)
{
    double a = cact__abs(x);
    cact__dd m = CACT__L(expm1n_dd)(-2.0 * (a > 20.0 ? 20.0 : a), 0.0);
    cact__dd d = cact__fast_two_sum(2.0, m.h);
    cact__dd t = CACT__L(div_dd)(-m.h, -m.l, d.h, d.l + m.l);
    int neg = x < 0;
    return cact__mk_dd(x == 0 ? x : (neg ? -t.h : t.h), x == 0 ? x : (neg ? -t.l : t.l));
}

/* x - tanh(x) for |x| <= 0.4 as x^3 S(x^2), S = c0 + u S1(u) with c0 kept as
 * a double-double and x^3 exact, so the result is rounded once (the
 * subtraction would cancel up to all digits).  Relative error < 2^-57. */
CACT_INLINE double CACT__L(tanhshrink_small_dd)(double x)
{
    /* below 2^-200, x^3 and its low part would reach the subnormals: x^3 is
     * formed from x 2^200 and the result scaled by 2^-600 (two exact steps
     * then one rounding); S(u) = c0 there (u S1(u) < 2^-400) */
    int tiny = cact__abs(x) < CACT__2PM200;
    double xs = tiny ? x * CACT__2P200 : x;
    cact__dd u = CACT__L(two_prod)(xs, xs);
    cact__dd x3 = CACT__L(two_prod)(xs, u.h);
    x3.l = CACT__FMA(xs, u.l, x3.l);
    double v = tiny ? 0.0 : u.h;
    /* tanhshrink_dd: (x - tanh x)/x^3 in u = x^2, |x| <= 0.4, degree 9, relative 2^-58.9;
     * c0 = 0.3333333333333333 + 1.7903790040176415e-17 */
    double t = v * CACT__H8(v, -0.13333333333333258, 0.05396825396809855, -0.021869488523679634,
                            0.008863235020672367, -0.0035921160705790173, 0.0014556625742459543,
                            -0.0005884907096613544, 0.0002307160816844943, -7.060389825479207e-05);
    cact__dd s = cact__fast_two_sum(0.3333333333333333, t);
    s.l += 1.7903790040176415e-17;
    double r = CACT__L(mla_lo)(x3.h, s.h, CACT__FMA(x3.h, s.l, x3.l * s.h));
    return tiny ? (r * CACT__2PM300) * CACT__2PM300 : r;
}
