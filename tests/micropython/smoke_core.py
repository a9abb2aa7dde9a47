"""Smoke: the core contract on whatever interpreter runs this.

Per-layer activations (from_layers), assignments checked and honoured, a
read changing nothing, the optimizers (SGD with momentum, Adam) and the
one-screen Neuron as the reference of a train step.
"""

import smoke
from neuronsim import Adam, NeuralNetwork, Neuron, SGD

DATA = [([0.1 * i, 1.0 - 0.1 * i, 0.5], [1.0, 0.0] if i < 3 else [0.0, 1.0]) for i in range(6)]


def weights(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


net = NeuralNetwork.from_layers(3, [(4, "tanh"), (3, "relu"), (2, "softmax")],
                                cost="cross_entropy", seed=5)
smoke.check("from_layers: one activation per layer",
            [layer.activation.name for layer in net.layers] == ["tanh", "relu", "softmax"],
            repr(net))

watched, plain = NeuralNetwork(3, 4, 2, seed=2), NeuralNetwork(3, 4, 2, seed=2)
for inputs, targets in DATA:
    watched.layers[0].neurons[0].weights[1]
    watched.to_dict()
    watched.train(inputs, targets)
    plain.train(inputs, targets)
smoke.check("a read changes nothing", weights(watched) == weights(plain))

try:
    plain.layers[0].neurons[0].weights = [0.1]
    smoke.check("a short weight list is refused", False, "accepted")
except ValueError as error:
    smoke.check("a short weight list is refused", "expected 3 numbers" in str(error), str(error))
try:
    plain.learning_rate = float("nan")
    smoke.check("a nan learning rate is refused", False, "accepted")
except ValueError:
    smoke.check("a nan learning rate is refused", plain.learning_rate == 0.5)

plain.layers[0].activation = "tanh"
rebuilt = NeuralNetwork.from_layers(3, [(4, "tanh"), (2, "sigmoid")], seed=2)
for layer, other in zip(plain.layers, rebuilt.layers):
    for n, m in zip(layer.neurons, other.neurons):
        m.weights = n.weights
        m.bias = n.bias
plain.train(*DATA[0])
rebuilt.train(*DATA[0])
smoke.check("an assigned activation is what train runs", weights(plain) == weights(rebuilt))

model = [[Neuron(list(n.weights), n.bias, layer.activation) for n in layer.neurons]
         for layer in rebuilt.layers]
inputs, targets = DATA[1]
hidden = [n.feed_forward(inputs) for n in model[0]]
outputs = [n.feed_forward(hidden) for n in model[1]]
for n, out, t in zip(model[1], outputs, targets):
    n.backward(out - t)
for h, n in enumerate(model[0]):
    pd = 0.0
    for above in model[1]:
        pd += above.pd_error_wrt_input(h)
    n.backward(pd)
for layer in model:
    for n in layer:
        n.update(0.5)
rebuilt.train(inputs, targets)
smoke.close("train is the one-screen Neuron's step",
            [w for layer in rebuilt.layers for n in layer.neurons for w in n.weights],
            [w for layer in model for n in layer for w in n.weights], 1e-12)

for name, optimizer in (("SGD momentum", SGD(0.5, momentum=0.9)), ("Adam", Adam(0.05))):
    net = NeuralNetwork(3, 4, 2, seed=9)
    history = net.fit(DATA, epochs=60, optimizer=optimizer, seed=1)
    smoke.check("fit with %s lowers the error (%.4f -> %.4f)"
                % (name, history.training_error[0], history.training_error[-1]),
                history.training_error[-1] < 0.5 * history.training_error[0])

# The C and JavaScript exports run here too (the playground offers them in the browser).
net = NeuralNetwork.from_layers(3, [(4, "tanh"), (2, "softmax")], cost="cross_entropy", seed=4)
for target, options, marker in (("c", {"type": "float"}, "int model_predict("),
                                ("c", {"type": "int16", "data": [row for row, _ in DATA]},
                                 "int16_t"),
                                ("javascript", {}, "function predict(")):
    text = net.export(target, **options)
    smoke.check("export to %s %s writes its predict" % (target, options.get("type", "")),
                marker in text, text[:80])

smoke.done()
