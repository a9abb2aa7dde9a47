"""The two hot paths agree: the unrolled step for small networks and the general one.

Small networks train through a step written out for their shape
(``neuronsim/unrolled.py``); larger ones through the loops in
``neuronsim/layer.py``.  ``test_gradients.py`` draws small networks, so it
checks the unrolled path; here the general path gets the same finite-difference
check, and the two are compared partial by partial and weight by weight.
"""

import copy
import math

from hypothesis import assume, given, note, settings

import neuronsim.layer
import neuronsim.vector
from neuronsim import NeuralNetwork
from neuronsim.unrolled import MAX_WEIGHTS
from neuronsim.vector import _dot_by_index
from test_gradients import assert_partials_match_finite_differences, error_of, near_a_kink, networks


def general(net):
    """A copy of ``net`` that always takes the general path."""
    twin = copy.deepcopy(net)
    twin.use_unrolled = False
    return twin


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b))


def partials(net):
    return [[(n.inputs, n.net_input, n.output, n.pd_error_wrt_output, n.delta)
             for n in layer.neurons] for layer in net.layers]


def assert_same(net, twin):
    for ours, theirs in zip(partials(net), partials(twin)):
        for a, b in zip(ours, theirs):
            assert all(close(x, y) for x, y in zip(a[0], b[0])), (a, b)
            assert all(close(x, y) for x, y in zip(a[1:], b[1:])), (a, b)
    for layer, other in zip(net.layers, twin.layers):
        for n, m in zip(layer.neurons, other.neurons):
            assert all(close(x, y) for x, y in zip(n.weights, m.weights))
            assert close(n.bias, m.bias)


def test_the_path_is_chosen_by_size():
    assert NeuralNetwork(2, 2, 2, seed=1)._unrolled_step() is not None
    assert NeuralNetwork(2, 4, 1, seed=1)._unrolled_step() is not None
    assert NeuralNetwork(64, 30, 10, seed=1)._unrolled_step() is None
    assert NeuralNetwork(2, 2, 3, output_activation="softmax", seed=1)._unrolled_step() is None
    assert general(NeuralNetwork(2, 2, 2, seed=1))._unrolled_step() is None


@settings(max_examples=100, deadline=None)
@given(networks())
def test_unrolled_and_general_paths_agree(case):
    """Operation for operation: the general path here sums its dot products in
    order, as the unrolled step does (math.sumprod, the general path's kernel
    on CPython 3.12+, rounds a sum with cancellation differently; the
    finite-difference tests check that kernel)."""
    net, inputs, targets = case
    twin = general(net)
    saved = neuronsim.layer.dot
    neuronsim.layer.dot = _dot_by_index
    try:
        _paths_agree(net, twin, inputs, targets)
    finally:
        neuronsim.layer.dot = saved


def _paths_agree(net, twin, inputs, targets):
    error, twin_error = net.backprop(inputs, targets), twin.backprop(inputs, targets)
    assert close(error, twin_error)
    assert_same(net, twin)
    for _ in range(3):
        assert close(net.train(inputs, targets), twin.train(inputs, targets))
        assert_same(net, twin)


@settings(max_examples=100, deadline=None)
@given(networks())
def test_general_path_gradients_match_finite_differences(case):
    net, inputs, targets = case
    net.use_unrolled = False
    assume(not near_a_kink(net, inputs))
    assert_partials_match_finite_differences(net, inputs, targets)


def test_largest_unrolled_network_matches_the_general_path():
    # 16-15-1: 255 weights, just inside MAX_WEIGHTS; checks the generated source at size.
    net = NeuralNetwork(16, 15, 1, seed=5, learning_rate=0.3)
    assert sum(len(n.weights) for l in net.layers for n in l.neurons) <= MAX_WEIGHTS
    assert net._unrolled_step() is not None
    twin = general(net)
    inputs, targets = [i / 16.0 for i in range(16)], [0.25]
    before = error_of(net, inputs, targets)
    for _ in range(5):
        assert close(net.train(inputs, targets), twin.train(inputs, targets))
    assert_same(net, twin)
    assert error_of(net, inputs, targets) < before


# -- steps held back on the first layer (NeuronLayer.update(defer=True)) ------

import gc  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import weakref  # noqa: E402

import pytest  # noqa: E402

from neuronsim.vector import (MAX_DEFERRED_STEPS, MIN_INPUTS_TO_HOLD_BACK,  # noqa: E402
                              fold_steps, subtract_scaled)


@pytest.fixture
def narrow_layers_hold_back():
    """Let the 5-input layers below hold steps back (normally only ≥ 48 inputs do)."""
    saved = neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK
    neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK = 1
    yield
    neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK = saved


def test_only_wide_first_layers_hold_steps_back():
    rng = random.Random(2)
    wide = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    narrow = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK - 1, 3, 2, seed=1)
    for net in (wide, narrow):
        net.use_unrolled = False   # both are small enough for the unrolled step
        n = net.num_inputs
        net.train([rng.uniform(-1, 1) for _ in range(n)], [0.2, 0.7])
    assert len(wide.layers[0]._held.inputs) == (1 if MAX_DEFERRED_STEPS else 0)
    assert len(narrow.layers[0]._held.inputs) == 0
    assert not wide.layers[1]._held.inputs   # only the first layer


def test_folding_steps_rounds_exactly_as_the_steps_one_by_one():
    rng = random.Random(3)
    for count in range(1, 11):
        values = [rng.uniform(-1, 1) for _ in range(7)]
        directions = [[rng.uniform(-1, 1) for _ in range(7)] for _ in range(count)]
        scales = [rng.uniform(-0.1, 0.1) for _ in range(count)]
        expected = values
        for direction, scale in zip(directions, scales):
            expected = subtract_scaled(expected, direction, scale)
        assert fold_steps(values, directions, scales) == expected


def samples(count, rng):
    return [([rng.uniform(-1, 1) for _ in range(5)], [rng.uniform(0, 1) for _ in range(3)])
            for _ in range(count)]


def train_both(net, eager, data):
    """Train ``net`` on ``data``, and ``eager`` alike with no step held back;
    check each step's error agrees; return the most steps ``net`` held back."""
    held_back = 0
    for inputs, targets in data:
        error = net.train(inputs, targets)
        held_back = max(held_back, len(net.layers[0]._held.inputs))
        neuronsim.layer.MAX_DEFERRED_STEPS = 0
        try:
            assert close(error, eager.train(inputs, targets))
        finally:
            neuronsim.layer.MAX_DEFERRED_STEPS = MAX_DEFERRED_STEPS
    return held_back


def trained_twins(rng, steps):
    """A 5-4-3 network and its eager twin, both trained on ``steps`` samples
    (see train_both): the network now holds steps back, the twin none."""
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    eager = copy.deepcopy(net)
    train_both(net, eager, samples(steps, rng))
    return net, eager


def test_held_back_steps_train_as_the_steps_taken_at_once(narrow_layers_hold_back):
    rng = random.Random(11)
    net = general(NeuralNetwork(5, [4, 4], 3, seed=2, learning_rate=0.3))
    eager = copy.deepcopy(net)
    held_back = train_both(net, eager, samples(2 * MAX_DEFERRED_STEPS + 3, rng))
    assert held_back == max(MAX_DEFERRED_STEPS - 1, 0)
    assert_same(net, eager)   # reading the weights folds what was held back


def test_gradients_with_steps_held_back_match_finite_differences(narrow_layers_hold_back):
    rng = random.Random(5)
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    for inputs, targets in samples(3, rng):
        net.train(inputs, targets)
    inputs, targets = samples(1, rng)[0]
    net.feed_forward(inputs)
    assert MAX_DEFERRED_STEPS == 0 or net.layers[0]._held.inputs   # still held back
    assert_partials_match_finite_differences(net, inputs, targets, layers=[0])


def test_assigning_weights_drops_the_steps_held_back(narrow_layers_hold_back):
    rng = random.Random(8)
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    for inputs, targets in samples(2, rng):
        net.train(inputs, targets)
    neuron = net.layers[0].neurons[1]
    neuron.weights = [0.5, -0.25, 0.0, 1.0, 2.0]
    inputs = [1.0, 2.0, 3.0, 4.0, 5.0]
    net.feed_forward(inputs)
    assert neuron.net_input == 0.5 - 0.5 + 0.0 + 4.0 + 10.0 + neuron.bias
    assert neuron.weights == [0.5, -0.25, 0.0, 1.0, 2.0]


def test_weights_assigned_while_steps_are_held_back_take_the_later_steps(narrow_layers_hold_back):
    rng = random.Random(9)
    net, eager = trained_twins(rng, 2)
    for twin in (net, eager):
        twin.layers[0].neurons[2].weights = [0.5, -0.25, 0.0, 1.0, 2.0]
    train_both(net, eager, samples(4, rng))
    assert MAX_DEFERRED_STEPS == 0 or net.layers[0]._held.inputs
    assert_same(net, eager)


def test_a_layers_neurons_are_fixed_so_its_held_back_steps_reach_them():
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    with pytest.raises(TypeError):
        net.layers[0].neurons[0] = net.layers[1].neurons[0]
    with pytest.raises(AttributeError):
        net.layers[0].neurons = net.layers[0].neurons[:2]


def test_a_copied_neuron_given_new_weights_leaves_the_layer_alone(narrow_layers_hold_back):
    rng = random.Random(12)
    net, eager = trained_twins(rng, 2)
    spare = copy.copy(net.layers[0].neurons[0])
    spare.weights = [0.0] * 5
    train_both(net, eager, samples(4, rng))
    assert spare.weights == [0.0] * 5
    assert_same(net, eager)


def test_a_take_cut_short_never_takes_a_step_twice(narrow_layers_hold_back, monkeypatch):
    net, eager = trained_twins(random.Random(13), 3)
    layer = net.layers[0]
    assert MAX_DEFERRED_STEPS == 0 or layer._held.inputs

    def first_row_then_interrupt(rows, directions, scales_per_step):
        neuronsim.vector.take_steps(rows[:1], directions, scales_per_step)
        raise KeyboardInterrupt

    monkeypatch.setattr(neuronsim.layer, "take_steps", first_row_then_interrupt)
    if MAX_DEFERRED_STEPS:
        with pytest.raises(KeyboardInterrupt):
            layer.neurons[0].weights
    monkeypatch.undo()
    assert not layer._held.inputs
    assert all(close(x, y) for x, y in zip(layer.neurons[0].weights, eager.layers[0].neurons[0].weights))


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="needs reference counting")
def test_a_network_holding_steps_back_is_freed_without_the_cycle_collector():
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    net.use_unrolled = False
    net.train([0.5] * MIN_INPUTS_TO_HOLD_BACK, [0.2, 0.7])
    gc.disable()
    try:
        layer = weakref.ref(net.layers[0])
        del net
        assert layer() is None   # neurons do not point back at their layer
    finally:
        gc.enable()


def test_the_unrolled_step_folds_steps_the_general_path_held_back():
    # 48-2-1 is small enough for the unrolled step and wide enough to hold back.
    rng = random.Random(4)
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 2, 1, seed=6)
    assert net._unrolled_step() is not None
    net.use_unrolled = False
    twin = copy.deepcopy(net)
    data = [([rng.uniform(-1, 1) for _ in range(MIN_INPUTS_TO_HOLD_BACK)], [rng.uniform(0, 1)])
            for _ in range(6)]
    for inputs, targets in data[:3]:
        assert close(net.train(inputs, targets), twin.train(inputs, targets))
    assert len(net.layers[0]._held.inputs) == (3 if MAX_DEFERRED_STEPS else 0)
    net.use_unrolled = True     # the unrolled step reads the raw weight lists
    for inputs, targets in data[3:]:
        assert close(net.train(inputs, targets), twin.train(inputs, targets))
    assert not net.layers[0]._held.inputs
    assert_same(net, twin)
