"""Render neuronsim's SVG pictures in headless Chromium and check they are not blank.

    python3 scripts/render_svgs.py [OUTDIR]

writes, into OUTDIR (default ``demos/out/render``):

* ``network.svg`` – the worked example after one backward pass, lines labelled
  with ∂E/∂w;
* ``network_3-4-3-2.svg`` – a seeded net with two hidden layers, labelled with w;
* ``training_curve.svg`` – a training and validation curve;

then screenshots each with Debian's ``chromium`` (``apt-get install -y
chromium``) into a PNG beside it, decodes the PNG with the standard library
(zlib; no Pillow) and checks it is not blank: enough pixels that are not
background white, in both the blue and the orange the pictures use.  An empty
SVG rendered in the same run must come out blank (the control).  It prints
one line per picture and exits 1 if any check fails, 2 if no Chromium
is installed.  ``tests/test_pictures.py`` runs the same check when Chromium
is installed and is skipped otherwise.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from neuronsim import NeuralNetwork  # noqa: E402
from neuronsim.pictures import training_curve_svg  # noqa: E402

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def find_chromium():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


# -- a small PNG decoder (8-bit greyscale, RGB, grey+alpha, RGBA; no interlace) --

def read_png(path):
    """(width, height, rows) with rows a list of lists of (r, g, b) tuples."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    position, idat, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("%s: PNG depth %d colour type %d interlace %d not supported"
                         % (path, depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind = raw[offset]
        line = bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 255
        previous = line
        if channels >= 3:
            rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        else:
            rows.append([(line[i],) * 3 for i in range(0, stride, channels)])
    return width, height, rows


def ink_report(path):
    """Counts of non-white, bluish and orangeish pixels in a PNG."""
    width, height, rows = read_png(path)
    ink = blue = orange = 0
    for row in rows:
        for r, g, b in row:
            if r < 235 or g < 235 or b < 235:
                ink += 1
                if b > r + 60:
                    blue += 1
                elif r > b + 80 and r > 150:
                    orange += 1
    return {"width": width, "height": height, "ink": ink, "blue": blue, "orange": orange}


def _command(chromium, svg_path, png_path, width, height, profile):
    return [chromium] + FLAGS + ["--user-data-dir=" + profile,
                                 "--window-size=%d,%d" % (width, height),
                                 "--screenshot=" + png_path,
                                 "file://" + os.path.abspath(svg_path)]


def screenshot_all(chromium, jobs, timeout=120):
    """Screenshot every (svg_path, png_path, width, height) at once, one Chromium each
    with its own fresh profile; raise if any PNG is missing."""
    profiles, processes = [], []
    try:
        for svg_path, png_path, width, height in jobs:
            if os.path.exists(png_path):
                os.remove(png_path)
            profile = tempfile.mkdtemp(prefix="neuronsim-chromium-")
            profiles.append(profile)
            processes.append(subprocess.Popen(
                _command(chromium, svg_path, png_path, width, height, profile),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for process in processes:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        for profile in profiles:
            shutil.rmtree(profile, ignore_errors=True)
    for svg_path, png_path, _, _ in jobs:
        if not os.path.exists(png_path):
            raise RuntimeError("chromium wrote no screenshot for %s" % svg_path)


def screenshot(chromium, svg_path, png_path, width, height, timeout=120):
    """Screenshot one SVG file into a PNG of width × height pixels."""
    screenshot_all(chromium, [(svg_path, png_path, width, height)], timeout)


def svg_size(text):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(text.encode("utf-8"))
    return int(float(root.get("width"))), int(float(root.get("height")))


def pictures():
    """name → SVG text of the pictures checked."""
    example = NeuralNetwork(2, 2, 2, [0.15, 0.2, 0.25, 0.3], 0.35, [0.4, 0.45, 0.5, 0.55], 0.6,
                            train_biases=False)
    deeper = NeuralNetwork(3, [4, 3], 2, seed=3)
    history = {"training_error": [0.3 * 0.9 ** i for i in range(40)],
               "validation_error": [0.32 * 0.91 ** i for i in range(40)]}
    return {
        "network.svg": example.to_svg([0.05, 0.1], [0.01, 0.99], label="gradient"),
        "network_3-4-3-2.svg": deeper.to_svg([1.0, -1.0, 0.5], label="weight"),
        "training_curve.svg": training_curve_svg(history, title="Training & <validation> error"),
    }


BLANK = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
         'version="1.1" width="320" height="200"/>\n')


def passes(report):
    """Not blank: over 1% of the pixels drawn, with both the blue (positive weights,
    training error) and the orange (negative w or ∂E/∂w, validation error) in them."""
    area = report["width"] * report["height"]
    return report["ink"] > area // 100 and report["blue"] > 200 and report["orange"] > 20


def check(outdir, chromium):
    """Write, render and check every picture; return a list of (png_path, report, ok).

    The last row is the control: an empty SVG, rendered in the same run, that
    must come out blank (no ink at all), so a check that passes everything
    would be caught.
    """
    os.makedirs(outdir, exist_ok=True)
    items = sorted(pictures().items()) + [("blank_control.svg", BLANK)]
    jobs = []
    for name, text in items:
        svg_path = os.path.join(outdir, name)
        with open(svg_path, "w", encoding="utf-8") as handle:
            handle.write(text)
        width, height = svg_size(text)
        jobs.append((svg_path, svg_path[:-4] + ".png", width, height))
    screenshot_all(chromium, jobs)
    results = []
    for (name, _), (_, png_path, _, _) in zip(items, jobs):
        report = ink_report(png_path)
        ok = report["ink"] == 0 if name == "blank_control.svg" else passes(report)
        results.append((png_path, report, ok))
    return results


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.join(ROOT, "demos", "out", "render")
    chromium = find_chromium()
    if chromium is None:
        print("no chromium found (tried %s); apt-get install -y chromium"
              % ", ".join(CHROMIUM_NAMES))
        return 2
    failed = 0
    for png_path, report, ok in check(outdir, chromium):
        print("%s %s: %dx%d, %d non-white pixels (%.1f%%), %d blue, %d orange"
              % ("ok  " if ok else "FAIL", png_path, report["width"], report["height"],
                 report["ink"], 100.0 * report["ink"] / (report["width"] * report["height"]),
                 report["blue"], report["orange"]))
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
