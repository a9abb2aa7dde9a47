"""Hypothesis strategies drawn from neuronsim's registries.

Every activation in ``ACTIVATIONS`` and every cost in ``COSTS`` is drawn
here, with the pairings the library allows (the cost's own
``check_activation`` decides), so an activation added to the registry is
property-tested by every test that draws from these, with no list to update.
"""

from hypothesis import strategies as st

from neuronsim import ACTIVATIONS, COSTS, NeuralNetwork, NeuronLayer

#: Activations a hidden layer may have (elementwise), and every activation.
HIDDEN_ACTIVATIONS = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)
OUTPUT_ACTIVATIONS = sorted(ACTIVATIONS)
COST_NAMES = sorted(COSTS)


def allowed(cost, activation):
    """True if ``cost`` can be used with output ``activation``."""
    try:
        COSTS[cost].check_activation(ACTIVATIONS[activation])
    except ValueError:
        return False
    return True


#: Every (output activation, cost) pair the library accepts.
OUTPUT_PAIRS = [(a, c) for a in OUTPUT_ACTIVATIONS for c in COST_NAMES if allowed(c, a)]


def bounded_targets(cost):
    """True if ``cost`` wants targets in [0, 1] (its check_targets refuses 2.0)."""
    try:
        COSTS[cost].check_targets([2.0])
    except ValueError:
        return True
    return False


values = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_subnormal=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_subnormal=False)


def near_a_kink(net, inputs, margin=1e-4):
    """True if a net input lies within ``margin`` of a point where its
    activation's slope jumps (``Activation.kinks``: ReLU's 0)."""
    net.feed_forward(inputs)
    for layer in net.layers:
        for kink in layer.activation.kinks:
            if any(abs(n.net_input - kink) < margin for n in layer.neurons):
                return True
    return False


@st.composite
def networks(draw, max_inputs=4, max_width=6, max_hidden=3, max_outputs=4, weights=values,
             output_pairs=None, hidden_activations=None):
    """(net, inputs, targets): any architecture, one activation per layer
    (built with ``NeuralNetwork.from_layers``), any cost, weights and biases
    drawn from ``weights``."""
    num_inputs = draw(st.integers(1, max_inputs))
    hidden = draw(st.lists(st.integers(1, max_width), min_size=1, max_size=max_hidden))
    num_outputs = draw(st.integers(1, max_outputs))
    output_activation, cost = draw(st.sampled_from(output_pairs or OUTPUT_PAIRS))
    if ACTIVATIONS[output_activation].elementwise is False and num_outputs == 1:
        num_outputs = 2   # softmax over one output is always 1
    layers = []
    width = num_inputs
    for size in hidden + [num_outputs]:
        activation = output_activation if len(layers) == len(hidden) else \
            draw(st.sampled_from(hidden_activations or HIDDEN_ACTIVATIONS))
        layers.append(NeuronLayer(
            size, width, draw(st.lists(weights, min_size=size * width, max_size=size * width)),
            draw(st.lists(weights, min_size=size, max_size=size)), activation))
        width = size
    net = NeuralNetwork.from_layers(num_inputs, layers, cost=cost, seed=0)
    inputs = draw(st.lists(values, min_size=num_inputs, max_size=num_inputs))
    target = unit if bounded_targets(cost) else values
    targets = draw(st.lists(target, min_size=num_outputs, max_size=num_outputs))
    return net, inputs, targets
