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
:meth:`Optimizer.step_outer`, the same update for a whole layer, whose
gradient is an outer product (∂E/∂w_ri = δ_r·input_i), without a call per
neuron (and, for SGD, without building the gradient lists).

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
    :meth:`step_outer`).  ``state`` maps a group's key to its state."""

    name = None
    #: The step size η; None for "the learning rate fit was given".
    learning_rate = None

    def __init__(self):
        self.state = {}

    def reset(self):
        """Forget every group's state (a fresh start)."""
        self.state = {}
        self._layout = None

    def start_step(self):
        """Called once before each step of the whole network."""

    def check_groups(self, sizes):
        """Refuse, before any step, state kept for other parameter groups:
        ``sizes[key]`` is the length of group ``key`` (a list of floats).  The
        layout is remembered, so a network whose groups merely overlap another's
        is refused too; :meth:`reset` forgets it."""
        sizes = list(sizes)
        if getattr(self, "state", None):
            kept = getattr(self, "_layout", None)
            if kept is None:   # state from before layouts were kept: what it says of itself
                groups = {}
                for key, value in self.state.items():
                    value = value[0] if isinstance(value, tuple) and value else value
                    if isinstance(key, int) and isinstance(value, list):
                        groups[key] = len(value)   # other kinds of state: the subclass's business
            else:
                groups = dict(enumerate(kept))
            for key in sorted(groups):
                here = sizes[key] if 0 <= key < len(sizes) else "none"
                if groups[key] != here:
                    raise ValueError("optimizer: its state is for another network (group %r: %d "
                                     "values, here %s); an optimizer keeps one network's state: "
                                     "give this fit a fresh one, or call reset()"
                                     % (key, groups[key], here))
            if kept is not None and len(kept) != len(sizes):
                raise ValueError("optimizer: its state is for another network (%d parameter "
                                 "groups, here %d); an optimizer keeps one network's state: "
                                 "give this fit a fresh one, or call reset()"
                                 % (len(kept), len(sizes)))
        self._layout = sizes

    def snapshot(self):
        """A copy of the state, for :meth:`restore` (``fit`` takes one with
        every epoch's weights: restoring an epoch restores both)."""
        state = getattr(self, "state", None)
        return None if state is None else _copy(state)

    def restore(self, snapshot):
        """Go back to a :meth:`snapshot` (a copy of it: it may be restored again)."""
        if snapshot is not None:
            self.state = _copy(snapshot)

    def step(self, key, values, gradients):
        """Move ``values`` (a list, changed in place) by their ``gradients``."""
        raise NotImplementedError

    def step_outer(self, key, rows, direction, scales):
        """:meth:`step` for the groups ``key``, ``key + 1``, … whose values are
        ``rows`` and whose gradients are ``scales[r]·direction``.

        This is a layer's weights in online training: ∂E/∂w_ri = δ_r·input_i,
        one direction (the layer's inputs) scaled by each neuron's δ.  One call
        steps the whole layer, so the hot path pays no call per neuron.  A
        subclass that redefines :meth:`step` gets it called, row by row: the
        library's faster forms stand in for their own class's step only.
        """
        for row, scale in zip(rows, scales):
            self.step(key, row, [scale * d for d in direction])
            key += 1

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


def _copy(value):
    """A copy of an optimizer's state: lists, tuples and dicts copied all the
    way down (numbers and strings are never changed in place)."""
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copy(item) for item in value)
    if isinstance(value, dict):
        return dict((key, _copy(item)) for key, item in value.items())
    return value


def updates_as(optimizer, kind):
    """True if ``optimizer`` is a ``kind`` whose update is ``kind``'s own: its
    class redefines none of the methods that step.  Only then may ``fit``
    take a faster path written for ``kind`` (plain SGD's, held-back momentum)."""
    cls = type(optimizer)
    return isinstance(optimizer, kind) and all(
        getattr(cls, name, None) is getattr(kind, name, None)
        for name in ("step", "step_outer", "start_step", "_move", "_update", "unrolled"))


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
        self._move(key, [values], [gradients], [self.rate])

    def step_outer(self, key, rows, direction, scales):
        # η·g_ri = η·scale_r·direction_i, written (η·scale_r)·direction_i: one
        # multiplication per weight fewer than step() (rounding may differ in
        # the last bit), and no gradient list is built.
        if type(self).step is not SGD.step:   # a subclass's own step is the update
            Optimizer.step_outer(self, key, rows, direction, scales)
            return
        rate = self.rate
        self._move(key, rows, [direction] * len(rows), [rate * scale for scale in scales])

    def _move(self, key, rows, directions, rates):
        """The update of the groups ``key``, ``key + 1``, … (``rows``), where
        η·g_i of row r is ``rates[r]·directions[r][i]``."""
        mu = self.momentum
        if not mu:   # w ← w − η·g
            for values, direction, rate in zip(rows, directions, rates):
                values[:] = [w - rate * d for w, d in zip(values, direction)]
            return
        state, nesterov = self.state, self.nesterov
        for values, direction, rate in zip(rows, directions, rates):
            velocity = state.get(key)
            if velocity is None:
                velocity = [0.0] * len(values)
            velocity = [mu * v - rate * d for v, d in zip(velocity, direction)]   # v ← μ·v − η·g
            state[key] = velocity
            if nesterov:   # w ← w + μ·v − η·g
                values[:] = [w + mu * v - rate * d
                             for w, v, d in zip(values, velocity, direction)]
            elif _add is not None:   # w ← w + v, in C
                values[:] = map(_add, values, velocity)
            else:
                values[:] = [w + v for w, v in zip(values, velocity)]
            key += 1

    def velocities(self, key, rows):
        """The velocity lists of the groups ``key``, ``key + 1``, … (zeros
        for a group not stepped yet), to be changed in place."""
        state, result = self.state, []
        for values in rows:
            velocity = state.get(key)
            if velocity is None:
                state[key] = velocity = [0.0] * len(values)
            result.append(velocity)
            key += 1
        return result

    def unrolled(self, count):
        """The momentum update written out for ``count`` steps at once.

        From w_0 and v_0, t steps with η·g_1, …, η·g_t give (sum the
        recursion v ← μ·v − η·g, w ← w + v)::

            v_t = μ^t·v_0 − Σ_s μ^(t−s)·η·g_s
            w_t = w_0 + a_t·v_0 − Σ_s b_(t−s)·η·g_s

        with a_t = μ + μ² + … + μ^t and b_j = 1 + μ + … + μ^j (Nesterov's
        w ← w + μ·v − η·g: μ·a_t and 1 + μ·b_(t−s)).  Returns ``(a_t,
        [b_(t−1), …, b_0], μ^t, [μ^(t−1), …, μ^0])``, the coefficients of v_0
        and of each step s = 1…t in w_t and in v_t.  A layer that holds its
        steps back (:class:`~neuronsim.layer.HeldBackSteps`) computes with it:
        a momentum step is linear, so it can be taken later, in one pass.

        >>> a, in_w, decay, in_v = SGD(0.1, momentum=0.5).unrolled(2)
        >>> a, in_w, decay, in_v
        (0.75, [1.5, 1.0], 0.25, [0.5, 1.0])
        """
        return unrolled_momentum(self.momentum, self.nesterov, count)

    def __repr__(self):
        return "SGD(learning_rate=%r, momentum=%r, nesterov=%r)" % (
            self.learning_rate, self.momentum, self.nesterov)


_UNROLLED = {}


def unrolled_momentum(momentum, nesterov, count):
    """:meth:`SGD.unrolled` for momentum μ (Nesterov's or not) and ``count``
    steps; computed once for each (μ, nesterov, count)."""
    key = (momentum, nesterov, count)
    cached = _UNROLLED.get(key)
    if cached is None:
        mu = momentum
        powers = [1.0]                       # μ^0 … μ^count
        for _ in range(count):
            powers.append(powers[-1] * mu)
        sums = [1.0]                         # b_0 … b_count
        for j in range(1, count + 1):
            sums.append(sums[-1] + powers[j])
        a = sums[count] - 1.0
        in_w = [sums[count - s] for s in range(1, count + 1)]
        if nesterov:
            a, in_w = mu * a, [1.0 + mu * b for b in in_w]
        cached = (a, in_w, powers[count], [powers[count - s] for s in range(1, count + 1)])
        if len(_UNROLLED) < 1024:   # a momentum schedule makes new keys: keep it small
            _UNROLLED[key] = cached
    return cached


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

    def snapshot(self):
        return Optimizer.snapshot(self), self.t

    def restore(self, snapshot):
        state, self.t = snapshot
        Optimizer.restore(self, state)

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
        self._update(key, [values], [gradients], [1.0])   # g·1.0 is g, exactly

    def step_outer(self, key, rows, direction, scales):
        if type(self).step is not Adam.step:   # a subclass's own step is the update
            Optimizer.step_outer(self, key, rows, direction, scales)
            return
        self._update(key, rows, [direction] * len(rows), scales)

    def _update(self, key, rows, directions, scales):
        """The update of the groups ``key``, ``key + 1``, … (``rows``), where
        g_i of row r is ``scales[r]·directions[r][i]``."""
        b1, b2, eps = self.beta1, self.beta2, self.epsilon
        c1, c2 = 1.0 - b1, 1.0 - b2
        size, root = self._step_size, self._root_correction
        state, sqrt = self.state, _sqrt
        for values, direction, scale in zip(rows, directions, scales):
            m, v = self._moments(key, len(values))
            m = [b1 * m_i + c1 * (scale * d) for m_i, d in zip(m, direction)]
            v = [b2 * v_i + c2 * ((scale * d) * (scale * d)) for v_i, d in zip(v, direction)]
            state[key] = (m, v)
            values[:] = [w - size * (m_i / (sqrt(v_i) / root + eps))
                         for w, m_i, v_i in zip(values, m, v)]
            key += 1

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
