# cython: language_level=3, boundscheck=False, wraparound=False
"""A downstream Cython module: cimports cact's C API from the installed
package (cact/kernels.pxd) and runs kernels with the GIL released, in a
nogil block and in a prange loop (OpenMP when the build has it).  Built by
tests/test_embedding.py."""
from cython.parallel cimport prange, threadid
from cact.kernels cimport cact_gelu_f32, cact_sigmoid_f64, cact_isa_level


def gelu_inplace(float[::1] x):
    """cact_gelu_f32 in place, in a nogil block."""
    with nogil:
        cact_gelu_f32(&x[0] if x.shape[0] else NULL, &x[0] if x.shape[0] else NULL, x.shape[0])


def sigmoid_rows(double[:, ::1] x, double[:, ::1] out, int[::1] tid):
    """cact_sigmoid_f64 row by row in a prange loop; tid[i] gets the id of
    the thread that did row i."""
    cdef Py_ssize_t i, rows = x.shape[0], n = x.shape[1]
    for i in prange(rows, nogil=True, schedule="static"):
        cact_sigmoid_f64(&x[i, 0], &out[i, 0], n)
        tid[i] = threadid()


def isa_level():
    return cact_isa_level()
