"""Every activation reaches every export target, and each target's source computes
the activation's ``function`` (Python and C double: bit for bit; JavaScript: within
its stated tolerance)."""

import math
import shutil
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import NeuralNetwork
from neuronsim.activations import ACTIVATIONS
from neuronsim.export import TARGETS, export
from neuronsim.export import c as c_target
from neuronsim.export import javascript as js_target

from export_tools import STRICT, require

#: (target, options) pairs: every target, every C number type.
VARIANTS = [("python", {}), ("javascript", {}), ("javascript", {"form": "script"}),
            ("c", {"type": "double"}), ("c", {"type": "float"}), ("c", {"type": "int16"})]


def network_with(name):
    """A small network whose hidden and output layers use the activation ``name``."""
    if name == "softmax":
        return NeuralNetwork(3, 4, 3, seed=7, output_activation="softmax", cost="cross_entropy")
    return NeuralNetwork(3, 4, 2, seed=7, activation=name, output_activation=name)


def test_the_variants_cover_every_target():
    assert sorted(set(target for target, _ in VARIANTS)) == sorted(TARGETS)
    assert sorted(o["type"] for t, o in VARIANTS if t == "c") == sorted(c_target.TYPES)


def test_every_activation_exports_to_every_target():
    """Names each (activation, target) pair that cannot be exported."""
    data = [[0.1 * i, -0.2 * i, 0.3] for i in range(10)]
    missing = []
    for name in sorted(ACTIVATIONS):
        net = network_with(name)
        for target, options in VARIANTS:
            options = dict(options)
            if target == "c":
                options["data"] = data
            label = target + ("/" + "/".join(str(v) for v in options.values()
                                             if not isinstance(v, list)) if options else "")
            try:
                text = export(net, target, **options)
            except (KeyError, ValueError) as error:
                missing.append("(%r, %r): %s" % (name, label, error))
                continue
            if name not in text:
                missing.append("(%r, %r): the export does not name the activation" % (name, label))
    assert not missing, "missing:\n" + "\n".join(missing)


def test_a_missing_source_is_named(monkeypatch):
    tanh = ACTIVATIONS["tanh"]
    monkeypatch.setattr(tanh, "source", {"python": tanh.source["python"]})
    with pytest.raises(KeyError, match="activation 'tanh' has no source for target 'c'"):
        export(network_with("tanh"), "c")
    with pytest.raises(KeyError, match="'tanh' has no source for target 'javascript'"):
        export(network_with("tanh"), "javascript")
    monkeypatch.delitem(c_target.INTEGER_ACTIVATIONS, "tanh")
    with pytest.raises(KeyError, match="'tanh' has no integer-only version for target 'c'"):
        export(network_with("tanh"), "c", type="int16", data=[[0.0, 0.0, 0.0]])


# -- each target's source computes function ---------------------------------------------------

NETS = st.floats(allow_nan=False, allow_infinity=False) | st.floats(-40.0, 40.0) \
    | st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 709.0, -709.0, 750.0, -750.0, 20.0, -20.0])
ELEMENTWISE = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(deadline=None, max_examples=200)
@given(net=NETS)
def test_python_source_is_function_bit_for_bit(name, net):
    activation = ACTIVATIONS[name]
    namespace = {"exp": math.exp, "tanh": math.tanh, "net": net}
    exec(activation.code("python", "net", "out"), namespace)
    assert float.hex(namespace["out"]) == float.hex(activation.function(net))


def test_python_softmax_source_is_outputs_bit_for_bit():
    namespace = {"exp": math.exp, "INF": math.inf}
    exec(ACTIVATIONS["softmax"].layer_source["python"].format(name="softmax"), namespace)
    for nets in ([1.0, 2.0, 3.0], [1000.0, 0.0, -5.0], [math.inf, 1.0, math.inf],
                 [-math.inf, -math.inf], [0.1] * 7, [-745.0, 0.0, 3e-320]):
        assert namespace["softmax"](nets) == ACTIVATIONS["softmax"].outputs(nets)


def _sample_nets():
    values = [0.0, -0.0, 1e-300, -1e-300, 709.0, -709.0, 745.5, -745.5, 1e308, -1e308,
              math.inf, -math.inf]
    import random

    rng = random.Random(15)
    values += [rng.uniform(-40.0, 40.0) for _ in range(400)]
    values += [rng.uniform(-1.0, 1.0) * 10.0 ** rng.randint(-300, 300) for _ in range(100)]
    return values


_C_ACTIVATION_PROGRAM = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
%(softmax)s
int main(void)
{
    char word[64];
    double net, out, row[%(n)d];
    int count = 0, k;
    while (scanf("%%63s", word) == 1) {
        net = strtod(word, NULL);
        row[count++] = net;
        if (!%(elementwise)d) {
            if (count < %(n)d) continue;
            model_softmax(row, %(n)d);
            for (k = 0; k < %(n)d; k++) printf("%%a\n", row[k]);
            count = 0;
            continue;
        }
        count = 0;
%(code)s
        printf("%%a\n", out);
    }
    return 0;
}
"""


def _run_c_activation(tmp_path, name, nets, n=1):
    require("gcc")
    activation = ACTIVATIONS[name]
    names = c_target._FLOATING_NAMES["double"]
    if activation.elementwise:
        code = activation.code("c", "net", "out", number=c_target.double_literal, **names)
        softmax = "static void model_softmax(double *v, int n) { (void)v; (void)n; }"
    else:
        code, softmax = "out = 0.0; (void)out;", activation.layer_source["c"].format(
            name="model_softmax", **names)
    source = _C_ACTIVATION_PROGRAM % {"softmax": softmax, "code": code, "n": n,
                                      "elementwise": int(activation.elementwise)}
    (tmp_path / "act.c").write_text(source)
    subprocess.run(["gcc"] + STRICT + ["-O2", str(tmp_path / "act.c"), "-o",
                                       str(tmp_path / "act"), "-lm"], check=True)
    text = "\n".join(float.hex(v) for v in nets) + "\n"
    output = subprocess.run([str(tmp_path / "act")], input=text, capture_output=True, text=True,
                            check=True).stdout
    return [float.fromhex(line) for line in output.split()]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_c_double_source_is_function_bit_for_bit(tmp_path, name):
    """Same libm as CPython here: every result identical, infinities included."""
    nets = _sample_nets()
    results = _run_c_activation(tmp_path, name, nets)
    expected = [ACTIVATIONS[name].function(net) for net in nets]
    assert [float.hex(v) for v in results] == [float.hex(v) for v in expected]


def test_c_double_softmax_source_is_outputs_bit_for_bit(tmp_path):
    rows = [[1.0, 2.0, 3.0], [1000.0, 0.0, -5.0], [math.inf, 1.0, math.inf],
            [-math.inf, -math.inf, -math.inf], [0.1, 0.2, 0.3], [-745.0, 0.0, 3e-320]]
    nets = [v for row in rows for v in row]
    results = _run_c_activation(tmp_path, "softmax", nets, n=3)
    expected = [v for row in rows for v in ACTIVATIONS["softmax"].outputs(row)]
    assert [float.hex(v) for v in results] == [float.hex(v) for v in expected]


_JS_ACTIVATION_PROGRAM = """
const { readFileSync } = require("node:fs");
%(functions)s
const nets = JSON.parse(readFileSync(0, "utf8")).map((v) => (v === null ? NaN : v));
console.log(JSON.stringify(%(call)s));
"""


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_javascript_source_is_function_within_tolerance(tmp_path, name):
    """Exact for the ReLUs and linear; sigmoid, tanh and softmax within the
    stated tolerance (V8's Math.exp/Math.tanh against glibc's)."""
    require("node")
    import json

    finite = [v for v in _sample_nets() if math.isfinite(v)]
    activation = ACTIVATIONS[name]
    if activation.elementwise:
        call = "act_%s(nets)" % name
        expected = [activation.function(v) for v in finite]
        rows = finite
    else:
        rows = [finite[i:i + 4] for i in range(0, len(finite) - 3, 4)]
        call = "nets.map((row) => act_softmax(row))"
        expected = [activation.outputs(row) for row in rows]
    program = _JS_ACTIVATION_PROGRAM % {"functions": js_target.activation_source(name),
                                        "call": call}
    (tmp_path / "act.cjs").write_text(program)
    output = subprocess.run([shutil.which("node"), str(tmp_path / "act.cjs")],
                            input=json.dumps(rows), capture_output=True, text=True, check=True)
    results = json.loads(output.stdout, parse_int=float)
    if not activation.elementwise:
        results = [v for row in results for v in row]
        expected = [v for row in expected for v in row]
    worst = max(abs(r - e) / (1.0 + abs(e)) for r, e in zip(results, expected))
    if name in ("relu", "leaky_relu", "linear"):
        assert results == expected
    assert worst <= js_target.TOLERANCE, worst
