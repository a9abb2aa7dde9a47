"""neuronsim.progress from Python: the progress line, messages and warnings on a stream."""

import io
import warnings

import pytest

from neuronsim import NeuralNetwork, TrainingWarning
from neuronsim import progress as progress_module
from neuronsim.progress import Progress, summary
from neuronsim.training import History

XOR = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def history_of(epoch, error=0.5, seconds=0.25):
    history = History(1)
    history.epochs, history.seconds = epoch, seconds
    history.training_error = [error] * epoch
    return history


def test_off_a_terminal_every_tenth_of_the_epochs_and_the_first_and_last():
    shown = Progress(io.StringIO(), "p: ")
    callback = shown.callback(25)
    assert not any(callback(epoch, history_of(epoch)) for epoch in range(1, 26))
    lines = shown.stream.getvalue().splitlines()
    assert [int(line.split()[2].split("/")[0]) for line in lines] == [1, 2, 4, 6, 8, 10, 12, 14,
                                                                        16, 18, 20, 22, 24, 25]
    assert lines[0] == "p: epoch  1/25  error 0.5  0.2s"
    shown.end_line()   # nothing to end
    assert shown.stream.getvalue().count("\n") == len(lines)


def test_on_a_terminal_the_line_is_rewritten_at_most_ten_times_a_second(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "time", lambda: clock[0])
    shown = Progress(Terminal(), "p: ")
    callback = shown.callback(1000)
    for epoch in range(1, 1001):
        clock[0] += 0.001   # a thousand epochs a second
        callback(epoch, history_of(epoch, error=1.0 / epoch))
    text = shown.stream.getvalue()
    assert "\n" not in text and 10 <= text.count("\r") <= 13   # 1 s: ten, the first and last
    assert text.rsplit("\r", 1)[1].rstrip() == "p: epoch 1000/1000  error 0.001  0.2s"
    shown.say("done")
    assert shown.stream.getvalue().endswith("0.2s     \np: done\n")   # covers a longer line


def test_a_longer_line_is_covered_when_a_shorter_one_replaces_it():
    shown = Progress(Terminal())
    callback = shown.callback(2)
    callback(1, history_of(1, error=0.123456))
    callback(2, history_of(2, error=0.5))
    first, second = shown.stream.getvalue().split("\r")[1:]
    assert len(second) == len(first) and second.rstrip() == "epoch 2/2  error 0.5  0.2s"


def test_a_stream_that_fails_is_silenced_and_the_work_goes_on():
    class Closed(io.StringIO):
        writes = 0

        def write(self, text):
            Closed.writes += 1
            raise BrokenPipeError(32, "Broken pipe")

    shown = Progress(Closed())
    net = NeuralNetwork(2, 3, 1, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingWarning)   # 20 epochs learn nothing
        history = net.fit(XOR, epochs=20, callback=shown.callback(20), seed=1)
    shown.say("trained")
    assert history.epochs == 20 and shown.broken and Closed.writes == 1


def test_warnings_are_one_line_each_below_the_progress_line_and_only_inside():
    shown = Progress(Terminal(), "p: ")
    with shown.showing_warnings():
        shown.callback(3)(1, history_of(1))
        warnings.warn("the targets are out of reach", TrainingWarning)
        warnings.warn("the targets are out of reach", TrainingWarning)   # every time
    assert shown.stream.getvalue().split("\r", 2)[1].split("\n")[1:] == [
        "p: warning: the targets are out of reach", "p: warning: the targets are out of reach",
        ""]
    with pytest.warns(TrainingWarning):
        warnings.warn("outside", TrainingWarning)
    assert "outside" not in shown.stream.getvalue()


def test_the_summary_line_says_how_fit_went():
    net = NeuralNetwork.from_layers(2, [(4, "tanh"), (1, "sigmoid")], cost="cross_entropy",
                                    seed=1)
    history = net.fit(XOR * 3, epochs=5, optimizer="adam", learning_rate=0.05,
                      validation_split=0.5, seed=1)
    line = summary(history)
    assert line.startswith("trained 5 epochs in ") and "(stopped by epochs), error " in line
    assert "; best epoch %d, validation error " % history.best_epoch in line
    assert line.endswith(", accuracy %.3f" % history.validation_accuracy[history.best_epoch - 1])
    assert summary(history_of(1)) == "trained 1 epoch in 0.2s (stopped by None), error 0.5"


def test_an_announced_line_comes_before_the_work_and_never_before_an_error_alone():
    stream = io.StringIO()
    progress = Progress(stream, "p: ")
    progress.announce("read 4 rows")
    assert stream.getvalue() == ""
    progress.callback(2)(1, history_of(1))
    progress.error("diverged")
    assert stream.getvalue().splitlines() == [
        "p: read 4 rows", "p: epoch 1/2  error 0.5  0.2s", "p: error: diverged"]
    refused = io.StringIO()
    progress = Progress(refused, "p: ")
    progress.announce("read 4 rows")
    progress.error("--validation-split: leaves no training sample")
    assert refused.getvalue() == "p: error: --validation-split: leaves no training sample\n"
