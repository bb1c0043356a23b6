/* tools/exhaustive/bench.c -- speed of the vectorized math core against the
 * libm stage it replaced, per kernel, float32 and float64, in ns/element:
 *
 *   make -C tools/exhaustive bench
 *   bin/bench [--sizes 4096,262144] [--repeats 9] [--stat median|min] [--kernel K]
 *
 * "libm" runs the libm-based element functions (tools/exhaustive/libm_stage.h:
 * libm calls, float64 in x87 long double) in the same loop shape, compiled
 * for the best ISA level the CPU has (as cact's kernels); "v4", "v3" and
 * "base" run cact's kernels at each ISA level the CPU has.  Inputs uniform
 * in [-8, 8], out of place, one thread; the median of the repeats, each
 * calibrated to >= 2 ms.  (benchmarks/bench.py compares the public Python
 * API with numpy, SciPy, PyTorch and ONNX Runtime.)
 */
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include <cact/cact.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the libm stage -------------------------------------------------- */

typedef double ls_w32;
typedef long double ls_w64;
static inline ls_w32 ls_exp_w32(ls_w32 x) { return exp(x); }
static inline ls_w32 ls_expm1_w32(ls_w32 x) { return expm1(x); }
static inline ls_w32 ls_log1p_w32(ls_w32 x) { return log1p(x); }
static inline ls_w32 ls_tanh_w32(ls_w32 x) { return tanh(x); }
static inline ls_w32 ls_erfc_w32(ls_w32 x) { return erfc(x); }
static inline ls_w64 ls_exp_w64(ls_w64 x) { return expl(x); }
static inline ls_w64 ls_expm1_w64(ls_w64 x) { return expm1l(x); }
static inline ls_w64 ls_log1p_w64(ls_w64 x) { return log1pl(x); }
static inline ls_w64 ls_tanh_w64(ls_w64 x) { return tanhl(x); }
static inline ls_w64 ls_erfc_w64(ls_w64 x) { return erfcl(x); }

#define LS_CAT_(a, b) a##b
#define LS_CAT(a, b) LS_CAT_(a, b)
#define LS_CAT3(a, b, c) LS_CAT(LS_CAT(a, b), c)
#define LS_T float
#define LS_W ls_w32
#define LS_SFX f32
#define LS_BITS 32
#include "libm_stage.h"
#undef LS_T
#undef LS_W
#undef LS_SFX
#undef LS_BITS
#define LS_T double
#define LS_W ls_w64
#define LS_SFX f64
#define LS_BITS 64
#include "libm_stage.h"

/* The libm stage's loops at the best level the CPU has (AVX-512 where
 * there is one, as cact's v4 kernels; else AVX2 + FMA; else baseline):
 * one loop per level, picked per call by ls_level (set in main). */
static int ls_level;
#define LS_LOOP1(name, T, sfx, PDECL, PARGS, LV, ATTR)                                 \
  static ATTR void ls_##name##_##sfx##_##LV(const T *x, T *y, size_t n CACT__ID PDECL) \
  {                                                                                    \
    const T *CACT_RESTRICT xr = x;                                                     \
    T *CACT_RESTRICT yr = y;                                                           \
    for (size_t i = 0; i < n; i++) yr[i] = ls__##name##_##sfx(xr[i] CACT__ID PARGS);   \
  }
#if CACT_DISPATCH
#  define LS_LOOP(name, T, sfx, PDECL, PARGS)                                           \
    LS_LOOP1(name, T, sfx, PDECL, PARGS, v4, CACT__TARGET_V4)                           \
    LS_LOOP1(name, T, sfx, PDECL, PARGS, v3, CACT__TARGET_V3)                           \
    LS_LOOP1(name, T, sfx, PDECL, PARGS, base, )                                        \
    static void ls_##name##_##sfx(const T *x, T *y, size_t n CACT__ID PDECL)            \
    {                                                                                   \
      if (ls_level >= CACT_ISA_V4) ls_##name##_##sfx##_v4(x, y, n CACT__ID PARGS);      \
      else if (ls_level >= CACT_ISA_V3) ls_##name##_##sfx##_v3(x, y, n CACT__ID PARGS); \
      else ls_##name##_##sfx##_base(x, y, n CACT__ID PARGS);                            \
    }
#else
#  define LS_LOOP(name, T, sfx, PDECL, PARGS)                                \
    LS_LOOP1(name, T, sfx, PDECL, PARGS, base, )                             \
    static void ls_##name##_##sfx(const T *x, T *y, size_t n CACT__ID PDECL) \
    {                                                                        \
      ls_##name##_##sfx##_base(x, y, n CACT__ID PARGS);                      \
    }
#endif
#define LS_BOTH(name, PDECL, PARGS) \
  LS_LOOP(name, float, f32, PDECL, PARGS) LS_LOOP(name, double, f64, PDECL, PARGS)

/* ---- kernels, with the defaults of the catalogue ---------------------- */

/* every elementwise kernel: the rows CACT_KERNEL(name, PDECL, PARGS, DEF) of
 * kernels.inc (generated from cact/_catalogue.py), DEF the default arguments;
 * included once per use below */
#define CACT_KERNEL(name, PDECL, PARGS, DEF) LS_BOTH(name, PDECL, PARGS)
#include "kernels.inc"
typedef void (*f32_t)(const float *, float *, size_t);
typedef void (*f64_t)(const double *, double *, size_t);

#if CACT_DISPATCH
#  define LV_WRAP(name, sfx, T, DEF)                              \
    static void b_##name##_##sfx##_v4(const T *x, T *y, size_t n) \
    {                                                             \
      cact__##name##_##sfx##_v4(x, y, n CACT__ID DEF);            \
    }                                                             \
    static void b_##name##_##sfx##_v3(const T *x, T *y, size_t n) \
    {                                                             \
      cact__##name##_##sfx##_v3(x, y, n CACT__ID DEF);            \
    }
#  define LV_PTRS(name, sfx) b_##name##_##sfx##_v4, b_##name##_##sfx##_v3,
#else
#  define LV_WRAP(name, sfx, T, DEF)
#  define LV_PTRS(name, sfx) 0, 0,
#endif
#define X_WRAP(name, PDECL, PARGS, DEF)                                 \
  static void b_##name##_f32_libm(const float *x, float *y, size_t n)   \
  {                                                                     \
    ls_##name##_f32(x, y, n CACT__ID DEF);                              \
  }                                                                     \
  static void b_##name##_f64_libm(const double *x, double *y, size_t n) \
  {                                                                     \
    ls_##name##_f64(x, y, n CACT__ID DEF);                              \
  }                                                                     \
  LV_WRAP(name, f32, float, DEF)                                        \
  LV_WRAP(name, f64, double, DEF)                                       \
  static void b_##name##_f32_base(const float *x, float *y, size_t n)   \
  {                                                                     \
    cact__##name##_f32_base(x, y, n CACT__ID DEF);                      \
  }                                                                     \
  static void b_##name##_f64_base(const double *x, double *y, size_t n) \
  {                                                                     \
    cact__##name##_f64_base(x, y, n CACT__ID DEF);                      \
  }
#define CACT_KERNEL X_WRAP
#include "kernels.inc"

typedef struct {
    const char *name;
    f32_t f32[4]; /* libm, v4, v3, base */
    f64_t f64[4];
} entry_t;
#define X_ENTRY(name, PDECL, PARGS, DEF)                          \
  {#name,                                                         \
   {b_##name##_f32_libm, LV_PTRS(name, f32) b_##name##_f32_base}, \
   {b_##name##_f64_libm, LV_PTRS(name, f64) b_##name##_f64_base}},
#define CACT_KERNEL X_ENTRY
static const entry_t ENTRIES[] = {
#include "kernels.inc"
};
static const char *COL[4] = {"libm", "v4", "v3", "base"};

/* ---- timing ------------------------------------------------------------- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int use_min = 0;

/* median (or min) ns/element of `repeats` runs, each of `reps` calls (>= 2 ms) */
static double time_it(int is64, const void *fn, const void *x, void *y, size_t n, int repeats)
{
    double samples[64];
    size_t reps = 1;
    for (;;) {
        double t = now();
        for (size_t r = 0; r < reps; r++) {
            if (is64) ((f64_t)fn)((const double *)x, (double *)y, n);
            else ((f32_t)fn)((const float *)x, (float *)y, n);
        }
        if (now() - t > 2e-3 || reps > (1u << 24)) break;
        reps *= 2;
    }
    if (repeats > 64) repeats = 64;
    for (int k = 0; k < repeats; k++) {
        double t = now();
        for (size_t r = 0; r < reps; r++) {
            if (is64) ((f64_t)fn)((const double *)x, (double *)y, n);
            else ((f32_t)fn)((const float *)x, (float *)y, n);
        }
        samples[k] = (now() - t) / (double)reps / (double)n * 1e9;
    }
    qsort(samples, (size_t)repeats, sizeof samples[0], cmp);
    return use_min ? samples[0] : samples[repeats / 2];
}

int main(int argc, char **argv)
{
    size_t sizes[8] = {4096, 262144};
    int nsizes = 2, repeats = 9;
    const char *only = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--sizes")) {
            nsizes = 0;
            for (char *p = argv[i + 1]; *p && nsizes < 8;) {
                sizes[nsizes++] = strtoull(p, &p, 10);
                if (*p == ',') p++;
            }
        } else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--kernel")) only = argv[i + 1];
        else if (!strcmp(argv[i], "--stat")) use_min = !strcmp(argv[i + 1], "min");
    }
    int hw = cact_isa_hardware();
    ls_level = hw;
    int have[4] = {1, CACT_DISPATCH && hw >= CACT_ISA_V4, CACT_DISPATCH && hw >= CACT_ISA_V3, 1};
    size_t nmax = 0;
    for (int s = 0; s < nsizes; s++)
        if (sizes[s] > nmax) nmax = sizes[s];
    float *x32 = malloc(nmax * sizeof(float)), *y32 = malloc(nmax * sizeof(float));
    double *x64 = malloc(nmax * sizeof(double)), *y64 = malloc(nmax * sizeof(double));
    srand(1);
    for (size_t i = 0; i < nmax; i++) {
        x64[i] = -8.0 + 16.0 * rand() / (double)RAND_MAX;
        x32[i] = (float)x64[i];
    }
    printf(
        "# cact %s math core vs the libm stage: ns/element, %s of %d, one thread, out of place,\n"
        "# inputs uniform in [-8, 8]; speed-up = libm / best level\n",
        CACT_VERSION_STRING, use_min ? "min" : "median", repeats);
    printf("%-13s %-5s %8s", "kernel", "dtype", "n");
    for (int c = 0; c < 4; c++)
        if (have[c]) printf(" %8s", COL[c]);
    printf(" %8s\n", "speed-up");
    for (size_t e = 0; e < sizeof ENTRIES / sizeof ENTRIES[0]; e++) {
        if (only && strcmp(only, ENTRIES[e].name)) continue;
        for (int is64 = 0; is64 < 2; is64++)
            for (int s = 0; s < nsizes; s++) {
                double t[4] = {0}, best = 1e300;
                printf("%-13s %-5s %8zu", ENTRIES[e].name, is64 ? "f64" : "f32", sizes[s]);
                for (int c = 0; c < 4; c++) {
                    if (!have[c]) continue;
                    const void *fn =
                        is64 ? (const void *)ENTRIES[e].f64[c] : (const void *)ENTRIES[e].f32[c];
                    t[c] = time_it(is64, fn, is64 ? (void *)x64 : (void *)x32,
                                   is64 ? (void *)y64 : (void *)y32, sizes[s], repeats);
                    if (c > 0 && t[c] < best) best = t[c];
                    printf(" %8.3f", t[c]);
                }
                printf(" %7.1fx\n", t[0] / best);
                fflush(stdout);
            }
    }
    return 0;
}
