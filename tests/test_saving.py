"""Saving and loading: exact round trips, clear errors, a fuzzed loader, atomic saves."""

import copy
import json
import os
import struct

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import Activation, NeuralNetwork
from neuronsim import saving
from neuronsim.activations import LeakyReLU
from neuronsim.saving import ModelFileError

from conftest import INPUTS, TARGETS, snapshot, worked_example
from strategies import HIDDEN_ACTIVATIONS, OUTPUT_PAIRS

SETTINGS = settings(deadline=None, max_examples=40)


def bits(values):
    """Exact bit patterns, so 0.0 and -0.0 (or two NaNs) are told apart."""
    return [struct.pack("<d", v) for v in values]


def all_parameters(net):
    return [bits(n.weights) + bits([n.bias]) for layer in net.layers for n in layer.neurons]


finite = st.floats(allow_nan=False, allow_infinity=False)
unit = st.floats(-1.0, 1.0, allow_nan=False)


@st.composite
def networks(draw, weights=unit):
    num_inputs = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    num_outputs = draw(st.integers(1, 3))
    output_activation, cost = draw(st.sampled_from(OUTPUT_PAIRS))
    sizes = [num_inputs] + hidden
    hidden_count = sum(a * b for a, b in zip(sizes, sizes[1:]))
    return NeuralNetwork(
        num_inputs, hidden, num_outputs,
        hidden_layer_weights=draw(st.lists(weights, min_size=hidden_count, max_size=hidden_count)),
        hidden_layer_bias=draw(st.lists(weights, min_size=sum(hidden), max_size=sum(hidden))),
        output_layer_weights=draw(st.lists(weights, min_size=hidden[-1] * num_outputs,
                                           max_size=hidden[-1] * num_outputs)),
        output_layer_bias=draw(st.lists(weights, min_size=num_outputs, max_size=num_outputs)),
        activation=draw(st.sampled_from(HIDDEN_ACTIVATIONS)),
        output_activation=output_activation, cost=cost,
        learning_rate=draw(st.floats(1e-6, 10.0)), train_biases=draw(st.booleans()),
        seed=draw(st.integers(-2 ** 70, 2 ** 70)))  # any whole number is a seed


# -- round trips ---------------------------------------------------------------

@SETTINGS
@given(networks(), st.data())
def test_round_trip_keeps_every_number_and_every_prediction(tmp_path_factory, net, data):
    path = str(tmp_path_factory.mktemp("round") / "model.json")
    net.save(path)
    for loaded in (NeuralNetwork.load(path), NeuralNetwork.from_dict(net.to_dict()),
                   saving.loads(saving.dumps(net))):
        assert all_parameters(loaded) == all_parameters(net)
        assert loaded.layer_sizes == net.layer_sizes
        assert [l.activation.name for l in loaded.layers] == [l.activation.name for l in net.layers]
        assert (loaded.cost.name, loaded.learning_rate, loaded.train_biases, loaded.seed) == \
            (net.cost.name, net.learning_rate, net.train_biases, net.seed)
        for _ in range(3):
            inputs = data.draw(st.lists(st.floats(-10, 10), min_size=net.num_inputs,
                                        max_size=net.num_inputs))
            assert bits(loaded.feed_forward(inputs)) == bits(net.feed_forward(inputs))


@SETTINGS
@given(st.lists(finite, min_size=6, max_size=6))
def test_any_finite_float_round_trips_exactly(values):
    # Subnormals, -0.0, the largest doubles: repr() in JSON reads back the same bits.
    net = NeuralNetwork(1, 2, 1, hidden_layer_weights=values[:2], hidden_layer_bias=values[2:4],
                        output_layer_weights=values[4:6], output_layer_bias=-0.0,
                        activation="linear", seed=1)
    loaded = saving.loads(saving.dumps(net))
    assert all_parameters(loaded) == all_parameters(net)


def test_a_loaded_network_goes_on_training_exactly_like_the_original(tmp_path):
    net = NeuralNetwork(2, [3, 2], 2, seed=11, train_biases=True, learning_rate=0.3)
    for _ in range(5):
        net.train(INPUTS, TARGETS)
    path = str(tmp_path / "net.json")
    net.save(path)
    loaded = NeuralNetwork.load(path)
    for _ in range(5):
        assert net.train(INPUTS, TARGETS) == loaded.train(INPUTS, TARGETS)
    assert snapshot(loaded) == snapshot(net)


def test_train_biases_false_survives_and_keeps_biases_fixed(tmp_path):
    net = worked_example()
    loaded = NeuralNetwork.from_dict(json.loads(json.dumps(net.to_dict())))
    assert loaded.train_biases is False
    loaded.train(INPUTS, TARGETS)
    assert [n.bias for n in loaded.hidden_layer.neurons] == [0.35, 0.35]


def test_the_document_is_plain_json_with_format_and_version(example):
    document = example.to_dict(metadata={"columns": ["a", "b"]})
    assert json.loads(json.dumps(document)) == document
    assert (document["format"], document["version"]) == ("neuronsim-network", 3)
    assert document["layers"][1]["neurons"][0] == {"weights": [0.4, 0.45], "bias": 0.6}
    assert document["metadata"] == {"columns": ["a", "b"]}
    assert saving.from_dict(document).feed_forward(INPUTS) == example.feed_forward(INPUTS)


def test_custom_activations_and_costs_are_refused_at_save_time(tmp_path):
    class Square(Activation):
        name = "square"

        def function(self, net):
            return net * net

        def derivative(self, net, output):
            return 2 * net

    path = tmp_path / "model.json"
    for net in (NeuralNetwork(1, 1, 1, activation=Square(), seed=1),
                NeuralNetwork(1, 1, 1, activation=LeakyReLU(0.2), seed=1)):
        with pytest.raises(ValueError, match=r"layers\[0\]\.activation: cannot save a custom"):
            net.save(str(path))
        assert not path.exists() and os.listdir(str(tmp_path)) == []


# -- clear errors --------------------------------------------------------------

def broken(change):
    document = NeuralNetwork(4, [4, 5], 2, seed=3).to_dict()
    change(document)
    return document


@pytest.mark.parametrize("change, message", [
    (lambda d: d["layers"][1]["neurons"][3]["weights"].pop(),
     "layers[1].neurons[3].weights: expected 4 numbers, got 3"),
    (lambda d: d["layers"][0]["neurons"][0]["weights"].__setitem__(2, "0.5"),
     "layers[0].neurons[0].weights[2]: expected a number, got '0.5' (str)"),
    (lambda d: d["layers"][0]["neurons"][0]["weights"].__setitem__(1, True),
     "layers[0].neurons[0].weights[1]: expected a number, got True (bool)"),
    (lambda d: d["layers"][2]["neurons"][1].__setitem__("bias", None),
     "layers[2].neurons[1].bias: expected a finite number, got None (NoneType)"),
    (lambda d: d["layers"][2]["neurons"][1].__setitem__("bias", 1e999),
     "layers[2].neurons[1].bias: expected a finite number, got inf"),
    (lambda d: d["layers"][2]["neurons"][1].__setitem__("bias", 10 ** 400),
     "layers[2].neurons[1].bias: expected a finite number"),
    (lambda d: d["layers"][2]["neurons"][1].pop("bias"),
     "layers[2].neurons[1]: missing key 'bias'"),
    (lambda d: d["layers"][2]["neurons"][1].__setitem__("extra", 1),
     "layers[2].neurons[1]: unknown key 'extra'"),
    (lambda d: d["layers"][2].__setitem__("neurons", []),
     "layers[2].neurons: expected a non-empty list of neurons, got []"),
    (lambda d: d["layers"][1].__setitem__("activation", "swish"),
     "layers[1].activation: unknown activation 'swish'"),
    (lambda d: (d.__setitem__("version", 1), d["layers"][1].__setitem__("activation", "relu")),
     "layers[1].activation: version 1 files have one activation for every hidden layer"),
    (lambda d: d["layers"][0].__setitem__("activation", "softmax"),
     "layers[0].activation: 'softmax' works only on the output layer"),
    (lambda d: d.__setitem__("layers", d["layers"][-1:]),
     "layers: expected at least 2 layers (hidden and output), got 1"),
    (lambda d: d.__setitem__("format", "keras"),
     "format: expected 'neuronsim-network', got 'keras' (str)"),
    (lambda d: d.__setitem__("version", 4),
     "version: this neuronsim reads versions 1, 2 and 3, got 4 (a newer neuronsim wrote it)"),
    (lambda d: d.__setitem__("version", 0), "version: this neuronsim reads versions 1, 2 and 3, got 0"),
    (lambda d: d.__setitem__("version", "1"), "version: expected a whole number, got '1'"),
    (lambda d: d.pop("layers"), "missing key 'layers'"),
    (lambda d: d.__setitem__("num_inputs", 0), "num_inputs: expected a whole number >= 1, got 0"),
    (lambda d: d.__setitem__("num_inputs", 3),
     "layers[0].neurons[0].weights: expected 3 numbers, got 4"),
    (lambda d: (d.__setitem__("cost", "cross_entropy"),
                d["layers"][2].__setitem__("activation", "tanh")),
     "cost: cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output activation"),
    (lambda d: d.__setitem__("learning_rate", -1), "learning_rate: expected a number > 0, got -1"),
    (lambda d: d.__setitem__("train_biases", 1), "train_biases: expected true or false, got 1"),
    (lambda d: d.__setitem__("seed", 1.5), "seed: expected a whole number or null, got 1.5"),
    (lambda d: d.__setitem__("metadata", []), "metadata: expected a JSON object, got []"),
])
def test_a_bad_document_says_what_and_where(change, message, example):
    document = broken(change)
    original = copy.deepcopy(document)
    with pytest.raises(ModelFileError) as caught:
        saving.from_dict(document)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, ValueError)
    assert document == original  # the loader never changes what it is given


@pytest.mark.parametrize("data, message", [
    (b"", "not valid JSON"),
    (b'{"format": "neuronsim-network", ', "not valid JSON"),
    (b"\xff\xfe{}", "not a neuronsim model: the file is not UTF-8 text"),
    (b"[1, 2, 3]", "not a neuronsim model: expected a JSON object, got [1, 2, 3]"),
    (b'{"w": NaN}', "expected finite numbers, got NaN"),
    (b'{"w": -Infinity}', "expected finite numbers, got -Infinity"),
    (b"[" * 100000 + b"]" * 100000, "not a neuronsim model: JSON nested too deeply"),
    (b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94.", "not a neuronsim model"),  # a pickle
], ids=["empty", "truncated", "not-utf8", "array", "nan", "infinity", "deep", "pickle"])
def test_a_file_that_is_not_a_model_says_so_with_its_name(tmp_path, data, message):
    path = tmp_path / "model.json"
    path.write_bytes(data)
    with pytest.raises(ModelFileError) as caught:
        NeuralNetwork.load(str(path))
    assert str(caught.value).startswith("%s: " % path)
    assert message in str(caught.value)


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        NeuralNetwork.load(str(tmp_path / "nowhere.json"))


# -- the loader, fuzzed ------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


def places(value, path=()):
    """Every (container, key) in a JSON value, to mutate one of them."""
    found = []
    if isinstance(value, dict):
        for key in value:
            found.append((value, key))
            found.extend(places(value[key]))
    elif isinstance(value, list):
        for index in range(len(value)):
            found.append((value, index))
            found.extend(places(value[index]))
    return found


def load_or_model_file_error(document):
    try:
        net = saving.from_dict(document)
    except ModelFileError:
        return None
    # Whatever loaded is a working network.
    net.feed_forward([0.5] * net.num_inputs)
    return net


@settings(deadline=None, max_examples=150)
@given(st.data())
def test_mutated_documents_load_or_raise_model_file_error_only(data):
    document = NeuralNetwork(2, [3, 2], 2, seed=data.draw(st.integers(0, 9))).to_dict()
    for _ in range(data.draw(st.integers(1, 3))):
        targets = places(document)
        container, key = data.draw(st.sampled_from(targets))
        action = data.draw(st.sampled_from(["replace", "delete", "insert", "number"]))
        if action == "replace":
            container[key] = data.draw(json_values)
        elif action == "number":
            container[key] = data.draw(st.one_of(st.floats(), st.integers(), st.booleans()))
        elif action == "delete":
            del container[key]
        elif isinstance(container, list):
            container.insert(key, data.draw(json_values))
        else:
            container[data.draw(st.text(max_size=8))] = data.draw(json_values)
    load_or_model_file_error(document)
    # Through text too, where NaN and Infinity are refused by the parser.
    try:
        text = json.dumps(document)
    except ValueError:
        return
    try:
        saving.loads(text)
    except ModelFileError:
        pass


@settings(deadline=None, max_examples=100)
@given(json_values)
def test_random_json_raises_model_file_error(value):
    with pytest.raises(ModelFileError):
        saving.from_dict(value)
    with pytest.raises(ModelFileError):
        saving.loads(json.dumps(value))


@settings(deadline=None, max_examples=100)
@given(st.binary(max_size=64) | st.text(max_size=64).map(lambda t: t.encode("utf-8")))
def test_random_bytes_raise_model_file_error(data):
    with pytest.raises(ModelFileError):
        saving.loads(data)


# -- atomic save ---------------------------------------------------------------------

def test_save_replaces_the_old_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    os.chmod(str(path), 0o640)
    worked_example().save(str(path))
    assert NeuralNetwork.load(str(path)).feed_forward(INPUTS) == worked_example().feed_forward(INPUTS)
    assert os.stat(str(path)).st_mode & 0o777 == 0o640
    assert os.listdir(str(tmp_path)) == ["model.json"]


class Boom(Exception):
    pass


def fail_fsync(fd):
    raise OSError(28, "No space left on device")


def half_write_then_fail(monkeypatch):
    """os.fdopen returns a stream that writes half of what it is given, then fails."""
    real_fdopen = os.fdopen

    def fdopen(*args, **kwargs):
        stream = real_fdopen(*args, **kwargs)

        class Failing:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                stream.close()

            def write(self, text):
                stream.write(text[:len(text) // 2])
                stream.flush()
                raise OSError(28, "No space left on device")

            def __getattr__(self, name):
                return getattr(stream, name)

        return Failing()

    monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.parametrize("sabotage", [
    lambda mp: mp.setattr(os, "fsync", fail_fsync),
    half_write_then_fail,
    lambda mp: mp.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(Boom())),
    lambda mp: mp.setattr(json, "dumps", lambda *a, **k: (_ for _ in ()).throw(Boom())),
    lambda mp: mp.setattr(os, "chmod", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt())),
])
def test_a_failed_save_leaves_the_old_file_intact_and_no_temporary_file(tmp_path, monkeypatch,
                                                                         sabotage):
    path = str(tmp_path / "model.json")
    old = NeuralNetwork(2, 2, 2, seed=1)
    old.save(path)
    before = open(path, "rb").read()
    sabotage(monkeypatch)
    with pytest.raises((OSError, Boom, KeyboardInterrupt)):
        NeuralNetwork(2, 2, 2, seed=2).save(path)
    monkeypatch.undo()
    assert open(path, "rb").read() == before
    assert os.listdir(str(tmp_path)) == ["model.json"]
    assert all_parameters(NeuralNetwork.load(path)) == all_parameters(old)


# -- version 2: one activation per layer; version 1 still loads -------------------------

def test_per_layer_activations_round_trip_bit_for_bit():
    net = NeuralNetwork.from_layers(3, [(5, "tanh"), (4, "relu"), (3, "leaky_relu"), (2, "softmax")],
                                    cost="cross_entropy", learning_rate=0.2, seed=11)
    loaded = saving.loads(saving.dumps(net))
    assert [l.activation.name for l in loaded.layers] == ["tanh", "relu", "leaky_relu", "softmax"]
    assert snapshot(loaded) == snapshot(net)
    assert loaded.feed_forward([0.1, -0.2, 0.3]) == net.feed_forward([0.1, -0.2, 0.3])
    assert saving.to_dict(loaded) == saving.to_dict(net)


def test_a_version_1_file_still_loads():
    net = worked_example()
    document = saving.to_dict(net)
    document["version"] = 1
    loaded = saving.from_dict(document)
    assert snapshot(loaded) == snapshot(net)
    assert saving.to_dict(loaded)["version"] == saving.VERSION == 3


class Subclassed(NeuralNetwork):
    pass


def test_load_and_from_dict_return_the_class_they_are_called_on(tmp_path):
    net = worked_example()
    path = str(tmp_path / "model.json")
    net.save(path)
    assert type(Subclassed.load(path)) is Subclassed
    assert type(Subclassed.from_dict(net.to_dict())) is Subclassed
    assert type(NeuralNetwork.load(path)) is NeuralNetwork


def test_load_document_gives_the_network_and_its_checked_document(tmp_path):
    net = worked_example()
    path = str(tmp_path / "model.json")
    net.save(path, {"target_columns": ["a", "b"], "note": "free-form"})
    loaded, document = saving.load_document(path)
    assert snapshot(loaded) == snapshot(net) and document["version"] == saving.VERSION
    assert document["metadata"] == {"target_columns": ["a", "b"], "note": "free-form"}
    document["metadata"]["target_columns"] = ["a"]
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"bad.json: metadata.target_columns: expected a "
                                             r"list of 2 strings"):
        saving.load_document(str(tmp_path / "bad.json"))


def test_model_summary_names_the_file_and_what_the_metadata_knows():
    net = NeuralNetwork.from_layers(3, [(5, "relu"), (4, "tanh"), (2, "softmax")],
                                    cost="cross_entropy", seed=4, train_biases=False)
    lines = saving.model_summary(net, name="m.json", version=2).splitlines()
    assert lines == ["m.json: neuronsim network (format version 2)", "layers:     3-5-4-2",
                     "  inputs    3", "  hidden    5 neurons, relu", "  hidden    4 neurons, tanh",
                     "  output    2 neurons, softmax", "parameters: 54 (43 weights, 11 biases)",
                     "cost:       cross_entropy",
                     "training:   learning rate 0.5, biases fixed, seed 4",
                     "outputs:    output_1, output_2"]
    metadata = {"classes": ["cat", "dog"], "data": "pets.csv",
                "training": {"epochs": 12, "training_error": 0.25, "stop_reason": "patience"}}
    assert saving.model_summary(net, metadata).splitlines()[-2:] == [
        "outputs:    cat, dog", "trained:    on pets.csv, 12 epochs, error 0.25, stopped by "
                                "patience"]
