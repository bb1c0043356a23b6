/* elementwise_guard.c -- every elementwise kernel of cact, both dtypes, at
 * every ISA level, under guard pages (and, in the sanitizer build, ASan and
 * UBSan):
 *
 *   - every length n = 0..130 (the vector bodies and every tail length of
 *     16-lane float32 / 8-lane float64 loops, twice over), and lengths
 *     around 4 KiB, where the loops peel the elements before y's 64-byte
 *     boundary (cact/config.h),
 *   - out of place and in place (y == x),
 *   - buffers placed so that they END exactly at a PROT_NONE page (reading or
 *     writing x[n] / y[n] faults) and so that they START exactly after one
 *     (x[-1] / y[-1] faults),
 *   - starts offset by 1..15 elements from a 64-byte boundary, in exactly
 *     sized heap blocks (ASan's redzones catch x[n] there),
 *   - and checks the values: y[i] equals the kernel's result for x[i] alone
 *     (n = 1, aligned) bit for bit, in place equals out of place, and x is
 *     unchanged by an out-of-place call.
 *
 * The kernel list and the parameter values come from cact/_catalogue.py:
 * tests/c/build.py writes them into kernels_gen.inc (kernels.c, kernels.h).
 * Exit status 0 = all passed; any failure prints what ran and exits 1 (a
 * fault: 2).
 */
#define _DEFAULT_SOURCE 1

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

#include "kernels.h" /* cact_test_kernels[], from the catalogue */

#define MAXN 130
#define MAXOFF 15
/* beyond MAXN: around CACT__PEEL_MIN (4096 bytes) for both element sizes */
static const size_t large[] = {511, 512, 513, 529, 1023, 1024, 1025, 1041, 2061};
#define MAXLARGE 2061
#define NDATA (MAXLARGE + MAXOFF + 1)

static float data32[NDATA];
static double data64[NDATA];

/* inputs: special values first (NaN, +-inf, +-0, subnormals, huge), then a
 * deterministic spread over [-12, 12] and some large magnitudes */
static void fill_data(void)
{
    static const double special[] = {NAN,      INFINITY, -INFINITY, 0.0,    -0.0,    1e-310,
                                     -1e-310,  1e-40,    -1e-40,    3.4e38, -3.4e38, 1.7e308,
                                     -1.7e308, 1e-8,     -1e-8,     88.7,   -88.7,   745.0,
                                     -745.0,   20.0,     -20.0,     6.0,    -3.0};
    const size_t ns = sizeof special / sizeof special[0];
    uint32_t s = 12345u;
    size_t i;
    for (i = 0; i < NDATA; i++) {
        double v;
        if (i < ns) {
            v = special[i];
        } else {
            s = s * 1664525u + 1013904223u; /* LCG */
            v = ((double)(s >> 8) / (double)(1u << 24)) * 24.0 - 12.0;
            if (i % 7 == 0) v *= 1e3;
        }
        data64[i] = v;
        data32[i] = (float)v; /* out-of-range values become +-inf */
    }
}

static const void *data_for(size_t size)
{
    return size == 4 ? (const void *)data32 : (const void *)data64;
}

static long failures;

static void check(const cact_test_kernel *k, const char *what, size_t n, const unsigned char *y,
                  const unsigned char *ref, const unsigned char *x, const unsigned char *x0)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (!cact_guard_same(y + i * k->size, ref + i * k->size, k->size)) {
            if (failures++ < 20)
                fprintf(stderr, "MISMATCH %s %s n=%zu i=%zu isa=%s\n", k->name, what, n, i,
                        cact_test_isa_name());
            return;
        }
    }
    if (x0 && memcmp(x, x0, n * k->size) != 0) {
        if (failures++ < 20)
            fprintf(stderr, "INPUT WRITTEN %s %s n=%zu isa=%s\n", k->name, what, n,
                    cact_test_isa_name());
    }
}

static size_t calls;

/* run k on n elements copied to x (out of place into y, then in place in x) */
static void run_at(const cact_test_kernel *k, const char *what, size_t n, unsigned char *x,
                   unsigned char *y, const unsigned char *ref)
{
    const unsigned char *src = (const unsigned char *)data_for(k->size);
    cact_guard_note(k->name, what, n);
    if (n) memcpy(x, src, n * k->size);
    if (n) memset(y, 0x7f, n * k->size); /* a recognisable non-result */
    k->fn(x, y, n);
    check(k, what, n, y, ref, x, src);
    k->fn(x, x, n);
    check(k, what, n, x, ref, NULL, NULL);
    calls += 2;
}

int main(void)
{
    static const char *levels[] = {"v4", "v3", "baseline"};
    size_t li, ki, ni, n, off;
    cact_guarded xg, yg;
    static unsigned char ref[NDATA * 8];

    fill_data();
    cact_guard_init();
    if (cact_guarded_alloc(&xg, NDATA * 8) || cact_guarded_alloc(&yg, NDATA * 8)) return 2;

    for (li = 0; li < sizeof levels / sizeof levels[0]; li++) {
        int level;
        setenv("CACT_ISA", levels[li], 1);
        level = cact_test_isa_reset();
        if (li == 0 && level != cact_test_isa_v4())
            printf("note: hardware below x86-64-v4, levels clamp\n");
        for (ki = 0; ki < cact_test_nkernels; ki++) {
            const cact_test_kernel *k = &cact_test_kernels[ki];
            const unsigned char *src = (const unsigned char *)data_for(k->size);
            size_t i;
            /* reference: each element alone, n = 1, from an aligned buffer */
            for (i = 0; i < NDATA; i++) {
                double xa[1], ya[1];
                memcpy(xa, src + i * k->size, k->size);
                cact_guard_note(k->name, "reference n=1", 1);
                k->fn(xa, ya, 1);
                memcpy(ref + i * k->size, ya, k->size);
            }
            for (ni = 0; ni <= MAXN + sizeof large / sizeof large[0]; ni++) {
                n = ni <= MAXN ? ni : large[ni - MAXN - 1];
                /* ending exactly at the guard page */
                run_at(k, "end-guarded", n, cact_guarded_end(&xg, n * k->size),
                       cact_guarded_end(&yg, n * k->size), ref);
                /* starting exactly after the guard page */
                run_at(k, "start-guarded", n, cact_guarded_start(&xg), cact_guarded_start(&yg),
                       ref);
                /* unaligned starts, exact-size heap blocks */
                for (off = 1; off <= MAXOFF; off++) {
                    void *xv, *yv;
                    unsigned char *xb, *yb;
                    if (posix_memalign(&xv, 64, (off + n) * k->size) ||
                        posix_memalign(&yv, 64, (off + n) * k->size))
                        return 2;
                    xb = (unsigned char *)xv;
                    yb = (unsigned char *)yv;
                    run_at(k, "offset", n, xb + off * k->size, yb + off * k->size, ref);
                    free(xb);
                    free(yb);
                }
            }
        }
        printf("%s: %zu kernels, n = 0..%d and up to %d, %s\n", cact_test_isa_name(),
               (size_t)cact_test_nkernels, MAXN, MAXLARGE, failures ? "FAILED" : "ok");
    }
    printf("%zu kernel calls, %ld failures\n", calls, failures);
    return failures ? 1 : 0;
}
