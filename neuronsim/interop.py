"""Import trained networks from scikit-learn and PyTorch.

>>> from neuronsim.interop import from_sklearn, from_torch    # doctest: +SKIP
>>> net = from_sklearn(MLPClassifier(...).fit(X, y))           # doctest: +SKIP
>>> net.export("c", type="int16", data=X.tolist())             # doctest: +SKIP

* :func:`from_sklearn` reads a fitted ``MLPClassifier`` or ``MLPRegressor``:
  ``coefs_`` (one ``(inputs, outputs)`` matrix per layer), ``intercepts_``,
  ``activation`` (identity, logistic, tanh, relu) and ``out_activation_``
  (identity, logistic, softmax).  ``feed_forward`` then gives
  ``predict_proba`` (multi-class), its second column (binary: one sigmoid
  output), or ``predict`` (regression).
* :func:`from_torch` reads an ``nn.Sequential`` of ``nn.Linear`` layers, each
  followed by at most one of ``nn.ReLU``, ``nn.Tanh``, ``nn.Sigmoid``,
  ``nn.Softmax(dim=-1 or 1)`` (last only), ``nn.LeakyReLU(0.01)`` or
  ``nn.Identity``; ``nn.Dropout`` (a no-op in evaluation) and ``nn.Flatten``
  are skipped.  The weights are read exactly (float32 widens to double
  exactly), so ``feed_forward`` equals the module computing in float64
  (``module.double()``); the float32 module itself differs by its own
  rounding, about 1e-7.

Both read the objects by attribute (``getattr``, ``tolist()``) and never import
scikit-learn or PyTorch.  Anything else is a ValueError naming the layer.

Each layer keeps its own activation (``NeuralNetwork.from_layers``), so a
PyTorch model whose hidden layers differ comes across as it is.
"""

from .layer import NeuronLayer
from .network import NeuralNetwork

_SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh",
                        "relu": "relu", "softmax": "softmax"}
_TORCH_ACTIVATIONS = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "Softmax": "softmax",
                      "LeakyReLU": "leaky_relu", "Identity": "linear"}
_TORCH_SKIPPED = ("Dropout", "Flatten")


def _plain(value):
    """Nested lists from a numpy array or a tensor (read by attribute), or as given."""
    for step in ("detach", "cpu", "tolist"):
        if hasattr(value, step):
            value = getattr(value, step)()
    return value


def _matrix(value, where):
    """A list of lists of floats from a numpy array, a tensor or nested lists."""
    try:
        return [[float(x) for x in row] for row in _plain(value)]
    except TypeError:
        raise ValueError("%s: expected a 2-D array of numbers" % where)


def _vector(value, where):
    try:
        return [float(x) for x in _plain(value)]
    except TypeError:
        raise ValueError("%s: expected a 1-D array of numbers" % where)


def _build(layers, source):
    """A NeuralNetwork from [(weights rows per neuron, biases, activation), …]."""
    if len(layers) < 2:
        raise ValueError("%s: neuronsim needs at least one hidden layer, got %d layer%s"
                         % (source, len(layers), "" if len(layers) == 1 else "s"))
    hidden = [activation for _, _, activation in layers[:-1]]
    for index, activation in enumerate(hidden):
        if activation == "softmax":
            raise ValueError("%s: layer %d: softmax works only on the output layer"
                             % (source, index))
    sizes = [len(layers[0][0][0])] + [len(rows) for rows, _, _ in layers]
    for index, (rows, biases, _) in enumerate(layers):
        if any(len(row) != sizes[index] for row in rows) or len(biases) != len(rows):
            raise ValueError("%s: layer %d: expected %d inputs per neuron (the previous "
                             "layer's outputs) and one bias per neuron"
                             % (source, index, sizes[index]))
    output = layers[-1][2]
    cost = "cross_entropy" if output in ("softmax", "sigmoid") else "squared_error"
    built = [NeuronLayer(len(rows), sizes[index], [w for row in rows for w in row], biases,
                         activation, name="layers[%d]" % index)
             for index, (rows, biases, activation) in enumerate(layers)]
    return NeuralNetwork.from_layers(sizes[0], built, cost=cost, seed=0)


def from_sklearn(estimator):
    """A NeuralNetwork computing a fitted scikit-learn MLPClassifier/MLPRegressor."""
    kind = type(estimator).__name__
    coefs = getattr(estimator, "coefs_", None)
    intercepts = getattr(estimator, "intercepts_", None)
    if coefs is None or intercepts is None:
        raise ValueError("from_sklearn: %s has no coefs_/intercepts_: expected a fitted "
                         "MLPClassifier or MLPRegressor" % kind)
    activation = getattr(estimator, "activation", None)
    output = getattr(estimator, "out_activation_", None)
    if activation not in _SKLEARN_ACTIVATIONS or activation == "softmax":
        raise ValueError("from_sklearn: hidden activation %r is not supported; expected one of "
                         "'identity', 'logistic', 'tanh', 'relu'" % (activation,))
    if output not in _SKLEARN_ACTIVATIONS:
        raise ValueError("from_sklearn: output activation %r is not supported" % (output,))
    layers = []
    for index, (matrix, vector) in enumerate(zip(coefs, intercepts)):
        where = "from_sklearn: coefs_[%d]" % index
        columns = _matrix(matrix, where)                   # (inputs, outputs)
        rows = [list(column) for column in zip(*columns)]  # one row per neuron
        name = output if index == len(coefs) - 1 else activation
        layers.append((rows, _vector(vector, "from_sklearn: intercepts_[%d]" % index),
                       _SKLEARN_ACTIVATIONS[name]))
    return _build(layers, "from_sklearn(%s)" % kind)


def from_torch(module):
    """A NeuralNetwork computing a torch ``nn.Sequential`` of Linear layers and activations."""
    children = getattr(module, "children", None)
    if children is None:
        raise ValueError("from_torch: expected an nn.Sequential, got %s" % type(module).__name__)
    modules = list(children())
    if type(module).__name__ == "Linear" or not modules:
        modules = [module]
    layers = []
    pending = None  # (rows, biases) of a Linear awaiting its activation
    for index, child in enumerate(modules):
        kind = type(child).__name__
        where = "from_torch: layer %d (%s)" % (index, kind)
        if kind == "Linear":
            if pending is not None:
                layers.append(pending + ("linear",))
            rows = _matrix(getattr(child, "weight"), where + ".weight")   # (outputs, inputs)
            bias = getattr(child, "bias", None)
            biases = [0.0] * len(rows) if bias is None else _vector(bias, where + ".bias")
            pending = (rows, biases)
        elif kind in _TORCH_ACTIVATIONS:
            if pending is None:
                raise ValueError("%s: an activation must follow an nn.Linear" % where)
            name = _TORCH_ACTIVATIONS[kind]
            if kind == "LeakyReLU":
                from .activations import ACTIVATIONS

                slope = getattr(child, "negative_slope", None)
                if slope != ACTIVATIONS["leaky_relu"].slope:
                    raise ValueError("%s: negative_slope %r; neuronsim's leaky_relu has slope %r"
                                     % (where, slope, ACTIVATIONS["leaky_relu"].slope))
            if kind == "Softmax":
                dim = getattr(child, "dim", None)
                if dim not in (-1, 1):
                    raise ValueError("%s: dim=%r; expected softmax over the features "
                                     "(dim=-1 or 1)" % (where, dim))
                if index != len(modules) - 1:
                    raise ValueError("%s: softmax works only on the output layer" % where)
            layers.append(pending + (name,))
            pending = None
        elif kind in _TORCH_SKIPPED:
            continue
        else:
            raise ValueError("%s: unsupported; expected nn.Linear or one of %s (or Dropout, "
                             "Flatten)" % (where, ", ".join("nn." + k for k in
                                                            sorted(_TORCH_ACTIVATIONS))))
    if pending is not None:
        layers.append(pending + ("linear",))
    return _build(layers, "from_torch")
