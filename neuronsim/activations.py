"""Activation functions: a neuron's output out = f(net) and its slope ∂out/∂net.

This module is the one registry of activations.  Each is one class that
carries everything neuronsim knows about it:

* ``function(net)`` and ``derivative(net, output)`` — the maths the
  one-screen :class:`~neuronsim.neuron.Neuron` runs;
* ``formula`` and ``slope_formula`` — how ``explain`` writes them
  (``{n}`` stands for the neuron's name, e.g. ``o1``);
* ``source`` and ``slope_source`` — the same maths as source text, one entry
  per target language (``"python"`` here; export targets add their own).  A
  ``source`` entry is statements that set ``{out}`` from ``{net}``; a
  ``slope_source`` entry is an expression in ``{net}`` and ``{out}``.  The
  compiled loops of layers and small networks and the exported modules are
  built from these, so an activation is written once; a test checks that the
  source computes ``function`` bit for bit;
* ``weight_limit(fan_in)`` — the scale of its initial weights.

The derivative receives the output as well as the net input because several
are cheapest written in terms of the output: the sigmoid's slope is
out·(1 − out), which the worked example uses for ∂out_o1/∂net_o1.

>>> sigmoid = get_activation("sigmoid")
>>> round(sigmoid.function(1.10590597), 9)                 # out_o1
0.75136507
>>> round(sigmoid.derivative(1.10590597, 0.75136507), 9)   # ∂out_o1/∂net_o1
0.186815602
>>> print(sigmoid.slope_code("python", "net", "out"))
(out * (1.0 - out))

Softmax is the one activation defined on a whole layer rather than on one
neuron (each output depends on every net input of its layer); layers call
``outputs(nets)`` and ``deltas(nets, outputs, pd_error_wrt_outputs)``, which
elementwise activations provide from ``function`` and ``derivative``; its
source per target is a whole function (``layer_source``).

To add an activation: subclass :class:`Activation`, fill in the methods and
the texts, and add an instance to :data:`ACTIVATIONS`.  The command line's
choices, the property tests and the export targets pick it up from there, and
a test names whatever it still lacks.
"""

import math

from .validation import look_up

_exp = math.exp


class Activation:
    """An elementwise activation: subclasses define ``function`` and ``derivative``
    and the texts described in the module docstring."""

    name = None
    elementwise = True
    #: out as a function of net, for people (``{n}``: the neuron's name).
    formula = None
    #: ∂out/∂net in the neuron's own values, for people.
    slope_formula = None
    #: Per target language: statements that set ``{out}`` from ``{net}``.
    source = {}
    #: Per target language: an expression for ∂out/∂net in ``{net}`` and ``{out}``.
    slope_source = {}
    #: Net inputs where the slope jumps (ReLU's 0): finite differences
    #: across them disagree with the one-sided slope, so tests avoid them.
    kinks = ()

    def parameters(self):
        """The numbers a source text needs besides net and out (``{slope}``)."""
        return {}

    def _format(self, template, net, out, number, names):
        values = dict((key, number(value)) for key, value in self.parameters().items())
        values.update(names)
        return template.format(net=net, out=out, **values)

    def code(self, target, net, out, number=repr, **names):
        """Source in ``target`` that sets the variable ``out`` from ``net``.

        ``number`` writes a parameter as a literal of that language.
        ``names`` fill a target's own placeholders (the C target's ``{T}``,
        ``{exp}``, ``{zero}``…: see :mod:`neuronsim.export.c`).
        Raises KeyError naming what is missing if this activation has no
        source for ``target``.
        """
        template = self.source.get(target)
        if template is None:
            raise KeyError("activation %r has no source for target %r" % (self.name, target))
        return self._format(template, net, out, number, names)

    def slope_code(self, target, net, out, number=repr, **names):
        """An expression in ``target`` for ∂out/∂net."""
        template = self.slope_source.get(target)
        if template is None:
            raise KeyError("activation %r has no slope source for target %r"
                           % (self.name, target))
        return self._format(template, net, out, number, names)

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
    formula = "1/(1 + e^(−net_{n}))"
    slope_formula = "out_{n}·(1 − out_{n})"
    source = {"python": ("if {net} >= 0.0:\n"
                         "    {out} = 1.0 / (1.0 + exp(-{net}))\n"
                         "else:\n"
                         "    {out} = exp({net})\n"
                         "    {out} = {out} / (1.0 + {out})"),
              "c": ("if ({net} >= {zero}) {{\n"
                    "    {out} = {one} / ({one} + {exp}(-{net}));\n"
                    "}} else {{\n"
                    "    {out} = {exp}({net});\n"
                    "    {out} = {out} / ({one} + {out});\n"
                    "}}"),
              "javascript": ("if ({net} >= 0) {{\n"
                             "    {out} = 1 / (1 + Math.exp(-{net}));\n"
                             "}} else {{\n"
                             "    {out} = Math.exp({net});\n"
                             "    {out} = {out} / (1 + {out});\n"
                             "}}")}
    slope_source = {"python": "({out} * (1.0 - {out}))"}

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
    formula = "tanh(net_{n})"
    slope_formula = "1 − out_{n}²"
    source = {"python": "{out} = tanh({net})",
              "c": "{out} = {tanh}({net});",
              "javascript": "{out} = Math.tanh({net});"}
    slope_source = {"python": "(1.0 - {out} * {out})"}

    def function(self, net):
        return math.tanh(net)

    def derivative(self, net, output):
        return 1.0 - output * output


class ReLU(Activation):
    """max(0, net), with slope 1 for net > 0 and 0 otherwise (0 at the kink)."""

    name = "relu"
    kinks = (0.0,)
    formula = "max(0, net_{n})"
    slope_formula = "(1 if net_{n} > 0 else 0)"
    source = {"python": "{out} = {net} if {net} > 0.0 else 0.0",
              "c": "{out} = {net} > {zero} ? {net} : {zero};",
              "javascript": "{out} = {net} > 0 ? {net} : 0;"}
    slope_source = {"python": "(1.0 if {net} > 0.0 else 0.0)"}

    def function(self, net):
        return net if net > 0.0 else 0.0

    def derivative(self, net, output):
        return 1.0 if net > 0.0 else 0.0

    def weight_limit(self, fan_in):
        return math.sqrt(6.0 / fan_in)  # He: half the inputs are cut off


class LeakyReLU(Activation):
    """net for net > 0, else ``slope``·net; slope 1 or ``slope``."""

    name = "leaky_relu"
    kinks = (0.0,)
    formula = "(net_{n} if net_{n} > 0 else slope·net_{n})"
    slope_formula = "(1 if net_{n} > 0 else slope)"
    source = {"python": "{out} = {net} if {net} > 0.0 else {slope} * {net}",
              "c": "{out} = {net} > {zero} ? {net} : {slope} * {net};",
              "javascript": "{out} = {net} > 0 ? {net} : {slope} * {net};"}
    slope_source = {"python": "(1.0 if {net} > 0.0 else {slope})"}

    def __init__(self, slope=0.01):
        self.slope = slope

    def parameters(self):
        return {"slope": self.slope}

    def function(self, net):
        return net if net > 0.0 else self.slope * net

    def derivative(self, net, output):
        return 1.0 if net > 0.0 else self.slope

    def weight_limit(self, fan_in):
        return math.sqrt(6.0 / fan_in)


class Linear(Activation):
    """The identity: out = net, slope 1 (regression outputs)."""

    name = "linear"
    formula = "net_{n}"
    slope_formula = "1"
    source = {"python": "{out} = {net}",
              "c": "{out} = {net};",
              "javascript": "{out} = {net};"}
    slope_source = {"python": "1.0"}

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
    formula = "e^net_{n} / Σ_j e^net_j"
    #: Per target language: a whole function ``{name}(nets)`` returning the outputs.
    layer_source = {"python": '''
def {name}(nets):
    """e^net_k / sum e^net_j, shifted by the largest net input."""
    largest = max(nets)
    if largest == INF:
        winners = [1.0 if net == INF else 0.0 for net in nets]
        count = sum(winners)
        return [w / count for w in winners]
    if largest == -INF:
        return [1.0 / len(nets)] * len(nets)
    exps = [exp(net - largest) for net in nets]
    total = sum(exps)
    return [e / total for e in exps]
''',
                    # C: in place on n values ({T}, {exp}, {huge} = +inf, {zero}, {one}
                    # filled by the C target); the same steps as above, in order.
                    "c": '''
static void {name}({T} *v, int n)
{{
    {T} largest = v[0], total = {zero}, count = {zero};
    int k;
    for (k = 1; k < n; k++) {{
        if (v[k] > largest) largest = v[k];
    }}
    if (largest == {huge}) {{
        for (k = 0; k < n; k++) {{
            v[k] = v[k] == {huge} ? {one} : {zero};
            count += v[k];
        }}
        for (k = 0; k < n; k++) v[k] = v[k] / count;
        return;
    }}
    if (largest == -{huge}) {{
        for (k = 0; k < n; k++) v[k] = {one} / ({T})n;
        return;
    }}
    for (k = 0; k < n; k++) {{
        v[k] = {exp}(v[k] - largest);
        total += v[k];
    }}
    for (k = 0; k < n; k++) v[k] = v[k] / total;
}}
''',
                    "javascript": '''
function {name}(nets) {{
  let largest = -Infinity;
  for (const net of nets) if (net > largest) largest = net;
  if (largest === Infinity) {{
    const winners = nets.map((net) => (net === Infinity ? 1 : 0));
    const count = winners.reduce((a, b) => a + b, 0);
    return winners.map((w) => w / count);
  }}
  if (largest === -Infinity) return nets.map(() => 1 / nets.length);
  const exps = nets.map((net) => Math.exp(net - largest));
  let total = 0;
  for (const e of exps) total += e;
  return exps.map((e) => e / total);
}}
'''}

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
    return look_up(activation, ACTIVATIONS, Activation, name, "activation")
