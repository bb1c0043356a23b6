"""cact.torch: cact's kernels as PyTorch modules and functions (``pip install 'cact[torch]'``).

Every catalogue function (cact/_catalogue.py), elementwise and along an
axis, as an ``nn.Module`` named like torch.nn's where torch has one and a
functional form under cact's name::

    import cact.torch as ct
    m = torch.nn.Sequential(torch.nn.Linear(512, 2048), ct.GELU(approximate="tanh"),
                            torch.nn.Linear(2048, 512))
    y = ct.silu(t, inplace=True)            # or ct.functional.silu
    p = ct.Softmax(dim=-1, tier="fast")(t)

- CPU tensors of float32, float64, float16 and bfloat16 (bfloat16 needs
  ml_dtypes).  The kernels read the tensor's memory through a numpy view
  (``t.numpy()``; float16 and bfloat16 through a 16-bit integer view, no
  copy) and write the result into a new tensor's memory (``out=``), so a
  call makes no copy but where the input is not contiguous (cact copies it
  once).  A tensor on another device (CUDA, meta), of another dtype or of
  another layout raises TypeError naming the function.
- ``tier="fast"`` runs cact.fast's kernels (within 4 ulp; the same as the
  default for functions without a fast form).
- ``inplace=True`` (every elementwise function) computes in the input's
  memory and returns it, as torch's in-place functions do; under autograd
  torch's rules apply (an in-place op on a leaf that requires grad raises
  RuntimeError) and the input's original values are kept for backward.
- Autograd: a ``torch.autograd.Function`` whose backward runs cact's
  backward kernels (``cact.<name>_grad``, softmax_grad, log_softmax_grad and
  softmin_grad from the saved output, maxout_grad, prelu_grad with the
  weight's gradient).  float16 and bfloat16 gradients are computed in
  float32 by the float32 kernels and rounded once to the dtype.  Both tiers
  differentiate the exact function (the fast forward is within 4 ulp of
  it).  Not twice differentiable (``once_differentiable``).
- Where no gradient is needed (``torch.no_grad()``, inference mode, inputs
  that do not require grad) the call skips autograd altogether.
- Parameters are checked by cact's own checks (ValueError naming the
  function and the parameter).  Conventions as cact's (docs/contract.md):
  special values, kinks of the derivatives as PyTorch's autograd.
"""
import sys

import numpy as np

try:
    import torch
except ImportError as e:                                   # pragma: no cover
    raise ImportError("cact.torch needs PyTorch (pip install 'cact[torch]'); "
                      "cact itself works without it") from e

import cact
import cact.fast

from ._catalogue import ALONG_AXIS, ELEMENTWISE, REQUIRED

# torch.nn's class names; the functions torch lacks get a cact name
MODULE_NAMES = {
    "identity": "Identity", "binary_step": "BinaryStep", "relu": "ReLU", "squared_relu": "SquaredReLU",
    "relu6": "ReLU6", "leaky_relu": "LeakyReLU", "hardtanh": "Hardtanh", "hard_sigmoid": "Hardsigmoid",
    "hard_swish": "Hardswish", "softshrink": "Softshrink", "hardshrink": "Hardshrink", "threshold": "Threshold",
    "softsign": "Softsign", "sigmoid": "Sigmoid", "log_sigmoid": "LogSigmoid", "swish": "Swish", "silu": "SiLU",
    "softplus": "Softplus", "mish": "Mish", "tanh": "Tanh", "tanhshrink": "Tanhshrink", "elu": "ELU",
    "celu": "CELU", "selu": "SELU", "gelu": "GELU",
    "softmax": "Softmax", "log_softmax": "LogSoftmax", "softmin": "Softmin", "maxout": "Maxout", "prelu": "PReLU",
}
# parameters that come after inplace, keyword-only, so that torch's
# positional inplace (Hardsigmoid(True), F.hardsigmoid(x, True)) keeps its place
KEYWORD_ONLY = {"hard_sigmoid": ("alpha", "beta")}

TIERS = ("accurate", "fast")
SUPPORTED = "supported dtypes are float32, float64, float16 and bfloat16"


# ---- tensors as numpy views ------------------------------------------------

def _bf16_view(t):
    try:
        import ml_dtypes
    except ImportError:
        raise TypeError("cact.torch: bfloat16 tensors need ml_dtypes (pip install 'cact[bfloat16]')") from None
    bf16 = np.dtype(ml_dtypes.bfloat16)
    _VIEW[torch.bfloat16] = lambda t: t.view(torch.int16).numpy().view(bf16)
    return _VIEW[torch.bfloat16](t)


# dtype -> the numpy view of a CPU tensor's memory (no copy; strides kept)
_VIEW = {
    torch.float32: torch.Tensor.numpy,
    torch.float64: torch.Tensor.numpy,
    torch.float16: torch.Tensor.numpy,
    torch.bfloat16: _bf16_view,
}
_HALF = (torch.float16, torch.bfloat16)


def _refuse(x, name, param="input"):
    """The TypeError for a tensor cact cannot compute on."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: {param} must be a torch.Tensor, not {type(x).__name__}")
    if x.layout is not torch.strided:
        raise TypeError(f"{name}: {param} has layout {x.layout}; cact.torch takes dense (strided) tensors")
    if x.device.type != "cpu":
        raise TypeError(f"{name}: {param} is on device {x.device}, not the CPU; cact has CPU kernels only: "
                        f"move it with .cpu(), or use torch's own function on {x.device.type}")
    raise TypeError(f"{name}: {param} has unsupported dtype {x.dtype}; {SUPPORTED}")


_STRIDED = torch.strided
_PLAIN = torch.Tensor.numpy          # the dtypes numpy has (float32, float64, float16)
_from_numpy = torch.from_numpy


def _check(x, name, param="input"):
    """The numpy view function of CPU tensor x, or TypeError."""
    view = _VIEW.get(x.dtype) if isinstance(x, torch.Tensor) else None
    if view is None or not x.is_cpu or x.layout is not _STRIDED:
        _refuse(x, name, param)
    return view


# torch.autograd.graph.increment_version from torch 2.1 on; the C hook before
_increment_version = getattr(torch.autograd.graph, "increment_version", None) or torch._C._increment_version


def _bump(t):
    # writes through a numpy view bypass the tensor's version counter: bump it
    # so that autograd sees the in-place change (as torch's own in-place ops
    # do); inference tensors have no version counter
    if not t.is_inference():
        _increment_version(t)


def _new(x):
    """A new C-contiguous tensor of x's shape and dtype (empty_like keeps a
    non-contiguous x's strides, so it serves contiguous x only; it is the
    cheaper call)."""
    return torch.empty_like(x) if x.is_contiguous() else torch.empty(x.shape, dtype=x.dtype)


def _ew_run(kern, x, view, args, inplace):
    """kern(x, *args) into a new tensor, or into x (inplace); x detached."""
    if inplace:
        if x.is_contiguous():
            a = view(x)
            kern(a, *args, out=a)
            _bump(x)
        else:                                              # computed aside, copied back by torch
            y = torch.empty(x.shape, dtype=x.dtype)
            kern(view(x), *args, out=view(y))
            x.copy_(y)                                     # bumps the version
        return x
    y = _new(x)
    kern(view(x), *args, out=view(y))
    return y


def _grad_run(grad, dy, x, args):
    """grad(dy, x, *args) as a tensor of x's dtype; half dtypes in float32
    (cact's backward kernels are float32 and float64), rounded once."""
    if x.dtype in _HALF:
        return torch.from_numpy(np.asarray(grad(dy.float().numpy(), x.float().numpy(), *args))).to(x.dtype)
    return torch.from_numpy(np.asarray(grad(dy.numpy(), x.numpy(), *args)))


class _Elementwise(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kern, grad, args, inplace, view):
        xd = x.detach()
        if inplace:
            ctx.mark_dirty(x)
            saved = xd.clone()                             # the input, for backward
            _ew_run(kern, xd, view, args, True)
            ctx.save_for_backward(saved)
            ctx.grad, ctx.args = grad, args
            return x
        ctx.save_for_backward(x)
        ctx.grad, ctx.args = grad, args
        return _ew_run(kern, xd, view, args, False)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return _grad_run(ctx.grad, dy, x.detach(), ctx.args), None, None, None, None, None


def _ew(kern, grad, x, args, inplace, name):
    """The elementwise call: checks, then autograd only where needed.  The
    hot path (no grad, not in place, a dtype numpy has) wraps the array cact
    allocates for the result as the tensor (torch.from_numpy: no copy), the
    cheapest way to a new tensor (torch.empty_like costs more than the
    kernel call on a small tensor)."""
    view = _VIEW.get(x.dtype) if isinstance(x, torch.Tensor) else None
    if view is None or not x.is_cpu or x.layout is not _STRIDED:
        _refuse(x, name)
    if x.requires_grad:
        if torch.is_grad_enabled():
            if grad is None:
                raise RuntimeError(f"{name}: cact has no backward kernel for {name}")
            return _Elementwise.apply(x, kern, grad, args, inplace, view)
        y = _ew_run(kern, x.detach(), view, args, inplace)      # under no_grad: as torch, in place allowed
        return x if inplace else y
    if not inplace and view is _PLAIN and x.dim():
        return _from_numpy(kern(x.numpy(), *args))
    return _ew_run(kern, x, view, args, inplace)


# ---- along an axis ---------------------------------------------------------

def _rows_run(kern, x, view, dim):
    y = _new(x)
    kern(view(x), dim, out=view(y))
    return y


class _Rows(torch.autograd.Function):
    """softmax, log_softmax, softmin: backward from the saved output."""
    @staticmethod
    def forward(ctx, x, kern, grad, dim, view):
        y = _rows_run(kern, x.detach(), view, dim)
        ctx.save_for_backward(y)
        ctx.grad, ctx.dim = grad, dim
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        return _grad_run(ctx.grad, dy, y.detach(), (ctx.dim,)), None, None, None, None


def _rows(kern, grad, x, dim, name):
    view = _check(x, name)
    if x.requires_grad:
        if torch.is_grad_enabled():
            return _Rows.apply(x, kern, grad, dim, view)
        x = x.detach()
    if view is _PLAIN and x.dim():
        return _from_numpy(kern(x.numpy(), dim))
    return _rows_run(kern, x, view, dim)


def _tensor(a, dtype):
    """The tensor on ndarray a's memory (no copy), of torch dtype `dtype`."""
    if dtype in _HALF:
        return torch.from_numpy(a.view(np.int16)).view(dtype)
    return torch.from_numpy(a)


def _maxout_run(kern, x, view, pieces, dim):
    # the result's shape is maxout's to check (cact's messages): its array
    # becomes the tensor, no copy
    return _tensor(np.asarray(kern(view(x), pieces, dim)), x.dtype)


class _Maxout(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kern, pieces, dim, view):
        ctx.save_for_backward(x)
        ctx.pieces, ctx.dim = pieces, dim
        return _maxout_run(kern, x.detach(), view, pieces, dim)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return _grad_run(cact.maxout_grad, dy, x.detach(), (ctx.pieces, ctx.dim)), None, None, None, None


def _maxout(kern, x, pieces, dim):
    view = _check(x, "maxout")
    if x.requires_grad and torch.is_grad_enabled():
        return _Maxout.apply(x, kern, pieces, dim, view)
    return _maxout_run(kern, x.detach(), view, pieces, dim)


def _prelu_run(kern, x, w, view):
    y = _new(x)
    kern(view(x), view(w), 1, out=view(y))
    return y


class _PReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, kern, view):
        ctx.save_for_backward(x, w)
        return _prelu_run(kern, x.detach(), w.detach().contiguous(), view)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        x, w = (t.detach() for t in ctx.saved_tensors)
        if x.dtype in _HALF:
            dx, dw = cact.prelu_grad(dy.float().numpy(), x.float().numpy(), w.float().numpy(), 1)
            dx, dw = torch.from_numpy(dx).to(x.dtype), torch.from_numpy(dw).to(x.dtype)
        else:
            dx, dw = cact.prelu_grad(dy.numpy(), x.numpy(), w.contiguous().numpy(), 1)
            dx, dw = torch.from_numpy(dx), torch.from_numpy(dw)
        return (dx if ctx.needs_input_grad[0] else None,
                dw.reshape(w.shape) if ctx.needs_input_grad[1] else None, None, None)


def _prelu(kern, x, weight):
    view = _check(x, "prelu")
    _check(weight, "prelu", "weight")
    if weight.dtype != x.dtype:
        raise TypeError(f"prelu: weight has dtype {weight.dtype}, but input has dtype {x.dtype}; they must match")
    if (x.requires_grad or weight.requires_grad) and torch.is_grad_enabled():
        return _PReLU.apply(x, weight, kern, view)
    return _prelu_run(kern, x.detach(), weight.detach().contiguous(), view)


# ---- the functions and the modules, generated from the catalogue -----------

def _kernels(name):
    """{tier: cact function} for a catalogue name."""
    return {"accurate": getattr(cact, name), "fast": getattr(cact.fast, name)}


def _kernel(kernels, tier, name):
    k = kernels.get(tier)
    if k is None:
        raise ValueError(f"{name}: tier must be one of {TIERS}, not {tier!r}")
    return k


class _Activation(torch.nn.Module):
    """Base of the generated modules: the tier's kernel, chosen once."""
    _cact_name = None

    def _set_tier(self, tier):
        self.tier = tier
        self._k = _kernel(_KERNELS[self._cact_name], tier, self._cact_name)
        self._g = _GRADS.get(self._cact_name)

    def extra_repr(self):
        parts = [f"{p}={getattr(self, p)!r}" for p in self._params]
        if getattr(self, "inplace", False):
            parts.append("inplace=True")
        if self.tier != "accurate":
            parts.append(f"tier={self.tier!r}")
        return ", ".join(parts)


def _signature(f):
    """(parameter list source, argument tuple source, parameter names) for
    an elementwise row: catalogue parameters, then inplace, then tier."""
    kwonly = KEYWORD_ONLY.get(f.name, ())
    pos, kw = [], []
    for p in f.params:
        text = p.name if p.default is REQUIRED else f"{p.name}={p.default!r}"
        (kw if p.name in kwonly else pos).append(text)
    names = [p.name for p in f.params]
    params = ", ".join(pos + ["inplace=False", "*"] + kw + ["tier='accurate'"])
    return params, "(" + "".join(n + ", " for n in names) + ")", names


def _doc(f, cls):
    first = f"{f.formula}." if cls is None else f"Module form of cact.torch.{f.name}: {f.formula}."
    return (f"{first}\n\nRuns cact.{f.name} (tier='fast': cact.fast.{f.name}) on a CPU tensor of float32, "
            f"float64, float16 or bfloat16; backward: cact.{f.name}_grad.  See cact.{f.name} for the "
            f"parameters and the bounds, and the cact.torch module docstring for the rest.")


def _generate():
    """Source of the functions and module classes (compiled once at import:
    exact signatures, no per-call argument parsing)."""
    src = []
    for f in ELEMENTWISE:
        params, args, names = _signature(f)
        cls = MODULE_NAMES[f.name]
        src.append(f"""
def {f.name}(input, {params}):
    return _ew(_kernel(_KERNELS[{f.name!r}], tier, {f.name!r}), _GRADS.get({f.name!r}), input, {args},
               inplace, {f.name!r})

class {cls}(_Activation):
    _cact_name = {f.name!r}
    _params = {tuple(names)!r}

    def __init__(self, {params}):
        super().__init__()
        {"; ".join(f"self.{n} = {n}" for n in names + ["inplace"])}
        self._set_tier(tier)
        self._k(np.zeros(1, np.float32), *{args})      # cact's checks of the parameters, now

    def forward(self, input):
        return _ew(self._k, self._g, input, ({"".join(f"self.{n}, " for n in names)}), self.inplace, {f.name!r})
""")
    for f in ALONG_AXIS:
        if f.kind != "rows":
            continue
        cls = MODULE_NAMES[f.name]
        src.append(f"""
def {f.name}(input, dim=-1, *, tier='accurate'):
    return _rows(_kernel(_KERNELS[{f.name!r}], tier, {f.name!r}), _GRADS[{f.name!r}], input, dim, {f.name!r})

class {cls}(_Activation):
    _cact_name = {f.name!r}
    _params = ("dim",)

    def __init__(self, dim=-1, *, tier='accurate'):
        super().__init__()
        self.dim = dim
        self._set_tier(tier)

    def forward(self, input):
        return _rows(self._k, self._g, input, self.dim, {f.name!r})
""")
    return "".join(src)


_KERNELS = {f.name: _kernels(f.name) for f in ELEMENTWISE + ALONG_AXIS}
_GRADS = {f.name: getattr(cact, f.name + "_grad", None) for f in ELEMENTWISE + ALONG_AXIS}

exec(compile(_generate(), "<cact.torch generated>", "exec"), globals())


def maxout(input, pieces, dim=-1, *, tier="accurate"):
    """The max of every run of `pieces` consecutive entries along dim (cact.maxout);
    backward: cact.maxout_grad (dy to the first maximal entry of each run)."""
    return _maxout(_kernel(_KERNELS["maxout"], tier, "maxout"), input, pieces, dim)


class Maxout(_Activation):
    """Module form of cact.torch.maxout."""
    _cact_name = "maxout"
    _params = ("pieces", "dim")

    def __init__(self, pieces, dim=-1, *, tier="accurate"):
        super().__init__()
        self.pieces, self.dim = pieces, dim
        self._set_tier(tier)

    def forward(self, input):
        return _maxout(self._k, input, self.pieces, self.dim)


def prelu(input, weight, *, tier="accurate"):
    """x where x >= 0, else weight[c] * x, c the index along dim 1 (dim 0 of
    a 1-d input), as torch.nn.functional.prelu; weight of one entry applies
    to every channel.  Backward: cact.prelu_grad (the input's and the
    weight's gradients)."""
    return _prelu(_kernel(_KERNELS["prelu"], tier, "prelu"), input, weight)


class PReLU(_Activation):
    """torch.nn.PReLU on cact.prelu: a learnable slope per channel
    (num_parameters: 1 or the number of channels, dim 1 of the input)."""
    _cact_name = "prelu"
    _params = ("num_parameters",)

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None, *, tier="accurate"):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = torch.nn.Parameter(torch.full((num_parameters,), float(init), device=device, dtype=dtype))
        self._set_tier(tier)

    def reset_parameters(self):
        torch.nn.init.constant_(self.weight, self.init)

    def forward(self, input):
        return _prelu(self._k, input, self.weight)


def _finish():
    g = globals()
    for f in ELEMENTWISE:
        g[f.name].__doc__ = _doc(f, None)
        g[MODULE_NAMES[f.name]].__doc__ = _doc(f, MODULE_NAMES[f.name])
    for f in ALONG_AXIS:
        if f.kind == "rows":
            g[f.name].__doc__ = (f"{f.formula} (cact.{f.name}; tier='fast': cact.fast.{f.name}).  "
                                 f"Backward: cact.{f.name}_grad from the saved output.")
            g[MODULE_NAMES[f.name]].__doc__ = f"Module form of cact.torch.{f.name}."
    for name in list(MODULE_NAMES) + list(MODULE_NAMES.values()):
        g[name].__module__ = __name__


_finish()
del _finish

__all__ = list(MODULE_NAMES) + list(MODULE_NAMES.values())

# cact.torch.functional.gelu(...), as torch.nn.functional: the same functions
functional = sys.modules[__name__]
