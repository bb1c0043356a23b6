/* kernels.c -- cact's kernels as a downstream project compiles them: one
 * translation unit that includes <cact/cact.h>, built by tests/c/build.py
 * once per flavour of flags (C99 -O2 strict, -O0, -O3 -ffast-math
 * -march=native, C++11 strict, ASan+UBSan) and linked into the test
 * programs.  kernels_gen.inc (generated from the catalogue) holds a wrapper
 * per kernel and the tables declared in kernels.h. */
#define CACT_IMPLEMENTATION /* the kernels, linked into the test programs */
#include <cact/cact.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernels.h"
#include "kernels_gen.inc"

int cact_test_isa_reset(void) { return cact_isa_reset(); }
const char *cact_test_isa_name(void) { return cact_isa_name(cact_isa_level()); }
int cact_test_isa_v4(void) { return CACT_ISA_V4; }
const char *cact_test_version(void) { return CACT_VERSION_STRING; }

static int cact_test_failed;

/* NaN by its bits: this file is also compiled with -ffast-math, under which
 * gcc folds x != x (and isnan) to false */
static int cact_test_isnan(double v)
{
    unsigned long long b;
    memcpy(&b, &v, sizeof b);
    return (b & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL && (b & 0x000fffffffffffffULL) != 0;
}

static void cact_test_expect(const char *what, double got, double want)
{
    int ok = (cact_test_isnan(got) && cact_test_isnan(want)) ||
             (!cact_test_isnan(got) && !cact_test_isnan(want) && got == want &&
              signbit(got) == signbit(want));
    if (!ok) {
        fprintf(stderr, "FAIL %s: got %a, want %a\n", what, got, want);
        cact_test_failed = 1;
    }
}

int cact_test_self_check(void)
{
    float x[5] = {-1.0f, 0.0f, 1000.0f, -INFINITY, NAN}, y[5];
    double d[4] = {0.0, 1000.0, -1000.0, INFINITY}, e[4];
    double r[2] = {1000.0, 0.0}, s[2];
    float q[3] = {-INFINITY, -INFINITY, -INFINITY}, t[3];
    char version[32];

    cact_relu_f32(x, y, 5);
    cact_test_expect("relu(-1)", y[0], 0.0);
    cact_test_expect("relu(1000)", y[2], 1000.0);
    cact_test_expect("relu(nan)", y[4], NAN);
    cact_gelu_f32(x, y, 5);
    cact_test_expect("gelu(-inf)", y[3], -0.0);
    cact_test_expect("gelu(0)", y[1], 0.0);
    cact_sigmoid_f64(d, e, 4);
    cact_test_expect("sigmoid(0)", e[0], 0.5);
    cact_test_expect("sigmoid(inf)", e[3], 1.0);
    cact_softplus_f64(d, e, 4, 1.0, 20.0);
    cact_test_expect("softplus(1000)", e[1], 1000.0);
    cact_log_sigmoid_f64(d, e, 4);
    cact_test_expect("log_sigmoid(-1000)", e[2], -1000.0);
    cact_tanh_f32(x, x, 5); /* in place */
    cact_test_expect("tanh(-inf)", x[3], -1.0);
    cact_test_expect("tanh(1000)", x[2], 1.0);
    cact_softmax_f64(r, s, 1, 2, 1);
    cact_test_expect("softmax([1000, 0])[0]", s[0], 1.0);
    cact_test_expect("softmax([1000, 0])[1]", s[1], 0.0);
    cact_softmax_f32(q, t, 1, 3, 1);
    cact_test_expect("softmax(all -inf)", t[0], NAN);
    cact_maxout_f64(r, s, 1, 2, 1, 2);
    cact_test_expect("maxout([1000, 0])", s[0], 1000.0);

    sprintf(version, "%d.%d.%d", CACT_VERSION_MAJOR, CACT_VERSION_MINOR, CACT_VERSION_PATCH);
    if (strcmp(version, CACT_VERSION_STRING) != 0) {
        fprintf(stderr, "FAIL version %s != %s\n", version, CACT_VERSION_STRING);
        cact_test_failed = 1;
    }
    return cact_test_failed;
}
