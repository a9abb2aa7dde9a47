"""Smoke: every ∂E/∂w and ∂E/∂b of a small multi-layer net against a finite difference.

A 3-4-3-2 network (tanh hidden layers, sigmoid outputs, cross-entropy) and a
2-3-3 network (sigmoid hidden, softmax outputs), weights from a fixed seed.
Each analytic partial from backprop must match (E(w + h) − E(w − h)) / 2h,
where E is the network's own error.
"""

import smoke
from neuronsim import NeuralNetwork

STEP = 1e-6


def error_of(net, inputs, targets):
    return net.calculate_total_error([(inputs, targets)])


def check_gradients(label, net, inputs, targets):
    net.backprop(inputs, targets)
    analytic = [[(list(n.weight_gradients), n.bias_gradient) for n in layer.neurons]
                for layer in net.layers]
    worst = 0.0
    count = 0
    for l, layer in enumerate(net.layers):
        for k, neuron in enumerate(layer.neurons):
            weight_gradients, bias_gradient = analytic[l][k]
            for i in range(len(neuron.weights)):
                original = neuron.weights[i]
                neuron.weights[i] = original + STEP
                above = error_of(net, inputs, targets)
                neuron.weights[i] = original - STEP
                below = error_of(net, inputs, targets)
                neuron.weights[i] = original
                numeric = (above - below) / (2 * STEP)
                worst = max(worst, abs(weight_gradients[i] - numeric) / max(1.0, abs(numeric)))
                count += 1
            original = neuron.bias
            neuron.bias = original + STEP
            above = error_of(net, inputs, targets)
            neuron.bias = original - STEP
            below = error_of(net, inputs, targets)
            neuron.bias = original
            numeric = (above - below) / (2 * STEP)
            worst = max(worst, abs(bias_gradient - numeric) / max(1.0, abs(numeric)))
            count += 1
    smoke.check("%s: %d partials match finite differences" % (label, count), worst < 1e-6,
                "worst relative difference %.3g" % worst)
    return count


deep = NeuralNetwork(3, [4, 3], 2, activation="tanh", output_activation="sigmoid",
                     cost="cross_entropy", seed=2024)
smoke.check("3-4-3-2 has 3 layers", len(deep.layers) == 3, repr(deep))
check_gradients("3-4-3-2 tanh/sigmoid cross-entropy", deep, [0.5, -1.0, 0.25], [1.0, 0.0])

soft = NeuralNetwork(2, 3, 3, output_activation="softmax", cost="cross_entropy", seed=7)
check_gradients("2-3-3 sigmoid/softmax cross-entropy", soft, [0.3, -0.7], [0.0, 1.0, 0.0])

squared = NeuralNetwork(2, [3, 3], 1, activation="relu", output_activation="linear", seed=11)
check_gradients("2-3-3-1 relu/linear squared error", squared, [0.9, 0.4], [0.5])

smoke.done()
