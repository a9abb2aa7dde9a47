"""How reliably does XOR train with fit's defaults?  And is fit as fast as train?

For seeds 0..99: a 2-4-1 network with the core's defaults (sigmoid, squared
error, learning rate 0.5, weights from ``seed``), trained by
``net.fit(XOR, seed=seed, error_threshold=0.001)`` with every other keyword
at its default (online, shuffled, at most 10000 epochs).  A run has
converged when fit stopped on the threshold *and* every output is then
within 0.1 of its target (a mean E per sample below 0.001 already implies
|t − out| < 0.09 for each).

Prints the converged count, the median (and worst) epochs and seconds to
converge, then the time per epoch of ``fit`` (online, mini-batch, momentum)
against a hand-written loop of ``net.train`` over the same data, measured in
the same run.

    python3 benchmarks/xor_convergence.py [--seeds 100]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from neuronsim import NeuralNetwork  # noqa: E402

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
THRESHOLD = 0.001


def converges(seed):
    """(converged, epochs, seconds) for one seed."""
    net = NeuralNetwork(2, 4, 1, seed=seed)
    history = net.fit(XOR, seed=seed, error_threshold=THRESHOLD)
    right = all(abs(net.predict(x)[0] - t[0]) < 0.1 for x, t in XOR)
    return history.stop_reason == "error_threshold" and right, history.epochs, history.seconds


def speed(epochs=2000, repeats=3, **options):
    """Best seconds per epoch: fit (no shuffle, ``options``) vs a loop of net.train."""
    fit_times, train_times = [], []
    for _ in range(repeats):
        net = NeuralNetwork(2, 4, 1, seed=7)
        start = time.perf_counter()
        for _ in range(epochs):
            for inputs, targets in XOR:
                net.train(inputs, targets)
        train_times.append((time.perf_counter() - start) / epochs)
        net = NeuralNetwork(2, 4, 1, seed=7)
        start = time.perf_counter()
        net.fit(XOR, epochs=epochs, shuffle=False, **options)
        fit_times.append((time.perf_counter() - start) / epochs)
    return min(fit_times), min(train_times)


def main(argv):
    seeds = 100
    if len(argv) == 2 and argv[0] == "--seeds":
        seeds = int(argv[1])
    results = [converges(seed) for seed in range(seeds)]
    done = [(epochs, seconds) for ok, epochs, seconds in results if ok]
    failed = [seed for seed, (ok, _, _) in enumerate(results) if not ok]
    print("XOR 2-4-1, fit defaults, error_threshold=%g: converged %d/%d seeds"
          % (THRESHOLD, len(done), seeds))
    if failed:
        print("  did not converge: seeds %s" % ", ".join(str(s) for s in failed))
    if done:
        epochs = [e for e, _ in done]
        seconds = [s for _, s in done]
        print("  epochs to converge:  median %d, max %d" % (statistics.median(epochs), max(epochs)))
        print("  seconds to converge: median %.3f, max %.3f" % (statistics.median(seconds),
                                                               max(seconds)))
    print("speed per epoch (4 samples), best of 3 x 2000 epochs, against a loop of net.train:")
    for label, options in [("online", {}), ("batch_size=4", {"batch_size": 4}),
                           ("online, momentum=0.9", {"momentum": 0.9}),
                           ("batch_size=2, momentum=0.9, l2=1e-4",
                            {"batch_size": 2, "momentum": 0.9, "l2": 1e-4})]:
        fit_epoch, train_epoch = speed(**options)
        print("  fit %-36s %6.1f µs, train loop %6.1f µs, ratio fit/train %.2f"
              % (label, fit_epoch * 1e6, train_epoch * 1e6, fit_epoch / train_epoch))
    return 0 if len(done) >= 0.99 * seeds else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
