"""The playground's session: what the page's Web Worker asks neuronsim to do.

The page never computes a number of the network: its worker runs this module
(and the rest of neuronsim) on MicroPython, and draws what it returns.  One
:class:`Session` holds the data, the network, the optimizer and the training
history; :func:`handle` takes a request as JSON text and returns the answer
as JSON text, so the JavaScript side passes strings only::

    >>> import json
    >>> reply = json.loads(handle(json.dumps({"cmd": "init", "config": {"data": "worked"}})))
    >>> reply["sample"]["error"]["text"]                      # E_total of the worked example
    '0.298371109'
    >>> reply = json.loads(handle('{"cmd": "step_sample"}'))
    >>> reply["sample"]["error"]["text"]                      # after one step
    '0.291027774'

Requests are ``{"cmd": NAME, ...}`` with NAME one of :data:`COMMANDS`; a
rejected request answers ``{"ok": false, "error": "…"}`` naming what was
wrong, and changes nothing.

**Data.**  Points live in the input plane [-1, 1]² (``x1``, ``x2``): XOR,
circle, two spirals, Gaussian blobs (2–6 classes), a regression surface
(six bumps), all drawn from neuronsim's own seeded generator, with label
noise and a train/test split; the worked example (one sample, the 2-2-2
network of the text, biases fixed); or a CSV file (:func:`parse_csv`).
**Features** turn a point into the network's inputs: any of x₁, x₂, x₁², x₂²,
x₁x₂, sin(πx₁), sin(πx₂).  CSV columns are the inputs themselves,
standardized by default ((x − mean)/sd over the training rows; an exported
model has that folded into its first layer, so it takes the raw columns).

**Training.**  An epoch visits the training samples in an order shuffled
from the seed; ``step_sample`` takes one step on the next sample,
``step_epoch`` and ``train`` run the rest of the epoch through
:func:`neuronsim.training.fit` with the chosen optimizer object (whose state
carries over), batch size and L2.  The training error of an epoch is fit's:
the mean E per sample, each measured in the pass that trained on it.

**The current sample** is the one the next step will use; every reply gives
its forward and backward pass (net, out, ∂E/∂out, δ per neuron, ∂E/∂w per
weight) and, for the selected neuron or weight, its equations as
:mod:`neuronsim.explain` writes them.

This module runs on MicroPython: no f-strings, no typing, no csv module.
"""

import json
import math
import sys
import time

from .. import __version__
from ..explain import (MAX_WEIGHTS, chain_rule, equation_text, error_equations, explain,
                       forward_equations, neuron_names, weight_names, backward_equations,
                       update_equations)
from ..network import NeuralNetwork
from ..optimizers import SGD, Adam
from ..rng import SplitMix64
from ..saving import dumps
from ..training import TrainingDiverged, class_of
from ..validation import check_number, describe

try:
    _ticks = time.ticks_ms   # MicroPython: milliseconds

    def _now_ms():
        return _ticks()

    def _elapsed_ms(start):
        return time.ticks_diff(_ticks(), start)
except AttributeError:
    try:
        _clock = time.perf_counter
    except AttributeError:
        _clock = time.time

    def _now_ms():
        return _clock() * 1000.0

    def _elapsed_ms(start):
        return _clock() * 1000.0 - start


# -- the choices --------------------------------------------------------------------

#: Data sets: name → label shown by the page.
DATASETS = (("xor", "XOR"), ("circle", "circle"), ("spiral", "two spirals"),
            ("gauss", "Gaussian blobs"), ("regression", "regression surface"),
            ("worked", "the worked example"), ("csv", "your CSV file"))

#: Input features of a point (x1, x2): name, label, formula for people.
FEATURES = (("x1", "x₁"), ("x2", "x₂"), ("x1sq", "x₁²"), ("x2sq", "x₂²"),
            ("x1x2", "x₁x₂"), ("sin1", "sin(πx₁)"), ("sin2", "sin(πx₂)"))
#: The same, as column names a model file can carry (ASCII).
FEATURE_COLUMNS = {"x1": "x1", "x2": "x2", "x1sq": "x1^2", "x2sq": "x2^2", "x1x2": "x1*x2",
                   "sin1": "sin(pi*x1)", "sin2": "sin(pi*x2)"}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT_ACTIVATIONS = HIDDEN_ACTIVATIONS + ("softmax",)
COSTS = ("squared_error", "cross_entropy")
OPTIMIZER_NAMES = ("sgd", "momentum", "adam")

MAX_LAYERS = 6
MAX_WIDTH = 16
MAX_SAMPLES = 2000
MAX_CSV_ROWS = 5000
GRID = 24           # the input plane is drawn from GRID × GRID points

#: The worked example: 2-2-2, sigmoid, biases fixed, η = 0.5, one sample.
WORKED = {"inputs": [0.05, 0.1], "targets": [0.01, 0.99],
          "hidden_weights": [0.15, 0.2, 0.25, 0.3], "hidden_bias": 0.35,
          "output_weights": [0.4, 0.45, 0.5, 0.55], "output_bias": 0.6}

#: The worked example's settings: what the data set "worked" takes unless told otherwise.
WORKED_SETTINGS = {"learning_rate": 0.5, "train_biases": False, "optimizer": "sgd",
                   "batch_size": 1, "l2": 0.0}

DEFAULTS = {
    "data": "xor", "samples": 200, "noise": 0.0, "train_ratio": 0.5, "classes": 3,
    "data_seed": 1, "features": ["x1", "x2"], "layers": [[4, "tanh"]], "output": "sigmoid",
    "cost": "squared_error", "optimizer": "sgd", "momentum": 0.9, "learning_rate": 0.3,
    "batch_size": 1, "l2": 0.0, "seed": 1, "train_biases": True, "standardize": True,
    "target": None, "task": "auto", "axes": [0, 1],
}

#: Keys whose change rebuilds the network (and forgets its training).
_REBUILD = ("data", "samples", "noise", "train_ratio", "classes", "data_seed", "features",
            "seed", "standardize", "target", "task", "axes")


class PlaygroundError(ValueError):
    """A request the playground cannot do; its message names the setting."""


class Diverged(PlaygroundError):
    """Training stopped with a non-finite error or weight; the network was restored."""


def _fail(message):
    raise PlaygroundError(message)


def _shown(value):
    """A value in a message: a string as its repr, anything else described."""
    return repr(value) if isinstance(value, str) else describe(value)


# -- checking a configuration ---------------------------------------------------------

def _choice(config, key, choices):
    value = config[key]
    if value not in choices:
        _fail("%s: expected one of %s, got %s" % (key, ", ".join(repr(c) for c in choices),
                                                 _shown(value)))
    return value


def _whole(config, key, low, high):
    value = config[key]
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail("%s: expected a whole number from %d to %d, got %s" % (key, low, high,
                                                                   describe(value)))
    return value


def _real(config, key, low, high, low_open=False):
    try:
        value = check_number(config[key], key)
    except (TypeError, ValueError) as error:
        _fail(str(error))
    if value < low or value > high or (low_open and value == low):
        _fail("%s: expected a number %s %r and <= %r, got %s"
              % (key, ">" if low_open else ">=", low, high, describe(config[key])))
    return value


def _flag(config, key):
    value = config[key]
    if not isinstance(value, bool):
        _fail("%s: expected true or false, got %s" % (key, describe(value)))
    return value


def check_config(given):
    """A complete, checked configuration from ``given`` (missing keys take
    :data:`DEFAULTS`); the first bad setting raises :class:`PlaygroundError`."""
    if not isinstance(given, dict):
        _fail("config: expected an object of settings, got %s" % describe(given))
    for key in given:
        if key not in DEFAULTS:
            _fail("config: unknown setting %r; expected one of %s"
                  % (key, ", ".join(sorted(DEFAULTS))))
    config = {}
    for key in DEFAULTS:
        value = given.get(key, DEFAULTS[key])
        config[key] = list(value) if isinstance(value, list) else value
    _choice(config, "data", [name for name, _ in DATASETS])
    config["samples"] = _whole(config, "samples", 10, MAX_SAMPLES)
    config["noise"] = _real(config, "noise", 0.0, 0.5)
    config["train_ratio"] = _real(config, "train_ratio", 0.1, 0.9)
    config["classes"] = _whole(config, "classes", 2, 6)
    config["data_seed"] = _whole(config, "data_seed", 0, 2 ** 31 - 1)
    config["seed"] = _whole(config, "seed", 0, 2 ** 31 - 1)
    features = config["features"]
    names = [name for name, _ in FEATURES]
    if not isinstance(features, list) or not features:
        _fail("features: expected a list of at least one of %s, got %s"
              % (", ".join(names), describe(features)))
    for feature in features:
        if feature not in names:
            _fail("features: unknown feature %s; expected some of %s"
                  % (_shown(feature), ", ".join(names)))
    config["features"] = [name for name in names if name in features]   # in a fixed order
    layers = config["layers"]
    if not isinstance(layers, list) or len(layers) > MAX_LAYERS:
        _fail("layers: expected a list of up to %d hidden layers [width, activation], got %s"
              % (MAX_LAYERS, describe(layers)))
    checked = []
    for index, layer in enumerate(layers):
        where = "layers[%d]" % index
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            _fail("%s: expected [width, activation], got %s" % (where, describe(layer)))
        width = layer[0]
        if isinstance(width, float) and width == int(width):
            width = int(width)
        if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
            _fail("%s: expected a width from 1 to %d, got %s" % (where, MAX_WIDTH,
                                                                describe(layer[0])))
        if layer[1] not in HIDDEN_ACTIVATIONS:
            _fail("%s: expected an activation among %s, got %s"
                  % (where, ", ".join(HIDDEN_ACTIVATIONS), _shown(layer[1])))
        checked.append([width, layer[1]])
    config["layers"] = checked
    _choice(config, "output", OUTPUT_ACTIVATIONS)
    _choice(config, "cost", COSTS)
    _choice(config, "optimizer", OPTIMIZER_NAMES)
    config["momentum"] = _real(config, "momentum", 0.0, 0.999)
    config["learning_rate"] = _real(config, "learning_rate", 0.0, 10.0, low_open=True)
    config["batch_size"] = _whole(config, "batch_size", 1, MAX_SAMPLES)
    config["l2"] = _real(config, "l2", 0.0, 1.0)
    if config["data"] == "worked":          # the text's settings, unless asked otherwise
        for key in WORKED_SETTINGS:
            if key not in given:
                config[key] = WORKED_SETTINGS[key]
    _flag(config, "train_biases")
    _flag(config, "standardize")
    target = config["target"]
    if target is not None and (isinstance(target, bool) or not isinstance(target, int)):
        _fail("target: expected a column number or null (the last column), got %s"
              % describe(target))
    _choice(config, "task", ("auto", "classes", "numbers"))
    axes = config["axes"]
    if not isinstance(axes, list) or len(axes) != 2 or any(
            isinstance(a, bool) or not isinstance(a, int) or a < 0 for a in axes):
        _fail("axes: expected two input column numbers [x, y], got %s" % describe(axes))
    if not layers and config["data"] != "worked":
        _fail("layers: expected at least one hidden layer, got none")
    return config


# -- data sets ----------------------------------------------------------------------

def _gaussian(rng):
    """A standard normal number (Marsaglia's polar method), from neuronsim's generator."""
    while True:
        a = 2.0 * rng.random() - 1.0
        b = 2.0 * rng.random() - 1.0
        s = a * a + b * b
        if 0.0 < s < 1.0:
            return a * math.sqrt(-2.0 * math.log(s) / s)


def make_points(name, count, noise, classes, seed):
    """``(points, class_count)``: points ``[x1, x2, label]`` in [-1, 1]²
    (label a class number, or the target value for ``"regression"``).

    Label noise as TensorFlow Playground adds it: a point's class is decided
    at a position moved by up to ``noise`` (so points near a boundary may get
    the other side's label); spirals and blobs jitter the points themselves.

    >>> points, k = make_points("xor", 4, 0.0, 2, 1)
    >>> k, [p[2] for p in points] == [1 if p[0] * p[1] >= 0 else 0 for p in points]
    (2, True)
    """
    rng = SplitMix64(seed)
    uniform = rng.uniform
    points = []
    if name == "xor":
        for _ in range(count):
            x = uniform(-0.94, 0.94)
            y = uniform(-0.94, 0.94)
            x += 0.06 if x > 0 else -0.06
            y += 0.06 if y > 0 else -0.06
            nx, ny = uniform(-1, 1) * noise, uniform(-1, 1) * noise
            points.append([x, y, 1 if (x + nx) * (y + ny) >= 0 else 0])
        return points, 2
    if name == "circle":
        for index in range(count):
            inside = index < count // 2
            r = uniform(0.0, 0.5) if inside else uniform(0.7, 1.0)
            angle = uniform(0.0, 2.0 * math.pi)
            x, y = r * math.sin(angle), r * math.cos(angle)
            nx, ny = uniform(-1, 1) * noise, uniform(-1, 1) * noise
            points.append([x, y, 1 if math.sqrt((x + nx) ** 2 + (y + ny) ** 2) < 0.5 else 0])
        return points, 2
    if name == "spiral":
        half = count // 2
        for label, turn in ((1, 0.0), (0, math.pi)):
            for i in range(half):
                r = i / float(half) * 5.0 / 6.0
                t = 1.75 * i / float(half) * 2.0 * math.pi + turn
                x = r * math.sin(t) + uniform(-1, 1) * noise * 0.25
                y = r * math.cos(t) + uniform(-1, 1) * noise * 0.25
                points.append([x, y, label])
        return points, 2
    if name == "gauss":
        spread = math.sqrt(0.5 + 7.0 * noise) / 6.0
        if classes == 2:
            centres = [(-1.0 / 3, -1.0 / 3), (1.0 / 3, 1.0 / 3)]
        else:
            centres = [(0.5 * math.cos(2 * math.pi * k / classes + math.pi / 4),
                        0.5 * math.sin(2 * math.pi * k / classes + math.pi / 4))
                       for k in range(classes)]
        for index in range(count):
            label = index * classes // count
            cx, cy = centres[label]
            points.append([cx + spread * _gaussian(rng), cy + spread * _gaussian(rng), label])
        return points, classes
    if name == "regression":
        bumps = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0),
                 (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))
        for _ in range(count):
            x, y = uniform(-1, 1), uniform(-1, 1)
            nx, ny = uniform(-1, 1) * noise, uniform(-1, 1) * noise
            label = 0.0
            for cx, cy, sign in bumps:
                d = math.sqrt((6 * (x + nx) - cx) ** 2 + (6 * (y + ny) - cy) ** 2)
                value = sign * max(0.0, min(1.0, 1.0 - d / 2.0))
                if abs(value) > abs(label):
                    label = value
            points.append([x, y, label])
        return points, 0
    _fail("data: %r has no generator" % (name,))


def feature_values(features, x, y):
    """The network's inputs for the point (x, y): one value per chosen feature.

    >>> feature_values(["x1", "x2", "x1x2"], 0.5, -0.5)
    [0.5, -0.5, -0.25]
    """
    values = []
    for name in features:
        if name == "x1":
            values.append(x)
        elif name == "x2":
            values.append(y)
        elif name == "x1sq":
            values.append(x * x)
        elif name == "x2sq":
            values.append(y * y)
        elif name == "x1x2":
            values.append(x * y)
        elif name == "sin1":
            values.append(math.sin(math.pi * x))
        else:
            values.append(math.sin(math.pi * y))
    return values


# -- CSV --------------------------------------------------------------------------------

def _number(text):
    """A finite float from a CSV cell, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    if value - value != 0.0:   # inf or nan
        return None
    return value


def _split_row(line, delimiter):
    """One CSV line → cells (double quotes may enclose a cell, "" is a quote)."""
    cells, cell, quoted, i = [], [], False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    cell.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                cell.append(c)
        elif c == '"':
            quoted = True
        elif c == delimiter:
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(c)
        i += 1
    cells.append("".join(cell).strip())
    return cells


def parse_csv(text, name="data.csv"):
    """``(header, rows)`` from CSV text: rows as lists of cells (strings).

    The delimiter is a comma, a semicolon or a tab (whichever splits the first
    line into the most cells); a first row with a word above a number is a
    header.  Blank lines are skipped; every row must have as many cells as the
    first.  Errors name the file and the line.

    >>> parse_csv("a,b,label\\n1,2,x\\n3,4,y\\n")
    (['a', 'b', 'label'], [['1', '2', 'x'], ['3', '4', 'y']])
    """
    if not isinstance(text, str):
        _fail("%s: expected the file's text, got %s" % (name, describe(text)))
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [(number, line) for number, line in
             enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)
             if line.strip()]
    if not lines:
        _fail("%s: no rows" % name)
    first = lines[0][1]
    delimiter = ","
    for candidate in (";", "\t"):
        if first.count(candidate) > first.count(delimiter):
            delimiter = candidate
    rows = [(number, _split_row(line, delimiter)) for number, line in lines]
    header = None
    head = rows[0][1]
    below = rows[1][1] if len(rows) > 1 else []
    if all(_number(cell) is None for cell in head) or any(
            _number(cell) is None and index < len(below) and _number(below[index]) is not None
            for index, cell in enumerate(head)):
        header = head
        rows = rows[1:]
    if not rows:
        _fail("%s: a header but no data rows" % name)
    if len(rows) > MAX_CSV_ROWS:
        _fail("%s: %d rows; the playground takes up to %d" % (name, len(rows), MAX_CSV_ROWS))
    width = len(rows[0][1])
    if width < 2:
        _fail("%s: expected at least 2 columns (inputs and a target), got %d" % (name, width))
    if header is not None and len(header) != width:
        _fail("%s, line 1: the header has %d columns, the rows %d" % (name, len(header), width))
    for number, row in rows:
        if len(row) != width:
            _fail("%s, line %d: expected %d columns like the first row, got %d"
                  % (name, number, width, len(row)))
    return header, [row for _, row in rows]


class Table:
    """A CSV file made ready for a network: input columns as numbers, the
    target column as class labels or numbers."""

    def __init__(self, text, name, target=None, task="auto"):
        header, rows = parse_csv(text, name)
        width = len(rows[0])
        if target is None:
            target = width - 1
        if not -width <= target < width:
            _fail("target: column %d is out of range: %s has %d columns" % (target, name, width))
        target %= width
        self.target_index = target
        self.name = name
        self.header = header if header is not None else ["column %d" % (i + 1)
                                                         for i in range(width)]
        self.has_header = header is not None
        self.input_indices = [i for i in range(width) if i != target]
        self.input_names = [self.header[i] for i in self.input_indices]
        self.target_name = self.header[target]
        self.inputs = []
        for number, row in enumerate(rows, 2 if header is not None else 1):
            values = []
            for i in self.input_indices:
                value = _number(row[i])
                if value is None:
                    _fail("%s, line %d, column %r: expected a number in an input column, got "
                          "%r (choose this column as the target, or remove it)"
                          % (name, number, self.header[i], row[i]))
                values.append(value)
            self.inputs.append(values)
        cells = [row[target] for row in rows]
        numbers = [_number(cell) for cell in cells]
        if task == "auto":
            if any(value is None for value in numbers):
                task = "classes"
            else:
                distinct = []
                for value in numbers:
                    if value not in distinct:
                        distinct.append(value)
                task = "classes" if len(distinct) <= 10 and all(
                    value == int(value) for value in distinct) else "numbers"
        self.task = task
        if task == "classes":
            classes = []
            for cell in cells:
                if cell not in classes:
                    classes.append(cell)
            if all(_number(c) is not None for c in classes):
                classes.sort(key=float)
            else:
                classes.sort()
            if len(classes) < 2:
                _fail("%s, column %r: one class only (%r); a classifier needs two or more"
                      % (name, self.target_name, classes[0]))
            if len(classes) > 20:
                _fail("%s, column %r: %d classes; the playground takes up to 20 (is it a "
                      "number column? choose task 'numbers')"
                      % (name, self.target_name, len(classes)))
            self.classes = classes
            self.labels = [classes.index(cell) for cell in cells]
        else:
            for number, (cell, value) in enumerate(zip(cells, numbers), 1):
                if value is None:
                    _fail("%s, column %r: expected numbers for task 'numbers', got %r"
                          % (name, self.target_name, cell))
            self.classes = None
            self.labels = numbers


# -- the session ------------------------------------------------------------------------

class Session:
    """One learner's playground: data, network, optimizer, history, selection."""

    def __init__(self):
        self.config = None
        self.table = None       # a loaded CSV (Table), kept across configurations
        self.csv = None         # (text, name)
        self.net = None
        self.selection = None
        self.message = None

    # -- building --------------------------------------------------------------

    def configure(self, given, weights=None):
        """Apply a configuration: rebuild what its changes need; keep the rest."""
        config = check_config(given)
        if config["data"] == "csv" and self.csv is None:
            _fail("data: 'csv' needs a CSV file first (load_csv)")
        old = self.config
        if old is None or weights is not None or \
                any(old[key] != config[key] for key in _REBUILD) or \
                [w for w, _ in old["layers"]] != [w for w, _ in config["layers"]]:
            self._build(config, weights)
            return
        self._retune(config)

    def _build(self, config, weights=None):
        """Data, features, network and optimizer from scratch (all checked first)."""
        data = config["data"]
        table = None
        if data == "csv":
            table = Table(self.csv[0], self.csv[1], config["target"], config["task"])
        samples, info = self._make_samples(config, table)
        net = self._make_net(config, info)
        if weights is not None:
            _set_all_weights(net, weights)
        # Every part has been built: from here on nothing fails.
        self.config = config
        self.table = table
        self.info = info
        self.train_set, self.test_set = samples
        self.net = net
        self._grid = None
        self.selection = None
        self._reset_training()
        self._make_optimizer()

    def _reset_training(self):
        self.epoch = 0
        self.steps = 0
        self.cursor = 0
        self.epoch_total = 0.0
        self.history = {"train": [], "test": [], "test_accuracy": []}
        self.last_step = None
        self.message = None
        self._new_order()

    def _new_order(self):
        order = list(range(len(self.train_set)))
        SplitMix64(self.config["seed"] * 1000003 + self.epoch + 1).shuffle(order)
        self.order = order

    def _make_optimizer(self):
        config = self.config
        if config["optimizer"] == "adam":
            self.optimizer = Adam(config["learning_rate"])
        elif config["optimizer"] == "momentum":
            self.optimizer = SGD(config["learning_rate"], momentum=config["momentum"])
        else:
            self.optimizer = SGD(config["learning_rate"])
        self.net.learning_rate = config["learning_rate"]

    def _retune(self, config):
        """Settings that keep the network: activations and cost assigned (checked
        by neuronsim), optimizer, learning rate, batch size, L2.  A refused
        setting leaves the network as it was."""
        net = self.net
        old = self.config
        if config["data"] != "worked":
            if config["output"] == "softmax" and self.info["classes"] is None:
                _fail("output: softmax needs class labels; this data set is a regression")
            if _width_for(config["output"], self.info) != len(net.layers[-1].neurons):
                self._build(config)        # checks everything before it changes anything
                return
        saved = ([layer.activation for layer in net.layers], net.cost)
        try:
            if config["data"] == "worked":        # its layers are fixed; its cost is not
                if net.cost.name != config["cost"]:
                    net.cost = config["cost"]
            else:
                for layer, (width, activation) in zip(net.layers, config["layers"]):
                    if layer.activation.name != activation:
                        layer.activation = activation
                if net.layers[-1].activation.name != config["output"] or \
                        net.cost.name != config["cost"]:
                    self._assign_output(config["output"], config["cost"])
        except ValueError:
            activations, cost = saved       # put back as they were, together
            for layer, activation in zip(net.layers, activations):
                layer._set_activation(activation)
            net._cost = cost
            net._structure_changed()
            raise
        net.train_biases = config["train_biases"]
        if config["optimizer"] != old["optimizer"] or config["momentum"] != old["momentum"]:
            self.config = config
            self._make_optimizer()
        else:
            self.optimizer.learning_rate = config["learning_rate"]
            net.learning_rate = config["learning_rate"]
        self.config = config

    def _assign_output(self, activation, cost):
        """Assign the output activation and the cost, in whichever order neuronsim
        accepts (the caller puts both back if neither does)."""
        net = self.net
        layer = net.layers[-1]
        try:
            layer.activation = activation
            net.cost = cost
            return
        except ValueError:
            pass
        try:
            net.cost = cost
            layer.activation = activation
        except ValueError as error:
            _fail("output/cost: %s" % error)

    def _make_samples(self, config, table):
        """((train, test), info) with samples as (inputs, targets, point) tuples."""
        data = config["data"]
        info = {"data": data}
        if data == "worked":
            sample = (list(WORKED["inputs"]), list(WORKED["targets"]),
                      list(WORKED["inputs"]) + [0.0])
            info.update(kind="regression", classes=None, outputs=2, input_names=["i1", "i2"],
                        columns=["i1", "i2"], range=[[-1.0, 1.0], [-1.0, 1.0]],
                        features=["x1", "x2"], mean=None, sd=None, fixed=None)
            return ([sample], []), info
        rng = SplitMix64(config["data_seed"] * 7919 + 17)
        if table is None:
            points, classes = make_points(data, config["samples"], config["noise"],
                                          config["classes"], config["data_seed"])
            features = config["features"]
            labels = dict(FEATURES)
            info.update(kind="regression" if data == "regression" else "classification",
                        classes=None if data == "regression" else
                        ["class %d" % k for k in range(classes)],
                        input_names=[labels[f] for f in features],
                        columns=[FEATURE_COLUMNS[f] for f in features],
                        range=[[-1.0, 1.0], [-1.0, 1.0]], features=features, mean=None, sd=None)
            rows = [(feature_values(features, p[0], p[1]), p[2], [p[0], p[1]]) for p in points]
        else:
            count = len(table.input_indices)
            axes = [a for a in config["axes"]]
            for a in axes:
                if a >= count:
                    _fail("axes: %s has %d input columns (0..%d), got %d"
                          % (table.name, count, count - 1, a))
            info.update(kind="classification" if table.classes else "regression",
                        classes=table.classes, input_names=list(table.input_names),
                        columns=list(table.input_names), features=None, axes=axes,
                        target_name=table.target_name)
            rows = [(list(values), label, [values[axes[0]], values[axes[1]]])
                    for values, label in zip(table.inputs, table.labels)]
        # The split: shuffled from data_seed, at least one sample on each side.
        order = list(range(len(rows)))
        rng.shuffle(order)
        cut = int(round(len(rows) * config["train_ratio"]))
        cut = max(1, min(len(rows) - 1, cut))
        train_rows = [rows[i] for i in order[:cut]]
        test_rows = [rows[i] for i in order[cut:]]
        if table is not None:
            width = len(table.input_indices)
            mean, sd = [0.0] * width, [1.0] * width
            if config["standardize"]:
                for j in range(width):
                    column = [r[0][j] for r in train_rows]
                    m = sum(column) / len(column)
                    s = math.sqrt(sum((v - m) * (v - m) for v in column) / len(column))
                    mean[j], sd[j] = m, (s if s > 0.0 else 1.0)
            info["mean"], info["sd"] = (mean, sd) if config["standardize"] else (None, None)
            # The plane: the two plotted columns; the others held at their training mean.
            fixed = [sum(r[0][j] for r in train_rows) / len(train_rows) for j in range(width)]
            info["fixed"] = fixed
            ranges = []
            for a in axes:
                column = [r[0][a] for r in rows]
                low, high = min(column), max(column)
                pad = (high - low) * 0.05 or 0.5
                ranges.append([low - pad, high + pad])
            info["range"] = ranges
        else:
            info["fixed"] = None
        classes = info["classes"]
        if classes is not None:
            output = config["output"]
            info["outputs"] = len(classes) if output == "softmax" or len(classes) > 2 else 1
        else:
            info["outputs"] = 1
        return ([self._sample(r, info) for r in train_rows],
                [self._sample(r, info) for r in test_rows]), info

    def _sample(self, row, info):
        values, label, point = row
        inputs = self._scaled(values, info)
        if info["classes"] is None:
            targets = [float(label)]
        elif info["outputs"] == 1:
            targets = [float(label)]
        else:
            targets = [0.0] * info["outputs"]
            targets[label] = 1.0
        return (inputs, targets, point + [label])

    @staticmethod
    def _scaled(values, info):
        mean, sd = info.get("mean"), info.get("sd")
        if mean is None:
            return list(values)
        return [(v - m) / s for v, m, s in zip(values, mean, sd)]

    def _make_net(self, config, info):
        if config["data"] == "worked":
            return NeuralNetwork(2, 2, 2, hidden_layer_weights=WORKED["hidden_weights"],
                                 hidden_layer_bias=WORKED["hidden_bias"],
                                 output_layer_weights=WORKED["output_weights"],
                                 output_layer_bias=WORKED["output_bias"],
                                 train_biases=config["train_biases"],
                                 learning_rate=config["learning_rate"])
        if config["output"] == "softmax" and info["classes"] is None:
            _fail("output: softmax needs class labels; this data set is a regression")
        layers = [(width, activation) for width, activation in config["layers"]]
        layers.append((_width_for(config["output"], info), config["output"]))
        try:
            return NeuralNetwork.from_layers(len(info["columns"]), layers, cost=config["cost"],
                                             learning_rate=config["learning_rate"],
                                             train_biases=config["train_biases"],
                                             seed=config["seed"])
        except ValueError as error:
            _fail(str(error).replace("layers[%d]" % (len(layers) - 1), "output"))

    # -- training ------------------------------------------------------------------

    def _fit(self, samples, batch_size):
        """One pass of fit over ``samples`` (in order); return the sum of their errors."""
        config = self.config
        pairs = [(inputs, targets) for inputs, targets, _ in samples]
        try:
            history = self.net.fit(pairs, epochs=1, batch_size=batch_size, shuffle=False,
                                   optimizer=self.optimizer, l2=config["l2"])
        except TrainingDiverged as error:
            self.message = ("Training diverged in epoch %d (%s): the network is as it was "
                            "before this step; try a smaller learning rate"
                            % (self.epoch + 1, str(error).split(":")[1].split(";")[0].strip()))
            raise Diverged(self.message)
        self.steps += (len(pairs) + batch_size - 1) // batch_size
        return history.training_error[0] * len(pairs)

    def _close_epoch(self):
        count = len(self.order)
        self.history["train"].append(self.epoch_total / count)
        if self.test_set:
            error, accuracy = self._score(self.test_set)
            self.history["test"].append(error)
            if accuracy is not None:
                self.history["test_accuracy"].append(accuracy)
        self.epoch += 1
        self.cursor = 0
        self.epoch_total = 0.0
        self._new_order()

    def _score(self, samples):
        """(mean error per sample, fraction classified right or None), in one pass."""
        net = self.net
        classes = self.info["classes"] is not None
        total = 0.0
        right = 0
        for inputs, targets, point in samples:
            outputs = net._feed_forward(inputs)
            total += net._error(targets, outputs)
            if classes and class_of(outputs) == point[2]:
                right += 1
        count = float(len(samples))
        return total / count, (right / count if classes else None)

    def scores(self):
        """Error and accuracy now, on the training and the test samples."""
        result = {}
        for role, samples in (("train", self.train_set), ("test", self.test_set)):
            if samples:
                error, accuracy = self._score(samples)
                result[role] = {"error": error, "accuracy": accuracy}
        return result

    def step_sample(self):
        """One step on the current sample (a batch of one, with the chosen
        optimizer and L2); the next sample becomes current."""
        index = self.order[self.cursor]
        sample = self.train_set[index]
        before = self._fit([sample], 1)
        after = self.net._error(sample[1], self.net._feed_forward(sample[0]))
        self.last_step = {"index": index, "before": _number_json(before),
                          "after": _number_json(after)}
        self.epoch_total += before
        self.cursor += 1
        if self.cursor == len(self.order):
            self._close_epoch()

    def step_epoch(self):
        """The rest of the current epoch, in batches of ``batch_size``."""
        rest = [self.train_set[i] for i in self.order[self.cursor:]]
        self.epoch_total += self._fit(rest, self.config["batch_size"])
        self.last_step = None
        self._close_epoch()

    def train(self, milliseconds):
        """Train for about ``milliseconds`` (at least one batch), in chunks of whole
        batches; an epoch left unfinished continues on the next call."""
        start = _now_ms()
        batch = self.config["batch_size"]
        chunk = max(batch, (64 // batch) * batch)
        self.last_step = None
        while True:
            rest = self.order[self.cursor:self.cursor + chunk]
            self.epoch_total += self._fit([self.train_set[i] for i in rest], batch)
            self.cursor += len(rest)
            if self.cursor >= len(self.order):
                self._close_epoch()
            if _elapsed_ms(start) >= milliseconds:
                break

    # -- editing ---------------------------------------------------------------

    def set_weight(self, layer, neuron, weight, value):
        target = _neuron(self.net, layer, neuron)
        count = len(target.weights)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight < count:
            _fail("weight: neuron %d of layer %d has weights 0..%d, got %s"
                  % (neuron, layer, count - 1, describe(weight)))
        weights = list(target.weights)
        weights[weight] = _parse_number(value, "value")
        target.weights = weights          # checked by the neuron

    def set_bias(self, layer, neuron, value):
        _neuron(self.net, layer, neuron).bias = _parse_number(value, "value")

    # -- what the page shows ---------------------------------------------------------

    def current(self):
        if not self.order:
            return None
        return self.order[self.cursor]

    def snapshot(self, since=0, grid=True, data=False):
        """Everything the page draws, as JSON-ready data."""
        net = self.net
        names = neuron_names(net)
        info = self.info
        reply = {
            "ok": True,
            "config": self.config,
            "fixed_network": self.config["data"] == "worked",
            "names": [["i%d" % (j + 1) for j in range(net.num_inputs)]] + names,
            "weight_names": weight_names(net),
            "inputs": {"labels": info["input_names"], "columns": info["columns"]},
            "layers": [{"activation": layer.activation.name,
                        "neurons": [{"weights": list(n.weights), "bias": n.bias}
                                    for n in layer.neurons]} for layer in net.layers],
            "cost": net.cost.name,
            "learning_rate": net.learning_rate,
            "kind": info["kind"],
            "classes": info["classes"],
            "epoch": self.epoch,
            "steps": self.steps,
            "cursor": self.cursor,
            "epoch_size": len(self.order),
            "history": self._history(since),
            "last_step": self.last_step,
            "message": self.message,
            "sample": self._sample_pass(),
            "detail": self._detail(),
            "explain_ok": sum(len(n.weights) for l in net.layers for n in l.neurons) <= MAX_WEIGHTS,
        }
        if data:
            reply["data"] = self._data()
        if grid:
            reply["grid"] = self._grid_values()
            reply["scores"] = self.scores()
        return reply

    def _history(self, since):
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            since = 0
        history = self.history
        result = {"start": since}
        for key in ("train", "test", "test_accuracy"):
            result[key] = history[key][since:]
        return result

    def _data(self):
        info = self.info
        points = []
        for role, samples in (("train", self.train_set), ("test", self.test_set)):
            for inputs, targets, point in samples:
                points.append([point[0], point[1], point[2], role == "train"])
        axes = info.get("axes")
        return {"points": points, "range": info["range"],
                "axes": ([info["input_names"][a] for a in axes] if axes is not None
                         else ["x₁", "x₂"]),
                "train_count": len(self.train_set), "test_count": len(self.test_set),
                "source": self.csv[1] if info["data"] == "csv" else info["data"],
                "target_name": info.get("target_name"),
                "columns": list(self.table.header) if self.table is not None else None,
                "target": (self.table.target_index if self.table is not None else None),
                "mean": info.get("mean"), "sd": info.get("sd")}

    def _plane_inputs(self):
        """The network's inputs at each of GRID × GRID points of the plane (cached)."""
        if self._grid is not None:
            return self._grid
        info = self.info
        (x0, x1), (y0, y1) = info["range"]
        rows = []
        for r in range(GRID):                     # rows from the top, at cell centres
            y = y1 - (y1 - y0) * (r + 0.5) / GRID
            for c in range(GRID):
                x = x0 + (x1 - x0) * (c + 0.5) / GRID
                if info["data"] == "csv":
                    values = list(info["fixed"])
                    values[info["axes"][0]] = x
                    values[info["axes"][1]] = y
                    rows.append(self._scaled(values, info))
                else:
                    rows.append(feature_values(info["features"], x, y))
        self._grid = rows
        return rows

    def _grid_values(self):
        """Each neuron's output (and each input) over the plane, rounded for drawing."""
        net = self.net
        rows = self._plane_inputs()
        layers = net.layers
        maps = [[[] for _ in layer.neurons] for layer in layers]
        inputs = [[] for _ in range(net.num_inputs)]
        forward = net._feed_forward
        for values in rows:
            forward(values)
            for j, value in enumerate(values):
                inputs[j].append(round(value, 4))
            for l, layer in enumerate(layers):
                column = maps[l]
                for k, neuron in enumerate(layer.neurons):
                    column[k].append(round(neuron.output, 4))
        # The drawing pass leaves the neurons holding its values: put back the sample's.
        self._pass_current()
        return {"size": GRID, "range": self.info["range"], "inputs": inputs, "neurons": maps}

    def _pass_current(self):
        index = self.current()
        if index is None:
            return None, None
        inputs, targets, point = self.train_set[index]
        error = self.net.backprop(inputs, targets)
        return error, (inputs, targets, point)

    def _sample_pass(self):
        error, sample = self._pass_current()
        if sample is None:
            return None
        inputs, targets, point = sample
        net = self.net
        layers = net.layers
        names = neuron_names(net)
        return {
            "index": self.current(),
            "point": point,
            "inputs": inputs,
            "inputs_text": [repr(v) for v in inputs],
            "targets": targets,
            "outputs": layers[-1].get_outputs(),
            "outputs_text": [repr(v) for v in layers[-1].get_outputs()],
            "error": _equation_json(error_equations(net, targets, error, names[-1])[-1]),
            "errors": [_equation_json(eq) for eq in
                       error_equations(net, targets, error, names[-1])],
            "neurons": [[{"net": _number_json(n.net_input), "out": _number_json(n.output),
                          "pd": _number_json(n.pd_error_wrt_output),
                          "delta": _number_json(n.delta),
                          "gradients": [_number_json(g) for g in n.weight_gradients]}
                         for n in layer.neurons] for layer in layers],
        }

    def select(self, what, layer=None, neuron=None, weight=None):
        """Choose what the inspector shows: a neuron, a weight, an input, or nothing."""
        net = self.net
        if what is None:
            self.selection = None
            return
        if what == "input":
            if isinstance(neuron, bool) or not isinstance(neuron, int) or \
                    not 0 <= neuron < net.num_inputs:
                _fail("neuron: inputs are 0..%d, got %s" % (net.num_inputs - 1, describe(neuron)))
        elif what == "neuron":
            _neuron(net, layer, neuron)
        elif what == "weight":
            target = _neuron(net, layer, neuron)
            if isinstance(weight, bool) or not isinstance(weight, int) or \
                    not 0 <= weight < len(target.weights):
                _fail("weight: neuron %d of layer %d has weights 0..%d, got %s"
                      % (neuron, layer, len(target.weights) - 1, describe(weight)))
        else:
            _fail("what: expected 'neuron', 'weight', 'input' or null, got %s" % describe(what))
        self.selection = {"what": what, "layer": layer, "neuron": neuron, "weight": weight}

    def _detail(self):
        selection = self.selection
        index = self.current()
        if selection is None or index is None:
            return None
        net = self.net
        inputs, targets, point = self.train_set[index]
        what = selection["what"]
        names = neuron_names(net)
        wnames = weight_names(net)
        if what == "input":
            j = selection["neuron"]
            info = self.info
            return {"what": "input", "neuron": j, "name": "i%d" % (j + 1),
                    "label": info["input_names"][j], "value": inputs[j],
                    "text": "%.9g" % inputs[j],
                    "standardized": info.get("mean") is not None}
        l, k = selection["layer"], selection["neuron"]
        neuron = net.layers[l].neurons[k]
        error = net.backprop(inputs, targets)
        if what == "weight":
            j = selection["weight"]
            below = (["i%d" % (i + 1) for i in range(net.num_inputs)] if l == 0
                     else names[l - 1])
            return {"what": "weight", "layer": l, "neuron": k, "weight": j,
                    "name": wnames[l][k][j], "from": below[j], "to": names[l][k],
                    "value": neuron.weights[j], "value_text": repr(neuron.weights[j]),
                    "equations": [_equation_json(eq) for eq in
                                  chain_rule(net, inputs, targets, l, k, j)]}
        shortcut = None
        backward = backward_equations(net, l, k, targets, names, wnames, shortcut)
        return {"what": "neuron", "layer": l, "neuron": k, "name": names[l][k],
                "activation": net.layers[l].activation.name,
                "values": {"net": neuron.net_input, "out": neuron.output,
                           "pd": _number_json(neuron.pd_error_wrt_output),
                           "delta": neuron.delta, "bias": neuron.bias,
                           "bias_gradient": neuron.bias_gradient},
                "bias_text": repr(neuron.bias),
                "equations": [_equation_json(eq) for eq in
                              forward_equations(net, l, k, names, wnames) + backward
                              + update_equations(net, l, k, names, wnames)],
                "error": "%.9g" % error}

    # -- explain, export and the URL ----------------------------------------------------

    def explain_text(self):
        index = self.current()
        inputs, targets, _ = self.train_set[index]
        return explain(self.net, inputs, targets)

    def export_network(self):
        """The network for export: the page's, or a copy taking the raw CSV columns
        (standardization folded into the first layer: w/sd, b − Σ w·mean/sd)."""
        info = self.info
        if info.get("mean") is None:
            return self.net
        net = NeuralNetwork.from_dict(self.net.to_dict())
        for neuron in net.layers[0].neurons:
            weights = list(neuron.weights)
            shift = 0.0
            for j, (m, s) in enumerate(zip(info["mean"], info["sd"])):
                shift += weights[j] * m / s
                weights[j] = weights[j] / s
            neuron.weights = weights
            neuron.bias = neuron.bias - shift
        return net

    def metadata(self):
        info = self.info
        config = dict(self.config)
        metadata = {"made_by": "neuronsim playground %s" % __version__,
                    "input_columns": list(info["columns"]), "playground": config}
        if info["data"] == "csv":
            table = self.table
            metadata.update(data=table.name, has_header=table.has_header,
                            input_indices=list(table.input_indices),
                            num_columns=len(table.header))
            if info.get("mean") is not None:
                metadata["standardized"] = {"mean": info["mean"], "sd": info["sd"],
                                            "folded_into": "layers[0]"}
        else:
            metadata["data"] = info["data"]
            if info["data"] != "worked":
                metadata["inputs"] = "features of a point (x1, x2) of the plane [-1, 1]^2"
        if info["classes"] is not None and info["outputs"] > 1:
            metadata["classes"] = [str(c) for c in info["classes"]]
        elif info["classes"] is not None:
            metadata["positive_class"] = str(info["classes"][1])
        elif info["data"] == "csv":
            metadata["target_columns"] = [info.get("target_name")]
        return metadata

    def export(self, kind):
        base = "neuronsim-" + (self.info["data"] if self.info["data"] != "csv" else
                               _stem(self.table.name))
        net = self.export_network()
        if kind == "json":
            return {"text": dumps(net, self.metadata()), "filename": base + ".json",
                    "mime": "application/json"}
        if kind == "python":
            from ..export import export_source
            return {"text": export_source(net), "filename": base.replace("-", "_") + ".py",
                    "mime": "text/x-python"}
        if kind in ("c", "javascript"):
            if kind not in available_exports():
                _fail("format: the %s export does not run on this interpreter (%s); save the "
                      "model as JSON and run 'neuronsim export' on it"
                      % ("C" if kind == "c" else "JavaScript", sys.implementation.name))
            from ..export import export as export_to
            try:
                if kind == "c":
                    text = export_to(net, "c", prefix=_stem(base).replace("-", "_"))
                else:
                    text = export_to(net, "javascript")
            except Exception as error:   # the exporter's own limits, named for the learner
                _fail("format: the %s export failed here: %s: %s" % (
                    "C" if kind == "c" else "JavaScript", type(error).__name__, error))
            if kind == "c":
                return {"text": text, "filename": base.replace("-", "_") + ".h",
                        "mime": "text/x-c"}
            return {"text": text, "filename": base + ".mjs", "mime": "text/javascript"}
        _fail("format: expected 'json', 'python', 'c' or 'javascript', got %s" % _shown(kind))

    def weights_text(self):
        """Every weight and bias, neuron by neuron (weights, then bias), as repr text:
        what the URL carries to restore this exact network."""
        result = []
        for layer in self.net.layers:
            for neuron in layer.neurons:
                result.extend(repr(w) for w in neuron.weights)
                result.append(repr(neuron.bias))
        return result


def available_exports():
    """Which export formats this neuronsim can write here: json and python always;
    c and javascript when neuronsim.export has them and they load on this interpreter."""
    found = ["json", "python"]
    try:
        from ..export import target_module
    except ImportError:
        return found
    for target in ("c", "javascript"):
        try:
            target_module(target)
        except (ImportError, ValueError):   # a module this port lacks; an unknown target
            continue
        found.append(target)
    return found


def _stem(name):
    name = name.replace("\\", "/").split("/")[-1]
    if "." in name:
        name = name[:name.rindex(".")]
    cleaned = "".join(c if c.isalpha() or c.isdigit() or c in "-_" else "_" for c in name)
    return cleaned or "data"


def _width_for(output, info):
    classes = info["classes"]
    if classes is None:
        return 1 if info["data"] != "worked" else 2
    if output == "softmax" or len(classes) > 2:
        return len(classes)
    return 1


def _neuron(net, layer, neuron):
    layers = net.layers
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(layers):
        _fail("layer: expected 0..%d, got %s" % (len(layers) - 1, describe(layer)))
    neurons = layers[layer].neurons
    if isinstance(neuron, bool) or not isinstance(neuron, int) or not 0 <= neuron < len(neurons):
        _fail("neuron: layer %d has neurons 0..%d, got %s" % (layer, len(neurons) - 1,
                                                              describe(neuron)))
    return neurons[neuron]


def _parse_number(value, name):
    if isinstance(value, str):
        text = value.strip().replace("−", "-")
        try:
            value = float(text)
        except ValueError:
            _fail("%s: expected a number, got %r" % (name, value))
    try:
        return check_number(value, name)
    except (TypeError, ValueError) as error:
        _fail(str(error))


def _set_all_weights(net, values):
    """Set every weight and bias from a flat list (see Session.weights_text)."""
    needed = sum(len(n.weights) + 1 for layer in net.layers for n in layer.neurons)
    if not isinstance(values, list) or len(values) != needed:
        _fail("weights: this network needs %d numbers (each neuron's weights, then its "
              "bias), got %s" % (needed, len(values) if isinstance(values, list)
                                 else describe(values)))
    numbers = [_parse_number(v, "weights[%d]" % i) for i, v in enumerate(values)]
    position = 0
    for layer in net.layers:
        for neuron in layer.neurons:
            count = len(neuron.weights)
            neuron.weights = numbers[position:position + count]
            neuron.bias = numbers[position + count]
            position += count + 1


def _number_json(value):
    """A float JSON can carry: non-finite values become None."""
    if value - value != 0.0:
        return None
    return value


def _equation_json(eq):
    return {"kind": eq["kind"], "symbol": eq["symbol"], "steps": eq["steps"],
            "value": _number_json(eq["value"]), "text": eq["text"], "note": eq["note"],
            "weight": eq["weight"], "line": equation_text(eq)}


# -- requests -----------------------------------------------------------------------

_session = Session()


def _cmd_init(session, request):
    session.configure(request.get("config") or {}, request.get("weights"))
    return session.snapshot(data=True)


def _cmd_configure(session, request):
    rebuilt_before = session.net
    session.configure(request.get("config") or {})
    fresh = session.net is not rebuilt_before
    return session.snapshot(since=0 if fresh else request.get("since", 0), data=fresh)


def _cmd_load_csv(session, request):
    text, name = request.get("text"), request.get("name") or "data.csv"
    if not isinstance(name, str):
        _fail("name: expected the file's name, got %s" % describe(name))
    parse_csv(text, name)                    # check before keeping it
    previous = session.csv
    session.csv = (text, name)
    config = dict(request.get("config") or session.config or {})
    config["data"] = "csv"
    try:
        session.configure(config)
    except ValueError:
        session.csv = previous
        raise
    return session.snapshot(data=True)


def _cmd_reset(session, request):
    session._build(session.config)
    return session.snapshot(data=True)


def _cmd_step_sample(session, request):
    session.step_sample()
    return session.snapshot(since=request.get("since", 0))


def _cmd_step_epoch(session, request):
    session.step_epoch()
    return session.snapshot(since=request.get("since", 0))


def _cmd_train(session, request):
    milliseconds = request.get("ms", 100)
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)) or \
            not 0 <= milliseconds <= 60000:
        _fail("ms: expected a number of milliseconds from 0 to 60000, got %s"
              % describe(milliseconds))
    session.train(milliseconds)
    return session.snapshot(since=request.get("since", 0), grid=request.get("grid", True))


def _cmd_select(session, request):
    session.select(request.get("what"), request.get("layer"), request.get("neuron"),
                   request.get("weight"))
    return session.snapshot(since=request.get("since", 0), grid=False)


def _cmd_set_weight(session, request):
    session.set_weight(request.get("layer"), request.get("neuron"), request.get("weight"),
                       request.get("value"))
    return session.snapshot(since=request.get("since", 0))


def _cmd_set_bias(session, request):
    session.set_bias(request.get("layer"), request.get("neuron"), request.get("value"))
    return session.snapshot(since=request.get("since", 0))


def _cmd_snapshot(session, request):
    return session.snapshot(since=request.get("since", 0), grid=request.get("grid", True),
                            data=request.get("data", False))


def _cmd_explain(session, request):
    return {"ok": True, "text": session.explain_text()}


def _cmd_export(session, request):
    result = session.export(request.get("format"))
    result["ok"] = True
    return result


def _cmd_state(session, request):
    return {"ok": True, "config": session.config, "weights": session.weights_text()}


def _cmd_about(session, request):
    implementation = sys.implementation
    return {"ok": True, "neuronsim": __version__, "python": "%s %s" % (
        implementation.name, ".".join(str(v) for v in implementation.version[:3])),
        "exports": available_exports(), "datasets": [list(d) for d in DATASETS],
        "features": [list(f) for f in FEATURES], "hidden_activations": list(HIDDEN_ACTIVATIONS),
        "output_activations": list(OUTPUT_ACTIVATIONS), "costs": list(COSTS),
        "optimizers": list(OPTIMIZER_NAMES), "defaults": DEFAULTS, "max_layers": MAX_LAYERS,
        "max_width": MAX_WIDTH}


COMMANDS = {"init": _cmd_init, "configure": _cmd_configure, "load_csv": _cmd_load_csv,
            "reset": _cmd_reset, "step_sample": _cmd_step_sample,
            "step_epoch": _cmd_step_epoch, "train": _cmd_train, "select": _cmd_select,
            "set_weight": _cmd_set_weight, "set_bias": _cmd_set_bias,
            "snapshot": _cmd_snapshot, "explain": _cmd_explain, "export": _cmd_export, "state": _cmd_state,
            "about": _cmd_about}


def request(message, session=None):
    """Answer one request (a dict) with a dict; errors become ``{"ok": false}``."""
    session = _session if session is None else session
    if not isinstance(message, dict):
        return {"ok": False, "error": "request: expected an object, got %s" % describe(message)}
    command = COMMANDS.get(message.get("cmd"))
    if command is None:
        return {"ok": False, "error": "cmd: expected one of %s, got %s" % (
            ", ".join(sorted(COMMANDS)), _shown(message.get("cmd")))}
    if session.net is None and message["cmd"] not in ("init", "about", "load_csv"):
        return {"ok": False, "error": "cmd: %r before 'init'" % message["cmd"]}
    try:
        return command(session, message)
    except Diverged as error:
        reply = session.snapshot(data=False)
        reply["ok"] = False
        reply["error"] = str(error)
        return reply
    except (ValueError, TypeError, KeyError) as error:
        return {"ok": False, "error": str(error) or repr(error)}


def handle(text):
    """The worker's entry point: a request as JSON text → the answer as JSON text."""
    try:
        message = json.loads(text)
    except ValueError as error:
        return json.dumps({"ok": False, "error": "request: not JSON: %s" % error})
    return json.dumps(request(message))


def new_session():
    """Start over with a fresh session (tests; the page never needs it)."""
    global _session
    _session = Session()
    return _session
