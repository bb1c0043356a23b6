/* tools/exhaustive/digest.c -- a digest of every kernel's output bits, per
 * ISA level, so that a change meant to keep results (a refactor, a new
 * compiler) can be checked against the build before it:
 *
 *   digest f32 [S]  every float32 bit pattern through each elementwise kernel
 *                   (every S-th block of 2^16 patterns: a quicker partial check)
 *   digest f64      a fixed set of 2^23 float64 inputs (random bit patterns
 *                   over the whole range, the working range [-40, 40], specials)
 *   digest axis     softmax, log_softmax, softmin, maxout and prelu over a
 *                   fixed set of shapes and data (both dtypes)
 *
 * One line per (kernel and parameters, dtype, level): a 64-bit digest
 * sum_i (bits(y_i) + 1) * w_i mod 2^64 with odd position weights w_i, so
 * that any single changed result changes the digest.  Levels go through
 * the public entry points with $CACT_ISA (the level each call uses).
 * `diff` two runs' outputs: equal lines, equal bits.
 */
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include <cact/cact.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*k32)(const float *, float *, size_t, double, double);
typedef void (*k64)(const double *, double *, size_t, double, double);

/* every kernel through one signature: (x, y, n, p0, p1) */
#define W0(name)                                                                   \
  static void w32_##name(const float *x, float *y, size_t n, double a, double b)   \
  {                                                                                \
    (void)a;                                                                       \
    (void)b;                                                                       \
    cact_##name##_f32(x, y, n);                                                    \
  }                                                                                \
  static void w64_##name(const double *x, double *y, size_t n, double a, double b) \
  {                                                                                \
    (void)a;                                                                       \
    (void)b;                                                                       \
    cact_##name##_f64(x, y, n);                                                    \
  }
#define W1(name)                                                                   \
  static void w32_##name(const float *x, float *y, size_t n, double a, double b)   \
  {                                                                                \
    (void)b;                                                                       \
    cact_##name##_f32(x, y, n, a);                                                 \
  }                                                                                \
  static void w64_##name(const double *x, double *y, size_t n, double a, double b) \
  {                                                                                \
    (void)b;                                                                       \
    cact_##name##_f64(x, y, n, a);                                                 \
  }
#define W2(name)                                                                   \
  static void w32_##name(const float *x, float *y, size_t n, double a, double b)   \
  {                                                                                \
    cact_##name##_f32(x, y, n, a, b);                                              \
  }                                                                                \
  static void w64_##name(const double *x, double *y, size_t n, double a, double b) \
  {                                                                                \
    cact_##name##_f64(x, y, n, a, b);                                              \
  }

// clang-format off
W0(identity) W0(binary_step) W0(relu) W0(squared_relu) W0(relu6) W1(leaky_relu) W2(hardtanh)
W2(hard_sigmoid) W0(hard_swish) W1(softshrink) W1(hardshrink) W2(threshold)
W0(softsign) W0(sigmoid) W0(log_sigmoid) W1(swish) W0(silu) W2(softplus) W0(mish)
W0(tanh) W0(tanhshrink) W1(elu) W1(celu) W0(selu) W0(gelu) W0(gelu_tanh)
W0(fast_sigmoid) W0(fast_silu) W1(fast_swish) W0(fast_tanh) W0(fast_gelu_tanh)

typedef struct {
    const char *name;
    k32 f32;
    k64 f64;
    double a, b;
} entry_t;


#define E(name, a, b) { #name, w32_##name, w64_##name, a, b }
// clang-format on
static const entry_t ENTRIES[] = {
    E(identity, 0, 0),
    E(binary_step, 0, 0),
    E(relu, 0, 0),
    E(relu6, 0, 0),
    E(leaky_relu, 0.01, 0),
    E(leaky_relu, -0.3, 0),
    E(hardtanh, -1, 1),
    E(hardtanh, -0.25, 3.5),
    E(hard_sigmoid, 1.0 / 6.0, 0.5),
    E(hard_sigmoid, 0.2, 0.5),
    E(hard_swish, 0, 0),
    E(softshrink, 0.5, 0),
    E(softshrink, 1.7, 0),
    E(hardshrink, 0.5, 0),
    E(threshold, 0.5, -2),
    E(softsign, 0, 0),
    E(sigmoid, 0, 0),
    E(log_sigmoid, 0, 0),
    E(swish, 1.0, 0),
    E(swish, 1.702, 0),
    E(swish, -1.25, 0),
    E(swish, 0.3, 0),
    E(silu, 0, 0),
    E(softplus, 1.0, 20.0),
    E(softplus, 2.0, 20.0),
    E(softplus, 1.0, HUGE_VAL),
    E(softplus, 0.7, 3.0),
    E(mish, 0, 0),
    E(tanh, 0, 0),
    E(tanhshrink, 0, 0),
    E(elu, 1.0, 0),
    E(elu, 0.3, 0),
    E(celu, 1.0, 0),
    E(celu, 0.7, 0),
    E(celu, 2.5, 0),
    E(selu, 0, 0),
    E(gelu, 0, 0),
    E(gelu_tanh, 0, 0),
    /* added after the first digests: new lines, the earlier ones unchanged */
    E(squared_relu, 0, 0),
    E(fast_sigmoid, 0, 0),
    E(fast_silu, 0, 0),
    E(fast_swish, 1.0, 0),
    E(fast_swish, 1.702, 0),
    E(fast_swish, 0.5, 0),
    E(fast_tanh, 0, 0),
    E(fast_gelu_tanh, 0, 0),
};
#define NENTRIES (sizeof ENTRIES / sizeof ENTRIES[0])

static const char *LEVELS[] = {"v4", "v3", "baseline"};
static const int LEVEL_ID[] = {CACT_ISA_V4, CACT_ISA_V3, CACT_ISA_BASELINE};

static int use_level(int li)
{
    if (LEVEL_ID[li] > cact_isa_hardware()) return 0;
    setenv("CACT_ISA", LEVELS[li], 1);
    return cact_isa_reset() == LEVEL_ID[li];
}

static uint64_t weight(uint64_t i) { return (i * 0x9E3779B97F4A7C15ULL) | 1; }

#define CHUNK (1u << 16)

static void digest_f32(uint64_t stride)
{
    static uint32_t xb[CHUNK];
    static float x[CHUNK], y[CHUNK];
    for (size_t e = 0; e < NENTRIES; e++)
        for (int li = 0; li < 3; li++) {
            if (!use_level(li)) continue;
            uint64_t h = 0;
            for (uint64_t base = 0; base < (1ULL << 32); base += (uint64_t)CHUNK * stride) {
                for (uint32_t i = 0; i < CHUNK; i++) xb[i] = (uint32_t)(base + i);
                memcpy(x, xb, sizeof x);
                ENTRIES[e].f32(x, y, CHUNK, ENTRIES[e].a, ENTRIES[e].b);
                uint32_t yb[CHUNK];
                memcpy(yb, y, sizeof yb);
                for (uint32_t i = 0; i < CHUNK; i++) h += ((uint64_t)yb[i] + 1) * weight(base + i);
            }
            printf("f32 %-13s %-10g %-10g %-8s %016llx\n", ENTRIES[e].name, ENTRIES[e].a,
                   ENTRIES[e].b, LEVELS[li], (unsigned long long)h);
            fflush(stdout);
        }
}

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

#define N64 (1u << 23)

static void fill64(double *x, size_t n)
{
    static const double specials[] = {0.0,
                                      -0.0,
                                      HUGE_VAL,
                                      -HUGE_VAL,
                                      NAN,
                                      1.0,
                                      -1.0,
                                      3.0,
                                      -3.0,
                                      20.0,
                                      -20.0,
                                      4.9e-324,
                                      -4.9e-324,
                                      2.2250738585072014e-308,
                                      1.7976931348623157e308,
                                      -1.7976931348623157e308};
    size_t i = 0, ns = sizeof specials / sizeof specials[0];
    for (; i < ns; i++) x[i] = specials[i];
    for (; i < n / 2; i++) {
        uint64_t u = next_u64();
        memcpy(&x[i], &u, sizeof u);
    }
    for (; i < n; i++) x[i] = ((double)(next_u64() >> 11) * 0x1p-53 - 0.5) * 80.0;
}

static void digest_f64(void)
{
    double *x = malloc(N64 * sizeof *x), *y = malloc(N64 * sizeof *y);
    fill64(x, N64);
    for (size_t e = 0; e < NENTRIES; e++)
        for (int li = 0; li < 3; li++) {
            if (!use_level(li)) continue;
            ENTRIES[e].f64(x, y, N64, ENTRIES[e].a, ENTRIES[e].b);
            uint64_t h = 0;
            for (size_t i = 0; i < N64; i++) {
                uint64_t b;
                memcpy(&b, &y[i], sizeof b);
                h += (b + 1) * weight(i);
            }
            printf("f64 %-13s %-10g %-10g %-8s %016llx\n", ENTRIES[e].name, ENTRIES[e].a,
                   ENTRIES[e].b, LEVELS[li], (unsigned long long)h);
            fflush(stdout);
        }
    free(x);
    free(y);
}

/* ---- along an axis ---------------------------------------------------- */

typedef struct {
    size_t outer, len, inner;
    int kind;
} shape_t;
/* kind: 0 uniform [-8, 8]; 1 wide spread [-1000, 1000]; 2 with specials
 * (+-inf, NaN, -inf rows); 3 a column jumping by +1000 from row 16 on
 * (softmax's rebase of other axes) */
static const shape_t SHAPES[] = {
    {1, 1, 1, 0},     {3, 5, 1, 0},    {64, 1000, 1, 0},   {4, 1024, 1, 1},  {2, 50257, 1, 0},
    {33, 17, 1, 2},   {5, 300, 1, 2},  {7, 33, 5, 0},      {3, 200, 70, 0},  {2, 200, 70, 1},
    {1, 128, 300, 3}, {2, 100, 64, 2}, {1, 1024, 1024, 0}, {1, 64, 1500, 3}, {9, 3, 130, 2},
};
#define NSHAPES (sizeof SHAPES / sizeof SHAPES[0])

static double axis_value(const shape_t *s, size_t o, size_t j, size_t k)
{
    double u = (double)(next_u64() >> 11) * 0x1p-53;
    switch (s->kind) {
    case 1:
        return (u - 0.5) * 2000.0;
    case 2: {
        uint64_t r = next_u64() % 97;
        if (o % 5 == 4) return -HUGE_VAL; /* an all -inf row */
        if (r == 0) return HUGE_VAL;
        if (r == 1) return -HUGE_VAL;
        if (r == 2 && o % 3 == 0) return NAN;
        return (u - 0.5) * 16.0;
    }
    case 3:
        return (u - 0.5) * 16.0 + (j >= 16 && k % 3 == 0 ? 1000.0 : 0.0) +
               (j == k % 64 ? 900.0 : 0.0);
    default:
        return (u - 0.5) * 16.0;
    }
}

static uint64_t hash64(const double *y, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t b;
        memcpy(&b, &y[i], sizeof b);
        h += (b + 1) * weight(i);
    }
    return h;
}

static uint64_t hash32(const float *y, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &y[i], sizeof b);
        h += ((uint64_t)b + 1) * weight(i);
    }
    return h;
}

static void digest_axis(void)
{
    for (size_t si = 0; si < NSHAPES; si++) {
        const shape_t *s = &SHAPES[si];
        size_t n = s->outer * s->len * s->inner;
        double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y),
               *w = malloc(s->len * sizeof *w);
        float *xf = malloc(n * sizeof *xf), *yf = malloc(n * sizeof *yf),
              *wf = malloc(s->len * sizeof *wf);
        rng_state = 0x13198A2E03707344ULL + si;
        for (size_t o = 0; o < s->outer; o++)
            for (size_t j = 0; j < s->len; j++)
                for (size_t k = 0; k < s->inner; k++) {
                    size_t i = (o * s->len + j) * s->inner + k;
                    x[i] = axis_value(s, o, j, k);
                    xf[i] = (float)x[i];
                }
        for (size_t j = 0; j < s->len; j++) {
            w[j] = ((double)(next_u64() >> 11) * 0x1p-53 - 0.3);
            wf[j] = (float)w[j];
        }
        size_t pieces = s->len % 3 == 0 ? 3 : (s->len % 2 == 0 ? 2 : 1);
        size_t nm = n / pieces;
        for (int li = 0; li < 3; li++) {
            if (!use_level(li)) continue;
// clang-format off
#define AX(name)                                                                        \
            cact_##name##_f64(x, y, s->outer, s->len, s->inner);                        \
            cact_##name##_f32(xf, yf, s->outer, s->len, s->inner);                      \
            printf("axis %-12s %zux%zux%zu/%d %-8s %016llx %016llx\n", #name, s->outer, \
                   s->len, s->inner, s->kind, LEVELS[li], (unsigned long long)hash64(y, n), \
                   (unsigned long long)hash32(yf, n));
            AX(softmax) AX(log_softmax) AX(softmin)
#undef AX
                // clang-format on
                cact_maxout_f64(x, y, s->outer, s->len, s->inner, pieces);
            cact_maxout_f32(xf, yf, s->outer, s->len, s->inner, pieces);
            printf("axis %-12s %zux%zux%zu/%d %-8s %016llx %016llx\n", "maxout", s->outer, s->len,
                   s->inner, s->kind, LEVELS[li], (unsigned long long)hash64(y, nm),
                   (unsigned long long)hash32(yf, nm));
            cact_prelu_f64(x, y, s->outer, s->len, s->inner, w);
            cact_prelu_f32(xf, yf, s->outer, s->len, s->inner, wf);
            printf("axis %-12s %zux%zux%zu/%d %-8s %016llx %016llx\n", "prelu", s->outer, s->len,
                   s->inner, s->kind, LEVELS[li], (unsigned long long)hash64(y, n),
                   (unsigned long long)hash32(yf, n));
            fflush(stdout);
        }
        free(x);
        free(y);
        free(w);
        free(xf);
        free(yf);
        free(wf);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "f32")) digest_f32(argc > 2 ? strtoull(argv[2], 0, 10) : 1);
    else if (!strcmp(mode, "f64")) digest_f64();
    else if (!strcmp(mode, "axis")) digest_axis();
    else {
        fprintf(stderr, "usage: digest f32 [stride] | f64 | axis\n");
        return 2;
    }
    return 0;
}
