/* tests/c/softplus_split.c -- float32 softplus runs one of two loops per
 * call (include/cact/elementwise.h, CACT__LOOP_SPLIT): softplus_fast where
 * beta == 1, softplus_slow otherwise.  The fast loop must give the general
 * loop's bits at beta = 1.  This compares the two on every STRIDE-th float32
 * bit pattern (and the special values) at each ISA level the CPU has, for
 * several thresholds, and prints the count of differences:
 *
 *   cc -O3 -fno-math-errno -fno-trapping-math -Iinclude tests/c/softplus_split.c -o t -lm
 *   ./t [STRIDE]          -> "softplus_split: N differences in M comparisons"
 */
#include <cact/cact.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*loop_t)(const float *, float *, size_t, double, double);

#define B 4096

static unsigned long long diffs, total;

static void compare(loop_t fast, loop_t slow, const float *x, size_t n, double thr, const char *lv)
{
    float a[B], b[B];
    size_t i;
    fast(x, a, n, 1.0, thr);
    slow(x, b, n, 1.0, thr);
    for (i = 0; i < n; i++) {
        total++;
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0) {
            if (diffs < 10)
                printf("%s threshold %g: x = %a gives %a (beta = 1 loop) and %a (general loop)\n",
                       lv, thr, x[i], a[i], b[i]);
            diffs++;
        }
    }
}

int main(int argc, char **argv)
{
    const uint64_t stride = argc > 1 ? strtoull(argv[1], 0, 10) : 61;
    static const double thr[] = {20.0, HUGE_VAL, 0.5, -3.0, 88.0};
    static const float special[] = {0.0f, -0.0f, HUGE_VALF, -HUGE_VALF, NAN, 1e-45f, -1e-45f,
                                    -650.0f, -651.0f, -708.0f, -1e30f, 20.0f, 88.0f, 0.5f, -3.0f};
    loop_t fast[3], slow[3];
    const char *name[3];
    int nlv = 0, l;
    size_t t;
#if CACT_DISPATCH
    if (cact_isa_hardware() >= CACT_ISA_V4) {
        fast[nlv] = cact__softplus_fast_f32_v4_oop, slow[nlv] = cact__softplus_slow_f32_v4_oop;
        name[nlv++] = "v4";
    }
    if (cact_isa_hardware() >= CACT_ISA_V3) {
        fast[nlv] = cact__softplus_fast_f32_v3_oop, slow[nlv] = cact__softplus_slow_f32_v3_oop;
        name[nlv++] = "v3";
    }
#endif
    fast[nlv] = cact__softplus_fast_f32_base_oop, slow[nlv] = cact__softplus_slow_f32_base_oop;
    name[nlv++] = "base";
    for (t = 0; t < sizeof thr / sizeof thr[0]; t++) {
        for (l = 0; l < nlv; l++) {
            float x[B];
            uint64_t u = 0;
            compare(fast[l], slow[l], special, sizeof special / sizeof special[0], thr[t], name[l]);
            while (u < (1ull << 32)) {
                size_t n = 0;
                for (; n < B && u < (1ull << 32); n++, u += stride) {
                    uint32_t bits = (uint32_t)u;
                    memcpy(&x[n], &bits, sizeof bits);
                }
                compare(fast[l], slow[l], x, n, thr[t], name[l]);
            }
        }
    }
    printf("softplus_split: %llu differences in %llu comparisons (%d levels)\n", diffs, total, nlv);
    return diffs != 0;
}
