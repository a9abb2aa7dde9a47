"""The one-screen Neuron is the reference every fast path is checked against.

``reference_step`` below trains a copy of a network using nothing but
``Neuron.feed_forward``, ``Neuron.backward``, ``Neuron.pd_error_wrt_input``
and ``Neuron.update`` — the model the docs teach.  ``backprop``, ``train`` and
online ``fit`` must give the same outputs, partials and stepped weights on
every path:

* the general path (layer loops compiled from the activation registry):
  bit for bit on every interpreter — it calls the same ``dot`` and rounds
  every δ and step as the neuron does;
* the unrolled step of small networks: bit for bit where the dot product sums
  in order (CPython before 3.12, PyPy, MicroPython); on CPython 3.12+, where
  ``dot`` is ``math.sumprod`` (one rounding) and the unrolled step writes the
  sum out, within 1e-12 (relative, or absolute where a value cancels to
  nearly 0) per value after a few steps;
* online ``fit`` with the first layer's steps held back (≥ 48 inputs on
  CPython): within 1e-9 after 60 steps (a held-back step corrects the net
  input instead of recomputing it, which rounds differently, and the
  differences compound from step to step; the README promises 1e-9).

Softmax outputs are a whole-layer activation and have no one-neuron form;
their reference is ``test_softmax.py``.
"""

import copy
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from neuronsim import ACTIVATIONS, NeuralNetwork, Neuron
from neuronsim.vector import HAS_SUMPROD, MIN_INPUTS_TO_HOLD_BACK

from strategies import HIDDEN_ACTIVATIONS, OUTPUT_PAIRS, networks

ELEMENTWISE_PAIRS = [(a, c) for a, c in OUTPUT_PAIRS if ACTIVATIONS[a].elementwise]


def neurons_of(net):
    """Stand-alone copies of every neuron, layer by layer: the reference model."""
    return [[Neuron(list(n.weights), n.bias, layer.activation) for n in layer.neurons]
            for layer in net.layers]


def reference_backprop(model, cost, inputs, targets):
    """Forward and backward with Neuron methods only; return E."""
    values = inputs
    for layer in model:
        values = [neuron.feed_forward(values) for neuron in layer]
    outputs = values
    output_layer = model[-1]
    activation = output_layer[0].activation
    nets = [neuron.net_input for neuron in output_layer]
    pds = cost.pd_error_wrt_outputs(targets, outputs, activation)
    deltas = cost.output_deltas(targets, outputs, nets, activation)
    for k, neuron in enumerate(output_layer):
        neuron.backward(pds[k], None if deltas is None else deltas[k])
    for l in range(len(model) - 2, -1, -1):   # BP2 from the weights before any step
        for h, neuron in enumerate(model[l]):
            pd = 0.0
            for above in model[l + 1]:
                pd += above.pd_error_wrt_input(h)
            neuron.backward(pd)
    return cost.fn(targets, outputs, nets, activation)


def reference_step(model, cost, inputs, targets, learning_rate, train_biases):
    error = reference_backprop(model, cost, inputs, targets)
    for layer in model:           # every δ first, then every step
        for neuron in layer:
            neuron.update(learning_rate, train_biases)
    return error


def record(neurons):
    return [[(n.net_input, n.output, n.pd_error_wrt_output, n.delta, list(n.weights), n.bias)
             for n in layer] for layer in neurons]


def agree(a, b, exact, tolerance=1e-12):
    if exact:
        return repr(a) == repr(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(agree(x, y, False, tolerance) for x, y in zip(a, b))
    if isinstance(a, tuple):
        return all(agree(x, y, False, tolerance) for x, y in zip(a, b))
    # Values here are of order 1 (weights within ±1.5, inputs ±2): a value
    # that cancels to nearly 0 is held to the tolerance absolute, the rest relative.
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance) or a == b


def run_both(net, inputs, targets, steps, exact):
    model = neurons_of(net)
    for _ in range(steps):
        ours = net.train(inputs, targets)
        theirs = reference_step(model, net.cost, inputs, targets, net.learning_rate,
                                net.train_biases)
        assert agree(ours, theirs, exact)
    ours = net.backprop(inputs, targets)
    theirs = reference_backprop(model, net.cost, inputs, targets)
    assert agree(ours, theirs, exact)
    assert agree(record([layer.neurons for layer in net.layers]), record(model), exact)


elementwise_networks = networks(output_pairs=ELEMENTWISE_PAIRS,
                                weights=st.floats(-1.5, 1.5, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(elementwise_networks, st.integers(1, 4), st.booleans())
def test_the_general_path_is_the_neuron_bit_for_bit(case, steps, train_biases):
    net, inputs, targets = case
    net.use_unrolled = False
    net.train_biases = train_biases
    run_both(net, inputs, targets, steps, exact=True)


@settings(max_examples=150, deadline=None)
@given(elementwise_networks, st.integers(1, 4))
def test_the_unrolled_step_is_the_neuron(case, steps):
    net, inputs, targets = case
    assert net._unrolled_step() is not None
    run_both(net, inputs, targets, steps, exact=not HAS_SUMPROD)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(HIDDEN_ACTIVATIONS), st.sampled_from(ELEMENTWISE_PAIRS),
       st.integers(0, 2 ** 32), st.booleans())
def test_online_fit_is_the_neuron_step_by_step(hidden, output, seed, wide):
    """fit(batch_size=1, shuffle=False) is reference_step on each sample in turn,
    with the first layer's steps held back when it is wide enough."""
    output_activation, cost = output
    num_inputs = MIN_INPUTS_TO_HOLD_BACK if wide else 3
    rate = 0.02 if wide else 0.2   # 48 inputs: a smaller step, or linear layers diverge
    net = NeuralNetwork.from_layers(num_inputs, [(4, hidden), (2, output_activation)],
                                    cost=cost, learning_rate=rate, seed=seed)
    rng = random.Random(seed)
    data = [([rng.uniform(-1, 1) for _ in range(num_inputs)],
             [rng.uniform(0, 1), rng.uniform(0, 1)]) for _ in range(30)]
    model = neurons_of(net)
    history = net.fit(data, epochs=2, shuffle=False)
    for epoch in range(2):
        total = 0.0
        for inputs, targets in data:
            total += reference_step(model, net.cost, inputs, targets, rate, True)
        # held-back steps round differently; narrow networks unrolled on 3.12+ too
        exact = not wide and not HAS_SUMPROD
        assert agree(history.training_error[epoch], total / len(data), exact,
                     1e-9 if wide else 1e-12)
    ours = [[list(n.weights) + [n.bias] for n in layer.neurons] for layer in net.layers]
    theirs = [[list(n.weights) + [n.bias] for n in layer] for layer in model]
    assert agree(ours, theirs, not wide and not HAS_SUMPROD, 1e-9 if wide else 1e-12)


def test_the_worked_example_by_neurons_alone():
    """The reference itself reproduces the worked example's numbers."""
    from conftest import INPUTS, TARGETS, worked_example
    net = worked_example()
    model = neurons_of(net)
    error = reference_step(model, net.cost, INPUTS, TARGETS, 0.5, False)
    assert round(error, 9) == 0.298371109
    assert [round(w, 9) for w in model[1][0].weights] == [0.35891648, 0.408666186]
    assert [round(w, 9) for w in model[0][0].weights] == [0.149780716, 0.199561432]
    twin = copy.deepcopy(net)
    twin.train(INPUTS, TARGETS)
    assert [n.weights for n in twin.layers[0].neurons] == [n.weights for n in model[0]]
