"""Export a trained network as dependency-free source: one module per target.

``export(net, target, **options)`` (also ``net.export(target, **options)``)
returns the text of a standalone program that computes ``net.feed_forward``:

* ``"python"`` (:mod:`neuronsim.export.python`): a module that imports only
  ``math`` (CPython, PyPy, MicroPython), bit for bit ``feed_forward``;
* ``"c"`` (:mod:`neuronsim.export.c`): one C99 header, ``double``, ``float``
  or integer-only ``int16``, no malloc, with its exact memory and an optional
  self-test;
* ``"javascript"`` (:mod:`neuronsim.export.javascript`): an ES module or a
  plain script with ``predict(inputs)``.

Every target is a template plus the registries' tables: each activation in
:data:`neuronsim.activations.ACTIVATIONS` carries its source per target
language (``source[target]``, ``layer_source[target]`` for softmax), so an
activation is written once per language, next to its maths, and a test names
any (activation, target) pair that is missing.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 1, seed=1)
>>> print(export(net, "c", prefix="xor").split("\\n")[0])
/* xor.h: a trained neuronsim network, 2-2-1 (sigmoid/sigmoid), as C99 (double).
>>> export(net, "fortran")
Traceback (most recent call last):
  ...
ValueError: export target: unknown target 'fortran'; expected one of 'c', 'javascript', 'python'
"""

from .python import export_source, float_bits

TARGETS = ("c", "javascript", "python")


def target_module(target):
    """The module that writes ``target``."""
    if target == "python":
        from . import python as module
    elif target == "c":
        from . import c as module
    elif target == "javascript":
        from . import javascript as module
    else:
        raise ValueError("export target: unknown target %r; expected one of %s"
                         % (target, ", ".join(repr(t) for t in TARGETS)))
    return module


def export(net, target="python", **options):
    """The source text of ``net`` for ``target`` (see the module docstring);
    ``options`` are the target's own (``help(neuronsim.export.c.export)``)."""
    return target_module(target).export(net, **options)


__all__ = ["TARGETS", "export", "export_source", "float_bits", "target_module"]
