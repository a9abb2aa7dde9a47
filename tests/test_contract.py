"""The contract the README's API section states, checked.

* Observing a network never changes what it computes: reading weights,
  biases, partials, ``to_dict``, ``explain`` or ``to_svg`` between or after
  steps (and inside a fit callback) leaves every later output and every
  trained weight bit-identical to the run without the reads.
* When a public call returns, every weight list a user holds is current.
* Every attribute a user may assign is checked as the constructor checks it
  (a rejected value changes nothing) and honoured by the next pass; the
  others are read-only.
"""

import copy
import inspect
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neuronsim.layer
from neuronsim import ACTIVATIONS, NeuralNetwork, NeuronLayer, TrainingDiverged
from neuronsim.vector import MIN_INPUTS_TO_HOLD_BACK

from conftest import snapshot
from strategies import HIDDEN_ACTIVATIONS, OUTPUT_PAIRS


def bits(net):
    """Every weight and bias, exactly (floats compared by repr: -0.0 and nan too)."""
    return [[(repr(n.weights), repr(n.bias)) for n in layer.neurons] for layer in net.layers]


def observe(net, inputs, targets):
    """Everything a user can read: it must change nothing later."""
    for layer in net.layers:
        for neuron in layer.neurons:
            list(neuron.weights)
            neuron.weights[0]
            neuron.bias
            neuron.net_input, neuron.output, neuron.delta, neuron.pd_error_wrt_output
            neuron.weight_gradients, neuron.bias_gradient
    net.to_dict()
    net.to_svg()
    if sum(len(n.weights) for layer in net.layers for n in layer.neurons) <= 300:
        net.explain(inputs, targets)


@st.composite
def scripts(draw):
    """A network (narrow or with a first layer wide enough to hold steps back
    inside fit), samples, and a sequence of train/fit/backprop calls."""
    wide = draw(st.booleans())
    num_inputs = MIN_INPUTS_TO_HOLD_BACK if wide else draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2))
    output_activation, cost = draw(st.sampled_from(OUTPUT_PAIRS))
    num_outputs = draw(st.integers(2, 3))
    layers = [(width, draw(st.sampled_from(HIDDEN_ACTIVATIONS))) for width in hidden]
    layers.append((num_outputs, output_activation))
    seed = draw(st.integers(0, 2 ** 32))
    rng = random.Random(seed)
    data = [([rng.uniform(-1, 1) for _ in range(num_inputs)],
             [rng.uniform(0, 1) for _ in range(num_outputs)])
            for _ in range(draw(st.integers(1, 12)))]
    calls = draw(st.lists(st.sampled_from(["train", "fit", "fit_batch", "fit_adam",
                                           "fit_momentum", "backprop"]), min_size=1, max_size=4))
    return (num_inputs, layers, cost, seed), data, calls


def run(script, data, calls, watch):
    (num_inputs, layers, cost, seed) = script
    net = NeuralNetwork.from_layers(num_inputs, layers, cost=cost, learning_rate=0.1, seed=seed)
    probe = data[0]
    callback = (lambda epoch, history: observe(net, *probe)) if watch else None
    outputs = []
    for call in calls:
        if watch:
            observe(net, *probe)
        if call == "train":
            for inputs, targets in data:
                net.train(inputs, targets)
        elif call == "backprop":
            net.backprop(*probe)
        else:
            options = {"fit": {}, "fit_batch": {"batch_size": 3},
                       "fit_adam": {"optimizer": "adam", "learning_rate": 0.01},
                       "fit_momentum": {"momentum": 0.9, "learning_rate": 0.05}}[call]
            try:
                net.fit(data, epochs=2, seed=seed, callback=callback, **options)
            except TrainingDiverged as error:   # must diverge alike, read or not
                outputs.append(str(error))
        outputs.append(repr(net.feed_forward(probe[0])))
    return outputs, bits(net)


@settings(max_examples=60, deadline=None)
@given(scripts())
def test_observing_a_network_never_changes_what_it_computes(case):
    script, data, calls = case
    assert run(script, data, calls, watch=True) == run(script, data, calls, watch=False)


def test_reading_one_weight_inside_a_training_loop_changes_nothing():
    # The reproduction: a wide first layer, a peek between steps.
    rng = random.Random(4)
    data = [([rng.uniform(-1, 1) for _ in range(64)], [rng.uniform(0, 1)] * 2)
            for _ in range(30)]
    peeked, plain = NeuralNetwork(64, 8, 2, seed=3), NeuralNetwork(64, 8, 2, seed=3)
    for inputs, targets in data:
        peeked.layers[0].neurons[0].weights[5]
        peeked.train(inputs, targets)
        plain.train(inputs, targets)
    assert bits(peeked) == bits(plain)
    assert repr(peeked.feed_forward(data[0][0])) == repr(plain.feed_forward(data[0][0]))


@pytest.mark.parametrize("shape", [(2, 2, 2), (64, 8, 2)])
def test_a_weight_list_you_hold_is_always_current(shape):
    net = NeuralNetwork(*shape, seed=1)
    held = [n.weights for layer in net.layers for n in layer.neurons]
    rng = random.Random(2)
    data = [([rng.uniform(-1, 1) for _ in range(shape[0])], [0.2, 0.8]) for _ in range(20)]
    for step in (lambda: net.train(*data[0]), lambda: net.fit(data, epochs=2, seed=1),
                 lambda: net.fit(data, epochs=1, optimizer="adam", seed=1),
                 lambda: net.fit(data, epochs=1, batch_size=4, momentum=0.5, seed=1)):
        step()
        now = [n.weights for layer in net.layers for n in layer.neurons]
        assert all(a is b for a, b in zip(held, now))
        copied = copy.deepcopy(net)   # a copy computes from what the held lists say
        for layer, other in zip(net.layers, copied.layers):
            for n, m in zip(layer.neurons, other.neurons):
                assert m.weights == n.weights


# -- assignment: checked, or read-only ------------------------------------------------

BAD_ASSIGNMENTS = [
    (lambda net: net.layers[0].neurons[0], "weights", [0.1], ValueError, "weights: expected 2 numbers, got 1"),
    (lambda net: net.layers[0].neurons[0], "weights", [0.1, float("nan")], ValueError, "weights[1]"),
    (lambda net: net.layers[0].neurons[0], "weights", "ab", TypeError, "weights"),
    (lambda net: net.layers[0].neurons[0], "bias", float("inf"), ValueError, "bias"),
    (lambda net: net.layers[0].neurons[0], "bias", "0.5", TypeError, "bias"),
    (lambda net: net.layers[0].neurons[0], "activation", "tanh", AttributeError, "layer.activation"),
    (lambda net: net.layers[0], "activation", "softmax", ValueError,
     "layers[0].activation: 'softmax' works on a whole layer"),
    (lambda net: net.layers[0], "activation", "swish", ValueError, "unknown activation 'swish'"),
    (lambda net: net.layers[1], "activation", 3, TypeError, "activation"),
    (lambda net: net, "learning_rate", float("nan"), ValueError, "learning_rate"),
    (lambda net: net, "learning_rate", 0, ValueError, "learning_rate: expected a number > 0"),
    (lambda net: net, "cost", "hinge", ValueError, "unknown cost 'hinge'"),
    (lambda net: net, "train_biases", 1, TypeError, "train_biases"),
]


@pytest.mark.parametrize("target, name, value, error, message", BAD_ASSIGNMENTS)
def test_a_bad_assignment_is_refused_and_changes_nothing(target, name, value, error, message):
    net = NeuralNetwork(2, 2, 2, seed=1)
    before = (snapshot(net), [l.activation for l in net.layers], net.learning_rate, net.cost,
              net.train_biases)
    with pytest.raises(error) as caught:
        setattr(target(net), name, value)
    assert message in str(caught.value)
    assert before == (snapshot(net), [l.activation for l in net.layers], net.learning_rate,
                      net.cost, net.train_biases)


def test_an_assignment_the_cost_cannot_use_is_refused():
    net = NeuralNetwork(2, 3, 2, output_activation="softmax", cost="cross_entropy", seed=1)
    with pytest.raises(ValueError, match="layers\\[1\\].activation: cost 'cross_entropy'"):
        net.output_layer.activation = "tanh"
    with pytest.raises(ValueError, match="cross_entropy"):
        NeuralNetwork(2, 3, 2, output_activation="tanh", seed=1).cost = "cross_entropy"
    assert net.output_layer.activation.name == "softmax"


@pytest.mark.parametrize("target, name", [
    (lambda net: net, "layers"), (lambda net: net, "num_inputs"), (lambda net: net, "seed"),
    (lambda net: net.layers[0], "neurons"),
    (lambda net: net.layers[0].neurons[0], "delta"),
    (lambda net: net.layers[0].neurons[0], "output"),
    (lambda net: net.layers[0].neurons[0], "net_input"),
    (lambda net: net.layers[0].neurons[0], "inputs"),
    (lambda net: net.layers[0].neurons[0], "pd_error_wrt_output"),
])
def test_what_is_not_assignable_is_read_only(target, name):
    net = NeuralNetwork(2, 2, 2, seed=1)
    with pytest.raises(AttributeError):
        setattr(target(net), name, getattr(target(net), name))


def train_steps(net, data):
    return [repr(net.train(inputs, targets)) for inputs, targets in data] + [repr(bits(net))]


@pytest.mark.parametrize("shape", [(2, 3, 2), (20, 12, 3)], ids=["unrolled", "general"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_an_assigned_activation_is_what_the_next_step_runs(shape, activation):
    rng = random.Random(1)
    data = [([rng.uniform(-1, 1) for _ in range(shape[0])],
             [rng.uniform(0, 1) for _ in range(shape[2])]) for _ in range(5)]
    changed = NeuralNetwork(*shape, seed=5)
    changed.train(*data[0])   # the compiled step for sigmoid exists now
    changed = NeuralNetwork(*shape, seed=5)
    changed.train(*data[0])
    fresh = NeuralNetwork(*shape, seed=5)
    fresh.train(*data[0])
    changed.layers[0].activation = activation
    changed.output_layer.activation = activation
    for layer, other in zip(fresh.layers, changed.layers):   # same weights, new activation
        for n, m in zip(layer.neurons, other.neurons):
            assert n.weights == m.weights
    rebuilt = NeuralNetwork.from_layers(
        shape[0], [NeuronLayer(len(layer), layer.num_inputs,
                               [w for n in layer.neurons for w in n.weights],
                               [n.bias for n in layer.neurons], activation)
                   for layer in fresh.layers], seed=5)
    assert train_steps(changed, data) == train_steps(rebuilt, data)
    assert changed.layers[0].neurons[0].activation is ACTIVATIONS[activation]


def test_an_assigned_cost_is_what_the_next_step_runs():
    data = [([0.05, 0.1], [0.01, 0.99])] * 3
    changed = NeuralNetwork(2, 2, 2, seed=5)
    changed.train(*data[0])
    same = copy.deepcopy(changed)
    changed.cost = "cross_entropy"
    rebuilt = NeuralNetwork.from_layers(2, [copy.deepcopy(layer) for layer in same.layers],
                                        cost="cross_entropy", seed=5)
    assert train_steps(changed, data) == train_steps(rebuilt, data)


def test_assigned_weights_and_learning_rate_are_honoured():
    net = NeuralNetwork(2, 2, 2, seed=1)
    kept = net.layers[0].neurons[0].weights
    net.layers[0].neurons[0].weights = (0.15, 0.2)   # any sequence of numbers; the list stays
    assert kept is net.layers[0].neurons[0].weights and kept == [0.15, 0.2]
    net.layers[0].neurons[0].bias = 1
    net.learning_rate = 2
    assert isinstance(net.layers[0].neurons[0].bias, float) and net.learning_rate == 2.0
    twin = copy.deepcopy(net)
    net.use_unrolled = twin.use_unrolled = False
    net.train([0.05, 0.1], [0.01, 0.99])
    neuron = twin.layers[0].neurons[0]
    twin.train([0.05, 0.1], [0.01, 0.99])
    assert math.isclose(neuron.weights[0], 0.15 - 2.0 * neuron.delta * 0.05, rel_tol=1e-15)
    assert bits(net) == bits(twin)


def test_fit_shows_its_keywords():
    parameters = inspect.signature(NeuralNetwork.fit).parameters
    for name in ("epochs", "batch_size", "learning_rate", "optimizer", "momentum", "l2",
                 "shuffle", "seed", "validation_data", "error_threshold", "max_seconds",
                 "callback", "verbose", "validation_split", "patience", "min_delta",
                 "restore_best", "scale_inputs", "scale_targets"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_the_public_names_are_importable():
    import neuronsim
    for name in ("ModelFileError", "TrainingDiverged", "History", "SGD", "Adam", "Optimizer",
                 "NeuralNetwork", "NeuronLayer", "Neuron"):
        assert name in neuronsim.__all__ and hasattr(neuronsim, name)


def test_a_layer_belongs_to_one_network():
    net = NeuralNetwork(2, 2, 2, seed=1)
    with pytest.raises(ValueError, match="layers\\[0\\]: this layer already belongs"):
        NeuralNetwork.from_layers(2, [net.layers[0], (2, "sigmoid")])
    spare = NeuronLayer(2, 2, [0.1] * 4)
    with pytest.raises(ValueError, match="layers\\[1\\]: expected a layer with 2 inputs"):
        NeuralNetwork.from_layers(2, [spare, NeuronLayer(1, 3, [0.1] * 3)])
    assert spare._owner() is None   # a refused call adopts nothing


def test_held_back_limits_are_module_settings_not_results():
    # The fold is a speed-up only: with it off, fit still returns current weights.
    saved = neuronsim.layer.MAX_DEFERRED_STEPS
    neuronsim.layer.MAX_DEFERRED_STEPS = 0
    try:
        net = NeuralNetwork(64, 4, 2, seed=2)
        net.fit([([0.5] * 64, [0.1, 0.9])] * 5, epochs=2)
        assert not net.layers[0]._held.inputs
    finally:
        neuronsim.layer.MAX_DEFERRED_STEPS = saved
