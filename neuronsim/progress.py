"""Training, reported on a text stream: what ``neuronsim train`` shows on stderr, for any fit.

:class:`Progress` writes messages and a progress line for
:meth:`NeuralNetwork.fit` (its ``callback``); :func:`summary` says in one line
how a fit went.  Off a terminal, the progress line is written for the first
and the last epoch and every tenth of the epochs between:

>>> import io
>>> from neuronsim import NeuralNetwork
>>> xor = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
>>> net = NeuralNetwork(2, 4, 1, seed=1)
>>> progress = Progress(io.StringIO(), prefix="xor: ")
>>> history = net.fit(xor, epochs=300, learning_rate=2.0, seed=1,
...                   callback=progress.callback(300))
>>> print(progress.stream.getvalue(), end="")  # doctest: +ELLIPSIS
xor: epoch   1/300  error 0.167...s
xor: epoch  30/300  error 0.154...s
...
xor: epoch 300/300  error 0.0097...s
>>> print(summary(history))  # doctest: +ELLIPSIS
trained 300 epochs in ...s (stopped by epochs), error 0.0097...

On a terminal the line is rewritten in place instead, at most ten times a
second.  A stream that fails (a closed pipe: ``neuronsim train … 2>&1 |
head -1``) is silenced for good, and the work goes on.

This module uses ``time`` and ``warnings``: CPython and PyPy.
"""

import contextlib
import time
import warnings

from .training import TrainingWarning


class Progress:
    """Messages and a progress line on ``stream`` (stderr, say), each
    starting with ``prefix``."""

    def __init__(self, stream, prefix=""):
        self.stream, self.prefix = stream, prefix
        self.broken, self.shown, self.last = False, 0, 0.0
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.pending = None

    def write(self, text):
        """Write ``text`` as it is (nothing once the stream has failed), after
        a line :meth:`announce` left pending."""
        pending, self.pending = self.pending, None
        try:
            if not self.broken:
                if pending is not None:
                    self.stream.write("%s%s\n" % (self.prefix, pending))
                self.stream.write(text)
                self.stream.flush()
        except (OSError, ValueError):
            self.broken = True

    def announce(self, message):
        """A line said just before whatever is written next (the work has
        begun); if :meth:`error` comes first, it is dropped: the error stands
        alone, one line."""
        self.pending = message

    def error(self, message):
        """``error: message``, one line; a line :meth:`announce` left pending is dropped."""
        self.pending = None
        self.say("error: %s" % message)

    def say(self, message):
        """One line, ``prefix`` and ``message``, below any progress line."""
        self.end_line()
        self.write("%s%s\n" % (self.prefix, message))

    def callback(self, epochs):
        """A callback for fit with ``epochs`` epochs that shows
        ``epoch  12/300  error 0.0123  0.4s`` (never stops it)."""
        def callback(epoch, history):
            text = "%sepoch %*d/%d  error %.6g  %.1fs" % (
                self.prefix, len(str(epochs)), epoch, epochs, history.training_error[-1],
                history.seconds)
            if self.tty and (time.time() - self.last >= 0.1 or epoch in (1, epochs)):
                self.write("\r" + text.ljust(self.shown))  # cover a longer last line
                self.last, self.shown = time.time(), len(text)
            elif not self.tty and (epoch in (1, epochs) or epoch % max(1, epochs // 10) == 0):
                self.write(text + "\n")
            return False
        return callback

    def end_line(self):
        """End a progress line rewritten in place, if one is showing."""
        if self.shown:
            self.write("\n")
            self.shown = 0

    @contextlib.contextmanager
    def showing_warnings(self, category=None):
        """In the ``with`` block, each warning of ``category`` (None: fit's,
        :class:`~neuronsim.training.TrainingWarning`) is one line,
        ``warning: …``, every time it is given."""
        def show(message, category, *rest):
            self.say("warning: %s" % (message,))
        with warnings.catch_warnings():
            warnings.simplefilter("always", TrainingWarning if category is None else category)
            warnings.showwarning = show
            yield self


def summary(history):
    """How a fit went, in one line: epochs, time, why it stopped, the last
    training error, and with validation the best epoch."""
    best = ""
    if history.validation_error:
        best = "; best epoch %d, validation error %.6g%s" % (
            history.best_epoch, history.best_error,
            ", accuracy %.3f" % history.validation_accuracy[history.best_epoch - 1]
            if history.validation_accuracy else "")
    return "trained %d epoch%s in %.1fs (stopped by %s), error %.6g%s" % (
        history.epochs, "" if history.epochs == 1 else "s", history.seconds,
        history.stop_reason, history.training_error[-1], best)
