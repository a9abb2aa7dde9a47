"""The JavaScript target under Node: predict() is feed_forward within the stated
tolerance (exactly where no Math.exp/Math.tanh is involved), as an ES module and
as a plain script; it checks its inputs like feed_forward."""

import random
import subprocess

import pytest

from neuronsim import NeuralNetwork
from neuronsim.export import javascript as js_target
from neuronsim.vector import HAS_SUMPROD

from export_tools import require, run_javascript
from test_export_c import SUMPROD_BOUND, every_activation_networks, input_rows


@pytest.mark.parametrize("form", js_target.FORMS)
def test_predict_is_feed_forward_within_tolerance(tmp_path, form):
    require("node")
    rng = random.Random(5)
    worst = 0.0
    networks = every_activation_networks()
    if form == "script":   # the same code in another wrapper: a few suffice
        networks = networks[::6]
    for index, net in enumerate(networks):
        rows = input_rows(net, 10, rng)
        rows.append([rng.uniform(-800.0, 800.0) for _ in range(net.num_inputs)])
        rows.append([1e300 if i % 2 else -1e300 for i in range(net.num_inputs)])
        directory = tmp_path / str(index)
        directory.mkdir()
        results = run_javascript(directory, net.export("javascript", form=form), rows, form)
        names = [layer.activation.name for layer in net.layers]
        for row, outputs in zip(rows, results):
            expected = net.feed_forward(row)
            if not HAS_SUMPROD and not set(names) & {"sigmoid", "tanh", "softmax"}:
                assert outputs == expected, (net.layer_sizes, names)
            for y, e in zip(outputs, expected):
                worst = max(worst, abs(y - e) / (1.0 + abs(e)))
    assert worst <= (js_target.TOLERANCE if not HAS_SUMPROD else
                     max(js_target.TOLERANCE, SUMPROD_BOUND)), worst


def test_predict_checks_its_inputs(tmp_path):
    require("node")
    net = NeuralNetwork(2, 2, 1, seed=1)
    (tmp_path / "model.mjs").write_text(net.export("javascript"))
    script = """
import { predict } from "./model.mjs";
for (const bad of [[0.1], [0.1, NaN], [0.1, "2"], "ab", [0.1, Infinity], null]) {
  try { predict(bad); console.log("accepted"); } catch (e) { console.log(e.name); }
}
"""
    (tmp_path / "check.mjs").write_text(script)
    output = subprocess.run(["node", str(tmp_path / "check.mjs")], capture_output=True,
                            text=True, check=True).stdout.split()
    assert output == ["RangeError", "RangeError", "TypeError", "RangeError", "RangeError",
                      "RangeError"]


def test_bad_options():
    net = NeuralNetwork(2, 2, 1, seed=1)
    with pytest.raises(ValueError, match="unknown form 'amd'"):
        net.export("javascript", form="amd")
    with pytest.raises(ValueError, match="name must be an identifier"):
        net.export("javascript", name="my-model")


@pytest.mark.parametrize("form", js_target.FORMS)
def test_a_saved_models_scaling_is_applied(tmp_path, form):
    require("node")
    from test_export_c import scaled_networks
    networks, rows = scaled_networks()
    for index, net in enumerate(networks):
        directory = tmp_path / str(index)
        directory.mkdir()
        results = run_javascript(directory, net.export("javascript", form=form), rows, form)
        for row, outputs in zip(rows, results):
            for y, e in zip(outputs, net.feed_forward(row)):   # raw in, the user's units out
                assert abs(y - e) <= max(js_target.TOLERANCE, SUMPROD_BOUND) * (1.0 + abs(e))
        if net.layers[-1].activation.name == "relu" or net.target_scaling is not None and \
                not HAS_SUMPROD:   # relu then linear: no exp, so the same doubles
            assert results == [net.feed_forward(row) for row in rows]
