"""Smoke: neuronsim.defaults, what ``neuronsim train`` calls, on MicroPython too.

Choices are checked before any work, with errors that name them (and that
the command line respells as its options); a plan made from the data and
the choices is followed; the record of the run is what a model file keeps.
"""

import smoke
from neuronsim import defaults
from neuronsim.validation import ArgumentError

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
CLI = {"momentum": "--momentum", "optimizer": lambda name: "--optimizer " + name}

plan = defaults.choose(XOR)
smoke.check("choose: tanh hidden layer, sigmoid output, Adam at 0.05",
            plan["layers"] == [(8, "tanh"), (1, "sigmoid")] and plan["cost"] == "cross_entropy"
            and plan["fit"]["optimizer"] == "adam" and plan["fit"]["learning_rate"] == 0.05,
            repr(plan))

plan = defaults.choose(XOR, hidden=[4], activation="relu", optimizer="sgd", batch_size=1)
smoke.check("choose: the choices made, and SGD's own rate",
            plan["layers"] == [(4, "relu"), (1, "sigmoid")] and
            plan["fit"]["learning_rate"] == 0.5 and plan["fit"]["batch_size"] == 1, repr(plan))

net, history = defaults.train(XOR, hidden=[4], seed=1)
smoke.check("train: learns XOR with the defaults",
            [round(net.predict(x)[0]) for x, _ in XOR] == [0, 1, 1, 0] and
            net.learning_rate == 0.05, repr(history))
done = defaults.record(defaults.choose(XOR, hidden=[4]), history)
smoke.check("record: what was chosen and how it went",
            done["optimizer"] == "adam" and done["epochs"] == history.epochs and
            done["stop_reason"] == history.stop_reason and done["scaled"] is True, repr(done))

try:
    defaults.train(XOR, momentum=0.9)
    message = "no error"
except ArgumentError as error:
    message = str(error)
    spelled = error.text(CLI)
smoke.check("momentum without sgd: an ArgumentError naming it, before any work",
            message == "momentum: goes with optimizer='sgd' (the optimizer is adam, which keeps "
                       "its own running mean)", message)
smoke.check("the command line's spelling of it", spelled.startswith(
    "--momentum: goes with --optimizer sgd") or spelled == message, spelled)
try:
    defaults.check_choices(activation=["tanh", "relu"])
    message = "no error"
except ValueError as error:
    message = str(error)
smoke.check("one activation per hidden layer", message == "activation: expected one activation, "
            "or one per hidden layer (1), got 2", message)

smoke.done()
