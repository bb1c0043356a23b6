/* cact/axis/half.h -- the kernels along an axis on float16 and bfloat16:
 *
 *   int cact_softmax_f16(const cact_f16_t *x, cact_f16_t *y, size_t outer, size_t len,
 *                        size_t inner);
 *   ... log_softmax, softmin (same signature),
 *   int cact_maxout_f16(const cact_f16_t *x, cact_f16_t *y, size_t outer, size_t len,
 *                       size_t inner, size_t pieces);
 *   int cact_prelu_f16(const cact_f16_t *x, cact_f16_t *y, size_t outer, size_t channels,
 *                      size_t inner, const cact_f16_t *w);
 *   and the same with _bf16 / cact_bf16_t.
 *
 * The float32 kernels' contract (cact/axis.h: layout, in place, special
 * values), and each returns 0, or -1 when the scratch memory it needed
 * could not be allocated; then nothing was written.
 *
 * How: a tile of x is widened into float32 scratch, the float32 kernel
 * (cact_<name>_f32) runs on the tile in place and the tile is narrowed
 * into y (core/half.h: exact widening, one rounding to nearest even), so
 * every row is accumulated as the float32 kernel does, in float32 or
 * double.  A tile is whole [len, inner] slices when one fits the scratch
 * (CACT__AX_HALF_BUF floats on the stack; several slices at a time), else
 * [len, jb] columns of one slice, gathered with a stride, jb =
 * CACT__AX_HALF_BUF / len, at least 1; a row longer than the stack scratch
 * (softmax family and maxout: len > CACT__AX_HALF_BUF, or len * pieces
 * runs) takes malloc'd scratch of len floats (per call).  prelu tiles
 * channels and columns and never allocates: its product w x of two
 * half-precision numbers is exact in float32 (but for a bfloat16 product
 * below 2^-126, rounded in float32 first).  Results: softmax, log_softmax,
 * softmin within the float32 kernel's bound plus half an ulp of the
 * storage type (1 ulp asserted); maxout exact; prelu correctly rounded
 * (bfloat16 products below 2^-126 aside).
 */
#ifndef CACT_AXIS_HALF_H
#define CACT_AXIS_HALF_H

#include "../core/half.h"

#ifndef CACT__AX_HALF_BUF
#  define CACT__AX_HALF_BUF 4096 /* floats of stack scratch per tile */
#endif

/* widen rows r of a [rows, inner] half array's columns [j0, j0 + jb) into
 * buf ([rows, jb]), and narrow back */
static CACT_UNUSED void cact__ax_half_gather(void (*widen)(const uint16_t *, float *, size_t),
                                             const uint16_t *x, float *buf, size_t rows,
                                             size_t inner, size_t jb)
{
    size_t r;
    if (jb == inner) widen(x, buf, rows * inner);
    else
        for (r = 0; r < rows; r++) widen(x + r * inner, buf + r * jb, jb);
}
static CACT_UNUSED void cact__ax_half_scatter(void (*narrow)(const float *, uint16_t *, size_t),
                                              const float *buf, uint16_t *y, size_t rows,
                                              size_t inner, size_t jb)
{
    size_t r;
    if (jb == inner) narrow(buf, y, rows * inner);
    else
        for (r = 0; r < rows; r++) narrow(buf + r * jb, y + r * inner, jb);
}

/* the float32 kernels the tiles go through: a row kernel (softmax's
 * signature, computed in place) or maxout */
typedef void (*cact__ax_rows_f32)(const float *, float *, size_t, size_t, size_t);

/* the tiles of an [outer, len, inner] array whose output is [outer, len /
 * pieces, inner]: rows (a float32 row kernel, pieces = 1) on each tile in
 * place, or, rows = NULL, cact_maxout_f32 into the second half of the
 * scratch */
static CACT_UNUSED int cact__ax_half_tiles(cact__ax_rows_f32 rows,
                                           void (*widen)(const uint16_t *, float *, size_t),
                                           void (*narrow)(const float *, uint16_t *, size_t),
                                           const uint16_t *x, uint16_t *y, size_t outer, size_t len,
                                           size_t inner, size_t pieces)
{
    float stackbuf[2 * CACT__AX_HALF_BUF] CACT__ALIGN64;
    float *in = stackbuf, *out, *heap = NULL;
    size_t slice = len * inner, olen = len / pieces, ob = 1, jb = inner, o, j;
    if (outer == 0 || len == 0 || inner == 0) return 0;
    if (slice <= CACT__AX_HALF_BUF)
        ob = CACT__AX_HALF_BUF / slice < outer ? CACT__AX_HALF_BUF / slice : outer;
    else {
        jb = len < CACT__AX_HALF_BUF ? CACT__AX_HALF_BUF / len : 1;
        if (len * jb > CACT__AX_HALF_BUF) {
            heap = (float *)malloc(2 * len * jb * sizeof(float));
            if (!heap) return -1;
            in = heap;
        }
    }
    out = rows ? in : in + (heap ? len * jb : CACT__AX_HALF_BUF);
    for (o = 0; o < outer; o += ob) {
        size_t nb = outer - o < ob ? outer - o : ob;
        for (j = 0; j < inner; j += jb) {
            size_t w = inner - j < jb ? inner - j : jb;
            const uint16_t *xt = x + o * slice + j;
            uint16_t *yt = y + o * olen * inner + j;
            /* whole slices (w == inner) are contiguous: nb * len rows of inner */
            cact__ax_half_gather(widen, xt, in, nb * len, inner, w);
            if (rows) rows(in, in, nb, len, w);
            else cact_maxout_f32(in, out, nb, len, w, pieces);
            cact__ax_half_scatter(narrow, out, yt, nb * olen, inner, w);
        }
    }
    free(heap);
    return 0;
}

/* prelu: tiles of whole channels (cb of them, [cb, inner] contiguous) or,
 * where one channel's inner run exceeds the scratch, pieces of one */
static CACT_UNUSED int cact__ax_half_prelu(void (*widen)(const uint16_t *, float *, size_t),
                                           void (*narrow)(const float *, uint16_t *, size_t),
                                           const uint16_t *x, uint16_t *y, size_t outer,
                                           size_t channels, size_t inner, const uint16_t *w)
{
    float buf[CACT__AX_HALF_BUF] CACT__ALIGN64, wbuf[CACT__AX_HALF_BUF];
    size_t o, c, j;
    size_t cb = inner <= CACT__AX_HALF_BUF ? CACT__AX_HALF_BUF / inner : 1;
    size_t jb = inner <= CACT__AX_HALF_BUF ? inner : CACT__AX_HALF_BUF;
    if (outer == 0 || channels == 0 || inner == 0) return 0;
    for (o = 0; o < outer; o++)
        for (c = 0; c < channels; c += cb) {
            size_t nc = channels - c < cb ? channels - c : cb;
            widen(w + c, wbuf, nc);
            for (j = 0; j < inner; j += jb) {
                size_t m = inner - j < jb ? inner - j : jb;
                size_t off = (o * channels + c) * inner + j;
                widen(x + off, buf, nc * m); /* nc > 1 only where m == inner */
                cact_prelu_f32(buf, buf, 1, nc, m, wbuf);
                narrow(buf, y + off, nc * m);
            }
        }
    return 0;
}

/* cact_<name>_f16 and cact_<name>_bf16 of a float32 row kernel
 * cact_<name>_f32 (softmax's signature): a row kernel added later, of
 * either tier, gets its half-precision forms from one line here */
#define CACT__AXIS_HALF_ROWS1(name, h)                                                             \
  CACT_API int cact_##name##_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,         \
                                 size_t inner)                                                     \
  {                                                                                                \
    return cact__ax_half_tiles(cact_##name##_f32, cact_##h##_to_f32, cact_f32_to_##h, x, y, outer, \
                               len, inner, 1);                                                     \
  }
#define CACT__AXIS_HALF_ROWS(name) \
  CACT__AXIS_HALF_ROWS1(name, f16) \
  CACT__AXIS_HALF_ROWS1(name, bf16)

#define CACT__AXIS_HALF_OTHERS(h)                                                                 \
  CACT_API int cact_maxout_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t len,          \
                               size_t inner, size_t pieces)                                       \
  {                                                                                               \
    return cact__ax_half_tiles(NULL, cact_##h##_to_f32, cact_f32_to_##h, x, y, outer, len, inner, \
                               pieces);                                                           \
  }                                                                                               \
  CACT_API int cact_prelu_##h(const uint16_t *x, uint16_t *y, size_t outer, size_t channels,      \
                              size_t inner, const uint16_t *w)                                    \
  {                                                                                               \
    return cact__ax_half_prelu(cact_##h##_to_f32, cact_f32_to_##h, x, y, outer, channels, inner,  \
                               w);                                                                \
  }

CACT__AXIS_HALF_ROWS(softmax)
CACT__AXIS_HALF_ROWS(log_softmax)
CACT__AXIS_HALF_ROWS(softmin)
CACT__AXIS_HALF_ROWS(fast_softmax)
CACT__AXIS_HALF_ROWS(fast_log_softmax)
CACT__AXIS_HALF_ROWS(fast_softmin)
CACT__AXIS_HALF_OTHERS(f16)
CACT__AXIS_HALF_OTHERS(bf16)

#endif /* CACT_AXIS_HALF_H */
