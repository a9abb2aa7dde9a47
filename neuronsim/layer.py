"""A layer of neurons that share their inputs and their activation.

>>> hidden = NeuronLayer(2, 2, weights=[0.15, 0.2, 0.25, 0.3], bias=0.35)
>>> [round(out, 9) for out in hidden.feed_forward([0.05, 0.1])]   # out_h1, out_h2
[0.593269992, 0.596884378]
"""

from math import exp

try:
    from itertools import repeat
except ImportError:  # MicroPython (it takes the index-loop path, which needs no repeat)
    repeat = None

from .activations import Sigmoid, get_activation
from .neuron import Neuron
from .validation import check_biases, check_positive_int, check_vector
from .vector import (MAX_DEFERRED_STEPS, MIN_INPUTS_TO_HOLD_BACK, STEP_BY_COMPREHENSION, _cpython,
                     dot, subtract_scaled_in_place, subtract_scaled_steps_in_place)


class NeuronLayer:
    """``num_neurons`` neurons, each with ``num_inputs`` weights.

    ``weights`` is a flat list, neuron by neuron, each neuron's weights in
    input order (w1, w2 feed h1; w3, w4 feed h2), or None to draw them from
    ``rng`` (uniform, centred on zero, scaled by fan-in).  ``bias`` is one
    number for every neuron or a list with one per neuron.
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
        self.neurons = [
            Neuron(weights[k * num_inputs:(k + 1) * num_inputs], biases[k], activation)
            for k in range(num_neurons)
        ]
        # Inputs of the steps held back by update(defer=True), oldest first;
        # each neuron keeps its own scales η·δ for the most recent of them.
        self._deferred_inputs = deferred = []
        for neuron in self.neurons:
            neuron._deferred_inputs = deferred
            neuron._deferred_scales = []

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

        Steps held back (see :meth:`update`): a step w ← w − s·x' changes net
        by −s·(x'·x), and x'·x is the same for every neuron of the layer, so
        it is one dot product per held-back step for the whole layer; each
        neuron then subtracts Σ_j s_j·(x'_j·x), one short dot product.
        """
        activation = self.activation
        elementwise = activation.elementwise
        function = activation.function
        sigmoid = type(activation) is Sigmoid
        deferred = self._deferred_inputs
        if deferred:
            corrections = [dot(earlier, inputs) for earlier in deferred]
            count = len(corrections)
        results = []   # outputs, or for softmax and the like the net inputs
        append = results.append
        for neuron in self.neurons:
            neuron.inputs = inputs
            net = dot(neuron._weights, inputs) + neuron.bias
            if deferred:
                scales = neuron._deferred_scales
                if len(scales) == count:   # the usual case
                    net = net - dot(scales, corrections)
                elif scales:   # its weights were read (and folded) since some steps
                    net = net - dot(scales, corrections[count - len(scales):])
            neuron.net_input = net
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
        for neuron, out in zip(self.neurons, outputs):
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
        neurons = self.neurons
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
        if self._deferred_inputs:   # BP2 reads the weights as they are now
            self._fold_deferred_steps()
        if not _cpython:   # PyPy, MicroPython: index loops, summed in the same order
            neurons = self.neurons
            first = neurons[0]
            delta = first.delta
            total = [0.0 + delta * w for w in first._weights]   # summed from 0.0, as dot()
            for k in range(1, len(neurons)):
                neuron = neurons[k]
                delta = neuron.delta
                weights = neuron._weights
                for i in range(len(total)):
                    total[i] = total[i] + delta * weights[i]
            return total
        deltas = [neuron.delta for neuron in self.neurons]
        columns = zip(*[neuron._weights for neuron in self.neurons])
        return list(map(dot, repeat(deltas), columns))

    # -- learning ------------------------------------------------------------

    def update(self, learning_rate, train_biases=True, defer=False):
        """One gradient-descent step for every neuron (:meth:`Neuron.update`, inlined).

        With ``defer=True`` (the network asks for it on its first layer, whose
        weights nothing reads between a step and the next forward pass) the
        step w ← w − η·δ·x is only noted, as the scale η·δ per neuron and the
        inputs x once for the layer (if it has at least
        ``MIN_INPUTS_TO_HOLD_BACK`` inputs); up to ``MAX_DEFERRED_STEPS`` of them are
        then folded into the weights in one pass (:func:`vector.fold_steps`,
        rounded exactly as the steps one by one).  Reading ``neuron.weights``
        folds that neuron's steps at once, so nobody outside sees the difference.
        """
        neurons = self.neurons
        deferred = self._deferred_inputs
        if defer and MAX_DEFERRED_STEPS and \
                len(neurons[0]._weights) >= MIN_INPUTS_TO_HOLD_BACK:
            deferred.append(neurons[0].inputs)
            for neuron in neurons:
                step = learning_rate * neuron.delta
                neuron._deferred_scales.append(step)
                if train_biases:
                    neuron.bias -= step
            if len(deferred) >= MAX_DEFERRED_STEPS:
                self._fold_deferred_steps()
            return
        if deferred:
            self._fold_deferred_steps()
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

    def _fold_deferred_steps(self):
        deferred = self._deferred_inputs
        count = len(deferred)
        for neuron in self.neurons:
            scales = neuron._deferred_scales
            if len(scales) == count:   # the usual case: Neuron._fold_deferred_steps, inlined
                subtract_scaled_steps_in_place(neuron._weights, deferred, scales)
                neuron._deferred_scales = []
            elif scales:
                neuron._fold_deferred_steps()
        del deferred[:]

    def __repr__(self):
        return "<NeuronLayer %d neurons × %d inputs, %s>" % (
            len(self.neurons), self.num_inputs, self.activation.name)
