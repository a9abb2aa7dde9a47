"""Softmax output with cross-entropy is categorical cross-entropy: E = −Σ t·ln a, δ = a − t.

The general finite-difference property in test_gradients.py draws any targets
in [0, 1]; here the targets are what a classifier trains on, one-hot class
labels, and the closed forms are checked as well as the gradients.
"""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from neuronsim import NeuralNetwork
from test_gradients import assert_partials_match_finite_differences

values = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_subnormal=False)


@st.composite
def classifiers(draw):
    num_inputs = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2))
    num_classes = draw(st.integers(2, 5))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "linear"]))
    net = NeuralNetwork(num_inputs, hidden, num_classes, activation=activation,
                        output_activation="softmax", cost="cross_entropy",
                        seed=draw(st.integers(0, 2 ** 64 - 1)))
    for layer in net.layers:              # biases drawn too, so they matter
        for neuron in layer.neurons:
            neuron.bias = draw(values)
    inputs = draw(st.lists(values, min_size=num_inputs, max_size=num_inputs))
    label = draw(st.integers(0, num_classes - 1))
    targets = [1.0 if k == label else 0.0 for k in range(num_classes)]
    return net, inputs, targets, label


@settings(max_examples=100, deadline=None)
@given(classifiers())
def test_categorical_cross_entropy_is_minus_log_of_the_true_class(case):
    net, inputs, targets, label = case
    outputs = net.feed_forward(inputs)
    assert math.isclose(sum(outputs), 1.0, rel_tol=1e-12)
    error = net.backprop(inputs, targets)
    assert math.isclose(error, -math.log(outputs[label]), rel_tol=1e-9, abs_tol=1e-12)
    deltas = [n.delta for n in net.output_layer.neurons]
    assert deltas == [a - t for a, t in zip(outputs, targets)]      # δ_k = a_k − t_k


@settings(max_examples=100, deadline=None)
@given(classifiers())
def test_categorical_gradients_match_a_finite_difference(case):
    net, inputs, targets, _ = case
    assert_partials_match_finite_differences(net, inputs, targets)


def test_a_confident_wrong_answer_costs_its_log_odds_without_overflow():
    """net inputs 0 and 800: a_true = e^−800 underflows to 0, but E = 800 exactly."""
    net = NeuralNetwork(1, 1, 2, hidden_layer_weights=[0.0], hidden_layer_bias=0.0,
                        output_layer_weights=[0.0, 0.0], output_layer_bias=[0.0, 800.0],
                        activation="linear", output_activation="softmax", cost="cross_entropy")
    assert net.feed_forward([1.0]) == [0.0, 1.0]
    assert net.backprop([1.0], [1.0, 0.0]) == 800.0
    assert [n.delta for n in net.output_layer.neurons] == [-1.0, 1.0]
