/* A downstream CPython extension (no numpy, no Cython) that includes
 * <cact/cact.h> and applies cact_gelu_f32 (and a few others) in place to any
 * writable, C-contiguous float32 buffer.  Built by tests/test_embedding.py
 * with the include path from cact.get_include() and setuptools' default
 * flags, and by tests/c/bench_downstream.py with other flags. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <cact/cact.h>

/* f(buf): cact_<name>_f32 in place on a writable C-contiguous float32 buffer */
#define CACT_DOWNSTREAM_INPLACE(name)                                                        \
  static PyObject *name##_f32(PyObject *self, PyObject *arg)                                 \
  {                                                                                          \
    Py_buffer b;                                                                             \
    (void)self;                                                                              \
    if (PyObject_GetBuffer(arg, &b, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) \
      return NULL;                                                                           \
    if (b.itemsize != 4 || !b.format || strcmp(b.format, "f") != 0) {                        \
      PyBuffer_Release(&b);                                                                  \
      PyErr_SetString(PyExc_TypeError, #name "_f32: need a float32 buffer");                 \
      return NULL;                                                                           \
    }                                                                                        \
    Py_BEGIN_ALLOW_THREADS cact_##name##_f32((const float *)b.buf, (float *)b.buf,           \
                                             (size_t)(b.len / 4));                           \
    Py_END_ALLOW_THREADS PyBuffer_Release(&b);                                               \
    Py_RETURN_NONE;                                                                          \
  }

CACT_DOWNSTREAM_INPLACE(gelu)
CACT_DOWNSTREAM_INPLACE(relu)
CACT_DOWNSTREAM_INPLACE(hard_swish)
CACT_DOWNSTREAM_INPLACE(sigmoid)

static PyMethodDef methods[] = {
    {"gelu_f32", gelu_f32, METH_O, "gelu_f32(buf): cact_gelu_f32 in place"},
    {"relu_f32", relu_f32, METH_O, "relu_f32(buf): cact_relu_f32 in place"},
    {"hard_swish_f32", hard_swish_f32, METH_O, "hard_swish_f32(buf): cact_hard_swish_f32 in place"},
    {"sigmoid_f32", sigmoid_f32, METH_O, "sigmoid_f32(buf): cact_sigmoid_f32 in place"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "cact_downstream_c", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_cact_downstream_c(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m && (PyModule_AddStringConstant(m, "CACT_VERSION", CACT_VERSION_STRING) < 0 ||
              PyModule_AddStringConstant(m, "ISA", cact_isa_name(cact_isa_level())) < 0)) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
