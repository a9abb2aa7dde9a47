"""fit, predict and evaluate: the steps are the textbook ones, the stops are honest,
and a bad call or a diverging run leaves the network as it should be."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INPUTS, TARGETS, snapshot, worked_example
from neuronsim import NeuralNetwork
from neuronsim.training import FIT_OPTIONS, History, TrainingDiverged, class_of

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
THREE_CLASSES = [([0.0, 0.1], [1.0, 0.0, 0.0]), ([0.2, 0.0], [1.0, 0.0, 0.0]),
                 ([1.0, 0.9], [0.0, 1.0, 0.0]), ([0.8, 1.0], [0.0, 1.0, 0.0]),
                 ([0.0, 1.0], [0.0, 0.0, 1.0]), ([0.1, 0.8], [0.0, 0.0, 1.0])]


def classifier(seed=3, **options):
    return NeuralNetwork(2, 5, 3, output_activation="softmax", cost="cross_entropy",
                         seed=seed, **options)


def gradients_at(net, data):
    """Σ over samples of (∂E/∂w, ∂E/∂b) per neuron, all at the current weights."""
    sums = None
    for inputs, targets in data:
        net.backprop(inputs, targets)
        current = [(list(n.weight_gradients), n.bias_gradient)
                   for layer in net.layers for n in layer.neurons]
        if sums is None:
            sums = current
        else:
            sums = [([a + b for a, b in zip(sw, cw)], sb + cb)
                    for (sw, sb), (cw, cb) in zip(sums, current)]
    return sums


def flat(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


def assert_params_close(actual, expected):
    for (weights, bias), (want_weights, want_bias) in zip(actual, expected):
        assert bias == pytest.approx(want_bias, rel=1e-12, abs=1e-15)
        assert weights == pytest.approx(want_weights, rel=1e-12, abs=1e-15)


# -- the steps ----------------------------------------------------------------

def test_online_fit_is_the_worked_example_step_for_step():
    by_hand, by_fit = worked_example(), worked_example()
    errors = [by_hand.train(INPUTS, TARGETS) for _ in range(5)]
    history = by_fit.fit([(INPUTS, TARGETS)], epochs=5)
    assert snapshot(by_fit) == snapshot(by_hand)
    assert history.training_error == errors
    assert round(errors[1], 9) == 0.291027774


def test_online_fit_without_shuffle_equals_a_loop_of_train():
    by_hand, by_fit = NeuralNetwork(2, 4, 1, seed=5), NeuralNetwork(2, 4, 1, seed=5)
    expected = []
    for _ in range(30):
        total = 0.0   # summed in order as fit does (sum() of floats is compensated on 3.12+)
        for x, t in XOR:
            total += by_hand.train(x, t)
        expected.append(total / len(XOR))
    history = by_fit.fit(XOR, epochs=30, shuffle=False)
    assert snapshot(by_fit) == snapshot(by_hand)
    assert history.training_error == expected    # mean E per sample, as seen while training


data_sets = st.lists(
    st.tuples(st.lists(st.floats(-2, 2), min_size=3, max_size=3),
              st.lists(st.floats(0, 1), min_size=2, max_size=2)),
    min_size=1, max_size=7)


@settings(max_examples=30, deadline=None)
@given(data_sets, st.integers(1, 8), st.integers(0, 2 ** 32),
       st.sampled_from([(0.0, 0.0), (0.9, 0.0), (0.0, 0.05), (0.5, 0.1)]),
       st.booleans())
def test_mini_batches_follow_nielsens_update_with_momentum_and_l2(data, batch_size, seed,
                                                                  momentum_l2, train_biases):
    """Two epochs, no shuffle: every batch's step is
    v ← μ·v − η·(Σg/len(batch) + λ·w), w ← w + v
    (biases: no λ, and fixed if not trained)."""
    momentum, l2 = momentum_l2
    def network():
        return NeuralNetwork(3, [4, 3], 2, activation="tanh", output_activation="sigmoid",
                             cost="cross_entropy", learning_rate=0.3,
                             train_biases=train_biases, seed=seed)
    net, reference = network(), network()
    neurons = [n for layer in reference.layers for n in layer.neurons]
    velocities = [([0.0] * len(n.weights), 0.0) for n in neurons]
    for _ in range(2):
        for first in range(0, len(data), batch_size):
            batch = data[first:first + batch_size]
            sums = gradients_at(reference, batch)
            for k, (neuron, (weight_sum, bias_sum)) in enumerate(zip(neurons, sums)):
                velocity, bias_velocity = velocities[k]
                velocity = [momentum * v - 0.3 * (g / len(batch) + l2 * w)
                            for v, g, w in zip(velocity, weight_sum, neuron.weights)]
                bias_velocity = momentum * bias_velocity - 0.3 * bias_sum / len(batch)
                neuron.weights[:] = [w + v for w, v in zip(neuron.weights, velocity)]
                if train_biases:
                    neuron.bias += bias_velocity
                velocities[k] = (velocity, bias_velocity)
    before = flat(net)
    net.fit(data, epochs=2, batch_size=batch_size, momentum=momentum, l2=l2, shuffle=False)
    assert_params_close(flat(net), flat(reference))
    if not train_biases:
        assert [b for _, b in flat(net)] == [b for _, b in before]


def test_one_full_batch_is_one_step_by_the_mean_gradient():
    net, reference = classifier(), classifier()
    sums = gradients_at(reference, THREE_CLASSES)
    rate = reference.learning_rate / len(THREE_CLASSES)
    expected = [([w - rate * g for w, g in zip(weights, gw)], bias - rate * gb)
                for (weights, bias), (gw, gb) in zip(flat(reference), sums)]
    net.fit(THREE_CLASSES, epochs=1, batch_size=len(THREE_CLASSES))
    assert_params_close(flat(net), expected)


def test_l2_decays_weights_but_not_biases():
    """With η·λ = 0.5 and no data gradient (targets met exactly by a linear
    output at zero weights), every weight halves each step and biases stay."""
    net = NeuralNetwork(1, 1, 1, hidden_layer_weights=[2.0], output_layer_weights=[0.0],
                        hidden_layer_bias=0.3, output_layer_bias=0.0,
                        activation="linear", learning_rate=0.5)
    # E = ½(t − out)², out = 0·h + 0 = 0 = t: every δ is 0, only the decay acts.
    net.fit([([1.0], [0.0])], epochs=3, l2=1.0)
    assert net.hidden_layer.neurons[0].weights == [0.25]
    assert net.hidden_layer.neurons[0].bias == 0.3


def test_momentum_goes_further_than_plain_descent_on_a_steady_slope():
    plain, heavy = NeuralNetwork(2, 4, 1, seed=9), NeuralNetwork(2, 4, 1, seed=9)
    plain.fit(XOR, epochs=50, batch_size=4, learning_rate=0.1)
    heavy.fit(XOR, epochs=50, batch_size=4, learning_rate=0.1, momentum=0.9)
    assert heavy.evaluate(XOR)["error"] < plain.evaluate(XOR)["error"]


# -- shuffling ----------------------------------------------------------------

def test_shuffling_never_reorders_the_callers_list_and_is_seeded():
    data = [(list(x), list(t)) for x, t in THREE_CLASSES]
    copy = [(list(x), list(t)) for x, t in data]
    first, second, other = classifier(), classifier(), classifier()
    h1 = first.fit(data, epochs=5, seed=11)
    second.fit(data, epochs=5, seed=11)
    other.fit(data, epochs=5, seed=12)
    assert data == copy
    assert h1.seed == 11
    assert snapshot(first) == snapshot(second)
    assert snapshot(first) != snapshot(other)


def test_shuffling_changes_the_order_of_training():
    shuffled, in_order = classifier(), classifier()
    shuffled.fit(THREE_CLASSES, epochs=1, seed=1)
    in_order.fit(THREE_CLASSES, epochs=1, shuffle=False)
    assert snapshot(shuffled) != snapshot(in_order)


def test_a_seedless_fit_records_the_seed_it_drew_so_the_run_can_be_repeated():
    first = classifier()
    history = first.fit(THREE_CLASSES, epochs=3)
    again = classifier()
    again.fit(THREE_CLASSES, epochs=3, seed=history.seed)
    assert snapshot(first) == snapshot(again)


# -- history and stopping -----------------------------------------------------

def test_history_without_validation_data():
    history = classifier().fit(THREE_CLASSES, epochs=7, seed=1)
    assert isinstance(history, History)
    assert history.epochs == 7 and history.stop_reason == "epochs"
    assert len(history.training_error) == 7
    assert all(isinstance(e, float) and e > 0 for e in history.training_error)
    assert history.validation_error == [] and history.validation_accuracy == []
    assert history.seconds >= 0.0
    record = history.to_dict()
    assert set(record) >= {"training_error", "validation_error", "validation_accuracy",
                           "epochs", "stop_reason", "seconds"}
    assert record["training_error"] == history.training_error
    record["training_error"].append(1.0)
    assert len(history.training_error) == 7        # a copy, not the history's own list


def test_validation_error_and_accuracy_are_measured_after_each_epoch():
    seen = []

    def measure(epoch, history):
        seen.append(classifier_under_test.evaluate(THREE_CLASSES[:3]))

    classifier_under_test = classifier()
    history = classifier_under_test.fit(THREE_CLASSES, epochs=4, seed=2,
                                        validation_data=THREE_CLASSES[:3], callback=measure)
    assert history.validation_error == [m["error"] for m in seen]
    assert history.validation_accuracy == [m["accuracy"] for m in seen]


def test_regression_targets_give_validation_error_but_no_accuracy():
    net = NeuralNetwork(1, 3, 1, activation="tanh", output_activation="linear", seed=1)
    data = [([x / 4], [0.3 * x]) for x in range(-4, 5)]
    history = net.fit(data, epochs=3, validation_data=data)
    assert len(history.validation_error) == 3
    assert history.validation_accuracy == []


def test_error_threshold_stops_at_the_first_epoch_below_it():
    history = classifier().fit(THREE_CLASSES, error_threshold=0.05, seed=4)
    assert history.stop_reason == "error_threshold"
    assert history.training_error[-1] < 0.05
    assert all(e >= 0.05 for e in history.training_error[:-1])
    assert history.epochs == len(history.training_error) < 10000


def test_max_seconds_stops_after_the_epoch_that_passes_it():
    history = classifier().fit(THREE_CLASSES, max_seconds=1e-9)
    assert history.stop_reason == "max_seconds" and history.epochs == 1


def test_callback_sees_every_epoch_and_can_stop():
    calls = []

    def stop_at_three(epoch, history):
        calls.append((epoch, history.epochs, len(history.training_error)))
        return epoch == 3

    history = classifier().fit(THREE_CLASSES, epochs=10, callback=stop_at_three)
    assert calls == [(1, 1, 1), (2, 2, 2), (3, 3, 3)]
    assert history.stop_reason == "callback" and history.epochs == 3


def test_verbose_prints_a_progress_line_every_n_epochs(capsys):
    classifier().fit(THREE_CLASSES, epochs=7, verbose=3, validation_data=THREE_CLASSES)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1/7", "3/7", "6/7", "7/7"]
    assert all("error" in line and "val accuracy" in line and line.endswith("s")
               for line in lines)
    classifier().fit(THREE_CLASSES, epochs=2, verbose=True)
    assert len(capsys.readouterr().out.splitlines()) == 2
    classifier().fit(THREE_CLASSES, epochs=2)
    assert capsys.readouterr().out == ""


def test_softmax_with_cross_entropy_learns_three_classes():
    net = classifier()
    history = net.fit(THREE_CLASSES, epochs=300, learning_rate=0.5, seed=1)
    assert history.training_error[-1] < history.training_error[0] / 10
    assert net.evaluate(THREE_CLASSES)["accuracy"] == 1.0


def test_xor_converges_with_defaults():
    net = NeuralNetwork(2, 4, 1, seed=0)
    history = net.fit(XOR, seed=0, error_threshold=0.001)
    assert history.stop_reason == "error_threshold"
    assert all(abs(net.predict(x)[0] - t[0]) < 0.1 for x, t in XOR)


# -- divergence ---------------------------------------------------------------

def exploding():
    """Linear everywhere, squared error and a huge rate: the weights blow up."""
    return NeuralNetwork(1, 2, 1, activation="linear", learning_rate=50.0, seed=8)


EXPLODING_DATA = [([1.0], [1.0]), ([-2.0], [3.0])]


@pytest.mark.parametrize("options", [{}, {"batch_size": 2}, {"momentum": 0.5, "l2": 0.01}])
def test_divergence_raises_and_restores_the_last_good_epoch(options):
    net = exploding()
    with pytest.raises(TrainingDiverged) as caught:
        net.fit(EXPLODING_DATA, epochs=1000, shuffle=False, **options)
    failed = caught.value.epoch
    assert failed > 1
    assert "diverged in epoch %d" % failed in str(caught.value)
    assert "restored" in str(caught.value)
    assert caught.value.history.epochs == failed - 1
    assert all(math.isfinite(e) for e in caught.value.history.training_error)
    replay = exploding()
    replay.fit(EXPLODING_DATA, epochs=failed - 1, shuffle=False, **options)
    assert snapshot(net) == snapshot(replay)
    assert all(math.isfinite(w) for layer in net.layers for n in layer.neurons
               for w in n.weights + [n.bias])


def test_divergence_in_the_first_epoch_restores_the_initial_network():
    net = NeuralNetwork(1, 2, 1, activation="linear", learning_rate=1e150, seed=8)
    before = snapshot(net)
    with pytest.raises(TrainingDiverged) as caught:
        net.fit([([1e3], [1.0]), ([-1e3], [3.0])], epochs=5, shuffle=False)
    assert caught.value.epoch == 1
    assert snapshot(net) == before


# -- bad calls leave the network untouched ------------------------------------

def test_an_unknown_keyword_names_the_valid_ones():
    net = classifier()
    before = snapshot(net)
    with pytest.raises(TypeError) as caught:
        net.fit(THREE_CLASSES, errorThresh=0.01)
    message = str(caught.value)
    assert "'errorThresh'" in message
    for name in FIT_OPTIONS:
        assert name in message
    assert snapshot(net) == before


BAD_OPTIONS = [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 2.5}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": "8"}, TypeError, "batch_size"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate"),
    ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
    ({"momentum": 1.0}, ValueError, "momentum"),
    ({"momentum": -0.5}, ValueError, "momentum"),
    ({"l2": -1e-3}, ValueError, "l2"),
    ({"l2": "lots"}, TypeError, "l2"),
    ({"shuffle": 1}, TypeError, "shuffle"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"error_threshold": 0}, ValueError, "error_threshold"),
    ({"max_seconds": -1}, ValueError, "max_seconds"),
    ({"callback": "stop"}, TypeError, "callback"),
    ({"verbose": 0}, ValueError, "verbose"),
    ({"verbose": "yes"}, TypeError, "verbose"),
    ({"validation_data": [([0.0, 0.0], [1.0, 0.0])]}, ValueError, "validation_data[0].targets"),
    ({"validation_data": [([0.0, 0.0], [2.0, 0.0, 0.0])]}, ValueError,
     "validation_data[0].targets"),
    ({"validation_data": 5}, TypeError, "validation_data"),
]


@pytest.mark.parametrize("options, error, name", BAD_OPTIONS)
def test_a_bad_option_is_rejected_before_anything_changes(options, error, name):
    net = classifier()
    before = snapshot(net)
    with pytest.raises(error) as caught:
        net.fit(THREE_CLASSES, **dict({"epochs": 3}, **options))
    assert str(caught.value).startswith(name)
    assert snapshot(net) == before


@pytest.mark.parametrize("data, error, name", [
    (THREE_CLASSES + [([0.0, float("nan")], [1.0, 0.0, 0.0])], ValueError,
     "training_data[6].inputs[1]"),
    (THREE_CLASSES + [([0.0, 1.0], [1.0, 0.0])], ValueError, "training_data[6].targets"),
    (THREE_CLASSES + [([0.0, 1.0], [1.5, 0.0, 0.0])], ValueError, "training_data[6].targets[0]"),
    (THREE_CLASSES + ["oops"], TypeError, "training_data[6]"),
    ([], ValueError, "training_data"),
    ("data", TypeError, "training_data"),
])
def test_a_bad_sample_anywhere_is_rejected_before_the_first_step(data, error, name):
    net = classifier()
    before = snapshot(net)
    with pytest.raises(error) as caught:
        net.fit(data, epochs=3)
    assert str(caught.value).startswith(name)
    assert snapshot(net) == before


# -- predict and evaluate -----------------------------------------------------

def test_predict_is_a_checked_feed_forward_that_returns_a_new_list():
    net = classifier()
    outputs = net.predict([0.2, 0.4])
    assert outputs == net.feed_forward([0.2, 0.4])
    assert outputs is not net.predict([0.2, 0.4])
    assert sum(outputs) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"inputs: expected 2 numbers, got 3"):
        net.predict([1, 2, 3])


def test_evaluate_gives_mean_error_and_accuracy():
    net = classifier()
    result = net.evaluate(THREE_CLASSES)
    assert result["error"] == pytest.approx(net.calculate_total_error(THREE_CLASSES)
                                            / len(THREE_CLASSES))
    right = sum(class_of(net.feed_forward(x)) == class_of(t) for x, t in THREE_CLASSES)
    assert result["accuracy"] == right / len(THREE_CLASSES)


def test_evaluate_single_output_accuracy_thresholds_at_one_half():
    net = NeuralNetwork(2, 4, 1, seed=0)
    net.fit(XOR, seed=0, error_threshold=0.001)
    assert net.evaluate(XOR)["accuracy"] == 1.0
    flipped = [(x, [1.0 - t[0]]) for x, t in XOR]
    assert net.evaluate(flipped)["accuracy"] == 0.0


def test_evaluate_without_class_labels_gives_no_accuracy():
    net = worked_example()
    result = net.evaluate([(INPUTS, TARGETS)])
    assert result["accuracy"] is None
    assert round(result["error"], 9) == 0.298371109
    with pytest.raises(ValueError, match=r"^data"):
        net.evaluate([])
