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
    softmax = not output_layer.activation.elementwise
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
    below = input_names
    for index, layer in enumerate(layers):
        activation = layer.activation.name
        for neuron, name, ws in zip(layer.neurons, names[index], wnames[index]):
            add("  net_%s = %s = %s = %s" % (
                name,
                _sum_line(["%s·%s" % (w, x) for w, x in zip(ws, _outs(below))] + ["b_" + name]),
                _sum_line(["%s·%s" % (p(w), p(x)) for w, x in zip(neuron.weights, neuron.inputs)]
                          + [p(neuron.bias)]),
                g(neuron.net_input)))
            if layer.activation.elementwise:
                add("  out_%s = %s(net_%s) = %s" % (name, activation, name, g(neuron.output)))
        if not layer.activation.elementwise:
            for neuron, name in zip(layer.neurons, names[index]):
                add("  out_%s = %s(net_%s; net of the whole layer) = %s"
                    % (name, activation, name, g(neuron.output)))
        below = names[index]

    # -- error -----------------------------------------------------------------
    add("")
    errors = cost.errors(targets, outputs, nets, output_layer.activation)
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
    for name, t, out, error in zip(out_names, targets, outputs, errors):
        formula, numbers = cost.formulas(output_layer.activation, name)[:2]
        if numbers is None:
            add("  E_%s = %s = %s" % (name, formula, g(error)))
        else:
            add("  E_%s = %s = %s = %s" % (name, formula,
                                           numbers.format(t=p(t), out=p(out)), g(error)))
    add("  E_total = %s = %s" % (" + ".join("E_" + name for name in out_names), g(total_error)))

    # -- backward --------------------------------------------------------------
    add("")
    add("Backward pass: the chain rule, every δ from the weights before the step")
    shortcut = cost.output_deltas(targets, outputs, nets, output_layer.activation)
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        add(" %s:" % _layer_label(net, index))
        for k, (neuron, name) in enumerate(zip(layer.neurons, names[index])):
            _explain_backward(add, net, index, k, neuron, name, names, wnames, targets,
                              shortcut is not None)

    # -- update ----------------------------------------------------------------
    add("")
    add("Update: w+ = w − η·∂E/∂w with η = %s (computed here, not applied: "
        "net.train(inputs, targets) takes the step)" % g(eta))
    for index, layer in enumerate(layers):
        for neuron, name, ws in zip(layer.neurons, names[index], wnames[index]):
            # Rounded exactly as Neuron.update rounds: w − (η·δ)·input, b − η·δ.
            step = eta * neuron.delta
            for w_name, w, x, grad in zip(ws, neuron.weights, neuron.inputs,
                                          neuron.weight_gradients):
                add("  %s+ = %s − η·∂E/∂%s = %s − %s·%s = %s"
                    % (w_name, w_name, w_name, g(w), p(eta), p(grad), g(w - step * x)))
            if net.train_biases:
                add("  b_%s+ = b_%s − η·∂E/∂b_%s = %s − %s·%s = %s"
                    % (name, name, name, g(neuron.bias), p(eta), p(neuron.bias_gradient),
                       g(neuron.bias - step)))
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


def _explain_backward(add, net, index, k, neuron, name, names, wnames, targets, shortcut):
    """The backward-pass lines of neuron ``name`` (number k of layer ``index``)."""
    layers = net.layers
    layer = layers[index]
    is_output = index == len(layers) - 1
    elementwise = layer.activation.elementwise
    pd = neuron.pd_error_wrt_output
    # ∂E/∂out
    if is_output:
        formula, numbers = net.cost.formulas(layer.activation, name)[2:]
        if numbers is not None and not shortcut:
            add("  ∂E/∂out_%s = %s = %s = %s" % (
                name, formula, numbers.format(out=p(neuron.output), t=p(targets[k])), g(pd)))
        elif not shortcut:
            add("  ∂E/∂out_%s = %s" % (name, g(pd)))
    else:
        above = layers[index + 1]
        above_names = names[index + 1]
        above_w = wnames[index + 1]
        add("  ∂E/∂out_%s = %s = %s = %s" % (
            name,
            _sum_line(["δ_%s·%s" % (n, ws[k]) for n, ws in zip(above_names, above_w)]),
            _sum_line(["%s·%s" % (p(n.delta), p(n.weights[k])) for n in above.neurons]),
            g(pd)))
    # δ = ∂E/∂net
    chain = False
    if is_output and shortcut:
        if elementwise:
            add("  δ_%s = ∂E/∂net_%s = out_%s − t_%s = %s − %s = %s   (%s with %s: the slope "
                "cancels)" % (name, name, name, name, p(neuron.output), p(targets[k]),
                              g(neuron.delta), net.cost.name, layer.activation.name))
        else:
            add("  δ_%s = ∂E/∂net_%s = out_%s·Σt − t_%s = %s·%s − %s = %s   (%s with %s)"
                % (name, name, name, name, p(neuron.output), p(sum(targets)), p(targets[k]),
                   g(neuron.delta), net.cost.name, layer.activation.name))
    elif elementwise:
        slope = layer.activation.derivative(neuron.net_input, neuron.output)
        formula = layer.activation.slope_formula
        formula = (formula.format(n=name) + " = ") if formula else ""
        add("  ∂out_%s/∂net_%s = %s%s" % (name, name, formula, g(slope)))
        add("  δ_%s = ∂E/∂net_%s = ∂E/∂out_%s × ∂out_%s/∂net_%s = %s × %s = %s"
            % (name, name, name, name, name, p(pd), p(slope), g(neuron.delta)))
        chain = True
    else:
        add("  δ_%s = ∂E/∂net_%s = Σ_k ∂E/∂out_k × ∂out_k/∂net_%s = %s   (%s couples the layer: "
            "∂out_k/∂net_j = out_k·([k = j] − out_j))"
            % (name, name, name, g(neuron.delta), layer.activation.name))
    # ∂E/∂w and ∂E/∂b
    for w_name, x, grad in zip(wnames[index][k], neuron.inputs, neuron.weight_gradients):
        if chain:
            add("  ∂E/∂%s = ∂E/∂out_%s × ∂out_%s/∂net_%s × ∂net_%s/∂%s = %s × %s × %s = %s"
                % (w_name, name, name, name, name, w_name, p(pd), p(slope), p(x), g(grad)))
        else:
            add("  ∂E/∂%s = δ_%s × ∂net_%s/∂%s = %s × %s = %s"
                % (w_name, name, name, w_name, p(neuron.delta), p(x), g(grad)))
    if net.train_biases:
        add("  ∂E/∂b_%s = δ_%s × 1 = %s" % (name, name, g(neuron.bias_gradient)))
