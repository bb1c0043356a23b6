/* kernels.h -- the C test programs' view of cact: every kernel behind one
 * signature per kind, in tables generated from the catalogue.  The kernels
 * themselves are compiled in kernels.c, once per flavour of compiler flags
 * (tests/c/build.py), and linked into each program; the programs do not
 * include <cact/cact.h>. */
#ifndef CACT_TEST_KERNELS_H
#define CACT_TEST_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*cact_test_fn)(const void *x, void *y, size_t n);
typedef struct {
    const char *name; /* e.g. "gelu_f32" */
    size_t size;      /* element size */
    cact_test_fn fn;
} cact_test_kernel;

/* `extra` points to the size_t pieces (maxout) or is the weight array (prelu) */
typedef void (*cact_test_axis_fn)(const void *x, void *y, size_t outer, size_t len, size_t inner,
                                  const void *extra);
enum { CACT_TEST_PLAIN, CACT_TEST_PIECES, CACT_TEST_WEIGHT };
typedef struct {
    const char *name;
    size_t size;
    int kind;
    cact_test_axis_fn fn;
} cact_test_axis_kernel;

extern const cact_test_kernel cact_test_kernels[];
extern const size_t cact_test_nkernels;
extern const cact_test_axis_kernel cact_test_axis_kernels[];
extern const size_t cact_test_naxis;

/* cact_isa_reset() / the level's name / CACT_ISA_V4, from kernels.c's copy
 * of the header (the ISA level is cached per translation unit) */
int cact_test_isa_reset(void);
const char *cact_test_isa_name(void);
int cact_test_isa_v4(void);
const char *cact_test_version(void);

/* a few values checked in C by a direct call of the kernels; 0 = all right */
int cact_test_self_check(void);

#ifdef __cplusplus
}
#endif

#endif /* CACT_TEST_KERNELS_H */
