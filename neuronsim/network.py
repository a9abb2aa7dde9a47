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
from .scaling import check_classes, check_scaling
from .training import evaluate as _evaluate
from .training import fit as _fit
from .training import predict as _predict
from .validation import (check_biases, check_elementwise, check_number, check_positive_int,
                         check_samples, check_seed, check_vector, describe)


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

    For hidden layers of different activations, use :meth:`from_layers`.

    Attributes: ``layers`` (a tuple, hidden first, output last), ``cost``,
    ``learning_rate``, ``train_biases`` and ``seed`` (the one used, drawn
    from the OS when none was given, so any run can be repeated).  ``cost``,
    ``learning_rate`` and ``train_biases`` may be assigned, and so may a
    layer's ``activation`` and a neuron's ``weights`` and ``bias``: each is
    checked as the constructor checks it and used by the next pass; the rest
    is read-only.  Reading anything never changes what the network computes.
    """

    def __init__(self, num_inputs, num_hidden, num_outputs, hidden_layer_weights=None,
                 hidden_layer_bias=None, output_layer_weights=None, output_layer_bias=None,
                 *, activation="sigmoid", output_activation=None, cost="squared_error",
                 learning_rate=0.5, train_biases=True, seed=None):
        num_inputs = check_positive_int(num_inputs, "num_inputs")
        hidden_sizes = self._check_hidden_sizes(num_hidden)
        num_outputs = check_positive_int(num_outputs, "num_outputs")
        hidden_activation = get_activation(activation, "activation")
        if not hidden_activation.elementwise:
            raise ValueError("activation: %r works only on the output layer; use "
                             "output_activation=%r" % (hidden_activation.name, hidden_activation.name))
        output_activation = get_activation(
            activation if output_activation is None else output_activation, "output_activation")
        cost = get_cost(cost)
        cost.check_activation(output_activation)
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
        _check_bool(train_biases, "train_biases")
        seed = check_seed(seed)
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
        self._assemble(num_inputs, layers, cost, learning_rate, train_biases, seed)

    def _assemble(self, num_inputs, layers, cost, learning_rate, train_biases, seed):
        """Take checked parts: the one place a network's state is set up."""
        self._num_inputs = num_inputs
        self._layers = tuple(layers)
        self._cost = cost
        self._learning_rate = learning_rate
        self._train_biases = train_biases
        self._seed = seed
        self._unrolled = False   # not built yet (see _unrolled_step)
        self._input_scaling = None
        self._target_scaling = None
        self._classes = None
        for layer in layers:
            layer._adopt(self)

    @classmethod
    def from_layers(cls, num_inputs, layers, *, cost="squared_error", learning_rate=0.5,
                    train_biases=True, seed=None):
        """A network from its layers, each with its own width and activation.

        ``layers`` lists the hidden layers, then the output layer; each is a
        ``(width, activation)`` pair, whose weights are drawn from ``seed``
        (uniform, scaled by fan-in, as the constructor draws them), or a
        :class:`NeuronLayer` you built, which becomes this network's (a layer
        belongs to one network).  Hidden layers need an elementwise
        activation (softmax only on the output layer); ``cost`` must suit the
        output layer's activation.

        >>> net = NeuralNetwork.from_layers(2, [(8, "tanh"), (4, "relu"), (3, "softmax")],
        ...                                 cost="cross_entropy", seed=1)
        >>> net
        <NeuralNetwork 2-8-4-3, tanh/relu/softmax, cost cross_entropy>

        The same seed and widths give the same weights as the constructor:

        >>> a = NeuralNetwork.from_layers(2, [(2, "sigmoid"), (2, "sigmoid")], seed=7)
        >>> a.to_dict() == NeuralNetwork(2, 2, 2, seed=7).to_dict()
        True
        """
        num_inputs = check_positive_int(num_inputs, "num_inputs")
        if isinstance(layers, (str, bytes, dict)) or not isinstance(layers, (list, tuple)):
            raise TypeError("layers: expected a list of layers or (width, activation) pairs, "
                            "got %s" % describe(layers))
        if len(layers) < 2:
            raise ValueError("layers: expected at least a hidden and an output layer, got %d"
                             % len(layers))
        cost = get_cost(cost)
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
        _check_bool(train_biases, "train_biases")
        seed = check_seed(seed)
        if seed is None:
            seed = fresh_seed()
        plans = []   # (a NeuronLayer, or (width, activation)), checked
        seen = []
        width = num_inputs
        for index, layer in enumerate(layers):
            where = "layers[%d]" % index
            if isinstance(layer, NeuronLayer):
                if layer._owner() is not None or any(layer is other for other in seen):
                    raise ValueError("%s: this layer already belongs to a network; build a "
                                     "new one (or copy.deepcopy the network)" % where)
                if layer.num_inputs != width:
                    raise ValueError("%s: expected a layer with %d inputs (the width below "
                                     "it), got %d" % (where, width, layer.num_inputs))
                seen.append(layer)
                activation = layer.activation
                plans.append(layer)
                size = len(layer)
            else:
                if isinstance(layer, (str, bytes)) or not isinstance(layer, (list, tuple)) \
                        or len(layer) != 2:
                    raise TypeError("%s: expected a NeuronLayer or a (width, activation) pair, "
                                    "got %s" % (where, describe(layer)))
                size = check_positive_int(layer[0], where + ".width")
                activation = get_activation(layer[1], where + ".activation")
                plans.append((size, activation))
            if index < len(layers) - 1:
                check_elementwise(activation, where + ".activation")
            else:
                try:
                    cost.check_activation(activation)
                except ValueError as error:
                    raise ValueError("%s.activation: %s" % (where, error))
            width = size
        # Every argument has been checked: from here on nothing can fail.
        rng = SplitMix64(seed)
        built = []
        width = num_inputs
        for index, plan in enumerate(plans):
            if not isinstance(plan, NeuronLayer):
                plan = NeuronLayer(plan[0], width, None, 0.0, plan[1], rng, "layers[%d]" % index)
            built.append(plan)
            width = len(plan)
        net = object.__new__(cls)   # MicroPython: a class has no __new__ attribute
        net._assemble(num_inputs, built, cost, learning_rate, train_biases, seed)
        return net

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

    # -- structure and settings ------------------------------------------------

    @property
    def layers(self):
        """The layers, hidden first and output last: a tuple, fixed at construction."""
        return self._layers

    @property
    def num_inputs(self):
        return self._num_inputs

    @property
    def seed(self):
        """The seed the initial weights were drawn from (read-only)."""
        return self._seed

    @property
    def cost(self):
        """The cost E: assignable by name or Cost, checked against the output activation."""
        return self._cost

    @cost.setter
    def cost(self, value):
        cost = get_cost(value)
        cost.check_activation(self._layers[-1].activation)
        self._cost = cost
        self._structure_changed()

    @property
    def learning_rate(self):
        """η of ``train`` (and of ``fit`` unless it is given one): a number > 0."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = check_number(value, "learning_rate", positive=True)

    @property
    def train_biases(self):
        """False keeps every bias fixed (the worked example's choice)."""
        return self._train_biases

    @train_biases.setter
    def train_biases(self, value):
        self._train_biases = _check_bool(value, "train_biases")

    def _check_layer_activation(self, layer, activation):
        """Raise if ``activation`` cannot go where ``layer`` is (its setter asks)."""
        index = [position for position, own in enumerate(self._layers) if own is layer][0]
        where = "layers[%d].activation" % index
        if index < len(self._layers) - 1:
            check_elementwise(activation, where)
        else:
            try:
                self._cost.check_activation(activation)
            except ValueError as error:
                raise ValueError("%s: %s" % (where, error))
            if self._target_scaling is not None and activation.name != "linear":
                raise ValueError("%s: this network has a target_scaling, which needs a "
                                 "'linear' output; set target_scaling = None first" % where)

    # -- what travels with the model: scaling and class labels -------------------

    @property
    def input_scaling(self):
        """A :class:`~neuronsim.scaling.Standardizer` every input goes through
        before the first layer, or None.  Assignable (checked: one column per
        input); ``fit(scale_inputs=True)`` learns one."""
        return self._input_scaling

    @input_scaling.setter
    def input_scaling(self, value):
        self._input_scaling = check_scaling(value, self._num_inputs, "input_scaling")

    @property
    def target_scaling(self):
        """A Standardizer the targets are scaled by (and the outputs unscaled by), or
        None.  Needs a ``'linear'`` output; ``fit(scale_targets=True)`` learns one."""
        return self._target_scaling

    @target_scaling.setter
    def target_scaling(self, value):
        value = check_scaling(value, self.num_outputs, "target_scaling")
        if value is not None and self._layers[-1].activation.name != "linear":
            raise ValueError("target_scaling: needs a 'linear' output activation (scaled "
                             "targets go below 0 and above 1), this network's is %r"
                             % self._layers[-1].activation.name)
        self._target_scaling = value

    @property
    def classes(self):
        """The class labels of the outputs (a tuple: one per output, or for a
        single output the labels of 0 and 1), or None.  Assignable (checked);
        :meth:`classify` and :meth:`class_probabilities` name classes with them."""
        return self._classes

    @classes.setter
    def classes(self, value):
        self._classes = check_classes(value, self.num_outputs)

    def class_probabilities(self, inputs):
        """``{label: probability}`` for one input vector, in output order.

        The probabilities are the outputs (softmax: they sum to 1); a single
        output ``p`` gives ``{class 0: 1 − p, class 1: p}``.  Labels are
        :attr:`classes`, or the output indices 0, 1, … when it is None.
        """
        outputs = self.predict(inputs)
        if len(outputs) == 1:
            outputs = [1.0 - outputs[0], outputs[0]]
        labels = self._classes if self._classes is not None else range(len(outputs))
        result = {}
        for label, probability in zip(labels, outputs):
            result[label] = probability
        return result

    def classify(self, inputs):
        """The predicted class label for one input vector: the largest output's
        (a single output: class 1 when it is at least 0.5), named by :attr:`classes`
        (its index when that is None)."""
        from .training import class_of
        index = class_of(self.predict(inputs))
        return self._classes[index] if self._classes is not None else index

    def _structure_changed(self):
        """An activation or the cost changed: drop what was compiled for the old ones."""
        self._unrolled = False

    def __getstate__(self):   # copy and pickle: the compiled step is rebuilt, not copied
        state = dict(self.__dict__)
        state["_unrolled"] = False
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        for layer in self._layers:
            layer._adopt(self)

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
            "/".join(layer.activation.name for layer in self._layers), self._cost.name)

    # -- checks at the door --------------------------------------------------

    # Inputs and targets are checked in the user's units and returned scaled:
    # what the first layer and the cost see (see neuronsim.scaling).

    def _check_inputs(self, inputs, name="inputs"):
        inputs = check_vector(inputs, name, self._num_inputs)
        if self._input_scaling is not None:
            inputs = self._input_scaling.transform(inputs)
        return inputs

    def _check_targets(self, targets, name="targets"):
        targets = check_vector(targets, name, len(self._layers[-1]._neurons))
        if self._target_scaling is not None:
            targets = self._target_scaling.transform(targets)
        self._cost.check_targets(targets, name)
        return targets

    def _check_samples(self, samples, name="training_sets", scaled=True):
        samples = check_samples(samples, self._num_inputs, len(self._layers[-1]._neurons), name)
        if scaled:
            samples = self._scale_samples(samples, self._input_scaling, self._target_scaling)
        for index, (_, targets) in enumerate(samples):
            self._cost.check_targets(targets, "%s[%d].targets" % (name, index))
        return samples

    @staticmethod
    def _scale_samples(samples, input_scaling, target_scaling):
        """Checked samples in the user's units → new scaled ones (or the same list)."""
        if input_scaling is None and target_scaling is None:
            return samples
        scale_in = input_scaling.transform if input_scaling is not None else list
        scale_out = target_scaling.transform if target_scaling is not None else list
        return [(scale_in(inputs), scale_out(targets)) for inputs, targets in samples]

    def _unscaled_outputs(self, outputs):
        """The output layer's values in the user's units (a new list)."""
        if self._target_scaling is not None:
            return self._target_scaling.inverse(outputs)
        return list(outputs)

    # -- forward -------------------------------------------------------------

    def feed_forward(self, inputs):
        """The network's outputs for one input vector; every neuron keeps its net and out.

        Inputs are in the user's units (the :attr:`input_scaling`, if any, is
        applied first), and so are the outputs (unscaled by the
        :attr:`target_scaling`, if any; the output neurons keep the scaled value).
        """
        outputs = self._feed_forward(self._check_inputs(inputs))
        if self._target_scaling is not None:
            return self._target_scaling.inverse(outputs)
        return outputs

    def _feed_forward(self, values):
        for layer in self._layers:
            values = layer.feed_forward(values)
        return values

    def _error(self, targets, outputs):
        layer = self._layers[-1]
        return self._cost.fn(targets, outputs, [n._net for n in layer._neurons], layer._activation)

    def calculate_output_errors(self, inputs, targets):
        """[E_o1, E_o2, …]: each output neuron's share of E for one sample."""
        inputs, targets = self._check_inputs(inputs), self._check_targets(targets)
        outputs = self._feed_forward(inputs)
        layer = self._layers[-1]
        return self._cost.errors(targets, outputs, [n._net for n in layer._neurons],
                                 layer._activation)

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
        layers = self._layers
        output_layer = layers[-1]
        activation = output_layer._activation
        nets = [neuron._net for neuron in output_layer._neurons]
        cost = self._cost
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
                           self._learning_rate)

    def _step(self, learning_rate, defer=False):
        train_biases = self._train_biases
        layers = self._layers
        # With defer (fit asks), the first layer may hold its steps back
        # (NeuronLayer.update): between a step and the next forward pass
        # nothing reads its weights, and fit takes them before anyone can.
        layers[0].update(learning_rate, train_biases, defer)
        for index in range(1, len(layers)):
            layers[index].update(learning_rate, train_biases)

    def _take_held_steps(self):
        """Take every step a layer held back (see NeuronLayer.update)."""
        for layer in self._layers:
            layer.take_held_steps()

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

    def _repr_svg_(self):
        """The network as SVG, for Jupyter: weights labelled on small networks
        (up to 40); None (the text repr) beyond what ``to_svg`` draws."""
        from .pictures import MAX_CONNECTIONS, network_svg
        count = sum(len(n.weights) for layer in self._layers for n in layer.neurons)
        if count > MAX_CONNECTIONS:
            return None
        svg = network_svg(self, label="weight" if count <= 40 else None)
        return svg[svg.index("<svg"):]   # the element alone, to sit inside a page

    # -- training ---------------------------------------------------------------

    fit = _fit
    predict = _predict
    evaluate = _evaluate

    # -- saving and export ------------------------------------------------------

    def to_dict(self, metadata=None):
        """Every weight, bias and option as JSON-ready data (see neuronsim.saving)."""
        from .saving import to_dict
        return to_dict(self, metadata)

    @classmethod
    def from_dict(cls, document):
        """A network from :meth:`to_dict`'s data; bad data raises saving.ModelFileError."""
        from .saving import from_dict
        return from_dict(document, cls)

    def save(self, path, metadata=None):
        """Write the network to ``path`` as JSON, atomically (see neuronsim.saving)."""
        from .saving import save
        save(self, path, metadata)

    @classmethod
    def load(cls, path):
        """A network from a file written by :meth:`save`; never executes anything."""
        from .saving import load
        return load(path, cls)

    def export_source(self):
        """A standalone Python module (imports only math) whose predict() is feed_forward."""
        from .export import export_source
        return export_source(self)

    def export(self, target="python", **options):
        """Standalone source for ``target`` ("python", "c", "javascript"); see neuronsim.export."""
        from .export import export
        return export(self, target, **options)

    # -- the hot path, chosen by size ------------------------------------------

    use_unrolled = True     # False forces the general path (tests compare the two)

    def _train(self, inputs, targets, learning_rate, defer=False):
        """``train`` on already-checked float lists: backprop, then one step; return E.

        Small networks run the step unrolled for their shape in one call
        (``neuronsim/unrolled.py``); the rest run ``_backprop`` then ``_step``
        (``defer``: see :meth:`_step`).
        """
        run = self._unrolled_step()
        if run is not None:
            return run(inputs, targets, learning_rate, self._train_biases)
        error = self._backprop_by_layers(inputs, targets)
        self._step(learning_rate, defer)
        return error

    def _unrolled_step(self):
        """The step compiled for this small network's shape, or None for the general path.

        Built on first use and dropped whenever an activation or the cost
        changes (:meth:`_structure_changed`), so it always runs what the
        network holds.
        """
        run = self._unrolled
        if run is False:
            from . import unrolled as module
            run = module.compile_step(self._layers, self._cost) \
                if module.wanted(self._layers) else None
            self._unrolled = run
        if not self.use_unrolled:
            return None
        return run


def _check_bool(value, name):
    if not isinstance(value, bool):
        raise TypeError("%s: expected True or False, got %s" % (name, describe(value)))
    return value
