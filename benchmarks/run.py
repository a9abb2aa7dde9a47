"""Training throughput of neuronsim against the worked-example-style reference.

    python3 benchmarks/run.py            # full: more samples and repetitions
    python3 benchmarks/run.py --quick    # about a minute
    python3 benchmarks/run.py --cases 64-30-10,784-30-10 --repeat 9

For each network shape (2-2-2, 2-4-1, 64-30-10, 784-30-10) both networks start
from the same weights and train online (one ``train`` step per sample) on the
same samples; repetitions alternate which runs first.  Printed per case: the
median time per sample of each, samples/s and connection updates/s
(weights + biases stepped per second) for neuronsim, and the median of the
per-repetition ratios reference time / neuronsim time ("speed-up": > 1 means
neuronsim is faster).  The spread of the ratios (min–max) shows how noisy the
machine was.  Then mini-batch throughput (``net.fit``, if present) and memory
per weight (tracemalloc) for 784-30-10.  With ``--fit``, each case also
times ``fit`` for one epoch: online plain SGD (where the first layer's steps
may be held back), momentum 0.9, Adam, and Adam with batches of 32, each
against the reference's loop of ``train`` and as a multiple of plain online fit.

Before timing, every case checks that both compute the same thing: after a
few steps (20) their weights agree to 1e-9.

Not run by the tests; standard library only.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from neuronsim import NeuralNetwork  # noqa: E402
import reference  # noqa: E402

SHAPES = {"2-2-2": (2, 2, 2), "2-4-1": (2, 4, 1), "64-30-10": (64, 30, 10),
          "784-30-10": (784, 30, 10)}
LEARNING_RATE = 0.5
PYPY = platform.python_implementation() == "PyPy"
# Passes over the samples before timing; PyPy's JIT needs a few thousand steps.
WARM_UP = 5 if PYPY else 1


def make_samples(shape, count, seed=12345):
    rng = random.Random(seed)
    num_inputs, _, num_outputs = shape
    samples = []
    for _ in range(count):
        inputs = [rng.random() for _ in range(num_inputs)]
        label = rng.randrange(num_outputs)
        targets = [0.99 if k == label else 0.01 for k in range(num_outputs)]
        samples.append((inputs, targets))
    return samples


def make_pair(shape, seed=7):
    """A neuronsim network and a reference network with the same weights and biases."""
    num_inputs, num_hidden, num_outputs = shape
    net = NeuralNetwork(num_inputs, num_hidden, num_outputs, seed=seed,
                        learning_rate=LEARNING_RATE)
    hidden, output = net.layers
    rng = random.Random(seed)
    for layer in net.layers:   # non-zero biases, so that bias handling is compared too
        for neuron in layer.neurons:
            neuron.bias = rng.uniform(-0.5, 0.5)
    ref = reference.NeuralNetwork(
        num_inputs, num_hidden, num_outputs,
        [w for n in hidden.neurons for w in n.weights], [n.bias for n in hidden.neurons],
        [w for n in output.neurons for w in n.weights], [n.bias for n in output.neurons],
        learning_rate=LEARNING_RATE)
    return net, ref


def parameters(shape):
    num_inputs, num_hidden, num_outputs = shape
    weights = num_inputs * num_hidden + num_hidden * num_outputs
    return weights, weights + num_hidden + num_outputs


def max_difference(net, ref):
    worst = 0.0
    for layer, ref_layer in zip(net.layers, (ref.hidden_layer, ref.output_layer)):
        for neuron, ref_neuron in zip(layer.neurons, ref_layer.neurons):
            for a, b in zip(neuron.weights, ref_neuron.weights):
                worst = max(worst, abs(a - b))
            worst = max(worst, abs(neuron.bias - ref_neuron.bias))
    return worst


def check_same(shape, steps=20):
    net, ref = make_pair(shape)
    for inputs, targets in make_samples(shape, steps, seed=99):
        net.train(inputs, targets)
        ref.train(inputs, targets)
    difference = max_difference(net, ref)
    if difference > 1e-9:
        raise SystemExit("%s: neuronsim and the reference disagree by %g after %d steps"
                         % ("-".join(map(str, shape)), difference, steps))
    return difference


# CPU time of this process by default: on a shared machine wall time also
# counts the time other processes held the CPU.  --clock wall for wall time.
clock = time.process_time


def time_online(train, samples):
    start = clock()
    for inputs, targets in samples:
        train(inputs, targets)
    return clock() - start


def summary(case, shape, ours, theirs, ratios, agree):
    """One printed row: medians of the per-sample times and of the ratios."""
    weights, updated = parameters(shape)
    per_sample = statistics.median(ours)
    return {
        "case": case, "weights": weights, "ours": per_sample,
        "theirs": statistics.median(theirs), "ratio": statistics.median(ratios),
        "low": min(ratios), "high": max(ratios),
        "samples_per_s": 1.0 / per_sample, "cups": updated / per_sample,
        "ns_per_weight": 1e9 * per_sample / weights, "agree": agree,
    }


def bench_online(name, shape, samples_per_rep, repeat):
    difference = check_same(shape)
    samples = make_samples(shape, samples_per_rep)
    net, ref = make_pair(shape)
    for _ in range(WARM_UP):
        time_online(net.train, samples)
        time_online(ref.train, samples)
    ours, theirs, ratios = [], [], []
    for rep in range(repeat):
        if rep % 2:
            t_ref = time_online(ref.train, samples)
            t_net = time_online(net.train, samples)
        else:
            t_net = time_online(net.train, samples)
            t_ref = time_online(ref.train, samples)
        ours.append(t_net / len(samples))
        theirs.append(t_ref / len(samples))
        ratios.append(t_ref / t_net)
    return summary(name, shape, ours, theirs, ratios, difference)


def bench_batch(name, shape, samples_per_rep, repeat, batch_size):
    net, ref = make_pair(shape)
    fit = getattr(net, "fit", None)
    if fit is None:
        return None
    samples = make_samples(shape, samples_per_rep)
    batches = [samples[i:i + batch_size] for i in range(0, len(samples), batch_size)]

    def run_ours():
        start = clock()
        fit(samples, epochs=1, batch_size=batch_size, learning_rate=LEARNING_RATE,
            shuffle=False)
        return clock() - start

    def run_reference():
        start = clock()
        for batch in batches:
            ref.train_batch(batch)
        return clock() - start

    for _ in range(WARM_UP):
        run_ours()
        run_reference()
    agree = max_difference(net, ref)   # same data, same order, same starting weights
    ours, theirs, ratios = alternate(run_ours, run_reference, len(samples), repeat)
    return summary("%s batch %d" % (name, batch_size), shape, ours, theirs, ratios, agree)


def alternate(run_ours, run_reference, count, repeat):
    """Per-sample times of both, and the ratios, over ``repeat`` repetitions that
    alternate which runs first."""
    ours, theirs, ratios = [], [], []
    for rep in range(repeat):
        if rep % 2:
            t_ref, t_net = run_reference(), run_ours()
        else:
            t_net, t_ref = run_ours(), run_reference()
        ours.append(t_net / count)
        theirs.append(t_ref / count)
        ratios.append(t_ref / t_net)
    return ours, theirs, ratios


def bench_fit(name, shape, samples_per_rep, repeat, label, **options):
    """Online ``fit`` (one epoch, batch size 1, no shuffling) against the
    reference's loop of ``train``: the same samples, the same starting weights.
    ``options`` are passed to fit (``momentum=0.9``, ``optimizer="adam"``)."""
    net, ref = make_pair(shape)
    samples = make_samples(shape, samples_per_rep)

    def run_ours():
        start = clock()
        net.fit(samples, epochs=1, learning_rate=LEARNING_RATE, shuffle=False, **options)
        return clock() - start

    def run_reference():
        return time_online(ref.train, samples)

    try:
        run_ours()
    except TypeError as error:   # an option this checkout's fit does not know
        print("%-20s skipped: %s" % ("%s %s" % (name, label), error))
        return None
    for _ in range(WARM_UP):
        run_ours()
        run_reference()
    ours, theirs, ratios = alternate(run_ours, run_reference, len(samples), repeat)
    return summary("%s %s" % (name, label), shape, ours, theirs, ratios, float("nan"))


def memory_per_weight(build, shape):
    """Bytes traced for building the network and one train step, per weight."""
    import tracemalloc  # not on PyPy
    inputs, targets = make_samples(shape, 1)[0]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    model = build()
    model.train(inputs, targets)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del model
    return (after - before) / parameters(shape)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and repetitions")
    parser.add_argument("--repeat", type=int, help="repetitions per case (median reported)")
    parser.add_argument("--cases", help="comma-separated shapes, e.g. 2-2-2,784-30-10")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--no-batch", action="store_true", help="skip the mini-batch case")
    parser.add_argument("--fit", action="store_true",
                        help="also time fit per case: online plain SGD, momentum 0.9 and Adam, "
                             "and Adam with batches of 32 (each against the reference's train "
                             "loop and against plain online fit)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="process CPU time (default) or wall-clock time")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    repeat = args.repeat or (7 if args.quick else 11)
    scale = 1 if args.quick else 3
    # Samples per repetition, sized so one repetition of the reference takes ~0.1 s
    # in quick mode (CPython 3.11).
    sizes = {"2-2-2": 20000, "2-4-1": 15000, "64-30-10": 300, "784-30-10": 30}
    if PYPY:   # ten times faster there: ten times the samples, the same time per repetition
        sizes = {name: 10 * size for name, size in sizes.items()}
    names = args.cases.split(",") if args.cases else list(SHAPES)
    for name in names:
        if name not in SHAPES:
            raise SystemExit("unknown case %r; expected one of %s" % (name, ", ".join(SHAPES)))

    print("neuronsim benchmark: %s %s on %s, %s; %d repetitions%s, %s time"
          % (platform.python_implementation(), platform.python_version(), platform.machine(),
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), repeat,
             " (quick)" if args.quick else "", args.clock))
    # The same version built two ways can give different ratios (the README's
    # Performance section: a shared libpython without PGO/LTO against a
    # static, PGO+LTO build), so say which interpreter this was.
    print("interpreter: %s (built %s, %s)" % (os.path.realpath(sys.executable),
                                              platform.python_build()[1], platform.python_compiler()))
    print("speed-up = reference time / neuronsim time, median of same-run pairs "
          "(min-max in brackets)")
    header = "%-20s %9s %11s %11s %14s %10s %9s  %s" % (
        "case", "weights", "neuronsim", "reference", "speed-up", "samples/s", "ns/weight",
        "conn. updates/s")
    print(header)
    print("-" * len(header))

    def show(row):
        print("%-20s %9d %9.1fus %9.1fus %5.2fx [%4.2f-%4.2f] %10.0f %9.1f  %.3g"
              % (row["case"], row["weights"], row["ours"] * 1e6, row["theirs"] * 1e6,
                 row["ratio"], row["low"], row["high"], row["samples_per_s"],
                 row["ns_per_weight"], row["cups"]))
        sys.stdout.flush()

    for name in names:
        show(bench_online(name, SHAPES[name], sizes[name] * scale, repeat))

    if args.fit:
        for name in names:
            plain = bench_fit(name, SHAPES[name], sizes[name] * scale, repeat, "fit")
            show(plain)
            for label, options in (("fit momentum", {"momentum": 0.9}),
                                   ("fit adam", {"optimizer": "adam"}),
                                   ("fit adam batch 32", {"optimizer": "adam", "batch_size": 32})):
                row = bench_fit(name, SHAPES[name], sizes[name] * scale, repeat, label, **options)
                if row is not None:
                    show(row)
                    # Each against the reference timed beside it: (ref/plain)/(ref/this)
                    # is this/plain with the machine's drift between the two cases divided out.
                    print("%-20s per sample %.2fx the time of plain online fit (%.2fx by "
                          "median times)" % ("", plain["ratio"] / row["ratio"],
                                             row["ours"] / plain["ours"]))

    if not args.no_batch:
        name = "64-30-10"
        row = bench_batch(name, SHAPES[name], sizes[name] * scale, repeat, args.batch_size)
        if row is None:
            print("%-20s net.fit is not available on this branch (neuronsim/training.py "
                  "has not landed): mini-batch case skipped" % (name + " batch"))
        else:
            show(row)
            print("%-20s weights after fit agree with the reference to %.1e"
                  % ("", row["agree"]))

    if "784-30-10" in names and platform.python_implementation() == "CPython":
        shape = SHAPES["784-30-10"]
        ours = memory_per_weight(lambda: make_pair(shape)[0], shape)
        theirs = memory_per_weight(lambda: make_pair(shape)[1], shape)
        print("memory after one train step, 784-30-10: neuronsim %.1f bytes/weight, "
              "reference %.1f bytes/weight (tracemalloc)" % (ours, theirs))


if __name__ == "__main__":
    main()
