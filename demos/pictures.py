"""Pictures: a 2-4-1 network learning which points lie inside a circle, drawn as SVG.

Writes to demos/out/ (and says where):

* ``circle_network.svg`` – the trained network, outputs for one point in the
  circles and the weights on the lines;
* ``circle_training_curve.svg`` – training and validation error per epoch.

The points come from neuronsim's own seeded generator, so every run draws the
same pictures.  Each epoch is one pass of ``net.train`` over the training
points; the error of each epoch is recorded in a dict with the same keys as a
fit History (``training_error``, ``validation_error``), which
``training_curve_svg`` accepts as readily as a History.

    python3 demos/pictures.py
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402
from neuronsim.pictures import training_curve_svg  # noqa: E402
from neuronsim.rng import SplitMix64  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
SEED = 7
EPOCHS = 150


def points(rng, count):
    """(x, y) in [-1, 1]², target 1 inside the circle of radius 0.6, else 0."""
    samples = []
    for _ in range(count):
        x, y = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        samples.append(([x, y], [1.0 if x * x + y * y < 0.36 else 0.0]))
    return samples


def mean_error(net, samples):
    return net.calculate_total_error(samples) / len(samples)


def accuracy(net, samples):
    right = sum((net.feed_forward(x)[0] > 0.5) == (t[0] > 0.5) for x, t in samples)
    return right / len(samples)


def learn(seed=SEED, epochs=EPOCHS):
    rng = SplitMix64(seed)
    training, validation = points(rng, 80), points(rng, 80)
    net = NeuralNetwork(2, 4, 1, learning_rate=0.5, cost="cross_entropy", seed=seed)
    history = {"training_error": [], "validation_error": []}
    for _ in range(epochs):
        rng.shuffle(training)
        for inputs, targets in training:
            net.train(inputs, targets)
        history["training_error"].append(mean_error(net, training))
        history["validation_error"].append(mean_error(net, validation))
    return net, history, training, validation


def main(outdir=OUT):
    net, history, training, validation = learn()
    print("A 2-4-1 network (%s) learns the circle x² + y² < 0.36 from %d points"
          % (net, len(training)))
    print("epoch 1: training error %.4f, validation error %.4f"
          % (history["training_error"][0], history["validation_error"][0]))
    print("epoch %d: training error %.4f, validation error %.4f"
          % (EPOCHS, history["training_error"][-1], history["validation_error"][-1]))
    print("accuracy: training %.0f%%, validation %.0f%%"
          % (100 * accuracy(net, training), 100 * accuracy(net, validation)))

    os.makedirs(outdir, exist_ok=True)
    network_path = os.path.join(outdir, "circle_network.svg")
    curve_path = os.path.join(outdir, "circle_training_curve.svg")
    with open(network_path, "w", encoding="utf-8") as handle:
        handle.write(net.to_svg([0.0, 0.0], label="weight",
                                title="2-4-1 after %d epochs, at the point (0, 0)" % EPOCHS))
    with open(curve_path, "w", encoding="utf-8") as handle:
        handle.write(training_curve_svg(history, title="Learning the circle (cross-entropy, "
                                                       "mean per point)"))
    print("\nwrote %s" % os.path.relpath(network_path))
    print("wrote %s" % os.path.relpath(curve_path))


if __name__ == "__main__":
    main()
