"""The network: layers of neurons, the error E, and backpropagation.

The worked example, exactly (biases fixed, as in the text):

>>> net = NeuralNetwork(2, 2, 2,
...                     hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
...                     output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
...                     train_biases=False)
>>> [round(out, 9) for out in net.feed_forward([0.05, 0.1])]      # out_o1, out_o2
[0.75136507, 0.772928465]
>>> round(net.train([0.05, 0.1], [0.01, 0.99]), 9)               # E_total, then one step
0.298371109
>>> [round(w, 9) for w in net.output_layer.neurons[0].weights]   # w5+, w6+
[0.35891648, 0.408666186]
>>> round(net.calculate_total_error([([0.05, 0.1], [0.01, 0.99])]), 9)
0.291027774
"""

from .activations import get_activation
from .costs import get_cost
from .layer import NeuronLayer
from .rng import SplitMix64, fresh_seed
from .validation import (check_biases, check_number, check_positive_int, check_samples,
                         check_seed, check_vector, describe)


class NeuralNetwork:
    """A feed-forward network: ``num_inputs`` → hidden layer(s) → ``num_outputs``.

    ``num_hidden`` is one width or a list of widths (several hidden layers).
    ``hidden_layer_weights`` and ``output_layer_weights`` are flat lists,
    neuron by neuron, each neuron's weights in input order (with several hidden
    layers, ``hidden_layer_weights`` covers them all, first layer first); None
    draws them from a generator seeded by ``seed``.  A scalar bias sets every
    neuron of its layer(s); a list sets them one by one; None means 0.

    ``activation`` is used by the hidden layers and, unless
    ``output_activation`` says otherwise, by the output layer; names are
    ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"`` and
    (output only) ``"softmax"``.  ``cost`` is ``"squared_error"`` or
    ``"cross_entropy"``.  ``train_biases=False`` keeps every bias fixed, as the
    worked example does.

    Attributes: ``layers`` (hidden first, output last), ``cost``,
    ``learning_rate``, ``train_biases`` and ``seed`` (the one used, drawn
    from the OS when none was given, so any run can be repeated).
    """

    def __init__(self, num_inputs, num_hidden, num_outputs, hidden_layer_weights=None,
                 hidden_layer_bias=None, output_layer_weights=None, output_layer_bias=None,
                 *, activation="sigmoid", output_activation=None, cost="squared_error",
                 learning_rate=0.5, train_biases=True, seed=None):
        check_positive_int(num_inputs, "num_inputs")
        hidden_sizes = self._check_hidden_sizes(num_hidden)
        check_positive_int(num_outputs, "num_outputs")
        hidden_activation = get_activation(activation, "activation")
        if not hidden_activation.elementwise:
            raise ValueError("activation: %r works only on the output layer; use "
                             "output_activation=%r" % (hidden_activation.name, hidden_activation.name))
        output_activation = get_activation(
            activation if output_activation is None else output_activation, "output_activation")
        cost = get_cost(cost)
        cost.check_activation(output_activation)
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
        if not isinstance(train_biases, bool):
            raise TypeError("train_biases: expected True or False, got %s" % describe(train_biases))
        check_seed(seed)
        if seed is None:
            seed = fresh_seed()

        sizes = [num_inputs] + hidden_sizes
        hidden_weights = self._split_hidden(hidden_layer_weights, sizes)
        hidden_biases = self._split_hidden_biases(hidden_layer_bias, hidden_sizes)
        if output_layer_weights is not None:
            output_layer_weights = check_vector(output_layer_weights, "output_layer_weights",
                                                sizes[-1] * num_outputs)
        output_layer_bias = check_biases(output_layer_bias, num_outputs, "output_layer_bias")

        # Every argument has been checked: from here on nothing can fail.
        rng = SplitMix64(seed)
        layers = []
        for index in range(len(hidden_sizes)):
            name = "hidden_layer" if len(hidden_sizes) == 1 else "hidden_layers[%d]" % index
            layers.append(NeuronLayer(sizes[index + 1], sizes[index], hidden_weights[index],
                                      hidden_biases[index], hidden_activation, rng, name))
        layers.append(NeuronLayer(num_outputs, sizes[-1], output_layer_weights,
                                  output_layer_bias, output_activation, rng, "output_layer"))

        self.num_inputs = num_inputs
        self.layers = layers
        self.cost = cost
        self.learning_rate = learning_rate
        self.train_biases = train_biases
        self.seed = seed

    # -- construction helpers ------------------------------------------------

    @staticmethod
    def _check_hidden_sizes(num_hidden):
        if isinstance(num_hidden, (list, tuple)):
            if not num_hidden:
                raise ValueError("num_hidden: expected at least one hidden layer size, got []")
            return [check_positive_int(size, "num_hidden[%d]" % i) for i, size in enumerate(num_hidden)]
        return [check_positive_int(num_hidden, "num_hidden")]

    @staticmethod
    def _split_hidden(weights, sizes):
        """One flat list for all hidden layers → one list per layer."""
        count = len(sizes) - 1
        if weights is None:
            return [None] * count
        needed = sum(sizes[i] * sizes[i + 1] for i in range(count))
        weights = check_vector(weights, "hidden_layer_weights", needed)
        result, start = [], 0
        for i in range(count):
            end = start + sizes[i] * sizes[i + 1]
            result.append(weights[start:end])
            start = end
        return result

    @staticmethod
    def _split_hidden_biases(bias, hidden_sizes):
        bias = check_biases(bias, sum(hidden_sizes), "hidden_layer_bias")
        result, start = [], 0
        for size in hidden_sizes:
            result.append(bias[start:start + size])
            start += size
        return result

    # -- structure -----------------------------------------------------------

    @property
    def hidden_layers(self):
        return self.layers[:-1]

    @property
    def hidden_layer(self):
        """The hidden layer of a network that has exactly one."""
        if len(self.layers) != 2:
            raise AttributeError("hidden_layer: this network has %d hidden layers; "
                                 "use hidden_layers or layers" % (len(self.layers) - 1))
        return self.layers[0]

    @property
    def output_layer(self):
        return self.layers[-1]

    @property
    def num_outputs(self):
        return len(self.layers[-1].neurons)

    @property
    def layer_sizes(self):
        """[inputs, hidden…, outputs], e.g. [2, 2, 2] for the worked example."""
        return [self.num_inputs] + [len(layer.neurons) for layer in self.layers]

    @property
    def output_activation(self):
        return self.layers[-1].activation

    def __repr__(self):
        return "<NeuralNetwork %s, %s, cost %s>" % (
            "-".join(str(size) for size in self.layer_sizes),
            "/".join(layer.activation.name for layer in self.layers), self.cost.name)

    # -- checks at the door --------------------------------------------------

    def _check_inputs(self, inputs, name="inputs"):
        return check_vector(inputs, name, self.num_inputs)

    def _check_targets(self, targets, name="targets"):
        targets = check_vector(targets, name, self.num_outputs)
        self.cost.check_targets(targets, name)
        return targets

    def _check_samples(self, samples, name="training_sets"):
        samples = check_samples(samples, self.num_inputs, self.num_outputs, name)
        for index, (_, targets) in enumerate(samples):
            self.cost.check_targets(targets, "%s[%d].targets" % (name, index))
        return samples

    # -- forward -------------------------------------------------------------

    def feed_forward(self, inputs):
        """The network's outputs for one input vector; every neuron keeps its net and out."""
        return self._feed_forward(self._check_inputs(inputs))

    def _feed_forward(self, values):
        for layer in self.layers:
            values = layer.feed_forward(values)
        return values

    def _error(self, targets, outputs):
        layer = self.layers[-1]
        return self.cost.fn(targets, outputs, [n.net_input for n in layer.neurons], layer.activation)

    def calculate_output_errors(self, inputs, targets):
        """[E_o1, E_o2, …]: each output neuron's share of E for one sample."""
        inputs, targets = self._check_inputs(inputs), self._check_targets(targets)
        outputs = self._feed_forward(inputs)
        layer = self.layers[-1]
        return self.cost.errors(targets, outputs, [n.net_input for n in layer.neurons],
                                layer.activation)

    def calculate_total_error(self, training_sets):
        """E summed over a list of ``(inputs, targets)`` samples."""
        total = 0.0
        for inputs, targets in self._check_samples(training_sets):
            total += self._error(targets, self._feed_forward(inputs))
        return total

    # -- backward ------------------------------------------------------------

    def backprop(self, inputs, targets):
        """Forward and backward pass for one sample; return its error E.

        Every neuron then holds ``pd_error_wrt_output``, ``delta``,
        ``weight_gradients`` and ``bias_gradient``.  Weights are not changed.
        """
        return self._backprop(self._check_inputs(inputs), self._check_targets(targets))

    def _backprop(self, inputs, targets):
        run = self._unrolled_step()
        if run is not None:
            return run(inputs, targets, None, False)
        return self._backprop_by_layers(inputs, targets)

    def _backprop_by_layers(self, inputs, targets):
        """The general backward pass, layer by layer (any size, any activation)."""
        outputs = self._feed_forward(inputs)
        layers = self.layers
        output_layer = layers[-1]
        activation = output_layer.activation
        nets = [neuron.net_input for neuron in output_layer.neurons]
        cost = self.cost
        output_layer.backward(cost.pd_error_wrt_outputs(targets, outputs, activation),
                              cost.output_deltas(targets, outputs, nets, activation))
        # BP2, from the top down; every delta comes from the weights as they
        # are now, before any of them is stepped.
        for index in range(len(layers) - 1, 0, -1):
            layers[index - 1].backward(layers[index].pd_error_wrt_inputs())
        return cost.fn(targets, outputs, nets, activation)

    def train(self, inputs, targets):
        """One step of gradient descent on one sample; return E before the step.

        All deltas are computed first, from the current weights, and only
        then is every weight moved: w ← w − η·∂E/∂w.
        """
        return self._train(self._check_inputs(inputs), self._check_targets(targets),
                           self.learning_rate)

    def _step(self, learning_rate):
        train_biases = self.train_biases
        layers = self.layers
        # The first layer may hold its steps back (NeuronLayer.update):
        # between a step and the next forward pass nothing reads its weights.
        layers[0].update(learning_rate, train_biases, True)
        for index in range(1, len(layers)):
            layers[index].update(learning_rate, train_biases)

    # -- explaining and pictures -----------------------------------------------

    def explain(self, inputs, targets):
        """One training step on (inputs, targets), every number written out.

        Returns text; no weight or bias changes (see ``neuronsim.explain``).
        """
        from .explain import explain
        return explain(self, inputs, targets)

    def to_svg(self, inputs=None, targets=None, label=None, **options):
        """The network as an SVG picture (see ``neuronsim.pictures.network_svg``)."""
        from .pictures import network_svg
        return network_svg(self, inputs, targets, label=label, **options)

    # -- training ---------------------------------------------------------------

    def fit(self, training_data, **options):
        """Train on a list of ``(inputs, targets)``; return a History.

        Mini-batches, momentum, L2, shuffling, early stopping, progress and
        divergence checks: see :func:`neuronsim.training.fit` for the keywords.
        """
        from .training import fit

        return fit(self, training_data, **options)

    def predict(self, inputs):
        """The outputs for one input vector (a new list), like ``feed_forward``."""
        from .training import predict

        return predict(self, inputs)

    def evaluate(self, data):
        """``{"error": mean E per sample, "accuracy": fraction right or None}``."""
        from .training import evaluate

        return evaluate(self, data)

    # -- saving and export ------------------------------------------------------

    def to_dict(self, metadata=None):
        """Every weight, bias and option as JSON-ready data (see neuronsim.saving)."""
        from .saving import to_dict
        return to_dict(self, metadata)

    @classmethod
    def from_dict(cls, document):
        """A network from :meth:`to_dict`'s data; bad data raises saving.ModelFileError."""
        from .saving import from_dict
        return from_dict(document)

    def save(self, path, metadata=None):
        """Write the network to ``path`` as JSON, atomically (see neuronsim.saving)."""
        from .saving import save
        save(self, path, metadata)

    @classmethod
    def load(cls, path):
        """A network from a file written by :meth:`save`; never executes anything."""
        from .saving import load
        return load(path)

    def export_source(self):
        """A standalone Python module (imports only math) whose predict() is feed_forward."""
        from .export import export_source
        return export_source(self)

    def export(self, target="python", **options):
        """Standalone source for ``target`` ("python", "c", "javascript"); see neuronsim.export."""
        from .export import export
        return export(self, target, **options)

    # -- the hot path, chosen by size ------------------------------------------

    _unrolled = None        # (cost, run) once built; see neuronsim/unrolled.py
    use_unrolled = True     # False forces the general path (tests compare the two)

    def _train(self, inputs, targets, learning_rate):
        """``train`` on already-checked float lists: backprop, then one step; return E.

        Small networks run the step unrolled for their shape in one call
        (``neuronsim/unrolled.py``); the rest run ``_backprop`` then ``_step``.
        """
        run = self._unrolled_step()
        if run is not None:
            return run(inputs, targets, learning_rate, self.train_biases)
        error = self._backprop_by_layers(inputs, targets)
        self._step(learning_rate)
        return error

    def _unrolled_step(self):
        """The step compiled for this small network's shape, or None for the general path."""
        unrolled = self._unrolled
        if unrolled is not None and unrolled[0] is self.cost and self.use_unrolled:
            return unrolled[1]
        if not self.use_unrolled:
            return None
        from . import unrolled as module
        run = module.compile_step(self.layers, self.cost) if module.wanted(self.layers) else None
        self._unrolled = (self.cost, run)
        return run
