"""Scaling that travels with the model: a :class:`Standardizer` per side.

A network can hold an *input scaling* and a *target scaling*.  Every
consumer applies them, so you always speak in your own units:

* inputs go in raw: ``feed_forward``, ``predict``, ``evaluate``, ``train``,
  ``fit``, ``explain`` and ``to_svg`` first compute each input's
  ``(x − mean) / scale``, and the first layer sees that;
* targets go in raw too: with a target scaling (regression with a linear
  output) they are scaled the same way before the cost sees them, and the
  outputs of ``feed_forward``/``predict`` come back as ``y·scale + mean``.
  Errors (``train``'s result, ``evaluate``'s ``"error"``, a History) are
  measured on the scaled targets, which is what the network learns;
* ``save``/``load`` keep them (format version 3) and the exported module
  applies them with the same floating-point operations, so it predicts bit
  for bit what ``predict`` does.

``fit(..., scale_inputs=True)`` (and ``scale_targets=True``) learns them
from the training data the first time; you can also build one yourself:

>>> scaling = Standardizer.from_rows([[0.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
>>> scaling.mean, [round(s, 6) for s in scaling.scale]   # a constant column keeps scale 1
((2.0, 10.0), [1.632993, 1.0])
>>> scaling.transform([4.0, 10.0])[1]
0.0
>>> scaling.inverse(scaling.transform([3.0, 7.0])) == [3.0, 7.0]
True

This module runs on MicroPython too (no f-strings, no ``math.fsum``).
"""

import math

from .validation import check_vector, describe


class Standardizer:
    """Per-column affine scaling: ``scaled = (raw − mean) / scale``.

    ``mean`` and ``scale`` are tuples of finite floats (every scale > 0),
    fixed at construction: a Standardizer never changes, so a network that
    holds one computes the same thing until you assign another.
    """

    def __init__(self, mean, scale):
        mean = check_vector(mean, "mean")
        scale = check_vector(scale, "scale", len(mean))
        if not mean:
            raise ValueError("mean: expected at least one number, got []")
        for index, value in enumerate(scale):
            if not value > 0.0:
                raise ValueError("scale[%d]: expected a number > 0, got %r" % (index, value))
        self._mean = tuple(mean)
        self._scale = tuple(scale)

    @classmethod
    def from_rows(cls, rows):
        """Learn each column's mean and (population) standard deviation.

        A constant column, or one whose spread is lost in rounding, gets
        scale 1.0, so it is only shifted (to 0 on the data it was learned from).
        """
        if isinstance(rows, (str, bytes)) or not rows:
            raise ValueError("rows: expected at least one row of numbers, got %s"
                             % describe(rows))
        rows = [check_vector(row, "rows[%d]" % index, len(rows[0]) if index else None)
                for index, row in enumerate(rows)]
        count = len(rows)
        width = len(rows[0])
        means, scales = [], []
        for column in range(width):
            total = 0.0
            for row in rows:
                total += row[column]
            mean = total / count
            spread = 0.0
            for row in rows:
                difference = row[column] - mean
                spread += difference * difference
            deviation = math.sqrt(spread / count)
            # Rounding leaves a constant column a tiny spread: treat it as none.
            if not deviation > 1e-12 * max(1.0, abs(mean)) or deviation - deviation != 0.0:
                deviation = 1.0
            means.append(mean)
            scales.append(deviation)
        return cls(means, scales)

    @property
    def mean(self):
        return self._mean

    @property
    def scale(self):
        return self._scale

    def __len__(self):
        return len(self._mean)

    def transform(self, values):
        """Raw values → scaled: ``(x − mean) / scale``, a new list."""
        return [(x - m) / s for x, m, s in zip(values, self._mean, self._scale)]

    def inverse(self, values):
        """Scaled values → raw: ``y·scale + mean``, a new list."""
        return [y * s + m for y, m, s in zip(values, self._mean, self._scale)]

    def to_dict(self):
        return {"mean": list(self._mean), "scale": list(self._scale)}

    @classmethod
    def from_dict(cls, document):
        if not isinstance(document, dict) or sorted(document) != ["mean", "scale"]:
            raise ValueError("expected {\"mean\": [...], \"scale\": [...]}, got %s"
                             % describe(document))
        return cls(document["mean"], document["scale"])

    def __eq__(self, other):
        return isinstance(other, Standardizer) and self._mean == other._mean and \
            self._scale == other._scale

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self._mean, self._scale))

    def __repr__(self):
        return "<Standardizer of %d column%s>" % (len(self._mean),
                                                   "" if len(self._mean) == 1 else "s")


def check_scaling(value, width, name):
    """None or a Standardizer of ``width`` columns (an assignment's check)."""
    if value is None:
        return None
    if not isinstance(value, Standardizer):
        raise TypeError("%s: expected a Standardizer or None, got %s" % (name, describe(value)))
    if len(value) != width:
        raise ValueError("%s: expected a Standardizer of %d columns, got %d"
                         % (name, width, len(value)))
    return value


def check_classes(value, num_outputs, name="classes"):
    """None, or a tuple of distinct labels (str, int or float), one per output
    (two for a single output: the labels of 0 and of 1)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, (list, tuple)):
        raise TypeError("%s: expected a list of class labels or None, got %s"
                        % (name, describe(value)))
    wanted = 2 if num_outputs == 1 else num_outputs
    if len(value) != wanted:
        raise ValueError("%s: expected %d labels (%s), got %d" % (
            name, wanted, "the labels of output 0 and 1" if num_outputs == 1
            else "one per output", len(value)))
    labels = []
    for index, label in enumerate(value):
        if isinstance(label, bool) or not isinstance(label, (str, int, float)):
            raise TypeError("%s[%d]: expected a string or a number, got %s"
                            % (name, index, describe(label)))
        if isinstance(label, float) and label - label != 0.0:
            raise ValueError("%s[%d]: expected a finite number, got %r" % (name, index, label))
        if label in labels:
            raise ValueError("%s[%d]: %r appears twice" % (name, index, label))
        labels.append(label)
    return tuple(labels)


def one_hot(labels, classes=None):
    """``(classes, targets)`` for a list of class labels: one-hot target vectors.

    ``classes`` fixes the order (and lets integer labels be classes); by
    default it is the sorted distinct labels.  Two classes still get two
    outputs (softmax); use ``[[float(label == positive)] for …]`` for one
    sigmoid output.

    >>> one_hot(["b", "a", "b"])
    (('a', 'b'), [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    """
    if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple)) or not labels:
        raise ValueError("labels: expected a non-empty list of labels, got %s"
                         % describe(labels))
    if classes is None:
        distinct = []
        for label in labels:
            if label not in distinct:
                distinct.append(label)
        try:
            distinct = sorted(distinct)
        except TypeError:
            raise TypeError("labels: mix strings and numbers only with classes= giving "
                            "their order")
        classes = distinct
    classes = check_classes(classes, max(len(classes), 2))
    position = {}
    for index, label in enumerate(classes):
        position[label] = index
    targets = []
    for index, label in enumerate(labels):
        if label not in position:
            raise ValueError("labels[%d]: %r is not one of the classes %r"
                             % (index, label, list(classes)))
        row = [0.0] * len(classes)
        row[position[label]] = 1.0
        targets.append(row)
    return classes, targets
