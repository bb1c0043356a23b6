"""cact.torch: every catalogue function as an nn.Module and a function on
torch tensors, checked against torch.nn.functional (values within cact's
bounds, gradients through torch.autograd), torch.autograd.gradcheck in
float64, bit-for-bit agreement with cact's numpy functions (every dtype,
both tiers), in-place rules, refusals and no copies.  Skipped without torch."""
import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from helpers import ROOT, subprocess_env, worst_ulp

from cact._reference import reference

torch = pytest.importorskip("torch")
ct = pytest.importorskip("cact.torch")

import cact  # noqa: E402
import cact.fast  # noqa: E402
from cact._catalogue import ELEMENTWISE, REQUIRED  # noqa: E402
from cact._catalogue_grad import GRAD  # noqa: E402

F = torch.nn.functional
KERNELS = [(f, k) for f in ELEMENTWISE for k in f.kernels]
IDS = [k for _, k in KERNELS]
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
HALF = [torch.float16, torch.bfloat16]
NP = {torch.float32: np.float32, torch.float64: np.float64}
# the points where a function or its derivative is not smooth, with the
# parameters the tests use (defaults, and the catalogue's examples)
KINKS = np.array([0.0, -0.5, 0.5, -1.0, 1.0, -3.0, 3.0, 6.0])


def params(f, kernel):
    """{name: value} for f's parameters: the examples, and the selector
    that runs `kernel` (gelu's approximate=)."""
    kw = {p.name: p.example for p in f.float_params}
    if f.select:
        kw[f.select[0]] = next(v for v, k in f.select[1].items() if k == kernel)
    return kw


def torch_peer(f, kernel, xt, kw):
    """torch's differentiable forward of `kernel` (the backward table's
    expression; binary_step: heaviside, which torch cannot differentiate)."""
    expr = GRAD[kernel].torch
    if expr is None:
        return torch.heaviside(xt, torch.ones((), dtype=xt.dtype))
    return eval(expr, {"torch": torch, "F": F, "xt": xt, **{k: v for k, v in kw.items()
                                                            if not (f.select and k == f.select[0])}})


def away_from_kinks(x):
    near = np.abs(x[..., None] - KINKS).min(axis=-1) < 0.02
    return np.where(near, x + 0.05, x)


def sample(shape, dtype, seed=0):
    x = away_from_kinks(np.random.default_rng(seed).uniform(-8, 8, shape))
    return torch.tensor(x, dtype=torch.float64).to(dtype)


def as_numpy(t):
    """t's values as a numpy array of cact's dtype (bfloat16 through ml_dtypes)."""
    if t.dtype == torch.bfloat16:
        ml_dtypes = pytest.importorskip("ml_dtypes")
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def need_dtype(dt):
    if dt == torch.bfloat16:
        pytest.importorskip("ml_dtypes")


# ---- the names -----------------------------------------------------------------

def test_every_catalogue_function_has_a_module_and_a_function():
    torch_names = {"Identity", "ReLU", "ReLU6", "LeakyReLU", "Hardtanh", "Hardsigmoid", "Hardswish", "Softshrink",
                   "Hardshrink", "Threshold", "Softsign", "Sigmoid", "LogSigmoid", "SiLU", "Softplus", "Mish",
                   "Tanh", "Tanhshrink", "ELU", "CELU", "SELU", "GELU", "Softmax", "LogSoftmax", "Softmin",
                   "PReLU"}
    from cact._catalogue import ALONG_AXIS
    for f in ELEMENTWISE + ALONG_AXIS:
        cls = getattr(ct, ct.MODULE_NAMES[f.name])
        assert issubclass(cls, torch.nn.Module)
        assert callable(getattr(ct, f.name)) and ct.functional.__dict__[f.name] is getattr(ct, f.name)
        if cls.__name__ in torch_names:
            assert hasattr(torch.nn, cls.__name__), cls.__name__
    assert set(ct.MODULE_NAMES.values()) - torch_names == {"BinaryStep", "SquaredReLU", "Swish", "Maxout"}


def test_torch_signatures():
    assert ct.GELU(approximate="tanh").approximate == "tanh"
    m = ct.LeakyReLU(0.2, True)                     # torch's positional order
    assert (m.negative_slope, m.inplace) == (0.2, True)
    assert ct.Hardsigmoid(True).inplace is True
    assert (ct.Threshold(0.5, -2.0).threshold, ct.Softplus(2.0, 10.0).beta) == (0.5, 2.0)
    assert ct.Softmax(dim=0).dim == 0 and ct.Maxout(3).pieces == 3
    assert "tier='fast'" in repr(ct.SiLU(tier="fast")) and "0.2" in repr(m)
    p = ct.PReLU(4, init=0.1)
    assert isinstance(p.weight, torch.nn.Parameter) and p.weight.shape == (4,)
    assert torch.all(p.weight == 0.1)


# ---- values ------------------------------------------------------------------

@pytest.mark.parametrize("f,kernel", KERNELS, ids=IDS)
@pytest.mark.parametrize("dt", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_values(f, kernel, dt):
    """cact.torch (function and module, both tiers): within cact's bound in
    ulps of the exact value (mpmath; the fast tier's bound where it has one),
    and close to torch.nn.functional's result on the same tensor (torch's
    own float formulas lose digits in the tails, e.g. gelu's 1 + erf(x/sqrt(2))
    near x = -8, so only loosely: 1e-5 / 1e-9 relative, 1e-6 / 1e-14 absolute)."""
    kw = params(f, kernel)
    x = sample((12, 25), dt)
    fparams = {p.name: kw[p.name] for p in f.float_params}
    hi, lo = reference(kernel, x.double().numpy(), fparams)
    peer = torch_peer(f, kernel, x, kw)
    for tier in ("accurate", "fast"):
        y = getattr(ct, f.name)(x, **kw, tier=tier)
        ym = getattr(ct, ct.MODULE_NAMES[f.name])(**kw, tier=tier)(x)
        assert y.dtype == dt and y.shape == x.shape and torch.equal(y, ym)
        i = 0 if dt == torch.float32 else 1
        bound = f.fast[kernel].ulp[i] if tier == "fast" and kernel in f.fast else f.ulp[i]
        err, at = worst_ulp(y.numpy(), hi, lo)
        assert err <= bound, (kernel, tier, err, x.flatten()[at].item())
        tol = dict(rtol=1e-5, atol=1e-6) if dt == torch.float32 else dict(rtol=1e-9, atol=1e-14)
        torch.testing.assert_close(y, peer, **tol)


@pytest.mark.parametrize("f,kernel", KERNELS, ids=IDS)
@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_same_bits_as_cact(f, kernel, dt):
    """The tensor path is cact's numpy path on the same memory: the same
    bits, every dtype, both tiers, in place and not."""
    need_dtype(dt)
    kw = params(f, kernel)
    x = sample((5, 40), dt, seed=1)
    for tier, mod in (("accurate", cact), ("fast", cact.fast)):
        want = getattr(mod, f.name)(as_numpy(x), **kw)
        y = getattr(ct, f.name)(x, **kw, tier=tier)
        assert y.dtype == dt
        np.testing.assert_array_equal(as_numpy(y).view(np.uint8), want.view(np.uint8))
        xi = x.clone()
        r = getattr(ct, ct.MODULE_NAMES[f.name])(**kw, inplace=True, tier=tier)(xi)
        assert r is xi
        np.testing.assert_array_equal(as_numpy(xi).view(np.uint8), want.view(np.uint8))


@pytest.mark.parametrize("f,kernel", KERNELS, ids=IDS)
@pytest.mark.parametrize("dt", HALF, ids=str)
def test_half_close_to_torch(f, kernel, dt):
    """float16 / bfloat16: within 2 ulp of the dtype of torch's result on
    the same values (torch computes in float or double and rounds once; its
    formulas lose the far tails, e.g. gelu's 1 + erf(x/sqrt(2)) near x = -8,
    so results below 1e-6 are compared absolutely).  Accuracy itself: same
    bits as cact's numpy functions (test_same_bits_as_cact)."""
    need_dtype(dt)
    kw = params(f, kernel)
    x = sample((40, 25), dt, seed=2)
    y = getattr(ct, f.name)(x, **kw).double()
    ref = torch_peer(f, kernel, x.double(), kw).to(dt).double()
    ulp = 2.0 ** (-7 if dt == torch.bfloat16 else -10)
    assert torch.all((y - ref).abs() <= 2 * ulp * ref.abs() + 1e-6), kernel


# ---- gradients -----------------------------------------------------------------

@pytest.mark.parametrize("f,kernel", KERNELS, ids=IDS)
def test_gradcheck(f, kernel):
    kw = params(f, kernel)
    x = sample((3, 7), torch.float64, seed=3).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: getattr(ct, f.name)(t, **kw), (x,))
    # in place on a non-leaf: the saved input is the original one
    assert torch.autograd.gradcheck(lambda t: getattr(ct, f.name)(t * 1, **kw, inplace=True), (x,))


@pytest.mark.parametrize("f,kernel", [c for c in KERNELS if GRAD[c[1]].torch], ids=[k for k in IDS if GRAD[k].torch])
@pytest.mark.parametrize("dt", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_backward_matches_torch(f, kernel, dt):
    """x.grad through cact.torch vs torch.autograd's in float64 (torch's
    float32 backward formulas lose the tails, as its forwards do).
    hard_sigmoid: torch's float64 backward multiplies by 1/6 rounded to
    float32 (2.98e-8 relative); cact's slope is 1/6 in the dtype."""
    kw = params(f, kernel)
    x = sample((50, 20), dt, seed=4)
    dy = torch.tensor(np.random.default_rng(5).normal(0, 1, x.shape), dtype=dt)
    a = x.clone().requires_grad_()
    getattr(ct, ct.MODULE_NAMES[f.name])(**kw)(a).backward(dy)
    b = x.double().requires_grad_()
    torch_peer(f, kernel, b, kw).backward(dy.double())
    if dt == torch.float32:
        tol = dict(rtol=2e-5, atol=1e-6)
    else:
        tol = dict(rtol=3e-8 if kernel == "hard_sigmoid" else 1e-12, atol=1e-14)
    torch.testing.assert_close(a.grad, b.grad.to(dt), **tol)


@pytest.mark.parametrize("f,kernel", KERNELS, ids=IDS)
@pytest.mark.parametrize("dt", HALF, ids=str)
def test_half_backward_in_float32(f, kernel, dt):
    """float16 / bfloat16 gradients: the float32 kernel on the widened
    values, rounded once to the dtype."""
    need_dtype(dt)
    kw = params(f, kernel)
    x = sample((6, 11), dt, seed=6)
    dy = torch.tensor(np.random.default_rng(7).normal(0, 1, x.shape)).to(dt)
    a = x.clone().requires_grad_()
    getattr(ct, f.name)(a, **kw).backward(dy)
    want = getattr(cact, f.name + "_grad")(dy.float().numpy(), x.float().numpy(), *kw.values())
    assert a.grad.dtype == dt
    assert torch.equal(a.grad, torch.from_numpy(want).to(dt))


# ---- along an axis -------------------------------------------------------------

ROWS = [("softmax", "Softmax", F.softmax), ("log_softmax", "LogSoftmax", F.log_softmax),
        ("softmin", "Softmin", F.softmin)]


@pytest.mark.parametrize("name,cls,peer", ROWS, ids=[r[0] for r in ROWS])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_rows(name, cls, peer, dim, dt):
    need_dtype(dt)
    x = sample((6, 9, 5), dt, seed=8)
    for tier, mod in (("accurate", cact), ("fast", cact.fast)):
        y = getattr(ct, cls)(dim, tier=tier)(x)
        np.testing.assert_array_equal(as_numpy(y).view(np.uint8),
                                      getattr(mod, name)(as_numpy(x), dim).view(np.uint8))
    ref = peer(x.double(), dim)
    if dt in NP:
        rtol = 1e-10 if dt == torch.float64 else 2.5e-7            # torch's float64: not to the last ulp
        torch.testing.assert_close(y.double(), ref, rtol=rtol, atol=1e-300 if dt == torch.float64 else 1e-40)
        # backward from the saved output vs torch's
        dy = torch.tensor(np.random.default_rng(9).normal(0, 1, x.shape), dtype=dt)
        a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
        getattr(ct, name)(a, dim).backward(dy)
        peer(b, dim).backward(dy)
        torch.testing.assert_close(a.grad, b.grad, **(dict(rtol=1e-5, atol=1e-6) if dt == torch.float32 else {}))
    else:
        dy = torch.tensor(np.random.default_rng(9).normal(0, 1, x.shape)).to(dt)
        a = x.clone().requires_grad_()
        y = getattr(ct, name)(a, dim)
        y.backward(dy)
        want = getattr(cact, name + "_grad")(dy.float().numpy(), y.detach().float().numpy(), dim)
        assert torch.equal(a.grad, torch.from_numpy(want).to(dt))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_rows_gradcheck(name):
    x = sample((4, 6), torch.float64, seed=10).requires_grad_()
    for dim in (0, 1):
        assert torch.autograd.gradcheck(lambda t: getattr(ct, name)(t, dim), (x,))


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_maxout(dt):
    need_dtype(dt)
    x = sample((4, 12, 3), dt, seed=11)
    y = ct.Maxout(3, dim=1)(x)
    assert y.dtype == dt and torch.equal(y, x.reshape(4, 4, 3, 3).amax(2))
    a = x.clone().requires_grad_()
    dy = torch.tensor(np.random.default_rng(12).normal(0, 1, y.shape)).to(dt)
    ct.maxout(a, 3, 1).backward(dy)
    b = x.clone().requires_grad_()
    b.reshape(4, 4, 3, 3).amax(2).backward(dy)                        # no ties in random data
    assert torch.equal(a.grad, b.grad)
    xd = sample((3, 8), torch.float64, seed=13).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: ct.maxout(t, 4, -1), (xd,))
    with pytest.raises(ValueError, match="maxout.*multiple of pieces"):
        ct.maxout(x, 5, 1)


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_prelu(dt):
    need_dtype(dt)
    x = sample((5, 4, 3), dt, seed=14)
    m = ct.PReLU(4, dtype=dt)
    p = torch.nn.PReLU(4, dtype=dt)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([0.1, -0.3, 0.25, 2.0]))
        p.weight.copy_(m.weight)
    a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, yb = m(a), p(b)
    assert torch.equal(ya, yb)
    dy = torch.tensor(np.random.default_rng(15).normal(0, 1, x.shape)).to(dt)
    ya.backward(dy)
    yb.backward(dy)
    tol = {torch.float32: dict(rtol=1e-5, atol=1e-6), torch.float64: {}}.get(dt, dict(rtol=2e-2, atol=2e-2))
    torch.testing.assert_close(a.grad, b.grad, **tol)
    torch.testing.assert_close(m.weight.grad, p.weight.grad, **tol)
    xd = sample((3, 4, 2), torch.float64, seed=16).requires_grad_()
    wd = torch.tensor([0.1, -0.3, 0.25, 2.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(ct.prelu, (xd, wd))
    assert torch.autograd.gradcheck(ct.prelu, (xd, wd[:1]))       # one slope for all
    with pytest.raises(TypeError, match="prelu: weight has dtype"):
        ct.prelu(x, torch.ones(4, dtype=torch.float64 if dt != torch.float64 else torch.float32))


# ---- in place, autograd rules, no copy -----------------------------------------

def test_inplace_on_leaf_requiring_grad_is_refused():
    x = torch.randn(8, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        ct.silu(x, inplace=True)
    with pytest.raises(RuntimeError, match="leaf"):
        ct.ReLU(inplace=True)(x)
    with torch.no_grad():                        # as torch: allowed without grad
        y = ct.relu(x, inplace=True)
    assert y is x and torch.all(x >= 0)


def test_inplace_bumps_the_version_counter():
    """Writes through the numpy view are seen by autograd: a tensor that a
    backward needs, changed in place, makes that backward raise."""
    a = torch.randn(10, requires_grad=True)
    y = torch.sigmoid(a)                         # saves its output
    v = y._version
    with torch.no_grad():
        ct.relu(y, inplace=True)
    assert y._version > v
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_non_contiguous():
    x = sample((7, 6), torch.float32, seed=17)
    t = x.clone().t()
    p = t.data_ptr()
    r = ct.gelu(t, inplace=True)
    assert r is t and t.data_ptr() == p and not t.is_contiguous()
    torch.testing.assert_close(t, ct.gelu(x).t(), rtol=0, atol=0)
    assert torch.equal(ct.tanh(x.t()), ct.tanh(x).t())


def test_no_copy():
    """Contiguous input: the kernel reads the tensor's memory (numpy
    allocates one buffer, the result's, which becomes the tensor: tracemalloc
    sees numpy's allocations); in place: nothing allocated, data_ptr kept."""
    x = torch.randn(1 << 18)
    ct.silu(x)                                   # warm up
    for call, budget in ((lambda: ct.silu(x), x.nbytes), (lambda: ct.softmax(x, 0), x.nbytes),
                         (lambda: ct.SiLU(inplace=True)(x), 0)):
        tracemalloc.start()
        try:
            y = call()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert budget <= peak < budget + (1 << 16) or budget == 0 and peak < 1 << 16, peak
        assert (y.data_ptr() == x.data_ptr()) == (budget == 0) and y.is_contiguous()
    assert ct.silu(x, inplace=True) is x
    # a strided input is copied once (cact's rule for non-contiguous input)
    tracemalloc.start()
    try:
        ct.silu(x[::2])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak >= x.nbytes


def test_inference_mode():
    m = torch.nn.Sequential(torch.nn.Linear(8, 16), ct.GELU(), torch.nn.Linear(16, 4), ct.SiLU(inplace=True))
    x = torch.randn(3, 8)
    with torch.inference_mode():
        y = m(x)
    ref = torch.nn.Sequential(m[0], torch.nn.GELU(), m[2], torch.nn.SiLU())
    torch.testing.assert_close(y, ref(x).detach())


# ---- refusals ------------------------------------------------------------------

def test_refused_device_dtype_and_type():
    meta = torch.empty(4, device="meta")
    for call in (lambda t: ct.gelu(t), lambda t: ct.Softmax(0)(t), lambda t: ct.maxout(t, 2),
                 lambda t: ct.PReLU()(t)):
        with pytest.raises(TypeError, match=r"(gelu|softmax|maxout|prelu): input is on device meta"):
            call(meta)
    if torch.cuda.is_available():                                      # pragma: no cover
        with pytest.raises(TypeError, match="gelu: input is on device cuda"):
            ct.gelu(torch.ones(3, device="cuda"))
    for dt in (torch.int32, torch.complex64, torch.bool):
        with pytest.raises(TypeError, match=f"silu: input has unsupported dtype {dt}"):
            ct.silu(torch.ones(3, dtype=dt))
    with pytest.raises(TypeError, match="relu: input must be a torch.Tensor, not ndarray"):
        ct.relu(np.ones(3, np.float32))
    with pytest.raises(TypeError, match="tanh: input has layout torch.sparse_coo"):
        ct.tanh(torch.ones(3).to_sparse())
    with pytest.raises(ValueError, match="silu: tier must be one of"):
        ct.silu(torch.ones(3), tier="fastest")
    with pytest.raises(ValueError, match="leaky_relu.*negative_slope"):
        ct.LeakyReLU(float("nan"))
    with pytest.raises(ValueError, match="gelu"):
        ct.gelu(torch.ones(3), approximate="sigmoid")


def test_import_without_torch():
    """cact never needs torch; cact.torch says what to install."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "import cact, cact.fast\n"
            "try:\n    import cact.torch\nexcept ImportError as e:\n    print('refused:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(),
                         check=True).stdout
    assert "refused: cact.torch needs PyTorch (pip install 'cact[torch]')" in out


@pytest.mark.parametrize("f", [f for f in ELEMENTWISE if any(p.default is REQUIRED for p in f.params)],
                         ids=lambda f: f.name)
def test_required_parameters(f):
    with pytest.raises(TypeError):
        getattr(ct, f.name)(torch.ones(3))


def test_docs_example_runs():
    pytest.importorskip("ml_dtypes")
    text = open(os.path.join(ROOT, "docs", "torch.md")).read()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    ns = {}
    exec(code, ns)
    assert ns["y"].shape == (64, 512) and ns["model"][0].weight.grad is not None
    assert ns["h"].dtype == torch.bfloat16 and ns["z"].shape == (2, 16, 8)


def test_modules_copy_and_pickle():
    """Models holding cact.torch modules deep-copy and pickle (torch.save),
    both tiers, PReLU's weight in the state dict."""
    import copy
    import io
    import pickle
    m = torch.nn.Sequential(torch.nn.Linear(4, 4), ct.GELU(approximate="tanh", tier="fast"), ct.SiLU(),
                            ct.PReLU(4), ct.Softmax(-1), ct.Maxout(2))
    x = torch.randn(3, 4)
    buf = io.BytesIO()
    torch.save(m, buf)
    buf.seek(0)
    for m2 in (copy.deepcopy(m), pickle.loads(pickle.dumps(m)), torch.load(buf, weights_only=False)):
        assert torch.equal(m(x), m2(x))
    assert "3.weight" in m.state_dict()
