"""Fixtures shared by the test modules, and the collection order for
pytest-xdist.  Plain helper functions are in helpers.py."""
import os

import numpy as np
import pytest
from helpers import LEVEL_NAMES, LEVELS, available_levels, hardware_level, set_level

import cact
from cact import _parallel
from cact._catalogue import DTYPES


@pytest.fixture(params=DTYPES)
def dtype(request):
    return np.dtype(request.param)


class IsaLevels:
    """The `isa` fixture: switches the ISA level every kernel runs at.

    isa(level)        run at `level` from now on ('v4', 'v3', 'baseline');
                      the test is skipped where the CPU lacks that level
    isa.each(*levels) iterate over `levels` (by default every level the CPU
                      has, best first), switched to each in turn; the test
                      is skipped where the CPU lacks one of the levels named,
                      so that no level is ever compared with itself
    """

    def __init__(self):
        self.hardware = hardware_level()
        self.available = available_levels()

    def _require(self, levels):
        missing = [lv for lv in levels if lv not in self.available]
        if missing:
            pytest.skip(f"the CPU ({LEVEL_NAMES[self.hardware]}) lacks {', '.join(LEVEL_NAMES[lv] for lv in missing)}: "
                        f"the test runs at {', '.join(levels)}")

    def __call__(self, level):
        assert level in LEVELS, level
        self._require([level])
        return set_level(level)

    def each(self, *levels):
        for lv in levels:
            assert lv in LEVELS, lv
        self._require(levels)
        for lv in (levels or self.available):
            set_level(lv)
            yield lv


@pytest.fixture
def isa():
    """Switch ISA levels for one test (IsaLevels); CACT_ISA and the level
    in use are restored after it."""
    saved = os.environ.get("CACT_ISA")
    try:
        yield IsaLevels()
    finally:
        set_level(saved)


@pytest.fixture
def num_threads():
    """cact.set_num_threads for one test; the thread count is restored after it."""
    saved = cact.get_num_threads()
    try:
        yield cact.set_num_threads
    finally:
        cact.set_num_threads(saved)


@pytest.fixture
def grain():
    """_parallel._grain_override for one test: grain(g) makes every call of
    at least 2 * g elements split over the pool (0: the tuned grains again,
    as after the test)."""
    try:
        yield _parallel._grain_override
    finally:
        _parallel._grain_override(0)


# The groups that build C code for minutes (their modules' xdist_group
# marks; `pytest -n auto --dist loadgroup`) are collected first, longest
# first, so that no worker starts one of them when the rest of the suite is
# done; without xdist, the order changes nothing.
_FIRST = ("test_sanitizers.py", "test_embedding.py", "test_math_core.py")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _FIRST.index(item.path.name) if item.path.name in _FIRST else len(_FIRST))
