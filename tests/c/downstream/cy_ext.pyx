# cython: language_level=3, boundscheck=False, wraparound=False
"""A downstream Cython module: cimports cact's C API from the installed
package (cact/kernels.pxd) and runs kernels with the GIL released, in nogil
blocks and in a prange loop (OpenMP when the build has it).  Built by
tests/test_embedding.py."""
from cython.parallel cimport prange, threadid
from cact.kernels cimport cact_gelu_f32, cact_softmax_f64, cact_isa_level


def gelu_inplace(float[::1] x):
    """cact_gelu_f32 in place, in a nogil block."""
    cdef float *p = &x[0] if x.shape[0] else NULL
    with nogil:
        cact_gelu_f32(p, p, x.shape[0])


def softmax_middle(double[:, :, ::1] x, double[:, :, ::1] out):
    """cact_softmax_f64 along axis 1 of a 3-d array, in a nogil block."""
    if x.shape[0] * x.shape[1] * x.shape[2] == 0:
        return
    with nogil:
        cact_softmax_f64(&x[0, 0, 0], &out[0, 0, 0], x.shape[0], x.shape[1], x.shape[2])


def softmax_rows(double[:, ::1] x, double[:, ::1] out, int[::1] tid):
    """cact_softmax_f64 row by row in a prange loop; tid[i] gets the id of
    the thread that did row i."""
    cdef Py_ssize_t i, rows = x.shape[0], n = x.shape[1]
    for i in prange(rows, nogil=True, schedule="static"):
        cact_softmax_f64(&x[i, 0], &out[i, 0], 1, n, 1)
        tid[i] = threadid()


def isa_level():
    return cact_isa_level()
