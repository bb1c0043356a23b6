/* A C program that calls two of cact's kernels, as a newcomer writes one:
 * built by tests/test_embedding.py (and timed by hand, docs/c-api.md) in
 * each way of including <cact/cact.h>: declarations only, linked with the
 * static library the package ships (-L<cact.get_library_dirs()> -lcact
 * -lm); -DCACT_IMPLEMENTATION or -DCACT_STATIC (the kernels compiled here).
 *
 *   two_kernels OUT   writes x (float32, N), gelu(x) (float32, N),
 *                     z (float64, R x C) and softmax(z) along its rows */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <cact/cact.h>

#define N 20000
#define R 7
#define C 300

int main(int argc, char **argv)
{
    static float x[N], y[N];
    static double z[R * C], s[R * C];
    size_t i;
    FILE *f;
    if (argc != 2) return 2;
    for (i = 0; i < N; i++)
        x[i] = -60.0f + 0.00617f * (float)i; /* through gelu's tail and its kink */
    x[0] = -INFINITY;
    x[1] = 1e-40f;
    for (i = 0; i < R * C; i++) z[i] = (double)((i * 7919) % 1000) / 13.0 - 40.0;
    z[5] = 800.0;
    cact_gelu_f32(x, y, N);
    cact_softmax_f64(z, s, R, C, 1);
    f = fopen(argv[1], "wb");
    if (!f) return 1;
    fwrite(x, sizeof x[0], N, f);
    fwrite(y, sizeof y[0], N, f);
    fwrite(z, sizeof z[0], R * C, f);
    fwrite(s, sizeof s[0], R * C, f);
    printf("%s %s\n", CACT_VERSION_STRING, cact_isa_name(cact_isa_level()));
    return fclose(f) != 0;
}
