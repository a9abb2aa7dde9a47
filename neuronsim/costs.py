"""Cost functions: how wrong the outputs are, and how that error flows back.

A cost is a small object (in the manner of Nielsen's ``network2.py``) with

* ``errors(targets, outputs, nets, activation)`` – the error of each output
  neuron (E_o1, E_o2 in the worked example); the total E is their sum;
* ``pd_error_wrt_outputs(targets, outputs, activation)`` – ∂E/∂out for each output;
* ``output_deltas(targets, outputs, nets, activation)`` – δ = ∂E/∂net for the
  output layer when a shortcut is exact, or ``None`` to use the chain rule
  ∂E/∂out × ∂out/∂net.

>>> cost = SquaredError()
>>> [round(e, 9) for e in cost.errors([0.01, 0.99], [0.7513650696, 0.7729284653])]
[0.274811083, 0.023560026]
>>> round(cost.pd_error_wrt_outputs([0.01], [0.7513650696])[0], 9)   # ∂E/∂out_o1
0.74136507
"""

import math

from .activations import Sigmoid, Softmax
from .validation import look_up

try:
    _log1p = math.log1p
except AttributeError:  # MicroPython

    def _log1p(x):
        return math.log(1.0 + x)


def _softplus(z):
    """ln(1 + e^z), without overflow: −ln σ(−z)."""
    if z > 0.0:
        return z + _log1p(math.exp(-z))
    return _log1p(math.exp(z))


class Cost:
    """Base class; see the module docstring for the three methods.

    Like an activation, a cost carries its texts: :meth:`formulas` gives
    ``explain`` the error and ∂E/∂out of output ``o`` as formulas and as
    templates for the numbers, and ``source`` maps a target language to
    expressions for one output's error and ∂E/∂out in ``{t}`` and ``{out}``
    (empty where the cost needs the whole layer: the compiled step then
    calls the cost's methods).
    """

    name = None
    source = {}

    def formulas(self, activation, o):
        """(E_o formula, its numeric template, ∂E/∂out_o formula, its template).

        Templates take ``{t}`` and ``{out}``; a None template means the
        numbers are not written out.
        """
        return ("%s(t_%s, out_%s)" % (self.name, o, o), None, None, None)

    def check_activation(self, activation):
        """Raise ValueError if this cost cannot be used with the output activation."""

    def check_targets(self, targets, name="targets"):
        """Raise ValueError if the targets make no sense for this cost."""

    def errors(self, targets, outputs, nets=None, activation=None):
        raise NotImplementedError

    def fn(self, targets, outputs, nets=None, activation=None):
        """The total error E = Σ over output neurons."""
        return sum(self.errors(targets, outputs, nets, activation))

    def pd_error_wrt_outputs(self, targets, outputs, activation=None):
        raise NotImplementedError

    def output_deltas(self, targets, outputs, nets, activation):
        return None

    def __repr__(self):
        return "<cost %s>" % self.name


class SquaredError(Cost):
    """E = Σ ½(target − out)², the worked example's error; ∂E/∂out = out − target."""

    name = "squared_error"
    source = {"python": {"error": "0.5 * ({t} - {out}) * ({t} - {out})",
                         "pd": "{out} - {t}"}}

    def formulas(self, activation, o):
        return ("½(t_{o} − out_{o})²".format(o=o), "½({t} − {out})²",
                "out_{o} − t_{o}".format(o=o), "{out} − {t}")

    def errors(self, targets, outputs, nets=None, activation=None):
        return [0.5 * (t - o) * (t - o) for t, o in zip(targets, outputs)]

    def pd_error_wrt_outputs(self, targets, outputs, activation=None):
        return [o - t for t, o in zip(targets, outputs)]


class CrossEntropy(Cost):
    """Cross-entropy, for sigmoid or softmax outputs; δ = out − target.

    With sigmoid outputs it is the binary cross-entropy of each output,
    E = −Σ [t·ln a + (1 − t)·ln(1 − a)]; with softmax outputs it is the
    categorical cross-entropy E = −Σ t·ln a.  In both, the slope of the
    activation cancels and the output delta is simply a − t (for softmax,
    a·Σt − t, which is a − t when the targets sum to 1).  That is why this
    cost learns fast even when a sigmoid output saturates.

    The error is computed from the net inputs (ln σ(z) = −softplus(−z),
    ln softmax_k = z_k − ln Σ e^z), so it stays exact where a rounds to 0 or 1.

    >>> cost = CrossEntropy()
    >>> round(cost.fn([1.0], [0.5], [0.0], Sigmoid()), 6)   # ln 2
    0.693147
    >>> cost.output_deltas([1.0], [0.75], [1.1], Sigmoid())
    [-0.25]
    """

    name = "cross_entropy"

    def formulas(self, activation, o):
        if not activation.elementwise:
            return ("−t_{o}·ln out_{o}".format(o=o), "−{t}·ln {out}",
                    "−t_{o}/out_{o}".format(o=o), "−{t}/{out}")
        return ("−[t_{o}·ln out_{o} + (1 − t_{o})·ln(1 − out_{o})]".format(o=o),
                "−[{t}·ln {out} + (1 − {t})·ln(1 − {out})]",
                "(out_{o} − t_{o})/(out_{o}·(1 − out_{o}))".format(o=o),
                "({out} − {t})/({out}·(1 − {out}))")

    def check_activation(self, activation):
        if not isinstance(activation, (Sigmoid, Softmax)):
            raise ValueError("cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output "
                             "activation, got %r" % (activation.name,))

    def check_targets(self, targets, name="targets"):
        for index, target in enumerate(targets):
            if not 0.0 <= target <= 1.0:
                raise ValueError("%s[%d]: cross_entropy needs targets in [0, 1], got %r"
                                 % (name, index, target))

    def errors(self, targets, outputs, nets=None, activation=None):
        if isinstance(activation, Softmax):
            largest = max(nets)
            log_total = largest + math.log(sum(math.exp(z - largest) for z in nets))
            return [t * (log_total - z) if t else 0.0 for t, z in zip(targets, nets)]
        result = []
        for t, z in zip(targets, nets):
            error = t * _softplus(-z) if t else 0.0        # −t·ln σ(z)
            if t != 1.0:
                error += (1.0 - t) * _softplus(z)          # −(1−t)·ln(1 − σ(z))
            result.append(error)
        return result

    def pd_error_wrt_outputs(self, targets, outputs, activation=None):
        # Reported for learners; the backward pass uses the exact shortcut in
        # output_deltas, which stays finite where a rounds to 0 or 1.
        result = []
        if isinstance(activation, Softmax):
            for t, a in zip(targets, outputs):    # ∂(−t·ln a)/∂a = −t/a
                result.append(-t / a if a else (0.0 if t == 0.0 else -math.inf))
            return result
        for t, a in zip(targets, outputs):        # (a − t) / (a·(1 − a))
            denominator = a * (1.0 - a)
            if denominator:
                result.append((a - t) / denominator)
            else:
                result.append(0.0 if a == t else math.copysign(math.inf, a - t))
        return result

    def output_deltas(self, targets, outputs, nets, activation):
        if isinstance(activation, Softmax):
            target_total = sum(targets)
            return [a * target_total - t for t, a in zip(targets, outputs)]
        return [a - t for t, a in zip(targets, outputs)]


COSTS = {"squared_error": SquaredError(), "cross_entropy": CrossEntropy()}


def get_cost(cost, name="cost"):
    """A cost from its name, or a :class:`Cost` given as it is.

    >>> get_cost("hinge")
    Traceback (most recent call last):
      ...
    ValueError: cost: unknown cost 'hinge'; expected one of 'cross_entropy', 'squared_error'
    """
    return look_up(cost, COSTS, Cost, name, "cost")
