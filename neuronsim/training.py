"""Training that just works: ``fit`` with mini-batches, momentum, L2 and early stopping.

The worked example trains one sample at a time: backprop, then
w ← w − η·∂E/∂w.  :func:`fit` repeats that over a whole data set for many
epochs, and adds what users of Nielsen's ``network2.py`` expect:

* **mini-batches** (Nielsen's ``update_mini_batch``): ∂E/∂w = δ·input is summed
  over the samples of a batch, all computed from the same weights, and the
  step is η/len(batch) times the sum.  ``batch_size=1`` is the worked
  example's online training, step for step;
* **momentum** μ: every weight and bias keeps a velocity
  v ← μ·v − η·g and moves by it, w ← w + v;
* **L2 weight decay** λ (``l2``): each sample's error becomes
  E + (λ/2)·Σw², so the weights (never the biases) feel an extra λ·w:
  w ← w − η·(g + λ·w).  (Nielsen's λ/n is our ``l2``.);
* **shuffling** of a private copy of the data, with neuronsim's own seeded
  generator: the caller's list is never reordered;
* **stopping** after ``epochs``, when the training error falls below
  ``error_threshold``, after ``max_seconds``, or when ``callback`` says so;
  the returned :class:`History` records which;
* **divergence** caught: if the error or any weight stops being finite,
  :class:`TrainingDiverged` is raised and the network is put back as it was
  after the last good epoch.

The *training error* of an epoch is the mean, over the epoch's samples, of
each sample's error E, measured in the forward pass that trains on it (so
it costs nothing extra; Keras and brain.js report the same running
figure).  ``error_threshold`` compares against exactly that number.  The
*validation error* is the mean E per sample of ``validation_data`` with the
weights at the end of the epoch.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2,
...                     hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
...                     output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
...                     train_biases=False)
>>> history = net.fit([([0.05, 0.1], [0.01, 0.99])], epochs=2)
>>> [round(e, 9) for e in history.training_error]   # E before step 1, before step 2
[0.298371109, 0.291027774]
>>> history.epochs, history.stop_reason
(2, 'epochs')

This module runs on MicroPython too (no ``typing``, no f-strings).
"""

import time

from .rng import SplitMix64, fresh_seed
from .validation import check_number, check_positive_int, check_seed, describe
from .vector import HAS_SUMPROD, dot, subtract_scaled_steps_in_place


try:
    _clock = time.perf_counter
except AttributeError:  # MicroPython
    _clock = time.time

STOP_REASONS = ("epochs", "error_threshold", "max_seconds", "callback")

FIT_DEFAULTS = (
    ("epochs", 10000),
    ("batch_size", 1),
    ("learning_rate", None),
    ("momentum", 0.0),
    ("l2", 0.0),
    ("shuffle", True),
    ("seed", None),
    ("validation_data", None),
    ("error_threshold", None),
    ("max_seconds", None),
    ("callback", None),
    ("verbose", False),
)
FIT_OPTIONS = tuple(name for name, _ in FIT_DEFAULTS)


class TrainingDiverged(ArithmeticError):
    """Training produced a non-finite error or weight; the network was restored.

    ``epoch`` is the epoch that failed, ``history`` the :class:`History` of
    the good epochs before it (the network is as it was at their end).
    """

    def __init__(self, message, epoch, history):
        super().__init__(message)  # MicroPython: ArithmeticError has no __init__ attribute
        try:
            self.epoch = epoch
            self.history = history
        except AttributeError:  # a MicroPython build without exception attributes
            pass


class History:
    """What :func:`fit` did, epoch by epoch.

    * ``training_error``: mean error per sample of each epoch, as seen while
      training on it (see the module docstring);
    * ``validation_error``: mean error per validation sample after each
      epoch (empty without ``validation_data``);
    * ``validation_accuracy``: the fraction of validation samples classified
      right after each epoch (empty unless the validation targets are class
      labels: one-hot vectors, or 0/1 for a single output);
    * ``epochs``: how many epochs ran; ``stop_reason``: ``"epochs"``,
      ``"error_threshold"``, ``"max_seconds"`` or ``"callback"``;
    * ``seconds``: wall-clock time of the whole fit; ``seed``: the shuffling
      seed used (drawn from the OS when none was given).
    """

    def __init__(self, seed=None):
        self.training_error = []
        self.validation_error = []
        self.validation_accuracy = []
        self.epochs = 0
        self.stop_reason = None
        self.seconds = 0.0
        self.seed = seed

    def to_dict(self):
        """A plain dict (lists copied), e.g. for ``json.dumps``."""
        return {
            "training_error": list(self.training_error),
            "validation_error": list(self.validation_error),
            "validation_accuracy": list(self.validation_accuracy),
            "epochs": self.epochs,
            "stop_reason": self.stop_reason,
            "seconds": self.seconds,
            "seed": self.seed,
        }

    def __repr__(self):
        last = self.training_error[-1] if self.training_error else float("nan")
        return "<History %d epochs, training error %.6g, stopped by %s, %.3fs>" % (
            self.epochs, last, self.stop_reason, self.seconds)


# -- classification ----------------------------------------------------------

def class_of(values):
    """The predicted class of an output vector: the index of its largest value,
    or, for a single output, 1 if it is at least 0.5 else 0.

    >>> class_of([0.1, 0.7, 0.2]), class_of([0.8]), class_of([0.3])
    (1, 1, 0)
    """
    if len(values) == 1:
        return 1 if values[0] >= 0.5 else 0
    best = 0
    for index in range(1, len(values)):
        if values[index] > values[best]:
            best = index
    return best


def is_class_label(targets):
    """True if ``targets`` names one class: one-hot, or 0/1 for a single output.

    >>> is_class_label([0.0, 1.0, 0.0]), is_class_label([1.0]), is_class_label([0.2, 0.8])
    (True, True, False)
    """
    if len(targets) == 1:
        return targets[0] == 0.0 or targets[0] == 1.0
    ones = 0
    for t in targets:
        if t == 1.0:
            ones += 1
        elif t != 0.0:
            return False
    return ones == 1


def _evaluate_checked(net, samples, with_accuracy):
    """(mean error per sample, accuracy or None) for checked samples."""
    total = 0.0
    right = 0
    forward = net._feed_forward
    error = net._error
    for inputs, targets in samples:
        outputs = forward(inputs)
        total += error(targets, outputs)
        if with_accuracy and class_of(outputs) == class_of(targets):
            right += 1
    count = len(samples)
    return total / count, (right / count if with_accuracy else None)


def predict(net, inputs):
    """The network's outputs for one input vector (a new list)."""
    return list(net._feed_forward(net._check_inputs(inputs)))


def evaluate(net, data):
    """``{"error": mean E per sample, "accuracy": fraction right or None}``.

    Accuracy is given when every target is a class label (one-hot, or 0/1 for
    a single output); a sample is right when :func:`class_of` its outputs is
    the class of its targets.
    """
    samples = net._check_samples(data, "data")
    labelled = all(is_class_label(targets) for _, targets in samples)
    error, accuracy = _evaluate_checked(net, samples, labelled)
    return {"error": error, "accuracy": accuracy}


# -- fit ---------------------------------------------------------------------

def _check_options(net, options):
    """All of fit's keywords, checked, with defaults filled in; nothing mutated."""
    unknown = sorted(name for name in options if name not in FIT_OPTIONS)
    if unknown:
        raise TypeError("fit: unknown keyword%s %s; valid keywords are %s" % (
            "" if len(unknown) == 1 else "s", ", ".join(repr(n) for n in unknown),
            ", ".join(FIT_OPTIONS)))
    checked = dict(FIT_DEFAULTS)
    checked.update(options)
    checked["epochs"] = check_positive_int(checked["epochs"], "epochs")
    checked["batch_size"] = check_positive_int(checked["batch_size"], "batch_size")
    if checked["learning_rate"] is None:
        checked["learning_rate"] = net.learning_rate
    else:
        checked["learning_rate"] = check_number(checked["learning_rate"], "learning_rate",
                                                positive=True)
    momentum = check_number(checked["momentum"], "momentum", minimum=0.0)
    if momentum >= 1.0:
        raise ValueError("momentum: expected a number in [0, 1), got %s"
                         % describe(checked["momentum"]))
    checked["momentum"] = momentum
    checked["l2"] = check_number(checked["l2"], "l2", minimum=0.0)
    if not isinstance(checked["shuffle"], bool):
        raise TypeError("shuffle: expected True or False, got %s" % describe(checked["shuffle"]))
    check_seed(checked["seed"])
    if checked["validation_data"] is not None:
        checked["validation_data"] = net._check_samples(checked["validation_data"],
                                                        "validation_data")
    for name in ("error_threshold", "max_seconds"):
        if checked[name] is not None:
            checked[name] = check_number(checked[name], name, positive=True)
    callback = checked["callback"]
    if callback is not None and not callable(callback):
        raise TypeError("callback: expected a function callback(epoch, history) or None, "
                        "got %s" % describe(callback))
    verbose = checked["verbose"]
    if not isinstance(verbose, bool):
        if not isinstance(verbose, int):
            raise TypeError("verbose: expected True, False or a whole number of epochs "
                            "between progress lines, got %s" % describe(verbose))
        check_positive_int(verbose, "verbose")
    return checked


def _all_finite(neurons):
    """True if no weight or bias is inf or nan (inf − inf and nan − nan are nan)."""
    for neuron in neurons:
        total = sum(neuron.weights) + neuron.bias
        if total - total != 0.0:
            return False
    return True


def _snapshot(neurons):
    return [(list(neuron.weights), neuron.bias) for neuron in neurons]


def _restore(neurons, saved):
    for neuron, (weights, bias) in zip(neurons, saved):
        neuron.weights[:] = weights
        neuron.bias = bias


def fit(net, training_data, **options):
    """Train ``net`` on ``training_data``, a list of ``(inputs, targets)``; return a History.

    Keywords (all optional): ``epochs`` (10000), ``batch_size`` (1),
    ``learning_rate`` (None: the network's), ``momentum`` (0, in [0, 1)),
    ``l2`` (0), ``shuffle`` (True), ``seed`` (None: from the OS),
    ``validation_data`` (None), ``error_threshold`` (None), ``max_seconds``
    (None), ``callback`` (None; ``callback(epoch, history)`` returning a true
    value stops training), ``verbose`` (False; True prints a line per epoch,
    a number N every N epochs, and always the first and the last).  See the
    module docstring for what each does.

    Every argument and every sample is checked before the first step: a
    rejected call leaves the network untouched.  ``error_threshold``,
    ``max_seconds`` and divergence are checked at the end of each epoch.
    """
    options = _check_options(net, options)
    samples = net._check_samples(training_data, "training_data")

    epochs = options["epochs"]
    batch_size = options["batch_size"]
    learning_rate = options["learning_rate"]
    momentum = options["momentum"]
    l2 = options["l2"]
    validation_data = options["validation_data"]
    error_threshold = options["error_threshold"]
    max_seconds = options["max_seconds"]
    callback = options["callback"]
    verbose = options["verbose"]
    every = 1 if verbose is True else (0 if verbose is False else verbose)
    seed = options["seed"]
    if seed is None:
        seed = fresh_seed()
    rng = SplitMix64(seed) if options["shuffle"] else None
    with_accuracy = validation_data is not None and all(
        is_class_label(targets) for _, targets in validation_data)

    neurons = [neuron for layer in net.layers for neuron in layer.neurons]
    online = batch_size == 1 and momentum == 0.0 and l2 == 0.0
    if not online:
        velocities = [[0.0] * len(neuron.weights) for neuron in neurons]
        bias_velocities = [0.0] * len(neurons)

    history = History(seed)
    count = len(samples)
    order = list(samples)  # our own copy: shuffling never touches the caller's list
    saved = _snapshot(neurons)
    start = _clock()
    train = net._train

    for epoch in range(1, epochs + 1):
        if rng is not None:
            rng.shuffle(order)
        total = 0.0
        try:
            if online:   # exactly net.train, sample by sample (inputs already checked)
                for inputs, targets in order:
                    total += train(inputs, targets, learning_rate)
            else:
                for first in range(0, count, batch_size):
                    batch = order[first:first + batch_size]
                    total += _train_batch(net, neurons, batch, learning_rate, momentum, l2,
                                          velocities, bias_velocities)
        except (OverflowError, ZeroDivisionError, ValueError):
            total = float("nan")   # a math function gave up: as good as a non-finite error
        error = total / count
        if error - error != 0.0 or not _all_finite(neurons):
            _restore(neurons, saved)
            history.seconds = _clock() - start
            raise TrainingDiverged(
                "training diverged in epoch %d: the %s became %s; the network was restored "
                "to its state after epoch %d (try a smaller learning_rate)" % (
                    epoch, "training error" if error - error != 0.0 else "weights",
                    error if error - error != 0.0 else "non-finite", epoch - 1),
                epoch, history)
        saved = _snapshot(neurons)

        history.training_error.append(error)
        if validation_data is not None:
            validation_error, accuracy = _evaluate_checked(net, validation_data, with_accuracy)
            history.validation_error.append(validation_error)
            if with_accuracy:
                history.validation_accuracy.append(accuracy)
        history.epochs = epoch
        elapsed = _clock() - start
        history.seconds = elapsed

        stop = None
        if error_threshold is not None and error < error_threshold:
            stop = "error_threshold"
        elif callback is not None and callback(epoch, history):
            stop = "callback"
        elif max_seconds is not None and elapsed >= max_seconds:
            stop = "max_seconds"
        elif epoch == epochs:
            stop = "epochs"
        if every and (epoch % every == 0 or stop is not None or epoch == 1):
            print(_progress_line(history, epochs))
        if stop is not None:
            history.stop_reason = stop
            break
    history.seconds = _clock() - start
    return history


def _progress_line(history, epochs):
    """``epoch 120/1000  error 0.012345  val error 0.020000  val accuracy 0.967  0.42s``."""
    epoch = str(history.epochs)
    epoch = " " * (len(str(epochs)) - len(epoch)) + epoch   # aligned, without %*d
    line = "epoch %s/%d  error %.6f" % (epoch, epochs, history.training_error[-1])
    if history.validation_error:
        line += "  val error %.6f" % history.validation_error[-1]
    if history.validation_accuracy:
        line += "  val accuracy %.3f" % history.validation_accuracy[-1]
    return line + "  %.2fs" % history.seconds


def _train_batch(net, neurons, batch, learning_rate, momentum, l2, velocities, bias_velocities):
    """One mini-batch step (Nielsen's update_mini_batch); return the batch's summed E.

    Every sample's deltas come from the weights as they were at the start of
    the batch; the step is η/len(batch) times the summed gradient
    Σ_samples δ·input, plus L2 decay and momentum.  Without momentum and L2,
    w ← w − Σ_samples (η/len(batch)·δ)·input is taken as one step per sample
    in order (rounded so on every interpreter but CPython 3.12+, which sums
    each weight's products with one ``math.sumprod``).
    """
    backprop = net._backprop
    layers = net.layers
    total = 0.0
    layer_inputs = [[] for _ in layers]      # per layer: each sample's inputs
    deltas = [[] for _ in neurons]           # per neuron: each sample's δ
    for inputs, targets in batch:
        total += backprop(inputs, targets)
        for l in range(len(layers)):
            layer_inputs[l].append(layers[l].neurons[0].inputs)
        for k in range(len(neurons)):
            deltas[k].append(neurons[k].delta)
    scale = learning_rate / len(batch)
    train_biases = net.train_biases
    decay = learning_rate * l2
    k = 0
    for l in range(len(layers)):
        inputs_of_samples = layer_inputs[l]
        columns = None
        # CPython 3.12+ sums each weight's products over the batch with one
        # math.sumprod; elsewhere the samples' steps are folded.
        if momentum or decay or HAS_SUMPROD:
            columns = list(zip(*inputs_of_samples))   # column i: input i of every sample
        for neuron in layers[l].neurons:
            neuron_deltas = deltas[k]
            weights = neuron.weights
            bias_sum = 0.0
            for delta in neuron_deltas:
                bias_sum += delta
            if momentum or decay:
                sums = [dot(neuron_deltas, column) for column in columns]   # Σ δ·input_i
                if momentum:
                    velocity = [momentum * v - scale * g - decay * w
                                for v, g, w in zip(velocities[k], sums, weights)]
                    velocities[k] = velocity
                    weights[:] = [w + v for w, v in zip(weights, velocity)]
                    if train_biases:
                        bias_velocities[k] = momentum * bias_velocities[k] - scale * bias_sum
                        neuron.bias += bias_velocities[k]
                else:
                    weights[:] = [w - scale * g - decay * w for w, g in zip(weights, sums)]
                    if train_biases:
                        neuron.bias -= scale * bias_sum
            else:
                steps = [scale * delta for delta in neuron_deltas]
                if columns is not None:
                    weights[:] = [w - dot(steps, column) for w, column in zip(weights, columns)]
                else:
                    subtract_scaled_steps_in_place(weights, inputs_of_samples, steps)
                if train_biases:
                    neuron.bias -= scale * bias_sum
            k += 1
    return total
