/* benchmarks/axis_loop.c -- the softmax kernels timed in a plain C loop, in
 * thread CPU time (best of 7 samples), which a shared machine disturbs less
 * than the wall-clock figures of bench_axis.py (no peers here):
 *
 *   gcc -O3 -fno-math-errno -fno-trapping-math -Iinclude benchmarks/axis_loop.c -o /tmp/axis_loop -lm
 *   /tmp/axis_loop          # ns per element, float32 and float64
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include "cact/cact.h"

typedef void (*kernel_f32)(const float *, float *, size_t, size_t, size_t);
typedef void (*kernel_f64)(const double *, double *, size_t, size_t, size_t);

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void)
{
    /* [outer, len, inner] */
    static const size_t shapes[][3] = {
        {1, 1000, 1}, {64, 50257, 1}, {1024, 1024, 1}, {1, 1024, 1024}, {4096, 10, 1}};
    static const char *names[] = {"(1, 1000)", "(64, 50257)", "(1024, 1024)", "(1024, 1024) ax0",
                                  "(4096, 10)"};
    const kernel_f32 k32[] = {cact_softmax_f32, cact_log_softmax_f32};
    const kernel_f64 k64[] = {cact_softmax_f64, cact_log_softmax_f64};
    static const char *fn[] = {"softmax", "log_softmax"};
    const size_t nmax = 64 * 50257;
    float *x = malloc(nmax * sizeof *x), *y = malloc(nmax * sizeof *y);
    double *xd = malloc(nmax * sizeof *xd), *yd = malloc(nmax * sizeof *yd);
    size_t i;
    int s, f, r, k;
    if (!x || !y || !xd || !yd) return 1;
    srand(1);
    for (i = 0; i < nmax; i++) { /* uniform in [-8, 8] */
        x[i] = (float)(16.0 * rand() / RAND_MAX - 8.0);
        xd[i] = x[i];
    }
    for (s = 0; s < 5; s++) {
        for (f = 0; f < 2; f++) {
            const size_t o = shapes[s][0], len = shapes[s][1], in = shapes[s][2], n = o * len * in;
            const int reps = (int)(3e6 / n) + 1;
            double b32 = 1e30, b64 = 1e30;
            for (r = 0; r < 7; r++) {
                double t = cpu_seconds();
                for (k = 0; k < reps; k++) k32[f](x, y, o, len, in);
                t = (cpu_seconds() - t) / reps / n * 1e9;
                if (t < b32) b32 = t;
                t = cpu_seconds();
                for (k = 0; k < reps; k++) k64[f](xd, yd, o, len, in);
                t = (cpu_seconds() - t) / reps / n * 1e9;
                if (t < b64) b64 = t;
            }
            printf("%-12s %-17s float32 %.3f  float64 %.3f\n", fn[f], names[s], b32, b64);
        }
    }
    free(x), free(y), free(xd), free(yd);
    return 0;
}
