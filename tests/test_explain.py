"""net.explain: the worked example's every number, and the trace checked against the library."""

import re

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import NeuralNetwork
from neuronsim.explain import MAX_WEIGHTS, neuron_names, weight_names

from conftest import INPUTS, TARGETS, snapshot, worked_example
from strategies import HIDDEN_ACTIVATIONS, OUTPUT_PAIRS

# The worked example's table, as %.9g prints it (trailing zeros dropped).
REFERENCE = {
    "net_h1": "0.3775",
    "out_h1": "0.593269992", "out_h2": "0.596884378",
    "net_o1": "1.10590597",
    "out_o1": "0.75136507", "out_o2": "0.772928465",
    "E_o1": "0.274811083", "E_o2": "0.0235600256", "E_total": "0.298371109",
    "∂E/∂out_o1": "0.74136507",
    "∂out_o1/∂net_o1": "0.186815602",
    "δ_o1": "0.138498562",
    "∂E/∂w5": "0.0821670406",
    "∂E/∂out_h1": "0.0363503064",
    "∂out_h1/∂net_h1": "0.241300709",
    "∂E/∂w1": "0.000438567734",
    "w1+": "0.149780716", "w2+": "0.199561432", "w3+": "0.249751144", "w4+": "0.299502287",
    "w5+": "0.35891648", "w6+": "0.408666186", "w7+": "0.51130127", "w8+": "0.561370121",
}


def parse(text):
    """{name: value text} from every 'name = … = value' line of a trace."""
    values = {}
    for line in text.splitlines():
        if not line.startswith("  "):                      # headings
            continue
        line = re.sub(r"\s{3}\(.*\)$", "", line.strip())    # a trailing '   (remark)'
        for statement in line.split("   "):               # 'i1 = 0.05   i2 = 0.1'
            parts = statement.split(" = ")
            if len(parts) < 2:
                continue
            float(parts[-1])                                # every statement ends in a number
            assert parts[0] not in values, "named twice: %s" % parts[0]
            values[parts[0]] = parts[-1]
    return values


def g(value):
    return "%.9g" % value


def test_worked_example_shows_every_number_of_the_table(example):
    values = parse(example.explain(INPUTS, TARGETS))
    for name, number in REFERENCE.items():
        assert values[name] == number, name


def test_worked_example_trace_reads_like_the_example(example):
    text = example.explain(INPUTS, TARGETS)
    assert "net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in text
    assert ("∂E/∂w5 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = "
            "0.74136507 × 0.186815602 × 0.593269992 = 0.0821670406") in text
    assert "∂E/∂out_h1 = δ_o1·w5 + δ_o2·w7 = 0.138498562·0.4 + (-0.0380982365)·0.5" in text
    assert "w7+ = w7 − η·∂E/∂w7 = 0.5 − 0.5·(-0.0226025405) = 0.51130127" in text
    # Biases are fixed in the worked example: shown in the net inputs, never stepped.
    assert "b_h1+" not in text and "∂E/∂b" not in text
    assert "train_biases=False" in text


def test_explain_changes_no_weight_and_leaves_the_pass_state_of_backprop(example):
    before = snapshot(example)
    example.explain(INPUTS, TARGETS)
    assert snapshot(example) == before
    twin = worked_example()
    twin.backprop(INPUTS, TARGETS)
    for layer, twin_layer in zip(example.layers, twin.layers):
        for neuron, other in zip(layer.neurons, twin_layer.neurons):
            assert (neuron.net_input, neuron.output, neuron.delta) == \
                   (other.net_input, other.output, other.delta)


def test_the_updated_weights_are_those_train_takes():
    explained = NeuralNetwork(3, [2, 3], 2, seed=11, train_biases=True, learning_rate=0.7)
    trained = NeuralNetwork(3, [2, 3], 2, seed=11, train_biases=True, learning_rate=0.7)
    inputs, targets = [0.3, -1.2, 0.8], [0.9, 0.2]
    values = parse(explained.explain(inputs, targets))
    trained.train(inputs, targets)
    names = weight_names(trained)
    for index, layer in enumerate(trained.layers):
        for k, (neuron, name) in enumerate(zip(layer.neurons, neuron_names(trained)[index])):
            for w_name, w in zip(names[index][k], neuron.weights):
                assert values[w_name + "+"] == g(w)
            assert values["b_%s+" % name] == g(neuron.bias)


def test_several_hidden_layers_are_named_neuron_then_layer():
    net = NeuralNetwork(2, [3, 2], 1, seed=5)
    text = net.explain([0.5, -0.5], [1.0])
    assert "hidden layer 1 h1_1, h2_1, h3_1; hidden layer 2 h1_2, h2_2; output layer o1" in text
    assert "net_h1_2 = w7·out_h1_1 + w8·out_h2_1 + w9·out_h3_1 + b_h1_2 = " in text
    assert "∂E/∂out_h3_1 = δ_h1_2·w9 + δ_h2_2·w12 = " in text


def test_bias_steps_are_shown_only_when_biases_train():
    text = worked_example(train_biases=True).explain(INPUTS, TARGETS)
    values = parse(text)
    net = worked_example(train_biases=True)
    net.backprop(INPUTS, TARGETS)
    o1 = net.output_layer.neurons[0]
    assert values["∂E/∂b_o1"] == g(o1.bias_gradient)
    assert values["b_o1+"] == g(0.6 - 0.5 * o1.bias_gradient)


def test_refuses_a_network_too_large_to_read():
    net = NeuralNetwork(20, 15, 2, seed=1)            # 330 weights
    assert 20 * 15 + 15 * 2 > MAX_WEIGHTS
    before = snapshot(net)
    with pytest.raises(ValueError, match=r"net: .*up to 300 weights.*20-15-2\) has 330"):
        net.explain([0.0] * 20, [0.0, 1.0])
    assert snapshot(net) == before
    assert all(n.output is None for layer in net.layers for n in layer.neurons)


def test_accepts_a_network_at_the_limit():
    net = NeuralNetwork(10, 25, 2, seed=1)             # 250 + 50 = 300 weights
    assert "w300+" in net.explain([0.1] * 10, [0.0, 1.0])


@pytest.mark.parametrize("inputs, targets, error", [
    ([0.05], TARGETS, ValueError),
    ([0.05, float("nan")], TARGETS, ValueError),
    (INPUTS, [0.01, "x"], TypeError),
    ("ab", TARGETS, TypeError),
])
def test_bad_arguments_are_refused_before_anything_runs(inputs, targets, error):
    net = worked_example()
    with pytest.raises(error):
        net.explain(inputs, targets)
    assert all(n.output is None for layer in net.layers for n in layer.neurons)


# -- the trace against the library's own partials, on random small nets -------

OUTPUTS = OUTPUT_PAIRS


@st.composite
def small_nets(draw):
    num_inputs = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    num_outputs = draw(st.integers(1, 3))
    activation = draw(st.sampled_from(HIDDEN_ACTIVATIONS))
    output_activation, cost = draw(st.sampled_from(OUTPUTS))
    bias = st.floats(-1, 1, allow_nan=False)
    options = dict(
        hidden_layer_bias=[draw(bias) for _ in range(sum(hidden))],
        output_layer_bias=[draw(bias) for _ in range(num_outputs)],
        activation=activation, output_activation=output_activation, cost=cost,
        learning_rate=draw(st.floats(0.01, 2.0)), train_biases=draw(st.booleans()),
        seed=draw(st.integers(0, 2 ** 32)))
    unit = st.floats(-3, 3, allow_nan=False)
    inputs = [draw(unit) for _ in range(num_inputs)]
    targets = [draw(st.floats(0, 1)) for _ in range(num_outputs)]
    return (num_inputs, hidden, num_outputs), options, inputs, targets


@settings(max_examples=40, deadline=None)
@given(small_nets())
def test_every_number_of_the_trace_is_the_librarys_own(case):
    sizes, options, inputs, targets = case
    net = NeuralNetwork(*sizes, **options)
    values = parse(net.explain(inputs, targets))

    reference = NeuralNetwork(*sizes, **options)        # an identical, untouched twin
    error = reference.backprop(inputs, targets)
    expected = {"E_total": g(error)}
    expected.update(("i%d" % (k + 1), g(x)) for k, x in enumerate(inputs))
    output_layer = reference.output_layer
    errors = reference.cost.errors(targets, output_layer.get_outputs(),
                                   [n.net_input for n in output_layer.neurons],
                                   output_layer.activation)
    shortcut = reference.cost.output_deltas(targets, output_layer.get_outputs(),
                                            [n.net_input for n in output_layer.neurons],
                                            output_layer.activation) is not None
    names, wnames = neuron_names(reference), weight_names(reference)
    for index, layer in enumerate(reference.layers):
        is_output = index == len(reference.layers) - 1
        for k, neuron in enumerate(layer.neurons):
            name = names[index][k]
            expected["net_" + name] = g(neuron.net_input)
            expected["out_" + name] = g(neuron.output)
            expected["δ_" + name] = g(neuron.delta)
            if not (is_output and shortcut):
                expected["∂E/∂out_" + name] = g(neuron.pd_error_wrt_output)
            if layer.activation.elementwise and not (is_output and shortcut):
                expected["∂out_%s/∂net_%s" % (name, name)] = g(
                    layer.activation.derivative(neuron.net_input, neuron.output))
            if is_output:
                expected["E_" + name] = g(errors[k])
            for w_name, grad in zip(wnames[index][k], neuron.weight_gradients):
                expected["∂E/∂" + w_name] = g(grad)
            if reference.train_biases:
                expected["∂E/∂b_" + name] = g(neuron.bias_gradient)
    # w+ and b+ are what the twin's own training step leaves.
    reference.train(inputs, targets)
    for index, layer in enumerate(reference.layers):
        for k, neuron in enumerate(layer.neurons):
            for w_name, w in zip(wnames[index][k], neuron.weights):
                expected[w_name + "+"] = g(w)
            if reference.train_biases:
                expected["b_%s+" % names[index][k]] = g(neuron.bias)
    assert values == expected
    assert snapshot(net) == snapshot(NeuralNetwork(*sizes, **options))   # explain moved nothing
