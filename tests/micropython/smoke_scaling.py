"""Smoke: scaling that travels with the model, early stopping and class labels (issue 14).

A Standardizer learned by fit(scale_inputs=True, scale_targets=True) is
applied by predict and survives a save/load round trip bit for bit; a
validation split with patience stops and puts the best epoch's weights back;
a run that learns nothing says so (a warning, or a printed line where the
interpreter has no warnings module); class labels name predictions.
"""

import smoke
from neuronsim import NeuralNetwork
from neuronsim.saving import dumps, loads
from neuronsim.scaling import Standardizer, one_hot
from neuronsim.training import split_validation

scaling = Standardizer.from_rows([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
smoke.check("Standardizer: mean and a constant column's scale 1",
            scaling.mean == (2.0, 5.0) and scaling.scale[1] == 1.0, repr(scaling.to_dict()))

# y = 1000 x² + 40000 on inputs in 0..100000: hopeless unscaled, easy scaled.
data = []
for i in range(40):
    x = i * 2500.0
    data.append(([x, 7.0], [1000.0 * (x / 1e5) * (x / 1e5) + 40000.0]))
net = NeuralNetwork.from_layers(2, [(6, "tanh"), (1, "linear")], seed=5)
history = net.fit(data, epochs=300, optimizer="adam", learning_rate=0.02, batch_size=8, seed=2,
                  scale_inputs=True, scale_targets=True)
guess = net.predict([50000.0, 7.0])[0]
smoke.check("fit: scaled regression predicts in the user's units (%.1f vs 40250)" % guess,
            abs(guess - 40250.0) < 60.0, repr(guess))
loaded = loads(dumps(net))
smoke.check("save/load: the scaling comes back and predicts bit for bit",
            loaded.input_scaling == net.input_scaling and
            repr(loaded.predict([12345.0, 7.0])) == repr(net.predict([12345.0, 7.0])),
            repr(loaded.predict([12345.0, 7.0])))

classes, targets = one_hot(["b", "a", "b", "b"] * 5)
rows = [([float(i % 7), float(i % 3)], t) for i, t in enumerate(targets)]
training, validation = split_validation(rows, 0.25, 3)
smoke.check("split_validation: stratified 15/5 with 1 of class a",
            (len(training), len(validation), sum(t[0] for _, t in validation)) == (15, 5, 1.0),
            repr((len(training), len(validation))))

net = NeuralNetwork.from_layers(1, [(20, "tanh"), (1, "linear")], seed=1)
noisy = [([i / 20.0], [((i * 7919) % 13) / 13.0]) for i in range(40)]
history = net.fit(noisy, epochs=400, optimizer="adam", learning_rate=0.05, batch_size=4, seed=3,
                  validation_split=0.25, patience=5)
smoke.check("fit: patience stops %d epochs after the best" % 5,
            history.stop_reason == "patience" and history.epochs == history.best_epoch + 5,
            repr((history.stop_reason, history.epochs, history.best_epoch)))
smoke.check("fit: the best epoch's weights are back", history.restored, repr(history.restored))

net = NeuralNetwork.from_layers(2, [(4, "tanh"), (2, "softmax")], cost="cross_entropy", seed=2)
net.classes = classes
label = net.classify([1.0, 2.0])
probabilities = net.class_probabilities([1.0, 2.0])
smoke.check("classify names the class of the largest probability",
            label in classes and probabilities[label] == max(probabilities.values()),
            repr((label, probabilities)))
smoke.done()
