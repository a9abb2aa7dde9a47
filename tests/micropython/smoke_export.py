"""Smoke: files written by CPython load and run here, bit for bit.

prepare_export.py (CPython) saved a few networks and exported each as a
standalone module.  Here, on whatever interpreter runs this (MicroPython under
.ci/micropython.mjs), each model file is loaded with neuronsim's loader and
each exported module is run: predict() must return exactly what the loaded
network's feed_forward returns, and the loader must refuse a broken file with
its one clear message.  Plain Python, no helper imports, so it also runs (and
is imported by pytest) where tests/micropython/smoke.py is not around; without
the generated files it exports the networks itself.
"""

import json
import struct
import sys

if sys.implementation.name != "micropython":
    import os

    _HERE = os.path.dirname(os.path.abspath(__file__))
    _ROOT = os.path.dirname(os.path.dirname(_HERE))
    if _ROOT not in sys.path:
        sys.path.insert(0, _ROOT)
else:
    _HERE = __file__[:__file__.rfind("/")]

from neuronsim import NeuralNetwork  # noqa: E402
from neuronsim import saving  # noqa: E402

_failed = []


def check(name, ok, detail=""):
    if ok:
        print("PASS %s" % name)
    else:
        _failed.append(name)
        print("FAIL %s: %s" % (name, detail))


def bits(values):
    return [struct.pack("<d", v) for v in values]


def read(path):
    with open(path) as handle:
        return handle.read()


def generated_cases():
    """(name, model text, module source, rows) from prepare_export.py's files, if there."""
    folder = _HERE + "/generated/"
    try:
        rows = json.loads(read(folder + "export_rows.json"))
    except OSError:
        return None
    cases = []
    for key in sorted(rows):
        cases.append(("CPython's export_%s" % key, read(folder + "export_%s.json" % key),
                      read(folder + "export_%s.py" % key), rows[key]))
    return cases


def local_cases():
    """The same kind of files, made here (when prepare_export.py has not run)."""
    cases = []
    for seed, sizes, options in ((1, (2, 2, 2), {}),
                                 (2, (12, [8, 6], 3), {"activation": "tanh",
                                                       "output_activation": "softmax",
                                                       "cost": "cross_entropy"})):
        net = NeuralNetwork(sizes[0], sizes[1], sizes[2], seed=seed, **options)
        rows = [[0.1 * (k + 1) * (-1) ** k for k in range(sizes[0])], [0.0] * sizes[0]]
        cases.append(("local seed %d" % seed, saving.dumps(net), net.export_source(), rows))
    return cases


cases = generated_cases()
if cases is None:
    print("(no tests/micropython/generated/ files: exporting here)")
    cases = local_cases()

for name, model_text, source, rows in cases:
    net = saving.loads(model_text)
    namespace = {}
    exec(source, namespace)
    weights = [bits(w + [b]) for _, neurons in namespace["LAYERS"] for w, b in neurons]
    expected = [bits(n.weights + [n.bias]) for layer in net.layers for n in layer.neurons]
    check("%s: module weights equal the loaded model's, bit for bit" % name, weights == expected)
    mismatches = [row for row in rows
                  if bits(namespace["predict"](row)) != bits(net.feed_forward(row))]
    check("%s: predict == feed_forward bit for bit on %d rows" % (name, len(rows)),
          not mismatches, "%d rows differ" % len(mismatches))

document = saving.parse(cases[0][1])
del document["layers"][1]["neurons"][1]["weights"][-1]
try:
    saving.from_dict(document)
    check("a short weight list is refused", False, "it loaded")
except saving.ModelFileError as error:
    check("a short weight list is refused: %s" % error,
          str(error) == "layers[1].neurons[1].weights: expected 2 numbers, got 1", str(error))
for bad in ("{nope", "[1, 2]", '{"format": "keras"}'):
    try:
        saving.loads(bad)
        check("refuses %r" % bad, False, "it loaded")
    except saving.ModelFileError as error:
        check("refuses %r: %s" % (bad, error), True)

print("%s: %d failed on %s" % ("FAILED" if _failed else "OK", len(_failed),
                                sys.implementation.name))
if _failed:
    raise SystemExit(1)
