"""Fisher's iris: three species told apart by four measurements, with softmax.

The 150 flowers (50 per species: sepal length and width, petal length and
width in cm) are read from ``demos/data/iris.csv`` with the ``csv`` module and
split, species by species, into 35 for training and 15 for testing, by a
fixed seed.  Each feature is standardised with the training set's mean and
standard deviation.  A 4-8-3 network (sigmoid hidden layer, softmax output,
categorical cross-entropy) is trained with ``fit``: mini-batches of 10,
momentum 0.9, a little L2.  It prints the progress, the test accuracy and
the confusion matrix.

    python3 demos/iris.py
"""

import csv
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402
from neuronsim.rng import SplitMix64  # noqa: E402
from neuronsim.training import class_of  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "iris.csv")
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
SEED = 2024
TEST_PER_SPECIES = 15


def load(path=DATA):
    """[(four floats, species name)] from the CSV, and the species in file order."""
    rows, species = [], []
    with open(path, newline="") as handle:
        for record in csv.DictReader(handle):
            name = record["species"]
            if name not in species:
                species.append(name)
            rows.append(([float(record[f]) for f in FEATURES], name))
    return rows, species


def split(rows, species, seed=SEED):
    """A fixed, stratified train/test split: TEST_PER_SPECIES of each species for testing."""
    rng = SplitMix64(seed)
    train, test = [], []
    for name in species:
        group = [row for row in rows if row[1] == name]
        rng.shuffle(group)
        test.extend(group[:TEST_PER_SPECIES])
        train.extend(group[TEST_PER_SPECIES:])
    return train, test


def standardiser(rows):
    """(x − mean) / sd per feature, from these rows' statistics only."""
    columns = list(zip(*[features for features, _ in rows]))
    means = [sum(c) / len(c) for c in columns]
    sds = [math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) for c, m in zip(columns, means)]
    return lambda features: [(x - m) / s for x, m, s in zip(features, means, sds)]


def samples(rows, species, scale):
    """(standardised features, one-hot species) pairs for fit and evaluate."""
    return [(scale(features), [1.0 if name == s else 0.0 for s in species])
            for features, name in rows]


def confusion_matrix(net, data, count):
    """matrix[actual][predicted] = how many test flowers."""
    matrix = [[0] * count for _ in range(count)]
    for inputs, targets in data:
        matrix[class_of(targets)][class_of(net.predict(inputs))] += 1
    return matrix


def main():
    rows, species = load()
    train_rows, test_rows = split(rows, species)
    scale = standardiser(train_rows)
    train, test = samples(train_rows, species, scale), samples(test_rows, species, scale)
    print("Fisher's iris: %d flowers, %d features, %d species; %d for training, %d for testing"
          % (len(rows), len(FEATURES), len(species), len(train), len(test)))

    net = NeuralNetwork(4, 8, 3, output_activation="softmax", cost="cross_entropy",
                        learning_rate=0.1, seed=SEED)
    history = net.fit(train, epochs=100, batch_size=10, momentum=0.9, l2=1e-3, seed=SEED,
                      validation_data=test, verbose=25)
    print("stopped by %s after %d epochs, %.2f s" % (history.stop_reason, history.epochs,
                                                     history.seconds))

    result = net.evaluate(test)
    print("\ntest error %.4f per flower, test accuracy %.4f"
          % (result["error"], result["accuracy"]))
    matrix = confusion_matrix(net, test, len(species))
    width = max(len(name) for name in species)
    print("\nconfusion matrix (rows: actual, columns: predicted)")
    print("%*s  %s" % (width, "", "  ".join("%*s" % (width, name) for name in species)))
    for name, row in zip(species, matrix):
        print("%*s  %s" % (width, name, "  ".join("%*d" % (width, n) for n in row)))
    return 0 if result["accuracy"] >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
