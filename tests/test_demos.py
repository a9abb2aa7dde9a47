"""The demos run as a user runs them, and print what they promise."""

import os
import re
import subprocess
import sys

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
