"""Bad input: the right exception, a message that names the argument, and nothing changed."""

from fractions import Fraction

import pytest

from conftest import INPUTS, TARGETS, snapshot
from neuronsim import NeuralNetwork, Neuron, NeuronLayer

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(num_inputs=0), ValueError, "num_inputs: expected a whole number >= 1, got 0"),
    (dict(num_inputs=2.0), TypeError, "num_inputs"),
    (dict(num_hidden=[]), ValueError, "num_hidden"),
    (dict(num_hidden=[2, 0]), ValueError, "num_hidden[1]"),
    (dict(num_hidden=-1), ValueError, "num_hidden"),
    (dict(num_hidden="2"), TypeError, "num_hidden"),
    (dict(num_outputs=True), TypeError, "num_outputs"),
    (dict(hidden_layer_weights=[0.1, 0.2, 0.3]), ValueError, "hidden_layer_weights: expected 4 numbers, got 3"),
    (dict(output_layer_weights=[0.4, 0.45]), ValueError, "output_layer_weights: expected 4 numbers, got 2"),
    (dict(hidden_layer_weights=[0.1, NAN, 0.3, 0.4]), ValueError, "hidden_layer_weights[1]: expected a finite number, got nan"),
    (dict(hidden_layer_weights=[0.1, "x", 0.3, 0.4]), TypeError, "hidden_layer_weights[1]: expected a number, got 'x' (str)"),
    (dict(hidden_layer_weights=0.5), TypeError, "hidden_layer_weights"),
    (dict(hidden_layer_bias=[0.1]), ValueError, "hidden_layer_bias: expected 2 numbers, got 1"),
    (dict(output_layer_bias=INF), ValueError, "output_layer_bias: expected a finite number, got inf"),
    (dict(output_layer_bias="0.6"), TypeError, "output_layer_bias"),
    (dict(activation="swish"), ValueError, "'leaky_relu', 'linear', 'relu', 'sigmoid', 'softmax', 'tanh'"),
    (dict(activation="softmax"), ValueError, "output_activation='softmax'"),
    (dict(output_activation=3), TypeError, "output_activation"),
    (dict(cost="hinge"), ValueError, "expected one of 'cross_entropy', 'squared_error'"),
    (dict(cost="cross_entropy", output_activation="tanh"), ValueError, "'sigmoid' or 'softmax'"),
    (dict(learning_rate=0), ValueError, "learning_rate: expected a number > 0, got 0"),
    (dict(learning_rate=NAN), ValueError, "learning_rate"),
    (dict(train_biases="no"), TypeError, "train_biases"),
    (dict(seed=1.5), TypeError, "seed: expected a whole number or None, got 1.5"),
])
def test_constructor_rejects(kwargs, error, words):
    args = dict(num_inputs=2, num_hidden=2, num_outputs=2)
    args.update(kwargs)
    positional = [args.pop(k) for k in ("num_inputs", "num_hidden", "num_outputs")]
    with pytest.raises(error) as info:
        NeuralNetwork(*positional, **args)
    assert words in str(info.value)


BAD_VECTORS = [
    ([0.05], ValueError, "inputs: expected 2 numbers, got 1"),
    ([0.05, 0.1, 0.2], ValueError, "expected 2 numbers, got 3"),
    ([], ValueError, "got 0"),
    ([0.05, NAN], ValueError, "inputs[1]: expected a finite number, got nan"),
    ([-INF, 0.1], ValueError, "inputs[0]: expected a finite number, got -inf"),
    ([0.05, "0.1"], TypeError, "inputs[1]: expected a number, got '0.1' (str)"),
    ([0.05, None], TypeError, "inputs[1]"),
    ([True, 0.1], TypeError, "inputs[0]"),
    ([0.05, [0.1]], TypeError, "inputs[1]"),
    ([0.05, 1j], TypeError, "inputs[1]"),
    ("ab", TypeError, "inputs: expected a list of numbers"),
    (0.05, TypeError, "inputs: expected a list of numbers"),
    ([10 ** 400, 0.1], ValueError, "inputs[0]: expected a finite number"),
]


@pytest.mark.parametrize("inputs, error, words", BAD_VECTORS)
@pytest.mark.parametrize("method", ["feed_forward", "backprop", "train"])
def test_bad_inputs_change_nothing(example, method, inputs, error, words):
    before = snapshot(example)
    call = getattr(example, method)
    with pytest.raises(error) as info:
        call(inputs) if method == "feed_forward" else call(inputs, TARGETS)
    assert words in str(info.value)
    assert snapshot(example) == before


@pytest.mark.parametrize("targets, error, words", [
    (t.replace("inputs", "targets") if isinstance(t, str) else t, e, w.replace("inputs", "targets"))
    for t, e, w in BAD_VECTORS])
@pytest.mark.parametrize("method", ["backprop", "train"])
def test_bad_targets_change_nothing(example, method, targets, error, words):
    before = snapshot(example)
    with pytest.raises(error) as info:
        getattr(example, method)(INPUTS, targets)
    assert words in str(info.value)
    assert snapshot(example) == before


def test_cross_entropy_targets_must_be_probabilities():
    net = NeuralNetwork(2, 2, 1, cost="cross_entropy", seed=1)
    before = snapshot(net)
    with pytest.raises(ValueError, match=r"targets\[0\]: cross_entropy needs targets in \[0, 1\], got 1.5"):
        net.train([0.0, 1.0], [1.5])
    assert snapshot(net) == before


@pytest.mark.parametrize("training_sets, error, words", [
    ([], ValueError, "training_sets: expected at least one"),
    ([(INPUTS,)], ValueError, "training_sets[0]: expected an (inputs, targets) pair, got 1 items"),
    ([(INPUTS, TARGETS), (INPUTS, [0.1])], ValueError, "training_sets[1].targets: expected 2 numbers, got 1"),
    ([(INPUTS, TARGETS), 5], TypeError, "training_sets[1]"),
    (None, TypeError, "training_sets"),
])
def test_calculate_total_error_rejects(example, training_sets, error, words):
    with pytest.raises(error) as info:
        example.calculate_total_error(training_sets)
    assert words in str(info.value)


def test_other_real_number_types_are_accepted(example):
    plain = example.feed_forward([0.05, 0.1])
    assert example.feed_forward((Fraction(1, 20), Fraction(1, 10))) == plain
    assert example.feed_forward([0, 1]) == example.feed_forward([0.0, 1.0])


def test_caller_lists_are_copied_not_kept(example):
    inputs = [0.05, 0.1]
    example.backprop(inputs, TARGETS)
    gradients = example.hidden_layer.neurons[0].weight_gradients
    inputs[0] = 100.0
    assert example.hidden_layer.neurons[0].weight_gradients == gradients


def test_neuron_and_layer_check_their_arguments():
    with pytest.raises(ValueError, match="weights: expected at least one number"):
        Neuron([])
    with pytest.raises(TypeError, match="bias"):
        Neuron([0.1], bias="1")
    with pytest.raises(ValueError, match="layer.weights: expected 6 numbers, got 5"):
        NeuronLayer(2, 3, weights=[0.1] * 5)
    with pytest.raises(ValueError, match="rng"):
        NeuronLayer(2, 3)
    with pytest.raises(TypeError, match="layer.bias"):
        NeuronLayer(1, 1, weights=[0.1], bias={0.1})


def test_hidden_layer_needs_a_single_hidden_layer():
    net = NeuralNetwork(2, [3, 2], 1, seed=0)
    with pytest.raises(AttributeError, match="2 hidden layers"):
        net.hidden_layer
    assert net.hidden_layers == net.layers[:2]
    assert net.layer_sizes == [2, 3, 2, 1]
