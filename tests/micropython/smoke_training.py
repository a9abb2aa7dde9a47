"""Smoke: fit (issue 4) and explain (issue 6) on whatever interpreter runs this.

fit with the worked example reproduces its two errors; XOR is learned with
mini-batches and momentum from fixed seeds; a diverging run raises
TrainingDiverged and puts the network back; explain writes the worked
example's numbers (MicroPython formats floats with its own code, so the text
is checked, not just the arithmetic).
"""

import smoke
from neuronsim import NeuralNetwork
from neuronsim.training import TrainingDiverged

INPUTS, TARGETS = [0.05, 0.1], [0.01, 0.99]
XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]


def worked_example():
    return NeuralNetwork(2, 2, 2,
                         hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
                         output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
                         train_biases=False)


def weights(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


history = worked_example().fit([(INPUTS, TARGETS)], epochs=2)
smoke.close("fit: E before steps 1 and 2", history.training_error, [0.298371109, 0.291027774], 1e-9)
smoke.check("fit: stopped after its epochs", (history.epochs, history.stop_reason) == (2, "epochs"),
            repr((history.epochs, history.stop_reason)))

net = NeuralNetwork(2, 4, 1, seed=3)
history = net.fit(XOR, epochs=5000, batch_size=2, momentum=0.9, learning_rate=0.5, seed=4,
                  error_threshold=0.002)
smoke.check("fit: XOR with batches of 2 and momentum 0.9 stops at the threshold (%d epochs)"
            % history.epochs, history.stop_reason == "error_threshold", history.stop_reason)
smoke.check("fit: predict rounds to the XOR truth table",
            [round(net.predict(x)[0]) for x, _ in XOR] == [0, 1, 1, 0],
            repr([net.predict(x)[0] for x, _ in XOR]))
scores = net.evaluate(XOR)
smoke.check("evaluate: error %.5f, accuracy %r" % (scores["error"], scores["accuracy"]),
            scores["error"] < 0.01 and scores["accuracy"] == 1.0, repr(scores))

wild = NeuralNetwork(2, 3, 1, activation="linear", seed=5)
before = weights(wild)
try:
    wild.fit([([1e150, 1e150], [1.0])], epochs=50, learning_rate=1e10, shuffle=False)
    smoke.check("fit: divergence raises TrainingDiverged", False, "nothing raised")
except TrainingDiverged:
    smoke.check("fit: divergence raises TrainingDiverged", True)
    smoke.check("fit: a diverged network is restored to finite weights",
                all(w == w and abs(w) != float("inf") for ws, b in weights(wild) for w in ws + [b]))

net = worked_example()
before = weights(net)
text = net.explain(INPUTS, TARGETS)
for number in ("0.3775", "0.593269992", "1.10590597", "0.75136507", "0.274811083",
               "0.298371109", "0.138498562", "0.0821670406", "0.149780716", "0.35891648"):
    smoke.check("explain writes %s" % number, number in text, "not in the text")
smoke.check("explain leaves the weights alone", weights(net) == before)

smoke.done()
