"""Optimizers: each is its textbook update, checked against one written out here.

The hand-written updates below take every gradient from ``net.backprop`` (the
library's own partials) and apply the formulas of ``torch.optim.SGD`` and
``torch.optim.Adam`` with their default options, in plain Python; ``fit``
with the optimizer must land on the same weights to 1e-12.
``tests/test_optimizers_torch.py`` compares with PyTorch itself where it is
installed.
"""

import copy
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronsim import Adam, NeuralNetwork, SGD, TrainingDiverged, get_optimizer
from neuronsim.optimizers import OPTIMIZERS, Optimizer

from conftest import snapshot
from test_training import gradients_at


def parameters(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


def gradients(net, batch, l2=0.0):
    """Mean ∂E/∂w (+ λ·w) and ∂E/∂b over ``batch``, from the library's backprop."""
    size = len(batch)
    return [([g / size + l2 * w for g, w in zip(gw, weights)], gb / size)
            for (gw, gb), (weights, _) in zip(gradients_at(net, batch), parameters(net))]


def put(net, values):
    neurons = [n for layer in net.layers for n in layer.neurons]
    for neuron, (weights, bias) in zip(neurons, values):
        neuron.weights = weights
        neuron.bias = bias


def adam_by_hand(net, data, epochs, batch_size, rate, b1=0.9, b2=0.999, eps=1e-8, l2=0.0):
    """torch.optim.Adam's update, written out, on a copy of ``net``."""
    net = copy.deepcopy(net)
    m = [([0.0] * len(w), 0.0) for w, _ in parameters(net)]
    v = [([0.0] * len(w), 0.0) for w, _ in parameters(net)]
    t = 0
    for _ in range(epochs):
        for first in range(0, len(data), batch_size):
            grads = gradients(net, data[first:first + batch_size], l2)
            t += 1
            new = []
            for k, ((weights, bias), (gw, gb)) in enumerate(zip(parameters(net), grads)):
                def one(p, g, m_, v_):
                    m_ = b1 * m_ + (1 - b1) * g
                    v_ = b2 * v_ + (1 - b2) * g * g
                    m_hat = m_ / (1 - b1 ** t)
                    v_hat = v_ / (1 - b2 ** t)
                    return p - rate * m_hat / (math.sqrt(v_hat) + eps), m_, v_
                results = [one(p, g, m_, v_) for p, g, m_, v_ in zip(weights, gw, m[k][0], v[k][0])]
                bias_new, bm, bv = one(bias, gb, m[k][1], v[k][1])
                m[k] = ([r[1] for r in results], bm)
                v[k] = ([r[2] for r in results], bv)
                new.append(([r[0] for r in results], bias_new))
            put(net, new)
    return parameters(net)


def sgd_by_hand(net, data, epochs, batch_size, rate, momentum, nesterov=False, l2=0.0):
    """torch.optim.SGD's update (dampening 0), written out, on a copy of ``net``."""
    net = copy.deepcopy(net)
    buffers = [([0.0] * len(w), 0.0) for w, _ in parameters(net)]
    for _ in range(epochs):
        for first in range(0, len(data), batch_size):
            grads = gradients(net, data[first:first + batch_size], l2)
            new = []
            for k, ((weights, bias), (gw, gb)) in enumerate(zip(parameters(net), grads)):
                def one(p, g, buf):
                    buf = momentum * buf + g
                    step = g + momentum * buf if nesterov else buf
                    return p - rate * step, buf
                results = [one(p, g, b) for p, g, b in zip(weights, gw, buffers[k][0])]
                bias_new, bias_buf = one(bias, gb, buffers[k][1])
                buffers[k] = ([r[1] for r in results], bias_buf)
                new.append(([r[0] for r in results], bias_new))
            put(net, new)
    return parameters(net)


def assert_close(ours, theirs, tolerance=1e-12):
    for (w1, b1), (w2, b2) in zip(ours, theirs):
        for a, b in zip(w1 + [b1], w2 + [b2]):
            assert math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance), (a, b)


def small_problem(seed, num_inputs=3, count=8):
    rng = random.Random(seed)
    net = NeuralNetwork(num_inputs, [4, 3], 2, activation="tanh", output_activation="sigmoid",
                        cost="cross_entropy", seed=seed)
    data = [([rng.uniform(-1, 1) for _ in range(num_inputs)], [rng.uniform(0, 1), rng.uniform(0, 1)])
            for _ in range(count)]
    return net, data


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32), st.sampled_from([1, 3, 8]), st.sampled_from([0.0, 0.01]))
def test_adam_is_torchs_adam_written_out(seed, batch_size, l2):
    net, data = small_problem(seed)
    expected = adam_by_hand(net, data, 3, batch_size, 0.01, l2=l2)
    net.fit(data, epochs=3, batch_size=batch_size, optimizer="adam", learning_rate=0.01,
            l2=l2, shuffle=False)
    assert_close(parameters(net), expected)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32), st.sampled_from([1, 3]), st.sampled_from([0.5, 0.9]),
       st.booleans(), st.sampled_from([0.0, 0.01]))
def test_sgd_with_momentum_is_torchs_sgd_written_out(seed, batch_size, momentum, nesterov, l2):
    net, data = small_problem(seed)
    expected = sgd_by_hand(net, data, 3, batch_size, 0.1, momentum, nesterov, l2)
    net.fit(data, epochs=3, batch_size=batch_size, shuffle=False,
            optimizer=SGD(0.1, momentum=momentum, nesterov=nesterov), l2=l2)
    assert_close(parameters(net), expected)


def test_online_fit_without_momentum_is_a_loop_of_train():
    net, data = small_problem(3)
    twin = copy.deepcopy(net)
    net.fit(data, epochs=2, shuffle=False, optimizer=SGD())   # the network's rate
    for _ in range(2):
        for inputs, targets in data:
            twin.train(inputs, targets)
    assert parameters(net) == parameters(twin)


def test_an_optimizer_keeps_its_state_between_fits():
    net, data = small_problem(4)
    once = copy.deepcopy(net)
    adam = Adam(0.01)
    net.fit(data, epochs=1, optimizer=adam, shuffle=False)
    net.fit(data, epochs=1, optimizer=adam, shuffle=False)
    assert adam.t == 2 * len(data)
    once.fit(data, epochs=2, optimizer=Adam(0.01), shuffle=False)
    assert parameters(net) == parameters(once)


def test_biases_stay_fixed_when_not_trained():
    net, data = small_problem(5)
    net.train_biases = False
    before = [b for _, b in parameters(net)]
    net.fit(data, epochs=2, optimizer="adam")
    assert [b for _, b in parameters(net)] == before


def test_adam_learns_xor():
    net = NeuralNetwork(2, 4, 1, activation="tanh", output_activation="sigmoid",
                        cost="cross_entropy", seed=1)
    xor = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
    net.fit(xor, epochs=400, optimizer="adam", learning_rate=0.05, seed=1)
    assert [round(net.feed_forward(x)[0]) for x, _ in xor] == [0, 1, 1, 0]


@pytest.mark.parametrize("options, error, message", [
    ({"optimizer": "rmsprop"}, ValueError, "optimizer: unknown optimizer 'rmsprop'"),
    ({"optimizer": 3}, TypeError, "optimizer: expected an optimizer name or Optimizer"),
    ({"optimizer": "adam", "momentum": 0.9}, ValueError, "momentum: Adam keeps its own"),
    ({"optimizer": SGD(0.1), "momentum": 0.9}, ValueError, "momentum: give it to the optimizer"),
    ({"optimizer": SGD(0.1), "learning_rate": 0.2}, ValueError, "learning_rate: fit was given"),
    ({"optimizer": "adam", "learning_rate": -1}, ValueError, "learning_rate"),
])
def test_a_bad_optimizer_choice_is_refused_before_any_step(options, error, message):
    net, data = small_problem(6)
    before = snapshot(net)
    with pytest.raises(error) as caught:
        net.fit(data, epochs=1, **options)
    assert str(caught.value).startswith(message)
    assert snapshot(net) == before


@pytest.mark.parametrize("make, error, message", [
    (lambda: SGD(momentum=1.0), ValueError, "momentum: expected a number in [0, 1)"),
    (lambda: SGD(0.1, nesterov=True), ValueError, "nesterov: Nesterov's look-ahead needs"),
    (lambda: SGD(0.1, nesterov=1), TypeError, "nesterov"),
    (lambda: Adam(beta1=1.0), ValueError, "beta1"),
    (lambda: Adam(beta2=-0.1), ValueError, "beta2"),
    (lambda: Adam(epsilon=0), ValueError, "epsilon"),
    (lambda: Adam(learning_rate=float("inf")), ValueError, "learning_rate"),
])
def test_optimizer_arguments_are_checked(make, error, message):
    with pytest.raises(error) as caught:
        make()
    assert str(caught.value).startswith(message)


def test_every_registered_optimizer_is_an_optimizer_by_name():
    for name, kind in OPTIMIZERS.items():
        optimizer = get_optimizer(name, 0.1)
        assert isinstance(optimizer, kind) and isinstance(optimizer, Optimizer)
        assert optimizer.name == name and optimizer.learning_rate == 0.1


def test_an_sgd_without_a_rate_borrows_each_fits_and_keeps_none():
    net, data = small_problem(7)
    twin = copy.deepcopy(net)
    sgd = SGD()
    net.fit(data, epochs=1, optimizer=sgd, learning_rate=0.2, shuffle=False)
    net.fit(data, epochs=1, optimizer=sgd, learning_rate=0.05, shuffle=False)
    assert sgd.learning_rate is None
    twin.fit(data, epochs=1, optimizer=SGD(0.2), shuffle=False)
    twin.fit(data, epochs=1, optimizer=SGD(0.05), shuffle=False)
    assert parameters(net) == parameters(twin)
    with pytest.raises(ValueError, match="learning_rate: this optimizer has none of its own"):
        SGD().step(0, [1.0], [1.0])
    with pytest.raises(TypeError, match="learning_rate: expected a number, got None"):
        Adam(None)   # Adam's default is its own 0.001, never the network's


#: One of each kind of update every registered optimizer may be built with.
VARIANTS = [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9),
            lambda: SGD(0.1, momentum=0.5, nesterov=True), lambda: Adam(0.01)]


def test_the_variants_cover_every_registered_optimizer():
    assert {type(make()) for make in VARIANTS} == set(OPTIMIZERS.values())


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(range(len(VARIANTS))), st.integers(0, 2 ** 32))
def test_a_layers_step_at_once_is_the_step_of_each_row(variant, seed):
    """step_outer (online training's one call a layer) moves each row as step
    does with the gradient scale·direction, and keeps the same state."""
    rng = random.Random(seed)
    rows = [[rng.uniform(-1, 1) for _ in range(5)] for _ in range(3)]
    together, one_by_one = VARIANTS[variant](), VARIANTS[variant]()
    copies = copy.deepcopy(rows)
    for _ in range(3):
        direction = [rng.uniform(-1, 1) for _ in range(5)]
        scales = [rng.uniform(-1, 1) for _ in range(3)]
        together.start_step()
        together.step_outer(10, rows, direction, scales)
        one_by_one.start_step()
        for k, (row, scale) in enumerate(zip(copies, scales)):
            one_by_one.step(10 + k, row, [scale * d for d in direction])
    assert sorted(together.state) == sorted(one_by_one.state) == \
        ([] if isinstance(together, SGD) and together.plain else [10, 11, 12])
    # SGD writes η·g as (η·scale)·d: the last bit may differ; Adam's is g itself.
    tolerance = 0.0 if isinstance(together, Adam) else 1e-14
    for row, twin in zip(rows + [list(flatten(together.state))],
                         copies + [list(flatten(one_by_one.state))]):
        assert all(math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
                   for a, b in zip(row, twin)), (row, twin)


def flatten(state):
    for key in sorted(state):
        value = state[key]
        for part in (value if isinstance(value, tuple) else (value,)):
            yield from part


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_an_optimizer_with_another_networks_state_is_refused_before_any_step(make):
    net, data = small_problem(1)                  # 3 inputs
    optimizer = make()
    net.fit(data, epochs=1, optimizer=optimizer)
    other, other_data = small_problem(2, num_inputs=5)
    before = snapshot(other)
    with pytest.raises(ValueError, match=r"optimizer: its state is for another network "
                                         r"\(group 0: 3 values, here 5\)"):
        other.fit(other_data, epochs=1, optimizer=optimizer)
    assert snapshot(other) == before
    optimizer.reset()
    other.fit(other_data, epochs=1, optimizer=optimizer)   # a fresh start is fine


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_a_diverged_fit_restores_the_optimizer_with_the_weights(make):
    """The network goes back to its state after the last good epoch, and so does
    the optimizer: a later fit with it goes on from there, not from NaN."""
    net, data = small_problem(3)
    twin = copy.deepcopy(net)
    optimizer, twins = make(), make()

    def sabotage(epoch, history):   # from epoch 3 on, a rate no network survives
        if epoch == 2:
            optimizer.learning_rate = 1e12
    with pytest.raises(TrainingDiverged, match="restored to its state after epoch 2"):
        net.fit(data, epochs=5, shuffle=False, optimizer=optimizer, callback=sabotage,
                restore_best=False)
    twin.fit(data, epochs=2, shuffle=False, optimizer=twins)
    assert parameters(net) == parameters(twin)
    assert list(flatten(optimizer.state)) == list(flatten(twins.state))
    assert getattr(optimizer, "t", None) == getattr(twins, "t", None)


def test_a_deeper_network_whose_groups_overlap_the_states_is_refused_too():
    """2-2-2 leaves six groups of 2 values (4 neurons' weights, 2 layers' biases);
    2-2-2-2 has nine, the first six of 2 values too: still another network."""
    data = [([0.0, 1.0], [0.0, 1.0]), ([1.0, 0.0], [1.0, 0.0])]
    optimizer = SGD(0.5, momentum=0.9)
    NeuralNetwork.from_layers(2, [(2, "tanh"), (2, "sigmoid")], seed=1).fit(
        data, epochs=1, optimizer=optimizer)
    deeper = NeuralNetwork.from_layers(2, [(2, "tanh"), (2, "tanh"), (2, "sigmoid")], seed=1)
    with pytest.raises(ValueError, match=r"its state is for another network \(6 parameter "
                                         r"groups, here 9\)"):
        deeper.fit(data, epochs=1, optimizer=optimizer)


class Counter(Optimizer):
    """A user's optimizer with state of its own kind: a dict per group, and a count."""

    name = "counter"
    learning_rate = 0.1

    def step(self, key, values, gradients):
        kept = self.state.setdefault(key, {"steps": 0})
        kept["steps"] += 1
        self.state["total"] = self.state.get("total", 0) + 1
        values[:] = [v - 0.1 * g for v, g in zip(values, gradients)]


def test_an_optimizer_with_state_of_its_own_kind_is_copied_and_restored_as_it_is():
    net, data = small_problem(4)
    counter = Counter()
    net.fit(data, epochs=2, optimizer=counter, validation_data=data[:3])
    assert counter.state["total"] > 0 and counter.state[0]["steps"] > 0
    net.fit(data, epochs=1, optimizer=counter)   # the same network: accepted again
