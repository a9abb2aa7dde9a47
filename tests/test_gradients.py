"""Every partial derivative agrees with a central finite difference of E.

For random architectures (1–3 hidden layers of width 1–6), weights, inputs,
targets, every activation (one per layer) and every cost in the registries, ∂E/∂w and ∂E/∂b from backprop are
compared with (E(w + h) − E(w − h)) / 2h, where E is the network's own
``calculate_total_error``.
"""

import math

import pytest

from hypothesis import assume, given, settings

from strategies import near_a_kink, networks

STEP = 1e-6


def error_of(net, inputs, targets):
    return net.calculate_total_error([(inputs, targets)])


def finite_difference(net, inputs, targets, neuron, index=None):
    """(E(p + h) − E(p − h)) / 2h for weight ``index`` of ``neuron``, or its bias if None."""
    def put(value):
        if index is None:
            neuron.bias = value
        else:
            neuron.weights[index] = value
    original = neuron.bias if index is None else neuron.weights[index]
    put(original + STEP)
    above = error_of(net, inputs, targets)
    put(original - STEP)
    below = error_of(net, inputs, targets)
    put(original)
    return (above - below) / (2 * STEP)


def assert_close(analytic, numeric, what, error=0.0):
    # A central difference carries E's own rounding error divided by the step:
    # ≈ ε·|E|/h ≈ 2.2e-10·|E|, which decides once E is in the thousands
    # (three linear layers can get there); allowed five times over.
    assert math.isclose(analytic, numeric, rel_tol=1e-4, abs_tol=1e-6 + 1e-9 * abs(error)), \
        "%s: backprop %r, finite difference %r (E = %r)" % (what, analytic, numeric, error)


def assert_partials_match_finite_differences(net, inputs, targets, layers=None):
    """Backprop, then every ∂E/∂w and ∂E/∂b (of ``layers``, default all) against E itself."""
    error = net.backprop(inputs, targets)
    # Every partial first: each finite difference re-runs the forward pass.
    partials = [[(list(n.weight_gradients), n.bias_gradient) for n in layer.neurons]
                for layer in net.layers]
    for l, layer in enumerate(net.layers):
        if layers is not None and l not in layers:
            continue
        for k, neuron in enumerate(layer.neurons):
            weight_gradients, bias_gradient = partials[l][k]
            for i in range(len(weight_gradients)):
                assert_close(weight_gradients[i], finite_difference(net, inputs, targets, neuron, i),
                             "layer %d neuron %d w%d" % (l, k, i), error)
            assert_close(bias_gradient, finite_difference(net, inputs, targets, neuron),
                         "layer %d neuron %d bias" % (l, k), error)


@settings(max_examples=300, deadline=None)
@given(networks())
def test_every_gradient_matches_a_finite_difference(case):
    net, inputs, targets = case
    assume(not near_a_kink(net, inputs))
    assert_partials_match_finite_differences(net, inputs, targets)


@settings(max_examples=100, deadline=None)
@given(networks())
def test_backprop_leaves_weights_and_train_steps_by_the_gradient(case):
    net, inputs, targets = case
    before = [[(list(n.weights), n.bias) for n in layer.neurons] for layer in net.layers]
    error = net.backprop(inputs, targets)
    assert [[(list(n.weights), n.bias) for n in layer.neurons] for layer in net.layers] == before
    assert error == net.train(inputs, targets)
    rate = net.learning_rate
    for layer, old_layer in zip(net.layers, before):
        for neuron, (old_weights, old_bias) in zip(layer.neurons, old_layer):
            # Equal up to rounding: η·(δ·x) and (η·δ)·x may differ in the last
            # bit (only in the subnormal range while η is a power of two).
            expected = [w - rate * g for w, g in zip(old_weights, neuron.weight_gradients)]
            assert neuron.weights == [pytest.approx(w, rel=1e-12, abs=1e-300) for w in expected]
            assert neuron.bias == pytest.approx(old_bias - rate * neuron.bias_gradient,
                                                rel=1e-12, abs=1e-300)
