"""The float64 softmax / softmin column kernel's reference max: along axis 0
of a block of 64 rows and columns or more, each column's max is first taken
from its first 16 rows (the sample); an entry far above that reference
later rescales the terms already summed by e^(r - R) (a rebase), in
double-double where 600 < R - r < 1400 and to 0 beyond.  Results within the
bound against mpmath, special columns exactly, every column from its own
entries only, in place equal to out of place, at every ISA level.
(float32, whose column kernel takes the exact max first, gets the same
inputs and the same assertions.)"""
import math

import numpy as np
from helpers import AXIS_ULP, exact_rows, max_ulp

import cact

INF = math.inf
NAN = math.nan


def _rebase_block(dtype):
    """A [200, 70] block whose first 10 columns break the reference max: a
    later entry far above it (the rows before end near e^-60, near e^-450,
    or at 0), one right after the sample (subnormal results), one in the
    last row; +inf arriving late; a sample of -inf (the exact max instead);
    NaN after the rebase; and a column of -inf."""
    rng = np.random.default_rng(21)
    x = rng.uniform(-1, 1, (200, 70))
    x[100, 0], x[40:100:7, 0] = 650.0, 590.0       # old rows end near e^-60
    x[50, 1], x[60:70, 1] = 1000.5, 550.25          # rebase here, at row 50; old e^-450
    x[16, 2] = 740.0                                # right after the sample: subnormal results
    x[199, 3] = 720.0                               # the last row
    x[150, 4] = INF                                 # then +inf: 1 there, 0 elsewhere
    x[30, 5] = 1e6                                  # far above: the rows before go to 0
    x[:16, 6], x[16:40, 6] = -INF, -INF             # the sample's max is -inf
    x[120, 7] = NAN
    x[:, 8] = -INF
    x[:, 9:] *= 300.0                               # plain, in the rebased tile
    return x.astype(dtype)


def test_reference_max_rebase(dtype):
    """Columns whose later entries dwarf the first rows', for softmax and
    softmin: within the bound against mpmath, special columns exactly, in
    place equal to out of place."""
    x = _rebase_block(dtype)
    finite = [0, 1, 2, 3, 5, 6] + list(range(9, 70))
    for op in ("softmax", "softmin"):
        v = -x if op == "softmin" else x
        y = getattr(cact, op)(v, axis=0)
        bound = AXIS_ULP[op][dtype == np.float64]
        ref = exact_rows(np.ascontiguousarray(v[:, finite].T), op)
        assert max_ulp(y[:, finite].T, ref) <= bound, op
        assert (y[6, 6] == 0) and y[:40, 6].max() == 0 and y[40:, 6].min() > 0
        want = np.zeros(200, dtype)
        want[150] = 1
        np.testing.assert_array_equal(y[:, 4], want)
        assert np.isnan(y[:, 7]).all() and np.isnan(y[:, 8]).all()
        assert y[:30, 5].max() == 0 and y[30, 5] == 1
        z = v.copy()
        getattr(cact, op)(z, axis=0, out=z)
        np.testing.assert_array_equal(z, y)
        # each column from its own entries only: the same bits beside other
        # columns (shuffled), and in a second tile of a wider block
        perm = np.random.default_rng(5).permutation(70)
        np.testing.assert_array_equal(getattr(cact, op)(np.ascontiguousarray(v[:, perm]), axis=0), y[:, perm])
        wide = np.concatenate([v] * 16, axis=1)
        np.testing.assert_array_equal(getattr(cact, op)(wide, axis=0)[:, -70:], y)
        assert max_ulp(getattr(cact, op)(wide, axis=0)[:, finite].T, ref) <= bound


def test_reference_max_rebase_on_many_rows(dtype):
    """Columns that rebase each at its own row (a diagonal of entries 600
    to 1500 above the sample, past the range where the rows before keep
    nonzero results), and every column at once, in place too."""
    rng = np.random.default_rng(22)
    x = rng.uniform(-4, 4, (400, 300))
    k = np.arange(300)
    x[16 + k, k] = 600.0 + 3.0 * k
    y0 = rng.uniform(-4, 4, (200, 64))
    y0[17:] += 700.0
    for v in (x, y0):
        v = v.astype(dtype)
        for op in ("softmax", "softmin"):
            w = -v if op == "softmin" else v
            y = getattr(cact, op)(w, axis=0)
            ref = exact_rows(np.ascontiguousarray(w.T), op)
            assert max_ulp(y.T, ref) <= AXIS_ULP[op][dtype == np.float64], op
            z = w.copy()
            getattr(cact, op)(z, axis=0, out=z)
            np.testing.assert_array_equal(z, y)


def test_reference_max_rebase_levels(dtype, isa):
    """The rebase's scalar arithmetic gives the same bits at v3 and v4,
    and every level stays within the bound."""
    x = _rebase_block(dtype)
    got = {lvl: cact.softmax(x, axis=0) for lvl in isa.each("v4", "v3", "baseline")}
    np.testing.assert_array_equal(got["v3"], got["v4"])
    cols = [0, 1, 2, 3, 5, 9, 40]
    ref = exact_rows(np.ascontiguousarray(x[:, cols].T), "softmax")
    for lvl, y in got.items():
        assert max_ulp(y[:, cols].T, ref) <= AXIS_ULP["softmax"][dtype == np.float64], lvl
