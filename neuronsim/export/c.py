"""Export a trained network as one self-contained C99 header.

``export(net, type="double", prefix="model", selftest=0, data=None)`` returns
the text of ``PREFIX.h``::

    #include "model.h"
    double outputs[MODEL_NUM_OUTPUTS];
    if (model_predict(inputs, outputs) != 0) { /* an input was NaN or infinite */ }

Static const weights, static buffers sized to what the layers need (two
ping-pong buffers for the hidden layers, the widest of each parity), no
malloc, no recursion, no global written outside the call; every name starts
with ``prefix`` so two models live in one program.  The header comment and
:func:`build`'s report give the memory it needs, exactly: flash for weights,
biases and tables (``sizeof`` of the ``static const`` arrays, which
``arm-none-eabi-size -A`` shows section by section in the tests) and RAM for
the static buffers; the call's stack holds scalars only.

Three number types:

``double``
    The same operations as ``feed_forward``, in the same order: each net input
    is summed from 0.0, product by product, then the bias is added (products
    are separate statements so that no compiler contracts them into a fused
    multiply-add); the activations are the registry's own ``"c"`` sources, the
    same steps as the Python ones.  Weights are written with ``repr``, the
    shortest decimal that round-trips, which C compilers read correctly
    rounded.  So ``predict`` equals ``feed_forward`` bit for bit with the same
    libm wherever neuronsim sums dot products in order (CPython <= 3.11, PyPy);
    CPython 3.12+ sums with ``math.sumprod`` and a compensated ``sum``, which
    round differently in the last bits (tests state the bound).
``float``
    The same code on ``float`` with ``expf``/``tanhf`` and ``f`` literals; each
    weight is first rounded to float32 and written with 9 significant digits,
    which read back to exactly that float32.  Given ``data``, the export
    emulates float32 arithmetic in Python on it and writes the worst
    difference from ``feed_forward`` in the header comment.
``int16``
    Integer-only: no FPU, no libm, no float anywhere.  Inputs, weights and
    layer outputs are ``int16_t`` fixed point (Q formats chosen per layer, see
    :func:`_int16_plan`), sums ``int32_t``, biases ``int32_t`` in the sum's
    format.  Each layer's weight format is the finest for which no sum can
    overflow for *any* int16 inputs (Σ|W|·32767 + |B| < 2^30), so there is no
    overflow to test for.  Sigmoid is a 129-entry table of σ on [0, 8]
    interpolated linearly (error < 1e-4), tanh is 2σ(2x) − 1 on the same
    table, softmax is e^−d = 2^(−d·log2 e) with a 33-entry table of 2^−f and
    a shift.  The arithmetic is exactly emulated here in Python, so the
    export prints the worst output error and the class agreement with
    ``feed_forward`` on ``data`` (needed to choose the input and ReLU/linear
    output formats), and the header's outputs are the same on every C
    compiler and processor (arithmetic right shifts assumed, as gcc, clang,
    armcc and IAR do).

How the activations are written (the key scheme).  Each activation class in
``neuronsim/activations.py`` has ``source["c"]`` (and softmax
``layer_source["c"]``), written once for both floating types with
placeholders this module fills per type: ``{T}`` the type, ``{exp}`` and
``{tanh}`` the libm functions (``exp``/``expf``), ``{zero}``/``{one}`` the
literals (``0.0``/``0.0f``: no implicit double promotion in float code) and
``{huge}`` +infinity (``HUGE_VAL``/``HUGE_VALF``).  Integer-only versions
cannot be a template over the same text (they need tables, shifts and
formats that the exporter chooses), so they live here, in
:data:`INTEGER_ACTIVATIONS`: per activation, its C function, its Python twin
(for the exact emulation) and its table data.  A test names any activation
that lacks one of them.

An optional golden self-test (``selftest=N``): N inputs and the outputs
neuronsim computed for them, and ``int PREFIX_selftest(void)`` that returns
how many outputs are outside the stated tolerance (0 on a correct build),
for firmware to check itself at boot.
"""

import math
import struct

from .. import __version__
from ..activations import ACTIVATIONS
from ..saving import to_dict

TYPES = ("double", "float", "int16")

_FLOATING_NAMES = {
    "double": {"T": "double", "exp": "exp", "tanh": "tanh", "zero": "0.0", "one": "1.0",
               "huge": "HUGE_VAL", "abs": "fabs"},
    "float": {"T": "float", "exp": "expf", "tanh": "tanhf", "zero": "0.0f", "one": "1.0f",
              "huge": "HUGE_VALF", "abs": "fabsf"},
}
_SIZEOF = {"double": 8, "float": 4, "int16": 2}
_C_TYPE = {"double": "double", "float": "float", "int16": "int16_t"}

#: The self-test's tolerance for double: |y − expected| <= TOL·(1 + |expected|).
#: 0 differences are expected with the same libm; another libm's exp or tanh may
#: differ by an ulp, which moves an output by far less than this.
DOUBLE_SELFTEST_TOLERANCE = 1e-12


# -- numbers --------------------------------------------------------------------------

def to_float32(value):
    """``value`` rounded to the nearest float32 (±inf past its range), as C's
    ``(float)value`` rounds it; struct, not ctypes, so that MicroPython (the
    playground) can export too."""
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:   # rounds past FLT_MAX
        return math.copysign(math.inf, value)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def is_identifier(text, extra="_"):
    """True if ``text`` is an ASCII identifier: a letter or one of ``extra``
    first, then letters, digits and ``extra`` (no str.isalnum: MicroPython)."""
    return isinstance(text, str) and bool(text) and (text[0] in _LETTERS or text[0] in extra) \
        and all(c in _LETTERS or c in "0123456789" or c in extra for c in text)


def double_literal(value):
    """A C double literal that reads back to exactly ``value``.

    >>> double_literal(0.1), double_literal(-0.0), double_literal(5e-324), double_literal(2.0)
    ('0.1', '-0.0', '5e-324', '2.0')
    """
    if value != value or value in (math.inf, -math.inf):
        raise ValueError("C export: cannot write %r as a C literal" % value)
    return repr(float(value))


def float_literal(value):
    """A C float literal (9 significant digits) that reads back to ``value``
    rounded to float32.

    >>> float_literal(0.1), float_literal(1.0), float_literal(1e-5)
    ('0.100000001f', '1.0f', '9.99999975e-06f')
    """
    single = to_float32(value)
    if single != single or single in (math.inf, -math.inf):
        raise ValueError("C export --type float: %r does not fit in a float" % value)
    text = "%.9g" % single
    if "." not in text and "e" not in text:
        text += ".0"
    return text + "f"


# -- the network as plain data ----------------------------------------------------------

def _layers(document):
    """[(activation name, [(weights, bias), …]), …] from a saving.to_dict document."""
    return [(layer["activation"],
             [(list(neuron["weights"]), neuron["bias"]) for neuron in layer["neurons"]])
            for layer in document["layers"]]


def _forward_all(layers, inputs):
    """Every layer's outputs, in double, as feed_forward computes them in order."""
    values = list(inputs)
    result = []
    for name, neurons in layers:
        nets = []
        for weights, bias in neurons:
            total = 0.0
            for w, x in zip(weights, values):
                total += w * x
            nets.append(total + bias)
        values = ACTIVATIONS[name].outputs(nets)
        result.append(values)
    return result


def _classes(outputs, activation):
    """The class an output vector picks, or None where it names no class."""
    if len(outputs) > 1:
        return outputs.index(max(outputs))
    if activation == "sigmoid":
        return int(outputs[0] >= 0.5)
    if activation == "tanh":
        return int(outputs[0] >= 0.0)
    return None


# -- float32 emulation --------------------------------------------------------------------

def _float32_predict(layers, inputs):
    """What the ``float`` header computes, emulated: each operation in double,
    then rounded to float32 (exact for +, −, ×, /; exp and tanh correctly
    rounded, which a libm's expf/tanhf may miss by an ulp)."""
    f = to_float32
    values = [f(x) for x in inputs]
    for name, neurons in layers:
        nets = []
        for weights, bias in neurons:
            total = 0.0
            for w, x in zip(weights, values):
                total = f(total + f(f(w) * x))
            nets.append(f(total + f(bias)))
        values = _float32_activation(name, nets)
    return values


def _float32_activation(name, nets):
    f = to_float32
    if name == "sigmoid":
        result = []
        for net in nets:
            if net >= 0.0:
                result.append(f(1.0 / f(1.0 + f(math.exp(-net)))))
            else:
                e = f(math.exp(net))
                result.append(f(e / f(1.0 + e)))
        return result
    if name == "tanh":
        return [f(math.tanh(net)) for net in nets]
    if name == "relu":
        return [net if net > 0.0 else 0.0 for net in nets]
    if name == "leaky_relu":
        slope = f(ACTIVATIONS[name].slope)
        return [net if net > 0.0 else f(slope * net) for net in nets]
    if name == "linear":
        return list(nets)
    if name == "softmax":
        largest = max(nets)
        if largest == math.inf:
            winners = [1.0 if net == math.inf else 0.0 for net in nets]
            count = sum(winners)
            return [w / count for w in winners]
        if largest == -math.inf:
            return [f(1.0 / len(nets))] * len(nets)
        exps = [f(math.exp(f(net - largest))) for net in nets]
        total = 0.0
        for e in exps:
            total = f(total + e)
        return [f(e / total) for e in exps]
    raise KeyError("activation %r has no float32 emulation for target 'c'" % name)


# -- int16: the integer activations ------------------------------------------------------

Q = 15                  #: fraction bits of sigmoid, tanh and softmax outputs (Q15)
ACC_LIMIT = 2 ** 30     #: |every partial sum| < ACC_LIMIT, by the choice of formats
_SIGMOID_TABLE = [int(math.floor(32768.0 / (1.0 + math.exp(-i / 16.0)) + 0.5))
                  for i in range(129)]            # σ(i/16) in Q15, i = 0..128
_EXP2_TABLE = [int(math.floor(32768.0 * 2.0 ** (-j / 32.0) + 0.5))
               for j in range(33)]                # 2^(−j/32) in Q15, j = 0..32
_LOG2E_Q14 = int(math.floor(math.log2(math.e) * 16384 + 0.5))


def _rshift(value, shift):
    """value / 2^shift, rounded half up (shift > 0); value·2^−shift, saturated
    first to ±32767 (shift <= 0).  The C helper PREFIX_shift, exactly."""
    if shift > 0:
        return (value + (1 << (shift - 1))) >> shift
    value = 32767 if value > 32767 else -32767 if value < -32767 else value
    return value * (1 << -shift)


def _sat16(value):
    return 32767 if value > 32767 else -32767 if value < -32767 else value


def _sigmoid_q15(x):
    """σ(x) in Q15 for x in Q12: the C helper PREFIX_sigmoid_q15."""
    table = _SIGMOID_TABLE
    ax = -x if x < 0 else x
    if ax >= 8 * 4096:
        y = table[128]
    else:
        i = ax >> 8
        y = table[i] + (((table[i + 1] - table[i]) * (ax & 255) + 128) >> 8)
    return 32768 - y if x < 0 else y


class IntegerActivation:
    """An activation in int16 fixed point: ``c`` is its C function (``{p}`` the
    prefix), ``emulate(acc, shift)`` its exact Python twin, ``out_bits(fy)`` the
    output format it produces given the calibrated one, ``shift(fa, fy)`` the
    argument it is called with for sums in Q``fa``; ``tables`` the helpers it needs."""

    def __init__(self, name, c, emulate, shift, fixed_bits=None, tables=()):
        self.name, self.c, self.emulate, self.tables = name, c, emulate, tables
        self.shift = shift
        self.fixed_bits = fixed_bits   # Q15 for bounded outputs, else calibrated

    def out_bits(self, calibrated):
        return calibrated if self.fixed_bits is None else self.fixed_bits


def _leaky_slope_q15():
    return int(math.floor(ACTIVATIONS["leaky_relu"].slope * 32768 + 0.5))


def _emulate_leaky(acc, shift):
    """The C function PREFIX_q_leaky_relu, exactly."""
    if acc >= 0:
        return _sat16(_rshift(acc, shift))
    if shift > 0:
        y = (acc + (1 << (shift - 1))) >> shift
    else:
        floor = -(4194304 >> -shift)
        y = (floor if acc < floor else acc) * (1 << -shift)
    y = max(y, -4194304)
    return _sat16((y * _leaky_slope_q15() + 16384) >> 15)


#: Per activation: its integer-only C function and exact Python twin.  The
#: elementwise ones are ``int16_t PREFIX_q_NAME(int32_t acc, int shift)``.
INTEGER_ACTIVATIONS = {
    "linear": IntegerActivation(
        "linear",
        "static int16_t {p}_q_linear(int32_t acc, int shift)\n"
        "{{\n    return {p}_sat16({p}_shift(acc, shift));\n}}\n",
        lambda acc, shift: _sat16(_rshift(acc, shift)),
        shift=lambda fa, fy: fa - fy),
    "relu": IntegerActivation(
        "relu",
        "static int16_t {p}_q_relu(int32_t acc, int shift)\n"
        "{{\n    return acc > 0 ? {p}_sat16({p}_shift(acc, shift)) : 0;\n}}\n",
        lambda acc, shift: _sat16(_rshift(acc, shift)) if acc > 0 else 0,
        shift=lambda fa, fy: fa - fy),
    "leaky_relu": IntegerActivation(
        "leaky_relu",
        "/* Negative sums are scaled by the slope before saturating: a large negative\n"
        "   net still gives slope * net. */\n"
        "static int16_t {p}_q_leaky_relu(int32_t acc, int shift)\n"
        "{{\n    int32_t y;\n"
        "    if (acc >= 0) return {p}_sat16({p}_shift(acc, shift));\n"
        "    if (shift > 0) {{\n"
        "        y = (acc + ((int32_t)1 << (shift - 1))) >> shift;\n"
        "    }} else {{\n"
        "        y = acc < -((int32_t)4194304 >> -shift) ? -((int32_t)4194304 >> -shift) : acc;\n"
        "        y = y * ((int32_t)1 << -shift);\n"
        "    }}\n"
        "    if (y < -4194304) y = -4194304;\n"
        "    return {p}_sat16((y * {slope} + 16384) >> 15);   /* slope {slope_value} in Q15 */\n"
        "}}\n",
        _emulate_leaky,
        shift=lambda fa, fy: fa - fy),
    "sigmoid": IntegerActivation(
        "sigmoid",
        "static int16_t {p}_q_sigmoid(int32_t acc, int shift)   /* shift: to Q12 */\n"
        "{{\n    return {p}_sat16({p}_sigmoid_q15({p}_shift(acc, shift)));\n}}\n",
        lambda acc, shift: _sat16(_sigmoid_q15(_rshift(acc, shift))),
        shift=lambda fa, fy: fa - 12, fixed_bits=Q, tables=("sigmoid",)),
    "tanh": IntegerActivation(
        "tanh",
        "static int16_t {p}_q_tanh(int32_t acc, int shift)   /* shift: 2x to Q12 */\n"
        "{{\n    return {p}_sat16(2 * {p}_sigmoid_q15({p}_shift(acc, shift)) - 32768);\n}}\n",
        lambda acc, shift: _sat16(2 * _sigmoid_q15(_rshift(acc, shift)) - 32768),
        shift=lambda fa, fy: fa - 13, fixed_bits=Q, tables=("sigmoid",)),
    "softmax": IntegerActivation(
        "softmax",
        "/* Softmax of n sums in place of nets (then Q15 into out): e^-d = 2^-(d log2 e),\n"
        "   d = largest - net clamped to 16 (limit, in the sums' format), shift: to Q12. */\n"
        "static void {p}_q_softmax(int32_t *nets, int16_t *out, int n, int shift, int32_t limit)\n"
        "{{\n"
        "    int32_t largest = nets[0], total = 0, d, u, e;\n"
        "    int k, j, whole;\n"
        "    for (k = 1; k < n; k++) {{\n"
        "        if (nets[k] > largest) largest = nets[k];\n"
        "    }}\n"
        "    for (k = 0; k < n; k++) {{\n"
        "        d = largest - nets[k];\n"
        "        if (d > limit) d = limit;\n"
        "        d = shift > 0 ? (d + ((int32_t)1 << (shift - 1))) >> shift\n"
        "                      : d * ((int32_t)1 << -shift);\n"
        "        u = (d * {log2e} + 8192) >> 14;             /* d log2(e), Q12 */\n"
        "        whole = (int)(u >> 12);\n"
        "        j = (int)((u & 4095) >> 7);\n"
        "        e = {p}_exp2_table[j] - ((({p}_exp2_table[j] - {p}_exp2_table[j + 1])\n"
        "                                 * (u & 127) + 64) >> 7);\n"
        "        e = whole < 16 ? e >> whole : 0;\n"
        "        nets[k] = e;\n"
        "        total += e;\n"
        "    }}\n"
        "    for (k = 0; k < n; k++) out[k] = {p}_sat16((nets[k] * 32768 + total / 2) / total);\n"
        "}}\n",
        None, shift=lambda fa, fy: fa - 12, fixed_bits=Q, tables=("exp2",)),
}


def _emulate_softmax(nets, shift, limit):
    """The C function PREFIX_q_softmax, exactly."""
    table = _EXP2_TABLE
    largest = max(nets)
    exps = []
    for net in nets:
        d = min(largest - net, limit)
        d = (d + (1 << (shift - 1))) >> shift if shift > 0 else d * (1 << -shift)
        u = (d * _LOG2E_Q14 + 8192) >> 14
        whole, j = u >> 12, (u & 4095) >> 7
        e = table[j] - (((table[j] - table[j + 1]) * (u & 127) + 64) >> 7)
        exps.append(e >> whole if whole < 16 else 0)
    total = sum(exps)
    return [_sat16((e * 32768 + total // 2) // total) for e in exps]


def _quantize(value, bits):
    """round(value·2^bits), half up, as a Python int (no saturation)."""
    return int(math.floor(math.ldexp(value, bits) + 0.5))


def _bits_for(largest, ceiling=15):
    """The most fraction bits (<= ceiling) with largest·2^bits <= 16383 (one bit
    of headroom under int16 for values beyond the data)."""
    if largest <= 0.0:
        return ceiling
    bits = ceiling
    while bits > -15 and largest * 2.0 ** bits > 16383.0:
        bits -= 1
    return bits


def _int16_plan(layers, num_inputs, data):
    """Choose every format, quantize, and return the plan.

    * inputs: Q``fx0``, the most fraction bits with the data's largest |input|
      under 16383 (values up to twice that still fit);
    * each layer's outputs: Q15 for sigmoid, tanh and softmax; for ReLU,
      leaky ReLU and linear, chosen like the inputs from the layer's outputs on
      the data;
    * each layer's weights: Q``fw``, the most bits (<= 15) such that every
      neuron's Σ|W|·32767 + |B| < 2^30 and every |W| <= 32767: no sum can
      overflow int32 whatever the inputs, and the softmax's differences of two
      sums neither;
    * biases: int32 in the sums' format Q(fw + fx).
    """
    largest_input = max([abs(x) for row in data for x in row] or [0.0])
    fx = _bits_for(largest_input)
    outputs_per_layer = [_forward_all(layers, row) for row in data]
    plan = {"input_bits": fx, "layers": []}
    for index, (name, neurons) in enumerate(layers):
        integer = INTEGER_ACTIVATIONS[name]
        largest_out = max([abs(v) for outs in outputs_per_layer for v in outs[index]] or [0.0])
        fw = 15
        while True:
            weights = [[_quantize(w, fw) for w in ws] for ws, b in neurons]
            biases = [_quantize(b, fw + fx) for ws, b in neurons]
            fits = all(abs(w) <= 32767 for row in weights for w in row) and all(
                sum(abs(w) for w in row) * 32767 + abs(b) < ACC_LIMIT
                for row, b in zip(weights, biases))
            if fits or fw <= -15:
                break
            fw -= 1
        if not fits:
            raise ValueError("C export --type int16: layers[%d]'s weights are too large for "
                             "int16 fixed point" % index)
        fa = fw + fx
        fy = integer.out_bits(max(_bits_for(largest_out), fa - 30))
        shift = integer.shift(fa, fy)
        if not -16 <= shift <= 30:
            raise ValueError("C export --type int16: layers[%d] needs a shift of %d bits "
                             "between its sums (Q%d) and its outputs (Q%d); its inputs or "
                             "weights span too wide a range for int16" % (index, shift, fa, fy))
        plan["layers"].append({"activation": name, "weights": weights, "biases": biases,
                               "weight_bits": fw, "input_bits": fx, "sum_bits": fa,
                               "output_bits": fy, "shift": shift,
                               "limit": min(16 << fa, ACC_LIMIT) if fa >= 0 else 16 >> -fa})
        fx = fy
    return plan


def quantize_inputs(plan, inputs):
    """The int16 inputs the header's predict takes for real-valued ``inputs``."""
    return [_sat16(_quantize(x, plan["input_bits"])) for x in inputs]


def int16_predict(plan, inputs):
    """Exactly what the int16 header's predict computes, from int16 inputs."""
    values = list(inputs)
    for layer in plan["layers"]:
        sums = []
        for row, bias in zip(layer["weights"], layer["biases"]):
            acc = bias
            for w, x in zip(row, values):
                acc += w * x
            sums.append(acc)
        if layer["activation"] == "softmax":
            values = _emulate_softmax(sums, layer["shift"], layer["limit"])
        else:
            emulate = INTEGER_ACTIVATIONS[layer["activation"]].emulate
            values = [emulate(acc, layer["shift"]) for acc in sums]
    return values


# -- the header -----------------------------------------------------------------------------

#: The most golden pairs a self-test embeds: far more than a board's flash needs
#: to check an export, and a bound on the work (10**20 pairs would never finish).
MAX_SELFTEST = 10000


def _selftest_rows(data, count, num_inputs, seed):
    """``count`` rows spread over the data, or drawn uniformly from [−1, 1] without data."""
    if count <= 0:
        return []
    if data:
        step = len(data) / float(count)
        return [list(data[min(int(k * step), len(data) - 1)]) for k in range(count)]
    from ..rng import SplitMix64

    rng = SplitMix64(seed if isinstance(seed, int) else 1)
    return [[rng.uniform(-1.0, 1.0) for _ in range(num_inputs)] for _ in range(count)]


class CExport:
    """What :func:`build` returns: ``text`` (the header) and the figures it states."""

    def __init__(self, **fields):
        for name, value in fields.items():   # not __dict__.update: MicroPython's is read-only
            setattr(self, name, value)

    def summary(self, name=None):
        """The lines the command line prints on stderr, about the file ``name``
        (default: PREFIX.h)."""
        lines = ["%s: %s, C99 %s: flash %d bytes (weights, biases and tables%s), "
                 "RAM %d bytes of static buffers, plus the code and the call's stack "
                 "(scalars only)"
                 % (name or self.prefix + ".h", self.architecture, self.type, self.flash_bytes,
                    "; + %d bytes of self-test data" % self.selftest_bytes
                    if self.selftest_bytes else "", self.ram_bytes)]
        lines.extend(self.accuracy)
        return lines


def export(net, type="double", prefix="model", selftest=0, data=None):
    """The text of a C99 header computing ``net.feed_forward`` (module docstring).

    ``type``: "double", "float" or "int16"; ``prefix``: the C names' prefix (a
    C identifier); ``selftest``: how many golden input/output pairs to embed
    with ``PREFIX_selftest()``; ``data``: input rows (lists of numbers), the
    training data: the float and int16 accuracy is measured on them, the int16
    formats are chosen from them (required for int16), and the self-test's
    inputs are taken from them.
    """
    return build(net, type, prefix, selftest, data).text


def build(net, type="double", prefix="model", selftest=0, data=None):
    """:func:`export`, returning a :class:`CExport` with the text and its figures."""
    if type not in TYPES:
        raise ValueError("C export: unknown type %r; expected one of %s"
                         % (type, ", ".join(repr(t) for t in TYPES)))
    if not is_identifier(prefix):
        raise ValueError("C export: prefix must be a C identifier (letters, digits, _), got %r"
                         % (prefix,))
    if isinstance(selftest, bool) or not isinstance(selftest, int) or \
            not 0 <= selftest <= MAX_SELFTEST:
        raise ValueError("C export: selftest must be a count from 0 to %d (golden pairs to "
                         "embed in flash), got %r" % (MAX_SELFTEST, selftest))
    document = to_dict(net)
    layers = _layers(document)
    num_inputs = document["num_inputs"]
    rows = None
    if data is not None:
        rows = [[float(x) for x in row] for row in data]
        for number, row in enumerate(rows):
            if len(row) != num_inputs:
                raise ValueError("C export: data[%d]: expected %d inputs, got %d"
                                 % (number, num_inputs, len(row)))
            if not all(math.isfinite(x) for x in row):
                raise ValueError("C export: data[%d]: expected finite numbers" % number)
        if not rows:
            rows = None
    if type == "int16" and rows is None:
        raise ValueError("C export --type int16: needs the training data (data=rows, or "
                         "--data FILE.csv) to choose its fixed-point formats")
    for name, neurons in layers:
        activation = ACTIVATIONS[name]
        source = activation.source if activation.elementwise else activation.layer_source
        if type != "int16" and "c" not in source:
            raise KeyError("activation %r has no source for target 'c'" % name)
        if type == "int16" and name not in INTEGER_ACTIVATIONS:
            raise KeyError("activation %r has no integer-only version for target 'c' "
                           "(neuronsim/export/c.py INTEGER_ACTIVATIONS)" % name)
    scalings = (document.get("input_scaling"), document.get("target_scaling"))
    writer = _Writer(document, layers, type, prefix, selftest, rows, net, scalings)
    return writer.build()


def _fold_scaling(layers, input_scaling, target_scaling):
    """The layers with a saved model's scaling folded into them, for int16.

    Inputs scaled as (x − m)/s feed the first layer, so its weights become
    w/s and its biases b − Σ w·m/s (the same net inputs, rounded otherwise);
    a target scaling (a linear output, y·s + m) makes the last layer's
    weights w·s and biases b·s + m.  The integer header then takes raw
    inputs and gives outputs in the user's units; its stated error and class
    agreement are measured against feed_forward as usual.
    """
    layers = [(name, [(list(w), b) for w, b in neurons]) for name, neurons in layers]
    if input_scaling is not None:
        mean, scale = input_scaling["mean"], input_scaling["scale"]
        name, neurons = layers[0]
        folded = []
        for weights, bias in neurons:
            shift = 0.0
            for w, m, sc in zip(weights, mean, scale):
                shift += w * m / sc
            folded.append(([w / sc for w, sc in zip(weights, scale)], bias - shift))
        layers[0] = (name, folded)
    if target_scaling is not None:
        mean, scale = target_scaling["mean"], target_scaling["scale"]
        name, neurons = layers[-1]
        layers[-1] = (name, [([w * sc for w in weights], bias * sc + m)
                             for (weights, bias), m, sc in zip(neurons, mean, scale)])
    return layers


class _Writer:
    def __init__(self, document, layers, type, prefix, selftest, rows, net, scalings=(None, None)):
        self.document, self.type, self.p = document, type, prefix
        # What feed_forward computes (the accuracy and self-test reference) ...
        self.reference_layers = layers
        self.reference_scalings = scalings
        # ... and what the header computes: int16 folds the scalings into its layers.
        if type == "int16":
            self.layers = _fold_scaling(layers, *scalings)
            self.input_scaling = self.target_scaling = None
        else:
            self.layers = layers
            self.input_scaling, self.target_scaling = scalings
        self.selftest, self.rows = selftest, rows
        self.seed = getattr(net, "seed", None)
        self.num_inputs = document["num_inputs"]
        self.sizes = [self.num_inputs] + [len(neurons) for _, neurons in layers]
        self.names = _FLOATING_NAMES.get(type)
        self.T = _C_TYPE[type]
        self.literal = {"double": double_literal, "float": float_literal}.get(type)
        self.macro = prefix.upper()

    # -- what the header computes, in Python -------------------------------------------------

    def _reference(self, row):
        """feed_forward's outputs for raw inputs ``row``: the scalings are the
        Standardizer's own operations, (x − mean)/scale and y·scale + mean."""
        input_scaling, target_scaling = self.reference_scalings
        if input_scaling is not None:
            row = [(x - m) / sc for x, m, sc in zip(row, input_scaling["mean"],
                                                      input_scaling["scale"])]
        outputs = _forward_all(self.reference_layers, row)[-1]
        if target_scaling is not None:
            outputs = [y * sc + m for y, m, sc in zip(outputs, target_scaling["mean"],
                                                       target_scaling["scale"])]
        return outputs

    def _float32(self, row):
        """What the float header computes for ``row``, scalings included."""
        f = to_float32
        if self.input_scaling is not None:
            row = [f(f(f(x) - f(m)) / f(sc)) for x, m, sc in
                   zip(row, self.input_scaling["mean"], self.input_scaling["scale"])]
        outputs = _float32_predict(self.layers, row)
        if self.target_scaling is not None:
            outputs = [f(f(y * f(sc)) + f(m)) for y, m, sc in
                       zip(outputs, self.target_scaling["mean"], self.target_scaling["scale"])]
        return outputs

    # -- figures -------------------------------------------------------------------------

    def _buffers(self):
        """Sizes of the ping-pong buffers for the hidden layers' outputs: [a] or [a, b]."""
        hidden = self.sizes[1:-1]
        sizes = []
        for parity in (0, 1):
            widths = hidden[parity::2]
            if widths:
                sizes.append(max(widths))
        return sizes

    def _accuracy(self):
        """(lines for the header and stderr, self-test rows, expected outputs, tolerance)."""
        layers, rows = self.layers, self.rows
        output_activation = layers[-1][0]
        tests = _selftest_rows(rows, self.selftest, self.num_inputs, self.seed)
        lines = []
        if self.type == "double":
            expected = [self._reference(row) for row in tests]
            lines.append("accuracy: the operations of feed_forward in its order: bit for bit "
                         "with the same libm where neuronsim sums in order (CPython <= 3.11, "
                         "PyPy)")
            return lines, tests, expected, DOUBLE_SELFTEST_TOLERANCE
        if self.type == "float":
            expected = [self._reference(row) for row in tests]
            worst = worst_relative = 0.0
            agree = total = 0
            for row in (rows or []) + tests:
                reference = self._reference(row)
                got = self._float32(row)
                for y, r in zip(got, reference):
                    worst = max(worst, abs(y - r))
                    worst_relative = max(worst_relative, abs(y - r) / (1.0 + abs(r)))
                if row in tests:
                    continue
                cls = _classes(reference, output_activation)
                if cls is not None:
                    total += 1
                    agree += _classes(got, output_activation) == cls
            if rows:
                lines.append("accuracy: worst |float - feed_forward| on the %d data rows: %.3g "
                             "(float32 emulated in Python; a libm's expf/tanhf may differ by "
                             "an ulp)%s" % (len(rows), worst, "; class agreement %d/%d"
                                              % (agree, total) if total else ""))
            else:
                lines.append("accuracy: no data given: float32 rounding of every weight and "
                             "operation (about 6e-8 relative per operation)")
            # Relative to 1 + |expected|: a few float32 ulps beyond the emulated worst.
            tolerance = 2.0 * worst_relative + 4.0 * 2.0 ** -23
            return lines, tests, expected, tolerance
        # int16
        plan = self.plan
        out_bits = plan["layers"][-1]["output_bits"]
        worst, worst_lsb, agree, total = 0.0, 0, 0, 0
        expected = []
        for row in tests:
            reference = self._reference(row)
            expected.append([_sat16(_quantize(r, out_bits)) for r in reference])
        for index, row in enumerate(rows + tests):
            reference = self._reference(row)
            got = int16_predict(plan, quantize_inputs(plan, row))
            for y, r in zip(got, reference):
                worst = max(worst, abs(math.ldexp(y, -out_bits) - r))
                worst_lsb = max(worst_lsb, abs(y - _sat16(_quantize(r, out_bits))))
            if index < len(rows):
                cls = _classes(reference, output_activation)
                if cls is not None:
                    total += 1
                    agree += _classes([math.ldexp(y, -out_bits) for y in got],
                                      output_activation) == cls
        self.int16_worst, self.agreement = worst, (agree, total)
        if total and agree < 0.99 * total:
            lines.append("warning: int16 agrees with feed_forward on only %d of %d classes: one "
                         "fixed-point format serves every input, so inputs on very different "
                         "scales lose resolution; --type float keeps them" % (agree, total))
        lines.append("accuracy: worst |int16 output - feed_forward| on the %d data rows: %.3g "
                     "(computed exactly: the integer arithmetic is emulated)%s"
                     % (len(rows), worst, "; class agreement %d/%d = %.2f%%"
                        % (agree, total, 100.0 * agree / total) if total else ""))
        return lines, tests, expected, worst_lsb

    # -- writing ------------------------------------------------------------------------------

    def build(self):
        if self.type == "int16":
            self.plan = _int16_plan(self.layers, self.num_inputs, self.rows)
        accuracy, tests, expected, tolerance = self._accuracy()
        buffers = self._buffers()
        size = _SIZEOF[self.type]
        weights = sum(len(neurons) * len(neurons[0][0]) for _, neurons in self.layers)
        biases = sum(len(neurons) for _, neurons in self.layers)
        tables = []
        if self.type == "int16":
            flash = weights * 2 + biases * 4
            used = set(t for name, _ in self.layers for t in INTEGER_ACTIVATIONS[name].tables)
            if "sigmoid" in used:
                tables.append(("sigmoid_table", len(_SIGMOID_TABLE) * 2))
            if "exp2" in used:
                tables.append(("exp2_table", len(_EXP2_TABLE) * 2))
            flash += sum(b for _, b in tables)
            scratch = max([len(neurons) for name, neurons in self.layers
                           if name == "softmax"] or [0])
        else:
            flash = (weights + biases) * size
            scratch = 0
        scaled = 0   # the scalings' means and scales (flash), the scaled inputs (RAM)
        if self.input_scaling is not None:
            flash += 2 * self.num_inputs * size
            scaled = self.num_inputs
        if self.target_scaling is not None:
            flash += 2 * self.sizes[-1] * size
        ram = sum(buffers) * size + scratch * 4 + scaled * size
        selftest_bytes = len(tests) * (self.num_inputs + self.sizes[-1]) * size
        self.figures = dict(flash=flash, ram=ram, buffers=buffers, scratch=scratch, scaled=scaled,
                            tables=tables, weights=weights, biases=biases,
                            selftest_bytes=selftest_bytes)
        text = self._text(accuracy, tests, expected, tolerance)
        architecture = "-".join(str(s) for s in self.sizes)
        return CExport(text=text, prefix=self.p, type=self.type, architecture=architecture,
                       flash_bytes=flash, ram_bytes=ram, selftest_bytes=selftest_bytes,
                       accuracy=accuracy, tolerance=tolerance, selftest_inputs=tests,
                       selftest_outputs=expected, plan=getattr(self, "plan", None),
                       int16_worst=getattr(self, "int16_worst", None),
                       agreement=getattr(self, "agreement", None))

    def _text(self, accuracy, tests, expected, tolerance):
        p, P, T, layers, sizes = self.p, self.macro, self.T, self.layers, self.sizes
        figures = self.figures
        architecture = "-".join(str(s) for s in sizes)
        activations = "/".join(name for name, _ in layers)
        out = []
        write = out.append
        write("/* %s.h: a trained neuronsim network, %s (%s), as C99 (%s).\n"
              % (p, architecture, activations, self.type))
        write(" *\n * Generated by neuronsim %s.  One self-contained header: static const weights,\n"
              " * static buffers, no malloc, no recursion, no global written outside a call.\n"
              % __version__)
        if self.type == "int16":
            write(" * Integer-only: no float, no FPU, no libm.\n")
        else:
            write(" * Needs <math.h> (link with -lm where that is separate).\n")
        write(" *\n *     #include \"%s.h\"\n" % p)
        write(" *     %s outputs[%s_NUM_OUTPUTS];\n" % (T, P))
        write(" *     int status = %s_predict(inputs, outputs);   (%s_NUM_INPUTS inputs)\n"
              % (p, P))
        if self.type == "int16":
            plan = self.plan
            write(" *\n * Fixed point: inputs[i] = x_i * 2^%s_INPUT_FRAC_BITS rounded, saturated to\n"
                  " * +-32767; outputs[k] / 2^%s_OUTPUT_FRAC_BITS is the network's output k.\n"
                  " * %s_predict returns 0.\n" % (P, P, p))
            write(" * Formats (Qn: n fraction bits): inputs Q%d.\n" % plan["input_bits"])
            for index, layer in enumerate(plan["layers"]):
                write(" *   layers[%d]: weights Q%d, sums Q%d (int32), outputs Q%d\n"
                      % (index, layer["weight_bits"], layer["sum_bits"], layer["output_bits"]))
            write(" * No sum can overflow: every neuron's sum|W| * 32767 + |bias| < 2^30.\n")
        else:
            write(" *\n * %s_predict returns 0, or -1 (outputs untouched) if an input is NaN or\n"
                  " * infinite.\n" % p)
        for line in accuracy:
            write(" * %s\n" % _wrap(line, " * "))
        write(" *\n * Memory, exact (sizeof %s = %d; a compiler may move a layer's 1 or 2\n"
              " * constants into the code, never more):\n" % (T, _SIZEOF[self.type]))
        write(" *   flash: %d bytes of static const arrays: %d weights, %d biases" % (
            figures["flash"], figures["weights"], figures["biases"]))
        if self.type == "int16":
            write(" (int16 weights,\n *          int32 biases)")
        if figures["tables"]:
            write(", tables %s" % ", ".join("%s %d" % (name, size)
                                            for name, size in figures["tables"]))
        write(",\n *          plus the code")
        if tests:
            write(" and %d bytes of self-test data" % figures["selftest_bytes"])
        write(";\n *   RAM:   %d bytes of static buffers" % figures["ram"])
        parts = ["%s_buffer_%s[%d]" % (p, "ab"[i], n) for i, n in enumerate(figures["buffers"])]
        if figures["scratch"]:
            parts.append("%s_sums[%d] (int32)" % (p, figures["scratch"]))
        if figures["scaled"]:
            parts.append("%s_scaled[%d]" % (p, figures["scaled"]))
        if parts:
            write(" (%s)" % ", ".join(parts))
        write(",\n *          plus the call's stack: scalars only, no arrays, no recursion\n"
              " *          (at most 200 bytes, libm's excluded, with arm-none-eabi-gcc 12 -O2\n"
              " *          on Cortex-M3/M4F in neuronsim's tests).\n")
        if tests:
            if self.type == "int16":
                write(" *\n * %s_selftest() runs %d golden inputs and returns how many outputs\n"
                      " * differ from neuronsim's (rounded to Q%d) by more than %d (%.3g): 0 on a\n"
                      " * correct build.\n" % (p, len(tests), self.plan["layers"][-1]["output_bits"],
                                              tolerance, math.ldexp(tolerance, -self.plan["layers"][-1]["output_bits"])))
            else:
                write(" *\n * %s_selftest() runs %d golden inputs and returns how many outputs\n"
                      " * differ from neuronsim's by more than %.3g * (1 + |expected|): 0 on a\n"
                      " * correct build.\n" % (p, len(tests), tolerance))
        write(" */\n")
        write("#ifndef %s_H\n#define %s_H\n\n" % (P, P))
        write("#include <math.h>\n" if self.type != "int16" else "#include <stdint.h>\n")
        write("\n#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n"
              % (P, sizes[0], P, sizes[-1]))
        if self.type == "int16":
            write("#define %s_INPUT_FRAC_BITS %d\n#define %s_OUTPUT_FRAC_BITS %d\n"
                  % (P, self.plan["input_bits"], P, self.plan["layers"][-1]["output_bits"]))
        write("\n#if defined(__GNUC__) || defined(__clang__)\n"
              "#define %s_UNUSED __attribute__((unused))\n#else\n#define %s_UNUSED\n#endif\n"
              % (P, P))
        self._write_weights(write)
        for index, n in enumerate(figures["buffers"]):
            write("static %s %s_buffer_%s[%d];\n" % (T, p, "ab"[index], n))
        if figures["scratch"]:
            write("static int32_t %s_sums[%d];\n" % (p, figures["scratch"]))
        if figures["scaled"]:
            write("static %s %s_scaled[%d];\n" % (T, p, figures["scaled"]))
        self._write_helpers(write)
        self._write_predict(write)
        if tests:
            self._write_selftest(write, tests, expected, tolerance)
        write("\n#endif /* %s_H */\n" % P)
        return "".join(out)

    def _write_weights(self, write):
        p, T = self.p, self.T
        for which, scaling in (("input", self.input_scaling), ("target", self.target_scaling)):
            if scaling is None:
                continue
            write("\n/* %s scaling: %s */\n" % (which, "scaled = (raw - mean) / scale"
                                                 if which == "input" else
                                                 "outputs in your units: y * scale + mean"))
            for key in ("mean", "scale"):
                write("static const %s %s_%s_%s[%d] = {\n    %s\n};\n"
                      % (T, p, which, key, len(scaling[key]),
                         ", ".join(self.literal(v) for v in scaling[key])))
        for index, (name, neurons) in enumerate(self.layers):
            role = "output" if index == len(self.layers) - 1 else "hidden"
            write("\n/* layers[%d]: %s, %d neurons x %d inputs, %s */\n"
                  % (index, role, len(neurons), self.sizes[index], name))
            if self.type == "int16":
                layer = self.plan["layers"][index]
                rows = layer["weights"]
                write("static const int16_t %s_weights_%d[%d * %d] = {  /* Q%d, a row per neuron */\n"
                      % (p, index, len(neurons), self.sizes[index], layer["weight_bits"]))
                for row in rows:
                    write("    %s,\n" % ", ".join(str(w) for w in row))
                write("};\nstatic const int32_t %s_biases_%d[%d] = {  /* Q%d */\n    %s\n};\n"
                      % (p, index, len(neurons), layer["sum_bits"],
                         ", ".join(str(b) for b in layer["biases"])))
                continue
            write("static const %s %s_weights_%d[%d * %d] = {  /* a row per neuron */\n"
                  % (T, p, index, len(neurons), self.sizes[index]))
            for weights, _ in neurons:
                write("    %s,\n" % ", ".join(self.literal(w) for w in weights))
            write("};\nstatic const %s %s_biases_%d[%d] = {\n    %s\n};\n"
                  % (T, p, index, len(neurons),
                     ", ".join(self.literal(b) for _, b in neurons)))

    def _write_helpers(self, write):
        p = self.p
        used = []
        for name, _ in self.layers:
            if name not in used:
                used.append(name)
        if self.type != "int16":
            if "softmax" in used:
                write(ACTIVATIONS["softmax"].layer_source["c"].format(
                    name="%s_softmax" % p, **self.names))
            return
        tables = set(t for name in used for t in INTEGER_ACTIVATIONS[name].tables)
        write("\n/* Integer helpers: v / 2^s rounded (s > 0), v * 2^-s saturated first\n"
              "   (s <= 0); saturation to int16 (symmetric: -32767..32767). */\n"
              "static int32_t %s_shift(int32_t v, int s)\n{\n"
              "    if (s > 0) return (v + ((int32_t)1 << (s - 1))) >> s;\n"
              "    if (v > 32767) v = 32767;\n    if (v < -32767) v = -32767;\n"
              "    return v * ((int32_t)1 << -s);\n}\n\n"
              "static int16_t %s_sat16(int32_t v)\n{\n"
              "    return (int16_t)(v > 32767 ? 32767 : v < -32767 ? -32767 : v);\n}\n"
              % (p, p))
        if "sigmoid" in tables:
            write("\n/* sigma(i/16) in Q15, i = 0..128 */\nstatic const int16_t "
                  "%s_sigmoid_table[129] = {\n%s\n};\n\n" % (p, _rows(_SIGMOID_TABLE, 12)))
            write("/* sigma(x) in Q15 (0..32768) for x in Q12: the table, interpolated. */\n"
                  "static int32_t %s_sigmoid_q15(int32_t x)\n{\n"
                  "    int32_t ax = x < 0 ? -x : x, y;\n    int i;\n"
                  "    if (ax >= 8 * 4096) {\n        y = %s_sigmoid_table[128];\n"
                  "    } else {\n        i = (int)(ax >> 8);\n"
                  "        y = %s_sigmoid_table[i] + (((%s_sigmoid_table[i + 1] - "
                  "%s_sigmoid_table[i]) * (ax & 255) + 128) >> 8);\n    }\n"
                  "    return x < 0 ? 32768 - y : y;\n}\n" % (p, p, p, p, p))
        if "exp2" in tables:
            write("\n/* 2^(-j/32) in Q15, j = 0..32 */\nstatic const uint16_t "
                  "%s_exp2_table[33] = {\n%s\n};\n" % (p, _rows(_EXP2_TABLE, 12)))
        for name in used:
            integer = INTEGER_ACTIVATIONS[name]
            write("\n" + integer.c.format(p=p, slope=_leaky_slope_q15(),
                                          slope_value=ACTIVATIONS["leaky_relu"].slope,
                                          log2e=_LOG2E_Q14))

    def _write_dense(self, write):
        """PREFIX_dense: a layer's sums, four neurons at a time (four independent
        running sums: the same order for each neuron, without waiting on one
        another), then the rest one by one."""
        p, T = self.p, self.T
        if self.type == "int16":
            write("\n/* The sums of a layer of n neurons with m inputs (w: n rows of m), four\n"
                  "   neurons at a time; then act(sum, shift) into out, or the sums into\n"
                  "   sums when act is null (softmax). */\n"
                  "typedef int16_t (*%s_activation)(int32_t acc, int shift);\n\n"
                  "static void %s_dense(const int16_t *w, const int32_t *b, const int16_t *in,\n"
                  "                     int16_t *out, int32_t *sums, int n, int m,\n"
                  "                     %s_activation act, int shift)\n{\n"
                  "    const int16_t *w0, *w1, *w2, *w3;\n"
                  "    int32_t a0, a1, a2, a3, x;\n    int i, k;\n"
                  "    for (k = 0; k + 4 <= n; k += 4) {\n"
                  "        w0 = w + k * m;\n        w1 = w0 + m;\n        w2 = w1 + m;\n"
                  "        w3 = w2 + m;\n"
                  "        a0 = b[k];\n        a1 = b[k + 1];\n        a2 = b[k + 2];\n"
                  "        a3 = b[k + 3];\n"
                  "        for (i = 0; i < m; i++) {\n"
                  "            x = in[i];\n"
                  "            a0 += (int32_t)w0[i] * x;\n            a1 += (int32_t)w1[i] * x;\n"
                  "            a2 += (int32_t)w2[i] * x;\n            a3 += (int32_t)w3[i] * x;\n"
                  "        }\n"
                  "        if (act) {\n"
                  "            out[k] = act(a0, shift);\n            out[k + 1] = act(a1, shift);\n"
                  "            out[k + 2] = act(a2, shift);\n            out[k + 3] = act(a3, shift);\n"
                  "        } else {\n"
                  "            sums[k] = a0;\n            sums[k + 1] = a1;\n"
                  "            sums[k + 2] = a2;\n            sums[k + 3] = a3;\n"
                  "        }\n"
                  "    }\n"
                  "    for (; k < n; k++) {\n"
                  "        w0 = w + k * m;\n"
                  "        a0 = b[k];\n"
                  "        for (i = 0; i < m; i++) a0 += (int32_t)w0[i] * in[i];\n"
                  "        if (act) out[k] = act(a0, shift);\n"
                  "        else sums[k] = a0;\n"
                  "    }\n}\n" % (p, p, p))
            return
        zero = self.names["zero"]
        write("\n/* out[k] = the sum over i of w[k*m + i] * in[i], from 0 in that order, plus\n"
              "   b[k], for n neurons of m inputs: four neurons at a time, each its own\n"
              "   running sum (products apart from the sums: no fused multiply-add). */\n"
              "static void %s_dense(const %s *w, const %s *b, const %s *in, %s *out, int n, int m)\n"
              "{\n"
              "    const %s *w0, *w1, *w2, *w3;\n"
              "    %s s0, s1, s2, s3, p0, p1, p2, p3, x;\n"
              "    int i, k;\n"
              "    for (k = 0; k + 4 <= n; k += 4) {\n"
              "        w0 = w + k * m;\n        w1 = w0 + m;\n        w2 = w1 + m;\n"
              "        w3 = w2 + m;\n"
              "        s0 = s1 = s2 = s3 = %s;\n"
              "        for (i = 0; i < m; i++) {\n"
              "            x = in[i];\n"
              "            p0 = w0[i] * x;\n            p1 = w1[i] * x;\n"
              "            p2 = w2[i] * x;\n            p3 = w3[i] * x;\n"
              "            s0 += p0;\n            s1 += p1;\n            s2 += p2;\n"
              "            s3 += p3;\n"
              "        }\n"
              "        out[k] = s0 + b[k];\n        out[k + 1] = s1 + b[k + 1];\n"
              "        out[k + 2] = s2 + b[k + 2];\n        out[k + 3] = s3 + b[k + 3];\n"
              "    }\n"
              "    for (; k < n; k++) {\n"
              "        w0 = w + k * m;\n"
              "        s0 = %s;\n"
              "        for (i = 0; i < m; i++) {\n"
              "            p0 = w0[i] * in[i];\n"
              "            s0 += p0;\n"
              "        }\n"
              "        out[k] = s0 + b[k];\n"
              "    }\n}\n" % (p, T, T, T, T, T, T, zero, zero))

    def _write_predict(self, write):
        p, T, layers = self.p, self.T, self.layers
        self._write_dense(write)
        write("\nstatic %s_UNUSED int %s_predict(const %s *inputs, %s *outputs)\n{\n"
              % (self.macro, p, T, T))
        write("    const %s *in = inputs;\n    %s *out;\n" % (T, T))
        if self.type != "int16":
            write("    %s net;\n    int i, k;\n" % T)
            write("    for (i = 0; i < %d; i++) {\n"
                  "        if (inputs[i] - inputs[i] != %s) return -1;   /* NaN or infinite */\n"
                  "    }\n" % (self.num_inputs, self.names["zero"]))
        if self.input_scaling is not None:   # Standardizer.transform's operations
            write("    for (i = 0; i < %d; i++) {\n"
                  "        %s_scaled[i] = (inputs[i] - %s_input_mean[i]) / %s_input_scale[i];\n"
                  "    }\n    in = %s_scaled;\n" % (self.num_inputs, p, p, p, p))
        hidden = 0
        for index, (name, neurons) in enumerate(layers):
            last = index == len(layers) - 1
            target = "outputs" if last else "%s_buffer_%s" % (p, "ab"[hidden % 2])
            n, m = len(neurons), self.sizes[index]
            write("    /* layers[%d]: %d x %d, %s */\n" % (index, n, m, name))
            write("    out = %s;\n" % target)
            if self.type == "int16":
                layer = self.plan["layers"][index]
                if name == "softmax":
                    write("    %s_dense(%s_weights_%d, %s_biases_%d, in, out, %s_sums, %d, %d, 0, 0);\n"
                          % (p, p, index, p, index, p, n, m))
                    write("    %s_q_softmax(%s_sums, out, %d, %d, %d);\n"
                          % (p, p, n, layer["shift"], layer["limit"]))
                else:
                    write("    %s_dense(%s_weights_%d, %s_biases_%d, in, out, 0, %d, %d, %s_q_%s, %d);\n"
                          % (p, p, index, p, index, n, m, p, name, layer["shift"]))
            else:
                activation = ACTIVATIONS[name]
                write("    %s_dense(%s_weights_%d, %s_biases_%d, in, out, %d, %d);\n"
                      % (p, p, index, p, index, n, m))
                if not activation.elementwise:
                    write("    %s_%s(out, %d);\n" % (p, name, n))
                elif name != "linear":
                    code = activation.code("c", "net", "out[k]", number=self.literal,
                                           **self.names)
                    write("    for (k = 0; k < %d; k++) {\n        net = out[k];\n%s\n    }\n"
                          % (n, _indent(code, 8)))
            write("    in = out;\n" if not last else "")
            if not last:
                hidden += 1
        if self.target_scaling is not None:   # Standardizer.inverse's, uncontracted
            write("    for (k = 0; k < %d; k++) {\n"
                  "        net = outputs[k] * %s_target_scale[k];\n"
                  "        outputs[k] = net + %s_target_mean[k];\n    }\n"
                  % (self.sizes[-1], p, p))
        elif self.type != "int16" and all(name == "linear" or not ACTIVATIONS[name].elementwise
                                          for name, _ in layers):
            write("    (void)net;\n    (void)k;\n")
        write("    return 0;\n}\n")

    def _write_selftest(self, write, tests, expected, tolerance):
        p, P, T = self.p, self.macro, self.T
        count, n_in, n_out = len(tests), self.num_inputs, self.sizes[-1]
        if self.type == "int16":
            inputs = [quantize_inputs(self.plan, row) for row in tests]
            number = str
        else:
            inputs = tests
            number = self.literal
        write("\n/* The self-test: %d inputs and neuronsim's outputs for them. */\n" % count)
        write("#define %s_SELFTEST_COUNT %d\n" % (P, count))
        write("static const %s %s_selftest_inputs[%d][%d] = {\n" % (T, p, count, n_in))
        for row in inputs:
            write("    {%s},\n" % ", ".join(number(x) for x in row))
        write("};\nstatic const %s %s_selftest_outputs[%d][%d] = {\n" % (T, p, count, n_out))
        for row in expected:
            write("    {%s},\n" % ", ".join(number(y) for y in row))
        write("};\n\n")
        write("/* How many self-test outputs are outside the tolerance: 0 on a correct build. */\n"
              "static %s_UNUSED int %s_selftest(void)\n{\n" % (P, p))
        write("    %s outputs[%d];\n" % (T, n_out))
        if self.type == "int16":
            write("    int32_t difference;\n")
        else:
            write("    %s difference, expected;\n" % T)
        write("    int failures = 0, s, k;\n"
              "    for (s = 0; s < %d; s++) {\n"
              "        if (%s_predict(%s_selftest_inputs[s], outputs) != 0) {\n"
              "            failures += %d;\n            continue;\n        }\n"
              "        for (k = 0; k < %d; k++) {\n" % (count, p, p, n_out, n_out))
        if self.type == "int16":
            write("            difference = (int32_t)outputs[k] - %s_selftest_outputs[s][k];\n"
                  "            if (difference > %d || difference < -%d) failures++;\n"
                  % (p, tolerance, tolerance))
        else:
            names = self.names
            write("            expected = %s_selftest_outputs[s][k];\n"
                  "            difference = outputs[k] - expected;\n"
                  "            if (difference < %s) difference = -difference;\n"
                  "            if (expected < %s) expected = -expected;\n"
                  "            if (!(difference <= %s * (%s + expected))) failures++;\n"
                  % (p, names["zero"], names["zero"], self.literal(tolerance), names["one"]))
        write("        }\n    }\n    return failures;\n}\n")


def _indent(text, spaces):
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))


def _rows(values, per_line):
    return ",\n".join("    " + ", ".join(str(v) for v in values[i:i + per_line])
                      for i in range(0, len(values), per_line))


def _wrap(text, prefix, width=88):
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width - len(prefix):
            lines.append(line)
            line = word
        else:
            line = line + " " + word if line else word
    lines.append(line)
    return ("\n" + prefix).join(lines)
