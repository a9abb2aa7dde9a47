"""The MicroPython smoke scripts pass on this interpreter too (CPython or PyPy).

``.ci/run`` runs the same files under MicroPython 1.27; running them here as
well keeps them honest plain Python, and shows a failing check where pytest
users look first.
"""

import os
import subprocess
import sys

import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "micropython")
SCRIPTS = sorted(name for name in os.listdir(HERE)
                 if name.startswith("smoke_") and name.endswith(".py"))


def test_there_are_smoke_scripts():
    assert {"smoke_worked_example.py", "smoke_gradients.py", "smoke_xor.py",
            "smoke_edges.py"} <= set(SCRIPTS)


@pytest.fixture(scope="module")
def prepared():
    """Run tests/micropython/prepare_*.py (files the smoke scripts need), as .ci/run does."""
    for name in sorted(os.listdir(HERE)):
        if name.startswith("prepare_") and name.endswith(".py"):
            subprocess.run([sys.executable, os.path.join(HERE, name)], check=True, timeout=300,
                           cwd=os.path.dirname(os.path.dirname(HERE)))


@pytest.mark.parametrize("script", SCRIPTS)
def test_smoke_script_passes(prepared, script):
    result = subprocess.run([sys.executable, os.path.join(HERE, script)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=300)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    assert any(line.startswith("PASS ") for line in lines), result.stdout
    assert not any(line.startswith("FAIL ") for line in lines), result.stdout

