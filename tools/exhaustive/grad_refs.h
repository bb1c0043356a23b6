/* tools/exhaustive/grad_refs.h -- long double references of the
 * derivatives f'(x) (the backward kernels cact_<name>_grad_*, dy = 1),
 * with the default parameters and PyTorch's kink conventions as
 * cact/_catalogue_grad.py states them.  Part of check.c (after its own
 * references, whose helpers these use).  No formula cancels but near
 * the zeros of silu', mish', gelu' and gelu_tanh' (there the checker
 * counts an absolute error: grad_kernels.inc's window); amplified
 * arguments are exact pairs as in the forward references (gelu's
 * x^2 / 2, gelu_tanh's u). */

static LD g_identity(LD x) { return x == x ? 1 : x; }
static LD g_binary_step(LD x) { return x == x ? 0 : x; }
static LD g_relu(LD x) { return x > 0 ? 1 : 0; }
static LD g_squared_relu(LD x) { return x > 0 ? 2 * x : 0; }
static LD g_relu6(LD x) { return x > 0 && x < 6 ? 1 : 0; }
static LD g_leaky_relu(LD x) { return x > 0 ? 1 : (LD)0.01; } /* the double parameter */
static LD g_hardtanh(LD x) { return x > -1 && x < 1 ? 1 : 0; }
static LD g_hard_sigmoid(LD x) { return x > -3 && x < 3 ? 1 / 6.0L : 0; }
static LD g_hard_swish(LD x) { return x <= -3 ? 0 : (x < 3 ? (2 * x + 3) / 6 : 1); }
static LD g_shrink(LD x) { return fabsl(x) > 0.5L ? 1 : 0; }
static LD g_threshold(LD x) { return x > 0.5L ? 1 : 0; }
static LD g_softsign(LD x)
{
    LD r = 1 / (1 + fabsl(x));
    return r * r;
}
/* e / (1 + e)^2, e = e^-|z| */
static LD g_sigmoid(LD x)
{
    LD e = expl(-fabsl(x));
    return e / ((1 + e) * (1 + e));
}
static LD g_log_sigmoid(LD x) { return r_sigmoid(-x); }
static LD g_silu(LD x) { return r_sigmoid(x) * (1 + x * r_sigmoid(-x)); }
static LD g_softplus(LD x) { return x > 20 ? 1 : r_sigmoid(x); }
/* e ((e + 2)(n + 2) + 4x (1 + e)) / (n + 2)^2, n = e (e + 2) */
static LD g_mish(LD x)
{
    if (x > 40) return 1;
    LD e = expl(x), n2 = e * (e + 2) + 2;
    return e * ((e + 2) * n2 + 4 * x * (1 + e)) / (n2 * n2);
}
static LD g_tanh(LD x) { return 4 * g_sigmoid(2 * x); }
static LD g_tanhshrink(LD x)
{
    LD t = tanhl(x);
    return t * t;
}
static LD g_elu(LD x) { return x > 0 ? 1 : expl(x); }
static LD g_selu(LD x) { return SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * expl(x)); }
/* Phi(x) + x phi(x): Phi = gelu(x) / x (r_gelu's erfc with its exact
 * argument pair), phi(x) = e^(-x^2/2) / sqrt(2 pi) with x^2 an exact pair */
static LD g_gelu(LD x)
{
    if (fabsl(x) > 40) return x > 0 ? 1 : 0;
    LD phi_ = x == 0 ? 0.5L : r_gelu(x) / x;
    dld x2 = ld_two_prod(x, x);
    LD ph = expl(-x2.h / 2) * (1 - x2.l / 2) * (TWO_RSQRTPI * RSQRT2.h / 2);
    return phi_ + x * ph;
}
/* sigmoid(2u) (1 + 2x u' sigmoid(-2u)), u as an exact pair (r_gelu_tanh) */
static LD g_gelu_tanh(LD x)
{
    if (fabsl(x) > 1e5L) return x > 0 ? 1 : 0;
    dld xx = ld_pair(x, 0);
    dld x3 = ld_mul(ld_mul(xx, xx), xx);
    dld u = ld_mul(SQRT2PI, ld_add(xx, ld_mul(K0044715, x3)));
    LD v = 2 * u.h, vl = 2 * u.l;
    LD s = r_sigmoid(v), sm = r_sigmoid(-v);
    s *= 1 + sm * vl;
    sm *= 1 - s * vl;
    LD up = SQRT2PI.h * (1 + 3 * K0044715.h * x * x);
    return s * (1 + 2 * x * up * sm);
}
