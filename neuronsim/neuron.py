"""One neuron: its forward pass, its backward pass and its gradient step.

In the worked example's notation, hidden neuron h1 with weights w1, w2 and
bias b1 computes

    net_h1 = w1·i1 + w2·i2 + b1          (forward: the net input)
    out_h1 = f(net_h1)                   (forward: the activation)

and, once the error E is known, the backward pass gives

    ∂E/∂out_h1                           (handed in from the layer above)
    δ_h1 = ∂E/∂net_h1 = ∂E/∂out_h1 × ∂out_h1/∂net_h1
    ∂E/∂w1 = δ_h1 · i1,   ∂E/∂b1 = δ_h1

>>> h1 = Neuron([0.15, 0.2], bias=0.35)
>>> round(h1.feed_forward([0.05, 0.1]), 9)           # out_h1
0.593269992
>>> round(h1.net_input, 9)                            # net_h1
0.3775
>>> round(h1.backward(0.0363503064), 9)              # δ_h1 from ∂E/∂out_h1
0.008771355
>>> [round(g, 12) for g in h1.weight_gradients]       # ∂E/∂w1, ∂E/∂w2
[0.000438567735, 0.000877135469]
>>> h1.update(0.5)                                    # w1+ = w1 − η·∂E/∂w1
>>> round(h1.weights[0], 9)
0.149780716
"""

from .activations import get_activation
from .validation import check_elementwise, check_number, check_vector
from .vector import dot, subtract_scaled_in_place


class Neuron:
    """A neuron with its own ``weights`` (one per input), ``bias`` and activation.

    After :meth:`feed_forward` it holds ``inputs``, ``net_input`` and
    ``output``; after :meth:`backward` it holds ``pd_error_wrt_output``
    (∂E/∂out) and ``delta`` (∂E/∂net), from which ``weight_gradients``
    (∂E/∂w_i = δ·input_i) and ``bias_gradient`` (∂E/∂b = δ) follow; they are
    derived, not stored.  Those five are the record of the last pass:
    read-only, written by the passes alone.

    ``weights``, ``bias`` and ``activation`` may be assigned; each is checked
    as the constructor checks it (a neuron keeps its number of inputs), and a
    rejected value changes nothing.  ``weights`` is one list object for the
    neuron's whole life: a step or an assignment changes its items in place,
    so a list you hold is always the neuron's current weights.  A neuron that
    belongs to a layer shares the layer's activation: assign
    ``layer.activation`` instead.
    """

    __slots__ = ("_weights", "_bias", "_activation", "_inputs", "_net", "_out", "_pd",
                 "_delta", "_in_layer")

    def __init__(self, weights, bias=0.0, activation="sigmoid"):
        self._weights = check_vector(weights, "weights")
        self._bias = check_number(bias, "bias")
        self._activation = check_elementwise(get_activation(activation), "activation")
        self._inputs = None
        self._net = None
        self._out = None
        self._pd = None
        self._delta = None
        self._in_layer = False

    # -- what may be assigned, checked -----------------------------------------

    @property
    def weights(self):
        """This neuron's weights, one per input: the same list, always current."""
        return self._weights

    @weights.setter
    def weights(self, values):
        self._weights[:] = check_vector(values, "weights", len(self._weights))

    @property
    def bias(self):
        """This neuron's bias b (net = Σ w_i·input_i + b)."""
        return self._bias

    @bias.setter
    def bias(self, value):
        self._bias = check_number(value, "bias")

    @property
    def activation(self):
        """out = f(net): an :class:`~neuronsim.activations.Activation`."""
        return self._activation

    @activation.setter
    def activation(self, value):
        if self._in_layer:
            raise AttributeError("activation: this neuron belongs to a layer, whose neurons "
                                 "share one activation; assign layer.activation instead")
        self._activation = check_elementwise(get_activation(value), "activation")

    # -- the record of the last pass, read-only ----------------------------------

    @property
    def inputs(self):
        """The inputs of the last forward pass."""
        return self._inputs

    @property
    def net_input(self):
        """net = Σ w_i·input_i + b, from the last forward pass."""
        return self._net

    @property
    def output(self):
        """out = f(net), from the last forward pass."""
        return self._out

    @property
    def pd_error_wrt_output(self):
        """∂E/∂out, from the last backward pass."""
        return self._pd

    @property
    def delta(self):
        """δ = ∂E/∂net, from the last backward pass."""
        return self._delta

    @property
    def num_inputs(self):
        return len(self._weights)

    # -- forward -------------------------------------------------------------

    def calculate_net_input(self, inputs):
        """net = Σ w_i·input_i + b."""
        return dot(self._weights, inputs) + self._bias

    def feed_forward(self, inputs):
        """Compute and keep net_input and output; return the output.

        ``inputs`` must be a list of floats as long as ``weights`` (layers and
        networks check this at their entry; the neuron trusts it).
        """
        self._inputs = inputs
        self._net = net = dot(self._weights, inputs) + self._bias
        self._out = out = self._activation.function(net)
        return out

    # -- backward ------------------------------------------------------------

    def backward(self, pd_error_wrt_output, delta=None):
        """Given ∂E/∂out, keep it and δ = ∂E/∂out × ∂out/∂net; return δ.

        ``delta`` may be given where a cost knows δ directly (cross-entropy:
        out − target); then the chain rule is not applied.
        """
        self._pd = pd_error_wrt_output
        if delta is None:
            delta = pd_error_wrt_output * self._activation.derivative(self._net, self._out)
        self._delta = delta
        return delta

    @property
    def weight_gradients(self):
        """∂E/∂w_i = δ·input_i for each weight (after a backward pass)."""
        if self._delta is None:
            return None
        delta = self._delta
        return [delta * x for x in self._inputs]

    @property
    def bias_gradient(self):
        """∂E/∂b = δ (the bias is a weight on a constant input of 1)."""
        return self._delta

    def pd_error_wrt_input(self, index):
        """This neuron's share of ∂E/∂input_index: δ·w_index."""
        return self._delta * self._weights[index]

    # -- learning ------------------------------------------------------------

    def update(self, learning_rate, train_bias=True):
        """One gradient-descent step: w_i ← w_i − η·δ·input_i, b ← b − η·δ."""
        step = learning_rate * self._delta
        subtract_scaled_in_place(self._weights, self._inputs, step)
        if train_bias:
            self._bias -= step

    def __copy__(self):
        """A neuron of its own: its weights a new list, outside any layer,
        with the same record of the last pass."""
        twin = Neuron.__new__(Neuron)
        for name in Neuron.__slots__:
            setattr(twin, name, getattr(self, name))
        twin._weights = list(self._weights)
        twin._in_layer = False
        return twin

    def __repr__(self):
        return "Neuron(weights=%r, bias=%r, activation=%r)" % (
            self._weights, self._bias, self._activation.name)
