"""Defaults that work on a small table: what to train, chosen from the data.

:func:`choose` looks at the samples and returns every choice the command
line leaves to neuronsim; :func:`train` builds that network and fits it.
Both are plain functions the command line calls in a few lines, and you can
call them from Python:

>>> from neuronsim.scaling import one_hot
>>> classes, targets = one_hot(["a", "b", "a", "b"])
>>> inputs = [[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]]
>>> plan = choose(list(zip(inputs, targets)))
>>> plan["task"], plan["layers"], plan["cost"]
('classes', [(8, 'tanh'), (2, 'softmax')], 'cross_entropy')
>>> plan["fit"]["optimizer"], plan["fit"]["scale_inputs"], plan["fit"]["patience"]
('adam', True, 10)

What it chooses, and why:

* **the output** from the targets: one-hot rows (class labels) get softmax
  and cross-entropy; a single column of 0s and 1s gets sigmoid and
  cross-entropy; anything else is a number to predict: a linear output,
  squared error, and the targets scaled (``scale_targets``), so predictions
  come back in your units;
* **one hidden layer** of tanh neurons, twice the geometric mean of the
  input and output widths, at least 8 and at most 32 (:func:`hidden_width`;
  tanh: zero-centred, no dead units, for standardized inputs; small, since
  pure Python pays for every weight);
* **inputs standardized** (``scale_inputs``), the scaling saved in the model;
* **Adam** with learning rate 0.05 on mini-batches of ``min(32, n)``
  (Adam costs ~4× a plain step per weight, so it pays per batch, not per
  sample; scikit-learn's default is rate 0.001 on batches of ``min(200, n)``
  for up to 200 epochs: a larger rate needs far fewer epochs, and
  restoring the best epoch takes back an overshoot);
* **early stopping**: 10% of the rows held out (stratified for classes,
  at least one per class), at most 500 epochs, stop after 10 epochs in
  which the validation error did not improve by more than 0.001 (scikit-learn's
  n_iter_no_change is 10 too), and keep the best epoch's weights.
  A data set of fewer than 200 rows keeps every row for training and stops
  on the training error instead: a validation set of a few rows is too noisy
  to stop on (an 81-row circle stopped after 18 epochs at the majority rate
  on 2 seeds of 5 with 8 rows held out; with none, 5 of 5 reach 100%).

This module runs on MicroPython too.
"""

import math

from .training import is_class_label

HIDDEN_ACTIVATION = "tanh"
MIN_HIDDEN, MAX_HIDDEN = 8, 32
LEARNING_RATE = 0.05
MAX_BATCH = 32
MAX_EPOCHS = 500
PATIENCE = 10
MIN_DELTA = 1e-3
VALIDATION_SPLIT = 0.1
MIN_ROWS_FOR_VALIDATION = 200


def task_of(samples):
    """``"classes"``, ``"binary"`` or ``"numbers"``: what the targets are."""
    width = len(samples[0][1])
    if all(is_class_label(targets) for _, targets in samples):
        return "classes" if width > 1 else "binary"
    return "numbers"


def hidden_width(num_inputs, num_outputs):
    """Twice the geometric mean of the input and output widths, rounded, at
    least 8 and at most 32 (iris 4→3: 8; wine 13→3: 12; 30→2: 15; 64→10: 32).

    >>> hidden_width(4, 3), hidden_width(13, 3), hidden_width(64, 10)
    (8, 12, 32)
    """
    width = int(2.0 * math.sqrt(num_inputs * num_outputs) + 0.5)
    return max(MIN_HIDDEN, min(MAX_HIDDEN, width))


def choose(samples, hidden=None):
    """Every choice for training on ``samples`` (checked ``(inputs, targets)`` pairs).

    ``hidden`` (a list of widths) overrides the hidden layers.  Returns a dict:
    ``task``, ``layers`` (``from_layers``' pairs), ``cost`` and ``fit`` (the
    keywords for :meth:`NeuralNetwork.fit`).
    """
    num_inputs, num_outputs = len(samples[0][0]), len(samples[0][1])
    task = task_of(samples)
    output, cost = {"classes": ("softmax", "cross_entropy"),
                    "binary": ("sigmoid", "cross_entropy"),
                    "numbers": ("linear", "squared_error")}[task]
    if hidden is None:
        hidden = [hidden_width(num_inputs, num_outputs)]
    layers = [(width, HIDDEN_ACTIVATION) for width in hidden] + [(num_outputs, output)]
    count = len(samples)
    fit = {
        "optimizer": "adam",
        "learning_rate": LEARNING_RATE,
        "batch_size": min(MAX_BATCH, count),
        "epochs": MAX_EPOCHS,
        "patience": PATIENCE,
        "min_delta": MIN_DELTA,
        "validation_split": VALIDATION_SPLIT if count >= MIN_ROWS_FOR_VALIDATION else 0.0,
        "restore_best": True,
        "scale_inputs": True,
        "scale_targets": task == "numbers",
    }
    return {"task": task, "layers": layers, "cost": cost, "fit": fit}


def train(samples, hidden=None, seed=None, classes=None, **options):
    """Build and fit the network :func:`choose` describes; return ``(net, history)``.

    ``seed`` seeds the weights and the shuffling (None: drawn and recorded);
    ``classes`` (the labels of one-hot targets) is stored in the network;
    ``options`` override fit's keywords (``epochs=…``, ``verbose=True``, …).
    """
    from .network import NeuralNetwork

    plan = choose(samples, hidden)
    net = NeuralNetwork.from_layers(len(samples[0][0]), plan["layers"], cost=plan["cost"],
                                    seed=seed)
    if classes is not None:
        net.classes = classes
    keywords = dict(plan["fit"])
    keywords.update(options)
    history = net.fit(samples, seed=net.seed if seed is None else seed, **keywords)
    return net, history
