/* check_values.c -- a plain C (or C++) program using cact, no Python: the
 * downstream user's view.  It checks a few values itself, then applies every
 * kernel (kernels_gen.h, from the catalogue) to the inputs of a file and
 * writes the results, which tests/test_embedding.py compares bit for bit with
 * cact's Python results.  Built there as C99 and as C++11, with several sets
 * of flags (-O0, -O2 -pedantic -Werror, -O3 -ffast-math -march=native).
 *
 *   check_values IN32 IN64 N OUT [AX32 AX64 AXOUT OUTER,LEN,INNER ...]
 *
 * IN32 / IN64: N raw float32 / float64 values.  OUT: for each elementwise
 * kernel in table order, its N results in the kernel's dtype.  Then, for each
 * shape, every axis kernel applied to the first OUTER*LEN*INNER values of
 * AX32 / AX64 (maxout with pieces = 2; prelu with w[c] = (c % 50) / 64 - 1/4,
 * exact in both dtypes), the results appended to AXOUT.
 */
#include <cact/cact.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels_gen.h"

static int failed;

static void expect(const char *what, double got, double want)
{
    int ok = (got != got && want != want) ||
             (got == want && signbit(got) == signbit(want));
    if (!ok) {
        fprintf(stderr, "FAIL %s: got %a, want %a\n", what, got, want);
        failed = 1;
    }
}

static void self_check(void)
{
    float x[5] = {-1.0f, 0.0f, 1000.0f, -INFINITY, NAN}, y[5];
    double d[4] = {0.0, 1000.0, -1000.0, INFINITY}, e[4];
    char version[32];

    cact_relu_f32(x, y, 5);
    expect("relu(-1)", y[0], 0.0);
    expect("relu(1000)", y[2], 1000.0);
    expect("relu(nan)", y[4], NAN);
    cact_gelu_f32(x, y, 5);
    expect("gelu(-inf)", y[3], -0.0);
    expect("gelu(0)", y[1], 0.0);
    cact_sigmoid_f64(d, e, 4);
    expect("sigmoid(0)", e[0], 0.5);
    expect("sigmoid(inf)", e[3], 1.0);
    cact_softplus_f64(d, e, 4, 1.0, 20.0);
    expect("softplus(1000)", e[1], 1000.0);
    cact_log_sigmoid_f64(d, e, 4);
    expect("log_sigmoid(-1000)", e[2], -1000.0);
    cact_tanh_f32(x, x, 5);     /* in place */
    expect("tanh(-inf)", x[3], -1.0);
    expect("tanh(1000)", x[2], 1.0);

    {
        double r[2] = {1000.0, 0.0}, s[2];
        float q[3] = {-INFINITY, -INFINITY, -INFINITY}, t[3];
        cact_softmax_f64(r, s, 1, 2, 1);
        expect("softmax([1000, 0])[0]", s[0], 1.0);
        expect("softmax([1000, 0])[1]", s[1], 0.0);
        cact_softmax_f32(q, t, 1, 3, 1);
        expect("softmax(all -inf)", t[0], NAN);
        cact_maxout_f64(r, s, 1, 2, 1, 2);
        expect("maxout([1000, 0])", s[0], 1000.0);
    }

    sprintf(version, "%d.%d.%d", CACT_VERSION_MAJOR, CACT_VERSION_MINOR, CACT_VERSION_PATCH);
    if (strcmp(version, CACT_VERSION_STRING) != 0) {
        fprintf(stderr, "FAIL version %s != %s\n", version, CACT_VERSION_STRING);
        failed = 1;
    }
    printf("cact %s, %s\n", CACT_VERSION_STRING, cact_isa_name(cact_isa_level()));
}

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
        w64[c] = (double)(c % 50) / 64.0 - 0.25;    /* exact whatever the flags */
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
        for (k = 0; k < CACT_TEST_NAXIS; k++) {
            const cact_test_axis_kernel *t = &cact_test_axis_kernels[k];
            size_t nout = t->kind == CACT_TEST_PIECES ? outer * (len / pieces) * inner : nin;
            const void *extra = t->kind == CACT_TEST_PIECES ? (const void *)&pieces
                              : t->size == 4 ? (const void *)w32 : (const void *)w64;
            t->fn(t->size == 4 ? x32 : x64, y, outer, len, inner, extra);
            if (fwrite(y, t->size, nout, f) != nout) return 2;
        }
        free(x32);
        free(x64);
        free(y);
    }
    fclose(f);
    printf("%zu axis kernels, %d shapes\n", (size_t)CACT_TEST_NAXIS, nshapes);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n, k;
    void *in32, *in64, *out;
    FILE *f;

    self_check();
    if (argc < 5) return failed;
    n = (size_t)strtoul(argv[3], NULL, 10);
    in32 = read_file(argv[1], n * 4);
    in64 = read_file(argv[2], n * 8);
    out = malloc(n * 8 + 1);
    f = fopen(argv[4], "wb");
    if (!out || !f) return 2;
    for (k = 0; k < CACT_TEST_NKERNELS; k++) {
        const cact_test_kernel *t = &cact_test_kernels[k];
        t->fn(t->size == 4 ? in32 : in64, out, n);
        if (fwrite(out, t->size, n, f) != n) return 2;
    }
    fclose(f);
    free(in32);
    free(in64);
    free(out);
    printf("%zu kernels, %zu values each\n", (size_t)CACT_TEST_NKERNELS, n);
    if (argc > 8 && run_axis(argv + 5, argc - 8)) return 2;
    return failed;
}
