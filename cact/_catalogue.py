"""The catalogue: one table that drives everything else.

Adding an activation
--------------------
1. A row here: ``Func(...)`` in ELEMENTWISE (or ``AxisFunc(...)`` in
   ALONG_AXIS), with its parameters, limits, asserted ulp bounds, mpmath
   reference expression, numpy formulation and peers.  Elementwise rows go
   in the order of the C kernels (functions.inc follows it).
2. Its C element function in include/cact/ (the kernel family's header),
   named as the row's kernel; and, for the exhaustive checker, a long-double
   reference ``r_<name>`` in tools/exhaustive/check.c (named by the row's
   ``exhaustive=``).
3. ``python tools/generate.py`` (setup.py runs it): it writes the Cython
   wrappers, the .pxd and .pyi, include/cact/functions.inc, the checker's
   kernel list and the docs tables.  Nothing else lists kernels by hand.

What a row holds
----------------
Each elementwise ``Func`` names one public function and says, once:
  - its formula (the docstring's first line) and notes,
  - its parameters (``Param``: name, default, the check a value must pass
    and the message when it fails, doc, an example value for tests),
  - the C kernels it calls (``cact_<kernel>_f32`` / ``_f64``) and, for a
    function with variants, the selector (gelu's ``approximate=``),
  - ``split32``: its float32 kernel has two loops chosen per call from the
    parameters (SPLIT32 in functions.inc),
  - ``grain``: how a large call is split over threads, per dtype
    (float32, float64): COMPUTE or MEMORY (see GRAIN below),
  - ``ulp``: the max error in ulps the tests assert (float32, float64),
  - ``limits``: f(-inf), f(+inf) with the default parameters,
  - ``mpmath``: the exact function, an expression in x, the float
    parameters, ``mp`` and the helpers of cact/_reference.py,
  - ``numpy``: the natural numpy formulation (the speed peer),
  - ``scipy`` / ``torch`` / ``ort``: what the benchmark runs as peers,
  - ``exhaustive``: the long-double references tools/exhaustive/check.c
    compares with (``Check``), and extra parameter sets it also sweeps,
  - ``fast``: the fast accuracy tier (``Fast``): whether the kernel has a
    fast form ``cact_fast_<kernel>_f32`` / ``_f64`` (element function
    ``fast_<kernel>``, cact.fast.<name>) and that tier's asserted bound.
    A function none of whose kernels has one is re-exported unchanged by
    cact.fast; a kernel without one has no fast C kernel.
Fields that differ per kernel (gelu has two) are dicts {kernel: value};
for a one-kernel function the value alone will do.

``AxisFunc`` rows (softmax, log_softmax, softmin, maxout, prelu) say the
same for the functions along an axis; their wrappers follow one of three
shapes (``kind``): "rows" (softmax family), "pieces" (maxout), "weight"
(prelu).

This module is plain data: importing it imports nothing.
"""

INF = float("inf")
REQUIRED = object()  # a parameter without a default

# How a large call is split over threads (cact._parallel.parallel_for uses a
# second thread from 2 * grain elements on, a third from 3 * grain, ...).
COMPUTE = "compute"   # >= ~0.15 ns per element on one core: a second thread pays
                      # from about 5 us of work per thread
MEMORY = "memory"     # bandwidth-bound (~0.05-0.1 ns per element): splitting pays
                      # only once the data comes from DRAM, not from the caches
GRAIN = {COMPUTE: ("elements", 1 << 14),
         MEMORY: ("bytes", 8 << 20)}


def grain_elements(cls, itemsize):
    """Elements per thread chunk for a grain class and element size."""
    unit, value = GRAIN[cls]
    return value if unit == "elements" else value // itemsize


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


class Onnx:
    """A one-node ONNX model: op, opset, attributes and extra constant
    inputs as Python source over the float parameters, the op's domain."""
    __slots__ = ("op", "opset", "attrs", "inputs", "domain")

    def __init__(self, op, opset, attrs="", inputs="", domain=""):
        self.op, self.opset, self.attrs, self.inputs, self.domain = op, opset, attrs, inputs, domain


class Check:
    """A kernel in tools/exhaustive/check.c: the long-double reference
    function (float64 inputs), optionally a cheaper one good enough for
    float32 inputs; for an extra parameter set, the C arguments and the
    limits at -inf / +inf with them."""
    __slots__ = ("ref", "ref32", "args", "limits")

    def __init__(self, ref, ref32=None, args=None, limits=None):
        self.ref, self.ref32, self.args, self.limits = ref, ref32, args, limits


class Fast:
    """A kernel's fast form: cact_fast_<kernel>_f32 / _f64 and cact.fast.

    ulp   the max error in ulps the tests and the checker assert (float32,
          float64); float32 where the exact result is normal.  Where it is
          subnormal (below 2^-126) a fast float32 result may be that value,
          0 of its sign, or anything within 2^-126 absolute.  Special values
          are the accurate tier's, bit for bit.
    f64   "accurate": the float64 fast kernel runs the accurate element
          function (same bits as cact_<kernel>_f64); "fast": its own
    """
    __slots__ = ("ulp", "f64")

    def __init__(self, ulp=(4, 4), f64="accurate"):
        assert f64 in ("accurate", "fast"), f64
        self.ulp, self.f64 = ulp, f64


# subnormal float32 results of the fast tier: within this much, absolute
FAST_SUBNORMAL_ABS = 2.0 ** -126


def _per_kernel(value, kernels, what):
    if isinstance(value, dict):
        assert set(value) <= set(kernels), f"{what} names kernels {set(value) - set(kernels)}"
        return dict(value)
    if value is None:
        return {}
    assert len(kernels) == 1, f"{what}: give a dict {{kernel: value}} for {kernels}"
    return {kernels[0]: value}


class Func:
    __slots__ = ("name", "params", "kernels", "select", "formula", "notes", "split32", "grain",
                 "numpy", "scipy", "torch", "ort", "peers_at_defaults", "mpmath", "limits", "ulp",
                 "family", "exhaustive", "exhaustive_extra", "fast")

    def __init__(self, name, formula, *, params=(), kernel=None, select=None, notes="",
                 split32=False, grain=(COMPUTE, COMPUTE), ulp=(0.501, 0.501), limits=None,
                 mpmath, numpy, scipy=None, torch=None, ort=None, peers_at_defaults=(),
                 exhaustive, exhaustive_extra=None, family="linear", fast=None):
        self.name = name
        self.params = tuple(params)
        # select: (param name, {value: kernel}) for functions with variants
        self.select = select
        self.kernels = tuple(select[1].values()) if select else (kernel or name,)
        self.formula = formula
        self.notes = notes
        self.split32 = split32        # float32: two loops chosen per call (functions.inc SPLIT32)
        self.grain = grain            # thread grain class: (float32, float64)
        self.ulp = ulp                # asserted max error: (float32, float64)
        self.limits = limits          # (f(-inf), f(+inf)) with default parameters
        self.mpmath = _per_kernel(mpmath, self.kernels, f"{name}.mpmath")    # {kernel: expression}
        self.numpy = _per_kernel(numpy, self.kernels, f"{name}.numpy")       # {kernel: expression}
        self.scipy = _per_kernel(scipy, self.kernels, f"{name}.scipy")       # {kernel: statement}
        self.torch = _per_kernel(torch, self.kernels, f"{name}.torch")       # {kernel: (out of place, in place)}
        self.ort = _per_kernel(ort, self.kernels, f"{name}.ort")             # {kernel: Onnx}
        # peers whose formula is the default parameters': run only with them
        self.peers_at_defaults = tuple(peers_at_defaults)
        self.exhaustive = _per_kernel(exhaustive, self.kernels, f"{name}.exhaustive")  # {kernel: Check}
        self.exhaustive_extra = dict(exhaustive_extra or {})   # {checker entry name: Check with args}
        self.family = family
        self.fast = _per_kernel(fast, self.kernels, f"{name}.fast")          # {kernel: Fast}
        assert set(self.mpmath) == set(self.numpy) == set(self.exhaustive) == set(self.kernels), name

    @property
    def fast_kernels(self):
        """The kernels with a fast form, in self.kernels' order."""
        return tuple(k for k in self.kernels if k in self.fast)

    @property
    def float_params(self):
        return tuple(p for p in self.params if not (self.select and p.name == self.select[0]))


# torch: ``nn`` is torch._C._nn (the functional ops' out= overloads), ``F``
# torch.nn.functional; xt / yt the input and output tensors.  scipy: ``sp``
# is scipy.special, x / y the input and output arrays.  Expressions may name
# the float parameters.
ELEMENTWISE = (
    Func("identity", "x", ulp=(0, 0), limits=(-INF, INF), grain=(MEMORY, MEMORY),
         mpmath="x",
         numpy="x.copy()", torch=("yt.copy_(xt)", None), ort=Onnx("Identity", 14),
         exhaustive=Check("r_identity")),
    Func("binary_step", "1 where x >= 0, else 0 (NaN stays NaN)",
         ulp=(0, 0), limits=(0.0, 1.0), grain=(MEMORY, MEMORY),
         mpmath="mp.mpf(1) if x >= 0 else mp.mpf(0)",
         numpy="np.where(x >= 0, 1, 0).astype(x.dtype)",
         torch=("torch.heaviside(xt, one, out=yt)", "xt.heaviside_(one)"),
         exhaustive=Check("r_binary_step")),
    Func("relu", "max(x, 0)", ulp=(0, 0), limits=(0.0, INF), grain=(MEMORY, MEMORY),
         mpmath="x if x > 0 else mp.mpf(0)",
         numpy="np.maximum(x, 0)", torch=("torch.relu(xt)", "torch.relu_(xt)"), ort=Onnx("Relu", 14),
         exhaustive=Check("r_relu")),
    Func("squared_relu", "max(x, 0)**2 (Primer's squared ReLU)", limits=(0.0, INF), grain=(MEMORY, MEMORY),
         mpmath="x * x if x > 0 else mp.mpf(0)",
         numpy="np.square(np.maximum(x, 0))", torch=("torch.square(torch.relu(xt))", None),
         exhaustive=Check("r_squared_relu")),
    Func("relu6", "min(max(x, 0), 6)", ulp=(0, 0), limits=(0.0, 6.0), grain=(MEMORY, MEMORY),
         mpmath="clip(x, 0, 6)",
         numpy="np.clip(x, 0, 6)",
         torch=("nn.hardtanh(xt, 0.0, 6.0, out=yt)", "F.relu6(xt, inplace=True)"),
         ort=Onnx("Clip", 13, inputs="0.0, 6.0"),
         exhaustive=Check("r_relu6")),
    Func("leaky_relu", "x where x >= 0, else negative_slope * x",
         params=[Param("negative_slope", 0.01, "isfinite(negative_slope)", "must be finite")],
         limits=(-INF, INF), grain=(COMPUTE, MEMORY),
         mpmath="x if x >= 0 else mp.mpf(negative_slope) * x",
         numpy="np.where(x >= 0, x, negative_slope * x)",
         torch=("nn.leaky_relu(xt, negative_slope, out=yt)", "F.leaky_relu(xt, negative_slope, inplace=True)"),
         ort=Onnx("LeakyRelu", 16, attrs="alpha=negative_slope"),
         exhaustive=Check("r_leaky_relu")),
    Func("hardtanh", "clip(x, min_val, max_val)",
         params=[Param("min_val", -1.0, "not isnan(min_val)", "must not be NaN"),
                 Param("max_val", 1.0, "not isnan(max_val) and min_val <= max_val",
                       "must not be NaN and must be >= min_val")],
         limits=(-1.0, 1.0), grain=(COMPUTE, MEMORY),
         mpmath="clip(x, mp.mpf(min_val), mp.mpf(max_val))",
         numpy="np.clip(x, min_val, max_val)",
         torch=("nn.hardtanh(xt, min_val, max_val, out=yt)", "F.hardtanh(xt, min_val, max_val, inplace=True)"),
         ort=Onnx("Clip", 13, inputs="min_val, max_val"),
         exhaustive=Check("r_hardtanh")),
    Func("hard_sigmoid", "clip(alpha * x + beta, 0, 1); the defaults give x/6 + 1/2 exactly",
         params=[Param("alpha", 1.0 / 6.0, "isfinite(alpha)", "must be finite", "slope (ONNX and Keras 2 use 0.2)"),
                 Param("beta", 0.5, "isfinite(beta)", "must be finite", "offset")],
         limits=(0.0, 1.0),
         mpmath=("clip((x + 3) / 6, 0, 1) if (alpha, beta) == (1 / 6, 0.5) "
                 "else clip(mp.mpf(alpha) * x + mp.mpf(beta), 0, 1)"),
         notes=("alpha=1/6, beta=0.5 (the defaults) compute x/6 + 1/2 exactly, as PyTorch's hardsigmoid "
                "defines it: 0 at x = -3, 1 at x = 3, correctly rounded between.  Any other pair computes "
                "alpha * x + beta with alpha and beta as given, rounded once."),
         numpy="np.clip(alpha * x + beta, 0, 1)",
         torch=("nn.hardsigmoid(xt, out=yt)", "F.hardsigmoid(xt, inplace=True)"),
         ort=Onnx("HardSigmoid", 6, attrs="alpha=alpha, beta=beta"),
         peers_at_defaults=("torch",),
         exhaustive=Check("r_hard_sigmoid")),
    Func("hard_swish", "x * relu6(x + 3) / 6", limits=(-0.0, INF),
         mpmath="x * clip((x + 3) / 6, 0, 1)",
         numpy="x * np.clip(x + 3, 0, 6) / 6",
         torch=("nn.hardswish(xt, out=yt)", "F.hardswish(xt, inplace=True)"), ort=Onnx("HardSwish", 14),
         exhaustive=Check("r_hard_swish")),
    Func("softshrink", "x - lambd where x > lambd, x + lambd where x < -lambd, else 0",
         params=[Param("lambd", 0.5, "lambd >= 0 and isfinite(lambd)", "must be finite and >= 0")],
         limits=(-INF, INF), grain=(COMPUTE, MEMORY),
         mpmath="x - lambd if x > lambd else x + lambd if x < -lambd else mp.mpf(0)",
         numpy="np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0)).astype(x.dtype)",
         torch=("nn.softshrink(xt, lambd, out=yt)", None),
         ort=Onnx("Shrink", 9, attrs="bias=lambd, lambd=lambd"),
         exhaustive=Check("r_softshrink")),
    Func("hardshrink", "x where |x| > lambd, else 0",
         params=[Param("lambd", 0.5, "lambd >= 0", "must be >= 0")],
         ulp=(0, 0), limits=(-INF, INF), grain=(MEMORY, MEMORY),
         mpmath="x if abs(x) > lambd else mp.mpf(0)",
         numpy="np.where(np.abs(x) > lambd, x, 0).astype(x.dtype)",
         torch=("torch.hardshrink(xt, lambd, out=yt)", None),
         ort=Onnx("Shrink", 9, attrs="bias=0.0, lambd=lambd"),
         exhaustive=Check("r_hardshrink")),
    Func("threshold", "x where x > threshold, else value (NaN stays NaN)",
         params=[Param("threshold", REQUIRED, "not isnan(threshold)", "must not be NaN", example=0.5),
                 Param("value", REQUIRED, None, None, example=-2.0)],
         ulp=(0, 0), limits=None, grain=(MEMORY, MEMORY),
         mpmath="x if x > threshold else mp.mpf(value)",
         numpy="np.where(x > threshold, x, value).astype(x.dtype)",
         torch=("torch.threshold(xt, threshold, value, out=yt)", "F.threshold(xt, threshold, value, inplace=True)"),
         exhaustive=Check("r_threshold", limits=(-2.0, INF))),
    Func("softsign", "x / (1 + |x|)", limits=(-1.0, 1.0), family="rational",
         mpmath="x / (1 + abs(x))",
         numpy="x / (1 + np.abs(x))", torch=("F.softsign(xt)", None), ort=Onnx("Softsign", 1),
         exhaustive=Check("r_softsign")),
    Func("sigmoid", "1 / (1 + exp(-x))", ulp=(0.79, 0.8), limits=(0.0, 1.0), family="sigmoid",
         mpmath="sigmoid(x)",
         numpy="1 / (1 + np.exp(-x))", scipy="sp.expit(x, out=y)",
         torch=("torch.sigmoid(xt, out=yt)", "torch.sigmoid_(xt)"), ort=Onnx("Sigmoid", 13),
         exhaustive=Check("r_sigmoid", "d_sigmoid"), fast=Fast(f64="fast")),
    Func("log_sigmoid", "log(sigmoid(x)) = -softplus(-x)", ulp=(0.503, 0.8), limits=(-INF, -0.0),
         family="sigmoid",
         mpmath="-softplus(-x)",
         numpy="-np.logaddexp(0, -x)", scipy="sp.log_expit(x, out=y)",
         torch=("nn.log_sigmoid(xt, out=yt)", None),
         exhaustive=Check("r_log_sigmoid", "d_log_sigmoid")),
    Func("swish", "x * sigmoid(beta * x)",
         params=[Param("beta", 1.0, "isfinite(beta)", "must be finite")],
         split32=True, ulp=(0.81, 0.8), limits=(-0.0, INF), family="sigmoid",
         mpmath="x * sigmoid(mp.mpf(beta) * x)",
         numpy="x / (1 + np.exp(-beta * x))", scipy="np.multiply(x, sp.expit(beta * x), out=y)",
         torch=("nn.silu(xt, out=yt)", "F.silu(xt, inplace=True)"),
         ort=Onnx("QuickGelu", 1, attrs="alpha=beta", domain="com.microsoft"),   # x * sigmoid(alpha x)
         peers_at_defaults=("torch",),
         # beta = 1 gives silu's bits; |beta| >= 1 runs the float-lane loop,
         # here with a nonzero low part of beta x
         exhaustive=Check("r_silu", "d_silu"),
         exhaustive_extra={"swish_b1702": Check("r_swish_b1702", args=(1.702,), limits=(-0.0, INF)),
                           "swish_bm125": Check("r_swish_bm125", args=(-1.25,), limits=(-INF, 0.0))},
         fast=Fast()),
    Func("silu", "x * sigmoid(x) (swish with beta = 1)", ulp=(0.81, 0.8), limits=(-0.0, INF),
         family="sigmoid",
         mpmath="x * sigmoid(x)",
         numpy="x / (1 + np.exp(-x))", scipy="np.multiply(x, sp.expit(x), out=y)",
         torch=("nn.silu(xt, out=yt)", "F.silu(xt, inplace=True)"),
         ort=Onnx("QuickGelu", 1, attrs="alpha=1.0", domain="com.microsoft"),
         exhaustive=Check("r_silu", "d_silu"), fast=Fast(f64="fast")),
    Func("softplus", "log(1 + exp(beta * x)) / beta; x itself where beta * x > threshold",
         params=[Param("beta", 1.0, "beta > 0 and isfinite(beta)", "must be finite and > 0"),
                 Param("threshold", 20.0, "not isnan(threshold)",
                       "must not be NaN (use math.inf for the smooth function everywhere)")],
         notes=("As in PyTorch, the result is x itself where beta * x > threshold; with the default "
                "threshold=20 that departs from the smooth function by up to log1p(e**-20) ~ 2e-9 "
                "(below float32's half-ulp, about 2**22 float64 ulps).  threshold=math.inf gives the "
                "smooth function to full precision everywhere."),
         split32=True, ulp=(0.503, 0.8), limits=(0.0, INF), family="sigmoid",
         mpmath="x if mp.mpf(beta) * x > threshold else softplus(mp.mpf(beta) * x) / mp.mpf(beta)",
         numpy="np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta).astype(x.dtype)",
         # scipy's softplus and ONNX's are the smooth function with beta = 1;
         # cact's default switches to x above 20, below float32's half ulp
         scipy="sp.softplus(x, out=y)",
         torch=("nn.softplus(xt, beta, threshold, out=yt)", None), ort=Onnx("Softplus", 1),
         peers_at_defaults=("scipy", "ort"),
         exhaustive=Check("r_softplus", "d_softplus")),
    Func("mish", "x * tanh(softplus(x))", ulp=(0.502, 0.8), limits=(-0.0, INF), family="sigmoid",
         mpmath="x * mp.tanh(softplus(x))",
         numpy="x * np.tanh(np.logaddexp(0, x))",
         torch=("nn.mish(xt, out=yt)", "F.mish(xt, inplace=True)"), ort=Onnx("Mish", 18),
         exhaustive=Check("r_mish", "d_mish")),
    Func("tanh", "hyperbolic tangent", ulp=(0.81, 0.6), limits=(-1.0, 1.0), family="tanh",
         mpmath="mp.tanh(x)",
         numpy="np.tanh(x)", torch=("torch.tanh(xt, out=yt)", "torch.tanh_(xt)"), ort=Onnx("Tanh", 13),
         exhaustive=Check("r_tanh", "d_tanh"), fast=Fast()),
    Func("tanhshrink", "x - tanh(x)", ulp=(0.504, 0.8), limits=(-INF, INF), family="tanh",
         mpmath="x - mp.tanh(x)",
         numpy="x - np.tanh(x)", torch=("F.tanhshrink(xt)", None),
         exhaustive=Check("r_tanhshrink"), fast=Fast()),
    Func("elu", "x where x > 0, else alpha * (exp(x) - 1)",
         params=[Param("alpha", 1.0, "isfinite(alpha)", "must be finite")],
         ulp=(0.505, 0.8), limits=(-1.0, INF), family="exp",
         mpmath="x if x > 0 else mp.mpf(alpha) * mp.expm1(x)",
         numpy="np.where(x > 0, x, alpha * np.expm1(x)).astype(x.dtype)",
         torch=("nn.elu(xt, alpha, 1, 1, out=yt)", "F.elu(xt, alpha, inplace=True)"),
         ort=Onnx("Elu", 6, attrs="alpha=alpha"),
         exhaustive=Check("r_elu", "d_elu")),
    Func("celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
         params=[Param("alpha", 1.0, "alpha > 0 and isfinite(alpha)", "must be finite and > 0")],
         split32=True, ulp=(0.505, 0.8), limits=(-1.0, INF), family="exp",
         mpmath="x if x > 0 else mp.mpf(alpha) * mp.expm1(x / mp.mpf(alpha))",
         numpy="np.where(x > 0, x, alpha * np.expm1(x / alpha)).astype(x.dtype)",
         torch=("F.celu(xt, alpha)", "F.celu(xt, alpha, inplace=True)"),
         ort=Onnx("Celu", 12, attrs="alpha=alpha"),
         exhaustive=Check("r_elu", "d_elu")),          # alpha = 1: elu
    Func("selu", "scale * elu(x, alpha), alpha = 1.6732632..., scale = 1.0507009...",
         ulp=(0.505, 0.8), limits=(-1.7580993408473768, INF), family="exp",
         mpmath="mp.mpf(SELU_SCALE) * (x if x > 0 else mp.mpf(SELU_ALPHA) * mp.expm1(x))",
         numpy="np.where(x > 0, 1.0507009873554805 * x, 1.7580993408473768 * np.expm1(x)).astype(x.dtype)",
         torch=("F.selu(xt)", "F.selu(xt, inplace=True)"), ort=Onnx("Selu", 6),
         exhaustive=Check("r_selu", "d_selu")),
    Func("gelu", "x * Phi(x) = x * erfc(-x / sqrt(2)) / 2; approximate='tanh': "
                 "x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3))) / 2",
         params=[Param("approximate", "none", None, None, "'none' (erf form) or 'tanh'")],
         select=("approximate", {"none": "gelu", "tanh": "gelu_tanh"}),
         ulp=(0.502, 0.8), limits=(-0.0, INF), family="gelu",
         mpmath={"gelu": "x * erfc(-x / mp.sqrt(2)) / 2",
                 # x (1 + tanh u) / 2 == x sigmoid(2u): the same function, no cancellation
                 "gelu_tanh": "x * sigmoid(2 * mp.sqrt(2 / mp.pi) * (x + mp.mpf('0.044715') * x ** 3))"},
         numpy={"gelu": "x * (1 + _erf(x / np.sqrt(2))) / 2",
                "gelu_tanh": "x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3))) / 2"},
         scipy={"gelu": "np.multiply(x, sp.ndtr(x), out=y)"},
         torch={"gelu": ("nn.gelu(xt, out=yt)", "nn.gelu_(xt)"),
                "gelu_tanh": ("nn.gelu(xt, approximate='tanh', out=yt)", "nn.gelu_(xt, approximate='tanh')")},
         ort={"gelu": Onnx("Gelu", 20, attrs="approximate='none'"),
              "gelu_tanh": Onnx("Gelu", 20, attrs="approximate='tanh'")},
         exhaustive={"gelu": Check("r_gelu", "r_gelu32"), "gelu_tanh": Check("r_gelu_tanh", "r_gelu_tanh32")},
         # the fast tier's gelu (approximate='none') is the accurate kernel: no
         # faster form met 4 ulp at every level
         fast={"gelu_tanh": Fast()}),
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


# ---- along an axis ---------------------------------------------------------

class AxisFunc:
    """A function along an axis (include/cact/axis.h): x viewed as
    [outer, <dim>, inner] around the axis.

    kind   "rows": y has x's shape, every row of the axis computed alone
           (softmax family); "pieces": y's axis divided by an integer
           (maxout); "weight": one coefficient per channel (prelu)
    what   the docstring's description (after the signature line)
    limits the text on infinite entries (rows) or None
    ulp    the max error in ulps tests/test_axis.py asserts (float32, float64)
    numpy, scipy, torch
           the benchmark's peers (benchmarks/bench_axis.py): expressions in
           x, axis and the names that benchmark binds (see there)
    ort    the ONNX Runtime peer (``Onnx``; its attributes over ``axis``) or None
    peer_if {peer: condition} where a peer applies only in some cases
    fast   the fast tier (``Fast``): cact_fast_<name>_f32/_f64 and
           cact.fast.<name> (include/cact/axis/softmax_fast.h), or None
           (cact.fast re-exports cact.<name>)
    """
    __slots__ = ("name", "kind", "dim", "formula", "what", "params", "ulp", "grain", "doc",
                 "numpy", "scipy", "torch", "ort", "peer_if", "fast")

    def __init__(self, name, kind, formula, *, what, ulp, params, doc=None, grain=COMPUTE,
                 numpy, scipy=None, torch=None, ort=None, peer_if=None, fast=None):
        self.name, self.kind, self.formula, self.what, self.ulp = name, kind, formula, what, ulp
        self.dim = "channels" if kind == "weight" else "len"
        self.params = tuple(params)
        self.grain = grain
        self.doc = doc or {}          # the rows kind's docstring fields: allinf, inf, limit
        self.numpy, self.scipy, self.torch, self.peer_if = numpy, scipy, torch, dict(peer_if or {})
        self.ort, self.fast = ort, fast

    def c_extra(self, t):
        """The C parameters after (x, y, outer, <dim>, inner), {t} the element type."""
        return {"rows": "", "pieces": ", size_t pieces", "weight": f", const {t} *w"}[self.kind]

    # the tuple view (name, middle dimension, C extra parameters, ulp bounds)
    def __iter__(self):
        return iter((self.name, self.dim, self.c_extra("{T}"), self.ulp))

    def __getitem__(self, i):
        return tuple(self)[i]

    def __len__(self):
        return 4


AXIS_PARAM = Param("axis", -1, doc="the axis (any; negative counts from the end)")

# How the rows functions (softmax, log_softmax, softmin) compute, as their
# docstrings say it (include/cact/axis.h and docs/accuracy.md say the same at
# length)
ROWS_METHOD = ("Every row is computed stably: the row max is subtracted exactly, as a two-term difference. "
               "float32 rows of 32 entries or more, and every axis but the last, work in float lanes (e^d from "
               "a float-pair exp, the sum in double); shorter float32 rows work in double; float64 takes e^d of "
               "the exact difference and sums with compensation")

ALONG_AXIS = (
    AxisFunc("softmax", "rows", "exp(x - max) / sum(exp(x - max)) along axis",
             what="exp(x - max) / sum(exp(x - max)) along axis: entries in [0, 1] summing to 1.",
             params=[AXIS_PARAM], ulp=(2, 4),
             doc=dict(allinf="-inf", inf="+inf", limit="(1/k on each of the k entries at +inf, 0 elsewhere)"),
             numpy="np_softmax(x, axis)", scipy="special.softmax(x, axis=axis)",
             torch="torch.softmax(t, dim, out=o)", ort=Onnx("Softmax", 13, "axis=axis"),
             fast=Fast(ulp=(4, 8), f64="fast")),
    AxisFunc("log_softmax", "rows", "x - max - log(sum(exp(x - max))) along axis",
             what=("x - max - log(sum(exp(x - max))) along axis, the log of softmax.  The\n"
                   "largest entry keeps full precision when its result is tiny:\n"
                   "log_softmax([0, -30])[0] = -log1p(e**-30) = -9.36e-14, not 0."),
             params=[AXIS_PARAM], ulp=(2, 4),
             doc=dict(allinf="-inf", inf="+inf", limit="(-log(k) on each of the k entries at +inf, -inf elsewhere)"),
             numpy="np_log_softmax(x, axis)", scipy="special.log_softmax(x, axis=axis)",
             torch="torch.log_softmax(t, dim, out=o)", ort=Onnx("LogSoftmax", 13, "axis=axis"),
             fast=Fast(ulp=(4, 8), f64="fast")),
    AxisFunc("softmin", "rows", "softmax(-x) along axis",
             what="softmax(-x): exp(min - x) / sum(exp(min - x)) along axis.",
             params=[AXIS_PARAM], ulp=(2, 4),
             doc=dict(allinf="+inf", inf="-inf", limit="(1/k on each of the k entries at -inf, 0 elsewhere)"),
             numpy="np_softmax(-x, axis)", scipy="special.softmax(-x, axis=axis)",
             torch="torch.nn.functional.softmin(t, dim)",
             fast=Fast(ulp=(4, 8), f64="fast")),
    AxisFunc("maxout", "pieces", "max of every run of pieces consecutive entries along axis",
             what=("The max of every run of `pieces` consecutive entries along axis: the\n"
                   "result has x's shape with that axis divided by pieces.  NaN propagates\n"
                   "(a run holding a NaN gives NaN)."),
             params=[Param("pieces", REQUIRED, "pieces >= 1", "must be >= 1", "entries per run", example=2),
                     AXIS_PARAM],
             ulp=(0, 0),
             numpy="np_maxout(x, pieces, axis)", torch="torch.amax(tv, a + 1, out=o)"),
    AxisFunc("prelu", "weight", "x where x >= 0, else weight[c] * x along the channel axis",
             what=("x where x >= 0, else weight[c] * x, where c is the entry's index along\n"
                   "the channel axis (PyTorch's PReLU).  With weight 0 the result at\n"
                   "x = -inf is -0 (the limit), not NaN.  NaN stays NaN."),
             params=[Param("weight", REQUIRED, doc="the negative slopes, one per channel (or one for all)"),
                     Param("axis", 1, doc="the channel axis")],
             ulp=(0.5, 0.5),
             numpy="np.where(x >= 0, x, wb * x)", torch="torch.nn.functional.prelu(t, tw)",
             peer_if={"torch": "axis == 1"}),      # torch's channel axis is 1
)

# (name, middle dimension, C parameters after (const T *x, T *y, size_t
# outer, size_t <dim>, size_t inner) with {T} the element type, max error in
# ulps (float32, float64)): each AxisFunc unpacks as this tuple
AXIS = ALONG_AXIS

BY_NAME = {f.name: f for f in ELEMENTWISE}
AXIS_BY_NAME = {f.name: f for f in ALONG_AXIS}
KERNELS = tuple(k for f in ELEMENTWISE for k in f.kernels)
# the kernels with a fast form (cact_fast_<kernel>_f32/_f64), catalogue order
FAST_KERNELS = tuple(k for f in ELEMENTWISE for k in f.fast_kernels)
KERNEL_FUNC = {k: f for f in ELEMENTWISE for k in f.kernels}
DTYPES = ("float32", "float64")
