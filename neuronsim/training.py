"""Training that just works: ``fit`` with mini-batches, optimizers, L2 and early stopping.

The worked example trains one sample at a time: backprop, then
w ← w − η·∂E/∂w.  :func:`fit` repeats that over a whole data set for many
epochs, and adds what users of Nielsen's ``network2.py`` expect:

* **mini-batches** (Nielsen's ``update_mini_batch``): ∂E/∂w = δ·input is summed
  over the samples of a batch, all computed from the same weights, and the
  step is η/len(batch) times the sum.  ``batch_size=1`` is the worked
  example's online training, step for step;
* **optimizers** (:mod:`neuronsim.optimizers`): plain SGD by default;
  ``momentum=μ`` gives every weight and bias a velocity v ← μ·v − η·g that
  it moves by, w ← w + v; ``optimizer="adam"`` (or an ``SGD``/``Adam``
  object, e.g. ``SGD(0.1, momentum=0.9, nesterov=True)``) chooses another;
* **L2 weight decay** λ (``l2``): each sample's error becomes
  E + (λ/2)·Σw², so the weights (never the biases) feel an extra λ·w in
  their gradient, g + λ·w, whatever the optimizer.  (Nielsen's λ/n is our ``l2``.);
* **shuffling** of a private copy of the data, with neuronsim's own seeded
  generator: the caller's list is never reordered;
* **stopping** after ``epochs``, when the training error falls below
  ``error_threshold``, after ``max_seconds``, or when ``callback`` says so;
  the returned :class:`History` records which;
* **divergence** caught: if the error or any weight stops being finite,
  :class:`TrainingDiverged` is raised and the network is put back as it was
  after the last good epoch.

Online plain SGD (``batch_size=1``, no momentum, no L2) is exactly a loop
of ``net.train``; on a first layer of 48 or more inputs CPython holds up to
8–24 of its steps back and takes them in one pass (see
``NeuronLayer.update``).  Held-back steps are taken at the end of every
epoch, before the callback and before fit returns or raises: whatever you
can observe of the network is current.

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

import math
import time

from .optimizers import SGD, Optimizer, get_optimizer, updates_as
from .rng import SplitMix64, fresh_seed
from .scaling import Standardizer
from .validation import check_number, check_positive_int, check_seed, describe
from .vector import HAS_SUMPROD, dot, subtract_scaled_steps_in_place


try:
    _clock = time.perf_counter
except AttributeError:  # MicroPython
    _clock = time.time

STOP_REASONS = ("epochs", "error_threshold", "max_seconds", "callback", "patience")

#: Training has diverged when an epoch's error (training, or the monitored
#: validation error) is more than this many times where it started: the
#: larger of the first epoch's error and the error of always predicting the
#: mean target (the majority class).  inf and nan are divergence too.
DIVERGENCE_FACTOR = 1000.0

#: Training "learned nothing" when, after at least LEARNED_NOTHING_EPOCHS
#: epochs, its best training error is still at least this fraction of the
#: error of always predicting the mean target (the majority class).
LEARNED_NOTHING_FRACTION = 0.99
LEARNED_NOTHING_EPOCHS = 10

#: What each output activation can reach: targets outside get a warning.
OUTPUT_RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0),
                 "relu": (0.0, None)}

try:
    _WarningBase = UserWarning
except NameError:  # a MicroPython build without warning classes
    _WarningBase = Exception


class TrainingWarning(_WarningBase):
    """fit's one-line warnings: targets the output cannot reach, or a run that
    learned nothing.  Each is also kept in ``History.warnings``."""


def _warn(history, message):
    """Say it once through ``warnings`` (filterable, or an error with -W error)
    and keep it in the History, where programs (the command line) read it."""
    history.warnings.append(message)
    try:
        import warnings
        warnings.warn(message, TrainingWarning, stacklevel=4)   # at the fit call
    except ImportError:  # MicroPython without micropython-lib's warnings
        print("neuronsim: warning: " + message)

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
      ``"error_threshold"``, ``"max_seconds"``, ``"callback"`` or ``"patience"``;
    * ``best_epoch``: the epoch with the lowest monitored error (the
      validation error when there is validation, else the training error;
      an epoch counts as better only by more than ``min_delta``), and
      ``best_error`` that error; ``restored``: True when fit put that
      epoch's weights back;
    * ``warnings``: the warning lines fit gave (see :class:`TrainingWarning`);
    * ``seconds``: wall-clock time of the whole fit; ``seed``: the shuffling
      seed used (drawn from the OS when none was given).
    """

    def __init__(self, seed=None):
        self.training_error = []
        self.validation_error = []
        self.validation_accuracy = []
        self.epochs = 0
        self.stop_reason = None
        self.best_epoch = None
        self.best_error = None
        self.restored = False
        self.warnings = []
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
            "best_epoch": self.best_epoch,
            "best_error": self.best_error,
            "restored": self.restored,
            "warnings": list(self.warnings),
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
    return net._unscaled_outputs(net._feed_forward(net._check_inputs(inputs)))


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
        # Its state must be this network's; the last check, so a refusal changes nothing.
        optimizer.check_groups([len(neuron._weights) for layer in net.layers
                                for neuron in layer.neurons] + [len(layer) for layer in net.layers])
        # An SGD() without a rate of its own takes fit's or the network's (lent,
        # not set: the next fit may lend another).
        optimizer.lend_rate(learning_rate if learning_rate is not None else net.learning_rate)
        return optimizer
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


def _snapshot(neurons, optimizer):
    """Every weight and bias, and the state that goes with them of ``optimizer``
    (the caller's optimizer object; None for one fit made and will drop)."""
    return ([(list(neuron._weights), neuron._bias) for neuron in neurons],
            None if optimizer is None else optimizer.snapshot())


def _restore(neurons, optimizer, saved):
    parameters, state = saved
    for neuron, (weights, bias) in zip(neurons, parameters):
        neuron._weights[:] = weights
        neuron._bias = bias
    if optimizer is not None:
        optimizer.restore(state)   # a later fit with this optimizer goes on from here


def fit(net, training_data, *, epochs=10000, batch_size=1, learning_rate=None,
        optimizer="sgd", momentum=0.0, l2=0.0, shuffle=True, seed=None,
        validation_data=None, validation_split=0.0, patience=None, min_delta=0.0,
        restore_best=True, scale_inputs=False, scale_targets=False,
        error_threshold=None, max_seconds=None, callback=None, verbose=False, **unknown):
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
    * ``validation_data``: samples to score after each epoch; or
      ``validation_split``: the fraction of ``training_data`` (in [0, 1)) held
      out for that, drawn from ``seed`` and stratified when every target is a
      class label (each class keeps its share);
    * ``patience``: stop when the monitored error (the validation error, or
      without validation the training error) has not improved by more than
      ``min_delta`` for that many epochs (``stop_reason="patience"``);
    * ``restore_best``: with validation, fit returns the network with the
      weights of the epoch of lowest validation error (``History.best_epoch``)
      however it stopped; on divergence, the best epoch's weights are put
      back (False: the last good epoch's).  An optimizer object goes back
      with them to its state after that epoch;
    * ``scale_inputs``, ``scale_targets``: learn a
      :class:`~neuronsim.scaling.Standardizer` for the inputs (the targets:
      needs a ``'linear'`` output) from the training data and store it in the
      network, which then takes and gives values in your units everywhere; a
      network that already has one keeps it (its weights were trained with it);
    * ``error_threshold``, ``max_seconds``: stop early when the epoch's
      training error falls below it, or after that long;
    * ``callback(epoch, history)``: called after each epoch; a true result stops;
    * ``verbose``: True prints a line per epoch, a number N every N epochs
      (always the first and the last).

    Every argument and every sample is checked before the first step: a
    rejected call leaves the network untouched.  ``error_threshold``,
    ``max_seconds``, ``patience`` and divergence are checked at the end of
    each epoch.  When fit returns, or calls ``callback``, every weight is current.

    Divergence (:class:`TrainingDiverged`): an error or weight that is inf or
    nan, or an error more than :data:`DIVERGENCE_FACTOR` times where it
    started.  Warnings (:class:`TrainingWarning`, also in ``History.warnings``):
    targets outside what the output activation reaches, and a run that learned
    nothing (see :data:`LEARNED_NOTHING_FRACTION`).
    """
    if unknown:
        names = sorted(unknown)
        raise TypeError("fit: unknown keyword%s %s; valid keywords are %s" % (
            "" if len(names) == 1 else "s", ", ".join(repr(n) for n in names),
            ", ".join(FIT_OPTIONS)))
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    optimizer_argument = optimizer
    l2 = check_number(l2, "l2", minimum=0.0)
    for name, flag in (("shuffle", shuffle), ("restore_best", restore_best),
                       ("scale_inputs", scale_inputs), ("scale_targets", scale_targets)):
        if not isinstance(flag, bool):
            raise TypeError("%s: expected True or False, got %s" % (name, describe(flag)))
    seed = check_seed(seed)
    validation_split = check_number(validation_split, "validation_split", minimum=0.0)
    if validation_split >= 1.0:
        raise ValueError("validation_split: expected a fraction in [0, 1), got %s"
                         % describe(validation_split))
    if validation_split and validation_data is not None:
        raise ValueError("validation_split: give validation_data or validation_split, not both")
    if patience is not None:
        patience = check_positive_int(patience, "patience")
    min_delta = check_number(min_delta, "min_delta", minimum=0.0)
    if scale_targets and net.target_scaling is None and net.output_activation.name != "linear":
        raise ValueError("scale_targets: needs a 'linear' output activation (scaled targets "
                         "go below 0 and above 1), this network's is %r"
                         % net.output_activation.name)
    if error_threshold is not None:
        error_threshold = check_number(error_threshold, "error_threshold", positive=True)
    if max_seconds is not None:
        max_seconds = check_number(max_seconds, "max_seconds", positive=True)
    callback = _check_callback(callback)
    verbose = _check_verbose(verbose)
    # Samples are checked in the user's units, then scaled with the network's
    # scaling or the one learned here from the training part.
    if validation_data is not None:
        validation_data = net._check_samples(validation_data, "validation_data", scaled=False)
    samples = net._check_samples(training_data, "training_data", scaled=False)
    if seed is None:
        seed = fresh_seed()
    if validation_split:
        samples, validation_data = split_validation(samples, validation_split, seed)
    input_scaling, target_scaling = net.input_scaling, net.target_scaling
    if scale_inputs and input_scaling is None:
        input_scaling = Standardizer.from_rows([inputs for inputs, _ in samples])
    if scale_targets and target_scaling is None:
        target_scaling = Standardizer.from_rows([targets for _, targets in samples])
    scale = net._scale_samples
    samples = scale(samples, input_scaling, target_scaling)
    if validation_data is not None:
        validation_data = scale(validation_data, input_scaling, target_scaling)
    optimizer = _choose_optimizer(net, optimizer_argument, learning_rate, momentum)
    yours = optimizer if isinstance(optimizer_argument, Optimizer) else None   # restored with epochs
    # Every argument has been checked: from here on the network is ours.
    previous_scaling = (net.input_scaling, net.target_scaling)
    net._input_scaling, net._target_scaling = input_scaling, target_scaling

    every = 1 if verbose is True else (0 if verbose is False else verbose)
    rng = SplitMix64(seed) if shuffle else None
    with_accuracy = validation_data is not None and all(
        is_class_label(targets) for _, targets in validation_data)
    history = History(seed)
    _check_target_range(net, samples, target_scaling is not None, history)
    baseline = baseline_error(net, samples)

    neurons = [neuron for layer in net.layers for neuron in layer.neurons]
    # Plain SGD trains through net.train (online) or _train_batch; a subclass with
    # a step of its own goes through it.
    plain = updates_as(optimizer, SGD) and optimizer.plain and not l2
    rate = optimizer.rate
    online = plain and batch_size == 1
    if not plain:
        stepper = _Stepper(net, optimizer, l2)

    count = len(samples)
    order = list(samples)  # our own copy: shuffling never touches the caller's list
    saved = _snapshot(neurons, yours)
    best_saved = None
    since_best = 0
    limit = None          # the error above which training has diverged (set after epoch 1)
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
        validation_error = accuracy = None
        problem = None
        if error - error != 0.0:
            problem = "the training error became %s" % error
        elif not _all_finite(neurons):
            problem = "the weights became non-finite"
        else:
            if validation_data is not None:
                try:
                    validation_error, accuracy = _evaluate_checked(net, validation_data,
                                                                   with_accuracy)
                except (OverflowError, ZeroDivisionError, ValueError):
                    validation_error = float("nan")
                if validation_error - validation_error != 0.0:
                    problem = "the validation error became %s" % validation_error
            if problem is None and limit is not None:
                if error > limit:
                    problem = "the training error %.6g is more than %g times where it " \
                              "started" % (error, DIVERGENCE_FACTOR)
                elif validation_error is not None and validation_error > limit:
                    problem = "the validation error %.6g is more than %g times where it " \
                              "started" % (validation_error, DIVERGENCE_FACTOR)
        if problem is not None:
            if restore_best and best_saved is not None:
                _restore(neurons, yours, best_saved)
                history.restored = True
                state = "the best epoch, %d" % history.best_epoch
            else:
                _restore(neurons, yours, saved)
                state = "epoch %d" % (epoch - 1)
            if epoch == 1:
                net._input_scaling, net._target_scaling = previous_scaling
            history.seconds = _clock() - start
            raise TrainingDiverged(
                "training diverged in epoch %d: %s; the network was restored to its state "
                "after %s (try a smaller learning_rate)" % (epoch, problem, state),
                epoch, history)
        saved = _snapshot(neurons, yours)

        history.training_error.append(error)
        monitored = error
        if validation_data is not None:
            history.validation_error.append(validation_error)
            monitored = validation_error
            if with_accuracy:
                history.validation_accuracy.append(accuracy)
        if limit is None:
            reference = max(error, monitored, baseline if baseline is not None else 0.0)
            limit = DIVERGENCE_FACTOR * reference
        if history.best_error is None or monitored < history.best_error - min_delta:
            history.best_error = monitored
            history.best_epoch = epoch
            best_saved = saved
            since_best = 0
        else:
            since_best += 1
        history.epochs = epoch
        elapsed = _clock() - start
        history.seconds = elapsed

        stop = None
        if error_threshold is not None and error < error_threshold:
            stop = "error_threshold"
        elif callback is not None and callback(epoch, history):
            stop = "callback"
        elif patience is not None and since_best >= patience:
            stop = "patience"
        elif max_seconds is not None and elapsed >= max_seconds:
            stop = "max_seconds"
        elif epoch == epochs:
            stop = "epochs"
        if every and (epoch % every == 0 or stop is not None or epoch == 1):
            print(_progress_line(history, epochs))
        if stop is not None:
            history.stop_reason = stop
            break
    if restore_best and validation_data is not None and history.best_epoch != history.epochs:
        _restore(neurons, yours, best_saved)
        history.restored = True
    history.seconds = _clock() - start
    _check_learned_something(history, baseline, input_scaling is not None)
    _check_beats_the_commonest_class(net, samples, history)
    return history


FIT_OPTIONS = ("epochs", "batch_size", "learning_rate", "optimizer", "momentum", "l2",
               "shuffle", "seed", "validation_data", "validation_split", "patience",
               "min_delta", "restore_best", "scale_inputs", "scale_targets",
               "error_threshold", "max_seconds", "callback", "verbose")


# -- validation split, baseline and warnings -----------------------------------

def split_validation(samples, fraction, seed):
    """``(training, validation)``: a seeded split of ``samples``, each part in
    the original order.  When every target is a class label, each class gives
    ``fraction`` of its samples (rounded, at least one of a class of two or
    more), so both parts keep the class proportions.

    >>> data = [([float(i)], [1.0, 0.0] if i < 8 else [0.0, 1.0]) for i in range(10)]
    >>> training, validation = split_validation(data, 0.5, seed=3)
    >>> len(training), len(validation), sum(t[1] for _, t in validation)
    (5, 5, 1.0)
    """
    rng = SplitMix64(seed)
    keys, groups = [], {}
    labelled = all(is_class_label(targets) for _, targets in samples)
    for index, (_, targets) in enumerate(samples):
        key = class_of(targets) if labelled else 0
        if key not in groups:
            groups[key] = []
            keys.append(key)
        groups[key].append(index)
    chosen = [False] * len(samples)
    for key in keys:
        members = groups[key]
        take = int(fraction * len(members) + 0.5)
        if len(members) >= 2:
            take = min(max(take, 1), len(members) - 1)
        rng.shuffle(members)
        for index in members[:take]:
            chosen[index] = True
    training = [sample for sample, out in zip(samples, chosen) if not out]
    validation = [sample for sample, out in zip(samples, chosen) if out]
    if not training or not validation:
        raise ValueError("validation_split: %r of %d sample%s leaves no %s sample" % (
            fraction, len(samples), "" if len(samples) == 1 else "s",
            "validation" if not validation else "training"))
    return training, validation


#: baseline_error reads at most this many samples, evenly spread (it sets the
#: divergence and learned-nothing thresholds: a pass over every sample would
#: cost each fit call as much as an epoch of a tiny network).
BASELINE_SAMPLES = 256


def baseline_error(net, samples):
    """The mean error per sample of always predicting the mean target vector
    (for class labels: each class's share), by the network's own cost; None
    when that cannot be said (a custom cost, or a constant target).  Estimated
    on at most :data:`BASELINE_SAMPLES` samples spread over the data."""
    if len(samples) > BASELINE_SAMPLES:   # a threshold, not a result: a spread-out subset
        step = len(samples) / float(BASELINE_SAMPLES)
        samples = [samples[int(k * step)] for k in range(BASELINE_SAMPLES)]
    width = len(samples[0][1])
    means = [0.0] * width
    for _, targets in samples:
        for k in range(width):
            means[k] += targets[k]
    means = [m / len(samples) for m in means]
    activation = net.output_activation
    name = activation.name
    outputs = means
    if name in ("sigmoid", "softmax"):
        outputs = [min(max(m, 1e-12), 1.0 - 1e-12) for m in means]
        if name == "sigmoid":
            nets = [math.log(p / (1.0 - p)) for p in outputs]
        else:
            nets = [math.log(p) for p in outputs]
    else:
        nets = list(outputs)
    try:
        total = 0.0
        for _, targets in samples:
            total += net.cost.fn(targets, outputs, nets, activation)
    except Exception:   # a custom cost that needs more than this: no baseline
        return None
    error = total / len(samples)
    return error if error > 0.0 and error - error == 0.0 else None


def _check_target_range(net, samples, scaled, history):
    """One warning when a target is outside what the output activation reaches."""
    name = net.output_activation.name
    if name not in OUTPUT_RANGES:
        return
    low, high = OUTPUT_RANGES[name]
    targets = [targets for _, targets in samples]
    smallest = min(map(min, targets))   # map: C loops, a small share of a tiny net's epoch
    largest = max(map(max, targets))
    if smallest >= low and (high is None or largest <= high):
        return
    reach = "[%g, %g]" % (low, high) if high is not None else "[%g, ∞)" % low
    _warn(history, "the %stargets range from %.6g to %.6g but the output activation %r only "
                   "reaches %s: use a 'linear' output with cost 'squared_error' and "
                   "scale_targets=True (the command line's --output-activation linear)"
                   % ("scaled " if scaled else "", smallest, largest, name, reach))


def _check_learned_something(history, baseline, scaled_inputs):
    """One warning when, after a real run, training did no better than a constant."""
    if baseline is None or history.epochs < LEARNED_NOTHING_EPOCHS or history.warnings:
        return   # one warning line: targets out of range already said what to change
    best = min(history.training_error)
    if best < LEARNED_NOTHING_FRACTION * baseline:
        return
    hint = "try another learning_rate, more epochs or more hidden neurons" if scaled_inputs \
        else "scale the inputs (scale_inputs=True; on the command line, leave out --no-scale), or " \
             "try another learning_rate"
    _warn(history, "training learned nothing: its best training error %.6g is no better "
                   "than always predicting the mean target or the majority class (%.6g); %s"
                   % (best, baseline, hint))


def _check_beats_the_commonest_class(net, samples, history):
    """One warning when, for class labels after a real run, the network's final
    accuracy on its training samples is no better than always answering the
    commonest class: an error a little below the baseline's can still be that."""
    if history.epochs < LEARNED_NOTHING_EPOCHS or history.warnings or \
            not all(is_class_label(targets) for _, targets in samples):
        return
    counts = {}
    for _, targets in samples:
        label = class_of(targets)
        counts[label] = counts.get(label, 0) + 1
    commonest = max(counts.values()) / float(len(samples))
    accuracy = _evaluate_checked(net, samples, True)[1]
    if accuracy > commonest:
        return
    _warn(history, "training learned nothing: the network classifies %.1f%% of its training "
                   "samples right, no better than always answering the commonest class "
                   "(%.1f%%); try more epochs (a larger patience), another learning_rate, more "
                   "hidden neurons, or more data" % (100.0 * accuracy, 100.0 * commonest))


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


def _backprop_batch(net, neurons, batch):
    """Backprop every sample of a batch from the same weights: (summed E, each
    layer's inputs per sample, each neuron's δ per sample)."""
    backprop = net._backprop
    layers = net.layers
    total = 0.0
    layer_inputs = [[] for _ in layers]      # per layer: each sample's inputs
    deltas = [[] for _ in neurons]           # per neuron: each sample's δ
    for inputs, targets in batch:
        total += backprop(inputs, targets)
        for l in range(len(layers)):
            layer_inputs[l].append(layers[l]._neurons[0]._inputs)
        for k in range(len(neurons)):
            deltas[k].append(neurons[k]._delta)
    return total, layer_inputs, deltas


def _train_batch(net, neurons, batch, learning_rate):
    """One plain SGD mini-batch step (Nielsen's update_mini_batch); return the batch's summed E.

    Every sample's deltas come from the weights as they were at the start of
    the batch; w ← w − Σ_samples (η/len(batch)·δ)·input is taken as one step
    per sample in order (rounded so on every interpreter but CPython 3.12+,
    which sums each weight's products with one ``math.sumprod``).
    """
    layers = net.layers
    total, layer_inputs, deltas = _backprop_batch(net, neurons, batch)
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
    A batch of one hands the optimizer each layer's gradient as the outer
    product of its neurons' δ and its inputs (``step_outer``): one call a
    layer, no gradient lists.
    """

    def __init__(self, net, optimizer, l2):
        self.net = net
        self.optimizer = optimizer
        self.l2 = l2
        self.layers = net.layers
        self.neurons = [neuron for layer in self.layers for neuron in layer.neurons]
        # SGD's own update may be held back on the first layer (decided once, not per sample)
        self.may_hold = updates_as(optimizer, SGD)

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
                neurons = layer._neurons
                if l2:
                    for neuron in neurons:
                        weights, delta = neuron._weights, neuron._delta
                        optimizer.step(key, weights, [delta * x + l2 * w for x, w in
                                                      zip(neuron._inputs, weights)])
                        key += 1
                else:   # ∂E/∂w_ri = δ_r·input_i: the layer's gradient is an outer product
                    # (the first layer's steps may be held back: nothing reads its
                    # weights before its next forward pass, which corrects for them;
                    # the compiled step of a small network reads them as they are)
                    layer.step_outer(optimizer, key, defer=self.may_hold and layer is layers[0]
                                     and net._unrolled_step() is None)
                    key += len(neurons)
            if train_biases:
                for l, layer in enumerate(layers):
                    neurons = layer._neurons
                    biases = [neuron._bias for neuron in neurons]
                    optimizer.step(bias_key + l, biases, [neuron._delta for neuron in neurons])
                    for neuron, bias in zip(neurons, biases):
                        neuron._bias = bias
            return total
        total, layer_inputs, deltas = _backprop_batch(net, self.neurons, batch)
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
