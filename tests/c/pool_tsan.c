/* pool_tsan.c -- cact's thread pool (pyx/_parallel.h) under
 * ThreadSanitizer: several caller threads at once run kernels through
 * cact_parallel_for (one owns the pool, the others run alone), while
 * another thread keeps changing the thread count; every result must equal
 * the single-threaded one, and TSan must see no data race.  Built and run by
 * tests/test_sanitizers.py with -fsanitize=thread (tests/c/build.py). */
#define _DEFAULT_SOURCE 1
#define CACT_STATIC /* the kernels and their internals (cact__*) in this file */
#include <cact/cact.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_parallel.h"

#define CALLERS 4
#define ROUNDS 60
#define N 200003

typedef struct {
    const float *x;
    float *y;
} task_ctx;

static void sigmoid_task(const void *ctx, size_t lo, size_t hi)
{
    const task_ctx *t = (const task_ctx *)ctx;
    cact_sigmoid_f32(t->x + lo, t->y + lo, hi - lo);
}

static void gelu_task(const void *ctx, size_t lo, size_t hi)
{
    const task_ctx *t = (const task_ctx *)ctx;
    cact_gelu_f32(t->x + lo, t->y + lo, hi - lo);
}

static float *x, *ref_sigmoid, *ref_gelu;
static int stop, failures, split_calls;

static void *caller(void *arg)
{
    int id = (int)(intptr_t)arg, r;
    float *y = (float *)malloc(N * sizeof(float));
    task_ctx t;
    if (!y) return NULL;
    t.x = x;
    t.y = y;
    for (r = 0; r < ROUNDS; r++) {
        int gelu = (r + id) % 2, used;
        memset(y, 0, N * sizeof(float));
        used = cact_parallel_for(gelu ? gelu_task : sigmoid_task, &t, N, 4096);
        if (used > 1) __atomic_fetch_add(&split_calls, 1, __ATOMIC_RELAXED);
        if (memcmp(y, gelu ? ref_gelu : ref_sigmoid, N * sizeof(float)) != 0) {
            __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
            fprintf(stderr, "MISMATCH caller %d round %d (%s, %d threads)\n", id, r,
                    gelu ? "gelu" : "sigmoid", used);
        }
    }
    free(y);
    return NULL;
}

static void *tuner(void *arg)
{
    int k = 0;
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) cact_parallel_set_threads(2 + (k++ % 3));
    return NULL;
}

int main(void)
{
    pthread_t callers[CALLERS], tune;
    size_t i;
    int c;
    x = (float *)malloc(N * sizeof(float));
    ref_sigmoid = (float *)malloc(N * sizeof(float));
    ref_gelu = (float *)malloc(N * sizeof(float));
    if (!x || !ref_sigmoid || !ref_gelu) return 2;
    for (i = 0; i < N; i++) x[i] = (float)((double)(i % 2001) / 100.0 - 10.0);
    cact_sigmoid_f32(x, ref_sigmoid, N);
    cact_gelu_f32(x, ref_gelu, N);

    cact_parallel_set_threads(3);
    pthread_create(&tune, NULL, tuner, NULL);
    for (c = 0; c < CALLERS; c++) pthread_create(&callers[c], NULL, caller, (void *)(intptr_t)c);
    for (c = 0; c < CALLERS; c++) pthread_join(callers[c], NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    pthread_join(tune, NULL);

    printf("%d calls from %d threads, %d split over the pool, %d failures\n", CALLERS * ROUNDS,
           CALLERS, split_calls, failures);
    free(x);
    free(ref_sigmoid);
    free(ref_gelu);
    return failures ? 1 : (split_calls ? 0 : 3);
}
