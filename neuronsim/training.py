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

from .optimizers import SGD, Optimizer, get_optimizer
from .rng import SplitMix64, fresh_seed
from .validation import check_number, check_positive_int, check_seed, describe
from .vector import HAS_SUMPROD, dot, subtract_scaled_steps_in_place


try:
    _clock = time.perf_counter
except AttributeError:  # MicroPython
    _clock = time.time

STOP_REASONS = ("epochs", "error_threshold", "max_seconds", "callback")

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

    def _repr_svg_(self):
        """The training curve as SVG, for Jupyter; None before any epoch."""
        if not self.training_error:
            return None
        from .pictures import training_curve_svg
        svg = training_curve_svg(self, title="Training curve: %d epoch%s, stopped by %s" % (
            self.epochs, "" if self.epochs == 1 else "s", self.stop_reason))
        return svg[svg.index("<svg"):]   # the element alone, to sit inside a page

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

def _check_callback(callback):
    """A callable taking (epoch, history), checked before any work where the
    interpreter can tell (CPython and PyPy read its signature)."""
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError("callback: expected a function callback(epoch, history) or None, "
                        "got %s" % describe(callback))
    try:
        from inspect import signature
        bound = signature(callback).bind
    except (ImportError, AttributeError, TypeError, ValueError):
        return callback   # MicroPython, or a builtin without a signature: trust it
    try:
        bound(1, History())
    except TypeError:
        raise TypeError("callback: expected a function callback(epoch, history) that takes "
                        "two arguments, got %s" % describe(callback))
    return callback


def _check_verbose(verbose):
    if not isinstance(verbose, bool):
        if not isinstance(verbose, int):
            raise TypeError("verbose: expected True, False or a whole number of epochs "
                            "between progress lines, got %s" % describe(verbose))
        check_positive_int(verbose, "verbose")
    return verbose


def _choose_optimizer(net, optimizer, learning_rate, momentum):
    """The optimizer fit steps with, from its arguments (all checked here)."""
    if learning_rate is not None:
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
    momentum = check_number(momentum, "momentum", minimum=0.0)
    if momentum >= 1.0:
        raise ValueError("momentum: expected a number in [0, 1), got %s" % describe(momentum))
    if isinstance(optimizer, Optimizer):
        if momentum:
            raise ValueError("momentum: give it to the optimizer (SGD(momentum=%r)), not to "
                             "fit, when fit is given an optimizer object" % momentum)
        if learning_rate is not None and optimizer.learning_rate is not None and \
                learning_rate != optimizer.learning_rate:
            raise ValueError("learning_rate: fit was given %r and the optimizer has %r; "
                             "give it to one of them" % (learning_rate, optimizer.learning_rate))
        if optimizer.learning_rate is None:   # an SGD() taking fit's or the network's rate
            optimizer.learning_rate = learning_rate if learning_rate is not None \
                else net.learning_rate
        return optimizer
    if optimizer == "adam" and momentum:
        raise ValueError("momentum: Adam keeps its own running mean (beta1); momentum is for "
                         "optimizer='sgd'")
    if optimizer == "sgd" and learning_rate is None:
        learning_rate = net.learning_rate
    return get_optimizer(optimizer, learning_rate, momentum)


def _all_finite(neurons):
    """True if no weight or bias is inf or nan (inf − inf and nan − nan are nan)."""
    for neuron in neurons:
        total = sum(neuron._weights) + neuron._bias
        if total - total != 0.0:
            return False
    return True


def _snapshot(neurons):
    return [(list(neuron._weights), neuron._bias) for neuron in neurons]


def _restore(neurons, saved):
    for neuron, (weights, bias) in zip(neurons, saved):
        neuron._weights[:] = weights
        neuron._bias = bias


def fit(net, training_data, *, epochs=10000, batch_size=1, learning_rate=None,
        optimizer="sgd", momentum=0.0, l2=0.0, shuffle=True, seed=None,
        validation_data=None, error_threshold=None, max_seconds=None, callback=None,
        verbose=False, **unknown):
    """Train ``net`` on ``training_data``, a list of ``(inputs, targets)``; return a History.

    * ``epochs``: passes over the data (at most);
    * ``batch_size``: samples per step (1: online, the worked example's way);
    * ``optimizer``: ``"sgd"`` (default), ``"adam"``, or an
      :class:`~neuronsim.optimizers.Optimizer` object (whose state then
      carries over between calls);
    * ``learning_rate``: η; None takes the network's for SGD and 0.001 for Adam;
    * ``momentum``: μ in [0, 1) for ``optimizer="sgd"``;
    * ``l2``: λ, weight decay (weights only, never biases);
    * ``shuffle``: reshuffle a private copy each epoch, from ``seed``
      (None: drawn from the OS and recorded in the History);
    * ``validation_data``: samples to score after each epoch;
    * ``error_threshold``, ``max_seconds``: stop early when the epoch's
      training error falls below it, or after that long;
    * ``callback(epoch, history)``: called after each epoch; a true result stops;
    * ``verbose``: True prints a line per epoch, a number N every N epochs
      (always the first and the last).

    Every argument and every sample is checked before the first step: a
    rejected call leaves the network untouched.  ``error_threshold``,
    ``max_seconds`` and divergence are checked at the end of each epoch.
    When fit returns, or calls ``callback``, every weight is current.
    """
    if unknown:
        names = sorted(unknown)
        raise TypeError("fit: unknown keyword%s %s; valid keywords are %s" % (
            "" if len(names) == 1 else "s", ", ".join(repr(n) for n in names),
            ", ".join(FIT_OPTIONS)))
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    optimizer = _choose_optimizer(net, optimizer, learning_rate, momentum)
    l2 = check_number(l2, "l2", minimum=0.0)
    if not isinstance(shuffle, bool):
        raise TypeError("shuffle: expected True or False, got %s" % describe(shuffle))
    check_seed(seed)
    if validation_data is not None:
        validation_data = net._check_samples(validation_data, "validation_data")
    if error_threshold is not None:
        error_threshold = check_number(error_threshold, "error_threshold", positive=True)
    if max_seconds is not None:
        max_seconds = check_number(max_seconds, "max_seconds", positive=True)
    callback = _check_callback(callback)
    verbose = _check_verbose(verbose)
    samples = net._check_samples(training_data, "training_data")

    every = 1 if verbose is True else (0 if verbose is False else verbose)
    if seed is None:
        seed = fresh_seed()
    rng = SplitMix64(seed) if shuffle else None
    with_accuracy = validation_data is not None and all(
        is_class_label(targets) for _, targets in validation_data)

    neurons = [neuron for layer in net.layers for neuron in layer.neurons]
    plain = getattr(optimizer, "plain", False) and isinstance(optimizer, SGD) and not l2
    rate = optimizer.learning_rate
    online = plain and batch_size == 1
    if not plain:
        stepper = _Stepper(net, optimizer, l2)

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
            if online:   # net.train, sample by sample; the first layer may hold steps back
                for inputs, targets in order:
                    total += train(inputs, targets, rate, True)
            elif plain:
                for first in range(0, count, batch_size):
                    total += _train_batch(net, neurons, order[first:first + batch_size], rate)
            else:
                for first in range(0, count, batch_size):
                    total += stepper.train(order[first:first + batch_size])
        except (OverflowError, ZeroDivisionError, ValueError):
            total = float("nan")   # a math function gave up: as good as a non-finite error
        finally:
            net._take_held_steps()   # from here on, every weight is current
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


FIT_OPTIONS = ("epochs", "batch_size", "learning_rate", "optimizer", "momentum", "l2",
               "shuffle", "seed", "validation_data", "error_threshold", "max_seconds",
               "callback", "verbose")


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


def _train_batch(net, neurons, batch, learning_rate):
    """One plain SGD mini-batch step (Nielsen's update_mini_batch); return the batch's summed E.

    Every sample's deltas come from the weights as they were at the start of
    the batch; w ← w − Σ_samples (η/len(batch)·δ)·input is taken as one step
    per sample in order (rounded so on every interpreter but CPython 3.12+,
    which sums each weight's products with one ``math.sumprod``).
    """
    backprop = net._backprop
    layers = net.layers
    total = 0.0
    layer_inputs = [[] for _ in layers]      # per layer: each sample's inputs
    deltas = [[] for _ in neurons]           # per neuron: each sample's δ
    for inputs, targets in batch:
        total += backprop(inputs, targets)
        for l in range(len(layers)):
            layer_inputs[l].append(layers[l].neurons[0]._inputs)
        for k in range(len(neurons)):
            deltas[k].append(neurons[k]._delta)
    scale = learning_rate / len(batch)
    train_biases = net.train_biases
    k = 0
    for l in range(len(layers)):
        inputs_of_samples = layer_inputs[l]
        columns = list(zip(*inputs_of_samples)) if HAS_SUMPROD else None
        for neuron in layers[l].neurons:
            neuron_deltas = deltas[k]
            weights = neuron._weights
            bias_sum = 0.0
            for delta in neuron_deltas:
                bias_sum += delta
            steps = [scale * delta for delta in neuron_deltas]
            if columns is not None:
                weights[:] = [w - dot(steps, column) for w, column in zip(weights, columns)]
            else:
                subtract_scaled_steps_in_place(weights, inputs_of_samples, steps)
            if train_biases:
                neuron._bias -= scale * bias_sum
            k += 1
    return total


class _Stepper:
    """Batches through an optimizer: backprop every sample, then hand the
    optimizer each group's mean gradient (weights: + λ·w for L2).

    Groups are keyed by number: neuron k's weights are group k (neurons
    counted through the layers), layer l's biases group ``len(neurons) + l``.
    A batch of one hands the optimizer the gradient as δ times the inputs
    (``step_scaled``), which saves building the list.
    """

    def __init__(self, net, optimizer, l2):
        self.net = net
        self.optimizer = optimizer
        self.l2 = l2
        self.layers = net.layers
        self.neurons = [neuron for layer in self.layers for neuron in layer.neurons]

    def train(self, batch):
        net, optimizer, l2 = self.net, self.optimizer, self.l2
        backprop = net._backprop
        layers = self.layers
        train_biases = net.train_biases
        bias_key = len(self.neurons)
        optimizer.start_step()
        if len(batch) == 1:
            inputs, targets = batch[0]
            total = backprop(inputs, targets)
            key = 0
            for layer in layers:
                for neuron in layer._neurons:
                    weights = neuron._weights
                    if l2:
                        delta = neuron._delta
                        optimizer.step(key, weights, [delta * x + l2 * w for x, w in
                                                      zip(neuron._inputs, weights)])
                    else:
                        optimizer.step_scaled(key, weights, neuron._inputs, neuron._delta)
                    key += 1
            if train_biases:
                for l, layer in enumerate(layers):
                    neurons = layer._neurons
                    biases = [neuron._bias for neuron in neurons]
                    optimizer.step(bias_key + l, biases, [neuron._delta for neuron in neurons])
                    for neuron, bias in zip(neurons, biases):
                        neuron._bias = bias
            return total
        total = 0.0
        layer_inputs = [[] for _ in layers]
        deltas = [[] for _ in self.neurons]
        neurons = self.neurons
        for inputs, targets in batch:
            total += backprop(inputs, targets)
            for l in range(len(layers)):
                layer_inputs[l].append(layers[l]._neurons[0]._inputs)
            for k in range(len(neurons)):
                deltas[k].append(neurons[k]._delta)
        size = len(batch)
        key = 0
        for l, layer in enumerate(layers):
            columns = list(zip(*layer_inputs[l]))   # column i: input i of every sample
            bias_gradients = []
            for neuron in layer._neurons:
                neuron_deltas = deltas[key]
                weights = neuron._weights
                gradients = [dot(neuron_deltas, column) / size + l2 * w
                             for column, w in zip(columns, weights)]
                optimizer.step(key, weights, gradients)
                bias_sum = 0.0
                for delta in neuron_deltas:
                    bias_sum += delta
                bias_gradients.append(bias_sum / size)
                key += 1
            if train_biases:
                biases = [neuron._bias for neuron in layer._neurons]
                optimizer.step(bias_key + l, biases, bias_gradients)
                for neuron, bias in zip(layer._neurons, biases):
                    neuron._bias = bias
        return total
