"""Compare seed fingerprints (tests/micropython/fingerprint.py) from several interpreters.

    python .ci/compare_fingerprints.py NAME=FILE ... --identical NAME,NAME[,...]

Checks, and prints a table of, what a seed guarantees:

* initial weights (``init`` lines): identical bit for bit on every interpreter given;
* trained networks (``trained`` lines): identical bit for bit within each
  ``--identical`` group (e.g. CPython 3.8 and PyPy, which share the sequential
  dot product), and within REL_TOL of the first file elsewhere (CPython 3.12+
  uses math.sumprod, MicroPython its own libm).  Cases labelled ``wide-…``
  (a first layer of 48+ inputs, whose steps CPython holds back and folds) are
  promised only the tolerance, everywhere.

Exit status 1 if any promise is broken.
"""

import struct
import sys

REL_TOL = 1e-9


def read(path):
    data = {"init": {}, "trained": {}}
    with open(path) as f:
        for raw in f:
            parts = raw.split()
            if not parts:
                continue
            if parts[0] in ("interpreter", "kernel"):
                data[parts[0]] = " ".join(parts[1:])
            elif parts[0] in ("init", "trained"):
                data[parts[0]][parts[1]] = parts[2:]
    if not data["init"] or not data["trained"]:
        raise SystemExit("%s: no fingerprint lines" % path)
    return data


def as_float(hex_bits):
    return struct.unpack("<d", struct.pack("<Q", int(hex_bits, 16)))[0]


def max_rel_diff(a, b):
    worst = 0.0
    for x, y in zip(map(as_float, a), map(as_float, b)):
        worst = max(worst, abs(x - y) / max(abs(x), abs(y), 1e-300) if x != y else 0.0)
    return worst


def main(argv):
    groups, named = [], []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--identical":
            groups.append(args.pop(0).split(","))
        else:
            name, path = arg.split("=", 1)
            named.append((name, read(path)))
    runs = dict(named)
    ref_name, ref = named[0]
    failures = []

    def fail(message):
        failures.append(message)
        print("FAIL " + message)

    labels = sorted(ref["init"])
    for name, run in named:
        if sorted(run["init"]) != labels or sorted(run["trained"]) != labels:
            fail("%s: cases differ from %s" % (name, ref_name))
    print("%-10s %-22s %-12s %-16s %s" % ("run", "interpreter", "kernel", "initial weights",
                                         "trained vs %s (max rel. diff)" % ref_name))
    for name, run in named:
        init_same = all(run["init"].get(label) == ref["init"][label] for label in labels)
        if not init_same:
            fail("%s: initial weights differ from %s" % (name, ref_name))
        trained_same = all(run["trained"].get(label) == ref["trained"][label] for label in labels)
        worst = max(max_rel_diff(run["trained"].get(label, []), ref["trained"][label])
                    for label in labels)
        if worst > REL_TOL:
            fail("%s: trained weights differ from %s by %.3g (> %g)" % (name, ref_name, worst, REL_TOL))
        print("%-10s %-22s %-12s %-16s %s" % (
            name, run.get("interpreter", "?"), run.get("kernel", "?"),
            "identical" if init_same else "DIFFERENT",
            "identical" if trained_same else "%.2g" % worst))
    for group in groups:
        missing = [name for name in group if name not in runs]
        if missing:
            fail("--identical %s: no fingerprint for %s" % (",".join(group), ", ".join(missing)))
            continue
        first = runs[group[0]]
        exact = [label for label in labels if not label.startswith("wide-")]
        same = all(runs[name]["init"] == first["init"] and
                   all(runs[name]["trained"][label] == first["trained"][label] for label in exact)
                   for name in group[1:])
        if same:
            print("PASS same seed, same initial weights and same trained networks, bit for bit "
                  "(wide-… cases: within %g): %s" % (REL_TOL, ", ".join(group)))
        else:
            fail("trained networks not bit-identical across %s" % ", ".join(group))
    if failures:
        print("seed fingerprints: %d problem(s)" % len(failures))
        return 1
    print("seed fingerprints: OK (%d interpreters, %d seeded networks)" % (len(named), len(labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
