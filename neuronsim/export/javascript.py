"""Export a trained network as dependency-free JavaScript: an ES module or a plain script.

``export(net, form="module", name="model")`` returns the text of a file with
``predict(inputs)`` (an array of numbers in, an array of numbers out):

* ``form="module"``: an ES module (``model.mjs``): ``import { predict } from "./model.mjs"``;
* ``form="script"``: a plain script for a ``<script>`` tag or ``require``: it
  defines ``globalThis[name] = { predict, NUM_INPUTS, NUM_OUTPUTS }`` and, under
  CommonJS, ``module.exports`` the same.

JavaScript numbers are IEEE-754 doubles and the language forbids contracting
``a * b + c`` into a fused multiply-add, so the net inputs are the same sums as
``feed_forward``'s where neuronsim sums in order (CPython <= 3.11, PyPy): from
0, product by product, then the bias.  Weights are written with Python's
``repr`` (the shortest round-tripping decimal), which JavaScript reads exactly.
The activations are the registry's ``"javascript"`` sources, the same steps
as the Python ones.  What can differ is ``Math.exp`` and ``Math.tanh``: the
language does not say how they round, and V8's (a port of fdlibm) is not
glibc's; the tests measure the difference on random networks of every
activation and hold it under :data:`TOLERANCE` (relative to 1 + |output|).
"""

import math

from .. import __version__
from ..activations import ACTIVATIONS
from .outline import outline
from .c import is_identifier

FORMS = ("module", "script")

#: |predict − feed_forward| <= TOLERANCE·(1 + |feed_forward|).  Measured under
#: Node 20 (V8) against CPython 3.11 on glibc: 119 of 3,680 outputs of 30 networks
#: differ, by at most 1.5e-16 (an ulp); what remains is Math.exp/Math.tanh's
#: last-bit rounding carried through the layers.
TOLERANCE = 1e-14


def _number(value):
    if value != value or value in (math.inf, -math.inf):
        raise ValueError("JavaScript export: cannot write %r as a literal" % value)
    return repr(float(value))


def activation_source(name):
    """The function ``act_NAME(nets)`` for one activation, from the registry."""
    activation = ACTIVATIONS[name]
    function = "act_" + name
    if not activation.elementwise:
        return activation.layer_source["javascript"].format(name=function)
    body = activation.code("javascript", "net", "out", number=_number)
    return ("\nfunction %s(nets) {\n"
            "  const result = new Array(nets.length);\n"
            "  for (let k = 0; k < nets.length; k++) {\n"
            "    const net = nets[k];\n"
            "    let out;\n"
            "%s\n"
            "    result[k] = out;\n"
            "  }\n"
            "  return result;\n"
            "}\n" % (function, _indent(body, 4)))


def scaling_source(document):
    """(definitions, before, after) for a saved model's scaling: the means and
    scales as constants, and the statements run on ``values`` before the first
    layer, (x − mean) / scale, and after the last, y·scale + mean — the
    Standardizer's own operations, so the results are the same doubles."""
    definitions, before, after = "", "", ""
    for key, name in (("input_scaling", "INPUT"), ("target_scaling", "TARGET")):
        scaling = document.get(key)
        if scaling is None:
            continue
        definitions += ("// %s: scaled = (raw - mean) / scale, column by column\n"
                        "const %s_MEAN = [%s];\nconst %s_SCALE = [%s];\n"
                        % (key, name, ", ".join(_number(v) for v in scaling["mean"]),
                           name, ", ".join(_number(v) for v in scaling["scale"])))
    if document.get("input_scaling") is not None:
        before = ("for (let i = 0; i < NUM_INPUTS; i++) "
                  "values[i] = (values[i] - INPUT_MEAN[i]) / INPUT_SCALE[i];")
    if document.get("target_scaling") is not None:
        after = ("for (let k = 0; k < NUM_OUTPUTS; k++) "
                 "values[k] = values[k] * TARGET_SCALE[k] + TARGET_MEAN[k];")
    return definitions, before, after


_PREDICT = """
/** The network's outputs for one array of NUM_INPUTS finite numbers. */
function predict(inputs) {
  if (!inputs || typeof inputs.length !== "number" || typeof inputs === "string"
      || inputs.length !== NUM_INPUTS) {
    throw new RangeError("inputs: expected " + NUM_INPUTS + " numbers, got " + String(inputs));
  }
  let values = new Array(NUM_INPUTS);
  for (let i = 0; i < NUM_INPUTS; i++) {
    const value = inputs[i];
    if (typeof value !== "number") {
      throw new TypeError("inputs[" + i + "]: expected a number, got " + String(value));
    }
    if (!Number.isFinite(value)) {
      throw new RangeError("inputs[" + i + "]: expected a finite number, got " + value);
    }
    values[i] = value;
  }
@BEFORE@  for (const [activation, weights, biases] of LAYERS) {
    const nets = new Array(weights.length);
    for (let k = 0; k < weights.length; k++) {
      const row = weights[k];
      let net = 0;
      for (let i = 0; i < row.length; i++) net += row[i] * values[i];
      nets[k] = net + biases[k];
    }
    values = activation(nets);
  }
@AFTER@  return values;
}
"""


def export(net, form="module", name="model"):
    """The text of a JavaScript file whose ``predict`` is ``net.feed_forward``
    (module docstring).  ``form``: "module" (ES module) or "script"; ``name``:
    the global a script defines."""
    if form not in FORMS:
        raise ValueError("JavaScript export: unknown form %r; expected one of %s"
                         % (form, ", ".join(repr(f) for f in FORMS)))
    if not is_identifier(name, "_$"):
        raise ValueError("JavaScript export: name must be an identifier, got %r" % (name,))
    document, layers, sizes, used = outline(net)
    architecture = "-".join(str(size) for size in sizes)
    out = []
    write = out.append
    write("// A trained neuronsim network, %s (%s), as %s.\n"
          % (architecture, "/".join(layer["activation"] for layer in layers),
             "an ES module" if form == "module" else "a plain script"))
    write("// Generated by neuronsim %s; no dependencies.\n" % __version__)
    if form == "module":
        write('//   import { predict } from "./%s.mjs";\n' % name)
    else:
        write("//   <script src=\"%s.js\"></script> then %s.predict([...]),\n"
              "//   or const { predict } = require(\"./%s.js\");\n" % (name, name, name))
    write("//   predict([...%d numbers...]) -> [%d numbers]\n" % (sizes[0], sizes[-1]))
    write("// The same sums as NeuralNetwork.feed_forward; Math.exp and Math.tanh may round\n"
          "// their last bit differently from the C library (within %g relative).\n" % TOLERANCE)
    if form == "script":
        write("(function (root) {\n")
    write('"use strict";\n\n')
    write("const NUM_INPUTS = %d;\nconst NUM_OUTPUTS = %d;\n" % (sizes[0], sizes[-1]))
    for activation in used:
        write(activation_source(activation))
    write("\n// Each layer: [activation, weights (one row per neuron, in input order), biases].\n"
          "const LAYERS = [\n")
    for index, layer in enumerate(layers):
        role = "output" if index == len(layers) - 1 else "hidden"
        write("  // layers[%d]: %s, %d neurons x %d inputs, %s\n"
              % (index, role, len(layer["neurons"]), sizes[index], layer["activation"]))
        write("  [act_%s, [\n" % layer["activation"])
        for neuron in layer["neurons"]:
            write("    [%s],\n" % ", ".join(_number(w) for w in neuron["weights"]))
        write("  ], [%s]],\n" % ", ".join(_number(n["bias"]) for n in layer["neurons"]))
    write("];\n")
    definitions, before, after = scaling_source(document)
    if definitions:
        write("\n" + definitions)
    write(_PREDICT.replace("@BEFORE@", "  " + before + "\n" if before else "")
          .replace("@AFTER@", "  " + after + "\n" if after else ""))
    if form == "module":
        write("\nexport { predict, NUM_INPUTS, NUM_OUTPUTS };\n")
    else:
        write("\nconst api = { predict, NUM_INPUTS, NUM_OUTPUTS };\n"
              "root[%r] = api;\n"
              "if (typeof module !== \"undefined\" && module.exports) module.exports = api;\n"
              "})(typeof globalThis !== \"undefined\" ? globalThis : this);\n" % name)
    return "".join(out)


def _indent(text, spaces):
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))
