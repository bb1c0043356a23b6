/* cact/config.h -- compiler portability, ISA detection and dispatch, and
 * the rules of the per-level instantiation.
 *
 * Every kernel of cact is written once, as a scalar, branch-free element
 * function (static inline, kernels/) plus a one-line loop.  The math core
 * and the element functions are compiled once per instruction-set level
 * (cact/instantiate.h includes cact/level.h per level); CACT__UNARY_BOTH_*
 * below make each kernel's loop per level and a dispatcher that picks the
 * best level the running CPU has, once per process (per translation unit),
 * so a portable build (no -march flags) still runs AVX-512 code where it can.
 *
 * Levels (x86-64 micro-architecture levels, as gcc/clang name them):
 *   3  x86-64-v4: AVX-512 F/BW/DQ/VL      2  x86-64-v3: AVX2 + FMA
 *   0  baseline (SSE2), and the only level on other architectures.
 * The environment variable CACT_ISA (= "v4", "v3", "baseline") lowers the
 * level, never raises it above what the CPU supports; tests use it to run and
 * compare every path.
 */
#ifndef CACT_CONFIG_H
#define CACT_CONFIG_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api.h" /* the declarations, CACT_API, CACT__ID and the parameter lists */

/* The kernels carry their own floating-point and optimisation options, so
 * that a project including this header gets the same vectorized code and
 * the same bits whatever flags it compiles with (-O0, -O2, -std=c99,
 * -ffast-math...).  With gcc 12 a plain -O2 build of the header leaves
 * every loop scalar (gcc 12 vectorizes at -O2 only with the very-cheap
 * cost model, and the selects need -fno-trapping-math); -O3
 * -fno-math-errno -fno-trapping-math vectorizes them.  -ffast-math would
 * break NaN propagation (x != x folds to false), so it is switched off, and
 * fp-contract=off keeps every ISA level bit-identical (the baseline has no
 * FMA to contract into).  gcc documents the optimize attribute as meant for
 * debugging, because it resets options given on the command line; here
 * that is the point.  clang ignores it and vectorizes at -O2 anyway;
 * CACT_NO_OPTIMIZE_ATTRIBUTE=1 drops it. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__INTEL_COMPILER) && \
    !defined(CACT_NO_OPTIMIZE_ATTRIBUTE)
#  define CACT__OPTIMIZE \
    __attribute__((      \
        optimize("O3", "no-fast-math", "no-math-errno", "no-trapping-math", "fp-contract=off")))
#else
#  define CACT__OPTIMIZE
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define CACT_INLINE static __inline__ __attribute__((always_inline)) CACT__OPTIMIZE
#  define CACT_UNUSED __attribute__((unused))
#elif defined(_MSC_VER)
#  define CACT_INLINE static __forceinline
#  define CACT_UNUSED
#else
#  define CACT_INLINE static inline
#  define CACT_UNUSED
#endif

#if defined(__cplusplus)
#  define CACT_RESTRICT __restrict__
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#  define CACT_RESTRICT restrict
#else
#  define CACT_RESTRICT
#endif

/* Per-ISA instantiation needs gcc >= 8 or clang >= 7 function target
 * attributes and __builtin_cpu_supports, on x86-64.  CACT_NO_DISPATCH=1
 * turns it off (one generic instantiation, compiled with the includer's
 * flags). */
#if !defined(CACT_NO_DISPATCH) && defined(__x86_64__) &&            \
    ((defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8) || \
     (defined(__clang__) && __clang_major__ >= 7))
#  define CACT_DISPATCH 1
#  define CACT__TARGET_V4 \
    __attribute__((       \
        target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2,lzcnt,movbe,popcnt,f16c")))
#  define CACT__TARGET_V3 __attribute__((target("avx2,fma,bmi,bmi2,lzcnt,movbe,popcnt,f16c")))
#else
#  define CACT_DISPATCH 0
#endif

/* The fusion rule, CACT__HAS_FMA_<level>: whether a level's arithmetic
 * (core/dd.h: CACT__FMA, two_prod, ...) uses fused multiply-adds.  v4 and v3
 * always.  The baseline, under dispatch, never, so that it gives the same
 * bits whatever -m flags the includer compiles with (it has no target
 * attribute: the includer's flags compile it); without dispatch it is the
 * only level, and fuses where the flags give the instruction (-mfma,
 * -march=native, aarch64, POWER VSX).  (A C99 fma() call without the
 * instruction would be a slow library call that blocks vectorization.)
 * CACT__LV_FMA is the rule for the level being instantiated. */
#if CACT_DISPATCH
#  define CACT__HAS_FMA_v4 1
#  define CACT__HAS_FMA_v3 1
#endif
#if !CACT_DISPATCH && (defined(__FMA__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA) || \
                       (defined(__powerpc64__) && defined(__VSX__)))
#  define CACT__HAS_FMA_base 1
#else
#  define CACT__HAS_FMA_base 0
#endif
#define CACT__MCAT_(a, b) a##b
#define CACT__MCAT(a, b) CACT__MCAT_(a, b)
#define CACT__LV_FMA CACT__MCAT(CACT__HAS_FMA_, CACT__LV)

/* The ISA level the hardware supports (ignores CACT_ISA). */
CACT_API int cact_isa_hardware(void)
{
#if CACT_DISPATCH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return CACT_ISA_V4;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CACT_ISA_V3;
#endif
    return CACT_ISA_BASELINE;
}

/* The level the kernels use: the hardware's, lowered by $CACT_ISA. */
CACT_API int cact_isa_select(void)
{
    int hw = cact_isa_hardware(), want = hw;
    const char *env = getenv("CACT_ISA");
    if (env && *env) {
        if (!strcmp(env, "v4") || !strcmp(env, "avx512")) want = CACT_ISA_V4;
        else if (!strcmp(env, "v3") || !strcmp(env, "avx2")) want = CACT_ISA_V3;
        else if (!strcmp(env, "baseline") || !strcmp(env, "v1") || !strcmp(env, "scalar"))
            want = CACT_ISA_BASELINE;
    }
    return want < hw ? want : hw;
}

/* Cached per translation unit.  Threads may race to fill it; each
 * computes and stores the same value, and the accesses are atomic (relaxed)
 * so the race is not a data race in the C11 sense (ThreadSanitizer-clean). */
static int cact__isa_cache = -1;
#if defined(__GNUC__) || defined(__clang__)
#  define CACT__LOAD_INT(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#  define CACT__STORE_INT(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#else
#  define CACT__LOAD_INT(p) (*(volatile int *)(p))
#  define CACT__STORE_INT(p, v) (*(volatile int *)(p) = (v))
#endif
CACT_API int cact_isa_level(void)
{
    int v = CACT__LOAD_INT(&cact__isa_cache);
    if (v < 0) {
        v = cact_isa_select();
        CACT__STORE_INT(&cact__isa_cache, v);
    }
    return v;
}
/* Re-read $CACT_ISA (tests).  Returns the new level.  Safe while other
 * threads run kernels, as long as none of them calls setenv (getenv). */
CACT_API int cact_isa_reset(void)
{
    CACT__STORE_INT(&cact__isa_cache, -1);
    return cact_isa_level();
}

CACT_API const char *cact_isa_name(int level)
{
    return level == CACT_ISA_V4   ? "x86-64-v4 (AVX-512)"
           : level == CACT_ISA_V3 ? "x86-64-v3 (AVX2+FMA)"
                                  : "baseline";
}

/* CACT__UNARY(name, sfx, T, PDECL, PARGS): defines the public kernel
 *   void cact_<name>_<sfx>(const T *x, T *y, size_t n, <params>)
 * applying the element function cact__el_<name>_<sfx>_<level>(x[i] PARGS)
 * to every element, where <level> is v4, v3 or base: the element functions
 * are instantiated per level too (cact/level.h), so that each can use its
 * level's arithmetic (fused multiply-adds in v3/v4, core/dd.h).
 * y == x (in place) is allowed; partial overlap is not.  The
 * in-place case runs a single-pointer loop and the out-of-place case a loop
 * over restrict parameters (gcc honours restrict on parameters, not on
 * block-scope pointers), so the vectorizer needs no run-time alias checks.
 *
 * Alignment: from CACT__PEEL_MIN bytes on, the first elements (up to y's
 * next 64-byte boundary) are done by a call of their own, so that the vector
 * loop's stores (and, in place, its loads) never straddle two cache lines
 * (numpy's buffers are often only 16-byte aligned; docs/performance.md).
 * Every element function gives the same bits in the vector body as in the
 * scalar tail (tests/test_contract.py checks every length), so where the
 * split falls changes no result. */
/* One symbol per (kernel, dtype, level), never inlined into the dispatcher
 * (one call per kernel call costs nothing), so the object code of every
 * level can be inspected: tools/objdump_kernels.py, tests/test_math_core.py. */
#if defined(__GNUC__) || defined(__clang__)
#  define CACT__NOINLINE __attribute__((noinline))
#else
#  define CACT__NOINLINE
#endif
#define CACT__ALIGN 64
#define CACT__PEEL_MIN 4096
/* the two loops over element function cact__el_<el>_<sfx>_<SUFFIX>: out of
 * place (x and y restrict) and in place */
#define CACT__LOOPS(el, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                                   \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_oop(                        \
      const T *CACT_RESTRICT x, T *CACT_RESTRICT y, size_t n CACT__ID PDECL)                  \
  {                                                                                           \
    size_t i;                                                                                 \
    for (i = 0; i < n; i++) y[i] = cact__el_##el##_##sfx##_##SUFFIX(x[i] CACT__ID PARGS);     \
  }                                                                                           \
  static ATTR CACT__OPTIMIZE void cact__##el##_##sfx##_##SUFFIX##_ip(T *y,                    \
                                                                     size_t n CACT__ID PDECL) \
  {                                                                                           \
    size_t i;                                                                                 \
    for (i = 0; i < n; i++) y[i] = cact__el_##el##_##sfx##_##SUFFIX(y[i] CACT__ID PARGS);     \
  }

/* the body of a kernel over el's loops: y aligned first where the array is
 * long enough (a head of up to 15 elements), in place or not */
#define CACT__PEEL(el, sfx, T, PARGS, SUFFIX)                                           \
  do {                                                                                  \
    size_t head = 0;                                                                    \
    if (n * sizeof(T) >= CACT__PEEL_MIN && (size_t)y % sizeof(T) == 0)                  \
      head = (size_t)(-(size_t)y % CACT__ALIGN) / sizeof(T);                            \
    if (x == y) {                                                                       \
      if (head) cact__##el##_##sfx##_##SUFFIX##_ip(y, head CACT__ID PARGS);             \
      cact__##el##_##sfx##_##SUFFIX##_ip(y + head, n - head CACT__ID PARGS);            \
    } else {                                                                            \
      if (head) cact__##el##_##sfx##_##SUFFIX##_oop(x, y, head CACT__ID PARGS);         \
      cact__##el##_##sfx##_##SUFFIX##_oop(x + head, y + head, n - head CACT__ID PARGS); \
    }                                                                                   \
  } while (0)

#define CACT__LOOP(name, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                      \
  CACT__LOOPS(name, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                           \
  static ATTR CACT__NOINLINE CACT__OPTIMIZE void cact__##name##_##sfx##_##SUFFIX( \
      const T *x, T *y, size_t n CACT__ID PDECL)                                  \
  {                                                                               \
    CACT__PEEL(name, sfx, T, PARGS, SUFFIX);                                      \
  }

/* A kernel with two element functions, <name>_fast and <name>_slow, and a
 * test of its parameters, cact__el_<name>_pick_<sfx>_<SUFFIX>(params),
 * that picks the first: one loop each, chosen once per call (a test in
 * the element function would be loop-invariant, but gcc 12 leaves such a
 * loop scalar rather than unswitch it) */
#define CACT__LOOP_SPLIT(name, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                \
  CACT__LOOPS(name##_fast, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                    \
  CACT__LOOPS(name##_slow, sfx, T, PDECL, PARGS, SUFFIX, ATTR)                    \
  static ATTR CACT__NOINLINE CACT__OPTIMIZE void cact__##name##_##sfx##_##SUFFIX( \
      const T *x, T *y, size_t n CACT__ID PDECL)                                  \
  {                                                                               \
    if (cact__el_##name##_pick_##sfx##_##SUFFIX(0 CACT__ID PARGS))                \
      CACT__PEEL(name##_fast, sfx, T, PARGS, SUFFIX);                             \
    else CACT__PEEL(name##_slow, sfx, T, PARGS, SUFFIX);                          \
  }

#define CACT__NOATTR

#if CACT_DISPATCH
#  define CACT__UNARY_L(LOOP, name, sfx, T, PDECL, PARGS)                        \
    LOOP(name, sfx, T, PDECL, PARGS, v4, CACT__TARGET_V4)                        \
    LOOP(name, sfx, T, PDECL, PARGS, v3, CACT__TARGET_V3)                        \
    LOOP(name, sfx, T, PDECL, PARGS, base, CACT__NOATTR)                         \
    CACT_API void cact_##name##_##sfx(const T *x, T *y, size_t n CACT__ID PDECL) \
    {                                                                            \
      switch (cact_isa_level()) {                                                \
      case CACT_ISA_V4:                                                          \
        cact__##name##_##sfx##_v4(x, y, n CACT__ID PARGS);                       \
        break;                                                                   \
      case CACT_ISA_V3:                                                          \
        cact__##name##_##sfx##_v3(x, y, n CACT__ID PARGS);                       \
        break;                                                                   \
      default:                                                                   \
        cact__##name##_##sfx##_base(x, y, n CACT__ID PARGS);                     \
        break;                                                                   \
      }                                                                          \
    }
#else
#  define CACT__UNARY_L(LOOP, name, sfx, T, PDECL, PARGS)                        \
    LOOP(name, sfx, T, PDECL, PARGS, base, CACT__NOATTR)                         \
    CACT_API void cact_##name##_##sfx(const T *x, T *y, size_t n CACT__ID PDECL) \
    {                                                                            \
      cact__##name##_##sfx##_base(x, y, n CACT__ID PARGS);                       \
    }
#endif
#define CACT__UNARY(name, sfx, T, PDECL, PARGS) \
  CACT__UNARY_L(CACT__LOOP, name, sfx, T, PDECL, PARGS)

/* Both dtypes at once, for a row CACT_ELEMENTWISE(name, loop, PDECL,
 * PARGS) of cact/functions.inc (cact/elementwise.h): loop PLAIN, one loop
 * per dtype over cact__el_<name>_<dtype>_<level>; loop SPLIT32, float32
 * split in two loops (CACT__LOOP_SPLIT, <name>_fast / _slow / _pick). */
#define CACT__UNARY_BOTH_PLAIN(name, PDECL, PARGS) \
  CACT__UNARY(name, f32, float, PDECL, PARGS)      \
  CACT__UNARY(name, f64, double, PDECL, PARGS)
#define CACT__UNARY_BOTH_SPLIT32(name, PDECL, PARGS)              \
  CACT__UNARY_L(CACT__LOOP_SPLIT, name, f32, float, PDECL, PARGS) \
  CACT__UNARY(name, f64, double, PDECL, PARGS)

/* CACT__ID and the parameter lists CACT__P0..2 / CACT__A0..2: cact/api.h */

#endif /* CACT_CONFIG_H */
