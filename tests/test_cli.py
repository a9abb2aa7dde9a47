"""The command line: train → predict → info → export, one-line errors, useful help."""

import io
import json
import os
import subprocess
import sys

import pytest

from neuronsim import NeuralNetwork
from neuronsim.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

XOR = "x1,x2,xor\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
# A few rows in the manner of Fisher's iris, with class labels in the last column.
FLOWERS = """sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
4.9,3.0,1.4,0.2,setosa
4.7,3.2,1.3,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.4,3.2,4.5,1.5,versicolor
6.9,3.1,4.9,1.5,versicolor
6.3,3.3,6.0,2.5,virginica
5.8,2.7,5.1,1.9,virginica
7.1,3.0,5.9,2.1,virginica
"""


def run(*argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "xor.csv").write_text(XOR)
    (tmp_path / "flowers.csv").write_text(FLOWERS)
    return tmp_path


def train_xor(files, *extra):
    model = files / "xor.json"
    status, out, err = run("train", files / "xor.csv", "--layers", "2,4,1", "--epochs", 300,
                           "--learning-rate", 2, "--seed", 1, "--out", model, *extra)
    assert status == 0, err
    return model, err


def test_train_saves_a_model_that_learned_and_reports_progress_on_stderr(files):
    model, err = train_xor(files)
    lines = err.splitlines()
    assert lines[0].startswith("neuronsim: epoch   1/300  error ")
    assert lines[-2].startswith("neuronsim: epoch 300/300  error ")
    assert "saved %s" % model in lines[-1]
    net = NeuralNetwork.load(str(model))
    first = float(lines[0].split("error ")[1].split()[0])
    last = float(lines[-2].split("error ")[1].split()[0])
    assert last < first
    document = json.loads(model.read_text())
    assert document["metadata"]["input_columns"] == ["x1", "x2"]
    assert document["metadata"]["target_columns"] == ["xor"]
    assert net.layer_sizes == [2, 4, 1] and net.seed == 1
    assert sorted(os.listdir(str(files))) == ["flowers.csv", "xor.csv", "xor.json"]


def test_training_is_repeatable_from_a_seed(files):
    model, _ = train_xor(files)
    first = json.loads(model.read_text())
    train_xor(files)
    second = json.loads(model.read_text())
    for document in (first, second):
        del document["metadata"]["training"]["seconds"]
    assert second == first


def test_on_a_terminal_the_progress_line_is_rewritten_in_place(files):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stderr = Terminal()
    status = main(["train", str(files / "xor.csv"), "--layers", "2,4,1", "--epochs", "50",
                   "--seed", "1", "--out", str(files / "m.json")], io.StringIO(), stderr)
    text = stderr.getvalue()
    assert status == 0
    progress, summary = text.rstrip("\n").rsplit("\n", 1)
    assert "\n" not in progress and progress.count("\r") >= 2
    assert progress.rsplit("\r", 1)[1].startswith("neuronsim: epoch 50/50  error ")
    assert summary.startswith("neuronsim: trained 50 epochs")


def test_quiet_training_writes_nothing_to_stderr(files):
    _, err = train_xor(files, "--quiet")
    assert err == ""


def test_predict_writes_exactly_what_the_network_computes(files):
    model, _ = train_xor(files)
    status, out, err = run("predict", model, files / "xor.csv")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "xor"
    net = NeuralNetwork.load(str(model))
    expected = [net.feed_forward(x) for x in ([0, 0], [0, 1], [1, 0], [1, 1])]
    assert [[float(v) for v in line.split(",")] for line in lines[1:]] == expected


def test_predict_takes_rows_of_inputs_only_and_reads_stdin(files, monkeypatch):
    model, _ = train_xor(files)
    monkeypatch.setattr(sys, "stdin", io.StringIO("1,0\n0,0\n"))
    status, out, err = run("predict", model, "-")
    net = NeuralNetwork.load(str(model))
    assert status == 0, err
    assert out.splitlines()[1:] == [repr(net.feed_forward([1, 0])[0]),
                                    repr(net.feed_forward([0, 0])[0])]


def test_class_labels_are_learned_one_hot_and_predicted_by_name(files):
    model = files / "flowers.json"
    status, out, err = run("train", files / "flowers.csv", "--layers", "4,6,3",
                           "--output-activation", "softmax", "--cost", "cross_entropy",
                           "--learning-rate", "0.1", "--epochs", 400, "--seed", 3,
                           "--quiet", "--out", model)
    assert status == 0, err
    status, out, err = run("predict", model, files / "flowers.csv")
    assert status == 0, err
    rows = [line.split(",") for line in out.splitlines()]
    assert rows[0] == ["setosa", "versicolor", "virginica", "class"]
    species = [line.split(",")[-1] for line in FLOWERS.splitlines()[1:]]
    assert [row[-1] for row in rows[1:]] == species
    for row in rows[1:]:
        assert abs(sum(float(v) for v in row[:3]) - 1.0) < 1e-12


def test_info_shows_architecture_and_counts(files):
    model, _ = train_xor(files)
    status, out, err = run("info", model)
    assert status == 0, err
    assert "layers:     2-4-1" in out
    assert "hidden    4 neurons, sigmoid" in out
    assert "output    1 neuron, sigmoid" in out
    assert "parameters: 17 (12 weights, 5 biases)" in out
    assert "seed 1" in out and "inputs:     x1, x2" in out and "outputs:    xor" in out


def test_export_writes_a_module_that_predicts_what_predict_printed(files):
    model, _ = train_xor(files)
    status, source, err = run("export", model)
    assert status == 0, err
    (files / "xor_model.py").write_text(source)
    _, predicted, _ = run("predict", model, files / "xor.csv")
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c",
         "import sys; sys.path.insert(0, sys.argv[1]); import xor_model\n"
         "for row in ([0, 0], [0, 1], [1, 0], [1, 1]): print(repr(xor_model.predict(row)[0]))",
         str(files)], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == predicted.splitlines()[1:]
    assert run("export", model, "--out", files / "m.py")[0] == 0
    assert (files / "m.py").read_text() == source


def test_explain_writes_out_one_step_and_leaves_the_model_file_alone(files):
    model, _ = train_xor(files)
    before = model.read_bytes()
    status, out, err = run("explain", model, "--inputs", "1,0", "--targets", "1")
    assert (status, err) == (0, "")
    net = NeuralNetwork.load(str(model))
    assert out.rstrip("\n") == net.explain([1.0, 0.0], [1.0]).rstrip("\n")
    assert "net_h1 = w1·i1 + w2·i2 + b_h1" in out
    assert model.read_bytes() == before


def test_explain_draws_the_step_with_svg(files):
    import xml.etree.ElementTree as ElementTree

    model, _ = train_xor(files)
    picture = files / "step.svg"
    status, out, err = run("explain", model, "--inputs", "1,0", "--targets", "1",
                           "--svg", picture, "--label", "gradient")
    assert status == 0 and "step.svg" in err
    net = NeuralNetwork.load(str(model))
    net.explain([1.0, 0.0], [1.0])
    assert picture.read_text(encoding="utf-8") == net.to_svg(label="gradient")
    root = ElementTree.fromstring(picture.read_bytes())
    assert root.tag.endswith("svg")
    gradient = "%.3g" % net.output_layer.neurons[0].weight_gradients[0]
    assert gradient in picture.read_text(encoding="utf-8")


def test_explain_label_needs_svg_and_svg_needs_a_folder(files):
    model, _ = train_xor(files)
    status, out, err = run("explain", model, "--inputs", "1,0", "--targets", "1",
                           "--label", "weight")
    assert status == 2 and "--label: goes with --svg" in err
    status, out, err = run("explain", model, "--inputs", "1,0", "--targets", "1",
                           "--svg", files / "no" / "such" / "x.svg")
    assert status == 2 and "--svg: no such directory" in err


# -- errors: one line, status 2, no traceback -----------------------------------------------

BAD_CALLS = [
    (["predict", "{tmp}/missing.json", "{tmp}/xor.csv"], "missing.json: No such file or directory"),
    (["predict", "{tmp}/broken.json", "{tmp}/xor.csv"], "broken.json: not valid JSON"),
    (["info", "{tmp}/short.json"], "short.json: layers[1].neurons[0].weights: expected 4 numbers, got 3"),
    (["export", "{tmp}/xor.csv"], "xor.csv: not valid JSON"),
    (["train", "{tmp}/bad.csv", "--layers", "2,4,1", "--out", "{tmp}/m.json"],
     "bad.csv, line 3, column 'x2': expected a finite number, got 'one'"),
    (["train", "{tmp}/xor.csv", "--layers", "2,4,1", "--out", "{tmp}/no/such/m.json"],
     "--out: no such directory: "),
    (["train", "{tmp}/typo.csv", "--layers", "2,4,1", "--out", "{tmp}/m.json"],
     "typo.csv, line 4, column 'y': expected a finite number, got '1x'"),
    (["train", "{tmp}/ragged.csv", "--layers", "2,4,1", "--out", "{tmp}/m.json"],
     "ragged.csv, line 3: expected 3 columns like the first row, got 2"),
    (["train", "{tmp}/xor.csv", "--layers", "2,x,1", "--out", "{tmp}/m.json"],
     "argument --layers: expected widths like 4,8,3"),
    (["train", "{tmp}/xor.csv", "--layers", "3,4,1", "--out", "{tmp}/m.json"],
     "xor.csv has 2 input columns (x1, x2)"),
    (["train", "{tmp}/xor.csv", "--layers", "2,4,1", "--target-columns", "y", "--out", "{tmp}/m.json"],
     "--target-columns: no column 'y' in"),
    (["train", "{tmp}/xor.csv", "--layers", "2,4,1", "--epochs", "0", "--out", "{tmp}/m.json"],
     "argument --epochs: expected a whole number >= 1, got '0'"),
    (["train", "{tmp}/xor.csv", "--layers", "2,4,1", "--momentum", "1.5", "--out", "{tmp}/m.json"],
     "argument --momentum: expected a number in [0, 1), got '1.5'"),
    (["train", "{tmp}/xor.csv", "--layers", "2,4,1", "--cost", "cross_entropy",
      "--output-activation", "linear", "--out", "{tmp}/m.json"],
     "cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output activation"),
    (["train", "{tmp}/flowers.csv", "--layers", "4,4,2", "--out", "{tmp}/m.json"],
     "--layers: 2 outputs, but column species holds 3 class labels"),
    (["train", "{tmp}/xor.csv", "--out", "{tmp}/m.json"], "the following arguments are required: --layers"),
    (["predict", "{tmp}/xor.json", "{tmp}/flowers.csv"],
     "flowers.csv: expected 2 input columns per row, got 5"),
    (["explain", "{tmp}/xor.json", "--inputs", "1,0,1", "--targets", "1"],
     "xor.json: inputs: expected 2 numbers, got 3"),
    (["explain", "{tmp}/xor.json", "--inputs", "1,nan", "--targets", "1"],
     "argument --inputs: expected finite numbers separated by commas"),
    (["explain", "{tmp}/big.json", "--inputs", ",".join(["0"] * 30), "--targets", "1"],
     "big.json: net: explain writes out every weight and reads well up to"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
]


@pytest.mark.parametrize("argv, message", BAD_CALLS,
                         ids=["-".join(a[:1] + [message.split(":")[0][:20]]) for a, message in
                              [(argv, m) for argv, m in BAD_CALLS]])
def test_a_bad_call_prints_one_line_and_exits_2(files, argv, message):
    (files / "broken.json").write_text('{"format": ')
    short = NeuralNetwork(4, 4, 2, seed=1).to_dict()
    short["layers"][1]["neurons"][0]["weights"].pop()
    (files / "short.json").write_text(json.dumps(short))
    (files / "bad.csv").write_text("x1,x2,y\n1,2,3\n1,one,3\n")
    (files / "ragged.csv").write_text("1,2,3\n1,2,3\n1,2\n")
    (files / "typo.csv").write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1x\n")
    NeuralNetwork(2, 2, 1, seed=1).save(str(files / "xor.json"))
    NeuralNetwork(30, 20, 1, seed=1).save(str(files / "big.json"))
    argv = [part.format(tmp=files) for part in argv]
    status, out, err = run(*argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("neuronsim: error: ")
    assert message in err
    assert not (files / "m.json").exists()


def test_predict_names_the_input_columns_it_cannot_find(files):
    model, _ = train_xor(files)
    status, out, err = run("predict", model, files / "flowers.csv")
    assert (status, out) == (2, "")
    assert err.endswith("flowers.csv: no columns 'x1', 'x2' (the model was trained on x1, x2)\n")


def test_diverging_training_says_so_in_one_line_exits_1_and_saves_nothing(files):
    status, out, err = run("train", files / "xor.csv", "--layers", "2,4,1", "--activation",
                           "linear", "--learning-rate", 100, "--epochs", 50, "--seed", 1,
                           "--out", files / "m.json")
    assert (status, out) == (1, "")
    last = err.splitlines()[-1]
    assert last.startswith("neuronsim: error: training diverged in epoch ")
    assert "Traceback" not in err
    assert not (files / "m.json").exists()


def test_python_dash_m_exits_2_with_one_line_and_no_traceback(files):
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, "-m", "neuronsim", "info", str(files / "none.json")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "neuronsim: error: %s: No such file or directory\n" % (files / "none.json")


@pytest.mark.parametrize("command, expected", [
    ([], ["train", "predict", "info", "explain", "export", "train --help"]),
    (["explain"], ["--inputs", "--targets", "chain rule", "not changed",
                   "Example: neuronsim explain"]),
    (["train"], ["--layers", "--target-columns", "--epochs", "--batch-size", "--learning-rate",
                 "--out", "class labels", "stderr", "Example: neuronsim train"]),
    (["predict"], ["CSV", "stdout", "header", "Example: neuronsim predict"]),
    (["info"], ["layers", "parameter counts", "Example: neuronsim info"]),
    (["export"], ["imports nothing but math", "MicroPython", "--out", "Example: neuronsim export"]),
])
def test_every_command_has_useful_help(command, expected, capsys):
    with pytest.raises(SystemExit) as exited:
        main(command + ["--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for phrase in expected:
        assert phrase in text
