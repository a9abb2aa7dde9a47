"""neuronsim.defaults from Python: every choice the command line offers, checked before any
work, honoured, and recorded; and the command line is these calls."""

import io
import json

import pytest

from neuronsim import SGD, Adam, NeuralNetwork, defaults
from neuronsim.cli import CLI_NAMES, main
from neuronsim.data import load_csv
from neuronsim.scaling import one_hot
from neuronsim.validation import ArgumentError

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
LABELS, HOT = one_hot(["a", "b", "c", "a", "b", "c"])
CLASSES = list(zip([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.1, 0.9], [0.9, 0.2], [0.8, 0.9]],
                   HOT))


@pytest.mark.parametrize("choices, error, message", [
    ({"hidden": "8"}, TypeError, "hidden: expected a list of hidden layer widths, got '8'"),
    ({"hidden": []}, ValueError, "hidden: expected at least one hidden layer width"),
    ({"hidden": [4, 0]}, ValueError, "hidden[1]: expected a whole number >= 1, got 0"),
    ({"activation": ["tanh", "relu"]}, ArgumentError,
     "activation: expected one activation, or one per hidden layer (1), got 2"),
    ({"hidden": [4, 3, 2], "activation": ["tanh", "relu"]}, ArgumentError,
     "activation: expected one activation, or one per hidden layer (3), got 2"),
    ({"activation": "softmax"}, ValueError, "activation: 'softmax' works on a whole layer"),
    ({"activation": "swish"}, ValueError, "activation: unknown activation 'swish'"),
    ({"output": "swish"}, ValueError, "output: unknown activation 'swish'"),
    ({"cost": "hinge"}, ValueError, "cost: unknown cost 'hinge'"),
    ({"optimizer": "rmsprop"}, ValueError, "optimizer: unknown optimizer 'rmsprop'"),
    ({"optimizer": 3}, TypeError, "optimizer: expected an optimizer name or Optimizer"),
    ({"momentum": 0.9}, ArgumentError, "momentum: goes with optimizer='sgd' (the optimizer is "
                                       "adam, which keeps its own running mean)"),
    ({"optimizer": "sgd", "momentum": 1.0}, ValueError, "momentum: expected a number in [0, 1)"),
    ({"optimizer": SGD(), "momentum": 0.5}, ValueError, "momentum: give it to the optimizer"),
    ({"optimizer": Adam(), "momentum": 0.5}, ValueError,
     "momentum: Adam keeps its own running mean; momentum is for SGD"),
    ({"output": "linear", "cost": "cross_entropy"}, ArgumentError,
     "cost: cost 'cross_entropy' needs a 'sigmoid' or 'softmax' output activation, got 'linear'"),
    ({"optimizer": Adam(0.1), "learning_rate": 0.2}, ValueError,
     "learning_rate: 0.2, and the optimizer has 0.1; give it to one of them"),
    ({"learning_rate": 0}, ValueError, "learning_rate: expected a number > 0, got 0"),
    ({"l2": -1}, ValueError, "l2: expected a number >= 0.0, got -1"),
    ({"epochs": 0}, ValueError, "epochs: expected a whole number >= 1, got 0"),
    ({"batch_size": 1.5}, TypeError, "batch_size: expected a whole number >= 1, got 1.5"),
    ({"patience": 0}, ValueError, "patience: expected a whole number >= 1, got 0"),
    ({"min_delta": -0.5}, ValueError, "min_delta: expected a number >= 0.0, got -0.5"),
    ({"validation_split": 1.0}, ValueError, "validation_split: expected a fraction in [0, 1)"),
    ({"scale": "no"}, TypeError, "scale: expected True or False, got 'no'"),
])
def test_a_bad_choice_is_named_before_any_work(choices, error, message, monkeypatch):
    def no_work(*args, **options):
        raise AssertionError("work began before the choices were checked")
    monkeypatch.setattr(NeuralNetwork, "from_layers", no_work)
    monkeypatch.setattr(NeuralNetwork, "fit", no_work)
    for call in (defaults.check_choices, lambda **c: defaults.choose(XOR, **c),
                 lambda **c: defaults.train(XOR, seed=1, **c)):
        with pytest.raises(error) as caught:
            call(**choices)
        assert str(caught.value).startswith(message)


def test_a_cost_that_does_not_suit_the_output_is_named_before_any_work(monkeypatch):
    numbers = [([0.0], [3.0]), ([1.0], [5.0])]
    defaults.check_choices(cost="cross_entropy")   # fine until the output is known
    monkeypatch.setattr(NeuralNetwork, "from_layers", None)
    with pytest.raises(ArgumentError) as caught:
        defaults.train(numbers, cost="cross_entropy")
    assert str(caught.value) == ("cost: cost 'cross_entropy' needs a 'sigmoid' or 'softmax' "
                                 "output activation, got 'linear'")
    assert caught.value.text(CLI_NAMES).startswith("--cost: cost 'cross_entropy' needs")


def test_the_command_line_spells_the_choices_as_its_options():
    with pytest.raises(ArgumentError) as caught:
        defaults.check_choices(optimizer="adam", momentum=0.5)
    assert caught.value.text(CLI_NAMES) == ("--momentum: goes with --optimizer sgd (the "
                                            "optimizer is adam, which keeps its own running mean)")
    with pytest.raises(ArgumentError) as caught:
        defaults.check_choices(hidden=[4], activation=["tanh", "relu"])
    assert caught.value.text(CLI_NAMES).startswith("--activation: expected one activation")


def test_every_choice_is_honoured_as_if_written_out():
    choices = dict(hidden=[5, 3], activation=["relu", "tanh"], output="tanh",
                   cost="squared_error", optimizer="sgd", learning_rate=0.3, momentum=0.5,
                   l2=0.001, batch_size=2, epochs=7, patience=100, min_delta=0.0,
                   validation_split=0.0, scale=False)
    net, history = defaults.train(XOR, seed=4, **choices)
    by_hand = NeuralNetwork.from_layers(2, [(5, "relu"), (3, "tanh"), (1, "tanh")],
                                        cost="squared_error", learning_rate=0.3, seed=4)
    by_hand.fit(XOR, optimizer="sgd", learning_rate=0.3, momentum=0.5, l2=0.001, batch_size=2,
                epochs=7, patience=100, min_delta=0.0, validation_split=0.0, restore_best=True,
                seed=4)
    assert net.to_dict() == by_hand.to_dict()
    assert history.epochs == 7 and net.input_scaling is None and net.learning_rate == 0.3
    plan = defaults.choose(XOR, **choices)
    assert {key: plan["fit"][key] for key in ("batch_size", "epochs", "patience", "min_delta",
                                              "validation_split", "momentum", "l2")} == {
        "batch_size": 2, "epochs": 7, "patience": 100, "min_delta": 0.0,
        "validation_split": 0.0, "momentum": 0.5, "l2": 0.001}


def test_what_a_choice_leaves_open_follows_it():
    plan = defaults.choose(CLASSES)
    assert plan["layers"] == [(8, "tanh"), (3, "softmax")] and plan["cost"] == "cross_entropy"
    assert plan["fit"]["learning_rate"] == defaults.LEARNING_RATE
    plan = defaults.choose(CLASSES, output="sigmoid", optimizer="sgd", activation="relu")
    assert plan["layers"] == [(8, "relu"), (3, "sigmoid")] and plan["cost"] == "cross_entropy"
    assert plan["fit"]["learning_rate"] == defaults.SGD_LEARNING_RATE == 0.5
    numbers = [([float(i)], [float(i * i)]) for i in range(5)]
    assert defaults.choose(numbers)["fit"]["scale_targets"] is True
    assert defaults.choose(numbers, scale=False)["fit"]["scale_targets"] is False
    assert defaults.choose(numbers, output="relu")["fit"]["scale_targets"] is False
    assert defaults.choose(numbers, output="relu")["cost"] == "squared_error"
    with pytest.raises(ValueError, match="samples: expected at least one"):
        defaults.choose([])


def test_a_plan_can_be_changed_then_followed_but_not_mixed_with_choices():
    plan = defaults.choose(XOR, hidden=[4])
    plan["fit"]["epochs"] = 3
    net, history = defaults.train(XOR, plan=plan, seed=1)
    assert history.epochs == 3 and net.layer_sizes == [2, 4, 1]
    with pytest.raises(TypeError, match=r"plan: give a plan or your choices \(epochs\), not both"):
        defaults.train(XOR, plan=plan, epochs=5)
    with pytest.raises(TypeError, match=r"plan: give a plan or your choices \(hidden\)"):
        defaults.train(XOR, [4], plan=plan)


def test_an_optimizer_object_is_used_as_it_is_and_recorded_by_name():
    optimizer = SGD(0.2, momentum=0.5)
    plan = defaults.choose(XOR, optimizer=optimizer, epochs=5)
    net, history = defaults.train(XOR, plan=plan, seed=1)
    assert optimizer.state and net.learning_rate == 0.2
    done = defaults.record(plan, history)
    assert (done["optimizer"], done["learning_rate"], done["epochs"]) == ("sgd", 0.2, 5)
    assert (done["momentum"], done["nesterov"]) == (0.5, False)   # the object's own
    nesterov = defaults.choose(XOR, optimizer=SGD(0.1, momentum=0.9, nesterov=True), epochs=1)
    done = defaults.record(nesterov, defaults.train(XOR, plan=nesterov, seed=1)[1])
    assert (done["momentum"], done["nesterov"]) == (0.9, True)
    json.dumps(done)
    assert defaults.choose(XOR, optimizer=SGD())["fit"]["learning_rate"] == 0.5
    assert defaults.choose(XOR, optimizer=SGD(), learning_rate=0.7)["fit"]["learning_rate"] == 0.7


def test_fits_own_keywords_pass_through():
    seen = []
    net, history = defaults.train(XOR, seed=1, epochs=3,
                                  callback=lambda epoch, history: seen.append(epoch))
    assert seen == [1, 2, 3]
    net, history = defaults.train(XOR, seed=1, epochs=50, error_threshold=10.0)
    assert (history.stop_reason, history.epochs) == ("error_threshold", 1)
    net, history = defaults.train(XOR, seed=1, epochs=3, scale_inputs=False)
    assert net.input_scaling is None


def test_the_command_line_trains_exactly_what_defaults_train_does(tmp_path):
    text = "a,b,kind\n" + "".join("%d,%d,%s\n" % (i % 3, i % 5, "xyz"[i % 3]) for i in range(30))
    (tmp_path / "k.csv").write_text(text)
    argv = ["train", str(tmp_path / "k.csv"), "--seed", "7", "--quiet", "--out",
            str(tmp_path / "k.json")]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    data = load_csv(str(tmp_path / "k.csv"))
    net, history = defaults.train(data.samples, seed=7, classes=data.classes)
    document = json.loads((tmp_path / "k.json").read_text())
    training = document.pop("metadata")["training"]
    assert document == net.to_dict()
    done = defaults.record(defaults.choose(data.samples), history)
    del training["seconds"], done["seconds"]
    assert training == done


@pytest.mark.parametrize("samples, message", [
    ([([0.0, 1.0], 1.0), ([1.0, 0.0], 0.0)], "samples[0].targets: expected a list of numbers"),
    ("abc", "samples: expected a list of (inputs, targets) pairs, got 'abc'"),
    (None, "samples: expected a list of (inputs, targets) pairs, got None"),
    ([], "samples: expected at least one (inputs, targets) pair, got none"),
    ([([0.0, 1.0], [])], "samples[0].targets: expected at least one number, got an empty"),
    ([([0.0, 1.0], [1.0]), ([0.0], [1.0])], "samples[1].inputs: expected 2 numbers, got 1"),
])
def test_bad_samples_are_named_before_any_work(samples, message, monkeypatch):
    monkeypatch.setattr(NeuralNetwork, "from_layers", None)
    for call in (defaults.choose, lambda data: defaults.train(data, seed=1)):
        with pytest.raises((TypeError, ValueError)) as caught:
            call(samples)
        assert str(caught.value).startswith(message)


def test_softmax_over_a_single_output_is_refused():
    with pytest.raises(ArgumentError) as caught:
        defaults.choose(XOR, output="softmax")
    assert caught.value.text(CLI_NAMES) == (
        "--output-activation: softmax over one output is always 1, whatever the inputs; for "
        "one column of 0s and 1s use sigmoid")


def test_fits_stopping_limits_go_with_a_plan_or_without():
    plan = defaults.choose(XOR, optimizer="sgd", learning_rate=2.0, batch_size=1)
    _, history = defaults.train(XOR, plan=plan, seed=1, error_threshold=0.05)
    assert history.stop_reason == "error_threshold"
    _, history = defaults.train(XOR, seed=1, optimizer="sgd", learning_rate=2.0, batch_size=1,
                                error_threshold=0.05)
    assert history.stop_reason == "error_threshold"
    plan = defaults.choose(XOR, max_seconds=1e-9)   # checked with the choices, then fit's
    assert defaults.train(XOR, plan=plan, seed=1)[1].stop_reason == "max_seconds"
