"""SVG pictures: valid XML that shows what the network and its training hold; rendered too."""

import math
import os
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

import pytest

from neuronsim import NeuralNetwork
from neuronsim.pictures import NEGATIVE, POSITIVE, nice_ticks, training_curve_svg

from conftest import INPUTS, TARGETS, snapshot, worked_example

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import render_svgs  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def parse(text):
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == SVG + "svg"
    assert root.get("version") == "1.1"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    return root


def texts(root):
    return [element.text for element in root.iter(SVG + "text")]


# -- the network ---------------------------------------------------------------

def test_network_svg_is_valid_and_labels_every_neuron_with_its_output(example):
    root = parse(example.to_svg(INPUTS))
    circles = [c for c in root.iter(SVG + "circle") if c.get("class") == "neuron"]
    assert len(circles) == 2 + 2 + 2
    labels = texts(root)
    for name in ["i1", "i2", "h1", "h2", "o1", "o2"]:
        assert name in labels
    outputs = example.feed_forward(INPUTS)
    hidden = [n.output for n in example.hidden_layer.neurons]
    for value in INPUTS + hidden + outputs:
        assert "%.4g" % value in labels
    assert "b=0.35" in labels and "b=0.6" in labels


def test_connections_are_coloured_by_sign_and_thickened_by_magnitude():
    net = NeuralNetwork(3, [4, 3], 2, seed=3)
    root = parse(net.to_svg())
    lines = [line for line in root.iter(SVG + "line") if line.get("class") == "weight"]
    weights = [w for layer in net.layers for n in layer.neurons for w in n.weights]
    assert len(lines) == len(weights) == 3 * 4 + 4 * 3 + 3 * 2
    assert {w > 0 for w in weights} == {True, False}      # both colours are exercised
    for line, w in zip(lines, weights):
        assert line.get("stroke") == (POSITIVE if w >= 0 else NEGATIVE)
    by_size = sorted(zip((abs(w) for w in weights), (float(l.get("stroke-width")) for l in lines)))
    widths = [width for _, width in by_size]
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_lines_can_be_labelled_with_weights_or_gradients(example):
    weights = texts(parse(example.to_svg(label="weight")))
    assert "w1=0.15" in weights and "w8=0.55" in weights
    gradients = texts(parse(example.to_svg(INPUTS, TARGETS, label="gradient")))
    assert "w1=0.000439" in gradients and "w5=0.0822" in gradients and "w7=-0.0226" in gradients


def test_to_svg_changes_no_weight(example):
    before = snapshot(example)
    example.to_svg(INPUTS, TARGETS, label="gradient")
    assert snapshot(example) == before


def test_network_svg_bad_arguments():
    net = worked_example()
    with pytest.raises(ValueError, match="label: 'gradient' needs"):
        net.to_svg(label="gradient")                       # no backward pass yet
    with pytest.raises(ValueError, match="label: expected None, 'weight' or 'gradient', got 'w'"):
        net.to_svg(label="w")
    with pytest.raises(TypeError, match="label"):
        net.to_svg(label=1)
    with pytest.raises(ValueError, match="targets: given without inputs"):
        net.to_svg(targets=TARGETS)
    with pytest.raises(ValueError, match="inputs"):
        net.to_svg([1.0])
    with pytest.raises(ValueError, match="net: to_svg draws up to"):
        NeuralNetwork(100, 60, 10, seed=1).to_svg()


def test_text_is_escaped():
    title = 'a <b> & "c" \u2019'
    root = parse(worked_example().to_svg(title=title))
    assert title in texts(root)
    assert root.find(SVG + "title").text == title


# -- the training curve --------------------------------------------------------

class History:
    """Stands in for the fit History (issue 4): the attributes the curve reads."""

    def __init__(self, training, validation=()):
        self.training_error = list(training)
        self.validation_error = list(validation)
        self.stop_reason = "max_epochs"


def polylines(root):
    result = []
    for line in root.iter(SVG + "polyline"):
        points = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
        result.append(points)
    return result


def test_training_curve_from_a_dict_draws_one_point_per_epoch():
    errors = [0.3, 0.2, 0.25, 0.1, 0.05]
    root = parse(training_curve_svg({"training_error": errors}))
    (points,) = polylines(root)
    assert len(points) == len(errors)
    xs = [x for x, _ in points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # SVG's y grows downwards: a larger error sits higher up, in proportion.
    ys = [y for _, y in points]
    assert sorted(range(5), key=lambda i: ys[i]) == sorted(range(5), key=lambda i: -errors[i])
    scale = (ys[4] - ys[0]) / (errors[0] - errors[4])
    assert ys[1] - ys[0] == pytest.approx(scale * (errors[0] - errors[1]), abs=0.02)
    labels = texts(root)
    assert "epoch" in labels and "error E" in labels and "training error" in labels
    assert "0" in labels and "0.3" in labels                 # y ticks cover 0 … max


def test_training_curve_from_a_history_with_validation():
    history = History([1.0 / (i + 1) for i in range(30)], [1.2 / (i + 1) for i in range(30)])
    root = parse(training_curve_svg(history, title="XOR <fit>"))
    training, validation = polylines(root)
    assert len(training) == len(validation) == 30
    labels = texts(root)
    assert "validation error" in labels and "XOR <fit>" in labels
    assert "stopped: max_epochs" in labels
    for tick in ["0", "10", "20", "30"]:
        assert tick in labels


def test_training_curve_log_scale():
    root = parse(training_curve_svg({"training_error": [1.0, 0.1, 0.01]}, log_scale=True))
    (points,) = polylines(root)
    ys = [y for _, y in points]
    assert ys[1] - ys[0] == pytest.approx(ys[2] - ys[1], abs=0.02)   # equal steps per decade
    assert "error E (log scale)" in texts(root)


def test_training_curve_bad_histories():
    with pytest.raises(ValueError, match="history: expected a 'training_error' entry"):
        training_curve_svg({"loss": [1.0]})
    with pytest.raises(TypeError, match="history: expected a fit History"):
        training_curve_svg([0.3, 0.2])
    with pytest.raises(ValueError, match=r"history.training_error\[1\]: expected a finite"):
        training_curve_svg({"training_error": [0.3, float("nan")]})
    with pytest.raises(ValueError, match="history.training_error: expected at least one"):
        training_curve_svg(History([]))
    with pytest.raises(ValueError, match="log_scale needs every error > 0"):
        training_curve_svg({"training_error": [0.3, 0.0]}, log_scale=True)


def test_nice_ticks_cover_the_range_in_round_steps():
    for low, high in [(0, 0.3), (0, 1), (0, 7), (0.001, 0.0042), (0, 12345)]:
        ticks = nice_ticks(low, high)
        assert ticks[0] <= low and ticks[-1] >= high
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)


# -- rendering -----------------------------------------------------------------

def encode_png(rows):
    """A tiny RGB PNG with a different filter on each row (0..4, round robin)."""
    def paeth(a, b, c):
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        return a if pa <= pb and pa <= pc else (b if pb <= pc else c)

    raw, previous = bytearray(), bytes(len(rows[0]) * 3)
    for index, row in enumerate(rows):
        line = bytes(v for pixel in row for v in pixel)
        kind = index % 5
        out = bytearray([kind])
        for i, value in enumerate(line):
            left = line[i - 3] if i >= 3 else 0
            up = previous[i]
            corner = previous[i - 3] if i >= 3 else 0
            predictor = [0, left, up, (left + up) >> 1, paeth(left, up, corner)][kind]
            out.append((value - predictor) & 255)
        raw += out
        previous = line

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def test_the_png_decoder_undoes_every_filter(tmp_path):
    rows = [[((x * 37 + y * 11) % 256, (x * y * 5) % 256, (200 - x * 9 + y) % 256)
             for x in range(7)] for y in range(10)]
    path = tmp_path / "t.png"
    path.write_bytes(encode_png(rows))
    width, height, decoded = render_svgs.read_png(str(path))
    assert (width, height) == (7, 10)
    assert decoded == rows


def test_blank_detection_tells_white_from_ink(tmp_path):
    white = tmp_path / "white.png"
    white.write_bytes(encode_png([[(255, 255, 255)] * 20 for _ in range(20)]))
    assert render_svgs.ink_report(str(white))["ink"] == 0
    drawn = tmp_path / "drawn.png"
    drawn.write_bytes(encode_png([[(31, 111, 180)] * 20 for _ in range(10)]
                                 + [[(224, 99, 26)] * 20 for _ in range(10)]))
    report = render_svgs.ink_report(str(drawn))
    assert (report["ink"], report["blue"], report["orange"]) == (400, 200, 200)


CHROMIUM = render_svgs.find_chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed: the render check is "
                    "skipped (apt-get install -y chromium, or run scripts/render_svgs.py)")
def test_svgs_render_in_headless_chromium_to_a_non_blank_image(tmp_path):
    results = render_svgs.check(str(tmp_path), CHROMIUM)
    assert [os.path.basename(png) for png, _, _ in results] == [
        "network.png", "network_3-4-3-2.png", "training_curve.png", "blank_control.png"]
    for png_path, report, ok in results:
        assert ok, (png_path, report)
    # The control came out blank, and would fail the check a picture must pass.
    control = results[-1][1]
    assert control["ink"] == 0 and not render_svgs.passes(control)
