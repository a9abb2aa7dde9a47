"""The two hot paths agree: the unrolled step for small networks and the general one.

Small networks train through a step written out for their shape
(``neuronsim/unrolled.py``); larger ones through the loops in
``neuronsim/layer.py``.  ``test_gradients.py`` draws small networks, so it
checks the unrolled path; here the general path gets the same finite-difference
check, and the two are compared partial by partial and weight by weight.
"""

import copy
import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import neuronsim.layer
import neuronsim.vector
from neuronsim import Adam, NeuralNetwork, SGD
from neuronsim.layer import layer_kernels
from neuronsim.unrolled import MAX_WEIGHTS
from neuronsim.vector import _dot_by_index
from strategies import near_a_kink, networks
from test_gradients import assert_partials_match_finite_differences, error_of


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
    # The general loops, with an in-order dot product, in both: a network the
    # unrolled step does not take (softmax) runs the general loops on both sides.
    for layer in net.layers + twin.layers:
        layer._forward, layer._backward = layer_kernels(layer.activation, _dot_by_index)
    _paths_agree(net, twin, inputs, targets)


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
    """Let the 5-input layers below hold steps back (normally only ≥ 48 inputs
    do), momentum steps too (normally only where they pay: CPython 3.12+)."""
    saved = neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK, neuronsim.layer.HOLD_MOMENTUM
    neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK = 1
    neuronsim.layer.HOLD_MOMENTUM = True
    yield
    neuronsim.layer.MIN_INPUTS_TO_HOLD_BACK, neuronsim.layer.HOLD_MOMENTUM = saved


def wide_samples(count, rng, width=MIN_INPUTS_TO_HOLD_BACK):
    return [([rng.uniform(-1, 1) for _ in range(width)], [rng.uniform(0, 1), rng.uniform(0, 1)])
            for _ in range(count)]


def test_train_never_holds_a_step_back():
    rng = random.Random(2)
    net = general(NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1))
    for inputs, targets in wide_samples(3, rng):
        net.train(inputs, targets)
        assert not any(layer._held.inputs for layer in net.layers)


def test_only_wide_first_layers_hold_steps_back_and_only_inside_fit():
    rng = random.Random(2)
    seen = {}
    for width in (MIN_INPUTS_TO_HOLD_BACK, MIN_INPUTS_TO_HOLD_BACK - 1):
        net = general(NeuralNetwork(width, 3, 2, seed=1))
        held = []
        layer_update = net.layers[0].update

        def update(*args, **kwargs):   # what the first layer holds after each step
            layer_update(*args, **kwargs)
            held.append(len(net.layers[0]._held.inputs))
        net.layers[0].update = update
        net.fit(wide_samples(5, rng, width), epochs=1, shuffle=False)
        seen[width] = held
        assert not any(layer._held.inputs for layer in net.layers)   # taken before fit returns
    most = min(5, MAX_DEFERRED_STEPS - 1) if MAX_DEFERRED_STEPS else 0
    assert max(seen[MIN_INPUTS_TO_HOLD_BACK]) == most
    assert max(seen[MIN_INPUTS_TO_HOLD_BACK - 1]) == 0


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


def fit_eagerly(net, data, **options):
    saved = neuronsim.layer.MAX_DEFERRED_STEPS
    neuronsim.layer.MAX_DEFERRED_STEPS = 0
    try:
        return net.fit(data, **options)
    finally:
        neuronsim.layer.MAX_DEFERRED_STEPS = saved


#: What online fit may hold back: plain steps (through net.train) and SGD's
#: momentum steps, Nesterov's too (through the optimizer: SGD.unrolled); and
#: Adam, which steps through the same layer method and is never held back.
HOLDING = {"plain": lambda: {},
           "momentum": lambda: {"optimizer": SGD(0.2, momentum=0.9)},
           "nesterov": lambda: {"optimizer": SGD(0.2, momentum=0.5, nesterov=True)},
           "adam": lambda: {"optimizer": Adam(0.01)}}   # never held back, but on the same path


@pytest.mark.parametrize("kind", sorted(HOLDING))
def test_fit_holding_steps_back_trains_as_the_steps_taken_at_once(narrow_layers_hold_back, kind):
    rng = random.Random(11)
    net = general(NeuralNetwork(5, [4, 4], 3, seed=2, learning_rate=0.3))
    eager = copy.deepcopy(net)
    data = samples(2 * MAX_DEFERRED_STEPS + 3, rng)
    options, eager_options = HOLDING[kind](), HOLDING[kind]()
    errors = net.fit(data, epochs=3, seed=5, **options).training_error
    eager_errors = fit_eagerly(eager, data, epochs=3, seed=5, **eager_options).training_error
    assert [close(a, b) for a, b in zip(errors, eager_errors)] == [True] * 3
    assert_same(net, eager)
    assert_same_state(options, eager_options)   # the velocities kept for a later fit


def twins_and_data(seed):
    """A 5-4-3 network on the general path, a copy, and a few more samples than
    a layer holds steps back."""
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    return net, copy.deepcopy(net), samples(MAX_DEFERRED_STEPS + 3, random.Random(seed))


@pytest.mark.parametrize("kind", sorted(HOLDING))
def test_the_callback_sees_every_step_taken(narrow_layers_hold_back, kind):
    net, eager, data = twins_and_data(9)
    seen = []

    def callback(epoch, history):
        assert not net.layers[0]._held.inputs
        seen.append([list(n.weights) for n in net.layers[0].neurons])
    net.fit(data, epochs=2, seed=1, callback=callback, **HOLDING[kind]())
    eager_seen = []
    fit_eagerly(eager, data, epochs=2, seed=1, **HOLDING[kind](),
                callback=lambda e, h: eager_seen.append([list(n.weights)
                                                         for n in eager.layers[0].neurons]))
    for ours, theirs in zip(seen, eager_seen):
        for a, b in zip(ours, theirs):
            assert all(close(x, y) for x, y in zip(a, b))


def test_gradients_after_fit_match_finite_differences(narrow_layers_hold_back):
    rng = random.Random(5)
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    net.fit(samples(3, rng), epochs=1)
    inputs, targets = samples(1, rng)[0]
    assert_partials_match_finite_differences(net, inputs, targets, layers=[0])


def test_a_layers_neurons_are_fixed():
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    with pytest.raises(TypeError):
        net.layers[0].neurons[0] = net.layers[1].neurons[0]
    with pytest.raises(AttributeError):
        net.layers[0].neurons = net.layers[0].neurons[:2]
    with pytest.raises((TypeError, AttributeError)):
        net.layers[0] = net.layers[1]


def test_a_copied_neuron_given_new_weights_leaves_the_layer_alone():
    net = NeuralNetwork(5, 4, 3, seed=4)
    before = list(net.layers[0].neurons[0].weights)
    spare = copy.copy(net.layers[0].neurons[0])
    spare.weights = [0.0] * 5
    spare.activation = "tanh"   # a neuron of its own: no layer to share with
    assert net.layers[0].neurons[0].weights == before
    assert spare.weights == [0.0] * 5


def assert_same_state(options, eager_options):
    """The optimizers of two fits (if they had one) keep the same state."""
    if options:
        ours, theirs = options["optimizer"].state, eager_options["optimizer"].state
        assert sorted(ours) == sorted(theirs)
        for key in theirs:
            one, other = ours[key], theirs[key]
            if isinstance(one, tuple):   # Adam's (m, v)
                one, other = one[0] + one[1], other[0] + other[1]
            assert all(close(x, y) for x, y in zip(one, other)), key


def interrupt(net, name, at):
    """Make ``net.<name>`` raise KeyboardInterrupt on its ``at``-th call."""
    original = getattr(net, name)
    calls = []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == at:
            raise KeyboardInterrupt
        return original(*args)
    setattr(net, name, interrupted)


@pytest.mark.parametrize("kind", sorted(HOLDING))
def test_fit_cut_short_takes_its_held_steps_before_it_stops(narrow_layers_hold_back, kind):
    net, eager, data = twins_and_data(13)
    options, eager_options = HOLDING[kind](), HOLDING[kind]()
    # Plain online fit steps through net._train, an optimizer after net._backprop.
    name = "_backprop" if options else "_train"
    interrupt(net, name, len(data) - 1)
    with pytest.raises(KeyboardInterrupt):
        net.fit(data, epochs=1, shuffle=False, **options)
    assert not net.layers[0]._held.inputs
    delattr(net, name)
    fit_eagerly(eager, data[:len(data) - 2], epochs=1, shuffle=False, **eager_options)
    assert_same_weights(net, eager)
    assert_same_state(options, eager_options)   # the velocities of the steps taken


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 0.99), st.booleans(), st.integers(1, 40), st.integers(0, 2 ** 32))
def test_momentum_unrolled_is_the_recursion_summed(momentum, nesterov, count, seed):
    """SGD.unrolled's closed form gives the weight and velocity that ``count``
    steps of the optimizer's own update give, from any w_0 and v_0."""
    rng = random.Random(seed)
    sgd = SGD(1.0, momentum=momentum, nesterov=nesterov)
    w0, v0 = rng.uniform(-1, 1), rng.uniform(-1, 1)
    steps = [rng.uniform(-1, 1) for _ in range(count)]     # η·g_s
    sgd.state[0] = [v0]
    weights = [w0]
    for step in steps:
        sgd.step(0, weights, [step])
    a, in_w, decay, in_v = sgd.unrolled(count)
    assert len(in_w) == len(in_v) == count
    scale = 1.0 + abs(w0) + abs(v0) + sum(abs(s) for s in steps) / (1.0 - momentum)
    assert abs(w0 + a * v0 - sum(b * s for b, s in zip(in_w, steps)) - weights[0]) \
        <= 1e-12 * scale
    assert abs(decay * v0 - sum(c * s for c, s in zip(in_v, steps)) - sgd.state[0][0]) \
        <= 1e-12 * scale


def assert_same_weights(net, twin):
    for layer, other in zip(net.layers, twin.layers):
        for n, m in zip(layer.neurons, other.neurons):
            assert all(close(x, y) for x, y in zip(n.weights, m.weights))
            assert close(n.bias, m.bias)


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="needs reference counting")
def test_a_network_is_freed_without_the_cycle_collector():
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    net.fit(wide_samples(3, random.Random(1)), epochs=1)
    gc.disable()
    try:
        layer = weakref.ref(net.layers[0])
        network = weakref.ref(net)
        del net
        assert layer() is None and network() is None   # layers hold their network weakly
    finally:
        gc.enable()


def test_an_sgd_subclass_with_a_step_of_its_own_is_never_held_back(narrow_layers_hold_back):
    class Clipped(SGD):   # a user's variation: SGD.unrolled does not describe it
        def step_outer(self, key, rows, direction, scales):
            SGD.step_outer(self, key, rows, direction, [max(-0.1, min(0.1, s)) for s in scales])

    rng = random.Random(3)
    net = general(NeuralNetwork(5, 4, 3, seed=4))
    eager = copy.deepcopy(net)
    data = samples(MAX_DEFERRED_STEPS + 3, rng)
    net.fit(data, epochs=2, seed=1, optimizer=Clipped(0.5, momentum=0.9))
    fit_eagerly(eager, data, epochs=2, seed=1, optimizer=Clipped(0.5, momentum=0.9))
    assert_same_weights(net, eager)
    assert [n.weights for n in net.layers[0].neurons] == \
        [n.weights for n in eager.layers[0].neurons]   # bit for bit: nothing was held back


class ScheduledSGD(SGD):
    """Momentum that changes every few steps (as a schedule in a subclass might)."""

    calls = 0

    def start_step(self):
        self.calls += 1
        self.momentum = (0.9, 0.5, 0.0)[self.calls // 5 % 3]


@pytest.mark.parametrize("change", ["callback", "start_step", "nesterov"])
def test_a_momentum_changed_mid_fit_is_honoured_held_back_or_not(narrow_layers_hold_back, change):
    net, eager, data = twins_and_data(21)
    data = data * 3

    def make():
        optimizer = (ScheduledSGD if change == "start_step" else SGD)(0.2, momentum=0.9)
        if change == "start_step":
            return optimizer, None

        def callback(epoch, history):   # a schedule between epochs
            if change == "nesterov":
                optimizer.nesterov = not optimizer.nesterov
            else:
                optimizer.momentum = 0.5 / epoch
        return optimizer, callback
    (ours, callback), (theirs, eager_callback) = make(), make()
    net.fit(data, epochs=3, seed=1, optimizer=ours, callback=callback)
    fit_eagerly(eager, data, epochs=3, seed=1, optimizer=theirs, callback=eager_callback)
    assert_same_weights(net, eager)
    assert_same_state({"optimizer": ours}, {"optimizer": theirs})


def test_a_network_keeps_no_reference_to_the_optimizer_it_was_fitted_with():
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 3, 2, seed=1)
    optimizer = SGD(0.1, momentum=0.9)
    net.fit(wide_samples(MAX_DEFERRED_STEPS + 3, random.Random(4)), epochs=1,
            optimizer=optimizer)
    alive = weakref.ref(optimizer)
    del optimizer
    gc.collect()
    assert alive() is None


class CountingSGD(SGD):
    """A user's SGD with a step of its own (here: counting, then SGD's)."""

    def __init__(self, *args, **kwargs):
        SGD.__init__(self, *args, **kwargs)
        self.steps = 0

    def step(self, key, values, gradients):
        self.steps += 1
        SGD.step(self, key, values, [0.5 * g for g in gradients])   # half the gradient


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("batch_size", [1, 3])
def test_an_sgd_subclass_with_its_own_step_is_the_update_fit_uses(narrow_layers_hold_back,
                                                                   momentum, batch_size):
    net, twin, data = twins_and_data(5)
    counting = CountingSGD(0.2, momentum=momentum)
    net.fit(data, epochs=2, seed=1, batch_size=batch_size, optimizer=counting)
    assert counting.steps > 0
    twin.fit(data, epochs=2, seed=1, batch_size=batch_size,   # SGD at half the rate is the same
             optimizer=SGD(0.1, momentum=momentum))
    assert_same_weights(net, twin)


def test_a_small_wide_network_on_its_compiled_step_takes_momentum_steps_at_once(
        narrow_layers_hold_back):
    """The written-out step of a small network reads the weights as they are, so
    fit must not hold its steps back (48 inputs, 100 weights)."""
    net = NeuralNetwork(MIN_INPUTS_TO_HOLD_BACK, 2, 2, seed=3)
    assert net._unrolled_step() is not None
    eager = copy.deepcopy(net)
    data = wide_samples(2 * MAX_DEFERRED_STEPS + 3, random.Random(1))
    net.fit(data, epochs=3, seed=1, optimizer=SGD(0.1, momentum=0.9))
    fit_eagerly(eager, data, epochs=3, seed=1, optimizer=SGD(0.1, momentum=0.9))
    assert_same_weights(net, eager)
