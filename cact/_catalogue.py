"""The catalogue: one table that drives everything else.

Each entry names one public function and says, once:
  - its parameters (name, default, the check a value must pass),
  - the C kernels it calls (``cact_<kernel>_f32`` / ``_f64``),
  - its formula (the docstring's first line),
  - a numpy formulation (the speed peer in ``python -m cact`` and benchmarks),
  - its limits at -inf / +inf with default parameters,
  - the accuracy bound in ulps that the tests assert (float32, float64).

``tools/generate.py`` turns this table into the Cython wrappers
(``pyx/_elementwise.pyx``) and the cimportable declarations
(``cact/kernels.pxd``); the tests, ``python -m cact`` and the benchmarks
parametrize over it.  The mpmath references live in ``cact/_reference.py``
under the kernel's name.

This module is plain data: importing it imports nothing.
"""

INF = float("inf")
REQUIRED = object()  # a parameter without a default


class Param:
    __slots__ = ("name", "default", "check", "why", "doc", "example")

    def __init__(self, name, default, check=None, why=None, doc="", example=None):
        self.name = name
        self.default = default
        self.example = default if example is None else example  # value for tests and benchmarks
        self.check = check      # expression over the parameters (C doubles; isnan and
                                # isfinite from libc.math); true = valid
        self.why = why          # message when check fails
        self.doc = doc


class Func:
    __slots__ = ("name", "params", "kernels", "select", "formula", "notes",
                 "numpy", "limits", "ulp", "family")

    def __init__(self, name, formula, *, params=(), kernel=None, select=None,
                 notes="", numpy, limits=None, ulp=(0.501, 0.501), family="linear"):
        self.name = name
        self.params = tuple(params)
        # select: (param name, {value: kernel}) for functions with variants
        self.select = select
        self.kernels = tuple(select[1].values()) if select else (kernel or name,)
        self.formula = formula
        self.notes = notes
        self.numpy = numpy            # {kernel: expression in np, x and the parameters}
        self.limits = limits          # (f(-inf), f(+inf)) with default parameters
        self.ulp = ulp                # asserted max error: (float32, float64)
        self.family = family

    @property
    def float_params(self):
        return tuple(p for p in self.params if not (self.select and p.name == self.select[0]))



ELEMENTWISE = (
    Func("identity", "x", numpy={"identity": "x.copy()"}, limits=(-INF, INF), ulp=(0, 0)),
    Func("binary_step", "1 where x >= 0, else 0 (NaN stays NaN)",
         numpy={"binary_step": "np.where(x >= 0, 1, 0).astype(x.dtype)"}, limits=(0.0, 1.0), ulp=(0, 0)),
    Func("relu", "max(x, 0)", numpy={"relu": "np.maximum(x, 0)"}, limits=(0.0, INF), ulp=(0, 0)),
    Func("relu6", "min(max(x, 0), 6)", numpy={"relu6": "np.clip(x, 0, 6)"}, limits=(0.0, 6.0), ulp=(0, 0)),
    Func("leaky_relu", "x where x >= 0, else negative_slope * x",
         params=[Param("negative_slope", 0.01, "isfinite(negative_slope)", "must be finite")],
         numpy={"leaky_relu": "np.where(x >= 0, x, negative_slope * x)"},
         limits=(-INF, INF), ulp=(0.501, 0.501)),
    Func("hardtanh", "clip(x, min_val, max_val)",
         params=[Param("min_val", -1.0, "not isnan(min_val)", "must not be NaN"),
                 Param("max_val", 1.0, "not isnan(max_val) and min_val <= max_val",
                       "must not be NaN and must be >= min_val")],
         numpy={"hardtanh": "np.clip(x, min_val, max_val)"}, limits=(-1.0, 1.0), ulp=(0.501, 0.501)),
    Func("hard_sigmoid", "clip(alpha * x + beta, 0, 1)",
         params=[Param("alpha", 1.0 / 6.0, "isfinite(alpha)", "must be finite", "slope (ONNX and Keras 2 use 0.2)"),
                 Param("beta", 0.5, "isfinite(beta)", "must be finite", "offset")],
         numpy={"hard_sigmoid": "np.clip(alpha * x + beta, 0, 1)"}, limits=(0.0, 1.0), ulp=(0.501, 0.501)),
    Func("hard_swish", "x * relu6(x + 3) / 6",
         numpy={"hard_swish": "x * np.clip(x + 3, 0, 6) / 6"}, limits=(-0.0, INF), ulp=(0.501, 0.501)),
    Func("softshrink", "x - lambd where x > lambd, x + lambd where x < -lambd, else 0",
         params=[Param("lambd", 0.5, "lambd >= 0 and isfinite(lambd)", "must be finite and >= 0")],
         numpy={"softshrink": "np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0)).astype(x.dtype)"},
         limits=(-INF, INF), ulp=(0.501, 0.501)),
    Func("hardshrink", "x where |x| > lambd, else 0",
         params=[Param("lambd", 0.5, "lambd >= 0", "must be >= 0")],
         numpy={"hardshrink": "np.where(np.abs(x) > lambd, x, 0).astype(x.dtype)"},
         limits=(-INF, INF), ulp=(0, 0)),
    Func("threshold", "x where x > threshold, else value (NaN stays NaN)",
         params=[Param("threshold", REQUIRED, "not isnan(threshold)", "must not be NaN", example=0.5),
                 Param("value", REQUIRED, None, None, example=-2.0)],
         numpy={"threshold": "np.where(x > threshold, x, value).astype(x.dtype)"},
         limits=None, ulp=(0, 0)),
    Func("softsign", "x / (1 + |x|)", numpy={"softsign": "x / (1 + np.abs(x))"},
         limits=(-1.0, 1.0), ulp=(0.501, 0.501), family="rational"),
    Func("sigmoid", "1 / (1 + exp(-x))", numpy={"sigmoid": "1 / (1 + np.exp(-x))"},
         limits=(0.0, 1.0), ulp=(0.79, 0.8), family="sigmoid"),
    Func("log_sigmoid", "log(sigmoid(x)) = -softplus(-x)",
         numpy={"log_sigmoid": "-np.logaddexp(0, -x)"}, limits=(-INF, -0.0),
         ulp=(0.503, 0.8), family="sigmoid"),
    Func("swish", "x * sigmoid(beta * x)",
         params=[Param("beta", 1.0, "isfinite(beta)", "must be finite")],
         numpy={"swish": "x / (1 + np.exp(-beta * x))"}, limits=(-0.0, INF),
         ulp=(0.81, 0.8), family="sigmoid"),
    Func("silu", "x * sigmoid(x) (swish with beta = 1)",
         numpy={"silu": "x / (1 + np.exp(-x))"}, limits=(-0.0, INF), ulp=(0.81, 0.8), family="sigmoid"),
    Func("softplus", "log(1 + exp(beta * x)) / beta; x itself where beta * x > threshold",
         params=[Param("beta", 1.0, "beta > 0 and isfinite(beta)", "must be finite and > 0"),
                 Param("threshold", 20.0, "not isnan(threshold)",
                       "must not be NaN (use math.inf for the smooth function everywhere)")],
         notes=("As in PyTorch, the result is x itself where beta * x > threshold; with the default "
                "threshold=20 that departs from the smooth function by up to log1p(e**-20) ~ 2e-9 "
                "(below float32's half-ulp, about 2**22 float64 ulps).  threshold=math.inf gives the "
                "smooth function to full precision everywhere."),
         numpy={"softplus": "np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta).astype(x.dtype)"},
         limits=(0.0, INF), ulp=(0.503, 0.8), family="sigmoid"),
    Func("mish", "x * tanh(softplus(x))",
         numpy={"mish": "x * np.tanh(np.logaddexp(0, x))"}, limits=(-0.0, INF),
         ulp=(0.502, 0.8), family="sigmoid"),
    Func("tanh", "hyperbolic tangent", numpy={"tanh": "np.tanh(x)"}, limits=(-1.0, 1.0),
         ulp=(0.81, 0.6), family="tanh"),
    Func("tanhshrink", "x - tanh(x)", numpy={"tanhshrink": "x - np.tanh(x)"},
         limits=(-INF, INF), ulp=(0.504, 0.8), family="tanh"),
    Func("elu", "x where x > 0, else alpha * (exp(x) - 1)",
         params=[Param("alpha", 1.0, "isfinite(alpha)", "must be finite")],
         numpy={"elu": "np.where(x > 0, x, alpha * np.expm1(x)).astype(x.dtype)"},
         limits=(-1.0, INF), ulp=(0.505, 0.8), family="exp"),
    Func("celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
         params=[Param("alpha", 1.0, "alpha > 0 and isfinite(alpha)", "must be finite and > 0")],
         numpy={"celu": "np.where(x > 0, x, alpha * np.expm1(x / alpha)).astype(x.dtype)"},
         limits=(-1.0, INF), ulp=(0.505, 0.8), family="exp"),
    Func("selu", "scale * elu(x, alpha), alpha = 1.6732632..., scale = 1.0507009...",
         numpy={"selu": "np.where(x > 0, 1.0507009873554805 * x, 1.7580993408473768 * np.expm1(x)).astype(x.dtype)"},
         limits=(-1.7580993408473768, INF), ulp=(0.505, 0.8), family="exp"),
    Func("gelu", "x * Phi(x) = x * erfc(-x / sqrt(2)) / 2; approximate='tanh': "
                 "x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3))) / 2",
         params=[Param("approximate", "none", None, None, "'none' (erf form) or 'tanh'")],
         select=("approximate", {"none": "gelu", "tanh": "gelu_tanh"}),
         numpy={"gelu": "x * (1 + _erf(x / np.sqrt(2))) / 2",
                "gelu_tanh": "x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3))) / 2"},
         limits=(-0.0, INF), ulp=(0.502, 0.8), family="gelu"),
)

def call_args(kernel, params=None):
    """(public function, keyword arguments) that run `kernel`: the variant
    selector (gelu's approximate=) plus the float parameters (the defaults,
    or the examples where a parameter is required, unless given)."""
    f = KERNEL_FUNC[kernel]
    kw = dict(params) if params is not None else {p.name: p.example for p in f.float_params}
    if f.select:
        kw[f.select[0]] = next(v for v, k in f.select[1].items() if k == kernel)
    return f.name, kw


# Kernels along an axis (include/cact/axis.h; Python wrappers in pyx/_axis.pyx).
# Each row: (kernel, name of the middle dimension, C parameters after
# (const T *x, T *y, size_t outer, size_t <dim>, size_t inner) with {T} the
# element type, max error in ulps asserted by tests/test_axis.py (float32, float64)).
AXIS = (
    ("softmax", "len", "", (2, 4)),
    ("log_softmax", "len", "", (2, 4)),
    ("softmin", "len", "", (2, 4)),
    ("maxout", "len", ", size_t pieces", (0, 0)),
    ("prelu", "channels", ", const {T} *w", (0.5, 0.5)),
)

BY_NAME = {f.name: f for f in ELEMENTWISE}
KERNELS = tuple(k for f in ELEMENTWISE for k in f.kernels)
KERNEL_FUNC = {k: f for f in ELEMENTWISE for k in f.kernels}
DTYPES = ("float32", "float64")
