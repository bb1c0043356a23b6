"""The numpy formulations of the functions along an axis: what a numpy user
writes, the speed peer of `python -m cact` and benchmarks/bench_axis.py
(the catalogue's ``numpy=`` expressions name them)."""
import numpy as np


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def np_log_softmax(x, axis):
    d = x - x.max(axis=axis, keepdims=True)
    return d - np.log(np.exp(d).sum(axis=axis, keepdims=True))


def np_maxout(x, pieces, axis):
    a = axis % x.ndim
    return x.reshape(x.shape[:a] + (x.shape[a] // pieces, pieces) + x.shape[a + 1:]).max(axis=a + 1)
