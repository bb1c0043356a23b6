"""The derivatives of the elementwise catalogue: one ``Grad`` row per C
kernel of cact/_catalogue.py's ELEMENTWISE, in the same order.

Each row says, for the backward kernel ``cact_<kernel>_grad_f32/_f64``
(dx = dy * f'(x); Python ``cact.<name>_grad(dy, x, <params>)``):
  - ``mpmath``: f'(x) exactly, an expression in x, the float parameters,
    ``mp`` and cact/_reference.py's helpers (sigmoid, softplus, erfc,
    SELU_ALPHA, SELU_SCALE), with the kinks as PyTorch's autograd takes them,
  - ``limits``: f'(-inf), f'(+inf) with the default parameters,
  - ``kinks``: the convention at the kinks, for docs/contract.md,
  - ``ulp``: the max error of f'(x) (dy = 1) in ulps that the tests assert
    (float32, float64),
  - ``near``: where f' crosses zero and a relative bound would be costly:
    (lo, hi, abs32, abs64): on [lo, hi] the error may instead be up to
    abs32 / abs64 absolute,
  - ``torch``: the forward as a differentiable PyTorch expression in xt
    (``F`` is torch.nn.functional), whose autograd gradient the tests
    compare with; None where PyTorch has no derivative (binary_step),
  - ``check``: the long-double reference of tools/exhaustive/grad_refs.h
    (default g_<kernel>) the exhaustive checker compares with,
  - ``aten``: the PyTorch backward op the benchmark runs as the peer
    (``torch.ops.aten.<op>``, an expression in gt (dy), xt, yt (the
    forward's output) and the parameters), or None.

The element function ``<kernel>_grad`` lives in the kernel family's header
(include/cact/kernels/<family>.h, its "derivatives" section); the loops
and dispatchers come from the generated include/cact/grad.inc
(include/cact/grad.h).  Plain data: importing it imports nothing.
"""


class Grad:
    __slots__ = ("kernel", "mpmath", "limits", "kinks", "ulp", "near", "torch", "aten", "check")

    def __init__(self, kernel, mpmath, *, limits, kinks="", ulp=(2, 4), near=None, torch=None,
                 aten=None, check=None):
        self.kernel, self.mpmath, self.limits, self.kinks = kernel, mpmath, limits, kinks
        self.ulp, self.near, self.torch, self.aten = ulp, near, torch, aten
        self.check = check or f"g_{kernel}"


ONE, ZERO = "mp.mpf(1)", "mp.mpf(0)"

GRADS = (
    Grad("identity", ONE, limits=(1.0, 1.0), ulp=(0, 0), torch="xt * 1"),
    Grad("binary_step", ZERO, limits=(0.0, 0.0), ulp=(0, 0), kinks="0 everywhere, at 0 too"),
    Grad("relu", f"{ONE} if x > 0 else {ZERO}", limits=(0.0, 1.0), ulp=(0, 0), kinks="0 at 0",
         torch="F.relu(xt)", aten="threshold_backward(gt, xt, 0.0)"),
    Grad("squared_relu", f"2 * x if x > 0 else {ZERO}", limits=(0.0, float("inf")), ulp=(0.5, 0.5),
         torch="torch.square(F.relu(xt))"),
    Grad("relu6", f"{ONE} if 0 < x < 6 else {ZERO}", limits=(0.0, 0.0), ulp=(0, 0), kinks="0 at 0 and 6",
         torch="F.relu6(xt)", aten="hardtanh_backward(gt, xt, 0.0, 6.0)"),
    Grad("leaky_relu", f"{ONE} if x > 0 else mp.mpf(negative_slope)", limits=(0.01, 1.0), ulp=(0.5, 0.5),
         kinks="negative_slope at 0", torch="F.leaky_relu(xt, negative_slope)",
         aten="leaky_relu_backward(gt, xt, negative_slope, False)"),
    Grad("hardtanh", f"{ONE} if min_val < x < max_val else {ZERO}", limits=(0.0, 0.0), ulp=(0, 0),
         kinks="0 at min_val and max_val", torch="F.hardtanh(xt, min_val, max_val)",
         aten="hardtanh_backward(gt, xt, min_val, max_val)"),
    Grad("hard_sigmoid",
         f"(mp.mpf(1) / 6 if -3 < x < 3 else {ZERO}) if (alpha, beta) == (1 / 6, 0.5) "
         f"else (mp.mpf(alpha) if 0 < mp.mpf(alpha) * x + beta < 1 else {ZERO})",
         limits=(0.0, 0.0), ulp=(0.5, 0.5), kinks="0 at -3 and 3 (where alpha x + beta is 0 or 1)",
         torch="F.hardsigmoid(xt)", aten="hardsigmoid_backward(gt, xt)"),
    Grad("hard_swish", f"{ZERO} if x <= -3 else (x / 3 + mp.mpf(1) / 2 if x < 3 else {ONE})",
         limits=(0.0, 1.0), ulp=(0.5, 1.5), kinks="0 at -3 and 1 at 3 (x/3 + 1/2 between)",
         torch="F.hardswish(xt)", aten="hardswish_backward(gt, xt)"),
    Grad("softshrink", f"{ONE} if abs(x) > lambd else {ZERO}", limits=(1.0, 1.0), ulp=(0, 0),
         kinks="0 at -lambd and lambd", torch="F.softshrink(xt, lambd)",
         aten="softshrink_backward(gt, xt, lambd)", check="g_shrink"),
    Grad("hardshrink", f"{ONE} if abs(x) > lambd else {ZERO}", limits=(1.0, 1.0), ulp=(0, 0),
         kinks="0 at -lambd and lambd", torch="F.hardshrink(xt, lambd)",
         aten="hardshrink_backward(gt, xt, lambd)", check="g_shrink"),
    Grad("threshold", f"{ONE} if x > threshold else {ZERO}", limits=(0.0, 1.0), ulp=(0, 0),
         kinks="0 at the threshold", torch="F.threshold(xt, threshold, value)",
         aten="threshold_backward(gt, xt, threshold)"),
    Grad("softsign", "1 / (1 + abs(x)) ** 2", limits=(0.0, 0.0), torch="F.softsign(xt)"),
    Grad("sigmoid", "sigmoid(x) * sigmoid(-x)", limits=(0.0, 0.0), torch="torch.sigmoid(xt)",
         aten="sigmoid_backward(gt, yt)"),
    Grad("log_sigmoid", "sigmoid(-x)", limits=(1.0, 0.0), torch="F.logsigmoid(xt)",
         aten="log_sigmoid_backward(gt, xt, buf)"),
    Grad("swish", "sigmoid(mp.mpf(beta) * x) * (1 + mp.mpf(beta) * x * sigmoid(-mp.mpf(beta) * x))",
         limits=(0.0, 1.0), near=(-1.35, -1.2, 2.0 ** -30, 2.0 ** -54),
         torch="xt * torch.sigmoid(beta * xt)", aten="silu_backward(gt, xt)", check="g_silu"),
    Grad("silu", "sigmoid(x) * (1 + x * sigmoid(-x))", limits=(0.0, 1.0),
         near=(-1.35, -1.2, 2.0 ** -30, 2.0 ** -54), torch="F.silu(xt)", aten="silu_backward(gt, xt)"),
    Grad("softplus", f"{ONE} if mp.mpf(beta) * x > threshold else sigmoid(mp.mpf(beta) * x)",
         limits=(0.0, 1.0), kinks="1 where beta x > threshold (the forward is x there)",
         torch="F.softplus(xt, beta, threshold)", aten="softplus_backward(gt, xt, beta, threshold)"),
    Grad("mish", "mp.tanh(softplus(x)) + x * sigmoid(x) / mp.cosh(softplus(x)) ** 2", limits=(0.0, 1.0),
         near=(-1.3, -1.1, 2.0 ** -30, 2.0 ** -54), torch="F.mish(xt)", aten="mish_backward(gt, xt)"),
    Grad("tanh", "1 / mp.cosh(x) ** 2", limits=(0.0, 0.0), torch="torch.tanh(xt)",
         aten="tanh_backward(gt, yt)"),
    Grad("tanhshrink", "mp.tanh(x) ** 2", limits=(1.0, 1.0), torch="F.tanhshrink(xt)"),
    Grad("elu", f"{ONE} if x > 0 else mp.mpf(alpha) * mp.exp(x)", limits=(0.0, 1.0), kinks="alpha at 0",
         torch="F.elu(xt, alpha)", aten="elu_backward(gt, alpha, 1, 1, False, xt)"),
    Grad("celu", f"{ONE} if x > 0 else mp.exp(x / mp.mpf(alpha))", limits=(0.0, 1.0), kinks="1 at 0",
         torch="F.celu(xt, alpha)", aten="elu_backward(gt, alpha, 1, 1 / alpha, False, xt)",
         check="g_elu"),
    Grad("selu", f"mp.mpf(SELU_SCALE) * ({ONE} if x > 0 else mp.mpf(SELU_ALPHA) * mp.exp(x))",
         limits=(0.0, 1.0507009873554805), kinks="scale alpha at 0", torch="F.selu(xt)",
         aten="elu_backward(gt, 1.6732632423543772, 1.0507009873554805, 1, False, xt)"),
    Grad("gelu", "erfc(-x / mp.sqrt(2)) / 2 + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)",
         limits=(0.0, 1.0), near=(-0.85, -0.65, 2.0 ** -30, 2.0 ** -54), torch="F.gelu(xt)",
         aten="gelu_backward(gt, xt)"),
    Grad("gelu_tanh",
         "(lambda c, a: sigmoid(2 * c * (x + a * x ** 3)) * (1 + 2 * x * c * (1 + 3 * a * x ** 2) "
         "* sigmoid(-2 * c * (x + a * x ** 3))))(mp.sqrt(2 / mp.pi), mp.mpf('0.044715'))",
         limits=(0.0, 1.0), near=(-0.85, -0.65, 2.0 ** -30, 2.0 ** -54),
         torch="F.gelu(xt, approximate='tanh')", aten="gelu_backward(gt, xt, approximate='tanh')"),
)

GRAD = {g.kernel: g for g in GRADS}
