"""SVG pictures of a network and of its training, standard library only.

* :func:`network_svg` (or ``net.to_svg()``) draws the network: one circle per
  neuron, labelled with its name (i1, h1, o1, as in the worked example and
  ``net.explain``) and its output out_h1 from the last pass; one line per
  weight, blue when positive and orange when negative, thicker the larger
  |w| is, optionally labelled with the weight or with ∂E/∂w.
* :func:`training_curve_svg` draws training (and validation) error per epoch
  from a fit history, with axes, ticks and labels.

Both return the text of a standalone SVG 1.1 document (UTF-8); every piece
of text in it is escaped, so any title is safe.  Neither changes a weight.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35,
...                     [0.4, 0.45, 0.5, 0.55], 0.6, train_biases=False)
>>> svg = net.to_svg([0.05, 0.1])
>>> svg.count('class="neuron"'), svg.count('class="weight"')   # 6 neurons, 8 weights
(6, 8)
>>> ">0.7514<" in svg                             # out_o1, to 4 digits
True
>>> curve = training_curve_svg({"training_error": [0.3, 0.2, 0.15]})
>>> curve.startswith("<?xml") and "epoch" in curve
True
"""

import math
from xml.sax.saxutils import escape, quoteattr

from .validation import check_number, check_vector, describe

#: A network with more weights than this is refused: the picture would be a blur.
MAX_CONNECTIONS = 5000

POSITIVE = "#1f6fb4"   # blue: a positive weight
NEGATIVE = "#e0631a"   # orange: a negative weight
NEURON_FILL = "#fdfdf6"
INPUT_FILL = "#eef3f8"
INK = "#222222"
TRAINING = "#1f6fb4"
VALIDATION = "#e0631a"

_LABELS = (None, "weight", "gradient")


def _number(value, digits=4):
    return "%.*g" % (digits, value)


def _short(value):
    """A number that fits in a circle: at most 4 significant digits and 6 characters.

    >>> _short(0.7513650695), _short(0.0004992), _short(-12.345678)
    ('0.7514', '0.0005', '-12.35')
    """
    for digits in (4, 3, 2, 1):
        text = "%.*g" % (digits, value)
        if len(text) <= 6:
            break
    return text


def _attrs(attributes):
    return "".join(" %s=%s" % (key.rstrip("_").replace("_", "-"), quoteattr(str(value)))
                   for key, value in attributes)


def _element(name, text=None, **attributes):
    """One SVG element; keyword order is kept, '_' in a name becomes '-'."""
    attrs = _attrs(attributes.items())
    if text is None:
        return "<%s%s/>" % (name, attrs)
    return "<%s%s>%s</%s>" % (name, attrs, escape(text), name)


def _document(width, height, title, body):
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" '
        'viewBox="0 0 %d %d" font-family="DejaVu Sans, Verdana, Arial, sans-serif">'
        % (width, height, width, height),
        _element("title", title),
        _element("rect", x=0, y=0, width=width, height=height, fill="#ffffff"),
    ] + body + ["</svg>", ""])


def _fmt(value):
    """Coordinates: short and exact enough."""
    text = "%.2f" % value
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- the network ---------------------------------------------------------------

def network_svg(net, inputs=None, targets=None, label=None, title=None):
    """The network as SVG text.

    With ``inputs`` the network is fed forward first (with ``targets`` too,
    backpropagated, as ``net.backprop`` does) so every circle shows its
    output; without, the circles show the outputs of the last pass, or only
    names if there was none.  ``label`` is None, ``"weight"`` (each line
    labelled with its weight) or ``"gradient"`` (with ∂E/∂w, which needs a
    backward pass: give ``targets`` or call ``net.backprop`` first).
    Weights and biases are never changed.
    """
    if label is not None and not isinstance(label, str):
        raise TypeError("label: expected None, 'weight' or 'gradient', got %s" % describe(label))
    if label not in _LABELS:
        raise ValueError("label: expected None, 'weight' or 'gradient', got %r" % (label,))
    if title is not None and not isinstance(title, str):
        raise TypeError("title: expected a string or None, got %s" % describe(title))
    if targets is not None and inputs is None:
        raise ValueError("targets: given without inputs; pass inputs too")
    connections = sum(len(n.weights) for layer in net.layers for n in layer.neurons)
    if connections > MAX_CONNECTIONS:
        raise ValueError("net: to_svg draws up to %d weights, this network has %d"
                         % (MAX_CONNECTIONS, connections))
    raw = None
    if inputs is not None:
        if targets is not None:
            net.backprop(inputs, targets)      # checks both first
        else:
            net.feed_forward(inputs)
        if net.input_scaling is not None:      # the circles show the scaled inputs
            raw = check_vector(inputs, "inputs", net.num_inputs)
    if label == "gradient" and any(n.delta is None for layer in net.layers for n in layer.neurons):
        raise ValueError("label: 'gradient' needs ∂E/∂w from a backward pass; pass inputs "
                         "and targets, or call net.backprop(inputs, targets) first")

    from .explain import neuron_names, weight_names  # the same names as the trace
    names = [["i%d" % (k + 1) for k in range(net.num_inputs)]] + neuron_names(net)
    wnames = weight_names(net)
    first_inputs = net.layers[0].neurons[0].inputs
    values = [list(first_inputs) if first_inputs is not None else [None] * net.num_inputs]
    values += [[n.output for n in layer.neurons] for layer in net.layers]
    biases = [[None] * net.num_inputs] + [[n.bias for n in layer.neurons] for layer in net.layers]

    radius, col_gap, row_gap, margin, top = 24, 220, 88, 60, 64
    columns = len(names)
    tallest = max(len(column) for column in names)
    width = 2 * margin + (columns - 1) * col_gap
    height = top + (tallest - 1) * row_gap + 2 * radius + 80
    middle = top + radius + (tallest - 1) * row_gap / 2.0

    def centre(c, k):
        count = len(names[c])
        return margin + c * col_gap, middle + (k - (count - 1) / 2.0) * row_gap

    weights = [w for layer in net.layers for n in layer.neurons for w in n.weights]
    largest = max(abs(w) for w in weights) or 1.0
    if title is None:
        title = "neuronsim network %s" % "-".join(str(s) for s in net.layer_sizes)

    body = [_element("text", title, x=margin - radius, y=28, font_size=16, fill=INK)]
    edges, edge_labels = [], []
    for c, layer in enumerate(net.layers, start=1):
        for k, neuron in enumerate(layer.neurons):
            x2, y2 = centre(c, k)
            grads = neuron.weight_gradients if label == "gradient" else None
            for j, w in enumerate(neuron.weights):
                x1, y1 = centre(c - 1, j)
                length = math.hypot(x2 - x1, y2 - y1)
                ux, uy = (x2 - x1) / length, (y2 - y1) / length
                stroke = POSITIVE if w >= 0 else NEGATIVE
                thickness = 0.75 + 5.25 * abs(w) / largest
                edges.append(_element(
                    "line", class_="weight", x1=_fmt(x1 + ux * radius), y1=_fmt(y1 + uy * radius),
                    x2=_fmt(x2 - ux * radius), y2=_fmt(y2 - uy * radius), stroke=stroke,
                    stroke_width=_fmt(thickness), stroke_opacity="0.85", stroke_linecap="round"))
                if label is not None:
                    value = w if label == "weight" else grads[j]
                    text = "%s=%s" % (wnames[c - 1][k][j], _number(value, 3))
                    # Three quarters of the way to the target: the labels of one
                    # neuron's weights stack in a column, a quarter row apart.
                    t = 0.68
                    lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                    half = 2.9 * len(text) + 2
                    edge_labels.append(_element("rect", x=_fmt(lx - half), y=_fmt(ly - 7),
                                                width=_fmt(2 * half), height=12, rx=2,
                                                fill="#ffffff", fill_opacity="0.85"))
                    edge_labels.append(_element("text", text, x=_fmt(lx), y=_fmt(ly + 3),
                                                font_size=9, text_anchor="middle",
                                                fill=POSITIVE if value >= 0 else NEGATIVE))
    body += edges + edge_labels

    for c, column in enumerate(names):
        for k, name in enumerate(column):
            x, y = centre(c, k)
            body.append(_element("circle", class_="neuron", cx=_fmt(x), cy=_fmt(y), r=radius,
                                 fill=INPUT_FILL if c == 0 else NEURON_FILL,
                                 stroke=INK, stroke_width="1.5"))
            body.append(_element("text", name, x=_fmt(x), y=_fmt(y - radius - 6), font_size=12,
                                 text_anchor="middle", fill=INK, font_weight="bold"))
            value = values[c][k]
            if value is not None:
                body.append(_element("text", _short(value), x=_fmt(x), y=_fmt(y + 4),
                                     font_size=11, text_anchor="middle", fill=INK))
            if c == 0 and raw is not None:
                body.append(_element("text", "x=%s" % _number(raw[k], 4), x=_fmt(x),
                                     y=_fmt(y + radius + 13), font_size=9,
                                     text_anchor="middle", fill="#666666"))
            if c == len(names) - 1 and net.target_scaling is not None and value is not None:
                s = net.target_scaling
                body.append(_element("text", "y=%s" % _number(value * s.scale[k] + s.mean[k], 4),
                                     x=_fmt(x + radius + 4), y=_fmt(y + 4), font_size=9,
                                     fill="#666666"))
            bias = biases[c][k]
            if bias is not None:
                body.append(_element("text", "b=%s" % _number(bias, 3), x=_fmt(x),
                                     y=_fmt(y + radius + 13), font_size=9,
                                     text_anchor="middle", fill="#666666"))

    legend_y = height - 22
    legend = [("positive weight", POSITIVE), ("negative weight", NEGATIVE)]
    x = margin - radius
    for text, colour in legend:
        body.append(_element("line", x1=x, y1=legend_y, x2=x + 26, y2=legend_y, stroke=colour,
                             stroke_width=4, stroke_linecap="round"))
        body.append(_element("text", text, x=x + 32, y=legend_y + 4, font_size=11, fill=INK))
        x += 150
    note = "thickness ∝ |w|; circles show out"
    if net.input_scaling is not None:
        note += " (inputs scaled: (x − mean)/scale)"
    if net.target_scaling is not None:
        note += "; y = out·scale + mean"
    if label:
        note += "; labels: %s, coloured by its sign" % ("w" if label == "weight" else "∂E/∂w")
    body.append(_element("text", note, x=x, y=legend_y + 4, font_size=11, fill="#555555"))
    return _document(max(width, x + 7 * len(note)), height, title, body)


# -- the training curve --------------------------------------------------------

def _series(history):
    """(training_error, validation_error) lists from a History, an object or a dict."""
    if isinstance(history, dict):
        if "training_error" not in history:
            raise ValueError("history: expected a 'training_error' entry, got keys %s"
                             % sorted(history))
        training = history["training_error"]
        validation = history.get("validation_error") or []
    else:
        if not hasattr(history, "training_error"):
            raise TypeError("history: expected a fit History or a dict with 'training_error', "
                            "got %s" % describe(history))
        training = history.training_error
        validation = getattr(history, "validation_error", None) or []
    training = check_vector(training, "history.training_error")
    if len(validation):
        validation = check_vector(validation, "history.validation_error")
    return training, list(validation)


def nice_ticks(low, high, count=5):
    """Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k.

    Each tick is the double nearest its decimal value (0.3, not
    0.30000000000000004).  Meant for ranges of ordinary size:
    :func:`training_curve_svg` scales extreme values (beyond 1e±100) by a
    power of ten before it asks for ticks.

    >>> nice_ticks(0.0, 0.3)
    [0.0, 0.1, 0.2, 0.3]
    >>> nice_ticks(1, 37)
    [0.0, 10.0, 20.0, 30.0, 40.0]
    """
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    exponent = int(math.floor(math.log10(raw)))
    for multiple in (1, 2, 5, 10):
        step = _times_ten(multiple, exponent)
        if (high - low) / step <= count + 1e-9:
            break
    start = int(math.floor(low / step + 1e-9))
    stop = int(math.ceil(high / step - 1e-9))
    return [_times_ten(i * multiple, exponent) for i in range(start, stop + 1)]


def _times_ten(value, power):
    """value × 10^power without overflow on the way; exact powers of ten where they exist.

    >>> _times_ten(3, -1), _times_ten(5, -324), _times_ten(1.7e308, -308)
    (0.3, 5e-324, 1.7)
    """
    value = float(value)
    while power > 200:
        value, power = value * 1e200, power - 200
    while power < -200:
        value, power = value / 1e200, power + 200
    return value * 10.0 ** power if power >= 0 else value / 10.0 ** -power


def _decimal_shift(values):
    """The power of ten to divide ``values`` by before drawing: 0 unless they are extreme.

    >>> _decimal_shift([0.5, 0.02]), _decimal_shift([1.7e308, 2.0]), _decimal_shift([5e-324])
    (0, 308, -324)
    """
    big = max(abs(v) for v in values)
    if big == 0.0 or 1e-100 <= big <= 1e100:
        return 0
    return int(math.floor(math.log10(big)))


def _log_ticks(low, high):
    """Ticks for a log axis over [low, high] (both > 0) as (log10 position, label) pairs.

    Positions are exponents, so any positive double, from 5e-324 to
    1.8e308, has ticks on both sides; labels beyond the double range are text.

    >>> [label for _, label in _log_ticks(0.02, 0.4)]
    ['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']
    >>> [label for _, label in _log_ticks(5e-324, 1.5e308)][:2]
    ['1e-400', '1e-320']
    """
    def label(multiple, exponent):
        if -300 < exponent < 300:
            return "%g" % _times_ten(multiple, exponent)
        return "%de%+03d" % (multiple, exponent)

    first, last = int(math.floor(math.log10(low))), int(math.ceil(math.log10(high)))
    if last == first:
        last += 1
    every = max(1, -(-(last - first) // 8))          # at most about 8 decades labelled
    first, last = first // every * every, -(-last // every) * every
    ticks = [(float(e), label(1, e)) for e in range(first, last + 1, every)]
    if last - first <= 2:
        ticks += [(e + math.log10(m), label(m, e)) for e in range(first, last) for m in (2, 5)]
    return sorted(ticks)


def training_curve_svg(history, title="Training curve", log_scale=False, width=640, height=400):
    """Training (and validation) error per epoch as SVG text.

    ``history`` is a fit History, or any object or dict with
    ``training_error`` (one number per epoch) and optionally
    ``validation_error``.  ``log_scale=True`` puts the error on a
    logarithmic axis (every value must then be > 0).
    """
    training, validation = _series(history)
    if not isinstance(title, str):
        raise TypeError("title: expected a string, got %s" % describe(title))
    if not isinstance(log_scale, bool):
        raise TypeError("log_scale: expected True or False, got %s" % describe(log_scale))
    width = int(check_number(width, "width", minimum=200))
    height = int(check_number(height, "height", minimum=150))
    values = training + validation
    if log_scale and min(values) <= 0:
        raise ValueError("history: log_scale needs every error > 0, got %r" % min(values))

    left, right, top, bottom = 78, 24, 48, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    epochs = max(len(training), len(validation))
    x_ticks = [t for t in nice_ticks(0, max(epochs, 1), 6) if t == int(t)]
    x_low, x_high = 0.0, x_ticks[-1]
    y_label = "error E (log scale)" if log_scale else "error E"
    if log_scale:
        y_ticks = _log_ticks(min(values), max(values))
        transform = math.log10
    else:  # extreme values (1e300, 5e-324) are drawn divided by a power of ten, said on the axis
        shift = _decimal_shift(values)
        scaled = [_times_ten(v, -shift) for v in values]
        y_ticks = [(t, "%g" % t) for t in nice_ticks(min(0.0, min(scaled)), max(0.0, max(scaled)))]
        if shift:
            y_label += " (×1e%d)" % shift

        def transform(value):
            return _times_ten(value, -shift)
    y_low, y_high = y_ticks[0][0], y_ticks[-1][0]

    def px(epoch):
        return left + (epoch - x_low) / (x_high - x_low) * plot_w

    def py(value):
        return top + plot_h - (transform(value) - y_low) / (y_high - y_low) * plot_h

    body = [_element("text", title, x=left, y=28, font_size=16, fill=INK)]
    # grid and ticks
    for position, text in y_ticks:
        y = _fmt(top + plot_h - (position - y_low) / (y_high - y_low) * plot_h)
        body.append(_element("line", x1=left, y1=y, x2=left + plot_w, y2=y, stroke="#e4e4e4",
                             stroke_width=1))
        body.append(_element("line", x1=left - 5, y1=y, x2=left, y2=y, stroke=INK,
                             stroke_width=1))
        body.append(_element("text", text, x=left - 8, y=_fmt(float(y) + 4), font_size=11,
                             text_anchor="end", fill=INK))
    for tick in x_ticks:
        x = _fmt(px(tick))
        body.append(_element("line", x1=x, y1=top + plot_h, x2=x, y2=top + plot_h + 5,
                             stroke=INK, stroke_width=1))
        body.append(_element("text", "%d" % tick, x=x, y=top + plot_h + 19, font_size=11,
                             text_anchor="middle", fill=INK))
    # axes and their labels
    body.append(_element("line", x1=left, y1=top + plot_h, x2=left + plot_w, y2=top + plot_h,
                         stroke=INK, stroke_width="1.5"))
    body.append(_element("line", x1=left, y1=top, x2=left, y2=top + plot_h, stroke=INK,
                         stroke_width="1.5"))
    body.append(_element("text", "epoch", x=_fmt(left + plot_w / 2.0), y=height - 14,
                         font_size=13, text_anchor="middle", fill=INK))
    cy = _fmt(top + plot_h / 2.0)
    body.append(_element("text", y_label, x=18, y=cy, font_size=13, text_anchor="middle",
                         fill=INK, transform="rotate(-90 18 %s)" % cy))
    # the curves
    series = [("training error", training, TRAINING)]
    if validation:
        series.append(("validation error", validation, VALIDATION))
    for name, data, colour in series:
        points = " ".join("%s,%s" % (_fmt(px(i + 1)), _fmt(py(v))) for i, v in enumerate(data))
        body.append(_element("polyline", points=points, fill="none", stroke=colour,
                             stroke_width=2, stroke_linejoin="round"))
        if len(data) <= 60:
            for i, v in enumerate(data):
                body.append(_element("circle", cx=_fmt(px(i + 1)), cy=_fmt(py(v)), r=2.5,
                                     fill=colour))
    # legend, top right
    lx = left + plot_w - 150
    for row, (name, _, colour) in enumerate(series):
        y = top + 14 + row * 18
        body.append(_element("line", x1=lx, y1=y, x2=lx + 24, y2=y, stroke=colour,
                             stroke_width=3))
        body.append(_element("text", name, x=lx + 30, y=y + 4, font_size=12, fill=INK))
    stop = history.get("stop_reason") if isinstance(history, dict) else \
        getattr(history, "stop_reason", None)
    if stop:
        body.append(_element("text", "stopped: %s" % stop, x=left + plot_w, y=28,
                             font_size=11, text_anchor="end", fill="#555555"))
    return _document(width, height, title, body)
