/* tests/c/split_bits.c -- float32 softplus and celu run one of two loops per
 * call (include/cact/elementwise.h, CACT__LOOP_SPLIT): <name>_fast at the
 * default parameter (softplus beta = 1, celu alpha = 1), <name>_slow
 * otherwise.  The fast loop must give the general loop's bits there.  This
 * compares the two on every STRIDE-th float32 bit pattern (and the special
 * values) at each ISA level the CPU has, for several softplus thresholds,
 * and prints the count of differences:
 *
 *   cc -O3 -fno-math-errno -fno-trapping-math -Iinclude tests/c/split_bits.c -o t -lm
 *   ./t [STRIDE [NAME]]   -> "split_bits: N differences in M comparisons"
 */
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include <cact/cact.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* every loop as (x, y, n, p0, p1); the kernel ignores what it does not take */
typedef void (*loop_t)(const float *, float *, size_t, double, double);

#define WRAP1(name, lv)                                                                \
  static void name##_fast_##lv(const float *x, float *y, size_t n, double a, double b) \
  {                                                                                    \
    (void)b;                                                                           \
    cact__##name##_fast_f32_##lv##_oop(x, y, n, a);                                    \
  }                                                                                    \
  static void name##_slow_##lv(const float *x, float *y, size_t n, double a, double b) \
  {                                                                                    \
    (void)b;                                                                           \
    cact__##name##_slow_f32_##lv##_oop(x, y, n, a);                                    \
  }
#define WRAP2(name, lv)                                                                \
  static void name##_fast_##lv(const float *x, float *y, size_t n, double a, double b) \
  {                                                                                    \
    cact__##name##_fast_f32_##lv##_oop(x, y, n, a, b);                                 \
  }                                                                                    \
  static void name##_slow_##lv(const float *x, float *y, size_t n, double a, double b) \
  {                                                                                    \
    cact__##name##_slow_f32_##lv##_oop(x, y, n, a, b);                                 \
  }
#define WRAP_LEVELS(W, name) W(name, base) CACT__WRAP_DISPATCH(W, name)
#if CACT_DISPATCH
#  define CACT__WRAP_DISPATCH(W, name) W(name, v4) W(name, v3)
#else
#  define CACT__WRAP_DISPATCH(W, name)
#endif
WRAP_LEVELS(WRAP2, softplus)
WRAP_LEVELS(WRAP1, celu)

typedef struct {
    const char *name, *level;
    loop_t fast, slow;
    double p0, p1;
} case_t;

#define B 4096

static unsigned long long diffs, total;

static void compare(const case_t *c, const float *x, size_t n)
{
    float a[B], b[B];
    size_t i;
    c->fast(x, a, n, c->p0, c->p1);
    c->slow(x, b, n, c->p0, c->p1);
    for (i = 0; i < n; i++) {
        total++;
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0) {
            if (diffs < 10)
                printf("%s %s (%g, %g): x = %a gives %a (fast loop) and %a (general loop)\n",
                       c->name, c->level, c->p0, c->p1, x[i], a[i], b[i]);
            diffs++;
        }
    }
}

int main(int argc, char **argv)
{
    const uint64_t stride = argc > 1 ? strtoull(argv[1], 0, 10) : 61;
    const char *only = argc > 2 ? argv[2] : 0;
    static const double thr[] = {20.0, HUGE_VAL, 0.5, -3.0, 88.0};
    static const float special[] = {0.0f,    -0.0f,     HUGE_VALF, -HUGE_VALF, NAN,     1e-45f,
                                    -1e-45f, -9.3e-10f, -9.4e-10f, -650.0f,    -651.0f, -708.0f,
                                    -1e30f,  20.0f,     88.0f,     0.5f,       -3.0f};
    case_t cases[3 * 6];
    int nc = 0, hw = cact_isa_hardware(), l, t, k;
    for (l = 0; l < 3; l++) {
        const char *lv = l == 0 ? "v4" : l == 1 ? "v3" : "base";
        loop_t spf = softplus_fast_base, sps = softplus_slow_base, cf = celu_fast_base,
               cs = celu_slow_base;
        if (l == 0 && !(CACT_DISPATCH && hw >= CACT_ISA_V4)) continue;
        if (l == 1 && !(CACT_DISPATCH && hw >= CACT_ISA_V3)) continue;
#if CACT_DISPATCH
        if (l == 0)
            spf = softplus_fast_v4, sps = softplus_slow_v4, cf = celu_fast_v4, cs = celu_slow_v4;
        if (l == 1)
            spf = softplus_fast_v3, sps = softplus_slow_v3, cf = celu_fast_v3, cs = celu_slow_v3;
#endif
        for (t = 0; t < (int)(sizeof thr / sizeof thr[0]); t++) {
            case_t c = {"softplus", lv, spf, sps, 1.0, thr[t]};
            cases[nc++] = c;
        }
        {
            case_t c = {"celu", lv, cf, cs, 1.0, 0.0};
            cases[nc++] = c;
        }
    }
    for (k = 0; k < nc; k++) {
        float x[B];
        uint64_t u = 0;
        if (only && strcmp(only, cases[k].name)) continue;
        compare(&cases[k], special, sizeof special / sizeof special[0]);
        while (u < (1ull << 32)) {
            size_t n = 0;
            for (; n < B && u < (1ull << 32); n++, u += stride) {
                uint32_t bits = (uint32_t)u;
                memcpy(&x[n], &bits, sizeof bits);
            }
            compare(&cases[k], x, n);
        }
    }
    printf("split_bits: %llu differences in %llu comparisons (%d cases)\n", diffs, total, nc);
    return diffs != 0;
}
