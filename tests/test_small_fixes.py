"""Issue 13's smaller items, each at its root: sets and numpy integers at the door, a model's
metadata and byte-order mark at load time, -0 in explain, extreme values in the training curve."""

import json
import math
import re
import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import NeuralNetwork, saving
from neuronsim.explain import p
from neuronsim.pictures import training_curve_svg
from neuronsim.saving import ModelFileError
from neuronsim.validation import check_positive_int, check_samples, check_seed, check_vector

from conftest import snapshot

try:
    import numpy
except ImportError:  # numpy is optional: only these tests need it
    numpy = None
needs_numpy = pytest.mark.skipif(numpy is None, reason="numpy not installed")


# -- sets have no order ------------------------------------------------------------

@pytest.mark.parametrize("values", [{0.5, 0.1}, frozenset({0.5, 0.1})])
def test_a_set_is_refused_as_a_vector_and_changes_nothing(values):
    net = NeuralNetwork(2, 2, 1, seed=1)
    before = snapshot(net)
    with pytest.raises(TypeError, match=r"^inputs: expected a list of numbers, got .*: a set "
                                        r"has no order$"):
        net.feed_forward(values)
    with pytest.raises(TypeError, match=r"^inputs: .* a set has no order$"):
        net.train(values, [1.0])
    assert snapshot(net) == before


def test_a_set_of_samples_is_refused():
    with pytest.raises(TypeError, match=r"^data: expected a list of \(inputs, targets\) pairs, "
                                        r"got .*\(set\): a set has no order$"):
        check_samples({((0.0,), (1.0,)), ((1.0,), (0.0,))}, 1, 1, "data")


def test_ordered_sequences_are_still_accepted():
    assert check_vector((1, 2.5), "x", 2) == [1.0, 2.5]
    assert check_vector(range(3), "x", 3) == [0.0, 1.0, 2.0]


# -- numpy integers, like numpy floats ---------------------------------------------

@needs_numpy
@pytest.mark.parametrize("kind", ["int8", "int64", "uint16", "uint64"])
def test_numpy_integers_are_whole_numbers(kind):
    value = getattr(numpy, kind)(3)
    assert check_positive_int(value, "epochs") == 3
    assert type(check_positive_int(value, "epochs")) is int
    assert type(check_seed(value)) is int and check_seed(value) == 3


@needs_numpy
def test_numpy_bools_and_floats_are_not_whole_numbers():
    with pytest.raises(TypeError, match=r"^epochs: expected a whole number >= 1, got "):
        check_positive_int(numpy.bool_(True), "epochs")
    with pytest.raises(TypeError, match=r"^seed: expected a whole number or None"):
        check_seed(numpy.float64(3.0))
    with pytest.raises(ValueError, match=r"^epochs: expected a whole number >= 1, got "):
        check_positive_int(numpy.int64(0), "epochs")


@needs_numpy
def test_fit_takes_numpy_integers_where_it_takes_numpy_floats():
    data = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    plain, mixed = NeuralNetwork(2, 3, 1, seed=5), NeuralNetwork(2, numpy.int64(3), 1, seed=5)
    plain.fit(data, epochs=7, batch_size=2, learning_rate=0.5, seed=1)
    mixed.fit(data, epochs=numpy.int64(7), batch_size=numpy.uint8(2),
              learning_rate=numpy.float64(0.5), seed=1)
    assert snapshot(mixed) == snapshot(plain)


@needs_numpy
def test_numpy_integer_sizes_and_seeds_give_the_same_network_as_plain_ints():
    data = [([0.0, 1.0], [1.0])]
    net = NeuralNetwork(numpy.int64(2), 3, numpy.int64(1), seed=numpy.int64(5))
    net.fit(data, epochs=3, seed=numpy.int64(1))
    twin = NeuralNetwork(2, 3, 1, seed=5)
    twin.fit(data, epochs=3, seed=1)
    assert snapshot(net) == snapshot(twin)
    assert json.loads(saving.dumps(net)) == json.loads(saving.dumps(twin))


# -- a model's metadata is checked where neuronsim reads it -------------------------

def model_with(metadata, sizes=(2, 3, 1)):
    document = NeuralNetwork(sizes[0], sizes[1], sizes[2], seed=1).to_dict()
    document["metadata"] = metadata
    return document


@pytest.mark.parametrize("metadata, message", [
    ({"input_columns": 5}, "metadata.input_columns: expected a list of 2 strings, got 5"),
    ({"input_columns": ["a"]}, "metadata.input_columns: expected a list of 2 strings, got ['a']"),
    ({"input_columns": ["a", 1]}, "metadata.input_columns: expected a list of 2 strings"),
    ({"input_columns": ["a", "a"]}, "metadata.input_columns[1]: 'a' appears twice"),
    ({"num_columns": 3, "input_indices": [0, 99]},
     "metadata.input_indices[1]: expected a column index below num_columns (3), got 99"),
    ({"input_indices": [0, -1]}, "metadata.input_indices[1]: expected a whole number >= 0, got -1"),
    ({"input_indices": [0, 0]}, "metadata.input_indices[1]: column 0 appears twice"),
    ({"input_indices": "01"}, "metadata.input_indices: expected a list of 2 column indices"),
    ({"num_columns": 2}, "metadata.num_columns: expected a whole number >= 3, got 2"),
    ({"target_columns": ["y", "z"]},
     "metadata.target_columns: expected a list of 1 string, got ['y', 'z']"),
    ({"classes": ["a", "b"]}, "metadata.classes: expected a list of 1 class label, got"),
    ({"input_indices": [0, 1], "target_indices": [1]},
     "metadata.target_indices[0]: column 1 is also in metadata.input_indices"),
    ({"has_header": "yes"}, "metadata.has_header: expected true or false, got 'yes' (str)"),
    ({"data": 7}, "metadata.data: expected a string, got 7"),
    ({"training": [1]}, "metadata.training: expected a JSON object, got [1]"),
])
def test_metadata_the_command_line_reads_is_checked_by_the_loader(metadata, message, tmp_path):
    with pytest.raises(ModelFileError) as caught:
        saving.from_dict(model_with(metadata))
    assert str(caught.value).startswith(message)
    # ... and by to_dict, so that save never writes a file the loader refuses.
    path = tmp_path / "m.json"
    with pytest.raises(ModelFileError):
        NeuralNetwork(2, 3, 1, seed=1).save(str(path), metadata)
    assert not path.exists()


def test_other_metadata_stays_free_form():
    metadata = {"input_columns": ["a", "b"], "target_columns": ["y"], "num_columns": 3,
                "input_indices": [0, 1], "target_indices": [2], "has_header": True,
                "classes": ["yes"], "notes": {"anything": [1, None, "x"]}, "author": 5}
    document = model_with(metadata)
    saving.from_dict(document)
    assert document["metadata"] == metadata


def test_a_model_file_with_a_byte_order_mark_loads(tmp_path):
    net = NeuralNetwork(2, 2, 1, seed=4)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + saving.dumps(net).encode("utf-8"))
    assert NeuralNetwork.load(str(path)).feed_forward([1, 0]) == net.feed_forward([1, 0])
    assert saving.loads("\ufeff" + saving.dumps(net)).seed == 4


# -- explain: -0 in parentheses like any negative ------------------------------------

def test_explain_writes_minus_zero_in_parentheses():
    net = NeuralNetwork(2, 1, 1, hidden_layer_weights=[2.0, 1.0], output_layer_weights=[1.0],
                        activation="linear", seed=1)
    text = net.explain([-0.0, 1.0], [1.0])
    assert "= 2·(-0) + 1·1 + 0 = 1" in text
    assert not re.search(r"[·×/] ?-|[−+] -", text)
    assert p(-0.0) == "(-0)" and p(0.0) == "0"


# -- the training curve: any finite values ---------------------------------------------

def coordinates(svg):
    """Every coordinate in the picture, as floats."""
    found = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    for points in re.findall(r'points="([^"]*)"', svg):
        found += [c for pair in points.split() for c in pair.split(",")]
    return [float(c) for c in found]


@pytest.mark.parametrize("values, log_scale, label", [
    ([1.7e308, -1.7e308], False, "error E (×1e308)"),
    ([1e308, 1.5e308], True, "error E (log scale)"),
    ([5e-324, 1e-323], False, "error E (×1e-324)"),
    ([5e-324, 1e-323], True, "error E (log scale)"),
    ([-1e-320, 0.0], False, "error E (×1e-321)"),
    ([0.3, 0.2], False, "error E"),
])
def test_extreme_values_draw_with_the_scale_on_the_axis(values, log_scale, label):
    svg = training_curve_svg({"training_error": values}, log_scale=log_scale)
    assert ">%s<" % label in svg
    points = coordinates(svg)
    assert all(0 <= c <= 640 for c in points)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=12),
       st.booleans())
def test_any_finite_history_draws_inside_the_picture(values, log_scale):
    if log_scale:
        values = [abs(v) for v in values if v != 0.0] or [1.0]
    svg = training_curve_svg({"training_error": values, "validation_error": values[::-1]},
                             log_scale=log_scale)
    ElementTree.fromstring(svg.encode("utf-8"))
    points = coordinates(svg)
    assert points and all(math.isfinite(c) and -1 <= c <= 641 for c in points)


@pytest.mark.parametrize("callback", [lambda: None, lambda epoch: None, lambda a, b, c: None])
def test_a_callback_with_the_wrong_signature_is_refused_before_any_step(callback):
    net = NeuralNetwork(2, 2, 1, seed=1)
    before = snapshot(net)
    with pytest.raises(TypeError, match="callback: expected a function callback\\(epoch, history\\)"):
        net.fit([([0.0, 1.0], [1.0])], epochs=3, callback=callback)
    assert snapshot(net) == before
