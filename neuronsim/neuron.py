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
from .validation import check_number, check_vector
from .vector import dot, subtract_scaled_in_place


class Neuron:
    """A neuron with its own ``weights`` (one per input), ``bias`` and activation.

    After :meth:`feed_forward` it holds ``inputs``, ``net_input`` and
    ``output``; after :meth:`backward` it holds ``pd_error_wrt_output``
    (∂E/∂out) and ``delta`` (∂E/∂net), from which ``weight_gradients``
    (∂E/∂w_i = δ·input_i) and ``bias_gradient`` (∂E/∂b = δ) follow; they are
    derived, not stored.
    """

    __slots__ = ("_weights", "bias", "activation", "inputs", "net_input", "output",
                 "pd_error_wrt_output", "delta", "_held", "_row")

    def __init__(self, weights, bias=0.0, activation="sigmoid"):
        self._weights = check_vector(weights, "weights")
        self.bias = check_number(bias, "bias")
        self.activation = get_activation(activation)
        self.inputs = None
        self.net_input = None
        self.output = None
        self.pd_error_wrt_output = None
        self.delta = None
        # Steps of this neuron's weights its layer has held back, if any: the
        # layer's HeldBackSteps, with these weights as its row ``_row``.
        self._held = None
        self._row = None

    @property
    def weights(self):
        """This neuron's weights, one per input: a list of floats, up to date.

        The same list object from step to step; but while its layer holds
        steps back (see NeuronLayer.update) a list kept from an earlier read
        lags behind until ``weights`` is read again.
        """
        held = self._held
        if held is not None and held.inputs:   # take the held-back steps first
            held.take()
        return self._weights

    @weights.setter
    def weights(self, values):
        held = self._held
        if held is not None:
            if held.inputs:   # the layer's other neurons keep their steps
                held.take()
            held.rows[self._row] = values
        self._weights = values

    def __copy__(self):
        """A shallow copy that is a neuron of its own: assigning its weights
        leaves the original's layer alone."""
        twin = Neuron.__new__(Neuron)
        for name in Neuron.__slots__:
            setattr(twin, name, getattr(self, name))
        twin._held = None
        twin._row = None
        return twin

    @property
    def num_inputs(self):
        return len(self._weights)

    # -- forward -------------------------------------------------------------

    def calculate_net_input(self, inputs):
        """net = Σ w_i·input_i + b."""
        return dot(self.weights, inputs) + self.bias

    def feed_forward(self, inputs):
        """Compute and keep net_input and output; return the output.

        ``inputs`` must be a list of floats as long as ``weights`` (layers and
        networks check this at their entry; the neuron trusts it).
        """
        self.inputs = inputs
        self.net_input = net = dot(self.weights, inputs) + self.bias
        self.output = out = self.activation.function(net)
        return out

    # -- backward ------------------------------------------------------------

    def backward(self, pd_error_wrt_output):
        """Given ∂E/∂out, keep it and δ = ∂E/∂out × ∂out/∂net; return δ."""
        self.pd_error_wrt_output = pd_error_wrt_output
        self.delta = delta = pd_error_wrt_output * self.activation.derivative(
            self.net_input, self.output)
        return delta

    @property
    def weight_gradients(self):
        """∂E/∂w_i = δ·input_i for each weight (after a backward pass)."""
        if self.delta is None:
            return None
        delta = self.delta
        return [delta * x for x in self.inputs]

    @property
    def bias_gradient(self):
        """∂E/∂b = δ (the bias is a weight on a constant input of 1)."""
        return self.delta

    def pd_error_wrt_input(self, index):
        """This neuron's share of ∂E/∂input_index: δ·w_index."""
        return self.delta * self.weights[index]

    # -- learning ------------------------------------------------------------

    def update(self, learning_rate, train_bias=True):
        """One gradient-descent step: w_i ← w_i − η·δ·input_i, b ← b − η·δ."""
        step = learning_rate * self.delta
        subtract_scaled_in_place(self.weights, self.inputs, step)
        if train_bias:
            self.bias -= step

    def __repr__(self):
        return "Neuron(weights=%r, bias=%r, activation=%r)" % (
            self.weights, self.bias, self.activation.name)
