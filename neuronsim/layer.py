"""A layer of neurons that share their inputs and their activation.

>>> hidden = NeuronLayer(2, 2, weights=[0.15, 0.2, 0.25, 0.3], bias=0.35)
>>> [round(out, 9) for out in hidden.feed_forward([0.05, 0.1])]   # out_h1, out_h2
[0.593269992, 0.596884378]
"""

from math import exp, tanh

try:
    from weakref import ref as _weak_ref
except ImportError:   # MicroPython: a plain reference (a cycle its collector frees)
    def _weak_ref(thing):
        return lambda: thing

from .activations import get_activation
from .neuron import Neuron
from .optimizers import unrolled_momentum
from .validation import check_biases, check_positive_int, check_vector
from .vector import (HOLD_MOMENTUM, MAX_DEFERRED_STEPS, MIN_INPUTS_TO_HOLD_BACK,
                     STEP_BY_COMPREHENSION, combine, dot, subtract_scaled_in_place, take_steps)


class NeuronLayer:
    """``num_neurons`` neurons, each with ``num_inputs`` weights.

    ``weights`` is a flat list, neuron by neuron, each neuron's weights in
    input order (w1, w2 feed h1; w3, w4 feed h2), or None to draw them from
    ``rng`` (uniform, centred on zero, scaled by fan-in).  ``bias`` is one
    number for every neuron or a list with one per neuron.

    ``neurons`` is a tuple, read-only: the layer's neurons are fixed when it
    is made (their weights and biases are not: assign ``neuron.weights``
    freely).  ``activation`` may be assigned: it is checked (and, in a
    network, checked against its place: softmax only on the output layer,
    the cost's needs) and every later pass uses it.
    """

    def __init__(self, num_neurons, num_inputs, weights=None, bias=0.0,
                 activation="sigmoid", rng=None, name="layer"):
        num_neurons = check_positive_int(num_neurons, name + ".num_neurons")
        num_inputs = check_positive_int(num_inputs, name + ".num_inputs")
        activation = get_activation(activation, name + ".activation")
        count = num_neurons * num_inputs
        if weights is None:
            if rng is None:
                raise ValueError("%s: expected weights or an rng to draw them from" % name)
            limit = activation.weight_limit(num_inputs)
            weights = [rng.uniform(-limit, limit) for _ in range(count)]
        else:
            weights = check_vector(weights, name + ".weights", count)
        biases = check_biases(bias, num_neurons, name + ".bias")
        neurons = []
        for k in range(num_neurons):
            neuron = Neuron(weights[k * num_inputs:(k + 1) * num_inputs], biases[k])
            neuron._in_layer = True
            neurons.append(neuron)
        self._neurons = tuple(neurons)
        self._held = HeldBackSteps([neuron._weights for neuron in self._neurons])
        self._owner_ref = None   # the network this layer belongs to, weakly (see _owner)
        self._set_activation(activation)

    @property
    def neurons(self):
        return self._neurons

    @property
    def num_inputs(self):
        return len(self._neurons[0]._weights)

    def __len__(self):
        return len(self._neurons)

    @property
    def activation(self):
        """The activation every neuron of this layer applies."""
        return self._activation

    @activation.setter
    def activation(self, value):
        activation = get_activation(value, "activation")
        owner = self._owner()
        if owner is not None:
            owner._check_layer_activation(self, activation)   # raises, changing nothing
        self._set_activation(activation)
        if owner is not None:
            owner._structure_changed()

    def _owner(self):
        """The network this layer belongs to, or None.  Held weakly, so a
        network and its layers form no reference cycle."""
        return None if self._owner_ref is None else self._owner_ref()

    def _adopt(self, network):
        self._owner_ref = _weak_ref(network)

    def __getstate__(self):   # copy and pickle: no owner, kernels rebuilt
        state = dict(self.__dict__)
        del state["_forward"], state["_backward"]
        state["_owner_ref"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._forward, self._backward = layer_kernels(self._activation)

    def _set_activation(self, activation):
        self._activation = activation
        for neuron in self._neurons:
            neuron._activation = activation
        self._forward, self._backward = layer_kernels(activation)

    # -- forward -------------------------------------------------------------

    def feed_forward(self, inputs):
        """Every neuron's output for these inputs (a list of floats, trusted).

        This is :meth:`Neuron.feed_forward` for each neuron, in one loop
        compiled from the activation's source (see :func:`layer_kernels`):
        a method call per neuron costs as much as a dozen weights.

        Steps held back (see :meth:`update`): a step w ← w − s·x' lowers net
        by s·(x'·x), and x'·x is the same for every neuron of the layer, so
        it is one dot product per held-back step for the whole layer, then
        one :func:`vector.combine` of the steps' scales for all the neurons.
        """
        held = self._held
        corrections = held.corrections(inputs) if held.inputs else None
        activation = self._activation
        if activation.elementwise:
            return self._forward(self._neurons, inputs, corrections)
        # Softmax and the like: each output depends on the whole layer.
        nets = self._forward(self._neurons, inputs, corrections)
        outputs = activation.outputs(nets)
        for neuron, out in zip(self._neurons, outputs):
            neuron._out = out
        return outputs

    def get_outputs(self):
        return [neuron._out for neuron in self._neurons]

    # -- backward ------------------------------------------------------------

    def backward(self, pd_error_wrt_outputs, deltas=None):
        """Set every neuron's ∂E/∂out and δ; return the deltas.

        ``deltas`` may be given when they are known directly (a cost whose
        output delta has a closed form); otherwise δ = ∂E/∂out × ∂out/∂net
        (:meth:`Neuron.backward` for each neuron, in one compiled loop).
        """
        neurons = self._neurons
        activation = self._activation
        if deltas is None:
            if activation.elementwise:
                return self._backward(neurons, pd_error_wrt_outputs)
            deltas = activation.deltas([n._net for n in neurons], [n._out for n in neurons],
                                       pd_error_wrt_outputs)
        for neuron, pd, delta in zip(neurons, pd_error_wrt_outputs, deltas):
            neuron._pd = pd
            neuron._delta = delta
        return deltas

    def pd_error_wrt_inputs(self):
        """∂E/∂input_i = Σ_neurons δ·w_i: what the layer below needs (BP2).

        For h1 below o1 and o2: ∂E/∂out_h1 = δ_o1·w5 + δ_o2·w7.
        """
        if self._held.inputs:   # BP2 reads the weights as they are now
            self._held.take()
        neurons = self._neurons
        return combine([neuron._weights for neuron in neurons],
                       [neuron._delta for neuron in neurons])

    # -- learning ------------------------------------------------------------

    def update(self, learning_rate, train_biases=True, defer=False):
        """One gradient-descent step for every neuron (:meth:`Neuron.update`, inlined).

        With ``defer=True`` (``fit`` asks for it on the first layer, whose
        weights nothing reads between a step and the next forward pass) the
        step w ← w − η·δ·x is only noted (:class:`HeldBackSteps`), as the
        scale η·δ per neuron and the inputs x once for the layer (if it has at
        least ``MIN_INPUTS_TO_HOLD_BACK`` inputs); up to ``MAX_DEFERRED_STEPS``
        of them are then taken in one pass over each neuron's weights
        (:func:`vector.take_steps`).  Whoever defers must call
        :meth:`take_held_steps` before anything else can read the weights:
        ``fit`` does at the end of every epoch, before it returns and before
        it calls a callback, so no caller ever sees a step held back.
        """
        neurons = self._neurons
        if defer and MAX_DEFERRED_STEPS and \
                len(neurons[0]._weights) >= MIN_INPUTS_TO_HOLD_BACK:
            held = self._held
            steps = [learning_rate * neuron._delta for neuron in neurons]
            held.inputs.append(neurons[0]._inputs)
            held.scales.append(steps)
            if train_biases:
                for neuron, step in zip(neurons, steps):
                    neuron._bias -= step
            if len(held.inputs) >= MAX_DEFERRED_STEPS:
                held.take()
            return
        if self._held.inputs:
            self._held.take()
        if STEP_BY_COMPREHENSION:   # subtract_scaled_in_place, written out (CPython 3.11+)
            for neuron in neurons:
                step = learning_rate * neuron._delta
                weights = neuron._weights
                weights[:] = [w - step * x for w, x in zip(weights, neuron._inputs)]
                if train_biases:
                    neuron._bias -= step
            return
        for neuron in neurons:
            step = learning_rate * neuron._delta
            subtract_scaled_in_place(neuron._weights, neuron._inputs, step)
            if train_biases:
                neuron._bias -= step

    def step_outer(self, optimizer, key, defer=False):
        """Step this layer's weights by ``optimizer`` for the last sample's
        gradient, the outer product ∂E/∂w_ri = δ_r·input_i (the groups ``key``,
        ``key + 1``, …: :meth:`Optimizer.step_outer`).

        With ``defer=True`` (fit's online training, first layer, an optimizer
        whose update is SGD's own: :func:`~neuronsim.optimizers.updates_as`) a
        step with momentum is held back like :meth:`update`'s plain step: a
        momentum step is linear too (:meth:`SGD.unrolled`), so the layer notes
        η·δ and the inputs, corrects its net inputs for the steps it owes, and
        takes them, velocities and all, in one pass.
        """
        neurons = self._neurons
        deltas = [neuron._delta for neuron in neurons]
        inputs = neurons[0]._inputs
        held = self._held
        if not (defer and MAX_DEFERRED_STEPS and len(inputs) >= MIN_INPUTS_TO_HOLD_BACK and
                HOLD_MOMENTUM and optimizer.momentum):
            if held.inputs:
                held.take()
            optimizer.step_outer(key, [neuron._weights for neuron in neurons], inputs, deltas)
            return
        if held.inputs and held.momentum != (optimizer.momentum, optimizer.nesterov):
            held.take()   # μ changed (a schedule): the steps so far were taken under the old one
        if not held.inputs:
            held.hold_with(optimizer, key)
        rate = optimizer.rate
        held.inputs.append(inputs)
        held.scales.append([rate * delta for delta in deltas])
        if len(held.inputs) >= MAX_DEFERRED_STEPS:
            held.take()

    def take_held_steps(self):
        """Take every step :meth:`update` held back (see there)."""
        if self._held.inputs:
            self._held.take()

    def __repr__(self):
        return "<NeuronLayer %d neurons × %d inputs, %s>" % (
            len(self._neurons), self.num_inputs, self._activation.name)


# -- the layer's loops, compiled from the activation's source -------------------

_FORWARD = """
def forward(neurons, inputs, corrections):
    results = []
    append = results.append
    if corrections is None:
        for neuron in neurons:
            neuron._inputs = inputs
            neuron._net = net = dot(neuron._weights, inputs) + neuron._bias
%(activation)s
    else:
        for neuron, correction in zip(neurons, corrections):
            neuron._inputs = inputs
            neuron._net = net = dot(neuron._weights, inputs) + neuron._bias - correction
%(activation)s
    return results


def backward(neurons, pds):
    deltas = []
    append = deltas.append
    for neuron, pd in zip(neurons, pds):
        neuron._pd = pd
        net = neuron._net
        out = neuron._out
        neuron._delta = delta = pd * %(slope)s
        append(delta)
    return deltas
"""


def _generic_kernels(activation, dot=dot):
    """The same loops calling ``function`` and ``derivative`` (an activation
    without Python source, or an interpreter without ``exec``)."""
    elementwise = activation.elementwise
    function = activation.function
    derivative = activation.derivative

    def forward(neurons, inputs, corrections):
        results = []
        for k, neuron in enumerate(neurons):
            neuron._inputs = inputs
            net = dot(neuron._weights, inputs) + neuron._bias
            if corrections is not None:
                net = net - corrections[k]
            neuron._net = net
            if elementwise:
                neuron._out = net = function(net)
            results.append(net)
        return results

    def backward(neurons, pds):
        deltas = []
        for neuron, pd in zip(neurons, pds):
            neuron._pd = pd
            neuron._delta = delta = pd * derivative(neuron._net, neuron._out)
            deltas.append(delta)
        return deltas

    return forward, backward


_KERNELS = {}


def layer_kernels(activation, dot=dot):
    """``(forward, backward)``: a layer's loops with ``activation`` written in.

    ``forward(neurons, inputs, corrections)`` is :meth:`Neuron.feed_forward`
    for every neuron (for a layer-wide activation such as softmax it stops at
    the net inputs and returns them); ``backward(neurons, pds)`` is
    :meth:`Neuron.backward` for every neuron.  Both are compiled once per
    activation source from ``activation.code("python", …)`` and
    ``slope_code`` (the registry), so each activation is written in one
    place; they round exactly as the neuron's methods do.  ``dot`` is the
    dot product they call (tests pass an in-order one to compare paths).
    """
    if not activation.elementwise:
        body = "            append(net)"
        slope = "0.0"
    else:
        try:
            lines = activation.code("python", "net", "out").split("\n")
            slope = activation.slope_code("python", "net", "out")
        except KeyError:   # a user's activation without Python source
            return _generic_kernels(activation, dot)
        body = "\n".join("            " + line for line in lines) + \
            "\n            neuron._out = out\n            append(out)"
    text = _FORWARD % {"activation": body, "slope": slope}
    kernels = _KERNELS.get((text, dot))
    if kernels is None:
        # dot, exp and tanh reach the loops as closure variables, not globals
        # of an exec'd namespace (under PyPy a global is a dict lookup each time).
        maker = "def make(dot, exp, tanh):\n%s    return forward, backward\n" % "".join(
            "    " + line + "\n" for line in text.split("\n"))
        scope = {}
        try:
            exec(maker, scope)
            kernels = scope["make"](dot, exp, tanh)
        except (NameError, SyntaxError, MemoryError):   # a port without exec
            return _generic_kernels(activation, dot)
        _KERNELS[(text, dot)] = kernels
    return kernels


class HeldBackSteps:
    """Gradient steps w ← w − s·x a layer has noted but not yet taken.

    ``inputs`` holds each step's x (oldest first), ``scales`` each step's
    s = η·δ, one per neuron, and ``rows`` the neurons' weight lists, in
    order.  :meth:`take` takes them all, in one pass over each neuron's
    weights (:func:`vector.take_steps`).  The layer and each of its neurons
    share one; the neurons do not point back at the layer.

    Steps with momentum (:meth:`hold_with`) also keep ``velocities``, the
    optimizer's v_0 for each neuron (its own lists, changed in place when the
    steps are taken), and ``momentum``, the (μ, nesterov) they were noted
    under, which says (:func:`~neuronsim.optimizers.unrolled_momentum`) how
    much of v_0 and of each step the weights and velocities owe after t steps.
    """

    __slots__ = ("inputs", "scales", "rows", "velocities", "momentum")

    def __init__(self, rows):
        self.inputs = []
        self.scales = []
        self.rows = rows
        self.velocities = None
        self.momentum = None

    def hold_with(self, optimizer, key):
        """Hold momentum steps of ``optimizer`` (an SGD) whose velocity groups
        are ``key``, ``key + 1``, …; call before the first step is noted."""
        self.momentum = (optimizer.momentum, optimizer.nesterov)
        self.velocities = optimizer.velocities(key, self.rows)

    def corrections(self, x):
        """Per neuron, how much the net input for inputs ``x`` computed from
        the weights as they are exceeds the net input from the weights with
        every held step taken: one dot product per step (x_s·x, the same for
        every neuron), one more per neuron with momentum (v_0·x)."""
        dots = [dot(earlier, x) for earlier in self.inputs]
        if self.velocities is None:            # w_t = w_0 − Σ_s s_s·x_s
            return combine(self.scales, dots)
        mu, nesterov = self.momentum           # w_t = w_0 + a·v_0 − Σ_s b·s_s·x_s
        a, in_w, _, _ = unrolled_momentum(mu, nesterov, len(dots))
        owed = combine(self.scales, [b * d for b, d in zip(in_w, dots)])
        return [c - a * dot(v, x) for c, v in zip(owed, self.velocities)]

    def take(self):
        inputs, scales, velocities = self.inputs, self.scales, self.velocities
        # Cleared first: a take cut short (KeyboardInterrupt) may lose the
        # remaining rows' steps, but never takes a step twice.
        self.inputs = []
        self.scales = []
        self.velocities = None
        if velocities is None:
            take_steps(self.rows, inputs, scales)
            return
        mu, nesterov = self.momentum
        a, in_w, decay, in_v = unrolled_momentum(mu, nesterov, len(inputs))
        # w_t = w_0 + a·v_0 − Σ_s b·s_s·x_s and v_t = μ^t·v_0 − Σ_s μ^(t−s)·s_s·x_s,
        # both into new lists, then written back neuron by neuron: cut short,
        # the pairs written have every step and the rest none.
        weights = [list(row) for row in self.rows]
        take_steps(weights, inputs, [[b * s for s in step] for b, step in zip(in_w, scales)],
                   others=velocities, share=a)
        fresh = [list(velocity) for velocity in velocities]
        take_steps(fresh, inputs, [[c * s for s in step] for c, step in zip(in_v, scales)],
                   decay=decay)
        for row, new_row, velocity, new_velocity in zip(self.rows, weights, velocities, fresh):
            row[:] = new_row
            velocity[:] = new_velocity
