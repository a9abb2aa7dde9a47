"""The two list kernels every neuron runs: a dot product and a scaled update.

A neuron's forward pass is ``net = dot(weights, inputs) + bias`` and its
gradient-descent step is ``weights = subtract_scaled(weights, inputs, η·δ)``.
These two loops are where almost all the time goes, so each interpreter gets
the fastest form it has:

* the dot product: ``math.sumprod`` on CPython 3.12+ (one C loop, extended
  precision); ``sum(map(operator.mul, …))`` on older CPython (C loops, no
  bytecode per item); a plain loop on PyPy (its JIT compiles it) and
  MicroPython (whose ``operator`` has no ``mul``);
* the update: a list comprehension (CPython 3.11+, PyPy, MicroPython), or
  ``map(sub, values, map(mul, direction, repeat(scale)))`` before 3.11.

Two more work on a layer at once: ``combine(rows, coefficients)`` is
Σ_k coefficients[k]·rows[k] (BP2: ∂E/∂out_h1 = δ_o1·w5 + δ_o2·w7 is item 0
of ``combine([[w5, w6], [w7, w8]], [δ_o1, δ_o2])``), and ``take_steps``
takes several steps of every neuron of a layer in one pass.

>>> round(dot([0.15, 0.2], [0.05, 0.1]), 12)   # w1·i1 + w2·i2, the start of net_h1
0.0275
>>> subtract_scaled([0.4, 0.45], [0.5, 1.0], 0.1)
[0.35000000000000003, 0.35]
>>> combine([[1.0, 2.0], [3.0, 4.0]], [0.5, 0.25])
[1.25, 2.0]
"""

import math
import sys

try:
    from operator import mul as _mul
except ImportError:  # MicroPython's operator module has no mul
    _mul = None


_cpython = getattr(sys, "implementation", None) is not None and \
    sys.implementation.name == "cpython"


def _dot_map(a, b):
    return sum(map(_mul, a, b))


def _dot_by_index(a, b):
    """Σ a_i·b_i, summed in order from 0.0, item by item (PyPy, MicroPython)."""
    total = 0.0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


HAS_SUMPROD = _cpython and hasattr(math, "sumprod")
if HAS_SUMPROD:
    from itertools import repeat
    from math import sumprod

# Chosen once, at import time, by measurement (``benchmarks/run.py``):
# math.sumprod ≈ 10 ns per item, sum(map(mul)) ≈ 25 ns, a loop ≈ 35 ns on
# CPython; under PyPy an index loop is fastest once jitted (zip() in a hot
# loop is several times slower), and MicroPython's operator has no mul.
if HAS_SUMPROD:
    dot = math.sumprod
elif _mul is not None and _cpython:
    dot = _dot_map
else:
    dot = _dot_by_index


def _subtract_scaled_list(values, direction, scale):
    """Return ``[v - scale·d for v, d in zip(values, direction)]``.

    A neuron's gradient step is ``subtract_scaled(weights, inputs, η·δ)``:
    ∂E/∂w_i = δ·input_i, so the inputs are the direction of the step.
    """
    return [v - scale * d for v, d in zip(values, direction)]


def _subtract_scaled_map(values, direction, scale):
    """The same as a map: C loops, faster than a comprehension before CPython 3.11."""
    return list(map(_sub, values, map(_mul, direction, _repeat(scale))))


# The comprehension is fastest from CPython 3.11 on (≈ 40–48 ns per weight;
# the map ≈ 48–70), and on PyPy and MicroPython; before 3.11 the map wins.
if _mul is not None and _cpython and sys.version_info < (3, 11):
    from itertools import repeat as _repeat
    from operator import sub as _sub

    subtract_scaled = _subtract_scaled_map
else:
    subtract_scaled = _subtract_scaled_list


def _step_by_copy(values, direction, scale):
    """``values[i] ← values[i] − scale·direction[i]`` for every i, in place.

    The weight list keeps its identity: ``neuron.weights`` is the same list
    object before and after a step.
    """
    values[:] = subtract_scaled(values, direction, scale)


def _step_by_index(values, direction, scale):
    """The same, item by item (PyPy, MicroPython)."""
    for i in range(len(values)):
        values[i] = values[i] - scale * direction[i]


#: True where ``values[:] = [v - scale * d for v, d in zip(values, direction)]``
#: is the fastest step (CPython 3.11+): hot loops may write it out inline.
STEP_BY_COMPREHENSION = subtract_scaled is _subtract_scaled_list and _cpython

# On CPython, building a new list in C and copying it in beats touching each
# item from bytecode.  Elsewhere (PyPy's JIT, MicroPython) indexing in place is
# fastest and allocates nothing.

subtract_scaled_in_place = _step_by_copy if _cpython else _step_by_index


def _folding(count, start="v"):
    """``fold(values, columns, scales, p, q, others)``, written out for
    ``count`` steps: ``[v - s0*x0 - s1*x1 … for v, (x0, x1, …) in zip(values,
    columns)]``, where column i holds item i of every step's direction.
    ``start`` is where each item starts from: ``v``, or ``p * v`` (a decayed
    velocity), or ``v + q * o`` (a weight plus its velocity's share)."""
    steps = range(count)
    items = "v, o, (%s,)" % ", ".join("x%d" % j for j in steps)
    source = ("def fold(values, columns, scales, p=1.0, q=0.0, others=None):\n"
              "    %s, = scales\n"
              "    return [%s%s for %s in zip(values, %scolumns)]\n"
              % (", ".join("s%d" % j for j in steps), start,
                 "".join(" - s%d * x%d" % (j, j) for j in steps),
                 items if "o" in start else items.replace("v, o,", "v,"),
                 "others, " if "o" in start else ""))
    namespace = {}
    exec(source, namespace)
    return namespace["fold"]


def fold_steps(values, directions, scales):
    """``values`` after the steps v ← v − s_j·d_j for j = 1, 2, … in turn, as a new list.

    One pass instead of one per step (up to :data:`MAX_FOLD` steps a pass),
    rounded exactly as the steps taken one at a time: ``v - a*x1 - b*x2`` is
    ``(v - a*x1) - b*x2``.

    >>> fold_steps([1.0, 2.0], [[1.0, 0.0], [0.5, 1.0]], [0.5, 0.25])
    [0.375, 1.75]
    """
    while MAX_FOLD and len(scales) > MAX_FOLD:
        values = fold_steps(values, directions[:MAX_FOLD], scales[:MAX_FOLD])
        directions, scales = directions[MAX_FOLD:], scales[MAX_FOLD:]
    fold = _FOLDS.get(len(scales))
    if fold is not None:
        return fold(values, zip(*directions), scales)
    for direction, scale in zip(directions, scales):
        values = subtract_scaled(values, direction, scale)
    return values


def _steps_by_copy(values, directions, scales):
    """``values[i] ← values[i] − s_1·d_1[i] − s_2·d_2[i] − …``, in place, the
    steps in order (a fold, copied back)."""
    values[:] = fold_steps(values, directions, scales)


def _steps_by_index(values, directions, scales):
    """The same, one step after the other, item by item (PyPy, MicroPython)."""
    for j in range(len(scales)):
        direction = directions[j]
        scale = scales[j]
        for i in range(len(values)):
            values[i] = values[i] - scale * direction[i]


#: Steps folded into one pass over a list at most (CPython; see fold_steps).
MAX_FOLD = 16 if _cpython else 0
_FOLDS = {count: _folding(count) for count in range(1, MAX_FOLD + 1)}
#: The same folds for momentum steps (see take_steps' ``decay`` and ``others``),
#: written on first use: most runs never hold a momentum step back.
_FOLDS_FROM = {}


def _fold_from(start, count):
    """The fold for ``count`` steps starting from ``start``, or None past MAX_FOLD."""
    if not 1 <= count <= MAX_FOLD:
        return None
    fold = _FOLDS_FROM.get((start, count))
    if fold is None:
        fold = _FOLDS_FROM[(start, count)] = _folding(count, start)
    return fold

#: ``subtract_scaled_steps_in_place(values, directions, scales)``: several
#: steps in one call, rounded exactly as the steps one by one.
subtract_scaled_steps_in_place = _steps_by_copy if _cpython else _steps_by_index


# -- a layer's worth of steps, and weighted sums of rows ----------------------

def _take_steps_by_sumprod(rows, directions, scales_per_step, decay=1.0, others=None,
                           share=0.0):
    if len(directions) < 12:   # a sumprod call costs more than a short fold
        _take_steps_by_folding(rows, directions, scales_per_step, decay, others, share)
        return
    columns = list(zip(*directions))   # column i: item i of every direction
    if others is not None:
        for row, other, scales in zip(rows, others, zip(*scales_per_step)):
            row[:] = [v + share * o - sumprod(scales, column)
                      for v, o, column in zip(row, other, columns)]
    elif decay != 1.0:
        for row, scales in zip(rows, zip(*scales_per_step)):
            row[:] = [decay * v - sumprod(scales, column) for v, column in zip(row, columns)]
    else:
        for row, scales in zip(rows, zip(*scales_per_step)):
            row[:] = [v - sumprod(scales, column) for v, column in zip(row, columns)]


def _take_steps_by_folding(rows, directions, scales_per_step, decay=1.0, others=None,
                           share=0.0):
    if others is not None:
        fold = _fold_from("v + q * o", len(directions))
    elif decay != 1.0:
        fold = _fold_from("p * v", len(directions))
    else:
        fold = _FOLDS.get(len(directions))
    if fold is None:   # more steps than a pass folds (or PyPy, MicroPython)
        for r, (row, scales) in enumerate(zip(rows, zip(*scales_per_step))):
            if others is not None:
                row[:] = [v + share * o for v, o in zip(row, others[r])]
            elif decay != 1.0:
                row[:] = [decay * v for v in row]
            subtract_scaled_steps_in_place(row, directions, scales)
        return
    columns = list(zip(*directions))   # built once, read by every row
    if others is None:
        others = rows
    for row, other, scales in zip(rows, others, zip(*scales_per_step)):
        row[:] = fold(row, columns, scales, decay, share, other)


#: ``take_steps(rows, directions, scales_per_step)``: for every step j and
#: row r, ``rows[r] ← rows[r] − scales_per_step[j][r]·directions[j]``, in
#: place.  A layer's held-back steps are this, one row per neuron's weights,
#: one direction per step's inputs.  On CPython 3.12+, from 12 steps, each
#: item's steps are summed by one ``math.sumprod`` (≈ 17 ns per weight and
#: step at 24 steps, ≈ 20 at 16, ≈ 28 at 8, against ≈ 25 for a fold: the
#: call costs ≈ 0.17 µs, the products ≈ 10 ns each); otherwise each row is
#: folded, rounded exactly as the steps one by one.
#:
#: Momentum steps start each row elsewhere, in the same pass: ``decay=μ^t``
#: starts from ``decay·rows[r]`` (a velocity), ``others=velocities`` and
#: ``share=a`` from ``rows[r] + a·others[r]`` (a weight).
take_steps = _take_steps_by_sumprod if HAS_SUMPROD else _take_steps_by_folding


def _combine_by_folding(rows, coefficients):
    # v − (−c)·w is exactly v + c·w, so folding from 0.0 sums each column in order.
    return fold_steps([0.0] * len(rows[0]), rows, [-c for c in coefficients])


def _combine_by_index(rows, coefficients):
    """The same, row after row, item by item (PyPy, MicroPython)."""
    coefficient = coefficients[0]
    total = [0.0 + coefficient * value for value in rows[0]]   # from 0.0, as dot() sums
    for k in range(1, len(rows)):
        row = rows[k]
        coefficient = coefficients[k]
        for i in range(len(total)):
            total[i] = total[i] + coefficient * row[i]
    return total


def _combine_by_sumprod(rows, coefficients):
    if len(rows) < 8:   # a few rows: folding costs less than a sumprod per column
        return _combine_by_folding(rows, coefficients)
    return list(map(sumprod, zip(*rows), repeat(coefficients)))


#: ``combine(rows, coefficients)``: Σ_k coefficients[k]·rows[k], a new list
#: (see the module docstring).  Each column is summed in order from 0.0, as
#: a plain loop sums it, except on CPython 3.12+ with many rows (one
#: ``math.sumprod`` per column).
if HAS_SUMPROD:
    combine = _combine_by_sumprod
elif _cpython:
    combine = _combine_by_folding
else:
    combine = _combine_by_index

#: How many gradient steps a layer may hold back and take in one pass over
#: its weights (see NeuronLayer.update and take_steps).  Each pass saves the
#: loop overhead of the passes it replaces; each step held back costs every
#: forward pass one dot product with its inputs.  Held-back steps change how
#: net inputs round (a correction instead of a dot product with the stepped
#: weights): trained weights then differ from PyPy's in the last bits.  PyPy
#: and MicroPython step in place, allocating nothing (holding back cost PyPy
#: ≈ 30% at 64-30-10).  Measured at 64-30-10 (``benchmarks/compare.py``):
#: 16–32 within noise of each other on 3.12+, 6–12 on 3.8–3.11.
if HAS_SUMPROD:
    MAX_DEFERRED_STEPS = 24
elif _cpython:
    MAX_DEFERRED_STEPS = 8
else:
    MAX_DEFERRED_STEPS = 0

#: Momentum steps are held back only where that pays: with math.sumprod
#: (CPython 3.12+).  Momentum keeps two vectors per neuron, so held back it
#: costs a second dot product per neuron and sample and a second pass per take;
#: measured at 64-30-10 (online fit, per sample, as a multiple of plain online
#: fit): 3.13 eager 2.2×, held back 1.6×; 3.11 eager and held back both 1.75×.
HOLD_MOMENTUM = HAS_SUMPROD

#: ... and only layers with at least this many inputs: below it the
#: corrections cost as much as the fold saves (measured on CPython 3.11:
#: no gain at 4–32 inputs, 13% at 64).  So every network with a narrow first
#: layer trains bit-identically on CPython 3.8–3.11 and PyPy.
MIN_INPUTS_TO_HOLD_BACK = 48
