"""The command line, run as a user runs it: `python -m neuronsim …` in a subprocess, in a temp
folder.  Every bad call prints one line, exits 2 and changes no file; good calls do what they say."""

import io
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

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
# The options these tests were written for (issue 14 changed the defaults: tests/test_real_data.py).
TRAIN = ["--layers", "2,4,1", "--epochs", "300", "--learning-rate", "2", "--seed", "1",
         "--optimizer", "sgd", "--batch-size", "1", "--activation", "sigmoid",
         "--output-activation", "sigmoid", "--cost", "squared_error", "--patience", "300",
         "--no-scale"]


def cli(folder, *argv, stdin=None):
    """(exit status, stdout, stderr) of `python -m neuronsim ARGV` run in ``folder``."""
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "neuronsim"] + [str(a) for a in argv],
                            cwd=str(folder), input=stdin, capture_output=True, env=env)
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def state(folder):
    """Every entry of a folder tree: kind, inode, link count, target or contents."""
    found = {}
    for base, folders, files in os.walk(str(folder)):
        for name in folders + files:
            path = os.path.join(base, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                found[path] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    found[path] = ("file", info.st_ino, info.st_nlink, handle.read())
            else:
                found[path] = ("other", info.st_ino, stat.S_IFMT(info.st_mode))
    return found


def fails(folder, *argv, stdin=None):
    """Run a call that must fail: one line, status 2, nothing on stdout, no file changed."""
    before = state(folder)
    status, out, err = cli(folder, *argv, stdin=stdin)
    assert (status, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("neuronsim: error: "), err
    assert "Traceback" not in err and ".tmp" not in err
    assert state(folder) == before
    return err[len("neuronsim: error: "):-1]


@pytest.fixture(scope="module")
def xor_model(tmp_path_factory):
    """A model trained once by the command line; each test gets a copy."""
    folder = tmp_path_factory.mktemp("model")
    (folder / "xor.csv").write_text(XOR)
    status, out, err = cli(folder, "train", "xor.csv", *TRAIN, "--out", "xor.json")
    assert status == 0, err
    return folder / "xor.json", err


@pytest.fixture
def files(tmp_path, xor_model):
    (tmp_path / "xor.csv").write_text(XOR)
    (tmp_path / "flowers.csv").write_text(FLOWERS)
    shutil.copy(str(xor_model[0]), str(tmp_path / "xor.json"))
    return tmp_path


def predictions(text):
    return [[float(v) for v in line.split(",")] for line in text.splitlines()[1:]]


# -- train, predict, info, export, explain ------------------------------------------------

def test_train_says_what_it_read_reports_progress_and_saves(xor_model):
    model, err = xor_model
    lines = err.splitlines()
    assert lines[0] == ("neuronsim: read 4 rows of xor.csv (header on line 1); inputs x1, x2; "
                        "target xor")
    assert lines[1].startswith("neuronsim: epoch   1/300  error ")
    assert lines[-2].startswith("neuronsim: epoch 300/300  error ")
    assert lines[-1].startswith("neuronsim: trained 300 epochs") and "saved xor.json" in lines[-1]
    first, last = (float(line.split("error ")[1].split()[0]) for line in (lines[1], lines[-2]))
    assert last < first
    metadata = json.loads(model.read_text())["metadata"]
    assert {key: metadata[key] for key in ("input_columns", "target_columns", "input_indices",
                                           "target_indices", "num_columns", "has_header")} == {
        "input_columns": ["x1", "x2"], "target_columns": ["xor"], "input_indices": [0, 1],
        "target_indices": [2], "num_columns": 3, "has_header": True}
    assert sorted(os.listdir(str(model.parent))) == ["xor.csv", "xor.json"]


def test_training_is_repeatable_from_a_seed(files, xor_model):
    status, _, err = cli(files, "train", "xor.csv", *TRAIN, "--out", "again.json", "--quiet")
    assert (status, err) == (0, "")
    first, second = (json.loads(p.read_text()) for p in (xor_model[0], files / "again.json"))
    for document in (first, second):
        del document["metadata"]["training"]["seconds"]
    assert second == first


def test_predict_writes_exactly_what_the_network_computes(files):
    status, out, err = cli(files, "predict", "xor.json", "xor.csv")
    assert (status, err) == (0, "")
    net = NeuralNetwork.load(str(files / "xor.json"))
    assert out.splitlines()[0] == "xor"
    assert predictions(out) == [net.feed_forward(x) for x in ([0, 0], [0, 1], [1, 0], [1, 1])]
    low, high, high2, low2 = (row[0] for row in predictions(out))   # it learned xor
    assert max(low, low2) < 0.5 < min(high, high2)


def test_predict_picks_columns_by_name_in_any_order_and_from_stdin(files):
    net = NeuralNetwork.load(str(files / "xor.json"))
    status, out, err = cli(files, "predict", "xor.json", "-", stdin=b"x2,x1\n1,0\n")
    assert status == 0, err
    assert predictions(out) == [net.feed_forward([0, 1])]
    # A UTF-8 byte-order mark on stdin is skipped, as in files.
    status, out, err = cli(files, "predict", "xor.json", "-", stdin=b"\xef\xbb\xbfx2,x1\n1,0\n")
    assert predictions(out) == [net.feed_forward([0, 1])]
    # Rows of just the inputs, or of the training file's columns, go by position.
    status, out, err = cli(files, "predict", "xor.json", "-", stdin=b"1,0\n0,0\n")
    assert predictions(out) == [net.feed_forward([1, 0]), net.feed_forward([0, 0])]
    status, out, err = cli(files, "predict", "xor.json", "-", stdin=b"1,0,1\n")
    assert predictions(out) == [net.feed_forward([1, 0])]


def test_predict_out_writes_the_same_csv_atomically(files):
    _, expected, _ = cli(files, "predict", "xor.json", "xor.csv")
    (files / "real").mkdir()
    (files / "real" / "p.csv").write_text("old")
    (files / "p.csv").symlink_to(files / "real" / "p.csv")
    status, out, err = cli(files, "predict", "xor.json", "xor.csv", "--out", "p.csv")
    assert (status, out, err) == (0, "", "")
    assert (files / "p.csv").is_symlink() and (files / "real" / "p.csv").read_text() == expected


def test_class_labels_are_learned_one_hot_and_predicted_by_name(files):
    status, out, err = cli(files, "train", "flowers.csv", "--layers", "4,6,3",
                           "--output-activation", "softmax", "--cost", "cross_entropy",
                           "--learning-rate", "0.1", "--epochs", "400", "--seed", "3", "--out",
                           "flowers.json")
    assert status == 0, err
    assert err.splitlines()[0].endswith("target species; class labels setosa, versicolor, "
                                        "virginica")
    status, out, err = cli(files, "predict", "flowers.json", "flowers.csv")
    assert status == 0, err
    rows = [line.split(",") for line in out.splitlines()]
    assert rows[0] == ["setosa", "versicolor", "virginica", "class"]
    assert [row[-1] for row in rows[1:]] == [line.split(",")[-1] for line in
                                             FLOWERS.splitlines()[1:]]
    for row in rows[1:]:
        assert abs(sum(float(v) for v in row[:3]) - 1.0) < 1e-12


def test_classes_makes_numbers_class_labels(files):
    (files / "digits.csv").write_text("a,b,digit\n0,0,0\n0,1,1\n1,0,2\n1,1,10\n")
    status, _, err = cli(files, "train", "digits.csv", "--layers", "2,3,4", "--classes",
                         "--epochs", "5", "--seed", "1", "--quiet", "--out", "d.json")
    assert status == 0, err
    assert json.loads((files / "d.json").read_text())["metadata"]["classes"] == ["0", "1", "2",
                                                                                   "10"]
    status, out, _ = cli(files, "predict", "d.json", "digits.csv")
    assert out.splitlines()[0] == "0,1,2,10,class"


def test_a_headerless_file_and_a_header_of_numbers(files):
    (files / "plain.csv").write_text(XOR.split("\n", 1)[1])
    status, _, err = cli(files, "train", "plain.csv", *TRAIN, "--out", "plain.json")
    assert status == 0, err
    assert err.splitlines()[0] == ("neuronsim: read 4 rows of plain.csv (no header: its first "
                                   "row is numbers; --header if it is one); inputs 0, 1; "
                                   "target 2")
    (files / "years.csv").write_text("1990,2000,2010\n" + XOR.split("\n", 1)[1])
    status, _, err = cli(files, "train", "years.csv", *TRAIN, "--out", "y.json", "--header")
    assert status == 0, err
    metadata = json.loads((files / "y.json").read_text())["metadata"]
    assert metadata["input_columns"] == ["1990", "2000"] and metadata["has_header"] is True
    # Its own file, read without --header, would feed the header row in as data: refused.
    message = fails(files, "predict", "y.json", "years.csv")
    assert message == ("years.csv, line 1: the model's input names (1990, 2000) are there, but "
                       "read as numbers: is it a header? Say which with --header or --no-header")
    status, out, _ = cli(files, "predict", "y.json", "years.csv", "--header")
    assert len(out.splitlines()) == 5


def test_other_delimiters_and_stdin_for_training(files):
    status, _, err = cli(files, "train", "-", *TRAIN, "--delimiter", "tab", "--quiet", "--out",
                         "t.json", stdin=XOR.replace(",", "\t").encode())
    assert (status, err) == (0, "")
    status, _, err = cli(files, "train", "-", *TRAIN, "--delimiter", ";", "--quiet", "--out",
                         "s.json", stdin=XOR.replace(",", ";").encode())
    assert (status, err) == (0, "")
    assert NeuralNetwork.load(str(files / "t.json")).to_dict() == \
        NeuralNetwork.load(str(files / "s.json")).to_dict()


def test_info_shows_architecture_counts_and_columns(files):
    status, out, err = cli(files, "info", "xor.json")
    assert status == 0, err
    assert out.splitlines()[0] == "xor.json: neuronsim network (format version 3)"
    for line in ("layers:     2-4-1", "  hidden    4 neurons, sigmoid",
                 "  output    1 neuron, sigmoid", "parameters: 17 (12 weights, 5 biases)",
                 "inputs:     x1, x2", "outputs:    xor"):
        assert line in out.splitlines()
    assert "seed 1" in out and "trained:    on xor.csv, 300 epochs" in out


def test_a_model_file_with_a_byte_order_mark_is_read(files):
    (files / "bom.json").write_bytes(b"\xef\xbb\xbf" + (files / "xor.json").read_bytes())
    status, out, err = cli(files, "info", "bom.json")
    assert status == 0 and "layers:     2-4-1" in out, err


def test_export_writes_a_module_that_predicts_what_predict_printed(files):
    status, source, err = cli(files, "export", "xor.json")
    assert status == 0, err
    (files / "xor_model.py").write_text(source)
    _, predicted, _ = cli(files, "predict", "xor.json", "xor.csv")
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c",
         "import sys; sys.path.insert(0, sys.argv[1]); import xor_model\n"
         "for row in ([0, 0], [0, 1], [1, 0], [1, 1]): print(repr(xor_model.predict(row)[0]))",
         str(files)], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == predicted.splitlines()[1:]
    (files / "real").mkdir()
    (files / "real" / "m.py").write_text("old")
    (files / "m.py").symlink_to(files / "real" / "m.py")
    assert cli(files, "export", "xor.json", "--out", "m.py") == (0, "", "")
    assert (files / "m.py").is_symlink() and (files / "real" / "m.py").read_text() == source


def test_explain_writes_out_one_step_and_leaves_the_model_file_alone(files):
    before = state(files)
    status, out, err = cli(files, "explain", "xor.json", "--inputs", "1,0", "--targets", "1")
    assert (status, err) == (0, "")
    net = NeuralNetwork.load(str(files / "xor.json"))
    assert out.rstrip("\n") == net.explain([1.0, 0.0], [1.0]).rstrip("\n")
    assert state(files) == before


def test_explain_draws_the_step_with_svg(files):
    status, out, err = cli(files, "explain", "xor.json", "--inputs", "1,0", "--targets", "1",
                           "--svg", "step.svg", "--label", "gradient")
    assert (status, err) == (0, "neuronsim: drew step.svg\n")
    net = NeuralNetwork.load(str(files / "xor.json"))
    net.explain([1.0, 0.0], [1.0])
    assert (files / "step.svg").read_text(encoding="utf-8") == net.to_svg(label="gradient")


def test_on_a_terminal_the_progress_line_is_rewritten_in_place(files):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stderr = Terminal()
    status = main(["train", str(files / "xor.csv"), "--layers", "2,4,1", "--epochs", "50",
                   "--seed", "1", "--out", str(files / "m.json")], io.StringIO(), stderr)
    assert status == 0
    read, progress, summary = stderr.getvalue().rstrip("\n").split("\n")
    assert read.startswith("neuronsim: read 4 rows")
    assert progress.count("\r") >= 2
    assert progress.rsplit("\r", 1)[1].startswith("neuronsim: epoch 50/50  error ")
    assert summary.startswith("neuronsim: trained 50 epochs")


def test_quiet_training_writes_nothing_to_stderr(files):
    assert cli(files, "train", "xor.csv", *TRAIN, "--quiet", "--out", "q.json") == (0, "", "")


# -- issue 13's reproductions: each one line, status 2, no file changed ---------------------------

@pytest.mark.parametrize("text, message", [
    ("0,O,0\n0,1,1\n1,0,1\n1,1,0\n", "bad.csv, line 1: is it a header or data? It mixes numbers "
     "and words ('0', 'O', '0'); say which with --header or --no-header"),
    ("0,nan,0\n0,1,1\n1,0,1\n1,1,0\n", "bad.csv, line 1, column 1: expected a finite number, "
     "got 'nan'"),
    ("0,0,inf\n0,1,1\n1,0,1\n1,1,0\n", "bad.csv, line 1, column 2: expected a finite number, "
     "got 'inf'"),
    ("x1,x2,y\n0,0,0\n0,1,1\n1,0,-inf\n", "bad.csv, line 4, column 'y': expected a finite "
     "number, got '-inf'"),
    ("x,x,y\n0,0,0\n0,1,1\n", "bad.csv, line 1: two columns are named 'x' (columns 0 and 1); "
     "column names must differ"),
    ("x1;x2;y\n0;0;0\n0;1;1\n", "bad.csv, line 1: one column, with ';' in it: if the file is "
     "separated by semicolons, say so with --delimiter ';'"),
    ("x1\tx2\ty\n0\t0\t0\n", "bad.csv, line 1: one column, with tabs in it: if the file is "
     "separated by tabs, say so with --delimiter tab"),
    ("a,b,y\n0,0,0\n0,1,1\n1,0,1x\n", "bad.csv, line 4, column 'y': expected a finite number, "
     "got '1x' (other rows hold numbers, like '0' on line 2); if the column holds class labels, "
     "say so with --classes"),
    ("a,b,y\n0,0,cat\n0,1,dog\n1,0,3\n", "bad.csv, line 4, column 'y': '3' is a number in a "
     "column of words (class labels, like 'cat' on line 2); if every cell is a class label, "
     "say so with --classes"),
    ("x1,x2,y\n1,2,3\n1,2\n", "bad.csv, line 3: expected 3 cells like line 1, got 2"),
    ("x1,x2,y\n1,one,3\n", "bad.csv, line 2, column 'x2': expected a finite number, got 'one'"),
])
def test_a_bad_training_file_is_one_line_naming_row_and_column(files, text, message):
    (files / "bad.csv").write_text(text)
    assert fails(files, "train", "bad.csv", *TRAIN, "--out", "m.json") == message


def test_a_mixed_first_row_is_read_as_the_user_says(files):
    (files / "mixed.csv").write_text("x,2019,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert fails(files, "train", "mixed.csv", *TRAIN, "--out", "m.json") == (
        "mixed.csv, line 1: is it a header or data? It mixes numbers and words ('x', '2019', "
        "'y'); say which with --header or --no-header")
    assert fails(files, "train", "mixed.csv", *TRAIN, "--out", "m.json", "--no-header") == (
        "mixed.csv, line 1, column 2: expected a finite number, got 'y' (other rows hold "
        "numbers, like '0' on line 2); if the column holds class labels, say so with --classes")
    status, _, err = cli(files, "train", "mixed.csv", *TRAIN, "--out", "m.json", "--header")
    assert status == 0 and "read 4 rows of mixed.csv (header on line 1); inputs x, 2019" in err


def test_duplicate_column_names_never_feed_one_column_twice(files):
    (files / "dup.csv").write_text("x,x,y\n0,1,1\n")
    assert fails(files, "predict", "xor.json", "dup.csv") == (
        "dup.csv, line 1: two columns are named 'x' (columns 0 and 1); column names must differ")


@pytest.mark.parametrize("text, message", [
    ("x2,X1\n1,0\n", "p.csv: no column 'x1' (the file has 'X1'); the model's inputs are x1, x2, "
     "this file's columns x2, X1"),
    ("a,b\n1,0\n", "p.csv: no columns 'x1', 'x2'; the model's inputs are x1, x2, this file's "
     "columns a, b"),
    ("1,0,1,0\n", "p.csv: expected 2 columns (the model's inputs) or 3 (as in its training "
     "file), got 4; columns go by position because the file has no header"),
    ("x1,x2\n1,0\n0,1\n1,zz\n", "p.csv, line 4, column 'x2': expected a finite number, got 'zz'"),
])
def test_predict_matches_columns_strictly_and_writes_nothing_on_a_bad_row(files, text, message):
    (files / "p.csv").write_text(text)
    assert fails(files, "predict", "xor.json", "p.csv") == message
    assert fails(files, "predict", "xor.json", "p.csv", "--out", "out.csv") == message
    (files / "out.csv").write_text("old")
    assert fails(files, "predict", "xor.json", "p.csv", "--out", "out.csv") == message


def test_a_byte_order_mark_on_stdin_does_not_hide_a_column(files):
    message = fails(files, "predict", "xor.json", "-", stdin=b"\xef\xbb\xbfx2,X1\n1,0\n")
    assert message.startswith("stdin: no column 'x1' (the file has 'X1')")


@pytest.fixture
def links(files):
    (files / "real").mkdir()
    shutil.copy(str(files / "xor.json"), str(files / "real" / "m.json"))
    (files / "link.json").symlink_to(files / "real" / "m.json")
    shutil.copy(str(files / "xor.json"), str(files / "a.json"))
    os.link(str(files / "a.json"), str(files / "b.json"))
    return files


def test_save_through_a_symlink_keeps_the_link(links):
    status, _, err = cli(links, "train", "xor.csv", *TRAIN[:2], "--epochs", "3", "--seed", "9",
                         "--quiet", "--out", "link.json")
    assert (status, err) == (0, "")
    assert (links / "link.json").is_symlink()
    assert NeuralNetwork.load(str(links / "real" / "m.json")).seed == 9


@pytest.mark.parametrize("argv", [
    ["train", "xor.csv", "--layers", "2,4,1", "--out", "a.json"],
    ["export", "xor.json", "--out", "b.json"],
    ["predict", "xor.json", "xor.csv", "--out", "a.json"],
])
def test_a_hard_linked_file_is_refused_not_split(links, argv):
    message = fails(links, *argv)
    assert message.endswith("has 2 hard links; replacing it would leave the other names with "
                            "the old contents: remove them, or write to another file")


@pytest.mark.parametrize("out, message", [
    ("adir", "--out: adir is a folder, not a regular file"),
    ("fifo", "--out: fifo is a named pipe (FIFO), not a regular file"),
    ("", "--out: expected a file name, got ''"),
    ("nosuch/m.json", "--out: nosuch/m.json cannot be written: no such folder nosuch"),
    ("xor.csv", "--out: xor.csv is the input file: choose another name for the output"),
    ("alias.csv", "--out: alias.csv is the input file xor.csv: choose another name for the "
     "output"),
    ("-", "--out: expected a file name, got '-' (this one is never stdout)"),
])
def test_out_is_checked_before_any_work(files, out, message):
    (files / "adir").mkdir()
    os.mkfifo(str(files / "fifo"))
    (files / "alias.csv").symlink_to(files / "xor.csv")
    assert fails(files, "train", "xor.csv", "--layers", "2,4,1", "--out", out) == message


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a device node")
def test_a_device_is_never_replaced_even_by_root(files):
    device = files / "full"
    os.mknod(str(device), 0o666 | stat.S_IFCHR, os.makedev(1, 7))   # what /dev/full is
    for argv in (["train", "xor.csv", "--layers", "2,4,1", "--out", "full"],
                 ["export", "xor.json", "--out", "full"],
                 ["predict", "xor.json", "xor.csv", "--out", "full"],
                 ["explain", "xor.json", "--inputs", "1,0", "--targets", "1", "--svg", "full"]):
        message = fails(files, *argv)
        assert message.endswith("full is a character device, not a regular file")
    assert stat.S_ISCHR(os.lstat(str(device)).st_mode)


@pytest.mark.parametrize("argv, message", [
    (["export", "xor.json", "--out", "xor.json"],
     "--out: xor.json is the input file: choose another name for the output"),
    (["predict", "xor.json", "xor.csv", "--out", "xor.csv"],
     "--out: xor.csv is the input file: choose another name for the output"),
    (["explain", "xor.json", "--inputs", "1,0", "--targets", "1", "--svg", "no/x.svg"],
     "--svg: no/x.svg cannot be written: no such folder no"),
    (["explain", "xor.json", "--inputs", "1,0", "--targets", "1", "--label", "weight"],
     "--label: goes with --svg FILE.svg"),
])
def test_every_written_file_is_checked_first(files, argv, message):
    assert fails(files, *argv) == message


@pytest.mark.parametrize("metadata, message", [
    ({"input_columns": 5}, "metadata.input_columns: expected a list of 2 strings, got 5"),
    ({"num_columns": 3, "input_indices": [0, 99]},
     "metadata.input_indices[1]: expected a column index below num_columns (3), got 99"),
    ({"classes": "ab"}, "metadata.classes: expected a list of 1 class label, got 'ab' (str)"),
])
def test_a_model_with_bad_metadata_is_one_line_for_every_command(files, metadata, message):
    document = json.loads((files / "xor.json").read_text())
    document["metadata"].update(metadata)
    (files / "bad.json").write_text(json.dumps(document))
    for argv in (["info", "bad.json"], ["predict", "bad.json", "xor.csv"],
                 ["export", "bad.json"], ["explain", "bad.json", "--inputs", "1,0",
                                          "--targets", "1"]):
        assert fails(files, *argv) == "bad.json: " + message


@pytest.mark.parametrize("argv, message", [
    (["train", "xor.csv", "--layers", "2,4,1", "--target-columns", "", "--out", "m.json"],
     "--target-columns: expected column names or 0-based indices separated by commas, got ''"),
    (["train", "xor.csv", "--layers", "2,4,1", "--input-columns", "x1,", "--out", "m.json"],
     "--input-columns: expected column names or 0-based indices separated by commas, got 'x1,'"),
    (["train", "xor.csv", "--layers", "2,4,1", "--target-columns", "y", "--out", "m.json"],
     "--target-columns: no column 'y' in xor.csv (its columns: x1, x2, xor)"),
    (["train", "xor.csv", "--layers", "3,4,1", "--out", "m.json"],
     "--layers: 3 inputs, but xor.csv has 2 input columns (x1, x2)"),
    (["train", "flowers.csv", "--layers", "4,4,2", "--out", "m.json"],
     "--layers: 2 outputs, but column species holds 3 class labels (setosa, versicolor, "
     "virginica)"),
    (["train", "xor.csv", "--layers", "2,4,1", "--classes", "--task", "regression", "--out",
      "m.json"], "argument --task: not allowed with argument --classes"),
    (["train", "xor.csv", "--layers", "2,4,1", "--header", "--no-header", "--out", "m.json"],
     "argument --no-header: not allowed with argument --header"),
    (["train", "xor.csv", "--layers", "2,4,1", "--delimiter", ";;", "--out", "m.json"],
     "argument --delimiter: expected one character or 'tab', got ';;'"),
    (["train", "xor.csv", "--layers", "2,x,1", "--out", "m.json"],
     "argument --layers: expected at least 3 widths >= 1 like 4,8,3"),
    # The options are parsed here and checked by the library (defaults.check_choices),
    # before the file is read (missing.csv is never reported).
    (["train", "missing.csv", "--layers", "2,4,1", "--epochs", "0", "--out", "m.json"],
     "--epochs: expected a whole number >= 1, got 0"),
    (["train", "xor.csv", "--epochs", "abc", "--out", "m.json"],
     "argument --epochs: expected a whole number, got 'abc'"),
    (["train", "missing.csv", "--optimizer", "sgd", "--momentum", "1.5", "--out", "m.json"],
     "--momentum: expected a number in [0, 1), got 1.5"),
    (["train", "missing.csv", "--layers", "2,4,1", "--l2", "nan", "--out", "m.json"],
     "--l2: expected a finite number, got nan"),
    (["train", "missing.csv", "--validation-split", "1", "--out", "m.json"],
     "--validation-split: expected a fraction in [0, 1), got 1.0"),
    (["train", "missing.csv", "--max-seconds", "0", "--out", "m.json"],
     "--max-seconds: expected a number > 0, got 0.0"),
    (["train", "xor.csv", "--layers", "2,4,1", "--cost", "cross_entropy",
      "--output-activation", "linear", "--out", "m.json"],
     "cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output activation"),
    (["train", "missing.csv", "--layers", "2,4,1", "--out", "m.json"],
     "missing.csv: No such file or directory"),
    (["train", "missing.csv", "--cost", "cross_entropy", "--output-activation", "linear",
      "--out", "m.json"],   # the options first: before the file is even opened
     "--cost: cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output activation"),
    (["train", "xor.csv", "--output-activation", "softmax", "--out", "m.json"],
     "--output-activation: softmax over one output is always 1, whatever the inputs"),
    (["predict", "missing.json", "xor.csv"], "missing.json: No such file or directory"),
    (["predict", "xor.json", "flowers.csv"],
     "flowers.csv: no columns 'x1', 'x2'; the model's inputs are x1, x2, this file's columns "
     "sepal_length, sepal_width, petal_length, petal_width, species"),
    (["export", "xor.csv"], "xor.csv: not valid JSON"),
    (["explain", "xor.json", "--inputs", "1,0,1", "--targets", "1"],
     "xor.json: inputs: expected 2 numbers, got 3"),
    (["explain", "xor.json", "--inputs", "1,nan", "--targets", "1"],
     "argument --inputs: expected finite numbers separated by commas"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
])
def test_a_bad_call_prints_one_line_and_exits_2(files, argv, message):
    assert message in fails(files, *argv)


@pytest.mark.parametrize("csv, options, message", [
    ("x1,x2,y\n0,0,5\n0,1,7\n1,0,5\n1,1,7\n", ["--output-activation", "sigmoid"],
     "data.csv, line 2, column 'y': cross_entropy needs targets in [0, 1], got 5.0"),
    ("x1,x2,y\n0,0,0\n", ["--validation-split", "0.6"],
     "--validation-split: 0.6 of 1 sample leaves no training sample"),
])
def test_what_fit_refuses_is_one_line_in_the_files_and_the_options_terms(tmp_path, csv,
                                                                          options, message):
    (tmp_path / "data.csv").write_text(csv)
    assert fails(tmp_path, "train", "data.csv", *options, "--out", "m.json") == message


def test_running_out_of_memory_is_one_line_not_a_bug_report(files, monkeypatch):
    import neuronsim.defaults

    def too_big(*args, **options):   # as --layers 2,300000000,1 would be on a small machine
        raise MemoryError()
    monkeypatch.setattr(neuronsim.defaults, "train", too_big)
    stdout, stderr = io.StringIO(), io.StringIO()
    before = state(files)
    status = main(["train", str(files / "xor.csv"), "--quiet", "--out", str(files / "m.json")],
                  stdout, stderr)
    assert (status, stdout.getvalue()) == (1, "")
    assert stderr.getvalue() == ("neuronsim: error: out of memory: the network or the data is "
                                 "too large for this machine\n")
    assert state(files) == before


def test_diverging_training_says_so_in_one_line_exits_1_and_saves_nothing(files):
    before = state(files)
    status, out, err = cli(files, "train", "xor.csv", "--layers", "2,4,1", "--activation",
                           "linear", "--learning-rate", "100", "--epochs", "50", "--seed", "1",
                           "--out", "m.json")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1].startswith("neuronsim: error: training diverged in epoch ")
    assert "Traceback" not in err and state(files) == before


def test_a_closed_stderr_does_not_stop_training_or_saving(files):
    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")   # `neuronsim train … 2>&1 | head -1`

    status = main(["train", str(files / "xor.csv"), *TRAIN, "--out", str(files / "m.json")],
                  io.StringIO(), Closed())
    assert status == 0
    assert NeuralNetwork.load(str(files / "m.json")).layer_sizes == [2, 4, 1]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_stdout_is_one_line_naming_stdout(files):
    env = dict(os.environ, PYTHONPATH=ROOT)
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "neuronsim", "predict", "xor.json",
                                 "xor.csv"], cwd=str(files), stdout=full, stderr=subprocess.PIPE,
                                env=env, text=True)
    assert (result.returncode, result.stderr) == (
        2, "neuronsim: error: stdout: No space left on device\n")


def test_a_bug_is_one_line_asking_for_a_report_and_exit_1(files, monkeypatch):
    import neuronsim.cli

    def broken(*args):
        raise RuntimeError("oops\nsecond line")

    monkeypatch.setattr(neuronsim.cli, "model_summary", broken)
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["info", str(files / "xor.json")], stdout, stderr)
    assert (status, stdout.getvalue()) == (1, "")
    assert stderr.getvalue().count("\n") == 1
    assert stderr.getvalue().startswith("neuronsim: internal error: RuntimeError: oops second "
                                        "line (this is a bug in neuronsim ")
    assert "please report it" in stderr.getvalue()


@pytest.mark.parametrize("command, expected", [
    ([], ["train", "predict", "info", "explain", "export", "train --help"]),
    (["explain"], ["--inputs", "--targets", "chain rule", "not changed",
                   "Example: neuronsim explain"]),
    (["train"], ["--layers", "--target-columns", "--epochs", "--batch-size", "--learning-rate",
                 "--out", "--header", "--no-header", "--delimiter", "--classes", "class labels",
                 "stderr", "docs/cli.md", "Example: neuronsim train"]),
    (["predict"], ["CSV", "stdout", "--out", "--header", "by name", "Example: neuronsim predict"]),
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


# -- anything at all: a result or one line, never a traceback or an internal error ------------

cell = st.sampled_from(["0", "1", "-2.5", "1e3", "nan", "inf", "x1", "x2", "xor", "y", "cat",
                        "dog", "", " ", "O", '"', '"a,b"', "1;2", "\t", "\ufeff", "é", "\x00"])
csv_text = st.tuples(st.lists(st.lists(cell, max_size=5).map(",".join), max_size=6),
                     st.sampled_from(["\n", "\r\n", "\r"])).map(
    lambda rows_ending: rows_ending[1].join(rows_ending[0]) + rows_ending[1])
option_sets = st.lists(st.sampled_from([
    ["--header"], ["--no-header"], ["--delimiter", ";"], ["--classes"], ["--task", "regression"],
    ["--target-columns", "y"], ["--target-columns", "0"], ["--target-columns", "x1,xor"],
    ["--input-columns", "x1"], ["--input-columns", "1"], ["--layers", "1,2,2"],
    ["--layers", "2,2,3"]]), max_size=3, unique_by=lambda o: o[0])


@settings(deadline=None, max_examples=150)
@given(csv_text, option_sets, st.sampled_from(["train", "predict"]))
def test_any_file_and_options_give_a_result_or_one_line(tmp_path_factory, text, options,
                                                        command):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "d.csv").write_bytes(text.encode("utf-8"))
    NeuralNetwork(2, 2, 1, seed=1).save(str(folder / "m.json"), {
        "input_columns": ["x1", "x2"], "target_columns": ["xor"], "has_header": True,
        "num_columns": 3, "input_indices": [0, 1]})
    flat = [part for option in options for part in option]
    if command == "train":
        if "--layers" not in flat:
            flat += ["--layers", "2,2,1"]
        argv = ["train", str(folder / "d.csv"), "--epochs", "2", "--quiet", "--out",
                str(folder / "out.json")] + flat
    else:
        argv = ["predict", str(folder / "m.json"), str(folder / "d.csv")] + [
            part for option in options if option[0] in ("--header", "--no-header", "--delimiter")
            for part in option]
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(argv, stdout, stderr)
    err = stderr.getvalue()
    assert status in (0, 1, 2), err
    assert "internal error" not in err
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("neuronsim: error: ")
        assert stdout.getvalue() == ""
        assert not (folder / "out.json").exists()


# -- choices from the registries; one activation per hidden layer; optimizers ----------

def test_the_choices_come_from_the_registries():
    from neuronsim import ACTIVATIONS, COSTS, OPTIMIZERS
    from neuronsim.cli import build_parser
    train = build_parser()._subparsers._group_actions[0].choices["train"]
    choices = {action.dest: action.choices for action in train._actions if action.choices}
    assert set(choices["output_activation"]) == set(ACTIVATIONS)
    assert set(choices["cost"]) == set(COSTS)
    assert set(choices["optimizer"]) == set(OPTIMIZERS)


def test_one_activation_per_hidden_layer_and_adam(tmp_path):
    (tmp_path / "xor.csv").write_text(XOR)
    status, _, err = cli(tmp_path, "train", "xor.csv", "--layers", "2,4,3,1", "--activation",
                         "tanh,relu", "--output-activation", "sigmoid", "--optimizer", "adam",
                         "--learning-rate", "0.05", "--epochs", "500", "--seed", "1",
                         "--out", "m.json", "--quiet")
    assert status == 0, err
    net = NeuralNetwork.load(str(tmp_path / "m.json"))
    assert [layer.activation.name for layer in net.layers] == ["tanh", "relu", "sigmoid"]
    assert [round(net.feed_forward(x)[0]) for x in ([0, 0], [0, 1], [1, 0], [1, 1])] == [0, 1, 1, 0]
    assert json.loads((tmp_path / "m.json").read_text())["metadata"]["training"]["optimizer"] == "adam"


@pytest.mark.parametrize("options, message", [
    (["--layers", "2,4,1", "--activation", "tanh,relu"],
     "--activation: expected one activation, or one per hidden layer (1), got 2"),
    (["--layers", "2,4,1", "--activation", "softmax"], "argument --activation: expected"),
    (["--layers", "2,4,1", "--optimizer", "adam", "--momentum", "0.9"],
     "--momentum: goes with --optimizer sgd (the optimizer is adam"),
    (["--layers", "2,4,1", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
])
def test_bad_network_and_optimizer_options_are_one_line(tmp_path, options, message):
    (tmp_path / "xor.csv").write_text(XOR)
    assert fails(tmp_path, "train", "xor.csv", "--out", "m.json", *options).startswith(message)
