/* check_values.c -- a plain C (or C++) program using cact, no Python: the
 * downstream user's view.  It checks a few values itself, then applies every
 * kernel (kernels_gen.h, from the catalogue) to the inputs of a file and
 * writes the results, which tests/test_embedding.py compares bit for bit with
 * cact's Python results.  Built there as C99 and as C++11, with several sets
 * of flags (-O0, -O2 -pedantic -Werror, -O3 -ffast-math -march=native).
 *
 *   check_values IN32 IN64 N OUT
 *
 * IN32 / IN64: N raw float32 / float64 values.  OUT: for each kernel in table
 * order, its N results in the kernel's dtype.
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

int main(int argc, char **argv)
{
    size_t n, k;
    void *in32, *in64, *out;
    FILE *f;

    self_check();
    if (argc != 5) return failed;
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
    return failed;
}
