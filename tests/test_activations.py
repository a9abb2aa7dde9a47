"""Activations at extreme net inputs, and seeded initialisation."""

import math
import random

import pytest

from neuronsim import NeuralNetwork, get_activation
from neuronsim.activations import ACTIVATIONS
from strategies import HIDDEN_ACTIVATIONS

EXTREMES = [-1e308, -1000.0, -745.2, -710.0, -709.8, -40.0, 0.0, 40.0, 710.0, 1e308,
            float("inf"), float("-inf")]


@pytest.mark.parametrize("net_input", EXTREMES)
def test_sigmoid_is_stable(net_input):
    sigmoid = get_activation("sigmoid")
    out = sigmoid.function(net_input)
    assert 0.0 <= out <= 1.0 and not math.isnan(out)
    slope = sigmoid.derivative(net_input, out)
    assert 0.0 <= slope <= 0.25


def test_sigmoid_matches_the_textbook_formula_where_that_works():
    sigmoid = get_activation("sigmoid")
    for z in [-700.0, -30.0, -1.5, -1e-9, 0.0, 0.3775, 5.0, 700.0]:
        assert sigmoid.function(z) == pytest.approx(1.0 / (1.0 + math.exp(-z)), rel=1e-15)
    assert sigmoid.function(float("-inf")) == 0.0
    assert sigmoid.function(float("inf")) == 1.0


@pytest.mark.parametrize("name", sorted(n for n in ACTIVATIONS if n != "softmax"))
@pytest.mark.parametrize("net_input", EXTREMES)
def test_every_activation_gives_a_number_at_extremes(name, net_input):
    activation = ACTIVATIONS[name]
    out = activation.function(net_input)
    assert not math.isnan(out)
    assert not math.isnan(activation.derivative(net_input, out))


def test_softmax_at_extremes():
    softmax = ACTIVATIONS["softmax"]
    assert softmax.outputs([1e308, -1e308, 0.0]) == [1.0, 0.0, 0.0]
    assert softmax.outputs([float("inf"), 0.0]) == [1.0, 0.0]
    assert softmax.outputs([float("-inf")] * 4) == [0.25] * 4
    assert sum(softmax.outputs([3.0, 1.0, -2.0])) == pytest.approx(1.0)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_forward_pass_never_raises_when_net_inputs_overflow(activation):
    net = NeuralNetwork(2, 2, 2, hidden_layer_weights=[1e308, 1e308, -1e308, -1e308],
                        output_layer_weights=[1e308, -1e308, -1e308, 1e308],
                        activation=activation, output_activation="sigmoid")
    outputs = net.feed_forward([1e308, 1e308])
    assert all(o in (0.0, 1.0) or 0.0 <= o <= 1.0 for o in outputs if not math.isnan(o))
    assert net.layers[0].neurons[0].net_input == float("inf")
    assert net.layers[0].neurons[1].net_input == float("-inf")


def test_original_overflow_case_is_fine():
    # 1 / (1 + exp(-x)) raises OverflowError below about -709.
    net = NeuralNetwork(1, 1, 1, hidden_layer_weights=[1.0], output_layer_weights=[1.0])
    assert net.feed_forward([-800.0])[0] == pytest.approx(0.5)
    assert net.layers[0].neurons[0].output == 0.0


def test_seed_repeats_weights_and_leaves_global_random_alone():
    random.seed(123)
    expected_next = random.random()
    random.seed(123)
    a = NeuralNetwork(3, [5, 4], 2, seed=7)
    b = NeuralNetwork(3, [5, 4], 2, seed=7)
    assert random.random() == expected_next
    weights = lambda net: [w for layer in net.layers for n in layer.neurons for w in n.weights]
    assert weights(a) == weights(b)
    assert weights(a) != weights(NeuralNetwork(3, [5, 4], 2, seed=8))
    assert a.seed == 7


def test_default_initialisation_is_centred_and_scaled_by_fan_in():
    net = NeuralNetwork(100, 50, 1, seed=1)
    hidden = [w for n in net.hidden_layer.neurons for w in n.weights]
    limit = math.sqrt(3.0 / 100)
    assert max(abs(w) for w in hidden) <= limit
    assert abs(sum(hidden) / len(hidden)) < 0.01
    assert sum(1 for w in hidden if w < 0) > 0.4 * len(hidden)
    variance = sum(w * w for w in hidden) / len(hidden)
    assert variance == pytest.approx(1.0 / 100, rel=0.1)


def test_unseeded_networks_record_the_seed_they_used():
    net = NeuralNetwork(2, 3, 1)
    again = NeuralNetwork(2, 3, 1, seed=net.seed)
    assert [n.weights for n in net.hidden_layer.neurons] == [n.weights for n in again.hidden_layer.neurons]
