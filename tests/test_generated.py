"""The generated wrappers are what tools/generate.py makes from the catalogue."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "tools", "generate.py")


@pytest.mark.skipif(not os.path.exists(GEN), reason="not a source checkout")
def test_generated_files_are_current():
    r = subprocess.run([sys.executable, GEN, "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_catalogue_function_is_exported():
    import cact
    from cact._catalogue import ELEMENTWISE
    for f in ELEMENTWISE:
        assert callable(getattr(cact, f.name)) and f.name in cact.__all__
