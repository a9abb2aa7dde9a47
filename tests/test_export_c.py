"""The C target, compiled with gcc and clang on this machine with every warning an error:
double equals feed_forward bit for bit (where neuronsim sums in order), float stays
within the worst difference its header states, int16 computes exactly what the
export emulated and stays within its stated error; self-tests pass; memory figures."""

import math
import os
import random
import re
import subprocess
import sys

import pytest

from neuronsim import NeuralNetwork
from neuronsim.activations import ACTIVATIONS
from neuronsim.export import c as c_target
from neuronsim.vector import HAS_SUMPROD

from export_tools import C_COMPILERS, STRICT, encode_inputs, host_program, require, run_program

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIDDEN = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)

#: Where neuronsim uses math.sumprod (CPython 3.12+) and a compensated sum(),
#: the C double results are the in-order sums: this bound holds on these networks.
SUMPROD_BOUND = 1e-13


def mixed_network(sizes, activations, seed):
    """A network with its own activation per layer (the core's constructor takes
    one hidden activation; the layers are set afterwards, as a future
    from_layers will build them)."""
    output = activations[-1]
    net = NeuralNetwork(sizes[0], sizes[1:-1], sizes[-1], seed=seed, activation=activations[0],
                        output_activation=output,
                        cost="cross_entropy" if output == "softmax" else "squared_error")
    rng = random.Random(seed)
    for layer, name in zip(net.layers, activations):
        layer.activation = ACTIVATIONS[name]
        for neuron in layer.neurons:
            neuron.bias = rng.uniform(-1.0, 1.0)
    return net


def every_activation_networks():
    """Networks covering every activation as hidden and as output, several
    hidden layers with different activations, wide layers, and large weights."""
    rng = random.Random(15)
    nets = []
    for index, hidden in enumerate(HIDDEN):
        for output in sorted(ACTIVATIONS):
            width = rng.choice([1, 3, 8, 40])
            sizes = [width] + [rng.randint(1, 9) for _ in range(rng.randint(1, 3))] \
                + [rng.randint(1, 5) if output != "softmax" else rng.randint(2, 5)]
            others = [rng.choice(HIDDEN) for _ in sizes[2:-1]]
            nets.append(mixed_network(sizes, [hidden] + others + [output],
                                      seed=rng.randint(1, 10 ** 6)))
    return nets


def input_rows(net, count, rng, scale=2.0):
    rows = [[rng.uniform(-scale, scale) for _ in range(net.num_inputs)] for _ in range(count)]
    return rows


# One C program holding many models, each under its own prefix: checks that
# prefixed headers live together, and costs one compile per compiler and type.
_MULTI_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
%(includes)s
typedef int (*predictor)(const %(T)s *, %(T)s *);
static const predictor predictors[] = {%(predictors)s};
static const int num_inputs[] = {%(num_inputs)s};
static const int num_outputs[] = {%(num_outputs)s};

int main(void)
{
    char word[64];
    %(T)s inputs[256], outputs[64];
    int model, i, k;
    while (scanf("%%d", &model) == 1) {
        for (i = 0; i < num_inputs[model]; i++) {
            if (scanf("%%63s", word) != 1) return 1;
            inputs[i] = %(read)s;
        }
        if (predictors[model](inputs, outputs) != 0) {
            printf("status\n");
            continue;
        }
        for (k = 0; k < num_outputs[model]; k++) printf(%(write)s);
        printf("\n");
    }
%(selftests)s    return 0;
}
"""

_IO = {
    "double": ("strtod(word, NULL)", r'"%a ", outputs[k]'),
    "float": ("(float)strtod(word, NULL)", r'"%a ", (double)outputs[k]'),
    "int16": ("(int16_t)strtol(word, NULL, 10)", r'"%d ", (int)outputs[k]'),
}


def run_many(tmp_path, exports, rows_per_model, type, cc):
    """Compile every export into one program with ``cc``; return (outputs per
    model per row, self-test failures per model)."""
    includes, prefixes = [], []
    for index, result in enumerate(exports):
        name = "m%d.h" % index
        (tmp_path / name).write_text(result.text)
        includes.append('#include "%s"' % name)
        prefixes.append(result.prefix)
    read, write = _IO[type]
    selftests = "".join('    printf("selftest %%d\\n", %s_selftest());\n' % p for p in prefixes)
    source = _MULTI_MAIN % {
        "includes": "\n".join(includes), "T": "int16_t" if type == "int16" else type,
        "predictors": ", ".join(p + "_predict" for p in prefixes),
        "num_inputs": ", ".join(p.upper() + "_NUM_INPUTS" for p in prefixes),
        "num_outputs": ", ".join(p.upper() + "_NUM_OUTPUTS" for p in prefixes),
        "read": read, "write": write, "selftests": selftests}
    (tmp_path / "main.c").write_text(source)
    program = str(tmp_path / ("main_" + cc))
    result = subprocess.run([cc] + STRICT + ["-O2", str(tmp_path / "main.c"), "-o", program,
                                             "-lm"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = []
    for index, rows in enumerate(rows_per_model):
        for row in rows:
            lines.append("%d %s" % (index, encode_inputs([row], type).strip()))
    output = subprocess.run([program], input="\n".join(lines) + "\n", capture_output=True,
                            text=True, check=True).stdout.splitlines()
    results, position = [], 0
    for rows in rows_per_model:
        mine = []
        for _ in rows:
            words = output[position].split()
            position += 1
            if words == ["status"]:
                mine.append(None)
            else:
                mine.append([int(w) for w in words] if type == "int16"
                            else [float.fromhex(w) for w in words])
        results.append(mine)
    selftests = [int(line.split()[1]) for line in output[position:]]
    return results, selftests


@pytest.fixture(scope="module")
def networks():
    return every_activation_networks()


@pytest.mark.parametrize("cc", C_COMPILERS)
def test_double_is_feed_forward_bit_for_bit(tmp_path, networks, cc):
    require(cc)
    rng = random.Random(1)
    rows = []
    for net in networks:
        mine = input_rows(net, 8, rng)
        mine.append([rng.uniform(-800.0, 800.0) for _ in range(net.num_inputs)])
        mine.append([1e300 if i % 2 else -1e300 for i in range(net.num_inputs)])
        mine.append([0.0] * net.num_inputs)
        rows.append(mine)
    exports = [c_target.build(net, "double", prefix="m%d" % i, selftest=3)
               for i, net in enumerate(networks)]
    results, selftests = run_many(tmp_path, exports, rows, "double", cc)
    assert selftests == [0] * len(networks)
    worst, differences = 0.0, 0
    for net, mine, got in zip(networks, rows, results):
        for row, outputs in zip(mine, got):
            expected = net.feed_forward(row)
            if HAS_SUMPROD:
                for y, e in zip(outputs, expected):
                    if y != e:
                        differences += 1
                        worst = max(worst, abs(y - e) / (1.0 + abs(e)))
            else:
                assert [float.hex(v) for v in outputs] == [float.hex(v) for v in expected], \
                    (net.layer_sizes, [layer.activation.name for layer in net.layers], row)
    assert worst <= SUMPROD_BOUND, (differences, worst)


def test_double_rejects_nan_and_infinite_inputs(tmp_path):
    require("gcc")
    net = mixed_network([2, 3, 1], ["tanh", "sigmoid"], seed=3)
    program = host_program(tmp_path, net.export("c"), "double")
    results, _ = run_program(program, [[float("nan"), 0.0], [0.0, float("inf")], [0.5, 0.5]],
                             "double")
    assert results[:2] == [None, None]
    assert results[2] == net.feed_forward([0.5, 0.5])


@pytest.mark.parametrize("cc", C_COMPILERS)
def test_float_stays_within_the_stated_worst_difference(tmp_path, networks, cc):
    require(cc)
    rng = random.Random(2)
    data = [input_rows(net, 30, rng) for net in networks]
    exports = [c_target.build(net, "float", prefix="m%d" % i, selftest=4, data=rows)
               for i, (net, rows) in enumerate(zip(networks, data))]
    results, selftests = run_many(tmp_path, exports, data, "float", cc)
    assert selftests == [0] * len(networks)
    for net, rows, got, result in zip(networks, data, results, exports):
        stated = float(re.search(r"on the \d+ data rows: ([0-9.e+-]+)", result.text).group(1))
        worst = max(abs(y - e) for row, outputs in zip(rows, got)
                    for y, e in zip(outputs, net.feed_forward(row)))
        # The emulation rounds exp and tanh correctly; glibc's expf/tanhf may
        # not: an ulp or two of an activation, carried through the layers.
        assert worst <= 1.5 * stated + 1e-6 * (1.0 + max(abs(e) for row in rows
                                                         for e in net.feed_forward(row))), \
            (net.layer_sizes, worst, stated)


def test_float_weights_are_nine_digit_float32_literals():
    net = NeuralNetwork(1, 1, 1, hidden_layer_weights=[0.1], hidden_layer_bias=1 / 3,
                        output_layer_weights=[1e-40], output_layer_bias=-2.5, seed=1)
    text = net.export("c", type="float")
    assert "    0.100000001f,\n" in text and "0.333333343f" in text
    assert "9.99994610e-41f" in text or "9.9999461e-41f" in text   # a float32 subnormal
    with pytest.raises(ValueError, match="does not fit in a float"):
        NeuralNetwork(1, 1, 1, hidden_layer_weights=[1e39], seed=1).export("c", type="float")


@pytest.mark.parametrize("cc", C_COMPILERS)
def test_int16_is_its_emulation_exactly(tmp_path, networks, cc):
    require(cc)
    rng = random.Random(3)
    data = [input_rows(net, 30, rng) for net in networks]
    exports = [c_target.build(net, "int16", prefix="m%d" % i, selftest=5, data=rows)
               for i, (net, rows) in enumerate(zip(networks, data))]
    quantized = [[c_target.quantize_inputs(result.plan, row) for row in rows]
                 for result, rows in zip(exports, data)]
    # Inputs beyond the data's range too: saturation, extreme sums.
    for rows in quantized:
        rows.append([32767] * len(rows[0]))
        rows.append([-32767 if i % 2 else 32767 for i in range(len(rows[0]))])
    results, selftests = run_many(tmp_path, exports, quantized, "int16", cc)
    assert selftests == [0] * len(networks)
    for result, rows, got in zip(exports, quantized, results):
        assert got == [c_target.int16_predict(result.plan, row) for row in rows]


def test_int16_error_is_small_on_every_activation(networks):
    """The stated worst error, on data inside the calibrated range."""
    rng = random.Random(4)
    for net in networks:
        rows = input_rows(net, 40, rng)
        result = c_target.build(net, "int16", data=rows)
        bounded = net.layers[-1].activation.name in ("sigmoid", "tanh", "softmax")
        scale = 1.0 if bounded else max(1.0, max(abs(v) for row in rows
                                                 for v in net.feed_forward(row)))
        assert result.int16_worst <= 0.01 * scale, (net.layer_sizes, [
            layer.activation.name for layer in net.layers], result.int16_worst)


def test_int16_needs_data():
    net = NeuralNetwork(2, 2, 1, seed=1)
    with pytest.raises(ValueError, match="needs the training data"):
        net.export("c", type="int16")


def test_bad_options_are_clear_errors():
    net = NeuralNetwork(2, 2, 1, seed=1)
    with pytest.raises(ValueError, match="unknown type 'int8'"):
        net.export("c", type="int8")
    with pytest.raises(ValueError, match="prefix must be a C identifier"):
        net.export("c", prefix="my-model")
    for count in (-1, 10001, 10 ** 20):
        with pytest.raises(ValueError, match="selftest must be a count from 0 to 10000"):
            net.export("c", selftest=count)
    with pytest.raises(ValueError, match=r"data\[1\]: expected 2 inputs, got 3"):
        net.export("c", type="float", data=[[0.0, 0.0], [1.0, 2.0, 3.0]])


def test_memory_figures_are_the_arrays_sizes():
    net = mixed_network([5, 7, 6, 3], ["relu", "tanh", "softmax"], seed=2)
    rows = [[0.1 * i] * 5 for i in range(10)]
    double = c_target.build(net, "double")
    assert double.flash_bytes == (5 * 7 + 7 + 7 * 6 + 6 + 6 * 3 + 3) * 8
    assert double.ram_bytes == (7 + 6) * 8           # two ping-pong buffers
    single = c_target.build(net, "float", selftest=2)
    assert single.flash_bytes == double.flash_bytes // 2
    assert single.selftest_bytes == 2 * (5 + 3) * 4
    fixed = c_target.build(net, "int16", data=rows)
    assert fixed.flash_bytes == (5 * 7 + 7 * 6 + 6 * 3) * 2 + (7 + 6 + 3) * 4 + 129 * 2 + 33 * 2
    assert fixed.ram_bytes == (7 + 6) * 2 + 3 * 4    # buffers and the softmax's int32 sums
    assert "flash: %d bytes" % fixed.flash_bytes in fixed.text


# -- the command line ------------------------------------------------------------------------

def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "neuronsim"] + list(args), capture_output=True,
                          text=True, cwd=cwd, env=dict(os.environ, PYTHONPATH=ROOT))


def test_cli_exports_int16_with_selftest_from_the_training_file(tmp_path):
    require("gcc")
    data = tmp_path / "iris.csv"
    data.write_text(open(os.path.join(ROOT, "demos", "data", "iris.csv")).read())
    trained = run_cli("train", "iris.csv", "--layers", "4,8,3", "--output-activation", "softmax",
                      "--cost", "cross_entropy", "--learning-rate", "0.05", "--epochs", "40",
                      "--seed", "1", "--out", "model.json", "--quiet", cwd=str(tmp_path))
    assert trained.returncode == 0, trained.stderr
    result = run_cli("export", "model.json", "--to", "c", "--type", "int16", "--selftest", "20",
                     "--out", "model.h", cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert re.search(r"flash \d+ bytes .* RAM \d+ bytes", result.stderr)
    assert re.search(r"class agreement 1(4[89]|50)/150", result.stderr), result.stderr
    text = (tmp_path / "model.h").read_text()
    program = host_program(tmp_path / "build" if False else tmp_path, text, "int16",
                           selftest=True)
    _, failures = run_program(program, [], "int16")
    assert failures == 0


def test_cli_to_javascript_and_python(tmp_path):
    net = NeuralNetwork(2, 3, 1, seed=1)
    net.save(str(tmp_path / "model.json"))
    js = run_cli("export", "model.json", "--to", "javascript", cwd=str(tmp_path))
    assert js.returncode == 0 and "export { predict" in js.stdout
    py = run_cli("export", "model.json", "--to", "python", cwd=str(tmp_path))
    assert py.returncode == 0 and py.stdout == net.export_source()
    bad = run_cli("export", "model.json", "--to", "c", "--type", "int16", cwd=str(tmp_path))
    assert bad.returncode == 2 and "needs the training data" in bad.stderr


# -- a saved model's scaling travels into the header ------------------------------------------

def scaled_networks():
    """A classifier on raw inputs of very different scales (input scaling) and a
    regression in large units (input and target scaling), trained by fit."""
    rng = random.Random(21)
    rows = [[rng.uniform(0, 1), rng.uniform(0, 100000), rng.uniform(-5, 5)] for _ in range(60)]
    labels = [[1.0, 0.0] if r[0] + r[1] / 100000 > 1 else [0.0, 1.0] for r in rows]
    classifier = NeuralNetwork.from_layers(3, [(6, "tanh"), (2, "softmax")],
                                           cost="cross_entropy", seed=2)
    classifier.fit(list(zip(rows, labels)), epochs=20, optimizer="adam", learning_rate=0.05,
                   batch_size=8, scale_inputs=True, seed=1)
    targets = [[300000.0 * r[0] + r[1] + 1000.0 * r[2]] for r in rows]
    regression = NeuralNetwork.from_layers(3, [(5, "relu"), (1, "linear")], seed=3)
    regression.fit(list(zip(rows, targets)), epochs=20, optimizer="adam", learning_rate=0.01,
                   batch_size=8, scale_inputs=True, scale_targets=True, seed=1)
    assert classifier.input_scaling is not None and regression.target_scaling is not None
    return [classifier, regression], rows


@pytest.mark.parametrize("type", ["double", "float", "int16"])
def test_the_scaling_is_in_the_header(tmp_path, type):
    require("gcc")
    networks, rows = scaled_networks()
    for index, net in enumerate(networks):
        result = c_target.build(net, type, prefix="s%d" % index, selftest=5, data=rows)
        directory = tmp_path / ("%s%d" % (type, index))
        directory.mkdir()
        program = host_program(directory, result.text, type, prefix="s%d" % index, selftest=True)
        inputs = [c_target.quantize_inputs(result.plan, row) for row in rows] \
            if type == "int16" else rows
        got, selftest = run_program(program, inputs, type)
        assert selftest == 0
        expected = [net.feed_forward(row) for row in rows]
        if type == "double":
            if not HAS_SUMPROD:
                assert [[float.hex(v) for v in out] for out in got] == \
                    [[float.hex(v) for v in out] for out in expected]
            for out, want in zip(got, expected):
                for y, e in zip(out, want):
                    assert abs(y - e) <= SUMPROD_BOUND * (1.0 + abs(e))
        elif type == "float":
            stated = float(re.search(r"on the \d+ data rows: ([0-9.e+-]+)", result.text).group(1))
            worst = max(abs(y - e) for out, want in zip(got, expected) for y, e in zip(out, want))
            assert worst <= 1.5 * stated + 1e-6 * (1.0 + max(abs(e[0]) for e in expected))
        else:   # raw inputs in, outputs in the user's units out: the stated error holds
            bits = result.plan["layers"][-1]["output_bits"]
            worst = max(abs(math.ldexp(y, -bits) - e) for out, want in zip(got, expected)
                        for y, e in zip(out, want))
            assert worst <= result.int16_worst + 1e-12
        if index == 0:   # the classifier: classes agree on the raw rows
            if type == "int16":
                got = [[math.ldexp(y, -result.plan["layers"][-1]["output_bits"]) for y in out]
                       for out in got]
            agree = sum(out.index(max(out)) == want.index(max(want))
                        for out, want in zip(got, expected))
            if type == "int16":
                # One int16 format for every input: a column of 0..1 beside one of
                # 0..100000 loses its resolution once the scaling is folded into the
                # weights.  The export says so: its stated agreement is the truth.
                assert result.agreement == (agree, len(rows))
            else:
                assert agree >= 0.95 * len(rows)
    flash_without = c_target.build(NeuralNetwork.from_dict(dict(networks[1].to_dict(),
                                                                input_scaling=None,
                                                                target_scaling=None)),
                                   "double").flash_bytes
    assert c_target.build(networks[1], "double").flash_bytes == flash_without + 8 * (2 * 3 + 2)
