"""XOR, the classic problem a single neuron cannot solve, learned by a 2-4-1 network.

Default settings (sigmoid, squared error, learning rate 0.5; ``fit``'s online,
shuffled training) and a fixed seed, so every run prints the same table.
Training stops when the mean error per sample falls below 0.001, which
puts every output within 0.1 of its target.

    python3 demos/xor.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402

XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
SEED = 1
ERROR_THRESHOLD = 0.001


def learn(seed=SEED):
    """Train a 2-4-1 network on XOR with fit; return it and its History."""
    net = NeuralNetwork(2, 4, 1, seed=seed)
    history = net.fit(XOR, seed=seed, error_threshold=ERROR_THRESHOLD)
    return net, history


def main():
    net, history = learn()
    learned = history.stop_reason == "error_threshold"
    if not learned:
        print("XOR did not converge in %d epochs (stopped by %s)" % (history.epochs,
                                                                   history.stop_reason))
    else:
        print("XOR learned in %d epochs, %.2f s (seed %d, network %s)"
              % (history.epochs, history.seconds, net.seed, net))
    print("\n  a  b | a XOR b | network")
    for inputs, targets in XOR:
        print("  %d  %d |    %d    | %.4f"
              % (inputs[0], inputs[1], targets[0], net.predict(inputs)[0]))
    print("\nTotal error E = %.6f" % net.calculate_total_error(XOR))
    return 0 if learned else 1


if __name__ == "__main__":
    sys.exit(main())
