"""XOR, the classic problem a single neuron cannot solve, learned by a 2-4-1 network.

Default settings (sigmoid, squared error, learning rate 0.5) and a fixed seed,
so every run prints the same table.

    python3 demos/xor.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402

XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
SEED = 1
MAX_EPOCHS = 20000


def learn(seed=SEED):
    """Train a 2-4-1 network on XOR until every output is within 0.1 of its target."""
    net = NeuralNetwork(2, 4, 1, seed=seed)
    for epoch in range(1, MAX_EPOCHS + 1):
        for inputs, targets in XOR:
            net.train(inputs, targets)
        if all(abs(net.feed_forward(x)[0] - t[0]) < 0.1 for x, t in XOR):
            return net, epoch
    return net, None


def main():
    net, epochs = learn()
    if epochs is None:
        print("XOR did not converge in %d epochs" % MAX_EPOCHS)
    else:
        print("XOR learned in %d epochs (seed %d, network %s)" % (epochs, net.seed, net))
    print("\n  a  b | a XOR b | network")
    for inputs, targets in XOR:
        print("  %d  %d |    %d    | %.4f" % (inputs[0], inputs[1], targets[0], net.feed_forward(inputs)[0]))
    print("\nTotal error E = %.6f" % net.calculate_total_error(XOR))
    return 0 if epochs is not None else 1


if __name__ == "__main__":
    sys.exit(main())
