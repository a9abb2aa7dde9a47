"""Print the bits of seeded networks, before and after training, for cross-interpreter checks.

Run under every interpreter (``python tests/micropython/fingerprint.py``,
``node .ci/micropython.mjs --print tests/micropython/fingerprint.py``);
``.ci/compare_fingerprints.py`` then checks what a seed promises:

* ``init`` lines — initial weights and biases from a seed — must be identical
  bit for bit everywhere (SplitMix64 is integer arithmetic; 53 bits × 2**-53
  and the scaling to ±limit are exact IEEE operations);
* ``trained`` lines — the same networks after training — must be identical
  between interpreters whose ``kernel`` line (the dot product) and libm agree,
  and equal within a tolerance otherwise.

Each value is printed as the 16 hex digits of its IEEE-754 double.
"""

import struct
import sys

if sys.implementation.name != "micropython":
    import os

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from neuronsim import NeuralNetwork  # noqa: E402
from neuronsim import vector  # noqa: E402

XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
# A small regression-and-classification mix for the deeper nets.
SAMPLES = [([0.1 * i, 1.0 - 0.07 * i, (-1.0) ** i * 0.3], [(i % 3) / 2.0, 1.0 - (i % 2)])
           for i in range(8)]
# 64 inputs: wide enough that CPython holds first-layer steps back (vector.MIN_INPUTS_TO_HOLD_BACK),
# so its trained weights are promised equal to PyPy's within a tolerance, not bit for bit.
WIDE = [([((7 * i + 3 * j) % 11) / 10.0 - 0.5 for j in range(64)], [(i % 3) / 2.0, (i % 2) * 1.0])
        for i in range(10)]


def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def parameters(net):
    values = []
    for layer in net.layers:
        for neuron in layer.neurons:
            values.extend(neuron.weights)
            values.append(neuron.bias)
    return values


def line(kind, label, net):
    print("%s %s %s" % (kind, label, " ".join(bits(v) for v in parameters(net))))


CASES = [
    # label, constructor, training data, epochs
    ("xor-2-4-1-sigmoid-seed1", lambda: NeuralNetwork(2, 4, 1, seed=1), XOR, 1000),
    ("3-5-4-2-tanh-seed7", lambda: NeuralNetwork(3, [5, 4], 2, activation="tanh",
                                                 output_activation="sigmoid", seed=7),
     SAMPLES, 200),
    ("3-6-2-relu-linear-seed2**63", lambda: NeuralNetwork(3, 6, 2, activation="relu",
                                                          output_activation="linear",
                                                          learning_rate=0.05, seed=2 ** 63 + 5),
     SAMPLES, 200),
    ("3-4-2-softmax-xent-seed0", lambda: NeuralNetwork(3, 4, 2, output_activation="softmax",
                                                       cost="cross_entropy", seed=0),
     SAMPLES, 200),
    # "wide-" cases: compared within a tolerance only (see .ci/compare_fingerprints.py).
    ("wide-64-8-2-sigmoid-seed7", lambda: NeuralNetwork(64, 8, 2, seed=7), WIDE, 30),
]

kernel = getattr(vector.dot, "__name__", repr(vector.dot))
print("interpreter %s %s" % (sys.implementation.name,
                             ".".join(str(v) for v in sys.implementation.version[:3])))
print("kernel %s" % kernel)
for label, make, data, epochs in CASES:
    net = make()
    line("init", label, net)
    for _ in range(epochs):
        for inputs, targets in data:
            net.train(inputs, targets)
    line("trained", label, net)
