"""A layer of neurons that share their inputs and their activation.

>>> hidden = NeuronLayer(2, 2, weights=[0.15, 0.2, 0.25, 0.3], bias=0.35)
>>> [round(out, 9) for out in hidden.feed_forward([0.05, 0.1])]   # out_h1, out_h2
[0.593269992, 0.596884378]
"""

from math import exp

from .activations import Sigmoid, get_activation
from .neuron import Neuron
from .validation import check_biases, check_positive_int, check_vector
from .vector import (MAX_DEFERRED_STEPS, MIN_INPUTS_TO_HOLD_BACK, STEP_BY_COMPREHENSION, combine,
                     dot, subtract_scaled_in_place, take_steps)


class NeuronLayer:
    """``num_neurons`` neurons, each with ``num_inputs`` weights.

    ``weights`` is a flat list, neuron by neuron, each neuron's weights in
    input order (w1, w2 feed h1; w3, w4 feed h2), or None to draw them from
    ``rng`` (uniform, centred on zero, scaled by fan-in).  ``bias`` is one
    number for every neuron or a list with one per neuron.

    ``neurons`` is a tuple, read-only: the layer's neurons are fixed when it
    is made (their weights and biases are not; assign ``neuron.weights``
    freely).
    """

    def __init__(self, num_neurons, num_inputs, weights=None, bias=0.0,
                 activation="sigmoid", rng=None, name="layer"):
        check_positive_int(num_neurons, name + ".num_neurons")
        check_positive_int(num_inputs, name + ".num_inputs")
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
        self.activation = activation
        self._neurons = tuple(
            Neuron(weights[k * num_inputs:(k + 1) * num_inputs], biases[k], activation)
            for k in range(num_neurons))
        self._held = held = HeldBackSteps([neuron._weights for neuron in self._neurons])
        for row, neuron in enumerate(self._neurons):
            neuron._held = held
            neuron._row = row

    @property
    def neurons(self):
        return self._neurons

    @property
    def num_inputs(self):
        return len(self.neurons[0]._weights)

    def __len__(self):
        return len(self.neurons)

    # -- forward -------------------------------------------------------------

    def feed_forward(self, inputs):
        """Every neuron's output for these inputs (a list of floats, trusted).

        This is :meth:`Neuron.feed_forward` for each neuron, written out in
        one loop (a method call per neuron costs as much as a dozen weights),
        with the sigmoid written out too.

        Steps held back (see :meth:`update`): a step w ← w − s·x' lowers net
        by s·(x'·x), and x'·x is the same for every neuron of the layer, so
        it is one dot product per held-back step for the whole layer, then
        one :func:`vector.combine` of the steps' scales for all the neurons.
        """
        activation = self.activation
        elementwise = activation.elementwise
        function = activation.function
        sigmoid = type(activation) is Sigmoid
        neurons = self._neurons
        held = self._held
        if held.inputs:
            corrections = combine(held.scales, [dot(earlier, inputs) for earlier in held.inputs])
        else:
            corrections = [0.0] * len(neurons)   # net − 0.0 is net, to the bit
        results = []   # outputs, or for softmax and the like the net inputs
        append = results.append
        for neuron, correction in zip(neurons, corrections):
            neuron.inputs = inputs
            neuron.net_input = net = dot(neuron._weights, inputs) + neuron.bias - correction
            if not elementwise:
                append(net)
                continue
            if not sigmoid:
                out = function(net)
            elif net >= 0.0:
                out = 1.0 / (1.0 + exp(-net))
            else:
                out = exp(net)
                out = out / (1.0 + out)
            neuron.output = out
            append(out)
        if elementwise:
            return results
        # Softmax and the like: each output depends on the whole layer.
        outputs = activation.outputs(results)
        for neuron, out in zip(neurons, outputs):
            neuron.output = out
        return outputs

    def get_outputs(self):
        return [neuron.output for neuron in self.neurons]

    # -- backward ------------------------------------------------------------

    def backward(self, pd_error_wrt_outputs, deltas=None):
        """Set every neuron's ∂E/∂out and δ; return the deltas.

        ``deltas`` may be given when they are known directly (a cost whose
        output delta has a closed form); otherwise δ = ∂E/∂out × ∂out/∂net.
        """
        neurons = self._neurons
        activation = self.activation
        if deltas is None:
            if activation.elementwise:
                # Neuron.backward for each neuron, in one loop.
                derivative = activation.derivative
                deltas = []
                append = deltas.append
                if type(activation) is Sigmoid:   # its derivative written out
                    for neuron, pd in zip(neurons, pd_error_wrt_outputs):
                        neuron.pd_error_wrt_output = pd
                        out = neuron.output
                        neuron.delta = delta = pd * (out * (1.0 - out))
                        append(delta)
                    return deltas
                for neuron, pd in zip(neurons, pd_error_wrt_outputs):
                    neuron.pd_error_wrt_output = pd
                    neuron.delta = delta = pd * derivative(neuron.net_input, neuron.output)
                    append(delta)
                return deltas
            deltas = activation.deltas([n.net_input for n in neurons],
                                       [n.output for n in neurons],
                                       pd_error_wrt_outputs)
        for neuron, pd, delta in zip(neurons, pd_error_wrt_outputs, deltas):
            neuron.pd_error_wrt_output = pd
            neuron.delta = delta
        return deltas

    def pd_error_wrt_inputs(self):
        """∂E/∂input_i = Σ_neurons δ·w_i: what the layer below needs (BP2).

        For h1 below o1 and o2: ∂E/∂out_h1 = δ_o1·w5 + δ_o2·w7.
        """
        if self._held.inputs:   # BP2 reads the weights as they are now
            self._held.take()
        neurons = self._neurons
        return combine([neuron._weights for neuron in neurons],
                       [neuron.delta for neuron in neurons])

    # -- learning ------------------------------------------------------------

    def update(self, learning_rate, train_biases=True, defer=False):
        """One gradient-descent step for every neuron (:meth:`Neuron.update`, inlined).

        With ``defer=True`` (the network asks for it on its first layer, whose
        weights nothing reads between a step and the next forward pass) the
        step w ← w − η·δ·x is only noted (:class:`HeldBackSteps`), as the
        scale η·δ per neuron and the inputs x once for the layer (if it has at
        least ``MIN_INPUTS_TO_HOLD_BACK`` inputs); up to ``MAX_DEFERRED_STEPS``
        of them are then taken in one pass over each neuron's weights
        (:func:`vector.take_steps`).  Reading or assigning any of the layer's
        ``neuron.weights`` takes them at once, so what is read is up to date
        (a list kept from an earlier read lags until the next read).
        """
        neurons = self._neurons
        if defer and MAX_DEFERRED_STEPS and \
                len(neurons[0]._weights) >= MIN_INPUTS_TO_HOLD_BACK:
            held = self._held
            steps = [learning_rate * neuron.delta for neuron in neurons]
            held.inputs.append(neurons[0].inputs)
            held.scales.append(steps)
            if train_biases:
                for neuron, step in zip(neurons, steps):
                    neuron.bias -= step
            if len(held.inputs) >= MAX_DEFERRED_STEPS:
                held.take()
            return
        if self._held.inputs:
            self._held.take()
        if STEP_BY_COMPREHENSION:   # subtract_scaled_in_place, written out (CPython 3.11+)
            for neuron in neurons:
                step = learning_rate * neuron.delta
                weights = neuron._weights
                weights[:] = [w - step * x for w, x in zip(weights, neuron.inputs)]
                if train_biases:
                    neuron.bias -= step
            return
        for neuron in neurons:
            step = learning_rate * neuron.delta
            subtract_scaled_in_place(neuron._weights, neuron.inputs, step)
            if train_biases:
                neuron.bias -= step

    def __repr__(self):
        return "<NeuronLayer %d neurons × %d inputs, %s>" % (
            len(self.neurons), self.num_inputs, self.activation.name)


class HeldBackSteps:
    """Gradient steps w ← w − s·x a layer has noted but not yet taken.

    ``inputs`` holds each step's x (oldest first), ``scales`` each step's
    s = η·δ, one per neuron, and ``rows`` the neurons' weight lists, in
    order.  :meth:`take` takes them all, in one pass over each neuron's
    weights (:func:`vector.take_steps`).  The layer and each of its neurons
    share one; the neurons do not point back at the layer.
    """

    __slots__ = ("inputs", "scales", "rows")

    def __init__(self, rows):
        self.inputs = []
        self.scales = []
        self.rows = rows

    def take(self):
        inputs, scales = self.inputs, self.scales
        # Cleared first: a take cut short (KeyboardInterrupt) may lose the
        # remaining rows' steps, but never takes a step twice.
        self.inputs = []
        self.scales = []
        take_steps(self.rows, inputs, scales)
