"""A tiny check-and-report helper for the MicroPython smoke scripts.

The smoke scripts (``smoke_*.py`` in this folder) are plain Python that
MicroPython can run: no pytest, no f-strings, no ``typing``.  Each prints one
``PASS name`` or ``FAIL name: detail`` line per check and ends with
``smoke.done()``, which raises ``SystemExit(1)`` if anything failed.

The same scripts run under CPython and PyPy (``tests/test_smoke_scripts.py``)
and under MicroPython 1.27 (``node .ci/micropython.mjs``).
"""

import sys

if sys.implementation.name != "micropython":
    # Run as ``python tests/micropython/smoke_x.py``: make the repository importable.
    # (The MicroPython runner sets sys.path itself.)
    import os

    _ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if _ROOT not in sys.path:
        sys.path.insert(0, _ROOT)

_counts = [0, 0]  # passed, failed


def check(name, ok, detail=""):
    """Record one check: print ``PASS name`` or ``FAIL name: detail``."""
    if ok:
        _counts[0] += 1
        print("PASS %s" % name)
    else:
        _counts[1] += 1
        print("FAIL %s: %s" % (name, detail))
    return ok


def close(name, got, expected, tolerance):
    """Check |got − expected| <= tolerance (numbers or equal-length lists of numbers)."""
    if isinstance(expected, (list, tuple)):
        if len(got) != len(expected):
            return check(name, False, "expected %d values, got %d" % (len(expected), len(got)))
        worst = max(abs(g - e) for g, e in zip(got, expected))
    else:
        worst = abs(got - expected)
    return check(name, worst <= tolerance,
                 "got %r, expected %r (off by %.3g > %.3g)" % (got, expected, worst, tolerance))


def done():
    """Print the tally; raise SystemExit(1) if any check failed."""
    passed, failed = _counts
    print("%s: %d passed, %d failed on %s %s" % (
        "OK" if not failed and passed else "FAILED", passed, failed,
        sys.implementation.name, ".".join(str(v) for v in sys.implementation.version[:3])))
    if failed or not passed:
        raise SystemExit(1)
