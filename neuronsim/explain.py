"""One training step, written out number by number, for any small network.

``explain(net, inputs, targets)`` (or ``net.explain(inputs, targets)``) walks
one step of gradient descent the way the worked example does: every net input
written out as ``w·i + … + b = value``, every output, each output's error and
the total, then the chain rule for every weight, the δ of every neuron and
every updated weight ``w+ = w − η·∂E/∂w``.  Every number is the library's own
(read from the neurons after ``net.backprop``), printed to 9 significant
digits (``%.9g``, so trailing zeros are dropped: 0.75136507 is 0.751365070).

Names follow the worked example:

* inputs ``i1, i2, …``; outputs ``o1, o2, …``;
* hidden neurons ``h1, h2, …`` when there is one hidden layer; with several,
  ``hK_L`` is hidden neuron K of hidden layer L (``h1_1`` feeds ``h1_2``);
* weights ``w1, w2, …`` numbered through the whole network, neuron by neuron,
  each neuron's weights in input order, first hidden layer first and the
  output layer last (w1, w2 feed h1; w5, w6 feed o1);
* each neuron has its own bias, named after it: ``b_h1``, ``b_o1``;
* targets ``t_o1, t_o2, …``; errors ``E_o1, …, E_total``.

What it does to the network: **no weight or bias changes.**  The updated
weights are computed as w − η·∂E/∂w and printed, not applied (call
``net.train(inputs, targets)`` to take the step).  Like ``net.backprop``, it
leaves each neuron holding this sample's forward and backward values
(``net_input``, ``output``, ``delta``, …), so you can read them after.

The bias step is shown only when ``net.train_biases`` is true; fixed biases
(the worked example's) are shown in the net inputs only.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35,
...                     [0.4, 0.45, 0.5, 0.55], 0.6, train_biases=False)
>>> text = net.explain([0.05, 0.1], [0.01, 0.99])
>>> print(text.splitlines()[5])
  net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775
>>> [line.strip() for line in text.splitlines() if line.strip().startswith("w1+")]
['w1+ = w1 − η·∂E/∂w1 = 0.15 − 0.5·0.000438567734 = 0.149780716']
"""

#: The largest network (counted in weights, biases not included) that
#: ``explain`` writes out; beyond it the text is too long to read.
MAX_WEIGHTS = 300

def g(value):
    """A number as the trace prints it: 9 significant digits.

    >>> g(0.7513650695523157), g(0.3775), g(4.4e-05)
    ('0.75136507', '0.3775', '4.4e-05')
    """
    return "%.9g" % value


def p(value):
    """A number as a factor or a later term: negatives (and -0) in parentheses.

    >>> p(0.5), p(-0.0380982365), p(-0.0)
    ('0.5', '(-0.0380982365)', '(-0)')
    """
    text = "%.9g" % value
    return "(" + text + ")" if text.startswith("-") else text


def neuron_names(net):
    """The names of every neuron, layer by layer: [['h1', 'h2'], ['o1', 'o2']].

    >>> from neuronsim import NeuralNetwork
    >>> neuron_names(NeuralNetwork(2, [3, 2], 1, seed=0))
    [['h1_1', 'h2_1', 'h3_1'], ['h1_2', 'h2_2'], ['o1']]
    """
    hidden = net.layers[:-1]
    names = []
    for index, layer in enumerate(hidden):
        suffix = "" if len(hidden) == 1 else "_%d" % (index + 1)
        names.append(["h%d%s" % (k + 1, suffix) for k in range(len(layer.neurons))])
    names.append(["o%d" % (k + 1) for k in range(len(net.layers[-1].neurons))])
    return names


def weight_names(net):
    """w1, w2, … for every weight: one list per layer, one list per neuron.

    >>> from neuronsim import NeuralNetwork
    >>> weight_names(NeuralNetwork(2, 2, 2, seed=0))
    [[['w1', 'w2'], ['w3', 'w4']], [['w5', 'w6'], ['w7', 'w8']]]
    """
    number = 0
    result = []
    for layer in net.layers:
        per_layer = []
        for neuron in layer.neurons:
            per_neuron = []
            for _ in neuron.weights:
                number += 1
                per_neuron.append("w%d" % number)
            per_layer.append(per_neuron)
        result.append(per_layer)
    return result


def count_weights(net):
    """The number of weights (connections), biases not counted."""
    return sum(len(n.weights) for layer in net.layers for n in layer.neurons)


def _sum_line(terms):
    return " + ".join(terms)


def explain(net, inputs, targets):
    """The trace of one training step on ``(inputs, targets)`` as text.

    Raises ``ValueError`` for a network of more than :data:`MAX_WEIGHTS`
    weights and for bad inputs or targets (checked before anything is done).
    """
    weights = count_weights(net)
    if weights > MAX_WEIGHTS:
        raise ValueError(
            "net: explain writes out every weight and reads well up to %d weights; this "
            "network (%s) has %d. Explain a smaller network, or read the partials from "
            "net.backprop(inputs, targets) directly"
            % (MAX_WEIGHTS, "-".join(str(s) for s in net.layer_sizes), weights))
    from .validation import check_vector
    raw_inputs = check_vector(inputs, "inputs", net.num_inputs)
    raw_targets = check_vector(targets, "targets", net.num_outputs)
    inputs = net._check_inputs(inputs)      # scaled, when the network has a scaling
    targets = net._check_targets(targets)

    # The library's own forward and backward pass; weights are not touched.
    total_error = net._backprop(inputs, targets)

    layers = net.layers
    names = neuron_names(net)
    wnames = weight_names(net)
    input_names = ["i%d" % (k + 1) for k in range(len(inputs))]
    eta = net.learning_rate
    cost = net.cost
    output_layer = layers[-1]
    outputs = output_layer.get_outputs()
    nets = [n.net_input for n in output_layer.neurons]
    out_names = names[-1]

    lines = []
    add = lines.append
    add("One training step of a %s network (%s), cost %s, learning rate η = %s" % (
        "-".join(str(size) for size in net.layer_sizes),
        " → ".join(layer.activation.name for layer in layers), cost.name, g(eta)))
    add("Names: inputs %s; %s; weights w1..w%d numbered neuron by neuron, each neuron's "
        "weights in input order; bias of neuron n is b_n; biases are %s."
        % (", ".join(input_names),
           "; ".join(_layer_label(net, index) + " " + ", ".join(layer_names)
                     for index, layer_names in enumerate(names)),
           weights, "trained (train_biases=True)" if net.train_biases
           else "fixed (train_biases=False)"))

    # -- forward ---------------------------------------------------------------
    scaling = net.input_scaling
    if scaling is not None:
        add("")
        add("Inputs as given x1, x2, …, scaled by the network's input_scaling: "
            "i = (x − mean) / scale")
        for k, (name, x, i) in enumerate(zip(input_names, raw_inputs, inputs)):
            add("  %s = (x%d − %s) / %s = (%s − %s) / %s = %s" % (
                name, k + 1, "mean", "scale", g(x), p(scaling.mean[k]), p(scaling.scale[k]),
                g(i)))
    add("")
    add("Forward pass: net = Σ w·in + b, out = f(net)")
    add("  " + "   ".join("%s = %s" % (name, g(x)) for name, x in zip(input_names, inputs)))
    for index, layer in enumerate(layers):
        later = []
        for k in range(len(layer.neurons)):
            net_input, out = forward_equations(net, index, k, names, wnames)
            add("  " + equation_text(net_input))
            if layer.activation.elementwise:
                add("  " + equation_text(out))
            else:   # a layer-wide activation (softmax) needs every net input first
                later.append(out)
        for out in later:
            add("  " + equation_text(out))

    # -- error -----------------------------------------------------------------
    add("")
    scaling = net.target_scaling
    if scaling is not None:
        add("Targets as given y1, y2, …, scaled by the network's target_scaling: "
            "t = (y − mean) / scale; outputs in the same units: out·scale + mean")
        for k, (name, y, t, out) in enumerate(zip(out_names, raw_targets, targets, outputs)):
            add("  t_%s = (y%d − mean) / scale = (%s − %s) / %s = %s;   out_%s·scale + mean = "
                "%s·%s + %s = %s" % (name, k + 1, g(y), p(scaling.mean[k]), p(scaling.scale[k]),
                                     g(t), name, p(out), p(scaling.scale[k]),
                                     p(scaling.mean[k]), g(out * scaling.scale[k] +
                                                           scaling.mean[k])))
    add("Error: E = Σ E_o (cost %s)" % cost.name)
    for eq in error_equations(net, targets, total_error, out_names):
        add("  " + equation_text(eq))

    # -- backward --------------------------------------------------------------
    add("")
    add("Backward pass: the chain rule, every δ from the weights before the step")
    shortcut = cost.output_deltas(targets, outputs, nets, output_layer.activation)
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        add(" %s:" % _layer_label(net, index))
        for k in range(len(layer.neurons)):
            for eq in backward_equations(net, index, k, targets, names, wnames,
                                         shortcut is not None):
                add("  " + equation_text(eq))

    # -- update ----------------------------------------------------------------
    add("")
    add("Update: w+ = w − η·∂E/∂w with η = %s (computed here, not applied: "
        "net.train(inputs, targets) takes the step)" % g(eta))
    for index, layer in enumerate(layers):
        for k in range(len(layer.neurons)):
            for eq in update_equations(net, index, k, names, wnames):
                add("  " + equation_text(eq))
    if not net.train_biases:
        add("  biases stay as they are (train_biases=False)")
    return "\n".join(lines) + "\n"


def _outs(names):
    """Input names stay as they are; neuron names become out_<name>."""
    return [name if name.startswith("i") else "out_" + name for name in names]


def _layer_label(net, index):
    count = len(net.layers) - 1
    if index == count:
        return "output layer"
    if count == 1:
        return "hidden layer"
    return "hidden layer %d" % (index + 1)


# -- one neuron's equations, as data ------------------------------------------------
#
# The trace is made of equations: a symbol, the forms it is rewritten through
# (formula, then the numbers plugged in) and its value, e.g.
#   ∂E/∂w5 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = 0.74136507 × 0.186815602 × 0.593269992
#          = 0.0821670406
# The functions below give them as dicts, for one neuron at a time, so a
# program (the playground's inspector) can show any one of them; explain()
# writes them all with equation_text().

def equation(kind, symbol, steps, value, note=None, weight=None):
    """One equation: ``symbol = steps[0] = … = value``, with an optional note.

    ``kind`` says what it computes (``"net"``, ``"out"``, ``"pd"`` for ∂E/∂out,
    ``"slope"`` for ∂out/∂net, ``"delta"``, ``"weight"`` for ∂E/∂w,
    ``"bias"`` for ∂E/∂b, ``"weight_update"``, ``"bias_update"``);
    ``weight`` is the weight's index in its neuron for the weight kinds.
    """
    return {"kind": kind, "symbol": symbol, "steps": list(steps), "value": value,
            "text": g(value), "note": note, "weight": weight}


def equation_text(eq):
    """An equation as the trace writes it (without the indent).

    >>> equation_text(equation("slope", "∂out_o1/∂net_o1", ["out_o1·(1 − out_o1)"], 0.186815602))
    '∂out_o1/∂net_o1 = out_o1·(1 − out_o1) = 0.186815602'
    """
    text = " = ".join([eq["symbol"]] + eq["steps"] + [g(eq["value"])])
    if eq["note"]:
        text += "   (%s)" % eq["note"]
    return text


def _names_below(net, index, names):
    if index == 0:
        return ["i%d" % (k + 1) for k in range(net.num_inputs)]
    return names[index - 1]


def forward_equations(net, index, k, names=None, wnames=None):
    """[net, out] of neuron ``k`` of layer ``index``, from the last forward pass.

    >>> from neuronsim import NeuralNetwork
    >>> net = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35,
    ...                     [0.4, 0.45, 0.5, 0.55], 0.6, train_biases=False)
    >>> _ = net.feed_forward([0.05, 0.1])
    >>> [equation_text(eq) for eq in forward_equations(net, 0, 0)]
    ['net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775', \
'out_h1 = sigmoid(net_h1) = 0.593269992']
    """
    names = neuron_names(net) if names is None else names
    wnames = weight_names(net) if wnames is None else wnames
    layer = net.layers[index]
    neuron = layer.neurons[k]
    name = names[index][k]
    activation = layer.activation.name
    below = _names_below(net, index, names)
    net_input = equation("net", "net_" + name, [
        _sum_line(["%s·%s" % (w, x) for w, x in zip(wnames[index][k], _outs(below))]
                  + ["b_" + name]),
        _sum_line(["%s·%s" % (p(w), p(x)) for w, x in zip(neuron.weights, neuron.inputs)]
                  + [p(neuron.bias)])], neuron.net_input)
    if layer.activation.elementwise:
        out = equation("out", "out_" + name, ["%s(net_%s)" % (activation, name)], neuron.output)
    else:
        out = equation("out", "out_" + name,
                       ["%s(net_%s; net of the whole layer)" % (activation, name)], neuron.output)
    return [net_input, out]


def error_equations(net, targets, total_error, out_names=None):
    """E_o for each output, then E_total, from the last forward pass
    (``total_error`` is what the pass returned)."""
    layer = net.layers[-1]
    out_names = neuron_names(net)[-1] if out_names is None else out_names
    outputs = layer.get_outputs()
    nets = [n.net_input for n in layer.neurons]
    errors = net.cost.errors(targets, outputs, nets, layer.activation)
    result = []
    for name, t, out, error in zip(out_names, targets, outputs, errors):
        formula, numbers = net.cost.formulas(layer.activation, name)[:2]
        steps = [formula] if numbers is None else [formula, numbers.format(t=p(t), out=p(out))]
        result.append(equation("error", "E_" + name, steps, error))
    result.append(equation("total", "E_total", [" + ".join("E_" + name for name in out_names)],
                           total_error))
    return result


def backward_equations(net, index, k, targets, names=None, wnames=None, shortcut=None):
    """The backward-pass equations of neuron ``k`` of layer ``index``, in the
    trace's order: ∂E/∂out, ∂out/∂net, δ, then ∂E/∂w for each weight and ∂E/∂b
    (when biases train).  Read from the last ``net.backprop(inputs, targets)``;
    ``shortcut`` is whether the cost gave the output deltas directly (None:
    ask the cost).
    """
    names = neuron_names(net) if names is None else names
    wnames = weight_names(net) if wnames is None else wnames
    layers = net.layers
    layer = layers[index]
    neuron = layer.neurons[k]
    name = names[index][k]
    is_output = index == len(layers) - 1
    elementwise = layer.activation.elementwise
    if shortcut is None:
        outputs = layer.get_outputs()
        shortcut = net.cost.output_deltas(targets, outputs, [n.net_input for n in layer.neurons],
                                          layer.activation) is not None
    pd = neuron.pd_error_wrt_output
    result = []
    # ∂E/∂out
    if is_output:
        formula, numbers = net.cost.formulas(layer.activation, name)[2:]
        if numbers is not None and not shortcut:
            result.append(equation("pd", "∂E/∂out_" + name, [
                formula, numbers.format(out=p(neuron.output), t=p(targets[k]))], pd))
        elif not shortcut:
            result.append(equation("pd", "∂E/∂out_" + name, [], pd))
    else:
        above = layers[index + 1]
        above_names = names[index + 1]
        above_w = wnames[index + 1]
        result.append(equation("pd", "∂E/∂out_" + name, [
            _sum_line(["δ_%s·%s" % (n, ws[k]) for n, ws in zip(above_names, above_w)]),
            _sum_line(["%s·%s" % (p(n.delta), p(n.weights[k])) for n in above.neurons])], pd))
    # δ = ∂E/∂net
    chain = False
    symbol = "δ_" + name
    if is_output and shortcut:
        if elementwise:
            result.append(equation("delta", symbol, [
                "∂E/∂net_" + name, "out_%s − t_%s" % (name, name),
                "%s − %s" % (p(neuron.output), p(targets[k]))], neuron.delta,
                "%s with %s: the slope cancels" % (net.cost.name, layer.activation.name)))
        else:
            result.append(equation("delta", symbol, [
                "∂E/∂net_" + name, "out_%s·Σt − t_%s" % (name, name),
                "%s·%s − %s" % (p(neuron.output), p(sum(targets)), p(targets[k]))],
                neuron.delta, "%s with %s" % (net.cost.name, layer.activation.name)))
    elif elementwise:
        slope = layer.activation.derivative(neuron.net_input, neuron.output)
        formula = layer.activation.slope_formula
        result.append(equation("slope", "∂out_%s/∂net_%s" % (name, name),
                               [formula.format(n=name)] if formula else [], slope))
        result.append(equation("delta", symbol, [
            "∂E/∂net_" + name, "∂E/∂out_%s × ∂out_%s/∂net_%s" % (name, name, name),
            "%s × %s" % (p(pd), p(slope))], neuron.delta))
        chain = True
    else:
        result.append(equation("delta", symbol, [
            "∂E/∂net_" + name, "Σ_k ∂E/∂out_k × ∂out_k/∂net_" + name], neuron.delta,
            "%s couples the layer: ∂out_k/∂net_j = out_k·([k = j] − out_j)"
            % layer.activation.name))
    # ∂E/∂w and ∂E/∂b
    for j, (w_name, x, grad) in enumerate(zip(wnames[index][k], neuron.inputs,
                                              neuron.weight_gradients)):
        if chain:
            result.append(equation("weight", "∂E/∂" + w_name, [
                "∂E/∂out_%s × ∂out_%s/∂net_%s × ∂net_%s/∂%s" % (name, name, name, name, w_name),
                "%s × %s × %s" % (p(pd), p(slope), p(x))], grad, weight=j))
        else:
            result.append(equation("weight", "∂E/∂" + w_name, [
                "δ_%s × ∂net_%s/∂%s" % (name, name, w_name),
                "%s × %s" % (p(neuron.delta), p(x))], grad, weight=j))
    if net.train_biases:
        result.append(equation("bias", "∂E/∂b_" + name, ["δ_%s × 1" % name],
                               neuron.bias_gradient))
    return result


def update_equations(net, index, k, names=None, wnames=None):
    """w+ = w − η·∂E/∂w for each weight of neuron ``k`` of layer ``index`` (and
    b+ when biases train), computed as ``net.train`` would take the step
    (rounded as Neuron.update rounds: w − (η·δ)·input, b − η·δ), not applied."""
    names = neuron_names(net) if names is None else names
    wnames = weight_names(net) if wnames is None else wnames
    neuron = net.layers[index].neurons[k]
    name = names[index][k]
    eta = net.learning_rate
    step = eta * neuron.delta
    result = []
    for j, (w_name, w, x, grad) in enumerate(zip(wnames[index][k], neuron.weights,
                                                 neuron.inputs, neuron.weight_gradients)):
        result.append(equation("weight_update", w_name + "+", [
            "%s − η·∂E/∂%s" % (w_name, w_name), "%s − %s·%s" % (g(w), p(eta), p(grad))],
            w - step * x, weight=j))
    if net.train_biases:
        result.append(equation("bias_update", "b_%s+" % name, [
            "b_%s − η·∂E/∂b_%s" % (name, name),
            "%s − %s·%s" % (g(neuron.bias), p(eta), p(neuron.bias_gradient))],
            neuron.bias - step))
    return result


def neuron_equations(net, inputs, targets, index, k):
    """Every equation of neuron ``k`` of layer ``index`` for one sample:
    ``{"forward": […], "backward": […], "update": […]}``.

    Runs ``net.backprop(inputs, targets)`` first (no weight changes), so the
    numbers are this sample's.
    """
    _check_position(net, index, k)
    net.backprop(inputs, targets)
    names, wnames = neuron_names(net), weight_names(net)
    return {"forward": forward_equations(net, index, k, names, wnames),
            "backward": backward_equations(net, index, k, targets, names, wnames),
            "update": update_equations(net, index, k, names, wnames)}


def chain_rule(net, inputs, targets, index, k, j):
    """The chain rule for one weight, as equations, for one sample.

    Weight ``j`` of neuron ``k`` of layer ``index``: the neuron's net input,
    its ∂E/∂out (from the layer above, or the cost), ∂out/∂net and δ, then
    ∂E/∂w for this weight and its update w+ = w − η·∂E/∂w.  The same
    equations, numbers and digits as :func:`explain` writes; no weight
    changes.

    >>> from neuronsim import NeuralNetwork
    >>> net = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35,
    ...                     [0.4, 0.45, 0.5, 0.55], 0.6, train_biases=False)
    >>> for eq in chain_rule(net, [0.05, 0.1], [0.01, 0.99], 1, 0, 0):   # w5
    ...     print(equation_text(eq))
    net_o1 = w5·out_h1 + w6·out_h2 + b_o1 = 0.4·0.593269992 + 0.45·0.596884378 + 0.6 = 1.10590597
    ∂E/∂out_o1 = out_o1 − t_o1 = 0.75136507 − 0.01 = 0.74136507
    ∂out_o1/∂net_o1 = out_o1·(1 − out_o1) = 0.186815602
    δ_o1 = ∂E/∂net_o1 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 = 0.74136507 × 0.186815602 = 0.138498562
    ∂E/∂w5 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = 0.74136507 × 0.186815602 × 0.593269992 = 0.0821670406
    w5+ = w5 − η·∂E/∂w5 = 0.4 − 0.5·0.0821670406 = 0.35891648
    """
    _check_position(net, index, k, j)
    every = neuron_equations(net, inputs, targets, index, k)
    return ([every["forward"][0]]
            + [eq for eq in every["backward"] if eq["weight"] is None and eq["kind"] != "bias"]
            + [eq for eq in every["backward"] if eq["weight"] == j]
            + [eq for eq in every["update"] if eq["weight"] == j])


def _check_position(net, index, k, j=None):
    layers = net.layers
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(layers):
        raise ValueError("layer: expected a layer index in 0..%d, got %r" % (len(layers) - 1, index))
    neurons = layers[index].neurons
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(neurons):
        raise ValueError("neuron: layer %d has neurons 0..%d, got %r" % (index, len(neurons) - 1, k))
    if j is not None:
        count = len(neurons[k].weights)
        if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < count:
            raise ValueError("weight: neuron %d of layer %d has weights 0..%d, got %r"
                             % (k, index, count - 1, j))
