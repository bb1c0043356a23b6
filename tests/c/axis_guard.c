/* axis_guard.c -- every axis kernel of cact (softmax, log_softmax, softmin,
 * maxout, prelu; both dtypes) at every ISA level, under guard pages (and, in
 * the sanitizer build, ASan and UBSan), over [outer, len, inner] shapes that
 * reach each code path of cact/axis.h:
 *
 *   - every row length 0..66 with inner = 1 (the 16-lane row kernel and all
 *     its tails; rows shorter than 32 go through the rows-in-lanes kernel)
 *     and inner = 2, 5 (the column-tile kernel), outer = 1 and 3;
 *   - rows longer than the 1024-entry scratch buffer (chunked rows), many
 *     short rows at once (more than the 256 rows-in-lanes maximum), inner
 *     wider than a 256-column tile, and zero sizes;
 *   - out of place and in place (y == x; not maxout, whose y is smaller),
 *   - x, y and prelu's w ending exactly at a PROT_NONE page and starting
 *     exactly after one, and starts offset by 1..15 elements in exactly sized
 *     heap blocks (ASan's redzones);
 *   - values: every placement gives the bits of an aligned out-of-place
 *     reference call, in place equals out of place, x is never written.
 *
 * maxout runs with pieces = 1, 2 and 3 wherever len is a multiple.  The
 * kernel list comes from cact/_catalogue.py (kernels.h, tests/c/build.py).
 */
#define _DEFAULT_SOURCE 1

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "kernels.h"

#define MAXELEMS 4200
#define MAXOFF 15

static float data32[MAXELEMS + MAXOFF];
static double data64[MAXELEMS + MAXOFF];
static float w32[MAXELEMS];
static double w64[MAXELEMS];

static void fill_data(void)
{
    uint32_t s = 987654321u;
    size_t i;
    for (i = 0; i < MAXELEMS + MAXOFF; i++) {
        double v;
        s = s * 1664525u + 1013904223u;
        v = ((double)(s >> 8) / (double)(1u << 24)) * 40.0 - 20.0;
        if (i % 11 == 0) v *= 30.0; /* some rows dominated by one entry */
        data64[i] = v;
        data32[i] = (float)v;
    }
    /* a few special values: -inf entries, a +inf entry, a NaN */
    data64[5] = data64[300] = -INFINITY;
    data64[777] = INFINITY;
    data64[1500] = NAN;
    data32[5] = data32[300] = -INFINITY;
    data32[777] = INFINITY;
    data32[1500] = NAN;
    for (i = 0; i < MAXELEMS; i++) {
        w64[i] = 0.25 - 0.01 * (double)(i % 50); /* prelu slopes, some negative */
        w32[i] = (float)w64[i];
    }
}

static long failures;
static size_t calls;

typedef struct {
    size_t outer, len, inner, pieces;
} shape;

static size_t in_count(const shape *s) { return s->outer * s->len * s->inner; }
static size_t out_count(const cact_test_axis_kernel *k, const shape *s)
{
    return k->kind == CACT_TEST_PIECES ? s->outer * (s->len / s->pieces) * s->inner : in_count(s);
}

static void compare(const cact_test_axis_kernel *k, const shape *s, const char *what,
                    const unsigned char *y, const unsigned char *ref, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!cact_guard_same(y + i * k->size, ref + i * k->size, k->size)) {
            if (failures++ < 20)
                fprintf(stderr, "MISMATCH %s %s [%zu, %zu, %zu] pieces=%zu i=%zu isa=%s\n", k->name,
                        what, s->outer, s->len, s->inner, s->pieces, i, cact_test_isa_name());
            return;
        }
}

/* run k at x, y (and w): out of place, then in place where allowed */
static void run_at(const cact_test_axis_kernel *k, const shape *s, const char *what,
                   unsigned char *x, unsigned char *y, const void *w, const unsigned char *ref)
{
    const unsigned char *src =
        k->size == 4 ? (const unsigned char *)data32 : (const unsigned char *)data64;
    size_t nin = in_count(s), nout = out_count(k, s);
    const void *extra = k->kind == CACT_TEST_PIECES ? (const void *)&s->pieces : w;
    cact_guard_note(k->name, what, nin);
    if (nin) memcpy(x, src, nin * k->size);
    if (nout) memset(y, 0x7f, nout * k->size);
    k->fn(x, y, s->outer, s->len, s->inner, extra);
    compare(k, s, what, y, ref, nout);
    if (nin && memcmp(x, src, nin * k->size) != 0 && failures++ < 20)
        fprintf(stderr, "INPUT WRITTEN %s %s [%zu, %zu, %zu]\n", k->name, what, s->outer, s->len,
                s->inner);
    calls++;
    if (k->kind != CACT_TEST_PIECES) {
        k->fn(x, x, s->outer, s->len, s->inner, extra);
        compare(k, s, what, x, ref, nout);
        calls++;
    }
}

static void run_shape(const cact_test_axis_kernel *k, const shape *s, cact_guarded *xg,
                      cact_guarded *yg, cact_guarded *wg, int offsets)
{
    static double refbuf[MAXELEMS + 1], xbuf[MAXELEMS + 1];
    const unsigned char *src =
        k->size == 4 ? (const unsigned char *)data32 : (const unsigned char *)data64;
    const void *wsrc = k->size == 4 ? (const void *)w32 : (const void *)w64;
    size_t nin = in_count(s), nout = out_count(k, s), wbytes = s->len * k->size;
    unsigned char *ref = (unsigned char *)refbuf;
    unsigned char *w;
    size_t off;

    /* reference: aligned, out of place, weights from the static array */
    memcpy(xbuf, src, nin * k->size);
    cact_guard_note(k->name, "reference", nin);
    k->fn(xbuf, refbuf, s->outer, s->len, s->inner,
          k->kind == CACT_TEST_PIECES ? (const void *)&s->pieces : wsrc);

    /* the weights, ending at a guard page */
    w = cact_guarded_end(wg, wbytes);
    memcpy(w, wsrc, wbytes);

    run_at(k, s, "end-guarded", cact_guarded_end(xg, nin * k->size),
           cact_guarded_end(yg, nout * k->size), w, ref);
    /* weights starting right after a guard page */
    w = cact_guarded_start(wg);
    memcpy(w, wsrc, wbytes);
    run_at(k, s, "start-guarded", cact_guarded_start(xg), cact_guarded_start(yg), w, ref);
    if (!offsets) return;
    for (off = 1; off <= MAXOFF; off++) {
        void *xv, *yv;
        if (posix_memalign(&xv, 64, (off + nin) * k->size) ||
            posix_memalign(&yv, 64, (off + nout) * k->size))
            exit(2);
        run_at(k, s, "offset", (unsigned char *)xv + off * k->size,
               (unsigned char *)yv + off * k->size, w, ref);
        free(xv);
        free(yv);
    }
}

int main(void)
{
    static const char *levels[] = {"v4", "v3", "baseline"};
    static const shape extra_shapes[] = {
        {1, 1023, 1, 1}, {1, 1024, 1, 1}, {1, 1025, 1, 1}, {1, 1100, 1, 1},
        {2, 2050, 1, 1}, /* chunked rows */
        {300, 3, 1, 1},  {257, 7, 1, 1},  {40, 31, 1, 1},  {33, 32, 1, 1},
        {100, 1, 1, 1},                                                   /* short rows */
        {1, 5, 257, 1},  {2, 3, 300, 1},  {1, 1030, 3, 1}, {3, 2, 17, 1}, /* column tiles */
        {0, 5, 3, 1},    {3, 0, 2, 1},    {2, 4, 0, 1},    {0, 0, 0, 1},  /* empty */
    };
    size_t li, ki, si, len, oi, ii, p;
    cact_guarded xg, yg, wg;

    fill_data();
    cact_guard_init();
    if (cact_guarded_alloc(&xg, MAXELEMS * 8) || cact_guarded_alloc(&yg, MAXELEMS * 8) ||
        cact_guarded_alloc(&wg, MAXELEMS * 8))
        return 2;

    for (li = 0; li < sizeof levels / sizeof levels[0]; li++) {
        setenv("CACT_ISA", levels[li], 1);
        cact_test_isa_reset();
        for (ki = 0; ki < cact_test_naxis; ki++) {
            const cact_test_axis_kernel *k = &cact_test_axis_kernels[ki];
            for (p = 1; p <= (k->kind == CACT_TEST_PIECES ? 3u : 1u); p++) {
                static const size_t outers[] = {1, 3}, inners[] = {1, 2, 5};
                for (len = 0; len <= 66; len++) {
                    if (len % p) continue;
                    for (oi = 0; oi < 2; oi++)
                        for (ii = 0; ii < 3; ii++) {
                            shape s;
                            s.outer = outers[oi];
                            s.len = len;
                            s.inner = inners[ii];
                            s.pieces = p;
                            run_shape(k, &s, &xg, &yg, &wg, oi == 0 && ii < 2);
                        }
                }
                for (si = 0; si < sizeof extra_shapes / sizeof extra_shapes[0]; si++) {
                    shape s = extra_shapes[si];
                    s.pieces = p;
                    if (s.len % p) s.len -= s.len % p;
                    run_shape(k, &s, &xg, &yg, &wg, 1);
                }
            }
        }
        printf("%s: %zu axis kernels, %s\n", cact_test_isa_name(), (size_t)cact_test_naxis,
               failures ? "FAILED" : "ok");
    }
    printf("%zu kernel calls, %ld failures\n", calls, failures);
    return failures ? 1 : 0;
}
