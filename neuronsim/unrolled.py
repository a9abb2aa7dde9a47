"""A training step written out for one small network's exact shape.

On a tiny network (the worked example's 2-2-2, XOR's 2-4-1) a step is a few
dozen multiplications, and the loops, method calls and temporary lists around
them cost more than the arithmetic.  So for small networks neuronsim writes
the whole backpropagation step out as straight-line Python source, once, and
compiles it: every weight is indexed directly, every neuron is a name, the
sigmoid and its slope are written inline.  For the worked example it begins

    def run(inputs, targets, rate, train_biases):
        x0_0, x0_1, = inputs
        W0_0 = w = N0_0._weights
        N0_0._inputs = inputs
        net0_0 = net = 0.0 + w[0] * x0_0 + w[1] * x0_1 + N0_0._bias    # net_h1
        ...

It computes what the general path computes, operation for operation and in
the same order (net = Σ w_i·x_i + b from the left, δ = ∂E/∂out × ∂out/∂net,
w ← w − (η·δ)·x, E = Σ ½(t − o)²), and leaves every neuron holding the same
``inputs``, ``net_input``, ``output``, ``pd_error_wrt_output`` and ``delta``.
``tests/test_hot_path.py`` checks the two paths against each other and
against finite differences.

Used only when every layer is elementwise and the network is small
(:data:`MAX_WEIGHTS`); larger networks spend their time in the dot product and
the weight update, which :mod:`neuronsim.vector` already runs in C, and are
better served by the loops in :mod:`neuronsim.layer`.  If ``exec`` is missing
(some MicroPython builds), :func:`compile_step` returns None and the general
path is used.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35, [0.4, 0.45, 0.5, 0.55], 0.6,
...                     train_biases=False)
>>> run = compile_step(net.layers, net.cost)
>>> round(run([0.05, 0.1], [0.01, 0.99], 0.5, False), 9)      # E_total, then one step
0.298371109
>>> round(net.output_layer.neurons[0].weights[0], 8)          # w5+
0.35891648
"""

import math


#: Networks with at most this many weights get an unrolled step.
MAX_WEIGHTS = 256


def wanted(layers):
    """True if an unrolled step suits these layers (small, all elementwise)."""
    total = 0
    for layer in layers:
        if not layer.activation.elementwise:
            return False
        total += len(layer.neurons) * len(layer.neurons[0].weights)
    return total <= MAX_WEIGHTS


def _forward_lines(activation, l, net, out):
    """Source lines that compute ``out`` = f(``net``) for layer ``l``: the
    activation's own Python source (the registry), or a call of its function."""
    try:
        return activation.code("python", net, out).split("\n")
    except KeyError:
        return ["%s = F%d(%s)" % (out, l, net)]


def _slope(activation, l, net, out):
    """An expression for ∂out/∂net in layer ``l``."""
    try:
        return activation.slope_code("python", net, out)
    except KeyError:
        return "D%d(%s, %s)" % (l, net, out)


def source(layers, cost):
    """The Python source of the unrolled step for these layers and cost."""
    body = []
    add = body.append
    inputs = ["x0_%d" % i for i in range(len(layers[0].neurons[0].weights))]
    add("%s, = inputs" % ", ".join(inputs))
    inputs_list = "inputs"
    last = len(layers) - 1
    layer_inputs = []
    # Forward: net = Σ w_i·x_i + b, out = f(net); every neuron keeps both.
    for l, layer in enumerate(layers):
        layer_inputs.append(inputs)
        outputs = []
        for k in range(len(layer.neurons)):
            n = "N%d_%d" % (l, k)
            net, out = "net%d_%d" % (l, k), "o%d_%d" % (l, k)
            add("W%d_%d = w = %s._weights" % (l, k, n))
            add("%s._inputs = %s" % (n, inputs_list))
            # From 0.0, as dot() sums: only the sign of a zero can differ without it.
            add("%s = 0.0 + %s + %s._bias" % (
                net, " + ".join("w[%d] * %s" % (i, x) for i, x in enumerate(inputs)), n))
            add("%s._net = %s" % (n, net))
            body.extend(_forward_lines(layer.activation, l, net, out))
            add("%s._out = %s" % (n, out))
            outputs.append(out)
        inputs = outputs
        inputs_list = "h%d" % l
        if l < last:
            add("%s = [%s]" % (inputs_list, ", ".join(outputs)))

    # Output layer: ∂E/∂out, δ and E from the cost.
    output_layer = layers[last]
    outs = ["o%d_%d" % (last, k) for k in range(len(output_layer.neurons))]
    nets = ["net%d_%d" % (last, k) for k in range(len(output_layer.neurons))]
    cost_source = cost.source.get("python")
    if cost_source is not None:   # the cost's own source, output by output
        add("%s, = targets" % ", ".join("t%d" % k for k in range(len(outs))))
        for k, (net, out) in enumerate(zip(nets, outs)):
            n = "N%d_%d" % (last, k)
            add("%s._pd = pd = %s" % (n, cost_source["pd"].format(t="t%d" % k, out=out)))
            add("%s._delta = d%d_%d = pd * %s" % (n, last, k,
                                                  _slope(output_layer.activation, last, net, out)))
        add("error = %s" % " + ".join(cost_source["error"].format(t="t%d" % k, out=o)
                                      for k, o in enumerate(outs)))
    else:
        add("outputs = [%s]" % ", ".join(outs))
        add("nets = [%s]" % ", ".join(nets))
        add("pds = COST.pd_error_wrt_outputs(targets, outputs, A%d)" % last)
        add("deltas = COST.output_deltas(targets, outputs, nets, A%d)" % last)
        for k, (net, out) in enumerate(zip(nets, outs)):
            n = "N%d_%d" % (last, k)
            add("%s._pd = pd = pds[%d]" % (n, k))
            add("%s._delta = d%d_%d = pd * %s if deltas is None else deltas[%d]"
                % (n, last, k, _slope(output_layer.activation, last, net, out), k))
        add("error = COST.fn(targets, outputs, nets, A%d)" % last)

    # BP2, top down: ∂E/∂out_h = Σ_k δ_k·w_kh, with the weights before the step.
    for l in range(last - 1, -1, -1):
        layer, above = layers[l], layers[l + 1]
        for h in range(len(layer.neurons)):
            n = "N%d_%d" % (l, h)
            total = "0.0 + " + " + ".join("d%d_%d * W%d_%d[%d]" % (l + 1, k, l + 1, k, h)
                                          for k in range(len(above.neurons)))
            add("%s._pd = pd = %s" % (n, total))
            add("%s._delta = d%d_%d = pd * %s" % (
                n, l, h, _slope(layer.activation, l, "net%d_%d" % (l, h), "o%d_%d" % (l, h))))

    # The step, only after every δ is known: w ← w − (η·δ)·x, b ← b − η·δ,
    # rounded exactly as Neuron.update and NeuronLayer.update round it.
    add("if rate is not None:")
    for l, layer in enumerate(layers):
        for k in range(len(layer.neurons)):
            add("    s = rate * d%d_%d" % (l, k))
            add("    w = W%d_%d" % (l, k))
            for i, x in enumerate(layer_inputs[l]):
                add("    w[%d] = w[%d] - s * %s" % (i, i, x))
            add("    if train_biases:")
            add("        N%d_%d._bias -= s" % (l, k))
    add("return error")
    return "def run(inputs, targets, rate, train_biases):\n" + "".join(
        "    %s\n" % line for line in body)


def compile_step(layers, cost):
    """``run(inputs, targets, rate, train_biases) -> E`` for these layers, or None.

    ``run`` is a forward and backward pass (every neuron's partials filled
    in), followed by one gradient step when ``rate`` is not None.  The inputs
    and targets must already be checked lists of floats.
    """
    namespace = {"exp": math.exp, "tanh": math.tanh, "COST": cost}
    for l, layer in enumerate(layers):
        namespace["A%d" % l] = layer.activation
        namespace["F%d" % l] = layer.activation.function
        namespace["D%d" % l] = layer.activation.derivative
        for k, neuron in enumerate(layer.neurons):
            namespace["N%d_%d" % (l, k)] = neuron
    # The neurons and helpers reach run() as closure variables, not globals of
    # an exec'd namespace: under PyPy a global is a dict lookup every time.
    names = sorted(namespace)
    maker = "def make(%s):\n%s    return run\n" % (
        ", ".join(names), "".join("    " + line + "\n" for line in source(layers, cost).split("\n")))
    scope = {}
    try:
        exec(maker, scope)
        return scope["make"](*[namespace[name] for name in names])
    except (NameError, SyntaxError, MemoryError, TypeError, ValueError):
        return None   # no exec, or a port that cannot (say, too many arguments)
