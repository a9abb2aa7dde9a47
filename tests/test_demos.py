"""The demos run as a user runs them, and print what they promise."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import INPUTS, TARGETS, worked_example

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_demo(name):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "demos", name)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_worked_example_prints_the_reference_numbers():
    out = run_demo("worked_example.py")
    for number in ["0.3775", "0.593269992", "0.596884378", "1.10590597", "0.75136507",
                   "0.772928465", "0.274811083", "0.0235600256", "0.298371109",
                   "0.74136507", "0.186815602", "0.138498562", "0.0821670406",
                   "0.0363503064", "0.241300709", "0.000438567734",
                   "0.149780716", "0.199561432", "0.249751144", "0.299502287",
                   "0.35891648", "0.408666186", "0.51130127", "0.561370121",
                   "0.291027774", "0.291027924", "3.51018778e-05", "0.0159136204", "0.984064274"]:
        assert number in out, number


def test_xor_demo_learns_the_truth_table():
    out = run_demo("xor.py")
    rows = re.findall(r"^\s+(\d)\s+(\d) \|\s+(\d)\s+\| ([0-9.]+)$", out, re.M)
    assert len(rows) == 4
    for a, b, target, output in rows:
        assert int(target) == int(a) ^ int(b)
        assert abs(float(output) - int(target)) < 0.1


def test_worked_example_prints_its_step_through_explain_and_draws_it():
    out = run_demo("worked_example.py")
    # The trace is net.explain's, line for line.
    assert worked_example(learning_rate=0.5).explain(INPUTS, TARGETS) in out
    # The w+ of the trace are the weights net.train leaves.
    planned = re.findall(r"^  w\d\+ = .* = (\S+)$", out, re.M)
    taken = re.search(r"^net\.train takes that step: w1\.\.w8 are now (.*)$", out, re.M).group(1)
    assert len(planned) == 8 and taken.split(", ") == planned
    # The erratum is reproduced by computation, not quoted.
    assert re.search(r"instead of w5\.\.w8 gives 0\.291027924:", out)
    assert re.search(r"^E_total after one step: 0\.291027774 \(was 0\.298371109\)$", out, re.M)
    # The picture is written where the demo says.
    path = re.search(r"^Picture of the first step: (\S+)$", out, re.M).group(1)
    root = ET.parse(os.path.join(ROOT, path)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_pictures_demo_draws_a_network_and_a_real_training_curve():
    out = run_demo("pictures.py")
    first = re.search(r"^epoch 1: training error ([0-9.]+), validation error ([0-9.]+)$", out, re.M)
    last = re.search(r"^epoch (\d+): training error ([0-9.]+), validation error ([0-9.]+)$",
                     out.split("\n", 2)[2], re.M)
    assert float(last.group(2)) < float(first.group(1)) / 4       # it learned
    epochs = int(last.group(1))
    paths = re.findall(r"^wrote (\S+\.svg)$", out, re.M)
    assert [os.path.basename(p) for p in paths] == ["circle_network.svg",
                                                     "circle_training_curve.svg"]
    svg = "{http://www.w3.org/2000/svg}"
    network = ET.parse(os.path.join(ROOT, paths[0])).getroot()
    assert len([c for c in network.iter(svg + "circle") if c.get("class") == "neuron"]) == 7
    curve = ET.parse(os.path.join(ROOT, paths[1])).getroot()
    lines = list(curve.iter(svg + "polyline"))
    assert len(lines) == 2
    assert all(len(line.get("points").split()) == epochs for line in lines)
