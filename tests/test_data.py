"""neuronsim.data: CSV files read by rules (headers, columns, classes), never by guesses."""

import io
import math
import os

import pytest
from hypothesis import assume, given, settings, strategies as st

from neuronsim import NeuralNetwork
from neuronsim.data import (DataError, Dataset, load_csv, load_inputs, output_names,
                            predictions_csv, read_table, sorted_labels, write_predictions)

SETTINGS = settings(deadline=None, max_examples=60)
XOR = "x1,x2,xor\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
FLOWERS = "a,b,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n"


def load(text, **options):
    options.setdefault("name", "f.csv")
    return load_csv(io.StringIO(text), **options)


def error_of(text, **options):
    with pytest.raises(DataError) as caught:
        load(text, **options)
    return str(caught.value)


# -- what a file holds --------------------------------------------------------------

def test_a_header_names_the_columns_and_the_last_column_is_the_target():
    data = load(XOR)
    assert (data.input_names, data.target_names, data.classes) == (["x1", "x2"], ["xor"], None)
    assert data.samples == [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]),
                            ([1.0, 1.0], [0.0])]
    assert (data.has_header, data.lines, data.num_columns) == (True, [2, 3, 4, 5], 3)


def test_files_paths_bytes_streams_and_byte_order_marks(tmp_path):
    path = tmp_path / "xor.csv"
    path.write_bytes(b"\xef\xbb\xbf" + XOR.replace("\n", "\r\n").encode())
    expected = load(XOR).samples
    assert load_csv(str(path)).samples == expected
    assert load_csv(path).name == str(path)
    assert load_csv(io.BytesIO(path.read_bytes()), name="b").samples == expected
    assert load_csv(io.StringIO("\ufeff" + XOR)).input_names == ["x1", "x2"]


def test_a_class_label_column_is_learned_one_hot_in_sorted_order():
    data = load(FLOWERS)
    assert data.classes == ["setosa", "versicolor", "virginica"]
    assert [targets for _, targets in data.samples] == [
        [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert data.num_outputs == 3 and data.target_names == ["species"]


def test_classes_true_makes_numbers_labels_in_numeric_order():
    data = load("a,y\n1,10\n2,2\n3,1\n4,2\n", classes=True)
    assert data.classes == ["1", "2", "10"]
    assert data.samples[0] == ([1.0], [0.0, 0.0, 1.0])
    assert sorted_labels(["b", "10", "a"]) == ["10", "a", "b"]


def test_a_list_of_classes_fixes_the_labels_and_their_order():
    data = load(FLOWERS, classes=["virginica", "versicolor", "setosa", "other"])
    assert data.samples[0] == ([5.1, 1.4], [0.0, 0.0, 1.0, 0.0])
    message = error_of(FLOWERS, classes=["setosa", "virginica"])
    assert message == ("f.csv, line 3, column 'species': 'versicolor' is not one of the classes "
                       "given (setosa, virginica)")


def test_numeric_targets_use_the_last_num_targets_columns():
    data = load("a,b,y1,y2\n1,2,3,4\n", num_targets=2)
    assert (data.input_names, data.target_names, data.samples) == (
        ["a", "b"], ["y1", "y2"], [([1.0, 2.0], [3.0, 4.0])])
    # A last column of labels is one target, whatever num_targets says.
    assert load(FLOWERS, num_targets=3).target_names == ["species"]


@pytest.mark.parametrize("spec, inputs, targets", [
    ("y", ["a", "b", "c"], ["y"]),
    ("0", ["b", "c", "y"], ["a"]),
    ("-1", ["a", "b", "c"], ["y"]),
    (" b , y ", ["a", "c"], ["b", "y"]),
    (["c", 0], ["b", "y"], ["c", "a"]),
])
def test_targets_by_name_or_index(spec, inputs, targets):
    data = load("a,b,c,y\n1,2,3,4\n", targets=spec)
    assert (data.input_names, data.target_names) == (inputs, targets)


def test_inputs_and_targets_both_given():
    data = load("a,b,c,y\n1,2,3,4\n", inputs="c,a", targets=["y"])
    assert data.samples == [([3.0, 1.0], [4.0])] and data.input_indices == [2, 0]


def test_a_headerless_file_is_read_by_position_and_named_by_index():
    data = load("0,0,0\n0,1,1\n")
    assert (data.has_header, data.input_names, data.target_names) == (False, ["0", "1"], ["2"])
    assert len(data) == 2


def test_a_header_of_numbers_is_data_unless_header_is_true():
    text = "1990,2000,2010\n1,2,3\n"
    assert len(load(text)) == 2
    data = load(text, header=True)
    assert (len(data), data.input_names, data.target_names) == (1, ["1990", "2000"], ["2010"])
    assert load(text, header=True, targets="2010").target_names == ["2010"]


def test_header_false_keeps_a_first_row_of_words_as_labels():
    data = load("5.1,1.4,setosa\n7.0,4.7,versicolor\n", header=False)
    assert len(data) == 2 and data.classes == ["setosa", "versicolor"]


def test_other_delimiters():
    assert load(XOR.replace(",", ";"), delimiter=";").samples == load(XOR).samples
    assert load(XOR.replace(",", "\t"), delimiter="\t").samples == load(XOR).samples


def test_quoted_cells_and_blank_lines():
    data = load('"x, one",x2,y\n\n"1",2,3\n  \n4,5,6\n')
    assert data.input_names == ["x, one", "x2"] and data.lines == [3, 5]


# -- what is refused, and where it is said -----------------------------------------------

@pytest.mark.parametrize("text, options, message", [
    ("0,O,0\n0,1,1\n1,0,1\n", {}, "f.csv, line 1: is it a header or data? It mixes numbers and "
     "words ('0', 'O', '0'); say which with header=True or header=False"),
    ("5.1,1.4,setosa\n7.0,4.7,versicolor\n", {},
     "f.csv, line 1: is it a header or data? It mixes numbers and words ('5.1', '1.4', "
     "'setosa') (line 2 has numbers in the same places: data?); say which with header=True "
     "or header=False"),
    ("0,nan,0\n0,1,1\n", {}, "f.csv, line 1, column 1: expected a finite number, got 'nan'"),
    ("x,y\n0,0\n-inf,1\n", {}, "f.csv, line 3, column 'x': expected a finite number, got '-inf'"),
    ("x,y\n1e999,0\n", {}, "f.csv, line 2, column 'x': expected a finite number, got '1e999'"),
    ("x,y\n,0\n", {}, "f.csv, line 2, column 'x': expected a finite number, got an empty cell"),
    ("x,y\n1;2,0\n", {}, "f.csv, line 2, column 'x': expected a finite number, got '1;2' "
     "(several values in one cell? separated by ';'?)"),
    ("x,x,y\n0,0,0\n", {}, "f.csv, line 1: two columns are named 'x' (columns 0 and 1); "
     "column names must differ"),
    ("x1;x2;y\n0;0;0\n", {}, "f.csv, line 1: one column, with ';' in it: if the file is "
     "separated by semicolons, say so with delimiter=';'"),
    ("x1\tx2\ty\n0\t0\t0\n", {}, "f.csv, line 1: one column, with tabs in it: if the file is "
     "separated by tabs, say so with delimiter='\\t'"),
    ("a,b,y\n0,0,0\n0,1,1\n1,0,1x\n", {}, "f.csv, line 4, column 'y': expected a finite number, "
     "got '1x' (other rows hold numbers, like '0' on line 2); if the column holds class "
     "labels, say so with classes=True"),
    ("a,y\n0,cat\n1,dog\n2,3\n", {}, "f.csv, line 4, column 'y': '3' is a number in a column of "
     "words (class labels, like 'cat' on line 2); if every cell is a class label, say so "
     "with classes=True"),
    ("a,y\n0,cat\n", {"classes": False}, "f.csv, line 2, column 'y': expected a finite number, "
     "got 'cat'"),
    ("a,y\n0,1\n1,1.0\n", {"classes": True}, "f.csv, column 'y': the class labels '1' (line 2) "
     "and '1.0' (line 3) are the same number written two ways; write them alike"),
    ("a,y\n0,\n", {"classes": True}, "f.csv, line 2, column 'y': an empty class label"),
    ("a,b,y\n1,2,3\n1,2\n", {}, "f.csv, line 3: expected 3 cells like line 1, got 2"),
    ("", {}, "f.csv: no rows: the file is empty"),
    ("\n\n", {}, "f.csv: no rows: the file is empty"),
    ("a,b\n", {}, "f.csv: a header (line 1) but no data rows"),
    ("a\n1\n", {}, "f.csv: one column; a sample needs an input column and a target column"),
    ("x1 x2 y\n0 0 0\n", {}, "f.csv: one column; a sample needs an input column and a target "
     "column; if the file is separated by spaces, say so with delimiter=' '"),
    ("x,y\n1 2,0\n", {}, "f.csv, line 2, column 'x': expected a finite number, got '1 2' "
     "(several values in one cell? separated by ' '?)"),
    ('a,"b\n', {}, "f.csv, line 1: not readable as CSV: unexpected end of data"),
    ('a,"b"c\n1,2\n', {}, "f.csv, line 1: not readable as CSV: ',' expected after '\"'"),
    (XOR, {"targets": ""}, "targets: expected column names or 0-based indices separated by "
     "commas, got ''"),
    (XOR, {"targets": "x1,,x2"}, "targets: expected column names or 0-based indices"),
    (XOR, {"targets": "y"}, "targets: no column 'y' in f.csv (its columns: x1, x2, xor)"),
    ("0,0,0\n", {"targets": "y"}, "targets: no column 'y' in f.csv (it has no header: use "
     "0-based indices, 0 to 2)"),
    (XOR, {"targets": "3"}, "targets: column 3 is out of range: f.csv has 3 columns (0 to 2)"),
    (XOR, {"targets": "xor,2"}, "targets: column 'xor' is given twice"),
    ("a,2,c\n0,0,0\n", {"header": True, "targets": "2"},
     "targets: '2' is ambiguous in f.csv: the name of column 1 and the index of column 2"),
    (XOR, {"inputs": "x1,xor"}, "inputs: column 'xor' is also a target column"),
    (XOR, {"targets": "x1,x2,xor"}, "targets: every column of f.csv is a target; no inputs"),
    (FLOWERS, {"targets": "b,species"}, "targets: class labels come from one target column, "
     "got 2 ('b', 'species')"),
    (XOR, {"num_targets": 3}, "num_targets: 3 target columns would leave no input column in "
     "f.csv (3 columns); if column 'xor' holds class labels, say so with classes=True"),
])
def test_every_problem_is_a_data_error_that_says_where(text, options, message):
    assert error_of(text, **options).startswith(message)


def test_a_file_that_is_not_utf8_names_the_line():
    with pytest.raises(DataError, match=r"^b.csv, line 2: not UTF-8 text \(byte 0xff\): save "
                                        r"it as UTF-8$"):
        load_csv(io.BytesIO(b"a,b\n\xff,1\n"), name="b.csv")


def test_the_command_line_spells_the_arguments_its_own_way():
    with pytest.raises(DataError) as caught:
        load("x1;x2;y\n0;0;0\n")
    names = {"delimiter": lambda d: "--delimiter %r" % d}
    assert caught.value.text(names).endswith("say so with --delimiter ';'")


@pytest.mark.parametrize("options, error, message", [
    ({"header": "yes"}, TypeError, "header: expected True, False or None, got 'yes'"),
    ({"delimiter": ";;"}, ValueError, "delimiter: expected one character"),
    ({"delimiter": "\n"}, ValueError, "delimiter: expected one character"),
    ({"classes": "yes"}, TypeError, "classes: expected None or True or False or a list"),
    ({"classes": ["a", "a"]}, ValueError, "classes: expected distinct non-empty strings"),
    ({"num_targets": 0}, TypeError, "num_targets: expected a whole number >= 1, got 0"),
    ({"targets": 2.0}, TypeError, "targets: expected column names or indices"),
    ({"targets": [True]}, TypeError, "targets: expected column names (str) or 0-based indices"),
])
def test_bad_arguments_are_type_and_value_errors_naming_them(options, error, message):
    with pytest.raises(error) as caught:
        load(XOR, **options)
    assert str(caught.value).startswith(message)


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_csv(str(tmp_path / "none.csv"))
    with pytest.raises(TypeError, match="source: expected a file name"):
        load_csv(42)


# -- properties ------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
                min_size=1, max_size=6).filter(
    lambda n: n == n.strip() and not n.startswith("\ufeff"))


def _number_or_text(label):
    try:
        return float(label)
    except ValueError:
        return label


@st.composite
def datasets(draw):
    num_inputs = draw(st.integers(1, 4))
    classes = draw(st.booleans())
    if classes:
        # Distinct as numbers too: '0' and '00' in one column is refused on purpose.
        labels = sorted_labels(draw(st.lists(names, min_size=1, max_size=4, unique=True).filter(
            lambda found: len(set(_number_or_text(label) for label in found)) == len(found))))
        column_names = draw(st.lists(names, min_size=num_inputs + 1, max_size=num_inputs + 1,
                                     unique=True))
        samples = [(draw(st.lists(finite, min_size=num_inputs, max_size=num_inputs)),
                    [1.0 if k == hot else 0.0 for k in range(len(labels))])
                   for hot in draw(st.lists(st.integers(0, len(labels) - 1), min_size=1,
                                            max_size=8))]
    else:
        labels = None
        num_targets = draw(st.integers(1, 3))
        column_names = draw(st.lists(names, min_size=num_inputs + num_targets,
                                     max_size=num_inputs + num_targets, unique=True))
        samples = [(draw(st.lists(finite, min_size=num_inputs, max_size=num_inputs)),
                    draw(st.lists(finite, min_size=num_targets, max_size=num_targets)))
                   for _ in range(draw(st.integers(1, 8)))]
    return Dataset(samples, column_names[:num_inputs], column_names[num_inputs:], labels)


@SETTINGS
@given(datasets(), st.sampled_from([",", ";", "\t", "|"]))
def test_any_csv_the_library_writes_reads_back_to_the_same_samples(data, delimiter):
    text = data.to_csv(delimiter)
    again = load_csv(io.StringIO(text), header=True, delimiter=delimiter,
                     targets=data.target_names, classes=data.classes if data.classes else False)
    assert again.samples == data.samples
    assert [math.copysign(1.0, x) for inputs, _ in again.samples for x in inputs] == \
        [math.copysign(1.0, x) for inputs, _ in data.samples for x in inputs]   # -0.0 too
    assert (again.input_names, again.target_names) == (data.input_names, data.target_names)
    if data.classes:  # and without being told which labels there are, if every label appears
        assume(len({t.index(1.0) for _, t in data.samples}) == len(data.classes))
        told = load_csv(io.StringIO(text), header=True, delimiter=delimiter,
                        targets=data.target_names, classes=True)
        assert told.samples == data.samples


number_text = st.one_of(finite.map(repr), st.integers(-10 ** 6, 10 ** 6).map(str),
                        finite.map(lambda x: "%.3g" % x), finite.map(lambda x: "%e" % x)).filter(
    lambda text: math.isfinite(float(text)))  # "%.3g" % 1.799e308 is '1.8e+308', beyond a double
word = st.text("abcdefghijklmnopqrstuvwxyz_ ", min_size=1, max_size=8).filter(
    lambda w: w.strip() and not w.strip() in ("nan", "inf", "infinity"))


@SETTINGS
@given(st.integers(2, 5).flatmap(lambda width: st.tuples(
    st.lists(st.lists(number_text, min_size=width, max_size=width), min_size=1, max_size=10),
    st.none() | st.lists(word, min_size=width, max_size=width, unique_by=str.strip))))
def test_any_file_of_numbers_with_or_without_a_header_loses_no_row(rows_and_header):
    rows, header = rows_and_header
    text = "".join(",".join(row) + "\n" for row in ([header] if header else []) + rows)
    data = load(text)
    assert len(data) == len(rows)
    assert data.has_header == (header is not None)
    assert [inputs + targets for inputs, targets in data.samples] == \
        [[float(cell) for cell in row] for row in rows]
    first = 2 if header else 1
    assert data.lines == list(range(first, first + len(rows)))


@SETTINGS
@given(st.lists(st.lists(finite, min_size=2, max_size=2), min_size=1, max_size=6), st.booleans())
def test_predictions_read_back_exactly(outputs, classes):
    text = predictions_csv(outputs, ["cat", "dog"], classes=classes)
    table = read_table(io.StringIO(text), header=True)
    assert table.header == ["cat", "dog"] + (["class"] if classes else [])
    assert [[float(c) for c in cells[:2]] for _, cells in table.rows] == outputs
    if classes:
        assert [cells[2] for _, cells in table.rows] == [
            ["cat", "dog"][row.index(max(row))] for row in outputs]


def test_names_and_labels_with_line_breaks_read_back():
    data = Dataset([([1.0], [0.0, 1.0]), ([2.0], [1.0, 0.0])], ["a\rb"], ["y\nz"],
                   ["c\r\nd", "e,f"])
    again = load_csv(io.StringIO(data.to_csv()), header=True, targets=["y\nz"],
                     classes=data.classes)
    assert (again.samples, again.input_names) == (data.samples, ["a\rb"])


def test_a_dataset_that_would_not_read_back_is_refused():
    with pytest.raises(ValueError, match=r"names: ' x' would not read back the same"):
        Dataset([([1.0], [2.0])], [" x"], ["y"]).to_csv()
    with pytest.raises(ValueError, match=r"names: 'x' appears twice"):
        Dataset([([1.0], [2.0])], ["x"], ["x"]).to_csv()
    with pytest.raises(ValueError, match=r"samples\[0\].targets: expected one-hot targets"):
        Dataset([([1.0], [0.5, 0.5])], ["x"], ["y"], ["a", "b"]).to_csv()


def test_a_dataset_saves_atomically(tmp_path):
    data = load(FLOWERS)
    path = tmp_path / "copy.csv"
    data.save(str(path))
    assert load_csv(str(path), header=True).samples == data.samples
    assert os.listdir(str(tmp_path)) == ["copy.csv"]


# -- predicting: which columns are the model's inputs -------------------------------------------

XOR_METADATA = load(XOR).metadata()


def inputs_of(text, metadata=XOR_METADATA, num_inputs=2, **options):
    return load_inputs(io.StringIO(text), num_inputs, metadata, name="p.csv", **options).inputs


def test_the_metadata_a_model_keeps():
    assert XOR_METADATA == {"num_columns": 3, "input_columns": ["x1", "x2"],
                            "input_indices": [0, 1], "target_columns": ["xor"],
                            "target_indices": [2], "has_header": True, "data": "f.csv"}
    assert load(FLOWERS).metadata()["classes"] == ["setosa", "versicolor", "virginica"]
    assert load_csv(io.StringIO(XOR), name="/a/b/xor.csv").metadata()["data"] == "xor.csv"


def test_columns_are_matched_by_name_whatever_their_order():
    assert inputs_of("x2,x1\n1,0\n") == [[0.0, 1.0]]
    assert inputs_of("xor,extra,x2,x1\n5,6,1,0\n") == [[0.0, 1.0]]
    assert inputs_of("\ufeffx2,x1\n1,0\n") == [[0.0, 1.0]]


def test_a_missing_name_is_an_error_listing_it_never_a_fallback_to_positions():
    with pytest.raises(DataError) as caught:
        inputs_of("x2,X1\n1,0\n")
    assert str(caught.value) == ("p.csv: no column 'x1' (the file has 'X1'); the model's "
                                 "inputs are x1, x2, this file's columns x2, X1")
    with pytest.raises(DataError, match=r"^p.csv: no columns 'x1', 'x2'; "):
        inputs_of("a,b\n1,0\n")


def test_a_headerless_file_has_the_inputs_or_the_training_files_columns():
    assert inputs_of("1,0\n") == [[1.0, 0.0]]
    assert inputs_of("1,0,1\n0,0,0\n") == [[1.0, 0.0], [0.0, 0.0]]
    with pytest.raises(DataError) as caught:
        inputs_of("1,0,1,1\n")
    assert str(caught.value) == ("p.csv: expected 2 columns (the model's inputs) or 3 (as in "
                                 "its training file), got 4; columns go by position because "
                                 "the file has no header")


def test_a_model_without_names_goes_by_position():
    assert inputs_of("a,b\n1,0\n", metadata=None) == [[1.0, 0.0]]
    with pytest.raises(DataError, match=r"^p.csv: expected 2 columns \(the model's inputs\), "
                                        r"got 3; columns go by position because the model has "
                                        r"no column names$"):
        inputs_of("a,b,c\n1,0,1\n", metadata={})


def test_a_first_row_holding_the_models_numeric_names_must_be_declared():
    metadata = load("1990,2000,2010\n1,2,3\n", header=True).metadata()
    with pytest.raises(DataError, match=r"^p.csv, line 1: the model's input names \(1990, "
                                        r"2000\) are there, but read as numbers: is it a "
                                        r"header\? Say which with header=True or header=False"):
        inputs_of("1990,2000\n1,2\n", metadata)
    assert inputs_of("1990,2000\n1,2\n", metadata, header=True) == [[1.0, 2.0]]
    assert inputs_of("1990,2000\n1,2\n", metadata, header=False) == [[1990.0, 2000.0],
                                                                     [1.0, 2.0]]


def test_every_row_is_checked_before_anything_is_returned():
    with pytest.raises(DataError, match=r"^p.csv, line 4, column 'x2': expected a finite "
                                        r"number, got 'zz'$"):
        inputs_of("x1,x2\n1,0\n0,1\n1,zz\n")


def test_output_names_and_predictions(tmp_path):
    assert output_names(XOR_METADATA, 1) == ["xor"]
    assert output_names(load(FLOWERS).metadata(), 3) == ["setosa", "versicolor", "virginica"]
    assert output_names({}, 2) == ["output_1", "output_2"]
    assert predictions_csv([[0.5, 0.25]], ["class", "other"], classes=True) == \
        "class,other,predicted_class\n0.5,0.25,class\n"
    net = NeuralNetwork(2, 2, 1, seed=1)
    outputs = [net.feed_forward(x) for x in inputs_of(XOR)]
    path = tmp_path / "p.csv"
    write_predictions(str(path), outputs, ["xor"])
    assert path.read_text() == "xor\n" + "".join("%r\n" % o[0] for o in outputs)


def test_a_nul_character_is_refused_with_its_line(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x004\n")
    with pytest.raises(DataError, match="nul.csv, line 3: a NUL character"):
        load_csv(str(path))


def test_labels_mixing_a_number_and_a_word_are_words(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("x,label\n1,0\n2,:\n")
    data = load_csv(str(path), classes=True)
    assert data.classes == ["0", ":"]


def test_a_data_error_is_an_argument_error_spelled_by_whoever_asks():
    from neuronsim.validation import ArgumentError
    with pytest.raises(ArgumentError) as caught:
        load("0,O,0\n0,1,1\n")
    assert isinstance(caught.value, DataError)
    assert str(caught.value).endswith("say which with header=True or header=False")
    assert caught.value.text({"header": "--header or --no-header"}).endswith(
        "say which with --header or --no-header")
    assert caught.value.text({"other": "--other"}) == str(caught.value)   # unknown: Python's


def test_check_trainable_wants_two_classes_and_sizes_that_fit():
    load(FLOWERS).check_trainable()
    load(FLOWERS).check_trainable([2, 5, 3])
    with pytest.raises(DataError, match=r"^f.csv: every row has the class label 'a': there is "
                                        r"nothing to tell apart; training needs at least two"):
        load("x,label\n1,a\n2,a\n").check_trainable()
    with pytest.raises(DataError) as caught:
        load(FLOWERS).check_trainable([2, 5, 2])
    assert caught.value.text({"sizes": "--layers"}) == (
        "--layers: 2 outputs, but column species holds 3 class labels (setosa, versicolor, "
        "virginica)")


def test_training_inputs_reads_the_file_named_or_the_training_file_beside_the_model(tmp_path):
    from neuronsim.data import training_inputs
    (tmp_path / "xor.csv").write_text(XOR)
    model = str(tmp_path / "xor.json")   # need not exist: only its folder counts
    metadata = load_csv(str(tmp_path / "xor.csv")).metadata()
    assert metadata["data"] == "xor.csv"
    rows = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert training_inputs(model, 2, metadata) == rows
    assert training_inputs(model, 2, metadata, io.StringIO("x2,x1\n1,0\n"), "s.csv") == [[0.0, 1.0]]
    assert training_inputs(str(tmp_path / "elsewhere" / "m.json"), 2, metadata) is None
    assert training_inputs(model, 2, {}) is None and training_inputs(model, 2, None) is None
    with pytest.raises(DataError, match="^s.csv: no columns 'x1', 'x2'"):
        training_inputs(model, 2, metadata, io.StringIO("a,b\n1,0\n"), "s.csv")
