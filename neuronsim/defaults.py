"""Defaults that work on a small table: what to train, chosen from the data.

:func:`choose` looks at the samples and makes every choice you leave to
it; :func:`train` builds that network and fits it; :func:`record` says what
was chosen and how training went, for the model file.  ``neuronsim train``
is these calls: each of its training options is one of the choices
(``--momentum`` is ``momentum=``, checked by :func:`check_choices` before
the file is read).  From Python:

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

Any of these can be your choice instead (:func:`check_choices` lists
them), and what depends on it follows: an output activation brings its
cost, ``optimizer="sgd"`` the worked example's rate 0.5, ``scale=False``
no scaling of the targets either.

This module runs on MicroPython too.
"""

import math

from .activations import get_activation
from .costs import get_cost
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, get_optimizer
from .training import is_class_label
from .validation import (ArgumentError, check_elementwise, check_number, check_positive_int,
                         check_samples, describe, look_up)

HIDDEN_ACTIVATION = "tanh"
OPTIMIZER = "adam"
MIN_HIDDEN, MAX_HIDDEN = 8, 32
LEARNING_RATE = 0.05
SGD_LEARNING_RATE = 0.5   # the worked example's
MAX_BATCH = 32
MAX_EPOCHS = 500
PATIENCE = 10
MIN_DELTA = 1e-3
VALIDATION_SPLIT = 0.1
MIN_ROWS_FOR_VALIDATION = 200

#: The choices you can make instead of the data (:func:`check_choices`' keywords).
#: (``error_threshold`` and ``max_seconds`` are checked by it too, but they are
#: fit's to take as they are: :func:`train` passes them on, plan or not.)
CHOICES = ("hidden", "activation", "output", "cost", "optimizer", "learning_rate", "momentum",
           "l2", "batch_size", "epochs", "patience", "min_delta", "validation_split", "scale")


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


def check_choices(hidden=None, activation=None, output=None, cost=None, optimizer=None,
                  learning_rate=None, momentum=0.0, l2=0.0, batch_size=None, epochs=None,
                  patience=None, min_delta=None, validation_split=None, scale=True,
                  error_threshold=None, max_seconds=None):
    """The choices you make instead of the data, checked before any data is
    read or any work done; returned as a dict of these keywords.  None
    leaves a choice to :func:`choose`:

    * ``hidden``: the hidden layers' widths, a list;
    * ``activation``: the hidden layers' activation, or a list: one for
      all, or one per hidden layer (one hidden layer unless ``hidden`` says
      otherwise); returned as a list;
    * ``output``, ``cost``: the output layer's activation and the cost;
    * ``optimizer``: ``"adam"`` (None), ``"sgd"`` or an
      :class:`~neuronsim.optimizers.Optimizer`; ``learning_rate``;
      ``momentum`` (with ``"sgd"`` only); ``l2``;
    * ``batch_size``, ``epochs``, ``patience``, ``min_delta``,
      ``validation_split``, ``error_threshold``, ``max_seconds``: as for
      :meth:`NeuralNetwork.fit`;
    * ``scale``: False trains on the values as they are (no
      ``scale_inputs``, no ``scale_targets``).

    A bad choice raises ``TypeError`` or ``ValueError`` naming it; where the
    command line has an option of its own for what to change, the error is
    an :class:`~neuronsim.validation.ArgumentError`, which spells it:

    >>> check_choices(activation=["tanh", "relu"])
    Traceback (most recent call last):
      ...
    neuronsim.validation.ArgumentError: activation: expected one activation, or one per hidden layer (1), got 2
    >>> check_choices(momentum=0.9)
    Traceback (most recent call last):
      ...
    neuronsim.validation.ArgumentError: momentum: goes with optimizer='sgd' (the optimizer is adam, which keeps its own running mean)
    """
    if hidden is not None:
        if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (list, tuple)):
            raise TypeError("hidden: expected a list of hidden layer widths, got %s"
                            % describe(hidden))
        if not hidden:
            raise ValueError("hidden: expected at least one hidden layer width, got none")
        hidden = [check_positive_int(width, "hidden[%d]" % i) for i, width in enumerate(hidden)]
    if activation is not None:
        activation = list(activation) if isinstance(activation, (list, tuple)) else [activation]
        count = 1 if hidden is None else len(hidden)
        if len(activation) not in (1, count):
            raise ArgumentError(("activation",), ": expected one activation, or one per hidden "
                                "layer (%d), got %d" % (count, len(activation)))
        for name in activation:
            check_elementwise(get_activation(name, "activation"), "activation")
    if cost is not None:
        get_cost(cost, "cost")
    if output is not None:
        cost_for(get_activation(output, "output"), cost)   # do they suit each other?
    if learning_rate is not None:
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
    momentum = check_number(momentum, "momentum", minimum=0.0)
    if isinstance(optimizer, Optimizer):
        if momentum and isinstance(optimizer, Adam):
            raise ValueError("momentum: Adam keeps its own running mean; momentum is for SGD")
        if momentum and not isinstance(optimizer, SGD):
            raise ValueError("momentum: goes with SGD; an optimizer object of another kind "
                             "takes what it needs itself")
        if momentum:
            raise ValueError("momentum: give it to the optimizer (SGD(momentum=%r)) when you "
                             "give an optimizer object" % momentum)
        if None not in (learning_rate, optimizer.learning_rate) and \
                learning_rate != optimizer.learning_rate:
            raise ValueError("learning_rate: %r, and the optimizer has %r; give it to one of "
                             "them" % (learning_rate, optimizer.learning_rate))
    else:
        name = OPTIMIZER if optimizer is None else optimizer
        look_up(name, OPTIMIZERS, Optimizer, "optimizer", "optimizer")
        if momentum and name != "sgd":
            raise ArgumentError(("momentum",), ": goes with ", ("optimizer", "sgd"), " (the "
                                "optimizer is %s, which keeps its own running mean)" % name)
        get_optimizer(name, learning_rate, momentum)   # the rest of its checks
    l2 = check_number(l2, "l2", minimum=0.0)
    counts = [None if value is None else check_positive_int(value, key) for key, value in
              (("batch_size", batch_size), ("epochs", epochs), ("patience", patience))]
    if min_delta is not None:
        min_delta = check_number(min_delta, "min_delta", minimum=0.0)
    if validation_split is not None:
        validation_split = check_number(validation_split, "validation_split", minimum=0.0)
        if validation_split >= 1.0:
            raise ValueError("validation_split: expected a fraction in [0, 1), got %s"
                             % describe(validation_split))
    if not isinstance(scale, bool):
        raise TypeError("scale: expected True or False, got %s" % describe(scale))
    limits = [None if value is None else check_number(value, key, positive=True) for key, value
              in (("error_threshold", error_threshold), ("max_seconds", max_seconds))]
    return {"hidden": hidden, "activation": activation, "output": output, "cost": cost,
            "optimizer": optimizer, "learning_rate": learning_rate, "momentum": momentum,
            "l2": l2, "batch_size": counts[0], "epochs": counts[1], "patience": counts[2],
            "min_delta": min_delta, "validation_split": validation_split, "scale": scale,
            "error_threshold": limits[0], "max_seconds": limits[1]}


def cost_for(output, cost=None):
    """The cost that goes with the output activation ``output``: ``cost``
    if it suits it (else an error naming ``cost``), or, for None, cross-entropy
    after softmax or sigmoid and squared error after anything else.

    >>> cost_for(get_activation("softmax")), cost_for(get_activation("linear"))
    ('cross_entropy', 'squared_error')
    """
    if cost is None:
        cost = "cross_entropy" if output.name in ("softmax", "sigmoid") else "squared_error"
    try:
        get_cost(cost).check_activation(output)
    except ValueError as error:
        raise ArgumentError(("cost",), ": %s" % error)
    return cost


def check_samples_alike(samples, name="samples"):
    """``samples`` checked as ``fit`` checks them (errors name ``samples``):
    ``(inputs, targets)`` pairs of finite numbers, every pair as wide as the
    first.  Returns them as lists of floats."""
    checked = check_samples(samples, None, None, name)
    num_inputs, num_outputs = len(checked[0][0]), len(checked[0][1])
    for inputs, targets in checked:
        if len(inputs) != num_inputs or len(targets) != num_outputs:   # say which, and how
            return check_samples(checked, num_inputs, num_outputs, name)
    return checked


def choose(samples, hidden=None, **choices):
    """Every choice for training on ``samples`` (checked ``(inputs, targets)`` pairs).

    Yours are :func:`check_choices`' keywords (checked by it); the rest are
    made from the data, as the module docstring says.  Returns a dict: ``task``, ``layers`` (``from_layers``' pairs), ``cost``
    and ``fit`` (the keywords for :meth:`NeuralNetwork.fit`).  A choice
    changes what depends on it: another output activation brings its own
    cost, a rate defaults to SGD's with ``optimizer="sgd"``:

    >>> data = [([0.0], [0.5]), ([1.0], [2.0])]
    >>> plan = choose(data, hidden=[4, 3], activation="relu", output="sigmoid", optimizer="sgd")
    >>> plan["layers"], plan["cost"], plan["fit"]["learning_rate"], plan["fit"]["scale_targets"]
    ([(4, 'relu'), (3, 'relu'), (1, 'sigmoid')], 'cross_entropy', 0.5, False)
    """
    chosen = check_choices(hidden, **choices)
    samples = check_samples_alike(samples)
    num_inputs, num_outputs = len(samples[0][0]), len(samples[0][1])
    task = task_of(samples)
    output = chosen["output"]
    if output is None:
        output = {"classes": "softmax", "binary": "sigmoid", "numbers": "linear"}[task]
    kind = get_activation(output).name
    if not get_activation(output).elementwise and num_outputs == 1:
        raise ArgumentError(("output",), ": %s over one output is always 1, whatever the "
                            "inputs; for one column of 0s and 1s use sigmoid" % kind)
    cost = cost_for(get_activation(output), chosen["cost"])
    widths = chosen["hidden"] or [hidden_width(num_inputs, num_outputs)]
    activations = chosen["activation"] or [HIDDEN_ACTIVATION]
    if len(activations) == 1:
        activations = activations * len(widths)
    optimizer = OPTIMIZER if chosen["optimizer"] is None else chosen["optimizer"]
    rate = getattr(optimizer, "learning_rate", None) or chosen["learning_rate"]
    if rate is None:
        rate = LEARNING_RATE if getattr(optimizer, "name", optimizer) == "adam" \
            else SGD_LEARNING_RATE
    count = len(samples)
    fit = {
        "optimizer": optimizer,
        "learning_rate": rate,
        "momentum": chosen["momentum"],
        "l2": chosen["l2"],
        "batch_size": min(MAX_BATCH, count),
        "epochs": MAX_EPOCHS,
        "patience": PATIENCE,
        "min_delta": MIN_DELTA,
        "validation_split": VALIDATION_SPLIT if count >= MIN_ROWS_FOR_VALIDATION else 0.0,
        "restore_best": True,
        "scale_inputs": chosen["scale"],
        "scale_targets": chosen["scale"] and task == "numbers" and kind == "linear",
    }
    for key in ("batch_size", "epochs", "patience", "min_delta", "validation_split",
                "error_threshold", "max_seconds"):
        if chosen[key] is not None:
            fit[key] = chosen[key]
    return {"task": task, "layers": list(zip(widths, activations)) + [(num_outputs, output)],
            "cost": cost, "fit": fit}


def train(samples, hidden=None, seed=None, classes=None, plan=None, **options):
    """Build and fit the network :func:`choose` describes; return ``(net, history)``.

    ``hidden`` and the ``options`` in :data:`CHOICES` are your choices, as
    :func:`choose` takes them; or ``plan`` is what :func:`choose` returned
    (looked at, or changed, first).  The other ``options`` go to fit as they
    are (``callback=…``, ``error_threshold=…``, ``verbose=True``,
    ``restore_best=False``, …).  ``seed`` seeds the weights and the
    shuffling (None: drawn, and kept in ``net.seed``); ``classes`` (the
    labels of one-hot targets) is stored in the network, whose learning
    rate is the plan's.

    >>> xor = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    >>> net, history = train(xor, hidden=[4], seed=1)
    >>> net, net.learning_rate, history.stop_reason
    (<NeuralNetwork 2-4-1, tanh/sigmoid, cost cross_entropy>, 0.05, 'patience')
    >>> [round(net.predict(inputs)[0]) for inputs, _ in xor]
    [0, 1, 1, 0]
    """
    from .network import NeuralNetwork

    choices = dict((key, options.pop(key)) for key in CHOICES if key in options)
    samples = check_samples_alike(samples)
    if plan is None:
        plan = choose(samples, hidden, **choices)
    elif hidden is not None or choices:
        raise TypeError("plan: give a plan or your choices (%s), not both"
                        % ", ".join(sorted(choices) or ["hidden"]))
    net = NeuralNetwork.from_layers(len(samples[0][0]), plan["layers"], cost=plan["cost"],
                                    learning_rate=plan["fit"]["learning_rate"], seed=seed)
    if classes is not None:
        net.classes = classes
    keywords = dict(plan["fit"])
    keywords.update(options)
    history = net.fit(samples, seed=net.seed if seed is None else seed, **keywords)
    return net, history


def record(plan, history):
    """What a model file keeps about a training run: what was chosen, and how it went.

    ``plan`` is what :func:`choose` returned and :func:`train` followed,
    ``history`` what fit returned; ``neuronsim train`` writes the result as
    ``metadata["training"]``.  JSON-ready: an optimizer object is recorded
    by its name.

    >>> xor = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    >>> plan = choose(xor, optimizer="sgd", learning_rate=2.0, batch_size=1)
    >>> net, history = train(xor, plan=plan, seed=1)
    >>> done = record(plan, history)
    >>> done["optimizer"], done["learning_rate"], done["batch_size"], done["stop_reason"]
    ('sgd', 2.0, 1, 'patience')
    """
    fit, optimizer = plan["fit"], plan["fit"]["optimizer"]
    return {"epochs": history.epochs, "training_error": history.training_error[-1],
            "stop_reason": history.stop_reason, "best_epoch": history.best_epoch,
            "restored_best": history.restored, "seconds": round(history.seconds, 3),
            "shuffle_seed": history.seed, "batch_size": fit["batch_size"],
            "optimizer": getattr(optimizer, "name", optimizer),
            "learning_rate": fit["learning_rate"],
            "momentum": getattr(optimizer, "momentum", fit["momentum"]),
            "nesterov": getattr(optimizer, "nesterov", False), "l2": fit["l2"],
            "validation_split": fit["validation_split"], "patience": fit["patience"],
            "scaled": fit["scale_inputs"], "warnings": list(history.warnings)}
