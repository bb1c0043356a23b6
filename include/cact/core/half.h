/* cact/core/half.h -- float16 and bfloat16 storage: exact conversions to and
 * from float32, per ISA level, and the loop that makes a half-precision
 * elementwise kernel of a float32 one.
 *
 * Storage types (the bits of the IEEE 754 binary16 format and of bfloat16,
 * the upper half of a float32; both in the platform's byte order):
 *
 *   typedef uint16_t cact_f16_t;     typedef uint16_t cact_bf16_t;
 *
 * Conversions (public, dispatched like the kernels):
 *
 *   void cact_f16_to_f32(const cact_f16_t *h, float *f, size_t n);
 *   void cact_f32_to_f16(const float *f, cact_f16_t *h, size_t n);
 *   void cact_bf16_to_f32(const cact_bf16_t *h, float *f, size_t n);
 *   void cact_f32_to_bf16(const float *f, cact_bf16_t *h, size_t n);
 *
 * Widening is exact.  Narrowing rounds to nearest, ties to even, once:
 * float16 subnormals (below 2^-14) are rounded on their own grid (2^-24),
 * bfloat16 subnormals (below 2^-126) on theirs (2^-133); a value at or
 * above the largest finite number plus half an ulp becomes inf of its sign;
 * NaN stays NaN of its sign, quiet, with the top bits of its payload.  Every
 * level gives the same bits (tests/test_half.py checks every float16 and
 * bfloat16 input and the rounding of float32 values around every
 * boundary).  The results assume the default floating-point environment;
 * the integer paths below never read a subnormal float, so flush-to-zero
 * changes only the narrowing of values below 2^-126.
 *
 * How, per level (config.h):
 *   baseline  branch-free integer code the compiler vectorizes (SSE2):
 *             float16 -> float32 re-biases the exponent, a subnormal is its
 *             integer significand times 2^-24 (exact); float32 -> float16
 *             adds 0xfff plus the lowest kept bit and shifts (the carry
 *             rounds ties to even and overflows into inf), and rounds a
 *             subnormal by adding 0.5f, whose ulp is float16's subnormal
 *             step (the technique of F. Giesen's float_to_half_fast3_rtne);
 *             float32 -> bfloat16 adds 0x7fff plus the lowest kept bit.
 *   v3        float16 by F16C (vcvtph2ps / vcvtps2ph, round to nearest even),
 *             8 lanes; bfloat16 by the integer code, vectorized for AVX2.
 *   v4        float16 by AVX-512F's 16-lane vcvtph2ps / vcvtps2ph;
 *             bfloat16 by the integer code, vectorized for AVX-512.
 * AVX512-BF16's vcvtneps2bf16 is not used: it flushes subnormal inputs and
 * outputs to zero whatever MXCSR says (a Xeon with AVX512-BF16 turns 1e-40f
 * into +0, not 0x0011), and bfloat16 results such as sigmoid(-100) =
 * 3.7e-44 are subnormal.  AVX512-FP16 adds float16 arithmetic, which the kernels do
 * not need (they compute in float32); its conversions are AVX-512F's.
 * The tails of the vector loops use the integer code, which gives the same
 * bits, signalling NaNs included (widening a float16 one quiets it, as
 * F16C does; widening a bfloat16 one keeps it, narrowing quiets it).
 */
#ifndef CACT_CORE_HALF_H
#define CACT_CORE_HALF_H

#include <stdint.h>
#include "../config.h"
#include "base.h"
#if CACT_DISPATCH
#  include <immintrin.h>
#endif

/* cact_f16_t, cact_bf16_t: cact/api.h */

/* ---- one element, integer code (every level) -------------------------- */

CACT_INLINE float cact__f16_to_f32(uint16_t h)
{
    uint32_t e = h & 0x7c00u, m = h & 0x3ffu, em = (uint32_t)(h & 0x7fffu) << 13;
    /* subnormal (or 0): m 2^-24, exact; normal: exponent + 112; inf/NaN:
     * exponent 255, the significand kept, a NaN made quiet (as F16C does) */
    uint32_t sub = cact__bits_f((float)(int32_t)m * 5.9604644775390625e-8f);
    uint32_t spec = (em + 0x70000000u) | (m ? 0x00400000u : 0u);
    uint32_t b = e == 0 ? sub : (e == 0x7c00u ? spec : em + 0x38000000u);
    return cact__from_bits_f(b | ((uint32_t)(h & 0x8000u) << 16));
}

CACT_INLINE uint16_t cact__f32_to_f16(float f)
{
    uint32_t u = cact__bits_f(f), a = u & 0x7fffffffu, s = (u >> 16) & 0x8000u;
    /* |f| < 2^-14: |f| + 0.5 rounds |f| to a multiple of 2^-24 (the
     * float16 subnormal step, ties to even); the bits above 0.5's are the
     * result (0x400 where it rounds up to 2^-14) */
    uint32_t sub = cact__bits_f(cact__from_bits_f(a) + 0.5f) - 0x3f000000u;
    /* normal: re-bias (-112 << 23), round on bit 13 (ties to even), shift;
     * a carry out of the significand bumps the exponent, up to inf */
    uint32_t nrm = (a - 0x38000000u + 0xfffu + ((a >> 13) & 1u)) >> 13;
    uint32_t nan = 0x7e00u | ((a >> 13) & 0x3ffu);
    uint32_t r =
        a < 0x38800000u ? sub : (a < 0x47800000u ? nrm : (a > 0x7f800000u ? nan : 0x7c00u));
    return (uint16_t)(r | s);
}

CACT_INLINE float cact__bf16_to_f32(uint16_t h) { return cact__from_bits_f((uint32_t)h << 16); }

CACT_INLINE uint16_t cact__f32_to_bf16(float f)
{
    uint32_t u = cact__bits_f(f);
    uint32_t r = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    return (uint16_t)((u & 0x7fffffffu) > 0x7f800000u ? (u >> 16) | 0x40u : r);
}

/* ---- blocks, per level -------------------------------------------------
 * cact__widen_<h>_<level>(h, f, n) and cact__narrow_<h>_<level>(f, h, n),
 * <h> f16 or bf16: the integer loops at every level (vectorized for the
 * level's target), F16C / AVX-512F for float16 at v3 / v4. */
/* one loop: dst[i] = CONV(src[i]) */
#define CACT__HALF_CONV_LOOP(name, From, To, CONV, SUFFIX, ATTR)       \
  static ATTR CACT__OPTIMIZE CACT_UNUSED void cact__##name##_##SUFFIX( \
      const From *CACT_RESTRICT a, To *CACT_RESTRICT b, size_t n)      \
  {                                                                    \
    size_t i;                                                          \
    for (i = 0; i < n; i++) b[i] = CONV(a[i]);                         \
  }
#define CACT__HALF_INT_LOOPS(SUFFIX, ATTR)                                              \
  CACT__HALF_CONV_LOOP(widen_int_f16, uint16_t, float, cact__f16_to_f32, SUFFIX, ATTR)  \
  CACT__HALF_CONV_LOOP(narrow_int_f16, float, uint16_t, cact__f32_to_f16, SUFFIX, ATTR) \
  CACT__HALF_CONV_LOOP(widen_bf16, uint16_t, float, cact__bf16_to_f32, SUFFIX, ATTR)    \
  CACT__HALF_CONV_LOOP(narrow_bf16, float, uint16_t, cact__f32_to_bf16, SUFFIX, ATTR)

CACT__HALF_INT_LOOPS(base, CACT__NOATTR)
static CACT_UNUSED void cact__widen_f16_base(const uint16_t *h, float *f, size_t n)
{
    cact__widen_int_f16_base(h, f, n);
}
static CACT_UNUSED void cact__narrow_f16_base(const float *f, uint16_t *h, size_t n)
{
    cact__narrow_int_f16_base(f, h, n);
}

#if CACT_DISPATCH
/* (the zero-masked forms of the AVX-512 conversions: g++ 12 warns that the
 * unmasked ones read an uninitialised register, _mm512_undefined_ps) */
CACT__HALF_INT_LOOPS(v3, CACT__TARGET_V3)
CACT__HALF_INT_LOOPS(v4, CACT__TARGET_V4)

static CACT__TARGET_V3 CACT_UNUSED void cact__widen_f16_v3(const uint16_t *h, float *f, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(f + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(h + i))));
    cact__widen_int_f16_v3(h + i, f + i, n - i);
}
static CACT__TARGET_V3 CACT_UNUSED void cact__narrow_f16_v3(const float *f, uint16_t *h, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(
            (__m128i *)(h + i),
            _mm256_cvtps_ph(_mm256_loadu_ps(f + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    cact__narrow_int_f16_v3(f + i, h + i, n - i);
}
static CACT__TARGET_V4 CACT_UNUSED void cact__widen_f16_v4(const uint16_t *h, float *f, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(
            f + i,
            _mm512_maskz_cvtph_ps((__mmask16)0xffff, _mm256_loadu_si256((const __m256i *)(h + i))));
    cact__widen_int_f16_v4(h + i, f + i, n - i);
}
static CACT__TARGET_V4 CACT_UNUSED void cact__narrow_f16_v4(const float *f, uint16_t *h, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(h + i),
                            _mm512_maskz_cvtps_ph((__mmask16)0xffff, _mm512_loadu_ps(f + i),
                                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    cact__narrow_int_f16_v4(f + i, h + i, n - i);
}
#endif

/* the public conversions: the running level's loops */
#if CACT_DISPATCH
#  define CACT__HALF_CONV(name, From, To)                     \
    CACT_API void cact_##name(const From *a, To *b, size_t n) \
    {                                                         \
      switch (cact_isa_level()) {                             \
      case CACT_ISA_V4:                                       \
        cact__##name##_v4(a, b, n);                           \
        break;                                                \
      case CACT_ISA_V3:                                       \
        cact__##name##_v3(a, b, n);                           \
        break;                                                \
      default:                                                \
        cact__##name##_base(a, b, n);                         \
        break;                                                \
      }                                                       \
    }
#else
#  define CACT__HALF_CONV(name, From, To) \
    CACT_API void cact_##name(const From *a, To *b, size_t n) { cact__##name##_base(a, b, n); }
#endif
#define cact__f16_to_f32_v4 cact__widen_f16_v4
#define cact__f16_to_f32_v3 cact__widen_f16_v3
#define cact__f16_to_f32_base cact__widen_f16_base
#define cact__f32_to_f16_v4 cact__narrow_f16_v4
#define cact__f32_to_f16_v3 cact__narrow_f16_v3
#define cact__f32_to_f16_base cact__narrow_f16_base
#define cact__bf16_to_f32_v4 cact__widen_bf16_v4
#define cact__bf16_to_f32_v3 cact__widen_bf16_v3
#define cact__bf16_to_f32_base cact__widen_bf16_base
#define cact__f32_to_bf16_v4 cact__narrow_bf16_v4
#define cact__f32_to_bf16_v3 cact__narrow_bf16_v3
#define cact__f32_to_bf16_base cact__narrow_bf16_base
CACT__HALF_CONV(f16_to_f32, uint16_t, float)
CACT__HALF_CONV(f32_to_f16, float, uint16_t)
CACT__HALF_CONV(bf16_to_f32, uint16_t, float)
CACT__HALF_CONV(f32_to_bf16, float, uint16_t)

/* ---- half-precision elementwise kernels --------------------------------
 * CACT__HALF_LOOP(name, h, T, PDECL, PARGS, SUFFIX, ATTR), for config.h's
 * CACT__UNARY_L with sfx = f16 or bf16 and T = uint16_t: the level's
 * kernel cact__<name>_<h>_<level> widens CACT__HALF_BLOCK elements at a
 * time into a float buffer on the stack, runs the level's float32 kernel
 * cact__<name>_f32_<level> on it in place and narrows the block into y,
 * so each element is rounded twice: to float32 by the float32 kernel (its
 * bound), then to the storage type (half an ulp).  y == x is allowed (each
 * block is read before it is written). */
#ifndef CACT__HALF_BLOCK
#  define CACT__HALF_BLOCK 512
#endif
#if defined(__GNUC__) || defined(__clang__)
#  define CACT__ALIGN64 __attribute__((aligned(64)))
#else
#  define CACT__ALIGN64
#endif
#define CACT__HALF_LOOP(name, h, T, PDECL, PARGS, SUFFIX, ATTR)                          \
  static ATTR CACT__NOINLINE void cact__##name##_##h##_##SUFFIX(const T *x, T *y,        \
                                                                size_t n CACT__ID PDECL) \
  {                                                                                      \
    float buf[CACT__HALF_BLOCK] CACT__ALIGN64;                                           \
    size_t i, m;                                                                         \
    for (i = 0; i < n; i += m) {                                                         \
      m = n - i < CACT__HALF_BLOCK ? n - i : CACT__HALF_BLOCK;                           \
      cact__widen_##h##_##SUFFIX(x + i, buf, m);                                         \
      cact__##name##_f32_##SUFFIX(buf, buf, m CACT__ID PARGS);                           \
      cact__narrow_##h##_##SUFFIX(buf, y + i, m);                                        \
    }                                                                                    \
  }
/* both half types of a float32 kernel: cact_<name>_f16 and cact_<name>_bf16 */
#define CACT__UNARY_HALF(name, PDECL, PARGS)                        \
  CACT__UNARY_L(CACT__HALF_LOOP, name, f16, uint16_t, PDECL, PARGS) \
  CACT__UNARY_L(CACT__HALF_LOOP, name, bf16, uint16_t, PDECL, PARGS)

#endif /* CACT_CORE_HALF_H */
