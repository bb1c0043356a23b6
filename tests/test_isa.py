"""ISA levels (CACT_ISA lowers the level the kernels run at; the `isa`
fixture switches it, and skips a test that compares levels where the CPU
lacks one of them): v4 and v3 give the same bits (the same fused
arithmetic); the baseline, which has no FMA instruction and computes
polynomials with separate multiply and add (exact products by Dekker's
algorithm), may differ in the last bit but meets the same accuracy bounds.
Elementwise kernels and the functions along an axis; and the object code
of each axis kernel's instantiation per level."""
import importlib.util
import os
import platform
import shutil

import numpy as np
import pytest
from helpers import (
    AXIS_OPS,
    AXIS_ULP,
    LEVEL_NAMES,
    ROOT,
    SOFT,
    available_levels,
    axis_call,
    longdouble_axis_reference,
    run,
    sample_reference,
    worst_ulp,
)

import cact
from cact import _axis, _elementwise
from cact._catalogue import AXIS, KERNEL_FUNC, KERNELS
from cact._reference import sample, ulp_error


def test_levels_are_reported(isa):
    assert cact.isa_level() in ("x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2+FMA)", "baseline")
    assert isa("baseline") == "baseline"
    for lvl in isa.each():              # every level the CPU has, by the name isa_level() gives
        assert cact.isa_level() == LEVEL_NAMES[lvl]
    assert available_levels()[-1] == "baseline"


@pytest.mark.parametrize("kernel", KERNELS)
def test_v4_and_v3_agree_bit_for_bit(kernel, dtype, isa):
    x = sample(dtype, n_log=500)
    results = {lvl: run(kernel, x) for lvl in isa.each("v4", "v3")}
    np.testing.assert_array_equal(results["v3"], results["v4"], err_msg=f"{kernel} at v3")


@pytest.mark.parametrize("kernel", KERNELS)
def test_baseline_within_bounds(kernel, dtype, isa):
    dt = np.dtype(dtype).name
    ref = sample_reference(kernel, dt, n_log=500)
    x = sample(dt, n_log=500)
    isa("baseline")
    y = run(kernel, x)
    err, i = worst_ulp(y, *ref)
    bound = KERNEL_FUNC[kernel].ulp[dt == "float64"]
    assert err <= bound, f"{kernel} {dt} baseline: {err:.3g} ulp at x={x[i]!r}"


@pytest.mark.parametrize("op", AXIS_OPS)
def test_axis_levels_agree(op, dtype, isa):
    """Along an axis: v4 and v3 give the same bits (same operations, fused
    alike); the baseline has no fma, and the math core's polynomials may
    round differently there: every level within the accuracy bound
    (maxout and prelu round nothing: the same bits everywhere)."""
    f, kw = axis_call(op)
    rng = np.random.default_rng(8)
    inputs = [(rng.uniform(-700, 50, (5, 3000)), -1), (rng.uniform(-30, 30, (70, 10)), -1),
              (rng.uniform(-80, 80, (34, 300)), 0), (rng.uniform(-5, 5, (3, 900, 20)), 1)]
    for x, axis in inputs:
        x = x.astype(dtype)
        got = {lvl: f(x, axis=axis, **kw) for lvl in isa.each("v4", "v3", "baseline")}
        np.testing.assert_array_equal(got["v3"], got["v4"], err_msg=f"{op} at v3")
        if op in SOFT:
            ref = longdouble_axis_reference(x, op, axis)
            for lvl, y in got.items():
                err = ulp_error(y, *ref).max()
                assert err <= AXIS_ULP[op][dtype == np.float64], (lvl, err)
        else:
            np.testing.assert_array_equal(got["baseline"], got["v4"], err_msg=f"{op} at baseline")


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 object code")
def test_axis_object_code_is_vectorized_per_level():
    """Every axis kernel's x86-64-v4 instantiation uses zmm registers and
    its v3 instantiation ymm (read from the built extension with objdump);
    they call out of line nothing but what the elementwise kernels call,
    log1p (once per row), memset (which gcc makes of the loops that zero a
    tile's sums), and the float64 softmax's rebase (at most once per
    column, kept out of line so that its column loop is not vectorized)."""
    tool = os.path.join(ROOT, "tools", "objdump_kernels.py")
    if not os.path.exists(tool) or shutil.which("objdump") is None:
        pytest.skip("needs tools/objdump_kernels.py and objdump")
    spec = importlib.util.spec_from_file_location("objdump_kernels", tool)
    od = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(od)
    table = od.kernels(od.disassemble(_axis.__file__))
    elem = od.kernels(od.disassemble(_elementwise.__file__))
    if any("__asan" in c or "__ubsan" in c for v in table.values() for c in v["calls"]):
        pytest.skip("sanitizer build (.ci/sanitize): the object code is instrumented, not the shipped one")
    allowed = {c for (k, _, lv), v in elem.items() if k == "sigmoid" and lv == "v4" for c in v["calls"]}
    for name, _, _, _ in AXIS:
        for dt in ("f32", "f64"):
            v4, v3 = table[(name, dt, "v4")], table[(name, dt, "v3")]
            assert v4["zmm"] > 0 and v3["ymm"] > 0 and v3["zmm"] == 0, (name, dt, v4, v3)
            calls = {c.split("@")[0] for c in v4["calls"] + v3["calls"]}
            extra = {"log1p", "log1pl", "fma", "memset"} | ({"cact__ax_rebase_f64"} if dt == "f64" else set())
            assert calls <= {c.split("@")[0] for c in allowed} | extra, (name, dt, calls)
