"""Activation functions: a neuron's output out = f(net) and its slope ∂out/∂net.

Each activation is a small object with two methods, ``function(net)`` and
``derivative(net, output)``.  The derivative receives the output as well as
the net input because several are cheapest written in terms of the output:
the sigmoid's slope is out·(1 − out), which the worked example uses for
∂out_o1/∂net_o1.

>>> sigmoid = get_activation("sigmoid")
>>> round(sigmoid.function(1.10590597), 9)                 # out_o1
0.75136507
>>> round(sigmoid.derivative(1.10590597, 0.75136507), 9)   # ∂out_o1/∂net_o1
0.186815602

Softmax is the one activation defined on a whole layer rather than on one
neuron (each output depends on every net input of its layer); layers call
``outputs(nets)`` and ``deltas(nets, outputs, pd_error_wrt_outputs)``, which
elementwise activations provide from ``function`` and ``derivative``.
"""

import math

_exp = math.exp


class Activation:
    """An elementwise activation: subclasses define ``function`` and ``derivative``."""

    name = None
    elementwise = True

    def function(self, net):
        """out = f(net)."""
        raise NotImplementedError

    def derivative(self, net, output):
        """∂out/∂net at ``net``, where ``output == function(net)``."""
        raise NotImplementedError

    def outputs(self, nets):
        """The outputs of a whole layer from its net inputs."""
        function = self.function
        return [function(net) for net in nets]

    def deltas(self, nets, outputs, pd_error_wrt_outputs):
        """δ = ∂E/∂net = ∂E/∂out × ∂out/∂net for each neuron of a layer."""
        derivative = self.derivative
        return [pd * derivative(net, out)
                for net, out, pd in zip(nets, outputs, pd_error_wrt_outputs)]

    def weight_limit(self, fan_in):
        """Half-width of the uniform range initial weights are drawn from.

        Scaled by fan-in so a neuron's net input starts with variance about 1
        (LeCun) whatever the number of its inputs.
        """
        return math.sqrt(3.0 / fan_in)

    def __repr__(self):
        return "<activation %s>" % self.name


class Sigmoid(Activation):
    """σ(net) = 1 / (1 + e^−net), with slope σ·(1 − σ).

    Written so that ``exp`` only ever sees a non-positive number: no overflow
    and no NaN for any net input, ±inf included.

    >>> s = Sigmoid()
    >>> s.function(-1000.0), s.function(1000.0), s.function(float("-inf"))
    (0.0, 1.0, 0.0)
    """

    name = "sigmoid"

    def function(self, net):
        if net >= 0.0:
            return 1.0 / (1.0 + _exp(-net))
        exp_net = _exp(net)
        return exp_net / (1.0 + exp_net)

    def derivative(self, net, output):
        return output * (1.0 - output)


class Tanh(Activation):
    """tanh(net), with slope 1 − tanh²."""

    name = "tanh"

    def function(self, net):
        return math.tanh(net)

    def derivative(self, net, output):
        return 1.0 - output * output


class ReLU(Activation):
    """max(0, net), with slope 1 for net > 0 and 0 otherwise (0 at the kink)."""

    name = "relu"

    def function(self, net):
        return net if net > 0.0 else 0.0

    def derivative(self, net, output):
        return 1.0 if net > 0.0 else 0.0

    def weight_limit(self, fan_in):
        return math.sqrt(6.0 / fan_in)  # He: half the inputs are cut off


class LeakyReLU(Activation):
    """net for net > 0, else ``slope``·net; slope 1 or ``slope``."""

    name = "leaky_relu"

    def __init__(self, slope=0.01):
        self.slope = slope

    def function(self, net):
        return net if net > 0.0 else self.slope * net

    def derivative(self, net, output):
        return 1.0 if net > 0.0 else self.slope

    def weight_limit(self, fan_in):
        return math.sqrt(6.0 / fan_in)


class Linear(Activation):
    """The identity: out = net, slope 1 (regression outputs)."""

    name = "linear"

    def function(self, net):
        return net

    def derivative(self, net, output):
        return 1.0


class Softmax(Activation):
    """out_k = e^net_k / Σ_j e^net_j over a whole layer (class probabilities).

    Not elementwise: its Jacobian is ∂out_k/∂net_j = out_k·([k = j] − out_j),
    so the backward pass gives δ_j = out_j·(∂E/∂out_j − Σ_k ∂E/∂out_k·out_k).

    >>> [round(p, 6) for p in Softmax().outputs([1.0, 2.0, 3.0])]
    [0.090031, 0.244728, 0.665241]
    >>> Softmax().outputs([1000.0, 0.0])   # shifted by the max: no overflow
    [1.0, 0.0]
    """

    name = "softmax"
    elementwise = False

    def function(self, net):
        raise TypeError("softmax is defined on a whole layer: use outputs(nets)")

    def derivative(self, net, output):
        raise TypeError("softmax is defined on a whole layer: use deltas(nets, outputs, pds)")

    def outputs(self, nets):
        largest = max(nets)
        if largest == math.inf:  # an overflowed net input takes all the probability
            winners = [1.0 if net == math.inf else 0.0 for net in nets]
            count = sum(winners)
            return [w / count for w in winners]
        if largest == -math.inf:
            return [1.0 / len(nets)] * len(nets)
        exps = [_exp(net - largest) for net in nets]
        total = sum(exps)
        return [e / total for e in exps]

    def deltas(self, nets, outputs, pd_error_wrt_outputs):
        weighted = 0.0
        for pd, out in zip(pd_error_wrt_outputs, outputs):
            weighted += pd * out
        return [out * (pd - weighted) for pd, out in zip(pd_error_wrt_outputs, outputs)]


ACTIVATIONS = {
    "sigmoid": Sigmoid(),
    "tanh": Tanh(),
    "relu": ReLU(),
    "leaky_relu": LeakyReLU(),
    "linear": Linear(),
    "softmax": Softmax(),
}


def get_activation(activation, name="activation"):
    """An activation from its name, or an :class:`Activation` given as it is.

    >>> get_activation("tanh")
    <activation tanh>
    >>> get_activation("swish")
    Traceback (most recent call last):
      ...
    ValueError: activation: unknown activation 'swish'; expected one of 'leaky_relu', 'linear', 'relu', 'sigmoid', 'softmax', 'tanh'
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError("%s: expected an activation name or Activation, got %r (%s)"
                        % (name, activation, type(activation).__name__))
    try:
        return ACTIVATIONS[activation]
    except KeyError:
        raise ValueError("%s: unknown activation %r; expected one of %s"
                         % (name, activation, ", ".join(repr(k) for k in sorted(ACTIVATIONS))))
