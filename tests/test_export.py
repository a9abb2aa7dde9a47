"""The exported module: imports only math, and predict() is feed_forward, bit for bit."""

import ast
import json
import math
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import NeuralNetwork
from neuronsim.export import export_source, float_bits
from neuronsim.vector import _dot_by_index, dot

from test_saving import networks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_module(source):
    namespace = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)
    return namespace


def hexes(values):
    return [float.hex(v) for v in values]


# Networks that exercise every activation, softmax, several hidden layers, and
# wide layers (where math.sumprod and a plain loop round differently).
CASES = [
    dict(num_inputs=2, num_hidden=2, num_outputs=2, seed=1),
    dict(num_inputs=60, num_hidden=[40, 30], num_outputs=3, seed=2, activation="tanh",
         output_activation="softmax", cost="cross_entropy"),
    dict(num_inputs=50, num_hidden=20, num_outputs=2, seed=3, activation="relu",
         output_activation="linear"),
    dict(num_inputs=40, num_hidden=[10, 10], num_outputs=4, seed=4, activation="leaky_relu",
         output_activation="sigmoid"),
    dict(num_inputs=3, num_hidden=4, num_outputs=1, seed=5, activation="linear"),
]


def case_network(case):
    case = dict(case)
    return NeuralNetwork(case.pop("num_inputs"), case.pop("num_hidden"), case.pop("num_outputs"),
                         **case)


def case_inputs(net, count=6):
    """Fixed, varied inputs: small, large enough to saturate, and huge."""
    from neuronsim.rng import SplitMix64

    rng = SplitMix64(net.seed)
    rows = [[rng.uniform(-1.0, 1.0) for _ in range(net.num_inputs)] for _ in range(count)]
    rows.append([rng.uniform(-800.0, 800.0) for _ in range(net.num_inputs)])
    rows.append([1e300 if i % 2 else -1e300 for i in range(net.num_inputs)])
    rows.append([0.0] * net.num_inputs)
    return rows


# -- in this interpreter ---------------------------------------------------------------

@settings(deadline=None, max_examples=40)
@given(networks(weights=st.floats(-3.0, 3.0)), st.data())
def test_predict_is_feed_forward_bit_for_bit(net, data):
    module = load_module(net.export_source())
    for _ in range(4):
        inputs = data.draw(st.lists(st.floats(-50.0, 50.0) | st.integers(-5, 5),
                                    min_size=net.num_inputs, max_size=net.num_inputs))
        assert hexes(module["predict"](inputs)) == hexes(net.feed_forward(inputs))


@pytest.mark.parametrize("case", CASES, ids=lambda c: "%(num_inputs)d-inputs-seed-%(seed)d" % c)
def test_predict_is_feed_forward_on_wide_and_extreme_inputs(case):
    net = case_network(case)
    module = load_module(export_source(net))
    for inputs in case_inputs(net):
        assert hexes(module["predict"](inputs)) == hexes(net.feed_forward(inputs))


def test_a_plain_loop_would_not_be_enough_where_sumprod_exists():
    """Why the export picks the core's own dot product: on CPython 3.12+ a plain
    loop rounds differently from math.sumprod on these wide layers."""
    if not hasattr(math, "sumprod"):
        pytest.skip("this interpreter has no math.sumprod: the core runs the loop too")
    differences = 0
    for case in CASES:
        net = case_network(case)
        for inputs in case_inputs(net):
            for neuron in net.layers[0].neurons:
                differences += _dot_by_index(neuron.weights, inputs) != dot(neuron.weights, inputs)
    assert differences > 0


def test_the_module_imports_nothing_but_math():
    for case in CASES:
        tree = ast.parse(export_source(case_network(case)))
        imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert [[alias.name for alias in node.names] for node in imports] == [["math"]]
        assert all(isinstance(node, ast.Import) for node in imports)


def test_weights_are_exact_even_for_awkward_floats():
    values = [5e-324, -0.0, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, -1 / 3]
    net = NeuralNetwork(1, 3, 2, hidden_layer_weights=values[:3], hidden_layer_bias=values[3:],
                        output_layer_weights=[0.5] * 6, activation="linear", seed=1)
    module = load_module(export_source(net))
    decoded = [w for weights, bias in module["LAYERS"][0][1] for w in weights + [bias]]
    assert [float_bits(v) for v in decoded] == [float_bits(v) for v in
                                                [values[0], values[3], values[1], values[4],
                                                 values[2], values[5]]]


def test_predict_checks_its_inputs_like_feed_forward():
    module = load_module(export_source(case_network(CASES[0])))
    for bad, error in ([0.1], ValueError), ([0.1, float("nan")], ValueError), \
            ([0.1, "2"], TypeError), ("ab", ValueError), ([0.1, True], TypeError):
        with pytest.raises(error):
            module["predict"](bad)


def test_custom_activations_cannot_be_exported():
    from neuronsim.activations import LeakyReLU

    with pytest.raises(ValueError, match="cannot save a custom activation"):
        NeuralNetwork(1, 1, 1, activation=LeakyReLU(0.3), seed=1).export_source()


# -- on every interpreter we have, with nothing installed ---------------------------------

def _interpreters():
    """This one, then every other one on the machine (3.8, 3.11, 3.12, 3.13, PyPy)."""
    found, seen = [], set()
    for path in [sys.executable] + ["/root/.pyenv/versions/%s/bin/python3" % v
                                    for v in ("3.8.18", "3.11.7", "3.12.1", "3.13.0")] \
            + ["/usr/bin/pypy3"]:
        real = os.path.realpath(path)
        if os.path.exists(path) and real not in seen:
            seen.add(real)
            found.append(path)
    return found


INTERPRETERS = _interpreters()

# Run by the interpreter under test: neuronsim's own outputs for the cases.
REFERENCE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from neuronsim import NeuralNetwork
rows = json.load(sys.stdin)
net = NeuralNetwork.load(sys.argv[2])
print(json.dumps([[float.hex(v) for v in net.feed_forward(row)] for row in rows]))
"""

# Run with -I -S (isolated, no site): the exported module alone.
STANDALONE = """
import sys
sys.path.insert(0, sys.argv[1])
import model
rows = eval(sys.stdin.read())
print([[float.hex(v) for v in model.predict(row)] for row in rows])
print(sorted(name for name in sys.modules if name in ("neuronsim", "json", "site")))
print(hasattr(model.math, "sumprod"))
"""


def naive(source):
    """The same module with a plain-loop dot product everywhere (what a careless
    exporter would write): it must differ from neuronsim where sumprod is used."""
    forced = source.replace("_dot = math.sumprod", "_dot = math.no_such_function")
    assert forced != source
    return forced


def run_standalone(interpreter, directory, source, rows):
    (directory / "model.py").write_text(source, encoding="utf-8")
    lines = subprocess.run(
        [interpreter, "-I", "-S", "-c", STANDALONE, str(directory)], input=repr(rows),
        capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines[1] == "[]"  # neither neuronsim nor json nor site was loaded
    return eval(lines[0]), lines[2] == "True"


@pytest.mark.parametrize("interpreter", INTERPRETERS)
def test_exported_file_runs_isolated_and_matches_neuronsim_on(interpreter, tmp_path):
    naive_differences = 0
    for index, case in enumerate(CASES):
        net = case_network(case)
        directory = tmp_path / ("case%d" % index)
        directory.mkdir()
        model_json = str(directory / "model.json")
        net.save(model_json)
        rows = case_inputs(net)
        expected = json.loads(subprocess.run(
            [interpreter, "-c", REFERENCE, ROOT, model_json], input=json.dumps(rows),
            capture_output=True, text=True, check=True).stdout)
        source = export_source(net)
        result, has_sumprod = run_standalone(interpreter, directory, source, rows)
        assert result == expected
        if has_sumprod:
            naive_result, _ = run_standalone(interpreter, directory, naive(source), rows)
            naive_differences += naive_result != expected
    if has_sumprod:  # the check above can fail: a plain loop is not what neuronsim computes
        assert naive_differences > 0, naive_differences
