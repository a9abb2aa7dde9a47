"""One registry per concept: whatever is registered is complete.

Each activation in ``ACTIVATIONS`` carries its texts and its Python source;
the source must compute exactly what ``function`` and ``derivative`` compute
(the compiled layer loops and small-network steps are built from it); each
cost in ``COSTS`` carries its formulas.  An activation added to the registry
without one of these fails here, by name.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronsim import ACTIVATIONS, COSTS, Activation, NeuralNetwork, NeuronLayer
from neuronsim.layer import layer_kernels

ELEMENTWISE = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)
WHOLE_LAYER = sorted(name for name, a in ACTIVATIONS.items() if not a.elementwise)

any_net = st.one_of(st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 1e-320, -1e-320,
                                                                  710.0, -710.0, 1e308]))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation_carries_its_texts(name):
    activation = ACTIVATIONS[name]
    assert activation.name == name
    assert activation.formula and "{n}" in activation.formula, name
    if activation.elementwise:
        assert activation.slope_formula, name
        assert "python" in activation.source and "python" in activation.slope_source, name
    else:
        assert "python" in activation.layer_source, name


def python_function(activation):
    namespace = {"exp": math.exp, "tanh": math.tanh}
    body = activation.code("python", "net", "out").replace("\n", "\n    ")
    exec("def f(net):\n    %s\n    return out\n" % body, namespace)
    exec("def d(net, out):\n    return %s\n" % activation.slope_code("python", "net", "out"),
         namespace)
    return namespace["f"], namespace["d"]


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=300, deadline=None)
@given(net=any_net)
def test_the_python_source_is_the_function_bit_for_bit(name, net):
    activation = ACTIVATIONS[name]
    function, derivative = python_function(activation)
    out = activation.function(net)
    assert repr(function(net)) == repr(out)
    assert repr(derivative(net, out)) == repr(activation.derivative(net, out))


@pytest.mark.parametrize("name", WHOLE_LAYER)
@settings(max_examples=100, deadline=None)
@given(nets=st.lists(any_net, min_size=1, max_size=5))
def test_a_layer_wide_source_is_the_function_bit_for_bit(name, nets):
    activation = ACTIVATIONS[name]
    namespace = {"exp": math.exp, "INF": math.inf}
    exec(activation.layer_source["python"].format(name="f"), namespace)
    assert repr(namespace["f"](nets)) == repr(activation.outputs(nets))


@pytest.mark.parametrize("name", sorted(COSTS))
def test_every_cost_carries_its_formulas(name):
    cost = COSTS[name]
    assert cost.name == name
    for activation in ACTIVATIONS.values():
        try:
            cost.check_activation(activation)
        except ValueError:
            continue
        error, error_numbers, pd, pd_numbers = cost.formulas(activation, "o1")
        assert "o1" in error and "o1" in pd, (name, activation.name)


class Swish(Activation):
    """A user's activation with no source: everything still works, by calls."""

    name = "swish"

    def function(self, net):
        return net / (1.0 + math.exp(-net)) if net > -700 else 0.0

    def derivative(self, net, output):
        s = 1.0 / (1.0 + math.exp(-net)) if net > -700 else 0.0
        return output + s * (1.0 - output)


def test_an_activation_without_source_runs_through_its_methods():
    swish = Swish()
    forward, backward = layer_kernels(swish)
    layer = NeuronLayer(2, 2, [0.1, 0.2, 0.3, 0.4], 0.1, swish)
    outputs = layer.feed_forward([1.0, -1.0])
    assert outputs == [swish.function(0.1 * 1 - 0.2 + 0.1), swish.function(0.3 - 0.4 + 0.1)]
    net = NeuralNetwork.from_layers(2, [layer, (1, "sigmoid")], seed=1)
    small = net._unrolled_step()
    assert small is not None   # the unrolled step calls F0/D0
    twin = NeuralNetwork.from_layers(2, [NeuronLayer(2, 2, [0.1, 0.2, 0.3, 0.4], 0.1, swish),
                                         (1, "sigmoid")], seed=1)
    twin.use_unrolled = False
    for _ in range(3):
        assert net.train([1.0, -1.0], [1.0]) == twin.train([1.0, -1.0], [1.0])
    with pytest.raises(KeyError, match="activation 'swish' has no source for target 'python'"):
        swish.code("python", "net", "out")
