"""Run by CPython before the MicroPython smoke suite: files for smoke_export.py.

Writes into ``tests/micropython/generated/`` (git-ignored), for a few networks:
``export_N.json`` (the model, saved by CPython), ``export_N.py`` (the standalone
module ``neuronsim export`` writes) and ``export_rows.json`` (inputs to try).
smoke_export.py then loads each model and runs each module under MicroPython
and checks that predict() is feed_forward, bit for bit.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (num_inputs, hidden, num_outputs, options): every activation, softmax, a wide layer.
CASES = [
    (2, 2, 2, {"seed": 1}),
    (60, [40, 30], 3, {"seed": 2, "activation": "tanh", "output_activation": "softmax",
                       "cost": "cross_entropy"}),
    (50, 20, 2, {"seed": 3, "activation": "relu", "output_activation": "linear"}),
    (40, [10, 10], 4, {"seed": 4, "activation": "leaky_relu", "output_activation": "sigmoid"}),
    (3, 5, 2, {"seed": 5, "activation": "tanh", "output_activation": "linear"}),   # scaled
]


def add_scaling(net, index):
    """The last case carries an input and a target scaling (format version 3)."""
    from neuronsim.scaling import Standardizer

    if index == len(CASES) - 1:
        net.input_scaling = Standardizer([0.25, -300.0, 5e4], [0.1, 42.0, 2.5e4])
        net.target_scaling = Standardizer([1000.0, -3.0], [250.0, 0.7])


def rows_for(num_inputs, seed):
    from neuronsim.rng import SplitMix64

    rng = SplitMix64(seed)
    rows = [[rng.uniform(-1.0, 1.0) for _ in range(num_inputs)] for _ in range(4)]
    rows.append([rng.uniform(-800.0, 800.0) for _ in range(num_inputs)])
    rows.append([0.0] * num_inputs)
    return rows


def main():
    sys.path.insert(0, ROOT)
    from neuronsim import NeuralNetwork

    out = os.path.join(HERE, "generated")
    if not os.path.isdir(out):
        os.makedirs(out)
    rows = {}
    for index, (num_inputs, hidden, num_outputs, options) in enumerate(CASES):
        net = NeuralNetwork(num_inputs, hidden, num_outputs, **options)
        add_scaling(net, index)
        net.save(os.path.join(out, "export_%d.json" % index))
        with open(os.path.join(out, "export_%d.py" % index), "w", encoding="utf-8") as handle:
            handle.write(net.export_source())
        rows[str(index)] = rows_for(num_inputs, options["seed"])
    with open(os.path.join(out, "export_rows.json"), "w", encoding="utf-8") as handle:
        json.dump(rows, handle)
    print("wrote %d exported networks to %s" % (len(CASES), out))


if __name__ == "__main__":
    main()
