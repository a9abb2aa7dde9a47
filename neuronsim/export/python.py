"""Export a trained network as a standalone Python module that imports only ``math``.

``export_source(net)`` returns the text of a module with every weight and
bias inlined and a ``predict(inputs)`` function.  Copy that one file to a
device, a plugin or a bare interpreter (CPython, PyPy, MicroPython) and
``predict`` returns exactly, bit for bit, what ``net.feed_forward`` returns on
that interpreter.  Three things make that hold:

* **The numbers are exact.**  Each weight and bias is written as its IEEE-754
  bit pattern (16 hex digits) and rebuilt with integer arithmetic and
  ``math.ldexp``, which is exact everywhere.  A decimal literal is only as
  exact as the interpreter's float parser, and MicroPython's has not always
  rounded correctly (micropython/micropython#4132, #6024; 1.27 read all 9,006
  values we tried exactly, but promises nothing).  The decimal values are in
  comments for readers.
* **The sums are the same sums.**  A neuron's net input is
  ``net = dot(weights, inputs) + bias`` with the dot product neuronsim itself
  uses on that interpreter (``neuronsim/vector.py``): ``math.sumprod`` where it
  exists (CPython 3.12+, extended precision), else a plain left-to-right loop
  from 0.0 — which is what ``sum(map(mul, …))`` computes on CPython 3.8–3.11
  and what PyPy and MicroPython run.
* **The activations are the same code**: each activation's Python source from
  the registry in ``neuronsim/activations.py`` (the numerically stable
  sigmoid, ``math.tanh``, the ReLUs, softmax shifted by its largest net
  input), which a test checks against ``function`` bit for bit.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, hidden_layer_weights=[0.15, 0.2, 0.25, 0.3],
...                     hidden_layer_bias=0.35, output_layer_weights=[0.4, 0.45, 0.5, 0.55],
...                     output_layer_bias=0.6)
>>> namespace = {}
>>> exec(export_source(net), namespace)
>>> namespace["predict"]([0.05, 0.1]) == net.feed_forward([0.05, 0.1])
True
"""

from .. import __version__
from ..activations import ACTIVATIONS
from .outline import outline

_STRUCT_HEX = "%016x"


def float_bits(value):
    """The 64-bit IEEE-754 pattern of a float, as 16 hex digits.

    >>> float_bits(0.15), float_bits(-0.0), float_bits(5e-324)
    ('3fc3333333333333', '8000000000000000', '0000000000000001')
    """
    import struct

    return _STRUCT_HEX % struct.unpack("<Q", struct.pack("<d", value))[0]


# Pieces of the generated module.  Everything in them must run on MicroPython:
# no f-strings, no imports but math, no big integers (the 64-bit pattern is
# read as two 32-bit halves), float("inf") rather than math.inf.

_DECODE = '''
def _float(word):
    """One float from its 16-hex-digit IEEE-754 bit pattern, exactly."""
    high = int(word[:8], 16)
    low = int(word[8:], 16)
    exponent = (high >> 20) & 0x7FF
    mantissa = float(high & 0xFFFFF) * 4294967296.0 + float(low)   # < 2**52: exact
    if exponent == 0:                                               # zero or subnormal
        value = math.ldexp(mantissa, -1074)
    else:
        value = math.ldexp(mantissa + 4503599627370496.0, exponent - 1075)
    return -value if high >> 31 else value


def _neuron(weights, bias):
    return ([_float(word) for word in weights.split()], _float(bias))
'''

_DOT = '''
# The dot product neuronsim uses on this interpreter (neuronsim/vector.py).
try:
    _dot = math.sumprod                 # CPython 3.12+
except AttributeError:
    def _dot(a, b):                     # = sum(map(mul, a, b)) on CPython < 3.12
        total = 0.0
        for x, y in zip(a, b):
            total += x * y
        return total
'''



def activation_source(name):
    """The generated module's function ``_NAME(nets)`` for one activation, from
    the registry: the activation's own Python source (``code("python", …)``)
    in a loop, or its whole-layer source (``layer_source["python"]``)."""
    activation = ACTIVATIONS[name]
    function = "_" + name
    if not activation.elementwise:
        return "\n" + activation.layer_source["python"].format(name=function)
    body = activation.code("python", "net", "out")
    return ("\n\ndef %s(nets):\n"
            "    result = []\n"
            "    for net in nets:\n"
            "%s\n"
            "        result.append(out)\n"
            "    return result\n" % (function, _indent(body, 8)))


def _indent(text, spaces):
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))


_PREDICT = '''
def predict(inputs):
    """The network's outputs for one list of NUM_INPUTS numbers."""
    if isinstance(inputs, (str, bytes)) or len(inputs) != NUM_INPUTS:
        raise ValueError("inputs: expected %d numbers, got %r" % (NUM_INPUTS, inputs))
    values = []
    for index, value in enumerate(inputs):
        if isinstance(value, (str, bytes, bool)):
            raise TypeError("inputs[%d]: expected a number, got %r" % (index, value))
        value = float(value)
        if value - value != 0.0:
            raise ValueError("inputs[%d]: expected a finite number, got %r" % (index, value))
        values.append(value)
@BEFORE@    for activation, neurons in LAYERS:
        values = activation([_dot(weights, values) + bias for weights, bias in neurons])
@AFTER@    return values
'''


def scaling_source(document):
    """What a saved model's scaling and class labels add to the module.

    Returns ``(definitions, before, after)``: module-level source (the
    scaling's numbers as IEEE-754 bit patterns, and with class labels
    ``CLASSES`` and ``classify(inputs)``), and the lines ``predict`` runs on
    ``values`` before the first layer and after the last (each "" when there
    is nothing to do).  They are :class:`~neuronsim.scaling.Standardizer`'s
    own operations, ``(x − mean) / scale`` and ``y·scale + mean``, so predict
    stays bit for bit ``NeuralNetwork.predict``.
    """
    definitions, before, after = [], "", ""
    for key, name in (("input_scaling", "INPUT"), ("target_scaling", "TARGET")):
        scaling = document.get(key)
        if scaling is None:
            continue
        definitions.append("# %s: scaled = (raw - mean) / scale, column by column\n"
                           "#   mean %s\n#   scale %s\n"
                           "%s_MEAN = [_float(w) for w in \"%s\".split()]\n"
                           "%s_SCALE = [_float(w) for w in \"%s\".split()]\n"
                           % (key, _decimal_list(scaling["mean"]), _decimal_list(scaling["scale"]),
                              name, " ".join(float_bits(v) for v in scaling["mean"]),
                              name, " ".join(float_bits(v) for v in scaling["scale"])))
    if "input_scaling" in document:
        before = ("    values = [(x - m) / s for x, m, s in zip(values, INPUT_MEAN, "
                  "INPUT_SCALE)]\n")
    if "target_scaling" in document:
        after = ("    values = [y * s + m for y, m, s in zip(values, TARGET_MEAN, "
                 "TARGET_SCALE)]\n")
    if "classes" in document:
        definitions.append(
            "CLASSES = %r\n\n\n"
            "def classify(inputs):\n"
            "    \"\"\"The predicted class label: the largest output's (one output: "
            "CLASSES[1] when it is at least 0.5).\"\"\"\n"
            "    outputs = predict(inputs)\n"
            "    if len(outputs) == 1:\n"
            "        return CLASSES[1] if outputs[0] >= 0.5 else CLASSES[0]\n"
            "    best = 0\n"
            "    for index in range(1, len(outputs)):\n"
            "        if outputs[index] > outputs[best]:\n"
            "            best = index\n"
            "    return CLASSES[best]\n" % (tuple(document["classes"]),))
    return "\n".join(definitions), before, after


def _decimal_list(values):
    return ", ".join(repr(v) for v in values)


def export_source(net):
    """The text of a standalone module computing ``net.feed_forward`` (see above)."""
    document, layers, sizes, used = outline(net)
    architecture = "-".join(str(size) for size in sizes)
    activations = "/".join(layer["activation"] for layer in layers)

    out = []
    write = out.append
    write('"""A trained neuronsim network, %s (%s), as a standalone module.\n\n'
          % (architecture, activations))
    write("Generated by neuronsim %s.  It imports nothing but math and runs on CPython,\n"
          "PyPy and MicroPython (double-precision floats):\n\n"
          "    import %s\n"
          "    outputs = %s.predict([...%d numbers...])\n\n"
          "predict() returns exactly what NeuralNetwork.feed_forward returned for the\n"
          "same inputs on the same interpreter.  The network was trained with cost %r.\n"
          '"""\n\n' % (__version__, "model", "model", sizes[0], document["cost"]))
    write("import math\n\n")
    write("NUM_INPUTS = %d\nNUM_OUTPUTS = %d\nLAYER_SIZES = %r\n" % (sizes[0], sizes[-1], sizes))
    # The names the registry's Python sources use (math.tanh only where needed:
    # a MicroPython build may lack it).
    write("exp = math.exp\n%sINF = float(\"inf\")\n"
          % ("tanh = math.tanh\n" if "tanh" in used else ""))
    write(_DECODE)
    write(_DOT)
    for name in used:
        write(activation_source(name))
    write("\n\n# Each neuron: its weights (in input order) and its bias, as IEEE-754 bit\n"
          "# patterns; the decimal values are in the comment above each one.\n"
          "LAYERS = (\n")
    for index, layer in enumerate(layers):
        role = "output" if index == len(layers) - 1 else "hidden"
        write("    # layers[%d]: %s, %d neurons x %d inputs, %s\n"
              % (index, role, len(layer["neurons"]), sizes[index], layer["activation"]))
        write("    (_%s, [\n" % layer["activation"])
        for position, neuron in enumerate(layer["neurons"]):
            write("        # [%d] weights %s; bias %r\n"
                  % (position, _decimal_list(neuron["weights"]), neuron["bias"]))
            write('        _neuron("%s",\n                "%s"),\n'
                  % (" ".join(float_bits(w) for w in neuron["weights"]),
                     float_bits(neuron["bias"])))
        write("    ]),\n")
    write(")\n")
    definitions, before, after = scaling_source(document)
    if definitions:
        write("\n" + definitions)
    write(_PREDICT.replace("@BEFORE@", before).replace("@AFTER@", after))
    return "".join(out)


def export(net):
    """The ``"python"`` target of :func:`neuronsim.export.export`: :func:`export_source`."""
    return export_source(net)
