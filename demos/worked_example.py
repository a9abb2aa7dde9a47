"""The worked example: a 2-2-2 sigmoid network through one backward pass, by the library.

Run it next to the maths: the step is printed by ``net.explain``, so every
number below is read from the network's own neurons (net_input, output,
pd_error_wrt_output, delta, weight_gradients), none is typed in.  It also
draws the network at that step to demos/out/worked_example.svg.

    python3 demos/worked_example.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402

INPUTS = [0.05, 0.1]
TARGETS = [0.01, 0.99]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


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


def main(outdir=OUT):
    net = build()
    print("The worked example: inputs i1=%s i2=%s, targets %s %s, learning rate η=%s"
          % (INPUTS[0], INPUTS[1], TARGETS[0], TARGETS[1], net.learning_rate))
    print()
    # The whole step, every number from the network's own neurons (net.explain
    # computes w+ = w − η·∂E/∂w but moves no weight).
    print(net.explain(INPUTS, TARGETS))

    # The picture of this very moment: outputs in the circles, ∂E/∂w on the lines.
    os.makedirs(outdir, exist_ok=True)
    picture = os.path.join(outdir, "worked_example.svg")
    with open(picture, "w", encoding="utf-8") as handle:
        handle.write(net.to_svg(INPUTS, TARGETS, label="gradient",
                                title="The worked example: out in the circles, ∂E/∂w on the lines"))

    before = net.calculate_total_error([(INPUTS, TARGETS)])
    net.train(INPUTS, TARGETS)
    print("net.train takes that step: w1..w8 are now %s"
          % ", ".join(g(w) for layer in net.layers for n in layer.neurons for w in n.weights))
    error = net.calculate_total_error([(INPUTS, TARGETS)])
    print("E_total after one step: %s (was %s)" % (g(error), g(before)))
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
    print("\nPicture of the first step: %s" % os.path.relpath(picture))


if __name__ == "__main__":
    main()
