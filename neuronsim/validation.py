"""Checks at the door: every public entry point validates here, then trusts its data.

A bad value raises ``ValueError`` and a value of the wrong type raises
``TypeError``; each message names the argument, says what was expected and
shows what was given, e.g. ``inputs[1]: expected a finite number, got nan``.
Nothing is changed before the check passes, so a rejected call leaves the
network exactly as it was.

>>> check_vector([0.05, 0.1], "inputs", 2)
[0.05, 0.1]
>>> check_vector([0.05], "inputs", 2)
Traceback (most recent call last):
  ...
ValueError: inputs: expected 2 numbers, got 1
"""

import math

_NUMBER_TYPES = (int, float)
try:
    _UNORDERED = (set, frozenset)
except NameError:  # a MicroPython built without frozenset
    _UNORDERED = (set,)
_SIMPLE_TYPES = {int, float}
_FLOAT_ONLY = {float}
_SHORT = 8  # lists up to this length try the plain-loop fast path in check_vector


class ArgumentError(ValueError):
    """A bad value, in a message that names what to change the way the caller
    knows it: ``momentum`` in Python, ``--momentum`` on the command line.

    ``parts`` are text and ``(key, value…)`` tuples.  :meth:`text` spells a
    tuple from the table it is given, else from the class's ``names``, else
    as a Python keyword (``key``, or ``key=value``); ``str(error)`` is the
    Python spelling.  :class:`neuronsim.data.DataError` is one.

    >>> error = ArgumentError(("momentum",), ": goes with ", ("optimizer", "sgd"))
    >>> print(error)
    momentum: goes with optimizer='sgd'
    >>> print(error.text({"momentum": "--momentum",
    ...                   "optimizer": lambda name: "--optimizer " + name}))
    --momentum: goes with --optimizer sgd
    """

    #: How the parts are spelled for Python callers where ``key=value`` would not do.
    names = {}

    def __init__(self, *parts):
        super().__init__(self._spell(parts, None))
        try:
            self.parts = parts
        except AttributeError:  # a MicroPython build without exception attributes
            pass

    def text(self, names=None):
        """The message with the parts spelled from ``names`` (key → text, or a
        function of the tuple's values) where it has them."""
        parts = getattr(self, "parts", None)
        return str(self) if parts is None else self._spell(parts, names)

    def _spell(self, parts, names):
        out = []
        for part in parts:
            if isinstance(part, tuple):
                spelling = (names or {}).get(part[0], self.names.get(part[0]))
                if spelling is None:
                    spelling = part[0] + "".join("=%r" % (value,) for value in part[1:])
                elif callable(spelling):
                    spelling = spelling(*part[1:])
                part = spelling
            out.append(part)
        return "".join(out)


def describe(value):
    """A short, readable account of a value for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    kind = type(value).__name__
    if kind in ("int", "float"):
        return text
    return "%s (%s)" % (text, kind)


def _sized(value):
    """True if len(value) works (not hasattr(value, "__len__"): MicroPython's
    built-in types do not expose their special methods as attributes)."""
    try:
        len(value)
    except TypeError:
        return False
    return True


def _iterable(value):
    """True if iter(value) works (see _sized for why not hasattr)."""
    try:
        iter(value)
    except TypeError:
        return False
    return True


def _as_float(value, name):
    """One value → float, or TypeError/ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, _NUMBER_TYPES):
        # Accept other real-number types (Fraction, numpy scalars) but not
        # strings, bytes, bools or containers.
        if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
            raise TypeError("%s: expected a number, got %s" % (name, describe(value)))
        if hasattr(value, "imag") and value.imag:
            raise TypeError("%s: expected a real number, got %s" % (name, describe(value)))
    try:
        result = float(value)
    except OverflowError:
        raise ValueError("%s: expected a finite number, got %s" % (name, describe(value)))
    if not math.isfinite(result):
        raise ValueError("%s: expected a finite number, got %s" % (name, describe(value)))
    return result


def check_number(value, name, minimum=None, positive=False):
    """A finite number as float; optionally ``> 0`` or ``>= minimum``."""
    result = _as_float(value, name)
    if positive and not result > 0:
        raise ValueError("%s: expected a number > 0, got %s" % (name, describe(value)))
    if minimum is not None and result < minimum:
        raise ValueError("%s: expected a number >= %s, got %s" % (name, minimum, describe(value)))
    return result


def check_vector(values, name, length=None):
    """A sequence of finite numbers → a new list of floats.

    The common case (a list of plain floats and ints) is checked with C-speed
    builtins; only a failing list is walked item by item to find the culprit.
    A short list of finite floats (a tiny network's inputs) is waved through
    by a plain loop first: there the builtins' set-up costs more than the check.
    """
    if type(values) is list and 0 < len(values) and (length is None or len(values) == length):
        if len(values) <= _SHORT:
            for value in values:   # x - x is 0.0 for a finite float, nan for inf and nan
                if type(value) is not float or value - value != 0.0:
                    break
            else:
                return values[:]
        elif set(map(type, values)) == _FLOAT_ONLY:   # a network's inputs, usually
            total = sum(values)
            if total - total == 0.0:   # no inf or nan (and no overflow: else the slow path)
                return values[:]
    if isinstance(values, (str, bytes, dict)) or not _sized(values) or not _iterable(values):
        raise TypeError("%s: expected a list of numbers, got %s" % (name, describe(values)))
    if isinstance(values, _UNORDERED):
        raise TypeError("%s: expected a list of numbers, got %s: a set has no order"
                        % (name, describe(values)))
    if length is not None and len(values) != length:
        raise ValueError("%s: expected %d number%s, got %d"
                         % (name, length, "" if length == 1 else "s", len(values)))
    if len(values) == 0:
        raise ValueError("%s: expected at least one number, got an empty sequence" % name)
    if set(map(type, values)) <= _SIMPLE_TYPES:
        try:
            result = list(map(float, values))
        except OverflowError:  # an int beyond float range: the slow path names it
            result = None
        if result is not None:
            total = sum(result)
            if total - total == 0:  # no inf or nan anywhere (inf - inf and nan - nan are nan)
                return result
    return [_as_float(value, "%s[%d]" % (name, index)) for index, value in enumerate(values)]


def check_biases(bias, count, name):
    """A layer's biases: None (all 0), one number for all, or a list of ``count``."""
    if bias is None:
        return [0.0] * count
    if isinstance(bias, (list, tuple)):
        return check_vector(bias, name, count)
    if _iterable(bias) and not isinstance(bias, (str, bytes)):
        raise TypeError("%s: expected a number or a list of numbers, got %s"
                        % (name, describe(bias)))
    return [check_number(bias, name)] * count


def look_up(value, table, base, name, what):
    """``value`` if it is a ``base`` instance, else ``table[value]`` for a name:
    the one lookup behind get_activation, get_cost and get_optimizer.

    >>> look_up("b", {"a": 1, "b": 2}, float, "letter", "letter")
    2
    >>> look_up("c", {"a": 1, "b": 2}, float, "letter", "letter")
    Traceback (most recent call last):
      ...
    ValueError: letter: unknown letter 'c'; expected one of 'a', 'b'
    """
    if isinstance(value, base):
        return value
    if not isinstance(value, str):
        raise TypeError("%s: expected %s %s name or %s, got %s"
                        % (name, "an" if what[0] in "aeiou" else "a", what, base.__name__,
                           describe(value)))
    try:
        return table[value]
    except KeyError:
        raise ValueError("%s: unknown %s %r; expected one of %s"
                         % (name, what, value, ", ".join(repr(k) for k in sorted(table))))


def check_elementwise(activation, name):
    """An activation that works neuron by neuron (not softmax), or ValueError."""
    if not activation.elementwise:
        raise ValueError("%s: %r works on a whole layer at once, so only an output layer "
                         "can have it" % (name, activation.name))
    return activation


def _whole(value):
    """``value`` as a plain int if it is a whole-number type, else None.

    Any integer type counts, as for list indices (``__index__``: numpy's
    int64, uint8, …), so that numpy integers are accepted wherever numpy
    floats are; bools (numpy's too) and floats such as 3.0 do not.

    >>> _whole(3), _whole(True), _whole(3.0), _whole("3")
    (3, None, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    index = getattr(value, "__index__", None)
    if index is None:
        return None
    try:
        result = index()
    except (TypeError, ValueError):   # numpy.bool_ refuses to be an index
        return None
    return result if isinstance(result, int) and not isinstance(result, bool) else None


def check_positive_int(value, name):
    """A whole number >= 1 (layer sizes, epochs, batch sizes), returned as a plain int."""
    result = _whole(value)
    if result is None:
        raise TypeError("%s: expected a whole number >= 1, got %s" % (name, describe(value)))
    if result < 1:
        raise ValueError("%s: expected a whole number >= 1, got %s" % (name, describe(value)))
    return result


def check_seed(seed, name="seed"):
    """None or a whole number, returned as None or a plain int."""
    if seed is None:
        return None
    result = _whole(seed)
    if result is None:
        raise TypeError("%s: expected a whole number or None, got %s" % (name, describe(seed)))
    return result


def check_samples(samples, num_inputs, num_outputs, name="training_sets"):
    """A sequence of ``(inputs, targets)`` pairs → a list of (list, list) of floats."""
    if isinstance(samples, (str, bytes, dict)) or not _iterable(samples):
        raise TypeError("%s: expected a list of (inputs, targets) pairs, got %s"
                        % (name, describe(samples)))
    if isinstance(samples, _UNORDERED):
        raise TypeError("%s: expected a list of (inputs, targets) pairs, got %s: a set has "
                        "no order" % (name, describe(samples)))
    checked = []
    for index, sample in enumerate(samples):
        where = "%s[%d]" % (name, index)
        if isinstance(sample, (str, bytes, dict)) or not _sized(sample):
            raise TypeError("%s: expected an (inputs, targets) pair, got %s" % (where, describe(sample)))
        if len(sample) != 2:
            raise ValueError("%s: expected an (inputs, targets) pair, got %d items"
                             % (where, len(sample)))
        inputs, targets = sample
        checked.append((check_vector(inputs, where + ".inputs", num_inputs),
                        check_vector(targets, where + ".targets", num_outputs)))
    if not checked:
        raise ValueError("%s: expected at least one (inputs, targets) pair, got none" % name)
    return checked
