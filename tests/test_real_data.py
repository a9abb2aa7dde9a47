"""Issue 14: scaling that travels with the model, early stopping that keeps the
best weights, guard rails, and class labels."""

import copy
import json
import math
import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronsim import NeuralNetwork, TrainingDiverged
from neuronsim import saving
from neuronsim.export import export_source
from neuronsim.scaling import Standardizer, one_hot
from neuronsim.training import TrainingWarning, split_validation

from conftest import snapshot


def bits(values):
    return [repr(v) for v in values]


def unscaled_rows(count=300, seed=1):
    """The issue's case: one feature in 0..1, one in 0..100000; the class needs both."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        a, b = rng.random(), rng.random() * 100000
        rows.append(([a, b], [1.0 if a * 100000 + b > 100000 else 0.0]))
    return rows


def classifier(inputs=2, seed=1):
    return NeuralNetwork.from_layers(inputs, [(8, "tanh"), (1, "sigmoid")], cost="cross_entropy",
                                     seed=seed)


def regressor(inputs=1, seed=1):
    return NeuralNetwork.from_layers(inputs, [(6, "tanh"), (1, "linear")], seed=seed)


def scaled_network(seed=3, classes=None):
    net = NeuralNetwork.from_layers(3, [(4, "tanh"), (2, "linear")], seed=seed)
    net.input_scaling = Standardizer([1.0, -20.0, 3e4], [0.5, 7.0, 1e4])
    net.target_scaling = Standardizer([100.0, -0.25], [30.0, 0.1])
    if classes is not None:
        net.classes = classes
    return net


# -- the Standardizer -------------------------------------------------------------

def test_a_standardizer_learns_mean_and_spread_and_keeps_constant_columns_finite():
    scaling = Standardizer.from_rows([[1.0, 5.0, 0.1], [3.0, 5.0, 0.1], [5.0, 5.0, 0.1]])
    assert scaling.mean[:2] == (3.0, 5.0)
    assert scaling.scale[0] == pytest.approx(math.sqrt(8.0 / 3.0))
    assert scaling.scale[1:] == (1.0, 1.0)            # constant (and rounding-noisy) columns
    assert scaling.transform([5.0, 5.0, 0.1])[1:] == [0.0, pytest.approx(0.0, abs=1e-15)]
    assert scaling.inverse(scaling.transform([2.0, 7.0, 3.0])) == pytest.approx([2.0, 7.0, 3.0])


@pytest.mark.parametrize("mean, scale, error", [
    ([], [], ValueError), ([1.0], [0.0], ValueError), ([1.0], [-2.0], ValueError),
    ([1.0, 2.0], [1.0], ValueError), ([float("nan")], [1.0], ValueError), (["a"], [1.0], TypeError),
])
def test_a_bad_standardizer_is_refused(mean, scale, error):
    with pytest.raises(error):
        Standardizer(mean, scale)


def test_scaling_and_classes_assignments_are_checked_and_a_refusal_changes_nothing():
    net = regressor(inputs=2)
    with pytest.raises(ValueError, match="input_scaling: expected a Standardizer of 2 columns"):
        net.input_scaling = Standardizer([0.0], [1.0])
    with pytest.raises(TypeError, match="input_scaling"):
        net.input_scaling = {"mean": [0.0, 0.0], "scale": [1.0, 1.0]}
    with pytest.raises(ValueError, match="classes: expected 2 labels"):
        net.classes = ["a", "b", "c"]
    with pytest.raises(ValueError, match="twice"):
        net.classes = ["a", "a"]
    assert (net.input_scaling, net.target_scaling, net.classes) == (None, None, None)
    sigmoid = classifier()
    with pytest.raises(ValueError, match="linear"):
        sigmoid.target_scaling = Standardizer([0.0], [1.0])
    assert sigmoid.target_scaling is None
    net.target_scaling = Standardizer([5.0], [2.0])
    with pytest.raises(ValueError, match="target_scaling"):
        net.output_layer.activation = "sigmoid"
    assert net.output_activation.name == "linear"


# -- every consumer applies the scaling ---------------------------------------------

def test_feed_forward_predict_evaluate_and_train_work_in_the_users_units():
    net = scaled_network()
    bare = copy.deepcopy(net)
    bare.input_scaling = bare.target_scaling = None
    raw = [1.7, -3.0, 12345.0]
    scaled = net.input_scaling.transform(raw)
    assert bits(net.feed_forward(raw)) == bits(net.target_scaling.inverse(bare.feed_forward(scaled)))
    assert bits(net.predict(raw)) == bits(net.feed_forward(raw))
    targets = [130.0, -0.05]
    scaled_targets = net.target_scaling.transform(targets)
    assert net.evaluate([(raw, targets)])["error"] == bare.evaluate([(scaled, scaled_targets)])["error"]
    assert net.train(raw, targets) == bare.train(scaled, scaled_targets)
    assert snapshot(net) == snapshot(bare)


def test_fit_with_scaling_is_fit_on_scaled_data_and_stores_the_scaling():
    rng = random.Random(4)
    data = [([rng.uniform(0, 1e5), rng.uniform(-1, 1)], [rng.uniform(1e3, 5e3)])
            for _ in range(30)]
    net = regressor(inputs=2)
    bare = copy.deepcopy(net)
    net.fit(data, epochs=5, seed=9, scale_inputs=True, scale_targets=True, learning_rate=0.05)
    inputs = Standardizer.from_rows([x for x, _ in data])
    targets = Standardizer.from_rows([t for _, t in data])
    assert (net.input_scaling, net.target_scaling) == (inputs, targets)
    bare.fit([(inputs.transform(x), targets.transform(t)) for x, t in data], epochs=5, seed=9,
             learning_rate=0.05)
    assert snapshot(net) == snapshot(bare)
    # A second fit keeps the scaling its weights were trained with.
    net.fit(data[:10], epochs=1, seed=1, scale_inputs=True, learning_rate=0.05)
    assert net.input_scaling == inputs


def test_a_rejected_fit_learns_no_scaling():
    net = classifier()
    before = snapshot(net)
    with pytest.raises(ValueError, match="scale_targets"):
        net.fit(unscaled_rows(20), epochs=2, scale_inputs=True, scale_targets=True)
    with pytest.raises(ValueError, match="validation_split"):
        net.fit(unscaled_rows(20), epochs=2, scale_inputs=True, validation_split=1.0)
    with pytest.raises(ValueError, match="training_data"):
        net.fit(unscaled_rows(20) + [([1.0], [0.0])], epochs=2, scale_inputs=True)
    assert net.input_scaling is None and snapshot(net) == before


def test_unscaled_features_learn_when_scaled_and_warn_when_not():
    train, test = unscaled_rows(300, seed=1), unscaled_rows(200, seed=2)
    options = dict(epochs=60, optimizer="adam", learning_rate=0.01, batch_size=16, seed=2)
    with pytest.warns(TrainingWarning, match="learned nothing.*scale_inputs=True"):
        history = classifier().fit(train, **options)
    assert len(history.warnings) == 1
    net = classifier()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit(train, scale_inputs=True, **options)
    assert history.warnings == []
    assert net.evaluate(test)["accuracy"] >= 0.95


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32), st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3))
def test_save_load_and_export_predict_what_the_network_predicts_bit_for_bit(seed, raw):
    net = scaled_network(seed, classes=["low", "high"])
    loaded = saving.loads(saving.dumps(net))
    assert (loaded.input_scaling, loaded.target_scaling, loaded.classes) == \
        (net.input_scaling, net.target_scaling, net.classes)
    namespace = {}
    exec(export_source(net), namespace)
    expected = bits(net.predict(raw))
    assert bits(loaded.predict(raw)) == expected
    assert bits(namespace["predict"](raw)) == expected
    assert namespace["classify"](raw) == net.classify(raw)


def test_version_2_files_load_and_may_not_hold_version_3_keys():
    net = regressor()
    document = saving.to_dict(net)
    assert document["version"] == 3 and "input_scaling" not in document
    document["version"] = 2
    assert snapshot(saving.from_dict(document)) == snapshot(net)
    net.input_scaling = Standardizer([1.0], [2.0])
    document = json.loads(saving.dumps(net))
    assert document["input_scaling"] == {"mean": [1.0], "scale": [2.0]}
    document["version"] = 2
    with pytest.raises(saving.ModelFileError, match="version 2 files have no 'input_scaling'"):
        saving.from_dict(document)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["input_scaling"].__setitem__("scale", [1.0, 0.0, 1.0]),
     "input_scaling.scale[1]: expected a number > 0"),
    (lambda d: d["input_scaling"].__setitem__("mean", [1.0]), "input_scaling.scale: expected 1"),
    (lambda d: d["target_scaling"].pop("mean"), "target_scaling: missing key 'mean'"),
    (lambda d: d.__setitem__("target_scaling", [1.0]), "target_scaling: expected a JSON object"),
    (lambda d: d.__setitem__("classes", ["a", "b", "c"]), "classes: expected 2 labels"),
    (lambda d: d.__setitem__("classes", "ab"), "classes: expected a list"),
])
def test_a_bad_scaling_in_a_file_says_where(change, message):
    document = saving.to_dict(scaled_network(classes=["a", "b"]))
    change(document)
    with pytest.raises(saving.ModelFileError) as caught:
        saving.from_dict(document)
    assert str(caught.value).startswith(message)


def test_explain_and_to_svg_show_raw_and_scaled_values_and_change_nothing():
    net = scaled_network()
    before = snapshot(net)
    text = net.explain([2.0, -6.0, 50000.0], [160.0, -0.15])
    assert "i1 = (x1 − mean) / scale = (2 − 1) / 0.5 = 2" in text
    assert "i3 = (x3 − mean) / scale = (50000 − 30000) / 10000 = 2" in text
    assert "t_o1 = (y1 − mean) / scale = (160 − 100) / 30 = 2" in text
    svg = net.to_svg([2.0, -6.0, 50000.0])
    assert "x=5e+04" in svg and ">2<" in svg and "y=" in svg
    assert snapshot(net) == before


# -- validation split, patience and the best weights --------------------------------

def labelled(count, shares, seed=0):
    rng = random.Random(seed)
    data = []
    for index in range(count):
        label = 0 if index < count * shares[0] else (1 if index < count * (shares[0] + shares[1])
                                                      else 2)
        row = [0.0, 0.0, 0.0]
        row[label] = 1.0
        data.append(([rng.uniform(-1, 1) + label, rng.uniform(-1, 1)], row))
    return data


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_validation_split_is_stratified_seeded_and_keeps_every_sample(seed):
    data = labelled(100, (0.6, 0.3, 0.1))
    training, validation = split_validation(data, 0.2, seed)
    assert len(validation) == 20 and len(training) == 80
    counts = [sum(t[k] for _, t in validation) for k in range(3)]
    assert counts == [12.0, 6.0, 2.0]
    assert sorted(map(repr, training + validation)) == sorted(map(repr, data))
    assert split_validation(data, 0.2, seed) == (training, validation)
    assert split_validation(data, 0.2, seed + 10) != (training, validation)


def test_a_validation_split_of_numbers_is_random_and_a_tiny_one_is_refused():
    data = [([float(i)], [float(i)]) for i in range(10)]
    training, validation = split_validation(data, 0.3, 5)
    assert len(validation) == 3 and len(training) == 7
    net = regressor()
    with pytest.raises(ValueError, match="leaves no"):
        net.fit(data[:1], validation_split=0.5, epochs=1)
    with pytest.raises(ValueError, match="not both"):
        net.fit(data, validation_split=0.5, validation_data=data, epochs=1)


def noisy_regression(count=40, seed=0):
    rng = random.Random(seed)
    return [([x], [math.sin(3 * x) + rng.gauss(0, 0.3)])
            for x in [rng.uniform(-1, 1) for _ in range(count)]]


def test_patience_stops_and_the_best_epochs_weights_come_back():
    data = noisy_regression()
    options = dict(optimizer="adam", learning_rate=0.05, batch_size=4, seed=3,
                   validation_split=0.25, patience=5)
    net = NeuralNetwork.from_layers(1, [(30, "tanh"), (1, "linear")], seed=1)
    history = net.fit(data, epochs=500, **options)
    assert history.stop_reason == "patience"
    assert history.epochs == history.best_epoch + 5
    assert history.restored
    assert history.best_error == min(history.validation_error)
    assert history.validation_error[history.best_epoch - 1] == history.best_error
    replay = NeuralNetwork.from_layers(1, [(30, "tanh"), (1, "linear")], seed=1)
    replay.fit(data, epochs=history.best_epoch, **dict(options, patience=None))
    assert snapshot(net) == snapshot(replay)
    kept = NeuralNetwork.from_layers(1, [(30, "tanh"), (1, "linear")], seed=1)
    last = kept.fit(data, epochs=500, restore_best=False, **options)
    assert not last.restored and last.epochs == history.epochs
    assert snapshot(kept) != snapshot(net)


def test_min_delta_counts_only_real_improvements():
    data = noisy_regression()
    net = NeuralNetwork.from_layers(1, [(8, "tanh"), (1, "linear")], seed=1)
    history = net.fit(data, epochs=300, optimizer="adam", learning_rate=0.01, batch_size=8,
                      seed=3, patience=3, min_delta=0.05)
    errors = history.training_error   # no validation: the training error is watched
    assert history.stop_reason == "patience"
    best = errors[history.best_epoch - 1]
    assert all(e >= best - 0.05 for e in errors[history.best_epoch:])
    assert not history.restored       # without validation the last weights stay


def test_the_best_weights_come_back_when_another_reason_stops_training():
    data = noisy_regression()
    net = NeuralNetwork.from_layers(1, [(30, "tanh"), (1, "linear")], seed=1)
    history = net.fit(data, epochs=500, optimizer="adam", learning_rate=0.05, batch_size=4,
                      seed=3, validation_data=noisy_regression(20, seed=9),
                      callback=lambda epoch, history: epoch == 150)
    assert history.stop_reason == "callback" and history.best_epoch < 150
    assert net.evaluate(noisy_regression(20, seed=9))["error"] == history.best_error


# -- guard rails --------------------------------------------------------------------

def test_an_exploding_error_is_divergence_and_the_best_weights_are_kept():
    rng = random.Random(0)
    data = [([x], [3.0 * x]) for x in [rng.uniform(-2, 2) for _ in range(20)]]
    net = NeuralNetwork.from_layers(1, [(4, "linear"), (1, "linear")], seed=2)
    with pytest.raises(TrainingDiverged) as caught:
        net.fit(data, epochs=500, learning_rate=0.5, batch_size=20, shuffle=False)
    error = caught.value
    assert "more than 1000 times where it started" in str(error)
    errors = error.history.training_error
    assert all(math.isfinite(e) and e < 1e10 for e in errors)     # long before inf
    assert "best epoch, %d" % error.history.best_epoch in str(error)
    replay = NeuralNetwork.from_layers(1, [(4, "linear"), (1, "linear")], seed=2)
    replay.fit(data, epochs=error.history.best_epoch, learning_rate=0.5, batch_size=20,
               shuffle=False)
    assert snapshot(net) == snapshot(replay)


def test_targets_outside_the_outputs_reach_get_one_warning():
    data = [([x / 10.0], [300000.0 * x]) for x in range(10)]
    with pytest.warns(TrainingWarning) as caught:
        net = NeuralNetwork.from_layers(1, [(4, "tanh"), (1, "sigmoid")], seed=1)
        history = net.fit(data, epochs=20, seed=1)
    assert len(history.warnings) == 1 and len(caught) == 1
    assert "range from 0 to 2.7e+06" in history.warnings[0]
    assert "'linear'" in history.warnings[0] and "scale_targets=True" in history.warnings[0]


def test_a_good_run_gives_no_warning_and_a_short_one_is_not_judged():
    data = [([x / 10.0], [0.5 * x / 10.0]) for x in range(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = regressor()
        assert net.fit(data, epochs=200, learning_rate=0.1, seed=1).warnings == []
        flat = [([x / 10.0], [float(x % 2)]) for x in range(10)]
        assert regressor().fit(flat, epochs=3, seed=1).warnings == []   # < 10 epochs


# -- class labels -------------------------------------------------------------------

def test_one_hot_and_class_labels_from_python():
    classes, targets = one_hot(["b", "a", "c", "a"])
    assert classes == ("a", "b", "c")
    assert targets[0] == [0.0, 1.0, 0.0]
    assert one_hot([3, 1, 3], classes=[3, 1])[1] == [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match="not one of the classes"):
        one_hot(["x"], classes=["a", "b"])
    net = NeuralNetwork.from_layers(2, [(4, "tanh"), (3, "softmax")], cost="cross_entropy",
                                    seed=1)
    net.classes = classes
    probabilities = net.class_probabilities([0.2, 0.3])
    assert list(probabilities) == ["a", "b", "c"]
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert net.classify([0.2, 0.3]) == max(probabilities, key=probabilities.get)
    single = classifier()
    p = single.predict([0.1, 0.2])[0]
    assert single.class_probabilities([0.1, 0.2]) == {0: 1.0 - p, 1: p}
    single.classes = ["no", "yes"]
    assert single.classify([0.1, 0.2]) == ("yes" if p >= 0.5 else "no")


# -- the command line's defaults ------------------------------------------------------

def run_cli(folder, *argv):
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "neuronsim"] + [str(a) for a in argv],
                            cwd=str(folder), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


def write_rows(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(repr(v) if isinstance(v, float) else str(v)
                                                     for v in row) + "\n" for row in rows))


def test_the_issues_unscaled_file_learns_with_no_options(tmp_path):
    def rows(seed, count):
        return [x + ["yes" if t[0] else "no"] for x, t in unscaled_rows(count, seed)]
    write_rows(tmp_path / "data.csv", "small,large,label", rows(1, 300))
    write_rows(tmp_path / "test.csv", "small,large,label", rows(2, 200))
    status, _, err = run_cli(tmp_path, "train", "data.csv", "--out", "model.json", "--seed", "1")
    assert status == 0, err
    assert "warning" not in err and "stopped by patience" in err
    status, out, err = run_cli(tmp_path, "predict", "model.json", "test.csv")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "no,yes,class"
    truth = [row[-1] for row in rows(2, 200)]
    right = sum(1 for line, label in zip(lines[1:], truth) if line.split(",")[-1] == label)
    assert right / 200.0 >= 0.95
    document = json.loads((tmp_path / "model.json").read_text())
    assert document["classes"] == ["no", "yes"] and "input_scaling" in document
    status, _, err = run_cli(tmp_path, "train", "data.csv", "--out", "raw.json", "--seed", "1",
                             "--no-scale")
    assert status == 0 and "neuronsim: warning: training learned nothing" in err
    assert "--no-scale" in err


def test_numeric_targets_come_back_in_the_users_units_and_export_agrees(tmp_path):
    rng = random.Random(3)
    rows = []
    for _ in range(200):
        x, z = rng.random(), rng.random() * 1000
        rows.append([x, z, 300000 * x * x + 50 * z + 20000])
    write_rows(tmp_path / "prices.csv", "x,z,price", rows)
    status, _, err = run_cli(tmp_path, "train", "prices.csv", "--out", "m.json", "--seed", "2")
    assert status == 0 and "warning" not in err, err
    net = NeuralNetwork.load(str(tmp_path / "m.json"))
    assert net.output_activation.name == "linear" and net.target_scaling is not None
    predicted = [net.predict(row[:2])[0] for row in rows]
    truth = [row[2] for row in rows]
    mean = sum(truth) / len(truth)
    r2 = 1 - sum((t - p) ** 2 for t, p in zip(truth, predicted)) / \
        sum((t - mean) ** 2 for t in truth)
    assert r2 > 0.95
    status, source, err = run_cli(tmp_path, "export", "m.json")
    namespace = {}
    exec(source, namespace)
    assert all(bits(namespace["predict"](row[:2])) == bits(net.predict(row[:2])) for row in rows)


def test_integer_labels_declared_as_classes_learn_as_word_labels_do(tmp_path):
    rng = random.Random(5)
    rows = []
    for _ in range(150):
        a, b = rng.random(), rng.random()
        rows.append([a, b, 0 if a < 0.3 else (1 if b < 0.5 else 2)])
    write_rows(tmp_path / "numbers.csv", "a,b,kind", rows)
    write_rows(tmp_path / "words.csv", "a,b,kind",
               [row[:2] + [["k0", "k1", "k2"][row[2]]] for row in rows])
    for name in ("numbers", "words"):
        extra = ["--classes"] if name == "numbers" else []
        status, _, err = run_cli(tmp_path, "train", name + ".csv", "--out", name + ".json",
                                 "--seed", "4", *extra)
        assert status == 0, err
    numbers = NeuralNetwork.load(str(tmp_path / "numbers.json"))
    words = NeuralNetwork.load(str(tmp_path / "words.json"))
    assert numbers.classes == ("0", "1", "2") and words.classes == ("k0", "k1", "k2")
    assert snapshot(numbers) == snapshot(words)
    right = sum(1 for row in rows if numbers.classify(row[:2]) == str(row[2]))
    assert right / len(rows) > 0.9


def test_a_classifier_no_better_than_the_commonest_class_is_warned_about():
    from neuronsim.training import History, _check_beats_the_commonest_class
    samples = [([float(i)], [1.0, 0.0] if i % 4 else [0.0, 1.0]) for i in range(8)]
    always_first = NeuralNetwork(1, 2, 2, hidden_layer_weights=[0.0, 0.0],
                                 output_layer_weights=[0.0] * 4, output_layer_bias=[1.0, -1.0],
                                 output_activation="softmax", cost="cross_entropy", seed=1)
    history = History(1)
    history.epochs = 10
    _check_beats_the_commonest_class(always_first, samples, history)
    assert len(history.warnings) == 1 and "commonest class (75.0%)" in history.warnings[0]
    history = History(1)
    history.epochs = 9   # too short a run to judge
    _check_beats_the_commonest_class(always_first, samples, history)
    assert history.warnings == []


def test_one_class_label_is_refused_in_one_line(tmp_path):
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    (tmp_path / "one.csv").write_text("x,label\n1,a\n2,a\n3,a\n")
    result = subprocess.run([sys.executable, "-m", "neuronsim", "train", "one.csv", "--out",
                             "m.json"], cwd=str(tmp_path), capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=root))
    assert result.returncode == 2 and not (tmp_path / "m.json").exists()
    assert result.stderr.strip().endswith("training needs at least two classes")
