/* tools/exhaustive/check.c -- accuracy of cact's elementwise kernels against
 * long double references:
 *
 *   check f32 [--stride S] [--kernel K] [--level L] [--threads T] [--quiet]
 *       every float32 bit pattern (or every S-th) through each kernel, at each
 *       ISA level the CPU has (v4, v3, base), against the reference
 *   check f64 [--samples N] [--seed S] [--kernel K] [--level L] [--threads T] [--quiet]
 *       N random float64 inputs (log-uniform magnitudes of both signs over
 *       the whole range, the working range, the tails, special values)
 *   check ref32|ref64 KERNEL < inputs
 *       the reference for each input (one hex float per line), printed as
 *       "hi lo" doubles (hi + lo = the long double value, lo scaled by 2^600
 *       where |hi| < 2^-500): tests compare it with mpmath
 *
 * For each kernel and level it prints the max error in ulps of the result's
 * dtype (subnormal results at their true ulp: 2^-149 / 2^-1074), the input
 * where it occurs, and how many results are above 0.5 and above 1 ulp.
 * While it runs, a progress bar on stderr (one line, rewritten with a
 * carriage return: the share of the whole run done, the kernel running,
 * the time left) when stderr is a terminal and --quiet is not given.
 *
 * The backward kernels (<name>_grad, grad_kernels.inc) run with dy = 1
 * against the long double derivatives of grad_refs.h; around a zero of f'
 * (the row's window) an absolute error within the row's bound counts as 0.
 *
 * The fast tier's kernels (fast_<name>, kernels.inc's CACT_CHECK_FAST rows)
 * carry their bound: a float32 result whose exact value is subnormal (below
 * 2^-126) counts as |y - exact| in units of 2^-126 when within one (and a
 * zero of the wrong sign, or anything further, as inf); the checker prints
 * "OVER BOUND" after such a line and exits 1 when any fast kernel exceeds
 * its bound.  The accurate kernels' bounds are the tests' (the catalogue's
 * ulp=): the exit status does not depend on them.
 * Built and run by `make -C tools/exhaustive full` (float32, every pattern)
 * and by tests/test_math_core.py (a stride).  The kernels and the parameters
 * they run with are the catalogue's (kernels.inc, generated from
 * cact/_catalogue.py by tools/generate.py): the defaults (threshold: 0.5, -2)
 * and the extra sets the catalogue lists.
 *
 * The references are long double (x87, 64-bit mantissa: 11 bits more than
 * float64, so a reference good to 2^-62 relative measures float64 ulps to
 * +-0.002).  Where a formula cancels or amplifies its argument's rounding,
 * the reference is written so that it does not: tanhshrink by a 26-term
 * series below |x| = 1/2; gelu's x/sqrt2, gelu_tanh's u and hard_sigmoid's
 * alpha x as exact long-double pairs (Dekker products) with a first-order
 * correction; every reference is cross-checked against mpmath by the tests.
 */
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include <cact/cact.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h> /* isatty */
#ifdef _OPENMP
#  include <omp.h>
#endif

typedef long double LD;

/* ---- long double pairs (hi + lo), Dekker / Knuth ---------------------- */

typedef struct {
    LD h, l;
} dld;

static dld ld_two_sum(LD a, LD b)
{
    LD s = a + b, bb = s - a;
    dld r = {s, (a - (s - bb)) + (b - bb)};
    return r;
}

static dld ld_two_prod(LD a, LD b)
{
    const LD C = 4294967297.0L; /* 2^32 + 1: Veltkamp's split of a 64-bit mantissa */
    LD ca = C * a, ah = ca - (ca - a), al = a - ah;
    LD cb = C * b, bh = cb - (cb - b), bl = b - bh;
    LD p = a * b;
    dld r = {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
    return r;
}

static dld ld_mul(dld a, dld b)
{
    dld p = ld_two_prod(a.h, b.h);
    p.l += a.h * b.l + a.l * b.h;
    return ld_two_sum(p.h, p.l);
}

static dld ld_add(dld a, dld b)
{
    dld s = ld_two_sum(a.h, b.h);
    s.l += a.l + b.l;
    return ld_two_sum(s.h, s.l);
}

static dld ld_pair(LD h, LD l)
{
    dld r = {h, l};
    return r;
}

/* constants as long double pairs (from mpmath at 300 bits) */
#define RSQRT2 ld_pair(0xb504f333f9de6484p-64L, 0xb2fb1366ea957d3ep-129L)
#define SQRT2PI ld_pair(0xcc42299ea1b28468p-64L, 0xfcb3c500bab8e2ffp-129L)
#define K0044715 ld_pair(0xb727136a400fba88p-68L, 0x9aaa3ad18d25edd0p-134L)
#define TWO_RSQRTPI 0x906eba8214db688dp-63L
#define SELU_ALPHA 0xd62d7d6bc1678bd7p-63L
#define SELU_SCALE 0x867d5eb548899170p-63L

/* ---- references ------------------------------------------------------ */

static LD clip(LD v, LD lo, LD hi) { return v < lo ? lo : (v > hi ? hi : v); }

static LD r_identity(LD x) { return x; }
static LD r_binary_step(LD x) { return x >= 0 ? 1 : 0; }
static LD r_relu(LD x) { return x > 0 ? x : 0; }
static LD r_relu6(LD x) { return clip(x, 0, 6); }
static LD r_leaky_relu(LD x) { return x >= 0 ? x : (LD)0.01 * x; }
static LD r_hardtanh(LD x) { return clip(x, -1, 1); }
static LD r_squared_relu(LD x) { return x > 0 ? x * x : 0; }
static LD r_hard_sigmoid(LD x)
{
    /* the default parameters: x/6 + 1/2 exactly (x + 3 is exact in long
     * double for every float32 input and, near -3, every float64 one) */
    return clip((x + 3) / 6, 0, 1);
}
static LD r_hard_swish(LD x) { return x * clip((x + 3) / 6, 0, 1); }
static LD r_softshrink(LD x) { return x > 0.5L ? x - 0.5L : (x < -0.5L ? x + 0.5L : 0); }
static LD r_hardshrink(LD x) { return fabsl(x) > 0.5L ? x : 0; }
static LD r_threshold(LD x) { return x > 0.5L ? x : -2.0L; }
static LD r_softsign(LD x) { return x / (1 + fabsl(x)); }

static LD r_sigmoid(LD x)
{
    LD e = expl(-fabsl(x));
    return (x < 0 ? e : 1) / (1 + e);
}
static LD softplusl(LD z) { return (z > 0 ? z : 0) + log1pl(expl(-fabsl(z))); }
static LD r_log_sigmoid(LD x) { return -softplusl(-x); }
static LD r_silu(LD x) { return x * r_sigmoid(x); }
static LD r_swish_b1702(LD x) { return x * r_sigmoid((LD)1.702 * x); }
static LD r_swish_bm125(LD x) { return x * r_sigmoid(-1.25L * x); }
static LD r_softplus(LD x) { return x > 20 ? x : softplusl(x); }
/* tanh(log(1 + e)) = n / (n + 2), n = e (e + 2): no cancellation for x < 0 */
static LD r_mish(LD x)
{
    LD e = expl(x > 40 ? 40 : x), n = e * (e + 2);
    return x > 40 ? x : x * (n / (n + 2));
}
static LD r_tanh(LD x) { return tanhl(x); }

/* x - tanh x = sum a_k x^(2k+1), a_k = -2^2n (2^2n - 1) B_2n / (2n)!, n = k+1 */
static const LD TS[26] = {
    0xaaaaaaaaaaaaaaabp-65L,  -0x8888888888888889p-66L, 0xdd0dd0dd0dd0dd0ep-68L,
    -0xb327a4416087cf99p-69L, 0x91371aaf3611e47bp-70L,  -0xeb69e870abeefdb0p-72L,
    0xbed1b2295baf15b5p-73L,  -0x9aac12401b3a2291p-74L, 0xfabebb9a68b3210dp-76L,
    -0xcb3f0c57e57d6451p-77L, 0xa4bec7751292c99fp-78L,  -0x8589969cd3028276p-79L,
    0xd87b969f71274917p-81L,  -0xaf796d23a72db63ep-82L, 0x8e3befcae0e06817p-83L,
    -0xe694cef25735d9c2p-85L, 0xbae6f32b1ff6c743p-86L,  -0x977f46d9d7f8f919p-87L,
    0xf59914823a1a5e53p-89L,  -0xc712ffc993f15cc6p-90L, 0xa15d0d1a4da4808ap-91L,
    -0x82cbdb0e59849149p-92L, 0xd409fb755382c294p-94L,  -0xabdf514a8788f214p-95L,
    0x8b5080e2fef4b0ffp-96L,  -0xe1d91d82f1cfc57ep-98L};
static LD r_tanhshrink(LD x)
{
    if (fabsl(x) >= 0.5L) return x - tanhl(x); /* loses < 4 bits */
    LD u = x * x, s = 0;
    for (int k = 25; k >= 0; k--) s = s * u + TS[k];
    return x * u * s;
}
static LD r_elu(LD x) { return x > 0 ? x : expm1l(x); }
static LD r_selu(LD x) { return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * expm1l(x)); }

/* x erfc(-x / sqrt2) / 2 with z = -x/sqrt2 an exact pair (zh + zl) and
 * erfc(zh + zl) = erfc(zh) - zl (2/sqrt pi) e^(-zh^2): erfc's relative
 * sensitivity is 2z, up to 2^10.5 in the float64 tail. */
static LD r_gelu(LD x)
{
    dld z = ld_mul(ld_pair(-x, 0), RSQRT2);
    LD E = erfcl(z.h) - z.l * TWO_RSQRTPI * expl(-z.h * z.h);
    return x * E / 2;
}
/* x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3) as an exact pair; in the
 * tail sigmoid's relative sensitivity is |2u|, up to 745 */
static LD r_gelu_tanh(LD x)
{
    if (fabsl(x) > 1e5L) return x > 0 ? x : -0.0L;
    dld xx = ld_pair(x, 0);
    dld x3 = ld_mul(ld_mul(xx, xx), xx);
    dld u = ld_mul(SQRT2PI, ld_add(xx, ld_mul(K0044715, x3)));
    LD v = 2 * u.h, vl = 2 * u.l;
    LD s = r_sigmoid(v);
    return x * s * (1 + (1 - s) * vl);
}

/* float32 inputs: erfc's amplification 2z^2 < 225 and sigmoid's |2u| < 110
 * in the range where the result is not 0 or x leave plain long double
 * formulas within 2^-56 relative (the pairs above cost twice the time) */
static LD r_gelu32(LD x) { return x * erfcl(-x * RSQRT2.h) / 2; }
static LD r_gelu_tanh32(LD x)
{
    LD u = SQRT2PI.h * (x + K0044715.h * x * x * x);
    return x * r_sigmoid(2 * u);
}

/* float32 inputs, the exp family: double libm (glibc: exp, log1p, expm1
 * and tanh within ~1 ulp, 2^-52 relative) combined in long double measures
 * float32 ulps to +-2^-27, and costs a tenth of x87 expl/log1pl.  No
 * formula below cancels: e = e^-|x| <= 1, and tanhshrink (which does)
 * keeps its series.  e^z as (e^(z/2))^2 in long double stays normal (2^-51
 * relative) down to z = -1416, where double's e^z alone would be subnormal
 * from z = -708; below that it is < 2^-2000, 0 to any float. */
static LD d_exp(double z)
{
    LD h = exp(0.5 * z);
    return h * h;
}
static LD d_sigmoid(LD x)
{
    LD e = d_exp(-fabs((double)x));
    return (x < 0 ? e : 1) / (1 + e);
}
static LD d_softplus_(LD z)
{
    LD e = d_exp(-fabs((double)z)); /* log1p(e) = e below 2^-60 (e may not fit a double) */
    return (z > 0 ? z : 0) + (e < 0x1p-60L ? e : (LD)log1p((double)e));
}
static LD d_log_sigmoid(LD x) { return -d_softplus_(-x); }
static LD d_silu(LD x) { return x * d_sigmoid(x); }
static LD d_softplus(LD x) { return x > 20 ? x : d_softplus_(x); }
static LD d_mish(LD x)
{
    LD e = d_exp(x > 40 ? 40.0 : (double)x), n = e * (e + 2);
    return x > 40 ? x : x * (n / (n + 2));
}
static LD d_tanh(LD x) { return tanh((double)x); }
static LD d_elu(LD x) { return x > 0 ? x : (LD)expm1((double)x); }
static LD d_selu(LD x) { return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (LD)expm1((double)x)); }

#include "grad_refs.h" /* the derivatives g_<name> */

/* ---- the kernels under test, per level, with default parameters ------- */

typedef void (*k32)(const float *, float *, size_t);
typedef void (*k64)(const double *, double *, size_t);

#define LEVELS_MAX 3
static const char *LEVEL_NAME[LEVELS_MAX] = {"v4", "v3", "base"};

/* w_<name>_<dtype>_<level>: cact's kernel K at a level with the arguments
 * PARGS, parenthesised (WRAP: K is the entry's name, ARGS bare) */
// clang-format off
#if CACT_DISPATCH
#  define WRAPK(name, K, PARGS)                                                          \
    static void w_##name##_f32_v4(const float *x, float *y, size_t n)                    \
    { cact__##K##_f32_v4(x, y, n CACT__ID PARGS); }                                      \
    static void w_##name##_f32_v3(const float *x, float *y, size_t n)                    \
    { cact__##K##_f32_v3(x, y, n CACT__ID PARGS); }                                      \
    static void w_##name##_f32_base(const float *x, float *y, size_t n)                  \
    { cact__##K##_f32_base(x, y, n CACT__ID PARGS); }                                    \
    static void w_##name##_f64_v4(const double *x, double *y, size_t n)                  \
    { cact__##K##_f64_v4(x, y, n CACT__ID PARGS); }                                      \
    static void w_##name##_f64_v3(const double *x, double *y, size_t n)                  \
    { cact__##K##_f64_v3(x, y, n CACT__ID PARGS); }                                      \
    static void w_##name##_f64_base(const double *x, double *y, size_t n)                \
    { cact__##K##_f64_base(x, y, n CACT__ID PARGS); }
#  define ENTRY(name, ref, lo, hi, ...)                                                  \
    { #name, { w_##name##_f32_v4, w_##name##_f32_v3, w_##name##_f32_base },              \
      { w_##name##_f64_v4, w_##name##_f64_v3, w_##name##_f64_base }, ref, lo, hi, __VA_ARGS__ }
#else
#  define WRAPK(name, K, PARGS)                                                          \
    static void w_##name##_f32_base(const float *x, float *y, size_t n)                  \
    { cact__##K##_f32_base(x, y, n CACT__ID PARGS); }                                    \
    static void w_##name##_f64_base(const double *x, double *y, size_t n)                \
    { cact__##K##_f64_base(x, y, n CACT__ID PARGS); }
#  define ENTRY(name, ref, lo, hi, ...)                                                  \
    { #name, { 0, 0, w_##name##_f32_base }, { 0, 0, w_##name##_f64_base }, ref, lo, hi, __VA_ARGS__ }
#endif
// clang-format on
/* one wrapper per row of kernels.inc (generated from cact/_catalogue.py):
 * every kernel with the catalogue's default parameters, and the extra
 * parameter sets the catalogue lists (swish at beta 1.702 and -1.25) */
#define CACT_CHECK(entry, K, ARGS, ref, ref32, lim_neg, lim_pos) WRAPK(entry, K, ARGS)
#define CACT_CHECK_FAST(entry, K, ARGS, ref, ref32, lim_neg, lim_pos, u32, u64) \
  WRAPK(entry, K, ARGS)
#include "kernels.inc"
/* the backward kernels cact__<K>_grad_<dtype>_<level> with dy = 1 (a block
 * of ones, filled by main: the sweeps pass at most CHUNK elements a call) */
static float ONES32[4096];
static double ONES64[4096];
// clang-format off
#if CACT_DISPATCH
#  define WRAPG(name, K, PARGS)                                                          \
    static void w_##name##_f32_v4(const float *x, float *y, size_t n)                    \
    { cact__##K##_grad_f32_v4(ONES32, x, y, n CACT__ID PARGS); }                         \
    static void w_##name##_f32_v3(const float *x, float *y, size_t n)                    \
    { cact__##K##_grad_f32_v3(ONES32, x, y, n CACT__ID PARGS); }                         \
    static void w_##name##_f32_base(const float *x, float *y, size_t n)                  \
    { cact__##K##_grad_f32_base(ONES32, x, y, n CACT__ID PARGS); }                       \
    static void w_##name##_f64_v4(const double *x, double *y, size_t n)                  \
    { cact__##K##_grad_f64_v4(ONES64, x, y, n CACT__ID PARGS); }                         \
    static void w_##name##_f64_v3(const double *x, double *y, size_t n)                  \
    { cact__##K##_grad_f64_v3(ONES64, x, y, n CACT__ID PARGS); }                         \
    static void w_##name##_f64_base(const double *x, double *y, size_t n)                \
    { cact__##K##_grad_f64_base(ONES64, x, y, n CACT__ID PARGS); }
#else
#  define WRAPG(name, K, PARGS)                                                          \
    static void w_##name##_f32_base(const float *x, float *y, size_t n)                  \
    { cact__##K##_grad_f32_base(ONES32, x, y, n CACT__ID PARGS); }                       \
    static void w_##name##_f64_base(const double *x, double *y, size_t n)                \
    { cact__##K##_grad_f64_base(ONES64, x, y, n CACT__ID PARGS); }
#endif
// clang-format on
#define CACT_CHECK_GRAD(entry, K, ARGS, ref, lim_neg, lim_pos, lo, hi, a32, a64) \
  WRAPG(entry, K, ARGS)
#include "grad_kernels.inc"

typedef struct {
    const char *name;
    k32 f32[LEVELS_MAX];
    k64 f64[LEVELS_MAX];
    LD (*ref)(LD);           /* the reference (float64 inputs) */
    double lim_neg, lim_pos; /* f(-inf), f(+inf) */
    LD (*ref32)(LD);         /* a cheaper one good enough for float32 inputs, or 0 */
    int fast;                /* the fast tier: its bounds and subnormal rule apply */
    double bound32, bound64; /* fast: the max ulp asserted (float32, float64) */
    double near_lo, near_hi; /* a derivative's zero crossing: where an absolute error */
    double near32, near64;   /* up to near32 / near64 counts as 0 (0: none) */
} kernel_t;

/* The references r_<name> above assume the parameters kernels.inc passes
 * (the catalogue's defaults: leaky_relu 0.01, hardtanh [-1, 1], softshrink
 * and hardshrink 0.5, threshold 0.5 / -2, ...). */
#define CACT_CHECK(entry, K, ARGS, ref, ref32, lim_neg, lim_pos) \
  ENTRY(entry, ref, lim_neg, lim_pos, ref32, 0, 0, 0, 0, 0, 0, 0),
#define CACT_CHECK_FAST(entry, K, ARGS, ref, ref32, lim_neg, lim_pos, u32, u64) \
  ENTRY(entry, ref, lim_neg, lim_pos, ref32, 1, u32, u64, 0, 0, 0, 0),
#define CACT_CHECK_GRAD(entry, K, ARGS, ref, lim_neg, lim_pos, lo, hi, a32, a64) \
  ENTRY(entry, ref, lim_neg, lim_pos, 0, 0, 0, 0, lo, hi, a32, a64),
static const kernel_t KERNELS[] = {
#include "kernels.inc"
#include "grad_kernels.inc"
};
#define NKERNELS (sizeof KERNELS / sizeof KERNELS[0])

static LD reference(const kernel_t *k, LD x, int f32)
{
    if (x != x) return x;
    if (isinf(x)) return x < 0 ? k->lim_neg : k->lim_pos;
    return f32 && k->ref32 ? k->ref32(x) : k->ref(x);
}

/* ---- ulp errors -------------------------------------------------------- */

/* The unit in the last place of the exact value ref for a dtype with `mant`
 * fraction bits and least normal exponent emin (subnormal results at their
 * true ulp), as its reciprocal, from the long double's exponent bits (x87
 * 80-bit format: the exponent is the 15 bits above the 64-bit mantissa; a
 * frexpl/ldexpl pair per value would cost more than the kernels). */
static LD inv_ulp(LD ref, int mant, int emin)
{
    unsigned char b[sizeof(LD)];
    memcpy(b, &ref, sizeof ref);
    int e = ((b[9] & 0x7f) << 8 | b[8]) - 16383; /* unbiased exponent of |ref| */
    if (ref == 0 || e < emin) e = emin;
    /* 2^(mant - e), built in a long double's bits */
    LD r = 0;
    int x = mant - e + 16383;
    memset(b, 0, sizeof b);
    b[7] = 0x80; /* the explicit integer bit */
    b[8] = (unsigned char)(x & 0xff);
    b[9] = (unsigned char)((x >> 8) & 0x7f);
    memcpy(&r, b, 10);
    return r;
}

/* |y - ref| in ulps (see inv_ulp); NaN expected: 0 if y is NaN; a reference
 * that rounds to +-inf expects that inf. */
static double ulp_error(LD y, LD ref, LD iu, LD rounded_ref)
{
    if (ref != ref) return y != y ? 0 : INFINITY;
    if (isinf(rounded_ref)) return y == rounded_ref ? 0 : INFINITY;
    if (!isfinite(y)) return INFINITY;
    return (double)(fabsl(y - ref) * iu);
}

/* The fast tier's float32 error: ulps where the exact value is normal;
 * where it is subnormal, |y - ref| in units of 2^-126 if within one and of
 * the right sign when y is 0 (the tier's rule), else inf. */
static double ulp_error_fast32(LD y, LD ref, LD iu, LD rounded_ref)
{
    if (ref == ref && isfinite(ref) && fabsl(ref) < (LD)FLT_MIN && y == y && isfinite(y)) {
        LD d = fabsl(y - ref) * 0x1p126L;
        if (y == 0 && ref != 0 && signbit(y) != signbit(ref)) return INFINITY;
        return d <= 1 ? (double)d : INFINITY;
    }
    return ulp_error(y, ref, iu, rounded_ref);
}

typedef struct {
    double max;
    double worst_x;
    double worst_y;
    uint64_t over_half, over_one, n;
} stats_t;

static void stats_add(stats_t *s, double err, double x, double y)
{
    s->n++;
    if (err > 0.5) s->over_half++;
    if (err > 1.0) s->over_one++;
    if (err > s->max) {
        s->max = err;
        s->worst_x = x;
        s->worst_y = y;
    }
}

static void stats_merge(stats_t *a, const stats_t *b)
{
    if (b->max > a->max) {
        a->max = b->max;
        a->worst_x = b->worst_x;
        a->worst_y = b->worst_y;
    }
    a->over_half += b->over_half;
    a->over_one += b->over_one;
    a->n += b->n;
}

static void print_stats(const char *dtype, const char *name, const char *level, const stats_t *s,
                        int vs_v4_diff_known, uint64_t vs_v4_diff)
{
    printf("%-4s %-13s %-4s max %-9.4g ulp at x=%-15.9g (%a) got %-15.9g >0.5: %-11llu >1: %-9llu "
           "n=%llu",
           dtype, name, level, s->max, s->worst_x, s->worst_x, s->worst_y,
           (unsigned long long)s->over_half, (unsigned long long)s->over_one,
           (unsigned long long)s->n);
    if (vs_v4_diff_known) printf(" differs-from-v4=%llu", (unsigned long long)vs_v4_diff);
    printf("\n");
    fflush(stdout);
}

/* ---- progress bar ------------------------------------------------------ */

/* One line on stderr, redrawn when the share of chunks done (over the whole
 * run, every kernel) moves by a tenth of a percent: at most 1000 draws. */
static struct {
    int on;                   /* stderr is a terminal and no --quiet */
    unsigned long long total; /* chunks in the whole run */
    unsigned long long done;
    int drawn; /* the permille last drawn, -1 for none */
    time_t start;
    const char *label; /* the kernel running */
} progress = {0, 1, 0, -1, 0, ""};

static void progress_clear(void)
{
    if (progress.on && progress.drawn >= 0) fprintf(stderr, "\r\033[K");
    progress.drawn = -1;
}

/* a chunk is done (called by any thread) */
static void progress_chunk(void)
{
    if (!progress.on) return;
#pragma omp critical(progress)
    {
        int pm = (int)(++progress.done * 1000 / progress.total);
        if (pm != progress.drawn) {
            const int width = 30;
            int fill = pm * width / 1000;
            double spent = difftime(time(NULL), progress.start);
            double left = pm > 0 ? spent * (1000 - pm) / pm : 0;
            char bar[31];
            for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
            bar[width] = 0;
            fprintf(stderr, "\r\033[K[%s] %5.1f%% %s, %.0fm%02.0fs left", bar, pm / 10.0,
                    progress.label, floor(left / 60), fmod(left, 60));
            fflush(stderr);
            progress.drawn = pm;
        }
    }
}

/* ---- the sweeps -------------------------------------------------------- */

#define CHUNK 4096

static int level_available(int lv)
{
    int hw = cact_isa_hardware();
    if (lv == 0) return CACT_DISPATCH && hw >= CACT_ISA_V4;
    if (lv == 1) return CACT_DISPATCH && hw >= CACT_ISA_V3;
    return 1;
}

/* ---- float64: a sample ------------------------------------------------ */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1p-53; }

/* The i-th input of the float64 sample: special values first, then a mix of
 * log-uniform magnitudes over all finite doubles, the working range, and
 * the tails where naive formulas fail. */
static double sample64(uint64_t i, uint64_t *s)
{
    static const double special[] = {0.0,
                                     -0.0,
                                     INFINITY,
                                     -INFINITY,
                                     NAN,
                                     4.9406564584124654e-324,
                                     -4.9406564584124654e-324,
                                     2.2250738585072009e-308,
                                     2.2250738585072014e-308,
                                     -2.2250738585072014e-308,
                                     DBL_MAX,
                                     -DBL_MAX,
                                     1,
                                     -1,
                                     0.5,
                                     -0.5,
                                     3,
                                     -3,
                                     6,
                                     20,
                                     -20,
                                     20.000000000000004,
                                     19.999999999999996,
                                     40,
                                     -40,
                                     709.78,
                                     -745.13,
                                     -745.2,
                                     -708.4,
                                     1e-300,
                                     -1e-300,
                                     1e-8,
                                     -1e-8,
                                     0.0625,
                                     -0.0625,
                                     0.4,
                                     -0.4,
                                     0.625,
                                     -0.625,
                                     2.5 * 1.4142135623730951,
                                     -2.5 * 1.4142135623730951,
                                     -38.6,
                                     -27.3 * 1.4142135623730951};
    size_t ns = sizeof special / sizeof special[0];
    if (i < ns) return special[i];
    double sign = (splitmix(s) & 1) ? -1.0 : 1.0, u = unif(s);
    switch (splitmix(s) % 10) {
    case 0:
    case 1:
    case 2: /* log-uniform over every finite magnitude */
        return sign * exp2(-1074.0 + u * 2098.0);
    case 3:
    case 4: /* the working range */
        return sign * 40.0 * u;
    case 5: /* near 0: elu/tanhshrink/softsign/gelu */
        return sign * exp2(-60.0 + 59.0 * u);
    case 6: /* subnormal sigmoid/silu/mish/softplus results */
        return sign * (700.0 + 60.0 * u);
    case 7: /* gelu / gelu_tanh negative tails */
        return -(4.0 + 36.0 * u);
    case 8: /* softplus / log_sigmoid / tanh saturation, mish minimum */
        return sign * (15.0 + 30.0 * u);
    default: /* |x| in [1, 1e5]: x^3 in gelu_tanh, elu's plateau */
        return sign * exp2(17.0 * u);
    }
}

/* One sweep of a kernel at each chosen level against the reference: float32
 * (is64 = 0) over every stride-th bit pattern, float64 over n inputs of the
 * sample; in chunks, each thread with its own stats, merged at the end. */
static int run(const kernel_t *k, const int *levels, int is64, uint64_t stride, uint64_t n,
               uint64_t seed)
{
    stats_t tot[LEVELS_MAX];
    uint64_t diff[LEVELS_MAX];
    memset(tot, 0, sizeof tot);
    memset(diff, 0, sizeof diff);
    uint64_t count = is64 ? n : ((1ULL << 32) + stride - 1) / stride;
    long long nchunks = (long long)((count + CHUNK - 1) / CHUNK), c;
#pragma omp parallel
    {
        stats_t loc[LEVELS_MAX];
        uint64_t ldiff[LEVELS_MAX];
        union {
            float f[CHUNK];
            double d[CHUNK];
        } x, y[LEVELS_MAX];
        memset(loc, 0, sizeof loc);
        memset(ldiff, 0, sizeof ldiff);
#pragma omp for schedule(dynamic, 4)
        for (c = 0; c < nchunks; c++) {
            uint64_t s = seed * 0x100000001B3ULL + (uint64_t)c; /* per-chunk stream */
            size_t m = 0;
            for (; m < CHUNK && (uint64_t)c * CHUNK + m < count; m++) {
                uint64_t j = (uint64_t)c * CHUNK + m;
                if (is64) {
                    x.d[m] = sample64(j, &s);
                } else {
                    uint32_t u = (uint32_t)(j * stride);
                    memcpy(&x.f[m], &u, 4);
                }
            }
            for (int lv = 0; lv < LEVELS_MAX; lv++)
                if (levels[lv]) {
                    if (is64) k->f64[lv](x.d, y[lv].d, m);
                    else k->f32[lv](x.f, y[lv].f, m);
                }
            for (size_t i = 0; i < m; i++) {
                LD xv = is64 ? (LD)x.d[i] : (LD)x.f[i];
                LD ref = reference(k, xv, !is64);
                LD rr = is64 ? (LD)(double)ref : (LD)(float)ref; /* the dtype's rounding */
                LD iu = is64 ? inv_ulp(ref, 52, -1022) : inv_ulp(ref, 23, -126);
                for (int lv = 0; lv < LEVELS_MAX; lv++) {
                    if (!levels[lv]) continue;
                    LD yv = is64 ? (LD)y[lv].d[i] : (LD)y[lv].f[i];
                    LD y0 = is64 ? (LD)y[0].d[i] : (LD)y[0].f[i];
                    double err = k->fast && !is64 ? ulp_error_fast32(yv, ref, iu, rr)
                                                  : ulp_error(yv, ref, iu, rr);
                    if ((is64 ? k->near64 : k->near32) > 0 && xv >= k->near_lo &&
                        xv <= k->near_hi && fabsl(yv - ref) <= (is64 ? k->near64 : k->near32))
                        err = 0; /* within the absolute bound around f''s zero */
                    stats_add(&loc[lv], err, (double)xv, (double)yv);
                    /* differs from v4 in its bits (two NaNs count as equal) */
                    if (lv > 0 && levels[0] && !(yv != yv && y0 != y0) &&
                        memcmp(is64 ? (void *)&y[lv].d[i] : (void *)&y[lv].f[i],
                               is64 ? (void *)&y[0].d[i] : (void *)&y[0].f[i], is64 ? 8 : 4) != 0)
                        ldiff[lv]++;
                }
            }
            progress_chunk();
        }
#pragma omp critical
        for (int lv = 0; lv < LEVELS_MAX; lv++) {
            stats_merge(&tot[lv], &loc[lv]);
            diff[lv] += ldiff[lv];
        }
    }
    int over = 0;
    progress_clear();
    for (int lv = 0; lv < LEVELS_MAX; lv++)
        if (levels[lv]) {
            print_stats(is64 ? "f64" : "f32", k->name, LEVEL_NAME[lv], &tot[lv],
                        lv > 0 && levels[0], diff[lv]);
            if (k->fast && !(tot[lv].max <= (is64 ? k->bound64 : k->bound32))) {
                printf("OVER BOUND: %s %s %s max %.4g ulp > %g\n", is64 ? "f64" : "f32", k->name,
                       LEVEL_NAME[lv], tot[lv].max, is64 ? k->bound64 : k->bound32);
                over = 1;
            }
        }
    fflush(stdout); /* the results before the next bar */
    return over;
}

/* ---- command line ------------------------------------------------------ */

static const kernel_t *find(const char *name)
{
    for (size_t i = 0; i < NKERNELS; i++)
        if (!strcmp(KERNELS[i].name, name)) return &KERNELS[i];
    fprintf(stderr, "unknown kernel %s\n", name);
    exit(2);
}

static int usage(void)
{
    fprintf(stderr, "usage: check f32 [--stride S] | f64 [--samples N] [--seed S]\n"
                    "             [--kernel K] [--level all | v4,v3,base (any of)] [--threads T]\n"
                    "             [--quiet] (no progress bar on stderr)\n"
                    "       check ref32|ref64 KERNEL < hex floats\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    const char *mode = argv[1];
    if (!strcmp(mode, "ref32") || !strcmp(mode, "ref64")) {
        if (argc < 3) return usage();
        const kernel_t *k = find(argv[2]);
        char line[128];
        while (fgets(line, sizeof line, stdin)) {
            double x = strtod(line, NULL);
            int f32 = !strcmp(mode, "ref32");
            LD r = reference(k, f32 ? (LD)(float)x : (LD)x, f32);
            /* hi + lo, lo scaled by 2^600 where |hi| < 2^-500 (it would underflow) */
            double hi = (double)r;
            double lo =
                !isfinite(hi) ? 0.0 : (double)(fabs(hi) < 0x1p-500 ? ldexpl(r - hi, 600) : r - hi);
            printf("%a %a\n", hi, lo);
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof ONES32 / sizeof ONES32[0]; i++) ONES32[i] = 1.0f, ONES64[i] = 1.0;
    if (strcmp(mode, "f32") && strcmp(mode, "f64")) return usage();
    uint64_t stride = 1, samples = 10000000, seed = 1;
    const char *only = NULL, *level = "all";
    int threads = 1, quiet = 0;
    for (int i = 2; i < argc; i += 2) {
        if (!strcmp(argv[i], "--quiet")) {
            quiet = 1;
            i--; /* no value */
            continue;
        }
        if (i + 1 >= argc) return usage();
        if (!strcmp(argv[i], "--stride")) stride = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--samples")) samples = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--kernel")) only = argv[i + 1];
        else if (!strcmp(argv[i], "--level")) level = argv[i + 1];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else return usage();
    }
    if (stride < 1) stride = 1;
#ifdef _OPENMP
    omp_set_num_threads(threads > 0 ? threads : 1);
#else
    (void)threads;
#endif
    int levels[LEVELS_MAX];
    for (int lv = 0; lv < LEVELS_MAX; lv++) {
        /* --level all, or a comma-separated list (v4,base) */
        const char *p = strstr(level, LEVEL_NAME[lv]);
        size_t len = strlen(LEVEL_NAME[lv]);
        int listed = p && (p == level || p[-1] == ',') && (p[len] == 0 || p[len] == ',');
        levels[lv] = level_available(lv) && (!strcmp(level, "all") || listed);
    }
    printf("# cact %s accuracy, %s; %s; levels:", CACT_VERSION_STRING,
           !strcmp(mode, "f32") ? "float32" : "float64",
           !strcmp(mode, "f32")
               ? (stride == 1 ? "every bit pattern" : "a stride of the bit patterns")
               : "random sample");
    for (int lv = 0; lv < LEVELS_MAX; lv++)
        if (levels[lv]) printf(" %s", LEVEL_NAME[lv]);
    if (!strcmp(mode, "f32")) printf("; stride %llu\n", (unsigned long long)stride);
    else
        printf("; %llu samples, seed %llu\n", (unsigned long long)samples,
               (unsigned long long)seed);
    int over = 0, is64 = !strcmp(mode, "f64");
    uint64_t count = is64 ? samples : ((1ULL << 32) + stride - 1) / stride;
    progress.on = !quiet && isatty(2);
    progress.start = time(NULL);
    progress.total = 0;
    for (size_t i = 0; i < NKERNELS; i++)
        if (!only || !strcmp(KERNELS[i].name, only)) progress.total += (count + CHUNK - 1) / CHUNK;
    if (progress.total == 0) progress.total = 1;
    fflush(stdout);
    for (size_t i = 0; i < NKERNELS; i++) {
        if (only && strcmp(KERNELS[i].name, only)) continue;
        progress.label = KERNELS[i].name;
        over |= run(&KERNELS[i], levels, is64, stride, samples, seed);
    }
    progress_clear();
    return over;
}
