"""Smoke: bad input and extreme numbers behave on this interpreter as on CPython.

Bad input raises the right exception with a message naming the argument and
leaves the network unchanged; sigmoid, softmax and cross-entropy stay finite
at extreme net inputs (MicroPython's math.exp raises ValueError, not
OverflowError, on overflow, so nothing may rely on catching either); an
unseeded network records a seed that repeats it (MicroPython has no
os.urandom: the clock is used).
"""

import smoke
from neuronsim import NeuralNetwork, get_activation

NAN, INF = float("nan"), float("inf")


def weights(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


def raises(label, error, words, call, *args):
    try:
        call(*args)
    except error as caught:
        message = str(caught)
        return smoke.check(label, words in message, "message %r lacks %r" % (message, words))
    except Exception as caught:  # noqa: BLE001 - report the wrong kind
        return smoke.check(label, False, "raised %s: %s" % (type(caught).__name__, caught))
    return smoke.check(label, False, "nothing raised")


net = NeuralNetwork(2, 2, 2, seed=5)
before = weights(net)
raises("nan input -> ValueError", ValueError, "inputs[1]: expected a finite number, got nan",
       net.train, [0.05, NAN], [0.01, 0.99])
raises("str input -> TypeError", TypeError, "inputs[1]: expected a number, got '0.1' (str)",
       net.train, [0.05, "0.1"], [0.01, 0.99])
raises("bool input -> TypeError", TypeError, "inputs[0]", net.feed_forward, [True, 0.1])
raises("short targets -> ValueError", ValueError, "targets: expected 2 numbers, got 1",
       net.backprop, [0.05, 0.1], [0.01])
raises("huge int -> ValueError", ValueError, "inputs[0]: expected a finite number",
       net.feed_forward, [10 ** 400, 0.1])
raises("scalar inputs -> TypeError", TypeError, "inputs: expected a list of numbers",
       net.feed_forward, 0.05)
smoke.check("rejected calls left the network unchanged", weights(net) == before)
try:
    NeuralNetwork(2, 2, 2, seed=1.5)
    smoke.check("keyword seed=1.5 rejected", False, "nothing raised")
except TypeError as caught:
    smoke.check("keyword seed=1.5 rejected", "seed" in str(caught), str(caught))
try:
    NeuralNetwork(2, 2, 2, activation="swish")
    smoke.check("unknown activation rejected", False, "nothing raised")
except ValueError as caught:
    smoke.check("unknown activation rejected", "'sigmoid'" in str(caught), str(caught))

sigmoid = get_activation("sigmoid")
smoke.check("sigmoid at -1000, 1000, -inf, inf",
            [sigmoid.function(z) for z in (-1000.0, 1000.0, -INF, INF)] == [0.0, 1.0, 0.0, 1.0])
softmax = get_activation("softmax")
smoke.check("softmax [1000, 0] without overflow", softmax.outputs([1000.0, 0.0]) == [1.0, 0.0])
smoke.check("softmax [inf, 0]", softmax.outputs([INF, 0.0]) == [1.0, 0.0])
big = NeuralNetwork(1, 1, 1, hidden_layer_weights=[1.0], output_layer_weights=[1.0])
smoke.close("sigmoid net at input -800", big.feed_forward([-800.0])[0], 0.5, 1e-12)
xent = NeuralNetwork(1, 1, 1, hidden_layer_weights=[1.0], output_layer_weights=[800.0],
                     cost="cross_entropy", seed=1)
error = xent.calculate_total_error([([1.0], [0.0])])
smoke.check("cross-entropy of a saturated output is finite and large",
            error == error and 500.0 < error < INF, repr(error))

unseeded = NeuralNetwork(2, 3, 1)
again = NeuralNetwork(2, 3, 1, seed=unseeded.seed)
smoke.check("an unseeded network records a seed that repeats it (seed %r)" % unseeded.seed,
            weights(unseeded) == weights(again))

smoke.done()
