/* cact/kernels/tanh.h -- the tanh family: tanh, tanhshrink (x - tanh x).
 * float32 tanh runs in float lanes (expm1n_ff, core/exp.h); the rest on the
 * core's tanh (core/tanh.h).  Part of cact/kernels/all.h (one dtype, one
 * level).
 */
#ifndef CACT__LV
#  error "include <cact/cact.h>, not cact/kernels/tanh.h"
#endif

#if CACT__BITS == 32

/* tanh(|x|) = -m / (2 + m), m = expm1(-2|x|) (expm1n_ff: a float pair,
 * 2^-27), 2 + m exact (Fast2Sum), the quotient by one float division and
 * its remainder, rounded once; x's sign set last (+-0 kept).  |x| is
 * clamped to 10 (tanh = 1 - 4e-9: 1 in float) */
CACT_INLINE T CACT__E(tanh_r)(T x)
{
    float a = cact__abs_f(x);
    a = a < 10.0f ? a : 10.0f; /* minps (NaN: nan_in) */
    cact__ff m = CACT__L(expm1n_ff)(-2.0f * a);
    float dh = 2.0f + m.h, dl = ((2.0f - dh) + m.h) + m.l; /* Fast2Sum: |m| <= 1 */
    float inv = 1.0f / dh, q = -m.h * inv;
    float rem = CACT__L(fnma_f)(q, dh, -m.h) - CACT__FMAF(q, dl, m.l);
    float t = CACT__FMAF(rem, inv, q);
    return cact__from_bits_f((cact__bits_f(t) & 0x7fffffffu) | (cact__bits_f(x) & 0x80000000u));
}

#else

CACT_INLINE T CACT__E(tanh_r)(T x)
{
    cact__dd t = CACT__L(tanh_dd)(x);
    return t.h + t.l;
}

#endif
CACT__NAN_IN0(tanh, tanh_r)

#if CACT__BITS == 32

/* x - tanh(x): below |x| = 0.625 the subtraction would cancel (up to all
 * digits near 0), and a series takes over */
CACT_INLINE T CACT__E(tanhshrink_r)(T x)
{
    double v = x;
    return (T)(cact__abs(v) <= 0.625 ? CACT__L(tanhshrink_small_d)(v) : v - CACT__L(tanh_d)(v));
}

#else

/* x - tanh(x): a series below |x| = 0.4; above, x - tanh(x) with tanh a
 * double-double and the subtraction exact (TwoSum); x -+ 1 beyond 20 */
CACT_INLINE T CACT__E(tanhshrink_r)(T x)
{
    double a = cact__abs(x);
    cact__dd t = CACT__L(tanh_dd)(x);
    cact__dd d = cact__two_sum(x, -t.h);
    double big = a > 20.0 ? (x < 0 ? x + 1.0 : x - 1.0) : d.h + (d.l - t.l);
    return a < 0.4 ? CACT__L(tanhshrink_small_dd)(x) : big;
}

#endif
CACT__NAN_IN0(tanhshrink, tanhshrink_r)

/* ---- derivatives (kernels/common.h: dx = dy f'(x)) ------------------- */

/* tanh'(x) = 1 - tanh^2 x = 4 sigmoid'(2x) = 4e / (1 + e)^2, e = e^-2|x|
 * (no cancellation; kernels/sigmoid.h) */
CACT_INLINE T CACT__E(tanh_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    T y = CACT__E(gmul)(dy, 4.0 * CACT__E(dsig_d)(2.0 * (double)x));
#else
    T y = CACT__E(dsig_dd)(dy, 2.0 * x, 4.0);
#endif
    return CACT__E(glim)(dy, x, y, 0, 0);
}
CACT__GNAN0(tanh_grad, tanh_grad_r)

/* tanhshrink'(x) = tanh^2 x: float64 as (dy t) t with t = tanh x a
 * double-double and dy t exact (TwoProd), rounded once at the end */
CACT_INLINE T CACT__E(tanhshrink_grad_r)(T dy, T x)
{
#if CACT__BITS == 32
    double t = CACT__L(tanh_d)(x);
    return CACT__E(gmul)(dy, t * t);
#else
    cact__dd t = CACT__L(tanh_dd)(x);
    cact__dd u = CACT__L(two_prod)(dy, t.h);
    u.l = CACT__FMA(dy, t.l, u.l);
    double y = CACT__L(mla_lo)(u.h, t.h, CACT__FMA(u.h, t.l, u.l * t.h));
    return y == y ? y : dy * (t.h * t.h); /* dy = +-inf */
#endif
}
CACT__GNAN0(tanhshrink_grad, tanhshrink_grad_r)
