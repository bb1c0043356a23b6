"""cact.dask: cact's functions on dask arrays (``pip install cact[dask]``).

Every catalogue function under its own name and parameters, taking a dask
array (or anything ``dask.array.asarray`` takes) and returning a lazy dask
array; docs/dask.md has the examples, on a local and a remote cluster::

    import cact.dask as cd
    y = cd.gelu(x)                  # map_blocks: x's chunks and dtype
    p = cd.softmax(x, axis=-1)      # across chunks of the axis too

- Elementwise functions map cact's kernel over the blocks (``map_blocks``):
  the result has x's chunks and dtype.  Parameters and dtypes are checked
  when the graph is built, by cact's own checks (same errors, same messages).
- softmax, log_softmax and softmin along an axis held in one chunk map the
  in-memory kernel over the blocks.  Along an axis split over several chunks
  they take two passes: a tree reduction of the per-chunk row statistics
  (max, sum of exp(x - max), count of +inf) combined exactly, then one map
  that applies each row's statistics to the chunk's own kernel result (see
  _soft_final for the arithmetic and its error).  The result is within the
  in-memory kernel's bound (2 ulp float32, 4 ulp float64) and has its special
  values (NaN rows, all -inf rows, entries at +inf).
- maxout and prelu need the whole axis in each block: along a chunked axis
  they raise ValueError naming the rechunk (``x.rechunk({axis: -1})``).
- ``out=`` is not offered: dask arrays are immutable and a task never writes
  into memory another task owns; the result is a new dask array (pass
  ``out=`` and you get a TypeError that says so).
"""
import functools
import inspect
import operator

import numpy as np

try:
    import dask.array as da
except ImportError as e:                                   # pragma: no cover
    raise ImportError("cact.dask needs dask: pip install 'cact[dask]'") from e

import cact

from ._catalogue import ALONG_AXIS, ELEMENTWISE

__all__ = [f.name for f in ELEMENTWISE] + [f.name for f in ALONG_AXIS]

# Row statistics in more precision than the data: float64 for float32 data,
# the x87 long double (64-bit significand) for float64 data where numpy has
# it (x86-64 Linux, macOS on Intel); elsewhere float64, which may add about
# an ulp to float64 results (still measured within 4 ulp by the tests).
_EXT64 = np.longdouble if np.finfo(np.longdouble).nmant >= 63 else np.float64


def _ext(dtype):
    return np.float64 if np.dtype(dtype) == np.float32 else _EXT64


def _stats_dtype(dtype):
    """Per row: m the max (of x; of -x for softmin), u the sum of
    exp(x - m) less 1 (>= 0: the max's own term is the 1), k the number of
    entries at +inf (the limit's denominator)."""
    e = _ext(dtype)
    return np.dtype([("m", e), ("u", e), ("k", np.int64)])


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"cact.dask.{name}: out= is not offered: dask arrays are immutable and a task never "
                        f"writes into memory another task owns; use the returned array")


def _meta_shape(x, axis=None, length=None):
    """A tiny shape with x's number of dimensions (the axis at `length`)."""
    shape = [0] * x.ndim
    if axis is not None:
        shape[axis] = length
        shape = [1 if d != axis else n for d, n in enumerate(shape)]
    return tuple(shape)


def _signature_of(fn):
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):                         # pragma: no cover
        return None


# ---- elementwise ---------------------------------------------------------------

def _elementwise(name):
    fn = getattr(cact, name)
    sig = _signature_of(fn)

    def wrapper(x, *args, out=None, **kwargs):
        _no_out(name, out)
        x = da.asarray(x)
        meta = fn(np.empty((0,) * x.ndim, x.dtype), *args, **kwargs)   # cact's own checks, now
        if args:                                       # the parameters by name: the block comes first
            kwargs = dict(sig.bind(None, *args, **kwargs).arguments)
            del kwargs["x"]
        return x.map_blocks(functools.partial(fn, **kwargs), dtype=meta.dtype, meta=meta,
                            name=f"cact-{name}")

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__signature__ = sig
    wrapper.__doc__ = (f"{name} of a dask array, block by block (map_blocks with cact.{name}: x's chunks "
                       f"and dtype).\n\nParameters as cact.{name}; out= is not offered.  cact.{name}:\n\n"
                       + (fn.__doc__ or ""))
    return wrapper


# ---- along an axis ---------------------------------------------------------------

def _axis_of(x, axis):
    ax = operator.index(axis)
    nd = max(x.ndim, 1)
    if not -nd <= ax < nd:
        raise np.exceptions.AxisError(ax, x.ndim) if hasattr(np, "exceptions") else np.AxisError(ax, x.ndim)
    return ax % nd


def _chunked_axis_error(name, x, ax):
    return ValueError(f"cact.dask.{name}: axis {ax} is split into {x.numblocks[ax]} chunks {x.chunks[ax]}; "
                      f"{name} needs the whole axis in each block: rechunk first, x.rechunk({{{ax}: -1}})")


def _slabs(shape, ax, limit=1 << 21):
    """Index tuples cutting a block into slabs of about `limit` elements
    along a dimension other than ax (whole rows of the axis in each), so that
    the float64 temporaries stay small whatever the chunk size."""
    size = int(np.prod(shape))
    dims = [d for d in range(len(shape)) if d != ax and shape[d] > 1]
    if size <= limit or not dims:
        return [(slice(None),) * len(shape)]
    d = dims[0]
    step = max(1, shape[d] * limit // size)
    return [tuple(slice(i, i + step) if k == d else slice(None) for k in range(len(shape)))
            for i in range(0, shape[d], step)]


class _Work:
    """Float64 (and extended) buffers of one slab's size, reused from slab
    to slab: the kernel runs in place in them, so a block costs no fresh
    memory (and no page faults) per slab."""

    def __init__(self):
        self.bufs = {}

    def get(self, shape, dtype):
        n = int(np.prod(shape))
        buf = self.bufs.get(np.dtype(dtype))
        if buf is None or buf.size < n:
            buf = self.bufs[np.dtype(dtype)] = np.empty(n, dtype)
        return buf[:n].reshape(shape)


def _kernel(name, block, ax, work):
    """cact's softmax/softmin/log_softmax of the block in float64 (float32
    data widened exactly), in a work buffer: its result and each row's
    largest result (softmax: 1/s; log_softmax: -log(s))."""
    w = work.get(block.shape, np.float64)
    if block.dtype == np.float64:
        getattr(cact, name)(block, axis=ax, out=w)
    else:
        np.copyto(w, block)
        getattr(cact, name)(w, axis=ax, out=w)
    return w, np.max(w, axis=ax, keepdims=True)


def _row_max(block, ax, name):
    """m: the row's max of x (softmin: of -x)."""
    if name == "softmin":
        return -np.min(block, axis=ax, keepdims=True)
    return np.max(block, axis=ax, keepdims=True)


def _soft_chunk(block, axis, keepdims, name, computing_meta=False):
    """Statistics of a block's rows along axis (a 1-tuple): m, u and k of
    _stats_dtype.  u comes from cact's kernel on the block: softmax's
    largest result is 1/s (u = 1/r - 1), log_softmax's is -log(s)
    (u = expm1(-l), which keeps u's digits when it is tiny)."""
    (ax,) = axis
    st = np.empty(block.shape[:ax] + (1,) + block.shape[ax + 1:], _stats_dtype(block.dtype))
    if computing_meta or block.size == 0:
        st["m"], st["u"], st["k"] = -np.inf, 0, 0
        return st
    e = _ext(block.dtype)
    lim = -np.inf if name == "softmin" else np.inf
    work = _Work()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for sl in _slabs(block.shape, ax):
            b = block[sl]
            ss = st[sl]
            ss["m"] = _row_max(b, ax, name)
            ss["k"] = 0
            if (ss["m"] == np.inf).any():                 # +inf entries: count them
                ss["k"] = np.count_nonzero(b == lim, axis=ax).reshape(ss.shape)
            top = _kernel(name, b, ax, work)[1].astype(e)
            ss["u"] = np.expm1(-top) if name == "log_softmax" else 1 / top - 1
    return st


def _exp_diff(a, b, e):
    """exp(a - b) in dtype e for float64 arrays a <= b: a - b as the exact pair
    hi + lo (TwoSum), exp(hi) (1 + lo).  0 where a = -inf; NaN where b is."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        hi = a - b                                        # TwoSum(a, -b) (Knuth)
        bp = hi - a
        lo = (a - (hi - bp)) + (-b - bp)
        lo = np.where(np.isfinite(lo), lo, 0.0)
        return np.exp(hi.astype(e)) * (1 + lo.astype(e))


def _soft_combine(st, axis, keepdims, computing_meta=False):
    """Merge the statistics of several chunks of the same rows exactly:
    M = max m_j; 1 + U = sum over j of (1 + u_j) exp(m_j - M), the terms of
    the chunks whose max is M added as (1 + u_j) without rounding an exp;
    K = sum of k_j.  Every term is >= 0: no cancellation."""
    (ax,) = axis
    out = np.empty(st.shape[:ax] + (1,) + st.shape[ax + 1:], st.dtype)
    if computing_meta or st.size == 0:
        out["m"], out["u"], out["k"] = -np.inf, 0, 0
        return out
    e = st["u"].dtype
    m = st["m"]
    with np.errstate(invalid="ignore"):
        M = np.max(m, axis=ax, keepdims=True)
        top = m == M
        E = _exp_diff(m, np.broadcast_to(M, m.shape), e)
        live = m > -np.inf                                  # all -inf chunks hold no mass
        rest = np.where(live & ~top, (1 + st["u"]) * E, 0).sum(axis=ax, keepdims=True)
        ntop = np.count_nonzero(top & live, axis=ax).reshape(M.shape)
        U = np.where(top & live, st["u"], 0).sum(axis=ax, keepdims=True) + rest + np.maximum(ntop - 1, 0)
    out["m"] = M
    out["u"] = np.where(np.isnan(M), np.nan, U)
    out["k"] = st["k"].sum(axis=ax, keepdims=True)
    return out


def _soft_final(block, st, axis, name):
    """The rows' results in a block from the rows' statistics st (M, U, K
    over the whole axis).

    softmax, softmin: y = cact's float64 result on the block (float32 data
    widened exactly) = e^(x - m) * r with m the block row's max and r = 1/s
    its largest entry (the kernel stores 1/s and multiplies; the max's e^0
    is 1), so y / r = e^(x - m) within 3 * 2^-53 relative (e^d within an
    ulp, the product's rounding).  The exact result is e^(x - M) / S = y * c
    with c = e^(m - M) / (r S), computed in the extended type (m - M as an
    exact TwoSum pair), and y * c is rounded once to x's dtype.  Error:
    float32 0.5 ulp (+ about 2^-27), float64 at most 3 ulp from y / r
    (a relative error e is at most e * 2^53 ulps) + 0.5: within the
    in-memory bounds, 2 and 4 ulp.  Rescaling cact's float32 result
    instead moves its ulps across binades (measured 2.7 ulp): float32 runs
    the float64 kernel.

    log_softmax: (x - M) - log1p(U), in float64: x - M is exact for float32
    data and within half an ulp of the result for float64 (|result| >=
    |x - M|), log1p(U) keeps a tiny log(S)'s digits (the largest entry's
    result when one entry dominates).

    Special values as the in-memory kernels: a NaN in the row gives a NaN
    row (M is NaN), a row of -inf a NaN row (M = -inf), a block of -inf in a
    finite row 0 (log_softmax: -inf), entries at +inf (softmin: -inf) 1/K
    each and 0 elsewhere (log_softmax: -log(K) and -inf)."""
    res = np.empty(block.shape, block.dtype)
    if block.size == 0:
        return res
    work = _Work()
    for sl in _slabs(block.shape, axis):
        _soft_final_slab(block[sl], st[sl], res[sl], axis, name, work)
    return res


def _soft_final_slab(block, st, res, ax, name, work):
    """res = the final values of block's rows (see _soft_final)."""
    M = st["m"]
    e = st["u"].dtype
    top = -np.inf if name == "softmin" else np.inf
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if name == "log_softmax":
            w = work.get(block.shape, np.float64)
            np.subtract(block, M.astype(np.float64), out=w)
            w -= np.log1p(st["u"]).astype(np.float64)
            np.copyto(res, w, casting="same_kind")
        else:
            w, r = _kernel(name, block, ax, work)
            m = _row_max(block, ax, name)
            c = _exp_diff(m, M, e) / (r.astype(e) * (1 + st["u"]))
            if e != np.float64:                            # the product in the extended type
                wl = work.get(block.shape, e)
                np.multiply(w, c, out=wl)
                np.copyto(res, wl, casting="unsafe")        # rounded once
            else:
                w *= c                                     # float32 data: rounded once, below
                np.copyto(res, w, casting="same_kind")
            # a block of -inf (softmin: +inf) in a row whose max is finite or +inf: exactly 0
            empty = (m == -np.inf) & (M > -np.inf)
            if empty.any():
                np.copyto(res, 0, where=np.broadcast_to(empty, res.shape))
        inf_rows = M == np.inf
        if inf_rows.any():                                 # entries at +inf: the limit
            K = st["k"].astype(np.float64)
            if name == "log_softmax":
                lim = np.where(block == top, 0.0 - np.log(K), -np.inf)     # K = 1: +0
            else:
                lim = np.where(block == top, 1 / K, 0)
            np.copyto(res, lim, where=np.broadcast_to(inf_rows, res.shape), casting="unsafe")


def _soft(name):
    fn = getattr(cact, name)

    def wrapper(x, axis=-1, *, out=None, split_every=None):
        _no_out(name, out)
        x = da.asarray(x)
        if x.dtype.kind in "biu":                      # bool and integers compute in float64, as in cact
            x = x.astype(np.float64)
        meta = fn(np.empty(_meta_shape(x), x.dtype), axis=axis)           # cact's checks: dtype, axis
        ax = _axis_of(x, axis)
        if x.ndim == 0 or x.numblocks[ax] == 1:
            return x.map_blocks(functools.partial(fn, axis=ax), dtype=meta.dtype, meta=meta,
                                name=f"cact-{name}")
        st = da.reduction(x, functools.partial(_soft_chunk, name=name), _soft_combine, axis=ax,
                          keepdims=True, dtype=_stats_dtype(x.dtype), combine=_soft_combine,
                          split_every=split_every, name=f"cact-{name}-stats",
                          meta=np.empty((0,) * x.ndim, _stats_dtype(x.dtype)))
        return da.map_blocks(functools.partial(_soft_final, axis=ax, name=name), x, st, dtype=meta.dtype,
                             meta=meta, name=f"cact-{name}")

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__signature__ = inspect.Signature([
        inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("axis", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=-1),
        inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("split_every", inspect.Parameter.KEYWORD_ONLY, default=None)])
    wrapper.__doc__ = (f"{name} of a dask array along axis.\n\nAlong an axis in one chunk: map_blocks with "
                       f"cact.{name}.  Across chunks: a tree reduction of the rows' (max, sum of exp, count of "
                       f"+inf), split_every chunks at a time, then one map; the result is within cact.{name}'s "
                       f"bound.  out= is not offered.  cact.{name}:\n\n" + (fn.__doc__ or ""))
    return wrapper


def maxout(x, pieces, axis=-1, *, out=None):
    """maxout of a dask array (cact.maxout block by block).  The axis must be
    in one chunk (ValueError naming the rechunk otherwise); out= is not
    offered."""
    _no_out("maxout", out)
    x = da.asarray(x)
    ax = _axis_of(x, axis)
    meta = cact.maxout(np.empty(_meta_shape(x, ax, x.shape[ax] if x.ndim else 1), x.dtype), pieces, axis=ax)
    if x.ndim and x.numblocks[ax] > 1:
        raise _chunked_axis_error("maxout", x, ax)
    p = operator.index(pieces)
    chunks = tuple(tuple(c // p for c in cs) if d == ax else cs for d, cs in enumerate(x.chunks))
    return x.map_blocks(functools.partial(cact.maxout, pieces=p, axis=ax), chunks=chunks, dtype=meta.dtype,
                        meta=np.empty((0,) * x.ndim, meta.dtype), name="cact-maxout")


def prelu(x, weight, axis=1, *, out=None):
    """prelu of a dask array (cact.prelu block by block, the weight sent with
    every task).  The channel axis must be in one chunk (ValueError naming
    the rechunk otherwise); out= is not offered."""
    _no_out("prelu", out)
    x = da.asarray(x)
    ax = operator.index(axis)
    if x.ndim < 2 and ax == 1:
        ax = 0
    ax = _axis_of(x, ax)
    w = weight if isinstance(weight, (int, float)) else np.asarray(weight)
    meta = cact.prelu(np.zeros(_meta_shape(x, ax, x.shape[ax] if x.ndim else 1), x.dtype), w, axis=ax)
    if x.ndim and x.numblocks[ax] > 1 and np.size(w) != 1:       # one slope for all: any chunks
        raise _chunked_axis_error("prelu", x, ax)
    return x.map_blocks(functools.partial(cact.prelu, weight=w, axis=ax), dtype=meta.dtype,
                        meta=np.empty((0,) * x.ndim, meta.dtype), name="cact-prelu")


def _build():
    out = {f.name: _elementwise(f.name) for f in ELEMENTWISE}
    for f in ALONG_AXIS:
        if f.kind == "rows":
            out[f.name] = _soft(f.name)
    return out


globals().update(_build())
del _build
