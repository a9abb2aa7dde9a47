"""The worked example: a 2-2-2 sigmoid network through one backward pass, by the library.

Run it next to the maths: every number below is read from the network's own
neurons (net_input, output, pd_error_wrt_output, delta, weight_gradients),
none is typed in.

    python3 demos/worked_example.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402

INPUTS = [0.05, 0.1]
TARGETS = [0.01, 0.99]


def g(value):
    """9 significant digits, as the worked example writes its numbers."""
    return "%.9g" % value


def build():
    return NeuralNetwork(2, 2, 2,
                         hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
                         output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
                         learning_rate=0.5, train_biases=False)


def step_in_the_wrong_order(net):
    """The source's ordering bug, reproduced: update w5..w8 first, then take the
    hidden deltas through the *updated* output weights."""
    net.backprop(INPUTS, TARGETS)
    net.output_layer.update(net.learning_rate, train_biases=False)
    net.hidden_layer.backward(net.output_layer.pd_error_wrt_inputs())
    net.hidden_layer.update(net.learning_rate, train_biases=False)


def main():
    net = build()
    h1, h2 = net.hidden_layer.neurons
    o1, o2 = net.output_layer.neurons
    i1, i2 = INPUTS
    eta = net.learning_rate

    print("The worked example: inputs i1=%s i2=%s, targets %s %s, learning rate η=%s"
          % (i1, i2, TARGETS[0], TARGETS[1], eta))
    print("weights w1..w4 = %s, w5..w8 = %s, biases b1=%s b2=%s (not trained)"
          % (", ".join(g(w) for n in (h1, h2) for w in n.weights),
             ", ".join(g(w) for n in (o1, o2) for w in n.weights), g(h1.bias), g(o1.bias)))

    print("\nStep 1: forward pass")
    net.feed_forward(INPUTS)
    print("  net_h1 = w1·i1 + w2·i2 + b1 = %s·%s + %s·%s + %s = %s"
          % (g(h1.weights[0]), i1, g(h1.weights[1]), i2, g(h1.bias), g(h1.net_input)))
    print("  out_h1 = σ(net_h1) = %s        out_h2 = %s" % (g(h1.output), g(h2.output)))
    print("  net_o1 = w5·out_h1 + w6·out_h2 + b2 = %s" % g(o1.net_input))
    print("  out_o1 = %s        out_o2 = %s" % (g(o1.output), g(o2.output)))

    print("\nStep 2: the error E = Σ ½(target − out)²")
    e_o1, e_o2 = net.calculate_output_errors(INPUTS, TARGETS)
    print("  E_o1 = %s   E_o2 = %s   E_total = %s" % (g(e_o1), g(e_o2), g(e_o1 + e_o2)))

    print("\nStep 3: backward pass (every delta from the weights before the step)")
    net.backprop(INPUTS, TARGETS)
    slope_o1 = o1.activation.derivative(o1.net_input, o1.output)
    print("  ∂E/∂w5 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5")
    print("         = %s × %s × %s = %s"
          % (g(o1.pd_error_wrt_output), g(slope_o1), g(o1.inputs[0]), g(o1.weight_gradients[0])))
    print("  δ_o1 = ∂E/∂net_o1 = %s    δ_o2 = %s" % (g(o1.delta), g(o2.delta)))
    slope_h1 = h1.activation.derivative(h1.net_input, h1.output)
    print("  ∂E/∂out_h1 = δ_o1·w5 + δ_o2·w7 = %s·%s + %s·%s = %s"
          % (g(o1.delta), g(o1.weights[0]), g(o2.delta), g(o2.weights[0]),
             g(h1.pd_error_wrt_output)))
    print("  ∂E/∂w1 = ∂E/∂out_h1 × ∂out_h1/∂net_h1 × ∂net_h1/∂w1")
    print("         = %s × %s × %s = %s"
          % (g(h1.pd_error_wrt_output), g(slope_h1), g(h1.inputs[0]), g(h1.weight_gradients[0])))

    print("\nStep 4: one gradient-descent step, w+ = w − η·∂E/∂w")
    names = iter(range(1, 9))
    updated = []
    for layer in net.layers:
        for neuron in layer.neurons:
            for weight, gradient in zip(neuron.weights, neuron.weight_gradients):
                updated.append("w%d+ = %s" % (next(names), g(weight - eta * gradient)))
    net.train(INPUTS, TARGETS)
    after = [w for layer in net.layers for n in layer.neurons for w in n.weights]
    print("  " + "   ".join(updated[:4]))
    print("  " + "   ".join(updated[4:]))
    assert ["%.9g" % w for w in after] == [u.split(" = ")[1] for u in updated]

    error = net.calculate_total_error([(INPUTS, TARGETS)])
    print("\nE_total after one step: %s (was %s)" % (g(error), g(e_o1 + e_o2)))
    wrong = build()
    step_in_the_wrong_order(wrong)
    print("  Note: the original text prints 0.291027924 here, an erratum. Taking the hidden")
    print("  deltas through w5+..w8+ (already updated) instead of w5..w8 gives %s:"
          % g(wrong.calculate_total_error([(INPUTS, TARGETS)])))
    print("  that is the text's figure. Its own w1+..w4+ above use the weights from before")
    print("  the step, as backpropagation requires, and so does neuronsim.")

    for _ in range(10000 - 1):
        net.train(INPUTS, TARGETS)
    outputs = net.feed_forward(INPUTS)
    print("\nAfter 10,000 steps: E_total = %s, outputs %s %s (targets %s %s)"
          % (g(net.calculate_total_error([(INPUTS, TARGETS)])), g(outputs[0]), g(outputs[1]),
             TARGETS[0], TARGETS[1]))


if __name__ == "__main__":
    main()
