"""Two versions of neuronsim and the reference, interleaved in one process.

    git worktree add /tmp/old bd46f52              # any other checkout of neuronsim
    python3 benchmarks/compare.py /tmp/old
    python3 benchmarks/compare.py /tmp/old --cases 784-30-10 --repeat 31
    python3 benchmarks/compare.py /tmp/old --fit    # one epoch of online fit instead

``benchmarks/run.py`` runs one version; runs minutes apart on a shared machine
differ by as much as a change to the hot path does.  Here this checkout's
neuronsim ("new"), the other checkout's ("old", imported as a second package)
and ``reference.py`` train the same network from the same weights on the same
samples, one repetition of each in turn, so that load changes hit all three
alike.  Printed per case: the fastest repetition of each, and the medians of
the per-repetition ratios new/old and reference/new, reference/old.

Not run by the tests; standard library only.
"""

import argparse
import importlib.util
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import run  # noqa: E402  (make_pair, make_samples, time_online: CPU time of the process)


def import_other(checkout):
    """The package ``checkout/neuronsim``, imported under the name ``neuronsim_old``."""
    init = os.path.join(checkout, "neuronsim", "__init__.py")
    if not os.path.isfile(init):
        raise SystemExit("%s: no neuronsim/__init__.py there" % checkout)
    spec = importlib.util.spec_from_file_location(
        "neuronsim_old", init, submodule_search_locations=[os.path.dirname(init)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["neuronsim_old"] = module
    spec.loader.exec_module(module)
    return module


def time_fit(net, samples):
    """One epoch of online fit (no shuffling): CPU time, as run.time_online."""
    start = run.clock()
    net.fit(samples, epochs=1, shuffle=False, learning_rate=run.LEARNING_RATE)
    return run.clock() - start


def compare(old, name, repeat, fit=False):
    shape = run.SHAPES[name]
    new_net, ref = run.make_pair(shape)
    document = new_net.to_dict()
    document["version"] = 1   # the same network in the oldest format both read
    old_net = old.NeuralNetwork.from_dict(document)
    count = {"2-2-2": 5000, "2-4-1": 4000, "64-30-10": 96, "784-30-10": 24}[name]
    samples = run.make_samples(shape, count * (10 if run.PYPY else 1))
    if fit:   # new and old: one epoch of online fit; the reference: its train loop
        timers = {"new": lambda: time_fit(new_net, samples),
                  "old": lambda: time_fit(old_net, samples)}
    else:
        timers = {"new": lambda: run.time_online(new_net.train, samples),
                  "old": lambda: run.time_online(old_net.train, samples)}
    timers["ref"] = lambda: run.time_online(ref.train, samples)
    for _ in range(run.WARM_UP):
        for timer in timers.values():
            timer()
    times = {key: [] for key in timers}
    order = list(timers)
    for rep in range(repeat):
        for key in (order if rep % 2 == 0 else order[::-1]):
            times[key].append(timers[key]() / len(samples))
    pairs = list(zip(times["new"], times["old"], times["ref"]))
    median = statistics.median
    print("%-10s %s fastest: new %8.1fus  old %8.1fus  reference %8.1fus | median of ratios: "
          "new/old %.3f, reference/new %.2fx, reference/old %.2fx"
          % (name, "fit  " if fit else "train", 1e6 * min(times["new"]), 1e6 * min(times["old"]), 1e6 * min(times["ref"]),
             median([n / o for n, o, _ in pairs]), median([r / n for n, _, r in pairs]),
             median([r / o for _, o, r in pairs])))
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", help="another checkout of neuronsim (its top folder)")
    parser.add_argument("--cases", default="64-30-10,784-30-10")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--fit", action="store_true",
                        help="time one epoch of online fit (new, old) instead of a train loop")
    args = parser.parse_args(argv)
    names = args.cases.split(",")
    for name in names:
        if name not in run.SHAPES:
            raise SystemExit("unknown case %r; expected one of %s" % (name, ", ".join(run.SHAPES)))
    old = import_other(os.path.abspath(args.checkout))
    print("new: %s; old: %s; %s %s, %d repetitions each" % (
        os.path.dirname(HERE), os.path.abspath(args.checkout), sys.implementation.name,
        sys.version.split()[0], args.repeat))
    for name in names:
        compare(old, name, args.repeat, args.fit)


if __name__ == "__main__":
    main()
