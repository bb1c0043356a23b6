/* guard.h -- guarded buffers for the C kernel tests: a data area with a
 * PROT_NONE page on each side, so that touching one byte before its start
 * or after its end faults, and a SIGSEGV/SIGBUS handler that says which
 * kernel call was running (under ASan, ASan's own report comes first);
 * and the bitwise comparison of results. */
#ifndef CACT_TEST_GUARD_H
#define CACT_TEST_GUARD_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
    unsigned char *lo; /* first byte of the data area (just after a guard page) */
    unsigned char *hi; /* one past its last byte (a guard page starts here) */
} cact_guarded;

static const char *cact_guard_kernel = "", *cact_guard_what = "";
static size_t cact_guard_n;

static void cact_guard_note(const char *kernel, const char *what, size_t n)
{
    cact_guard_kernel = kernel;
    cact_guard_what = what;
    cact_guard_n = n;
}

/* under ASan, SIGSEGV is left to ASan: its report has the stack */
#if !defined(__SANITIZE_ADDRESS__)
static void cact_guard_handler(int sig)
{
    char buf[256];
    int len =
        snprintf(buf, sizeof buf, "FAULT (signal %d) in %s, %s, n=%zu: access outside the buffer\n",
                 sig, cact_guard_kernel, cact_guard_what, cact_guard_n);
    if (len > 0 && write(2, buf, (size_t)len) < 0) _exit(3);
    _exit(2);
}

static void cact_guard_init(void)
{
    signal(SIGSEGV, cact_guard_handler);
    signal(SIGBUS, cact_guard_handler);
}
#else
static void cact_guard_init(void) {}
#endif

/* data area of at least `bytes` (rounded up to pages) between two guard pages */
static int cact_guarded_alloc(cact_guarded *g, size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data = (bytes + page - 1) / page * page;
    unsigned char *p = (unsigned char *)mmap(NULL, data + 2 * page, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == (unsigned char *)MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    if (mprotect(p, page, PROT_NONE) || mprotect(p + page + data, page, PROT_NONE)) {
        perror("mprotect");
        return 1;
    }
    g->lo = p + page;
    g->hi = p + page + data;
    return 0;
}

/* bitwise equality of two elements of `size` bytes, any NaN equal to any NaN */
static int cact_guard_same(const void *a, const void *b, size_t size)
{
    if (size == 4) {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return (x != x && y != y) || memcmp(a, b, 4) == 0;
    } else {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return (x != x && y != y) || memcmp(a, b, 8) == 0;
    }
}

/* a buffer of `bytes` ending exactly at the upper guard page */
static unsigned char *cact_guarded_end(const cact_guarded *g, size_t bytes)
{
    return g->hi - bytes;
}

/* a buffer starting exactly after the lower guard page */
static unsigned char *cact_guarded_start(const cact_guarded *g) { return g->lo; }

#endif /* CACT_TEST_GUARD_H */
