"""Smoke: XOR learned by a 2-4-1 sigmoid network from a fixed seed, default settings."""

import smoke
from neuronsim import NeuralNetwork

XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
SEED = 1
MAX_EPOCHS = 20000

net = NeuralNetwork(2, 4, 1, seed=SEED)
again = NeuralNetwork(2, 4, 1, seed=SEED)
smoke.check("seed %d repeats the initial weights" % SEED,
            [n.weights for layer in net.layers for n in layer.neurons]
            == [n.weights for layer in again.layers for n in layer.neurons])

before = net.calculate_total_error(XOR)
learned_at = None
for epoch in range(1, MAX_EPOCHS + 1):
    for inputs, targets in XOR:
        net.train(inputs, targets)
    if all(abs(net.feed_forward(x)[0] - t[0]) < 0.1 for x, t in XOR):
        learned_at = epoch
        break

smoke.check("XOR learned (every output within 0.1) in %r epochs" % learned_at,
            learned_at is not None, "not within %d epochs" % MAX_EPOCHS)
for inputs, targets in XOR:
    out = net.feed_forward(inputs)[0]
    smoke.check("%d XOR %d -> %.4f" % (inputs[0], inputs[1], out), abs(out - targets[0]) < 0.1)
after = net.calculate_total_error(XOR)
smoke.check("E fell from %.4f to %.6f" % (before, after), after < before / 10)

smoke.done()
