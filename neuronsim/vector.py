"""The two list kernels every neuron runs: a dot product and a scaled update.

A neuron's forward pass is ``net = dot(weights, inputs) + bias`` and its
gradient-descent step is ``weights = subtract_scaled(weights, inputs, η·δ)``.
These two loops are where almost all the time goes, so each interpreter gets
the fastest form it has:

* CPython 3.12+: ``math.sumprod`` (one C loop, extended precision);
* older CPython: ``sum(map(operator.mul, …))`` (C loops, no bytecode per item);
* PyPy and MicroPython: a plain loop (PyPy's JIT compiles it; MicroPython's
  ``operator`` has no ``mul``).

>>> round(dot([0.15, 0.2], [0.05, 0.1]), 12)   # w1·i1 + w2·i2, the start of net_h1
0.0275
>>> subtract_scaled([0.4, 0.45], [0.5, 1.0], 0.1)
[0.35000000000000003, 0.35]
"""

import math
import sys

try:
    from operator import mul as _mul
except ImportError:  # MicroPython's operator module has no mul
    _mul = None


def _dot_loop(a, b):
    """Σ a_i·b_i over two equal-length lists."""
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


def _dot_map(a, b):
    return sum(map(_mul, a, b))


if hasattr(math, "sumprod"):
    dot = math.sumprod
elif _mul is not None and sys.implementation.name == "cpython":
    dot = _dot_map
else:
    dot = _dot_loop


def subtract_scaled(values, direction, scale):
    """Return ``[v - scale·d for v, d in zip(values, direction)]``.

    A neuron's gradient step is ``subtract_scaled(weights, inputs, η·δ)``:
    ∂E/∂w_i = δ·input_i, so the inputs are the direction of the step.
    """
    return [v - scale * d for v, d in zip(values, direction)]
