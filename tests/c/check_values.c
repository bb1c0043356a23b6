/* check_values.c -- a plain C program using cact, no Python: the downstream
 * user's view.  It checks a few values (kernels.c), then applies every kernel
 * (the tables of kernels.h) to the inputs of a file and writes the results,
 * which tests/test_embedding.py compares bit for bit with cact's Python
 * results.  Linked there with kernels.c compiled as C99 and as C++11, with
 * several sets of flags (-O0, -O2 -pedantic -Werror, -O3 -ffast-math
 * -march=native).
 *
 *   check_values IN32 IN64 N OUT [AX32 AX64 AXOUT OUTER,LEN,INNER ...]
 *
 * IN32 / IN64: N raw float32 / float64 values.  OUT: for each elementwise
 * kernel in table order, its N results in the kernel's dtype.  Then, for each
 * shape, every axis kernel applied to the first OUTER*LEN*INNER values of
 * AX32 / AX64 (maxout with pieces = 2; prelu with w[c] = (c % 50) / 64 - 1/4,
 * exact in both dtypes), the results appended to AXOUT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static void *read_file(const char *path, size_t bytes)
{
    FILE *f = fopen(path, "rb");
    void *p = malloc(bytes ? bytes : 1);
    if (!f || !p || fread(p, 1, bytes, f) != bytes) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    return p;
}

static int run_axis(char **argv, int nshapes)
{
    static float w32[4096];
    static double w64[4096];
    const size_t pieces = 2;
    FILE *f = fopen(argv[2], "wb");
    int si;
    size_t c, k;
    if (!f) return 2;
    for (c = 0; c < 4096; c++) {
        w64[c] = (double)(c % 50) / 64.0 - 0.25; /* exact whatever the flags */
        w32[c] = (float)w64[c];
    }
    for (si = 0; si < nshapes; si++) {
        size_t outer, len, inner, nin;
        void *x32, *x64, *y;
        if (sscanf(argv[3 + si], "%zu,%zu,%zu", &outer, &len, &inner) != 3 || len > 4096) return 2;
        nin = outer * len * inner;
        x32 = read_file(argv[0], nin * 4);
        x64 = read_file(argv[1], nin * 8);
        y = malloc(nin * 8 + 1);
        if (!y) return 2;
        for (k = 0; k < cact_test_naxis; k++) {
            const cact_test_axis_kernel *t = &cact_test_axis_kernels[k];
            size_t nout = t->kind == CACT_TEST_PIECES ? outer * (len / pieces) * inner : nin;
            const void *extra = t->kind == CACT_TEST_PIECES ? (const void *)&pieces
                                : t->size == 4              ? (const void *)w32
                                                            : (const void *)w64;
            t->fn(t->size == 4 ? x32 : x64, y, outer, len, inner, extra);
            if (fwrite(y, t->size, nout, f) != nout) return 2;
        }
        free(x32);
        free(x64);
        free(y);
    }
    fclose(f);
    printf("%zu axis kernels, %d shapes\n", (size_t)cact_test_naxis, nshapes);
    return 0;
}

static int failed;

int main(int argc, char **argv)
{
    size_t n, k;
    void *in32, *in64, *out;
    FILE *f;

    failed = cact_test_self_check();
    printf("cact %s, %s\n", cact_test_version(), cact_test_isa_name());
    if (argc < 5) return failed;
    n = (size_t)strtoul(argv[3], NULL, 10);
    in32 = read_file(argv[1], n * 4);
    in64 = read_file(argv[2], n * 8);
    out = malloc(n * 8 + 1);
    f = fopen(argv[4], "wb");
    if (!out || !f) return 2;
    for (k = 0; k < cact_test_nkernels; k++) {
        const cact_test_kernel *t = &cact_test_kernels[k];
        t->fn(t->size == 4 ? in32 : in64, out, n);
        if (fwrite(out, t->size, n, f) != n) return 2;
    }
    fclose(f);
    free(in32);
    free(in64);
    free(out);
    printf("%zu kernels, %zu values each\n", (size_t)cact_test_nkernels, n);
    if (argc > 8 && run_axis(argv + 5, argc - 8)) return 2;
    return failed;
}
