"""Saving and loading a network as JSON: every weight and bias, exactly.

A saved network is a JSON document with a format name and a version, the
input width, the cost, the options needed to go on training, and one entry
per layer (hidden first, output last) holding its activation and, neuron by
neuron, its weights (in input order: w1, w2 feed h1) and its bias::

    {"format": "neuronsim-network", "version": 3,
     "num_inputs": 2, "cost": "squared_error",
     "learning_rate": 0.5, "train_biases": false, "seed": 7,
     "layers": [{"activation": "sigmoid",
                 "neurons": [{"weights": [0.15, 0.2], "bias": 0.35}, ...]}, ...],
     "input_scaling": {"mean": [...], "scale": [...]},   # optional (version 3)
     "target_scaling": {"mean": [...], "scale": [...]},  # optional (version 3)
     "classes": ["setosa", "versicolor", "virginica"],   # optional (version 3)
     "metadata": {...}}                      # optional, free-form (see _check_metadata)

Floats are written with ``repr`` (the shortest text that reads back as the
same double), so a loaded network predicts bit for bit what the saved one
did.  Loading only parses JSON and looks activation and cost names up in
neuronsim's own tables: nothing in a file is ever executed.  Anything wrong
with a document raises one exception, :class:`ModelFileError` (a
``ValueError``), whose message says where and what:

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, seed=7)
>>> document = to_dict(net)
>>> from_dict(document).feed_forward([0.05, 0.1]) == net.feed_forward([0.05, 0.1])
True
>>> del document["layers"][1]["neurons"][1]["weights"][-1]
>>> from_dict(document)
Traceback (most recent call last):
  ...
neuronsim.saving.ModelFileError: layers[1].neurons[1].weights: expected 2 numbers, got 1

Only ``json`` is needed to load, and messages use %-formatting:
``loads``, ``load`` and ``from_dict`` run on MicroPython too (its ``json`` takes
no ``parse_constant``; ``from_dict`` still refuses non-finite numbers).
``save`` needs ``tempfile``, ``os.fsync`` and ``os.replace``: CPython and PyPy.
"""

import json

from .activations import ACTIVATIONS
from .costs import COSTS
from .layer import NeuronLayer
from .validation import check_vector, describe

FORMAT = "neuronsim-network"
#: The version this neuronsim writes.  Version 3 adds the scaling and class
#: labels that travel with the model (neuronsim.scaling); version 2 lets every
#: hidden layer have its own activation; versions 1 and 2 still load.
VERSION = 3
VERSIONS = (1, 2, 3)

_TOP_KEYS = ("format", "version", "num_inputs", "cost", "learning_rate", "train_biases",
             "seed", "layers", "input_scaling", "target_scaling", "classes", "metadata")
_VERSION_3_KEYS = ("input_scaling", "target_scaling", "classes")
_REQUIRED_TOP_KEYS = ("format", "version", "num_inputs", "cost", "layers")
_LAYER_KEYS = ("activation", "neurons")
_NEURON_KEYS = ("weights", "bias")


class ModelFileError(ValueError):
    """A saved network that cannot be loaded: not JSON, wrong format, version,
    shape or type.  The message names the place (``layers[1].neurons[3].weights``)."""


# -- network → document ------------------------------------------------------

def _registered_name(thing, table, what, where):
    """The name under which ``thing`` (an activation or cost) can be loaded again."""
    name = getattr(thing, "name", None)
    known = table.get(name) if isinstance(name, str) else None
    if known is None or type(known) is not type(thing) or \
            getattr(known, "__dict__", {}) != getattr(thing, "__dict__", {}):
        raise ValueError("%s: cannot save a custom %s (%s); only the built-in ones (%s) "
                         "can be saved" % (where, what, describe(thing),
                                           ", ".join(sorted(table))))
    return name


def to_dict(net, metadata=None):
    """The network as plain JSON-ready data (dicts, lists, floats, str, bool, int).

    ``metadata`` (any JSON-ready dict, e.g. the column names a CLI trained
    on) is stored as it is under ``"metadata"``.
    """
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError("metadata: expected a dict or None, got %s" % describe(metadata))
    _check_metadata(metadata, net.num_inputs, net.num_outputs)
    layers = []
    for index, layer in enumerate(net.layers):
        activation = _registered_name(layer.activation, ACTIVATIONS, "activation",
                                      "layers[%d].activation" % index)
        layers.append({
            "activation": activation,
            "neurons": [{"weights": [float(w) for w in neuron.weights],
                         "bias": float(neuron.bias)} for neuron in layer.neurons],
        })
    document = {
        "format": FORMAT,
        "version": VERSION,
        "num_inputs": net.num_inputs,
        "cost": _registered_name(net.cost, COSTS, "cost", "cost"),
        "learning_rate": float(net.learning_rate),
        "train_biases": net.train_biases,
        "seed": net.seed,
        "layers": layers,
    }
    for key in _VERSION_3_KEYS:   # written only when the network has them
        value = getattr(net, key)
        if value is not None:
            document[key] = value.to_dict() if key != "classes" else list(value)
    if metadata is not None:
        document["metadata"] = metadata
    return document


def _json_text(value):
    try:
        return json.dumps(value, allow_nan=False)
    except TypeError:  # MicroPython's json takes no allow_nan (the values are finite anyway)
        return json.dumps(value)


def dumps(net, metadata=None):
    """The network as JSON text (one layer per line, so diffs stay readable)."""
    document = to_dict(net, metadata)
    layers = document.pop("layers")
    head = _json_text(document)
    lines = [_json_text(layer) for layer in layers]
    return '%s, "layers": [\n  %s\n]}\n' % (head[:-1], ",\n  ".join(lines))


# -- document → network ------------------------------------------------------

def _fail(where, message):
    raise ModelFileError("%s: %s" % (where, message) if where else message)


def _check_keys(mapping, where, allowed, required):
    if not isinstance(mapping, dict):
        _fail(where, "expected a JSON object, got %s" % describe(mapping))
    for key in required:
        if key not in mapping:
            _fail(where, "missing key %r" % (key,))
    for key in mapping:
        if key not in allowed:
            _fail(where, "unknown key %r; expected one of %s"
                  % (key, ", ".join(repr(k) for k in allowed)))


def _number(value, where, positive=False):
    try:
        result = check_vector([value], where, 1)[0]
    except (TypeError, ValueError):
        _fail(where, "expected a finite number, got %s" % describe(value))
    if positive and not result > 0.0:
        _fail(where, "expected a number > 0, got %s" % describe(value))
    return result


def _vector(values, where, length):
    if not isinstance(values, list):
        _fail(where, "expected a list of %d numbers, got %s" % (length, describe(values)))
    try:
        return check_vector(values, where, length)
    except (TypeError, ValueError) as error:
        raise ModelFileError(str(error))


def _whole_number(value, where, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        _fail(where, "expected a whole number >= %d, got %s" % (minimum, describe(value)))
    return value


def _name(value, where, table, what):
    if not isinstance(value, str):
        _fail(where, "expected %s name, got %s" % (what, describe(value)))
    if value not in table:
        _fail(where, "unknown %s %r; expected one of %s"
              % (what, value, ", ".join(repr(k) for k in sorted(table))))
    return value


def from_dict(document, cls=None):
    """A :class:`~neuronsim.NeuralNetwork` from a document made by :func:`to_dict`.

    Every part is checked before anything is built; any problem raises
    :class:`ModelFileError` naming where it is.
    """
    from .network import NeuralNetwork
    if cls is None:
        cls = NeuralNetwork

    _check_keys(document, "", _TOP_KEYS, _REQUIRED_TOP_KEYS)
    if document["format"] != FORMAT:
        _fail("format", "expected %r, got %s" % (FORMAT, describe(document["format"])))
    version = document["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("version", "expected a whole number, got %s" % describe(version))
    if version not in VERSIONS:
        _fail("version", "this neuronsim reads versions %s and %d, got %d%s"
              % (", ".join(str(v) for v in VERSIONS[:-1]), VERSIONS[-1], version,
                 " (a newer neuronsim wrote it)" if version > VERSION else ""))
    num_inputs = _whole_number(document["num_inputs"], "num_inputs", 1)
    cost = _name(document["cost"], "cost", COSTS, "cost")
    learning_rate = _number(document.get("learning_rate", 0.5), "learning_rate", positive=True)
    train_biases = document.get("train_biases", True)
    if not isinstance(train_biases, bool):
        _fail("train_biases", "expected true or false, got %s" % describe(train_biases))
    seed = document.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        _fail("seed", "expected a whole number or null, got %s" % describe(seed))
    metadata = document.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        _fail("metadata", "expected a JSON object, got %s" % describe(metadata))
    if version < 3:
        for key in _VERSION_3_KEYS:
            if key in document:
                _fail(key, "version %d files have no %r (version 3 added it)" % (version, key))

    layers = document["layers"]
    if not isinstance(layers, list):
        _fail("layers", "expected a list of layers, got %s" % describe(layers))
    if len(layers) < 2:
        _fail("layers", "expected at least 2 layers (hidden and output), got %d" % len(layers))
    width = num_inputs
    activations, weights, biases = [], [], []
    for index, layer in enumerate(layers):
        where = "layers[%d]" % index
        _check_keys(layer, where, _LAYER_KEYS, _LAYER_KEYS)
        activation = _name(layer["activation"], where + ".activation", ACTIVATIONS,
                           "activation")
        neurons = layer["neurons"]
        if not isinstance(neurons, list) or not neurons:
            _fail(where + ".neurons", "expected a non-empty list of neurons, got %s"
                  % describe(neurons))
        layer_weights, layer_biases = [], []
        for position, neuron in enumerate(neurons):
            spot = "%s.neurons[%d]" % (where, position)
            _check_keys(neuron, spot, _NEURON_KEYS, _NEURON_KEYS)
            layer_weights.extend(_vector(neuron["weights"], spot + ".weights", width))
            layer_biases.append(_number(neuron["bias"], spot + ".bias"))
        activations.append(activation)
        weights.append(layer_weights)
        biases.append(layer_biases)
        width = len(neurons)

    for index in range(len(layers) - 1):
        if not ACTIVATIONS[activations[index]].elementwise:
            _fail("layers[%d].activation" % index,
                  "%r works only on the output layer" % (activations[index],))
        if version == 1 and activations[index] != activations[0]:
            _fail("layers[%d].activation" % index,
                  "version 1 files have one activation for every hidden layer: expected %r "
                  "as in layers[0], got %r" % (activations[0], activations[index]))
    try:
        COSTS[cost].check_activation(ACTIVATIONS[activations[-1]])
    except ValueError as error:
        _fail("cost", str(error))

    _check_metadata(metadata, num_inputs, len(layers[-1]["neurons"]))
    try:
        built, width = [], num_inputs
        for index, layer in enumerate(layers):
            built.append(NeuronLayer(len(layer["neurons"]), width, weights[index], biases[index],
                                     activations[index], name="layers[%d]" % index))
            width = len(layer["neurons"])
        net = cls.from_layers(num_inputs, built, cost=cost, learning_rate=learning_rate,
                              train_biases=train_biases, seed=seed)
    except (TypeError, ValueError) as error:  # every check above should have caught it
        raise ModelFileError(str(error))
    _load_version_3_keys(net, document)
    return net


def _load_version_3_keys(net, document):
    """The scaling and class labels, checked by the network's own setters."""
    from .scaling import Standardizer
    for key in _VERSION_3_KEYS:
        value = document.get(key)
        if value is None:
            continue
        try:
            if key == "classes":
                if not isinstance(value, list):
                    _fail(key, "expected a list of labels, got %s" % describe(value))
            else:
                if not isinstance(value, dict):
                    _fail(key, "expected a JSON object with 'mean' and 'scale', got %s"
                          % describe(value))
                _check_keys(value, key, ("mean", "scale"), ("mean", "scale"))
                for part in ("mean", "scale"):
                    if not isinstance(value[part], list):
                        _fail("%s.%s" % (key, part), "expected a list of numbers, got %s"
                              % describe(value[part]))
                value = Standardizer(value["mean"], value["scale"])
            setattr(net, key, value)
        except (TypeError, ValueError) as error:
            if isinstance(error, ModelFileError):
                raise
            message = str(error)
            if not message.startswith(key):
                message = "%s.%s" % (key, message)
            raise ModelFileError(message)


def _reject_constant(name):
    raise ModelFileError("expected finite numbers, got %s" % name)


def parse(text):
    """JSON text → a document (a dict), or :class:`ModelFileError`.

    NaN and Infinity, which Python's json would accept, are refused.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeError:
            raise ModelFileError("not a neuronsim model: the file is not UTF-8 text")
    if text[:1] == "\ufeff":  # a byte-order mark, as some editors write
        text = text[1:]
    try:
        try:
            document = json.loads(text, parse_constant=_reject_constant)
        except TypeError:  # MicroPython: no parse_constant; from_dict still refuses inf/nan
            document = json.loads(text)
    except ModelFileError:
        raise
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise ModelFileError("not valid JSON: %s" % error)
    except RuntimeError:  # RecursionError (CPython), RuntimeError (MicroPython)
        raise ModelFileError("not a neuronsim model: JSON nested too deeply")
    if not isinstance(document, dict):
        raise ModelFileError("not a neuronsim model: expected a JSON object, got %s"
                             % describe(document))
    return document


def loads(text, cls=None):
    """A network from JSON text (str or bytes)."""
    return from_dict(parse(text), cls)


def read_document(path):
    """The parsed, unchecked document in a file; errors name the file.

    A file that cannot be opened raises the usual ``OSError``.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return parse(data)
    except ModelFileError as error:
        raise ModelFileError("%s: %s" % (path, error))


def load(path, cls=None):
    """A network (a ``cls``, by default NeuralNetwork) from a file written by :func:`save`."""
    return load_document(path, cls)[0]


def load_document(path, cls=None):
    """``(network, document)`` from a file written by :func:`save`.

    The document is the one the network was built from, checked, for its
    ``metadata`` and ``version``.  Every error names the file."""
    document = read_document(path)
    try:
        return from_dict(document, cls), document
    except ModelFileError as error:
        raise ModelFileError("%s: %s" % (path, error))


# -- atomic save -------------------------------------------------------------

def save(net, path, metadata=None):
    """Write the network to ``path``, atomically (see :mod:`neuronsim.files`).

    The destination is checked first (not a folder, a device or a file with
    several hard links; its folder exists).  The JSON goes to a temporary
    file in the target's folder (a symlink's target: the link survives), is
    flushed and synced to disk, and only then replaces the file in one step
    (``os.replace``): a crash or a full disk during the save leaves the old
    file as it was, and no temporary file behind.
    """
    from .files import check_destination, write_file

    check_destination(path)
    write_file(path, dumps(net, metadata))  # dumps fails (a custom activation…) before writing


# -- what a model is ---------------------------------------------------------

def output_names(metadata, num_outputs):
    """The names of a model's outputs: its class labels, its target columns, or
    ``output_1``, ``output_2``, …"""
    metadata = metadata or {}
    for key in ("classes", "target_columns"):
        names = metadata.get(key)
        if isinstance(names, list) and len(names) == num_outputs:
            return [str(name) for name in names]
    return ["output_%d" % (k + 1) for k in range(num_outputs)]


def model_summary(net, metadata=None, name=None, version=VERSION):
    """What ``neuronsim info`` prints about a network, as text.

    Its layers, counts, cost and training options, and from ``metadata``
    (what the command line keeps, as :func:`load_document` returns it) its
    columns and how it was trained; ``name`` (the file) and ``version`` (the
    file's format version) head it.  Lines joined by newlines, no newline at
    the end:

    >>> from neuronsim import NeuralNetwork
    >>> net = NeuralNetwork.from_layers(2, [(4, "tanh"), (1, "sigmoid")],
    ...                                 cost="cross_entropy", seed=1)
    >>> print(model_summary(net, {"input_columns": ["x1", "x2"], "target_columns": ["xor"]}))
    neuronsim network (format version 3)
    layers:     2-4-1
      inputs    2
      hidden    4 neurons, tanh
      output    1 neuron, sigmoid
    parameters: 17 (12 weights, 5 biases)
    cost:       cross_entropy
    training:   learning rate 0.5, biases trained, seed 1
    inputs:     x1, x2
    outputs:    xor
    """
    metadata = metadata or {}
    sizes, layers = net.layer_sizes, net.layers
    weights, biases = sum(a * b for a, b in zip(sizes, sizes[1:])), sum(sizes[1:])
    lines = ["%sneuronsim network (format version %s)" % ("" if name is None else name + ": ",
                                                          version),
             "layers:     %s" % "-".join(str(size) for size in sizes), "  inputs    %d" % sizes[0]]
    lines += ["  %-9s %d neuron%s, %s" % ("output" if layer is layers[-1] else "hidden",
                                         len(layer.neurons), "" if len(layer.neurons) == 1 else
                                         "s", layer.activation.name) for layer in layers]
    lines += ["parameters: %d (%d weights, %d biases)" % (weights + biases, weights, biases),
              "cost:       %s" % net.cost.name, "training:   learning rate %r, biases %s, seed %s"
              % (net.learning_rate, "trained" if net.train_biases else "fixed", net.seed)]
    if metadata.get("input_columns"):
        lines.append("inputs:     %s" % ", ".join(metadata["input_columns"]))
    lines.append("outputs:    %s" % ", ".join(output_names(metadata, net.num_outputs)))
    trained = metadata.get("training")
    if trained is not None:
        lines.append("trained:    on %s, %s epochs, error %s, stopped by %s" % (metadata.get(
            "data", "?"), trained.get("epochs"), trained.get("training_error"),
            trained.get("stop_reason")))
    return "\n".join(lines)


# -- metadata ----------------------------------------------------------------

def _strings(value, where, count, what="string"):
    if not isinstance(value, list) or len(value) != count or \
            not all(isinstance(item, str) for item in value):
        _fail(where, "expected a list of %d %s%s, got %s"
              % (count, what, "" if count == 1 else "s", describe(value)))
    for index, item in enumerate(value):
        if item in value[:index]:
            _fail("%s[%d]" % (where, index), "%r appears twice" % (item,))


def _indices(value, where, count, num_columns):
    if not isinstance(value, list) or len(value) != count:
        _fail(where, "expected a list of %d column %s, got %s"
              % (count, "index" if count == 1 else "indices", describe(value)))
    for index, item in enumerate(value):
        spot = "%s[%d]" % (where, index)
        _whole_number(item, spot, 0)
        if num_columns is not None and item >= num_columns:
            _fail(spot, "expected a column index below num_columns (%d), got %d"
                  % (num_columns, item))
        if item in value[:index]:
            _fail(spot, "column %d appears twice" % item)


def _check_metadata(metadata, num_inputs, num_outputs):
    """Check the metadata keys neuronsim itself reads; any other key is free-form.

    The command line (neuronsim/data.py) stores the columns a network was
    trained on; ``predict`` and ``info`` trust these once the loader (and
    ``to_dict``, before anything is written) has checked them:

    * ``input_columns``: ``num_inputs`` distinct strings;
    * ``target_columns``: distinct strings, one per output, or one (the
      column of labels) when ``classes`` is given;
    * ``classes``: ``num_outputs`` distinct strings (the class labels);
    * ``num_columns``: a whole number > ``num_inputs`` (the training file's width);
    * ``input_indices``, ``target_indices``: distinct whole numbers below
      ``num_columns``, as many as the names;
    * ``has_header``: true or false; ``data``, ``command``: strings;
      ``training``: an object.

    >>> _check_metadata({"input_columns": 5}, 2, 1)
    Traceback (most recent call last):
      ...
    neuronsim.saving.ModelFileError: metadata.input_columns: expected a list of 2 strings, got 5
    """
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        _fail("metadata", "expected a JSON object, got %s" % describe(metadata))
    get = metadata.get
    if "classes" in metadata:
        _strings(get("classes"), "metadata.classes", num_outputs, "class label")
    if "input_columns" in metadata:
        _strings(get("input_columns"), "metadata.input_columns", num_inputs)
    if "target_columns" in metadata:
        _strings(get("target_columns"), "metadata.target_columns",
                 1 if "classes" in metadata else num_outputs)
    num_columns = get("num_columns")
    if "num_columns" in metadata:
        _whole_number(num_columns, "metadata.num_columns", num_inputs + 1)
    if "input_indices" in metadata:
        _indices(get("input_indices"), "metadata.input_indices", num_inputs, num_columns)
    if "target_indices" in metadata:
        count = 1 if "classes" in metadata else num_outputs
        _indices(get("target_indices"), "metadata.target_indices", count, num_columns)
        for index, item in enumerate(get("target_indices")):
            if item in (get("input_indices") or ()):
                _fail("metadata.target_indices[%d]" % index,
                      "column %d is also in metadata.input_indices" % item)
    if "has_header" in metadata and not isinstance(get("has_header"), bool):
        _fail("metadata.has_header", "expected true or false, got %s"
              % describe(get("has_header")))
    for key in ("data", "command"):
        if key in metadata and not isinstance(get(key), str):
            _fail("metadata." + key, "expected a string, got %s" % describe(get(key)))
    if "training" in metadata and not isinstance(get("training"), dict):
        _fail("metadata.training", "expected a JSON object, got %s" % describe(get("training")))
