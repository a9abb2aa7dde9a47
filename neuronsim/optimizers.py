"""Optimizers: how a gradient becomes a step.

Backpropagation gives ∂E/∂w for every weight; an optimizer decides how far
each weight moves.  :func:`~neuronsim.training.fit` hands its optimizer the
network's parameters in groups — one group per neuron's weights, one per
layer's biases — each a list of floats it changes in place, with the
gradient of the group:

* :class:`SGD` is the worked example's w ← w − η·∂E/∂w, optionally with
  momentum (v ← μ·v − η·g, w ← w + v) and Nesterov's look-ahead
  (w ← w + μ·v − η·g with the new v);
* :class:`Adam` (Kingma and Ba) keeps a running mean m and mean square v of
  each weight's gradient and steps by η·m̂/(√v̂ + ε), where m̂ and v̂ are
  corrected for starting at zero; it follows ``torch.optim.Adam`` with its
  default options (the bias correction, ε added after the square root).

An optimizer holds its hyperparameters and the per-weight state it needs
(velocities; Adam's m, v and step count), so training continued with the
same optimizer object continues with its state.  ``net.train`` stays the
worked example's plain step; ``fit(optimizer=…)`` uses these.

Each class is the textbook update, once, in :meth:`Optimizer.step`; the
hot path of online training (one sample per step) calls
:meth:`Optimizer.step_scaled`, the same update for a gradient that is a
multiple of one vector (∂E/∂w_i = δ·input_i), without building the
gradient list first.

>>> sgd = SGD(0.5)
>>> weights = [0.4, 0.45]
>>> sgd.start_step()
>>> sgd.step(0, weights, [0.082167041, 0.082667628])   # w5, w6 of the worked example
>>> [round(w, 9) for w in weights]
[0.35891648, 0.408666186]
>>> adam = Adam(0.1)
>>> weights = [1.0]
>>> adam.start_step()
>>> adam.step(0, weights, [0.5])     # the first Adam step moves each weight by η (less ε)
>>> weights[0]
0.900000002

This module runs on MicroPython too (no ``typing``, no f-strings).
"""

import math

from .validation import check_number, describe, look_up

try:
    from operator import add as _add
except ImportError:   # MicroPython's operator module may lack add
    _add = None

_sqrt = math.sqrt


class Optimizer:
    """Base class: subclasses define :meth:`step` (and may speed up
    :meth:`step_scaled`).  ``state`` maps a group's key to its state."""

    name = None
    #: The step size η; None for "the learning rate fit was given".
    learning_rate = None

    def __init__(self):
        self.state = {}

    def reset(self):
        """Forget every group's state (a fresh start)."""
        self.state = {}

    def start_step(self):
        """Called once before each step of the whole network."""

    def step(self, key, values, gradients):
        """Move ``values`` (a list, changed in place) by their ``gradients``."""
        raise NotImplementedError

    def step_scaled(self, key, values, direction, scale):
        """:meth:`step` for the gradient ``scale·direction`` (item by item)."""
        self.step(key, values, [scale * d for d in direction])

    _lent = None   # the rate fit lent an optimizer without one of its own

    @property
    def rate(self):
        """The step size in force: ``learning_rate``, or, where that is None,
        the rate the last :meth:`lend_rate` gave (fit's or the network's)."""
        rate = self.learning_rate if self.learning_rate is not None else self._lent
        if rate is None:
            raise ValueError("learning_rate: this optimizer has none of its own; give it "
                             "one, or train with fit, which lends it fit's")
        return rate

    def lend_rate(self, learning_rate):
        """Use ``learning_rate`` wherever ``self.learning_rate`` is None; the
        optimizer's own setting is never changed."""
        self._lent = learning_rate

    def __repr__(self):
        return "<optimizer %s, learning rate %r>" % (self.name, self.learning_rate)


def _rate(learning_rate, allow_none):
    if learning_rate is None and allow_none:
        return None
    return check_number(learning_rate, "learning_rate", positive=True)


def _fraction(value, name):
    """A number in [0, 1)."""
    result = check_number(value, name, minimum=0.0)
    if result >= 1.0:
        raise ValueError("%s: expected a number in [0, 1), got %s" % (name, describe(value)))
    return result


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum μ and Nesterov's look-ahead.

    Without momentum: w ← w − η·g.  With momentum, each weight keeps a
    velocity: v ← μ·v − η·g, then w ← w + v (or, with ``nesterov=True``,
    w ← w + μ·v − η·g, a step from where the velocity is heading).
    ``learning_rate=None`` takes fit's (or the network's) learning rate.
    """

    name = "sgd"

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False):
        Optimizer.__init__(self)
        self.learning_rate = _rate(learning_rate, True)
        self.momentum = _fraction(momentum, "momentum")
        if not isinstance(nesterov, bool):
            raise TypeError("nesterov: expected True or False, got %s" % describe(nesterov))
        if nesterov and not self.momentum:
            raise ValueError("nesterov: Nesterov's look-ahead needs a momentum > 0")
        self.nesterov = nesterov

    @property
    def plain(self):
        """True for w ← w − η·g with nothing remembered (no momentum)."""
        return not self.momentum

    def step(self, key, values, gradients):
        self._move(key, values, gradients, self.rate)

    def step_scaled(self, key, values, direction, scale):
        # g_i = scale·direction_i, and η·g_i written (η·scale)·direction_i:
        # one multiplication per weight fewer than step() (rounding may differ
        # in the last bit); no gradient list is built.
        self._move(key, values, direction, self.rate * scale)

    def _move(self, key, values, direction, rate):
        """The update with η·g_i = rate·direction_i."""
        mu = self.momentum
        if not mu:
            values[:] = [w - rate * d for w, d in zip(values, direction)]
            return
        velocity = self.state.get(key)
        if velocity is None:
            velocity = [0.0] * len(values)
        velocity = [mu * v - rate * d for v, d in zip(velocity, direction)]   # v ← μ·v − η·g
        self.state[key] = velocity
        if self.nesterov:   # w ← w + μ·v − η·g
            values[:] = [w + mu * v - rate * d for w, v, d in zip(values, velocity, direction)]
        elif _add is not None:   # w ← w + v, in C
            values[:] = map(_add, values, velocity)
        else:
            values[:] = [w + v for w, v in zip(values, velocity)]

    def __repr__(self):
        return "SGD(learning_rate=%r, momentum=%r, nesterov=%r)" % (
            self.learning_rate, self.momentum, self.nesterov)


class Adam(Optimizer):
    """Adam: per-weight steps from running moments of the gradient.

    For step t = 1, 2, … and each weight with gradient g::

        m ← β1·m + (1 − β1)·g          (mean of g)
        v ← β2·v + (1 − β2)·g²         (mean of g²)
        w ← w − (η / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)

    which is ``torch.optim.Adam`` with its default options, written out.
    """

    name = "adam"

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        Optimizer.__init__(self)
        self.learning_rate = _rate(learning_rate, False)
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.epsilon = check_number(epsilon, "epsilon", positive=True)
        self.t = 0

    def reset(self):
        Optimizer.reset(self)
        self.t = 0

    def start_step(self):
        self.t += 1
        self._step_size = self.rate / (1.0 - self.beta1 ** self.t)
        self._root_correction = _sqrt(1.0 - self.beta2 ** self.t)

    def _moments(self, key, size):
        moments = self.state.get(key)
        if moments is None:
            moments = ([0.0] * size, [0.0] * size)
        return moments

    def step(self, key, values, gradients):
        b1, b2, eps = self.beta1, self.beta2, self.epsilon
        c1, c2 = 1.0 - b1, 1.0 - b2
        m, v = self._moments(key, len(values))
        m = [b1 * m_i + c1 * g for m_i, g in zip(m, gradients)]
        v = [b2 * v_i + c2 * (g * g) for v_i, g in zip(v, gradients)]
        self.state[key] = (m, v)
        size, root = self._step_size, self._root_correction
        values[:] = [w - size * (m_i / (_sqrt(v_i) / root + eps))
                     for w, m_i, v_i in zip(values, m, v)]

    def step_scaled(self, key, values, direction, scale):
        self.step(key, values, [scale * d for d in direction])

    def __repr__(self):
        return "Adam(learning_rate=%r, beta1=%r, beta2=%r, epsilon=%r)" % (
            self.learning_rate, self.beta1, self.beta2, self.epsilon)


#: The optimizers ``fit(optimizer=NAME)`` knows, by name.
OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer, learning_rate=None, momentum=0.0, name="optimizer"):
    """An optimizer from its name (built with ``learning_rate`` and, for SGD,
    ``momentum``) or an :class:`Optimizer` given as it is.

    >>> get_optimizer("adam")
    Adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08)
    >>> get_optimizer("rmsprop")
    Traceback (most recent call last):
      ...
    ValueError: optimizer: unknown optimizer 'rmsprop'; expected one of 'adam', 'sgd'
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    kind = look_up(optimizer, OPTIMIZERS, Optimizer, name, "optimizer")
    if kind is SGD:
        return SGD(learning_rate, momentum)
    if momentum:
        raise ValueError("momentum: %s keeps its own running mean; momentum is for "
                         "optimizer='sgd'" % kind.__name__)
    if learning_rate is None:
        return kind()
    return kind(learning_rate)
